"""The Laplace d x N grid (:func:`grid`): independent points through :func:`simulate.sweep.run_sweep`
(submitit), each keyed by the hash of its full configuration, and the rate fits."""

from __future__ import annotations

import functools
import math
import os
import time
from pathlib import Path

import numpy as np

from theory._io import atomic_savefig, atomic_write_json
from theory._results import provenance
from train._defaults import GRID_DEFAULTS
from train.config import RunConfig, get_config
from train.tables._figures import _grid_figure
from train.tables._rows import _at, _check_runs_folder, _outputs, _pick, _train

__all__ = ["fit_rates", "grid", "grid_config"]


def _point_config(d: int, N: int, *, epochs: int, n_train: int, n_test: int, seed: int) -> RunConfig:
    return get_config(
        "laplace",
        [
            f"d={d}", f"N={N}", f"epochs={epochs}", f"eval_every={max(epochs, 1)}",
            f"data.n_train={n_train}", f"data.n_test={n_test}", f"n_eval={n_test}", f"seed={seed}",
            "progress=false",
        ],
    )  # fmt: skip


def _grid_options(options: dict) -> dict:
    from theory._validation import check_int

    unknown = sorted(set(options) - set(GRID_DEFAULTS))
    if unknown:
        raise ValueError(f"unknown grid option(s) {', '.join(unknown)}; known: {', '.join(GRID_DEFAULTS)}")
    o = {**GRID_DEFAULTS, **options}
    for name in ("ds", "Ns"):
        vals = o[name]
        if isinstance(vals, str | bytes) or not hasattr(vals, "__iter__"):
            raise TypeError(f"{name} must be a sequence of integers; got {type(vals).__name__}")
        vals = tuple(check_int(v, name, low=2) for v in vals)
        if len(set(vals)) < 2 or len(set(vals)) != len(vals):
            raise ValueError(f"{name} must hold at least 2 distinct values, each once; got {list(vals)}")
        o[name] = vals
    o["epochs"] = check_int(o["epochs"], "epochs", low=1)
    o["n_train"] = check_int(o["n_train"], "n_train", low=2)
    o["n_test"] = check_int(o["n_test"], "n_test", low=20)
    o["seed"] = check_int(o["seed"], "seed", low=0)
    if max(o["Ns"]) > o["n_train"]:
        raise ValueError(f"every N must be <= n_train = {o['n_train']}; got N = {max(o['Ns'])}")
    return o


def grid_config(**options) -> dict:
    """The full configuration behind :func:`grid`'s numbers (what its result records as ``config``).

    Parameters
    ----------
    **options
        ``epochs``, ``n_train``, ``n_test``, ``ds``, ``Ns``, ``seed``; defaults: the published study's
        (:data:`GRID_DEFAULTS`).

    Returns
    -------
    dict
        ``ds``, ``Ns`` and ``run``: the :meth:`~train.config.RunConfig.identity` of every point without
        its ``d`` and ``N`` (the ``laplace`` configuration at the grid's sizes).
    """
    o = _grid_options(options)
    run = _point_config(o["ds"][0], o["Ns"][0], **{k: o[k] for k in ("epochs", "n_train", "n_test", "seed")})
    base = {k: v for k, v in run.identity().items() if k not in ("d", "N")}
    return {"ds": list(o["ds"]), "Ns": list(o["Ns"]), "run": base}


def _grid_point(point: dict, runs: str, figures: bool = True) -> dict:
    """Train one grid point (its full configuration ``point``) in ``runs``; its epoch-0 and final metrics."""
    import torch

    torch.set_num_threads(1)
    cfg = RunConfig.from_dict({**point, "out_dir": runs, "progress": False}, what="grid point")
    recs, wall, _ = _train(cfg, Path(runs), figures=figures)
    o = {"d": cfg.d, "N": cfg.N, "epochs": cfg.epochs, "n_train": cfg.data_params["n_train"],
         "n_test": cfg.data_params["n_test"], "seed": cfg.seed, "key": cfg.key}  # fmt: skip
    return {**o, "epoch0": _pick(_at(recs, 0)), "trained": _pick(_at(recs)), "wall_s": wall}


def fit_rates(x: np.ndarray, y: np.ndarray, z: np.ndarray) -> dict:
    """Least squares ``z = c + a log x + b log y`` with 95% confidence intervals (t distribution).

    Parameters
    ----------
    x, y : array_like, shape (n,)
        Positive (``d`` and ``N``), each with at least 2 distinct values; ``n >= 4``.
    z : array_like, shape (n,)
        Finite responses.

    Returns
    -------
    dict
        ``slope_d`` (a), ``slope_N`` (b), their standard errors and 95% intervals, ``intercept``, ``r2``.
    """
    from scipy import stats

    from theory._validation import as_vector

    x, y = as_vector(x, "x", min_len=4), as_vector(y, "y", min_len=4)
    z = as_vector(z, "z", min_len=4)
    if not (x.shape == y.shape == z.shape):
        raise ValueError(f"x, y and z must have the same length; got {x.size}, {y.size}, {z.size}")
    if x.min() <= 0 or y.min() <= 0:
        raise ValueError("x and y must be > 0 (they enter through their logarithms)")
    if np.unique(x).size < 2 or np.unique(y).size < 2:
        raise ValueError("x and y must each take at least 2 distinct values (else a slope is not identified)")
    X = np.column_stack([np.ones_like(x, dtype=float), np.log(x), np.log(y)])
    coef, *_ = np.linalg.lstsq(X, z, rcond=None)
    resid = z - X @ coef
    dof = max(len(z) - 3, 1)
    s2 = float(resid @ resid) / dof
    cov = s2 * np.linalg.inv(X.T @ X)
    se = np.sqrt(np.diag(cov))
    t = float(stats.t.ppf(0.975, dof))
    ss = float(((z - z.mean()) ** 2).sum())
    return {
        "intercept": float(coef[0]),
        "slope_d": float(coef[1]),
        "slope_d_se": float(se[1]),
        "slope_d_ci": [float(coef[1] - t * se[1]), float(coef[1] + t * se[1])],
        "slope_N": float(coef[2]),
        "slope_N_se": float(se[2]),
        "slope_N_ci": [float(coef[2] - t * se[2]), float(coef[2] + t * se[2])],
        "r2": 1.0 - float(resid @ resid) / ss if ss > 0 else math.nan,
        "n_points": len(z),
    }


#: Quantities fitted on the grid: (name, key, transform, description).
_GRID_FITS = (
    ("log_cv", "cv", np.log, "log CV against log d, log N (O(1/d): slope -1; O(N^-1/2): slope -0.5)"),
    ("ad_pass", "ad_pass", None, "AD pass rate against log d, log N (linear: change per e-fold)"),
    ("dp_pass", "dp_pass", None, "DP pass rate against log d, log N"),
    ("log_ad_mean", "ad_mean", np.log, "log AD mean against log d, log N"),
)


def grid(
    out: str | os.PathLike | None = None,
    *,
    figure: str | os.PathLike | bool | None = True,
    runs: str | os.PathLike = "results/grid",
    executor: str = "local",
    workers: int = 2,
    publish: bool = False,
    progress: bool = True,
    run_figures: bool = True,
    argv: list[str] | None = None,
    **options,
) -> dict:
    """The Laplace d x N grid: train every point, fit the rates, write the result and its figure.

    Each point is the ``laplace`` configuration (linear, tau = 0.1, A = 0.6) at its ``(d, N)``, trained
    for ``epochs`` epochs on ``n_train`` base samples (paper: 150 epochs on 20000; reduced to fit CPU
    time), evaluated on ``n_test`` held-out samples at epoch 0 (the untrained control) and at the end.
    A point's result file (``<runs>/points/<key>.json``) is keyed by the hash of its full configuration
    (:func:`simulate.sweep.run_sweep`): points of another study in the same ``runs`` folder, or corrupt
    ones, are computed again, never reported.

    Parameters
    ----------
    out, figure : path, optional
        As :func:`~train.tables.table1` (default ``results/grid.json`` and ``results/grid.png``;
        ``docs/data/grid.json`` and ``docs/figures/grid.png`` with ``publish``).
    runs : path
        Folder of the point files and run directories.
    executor : {"local", "debug", "slurm"}
        submitit executor (``slurm`` needs a SLURM cluster: ``sbatch`` on the PATH).
    workers : int
        Points run at once by the local executor.
    publish : bool
        Write the published files (refuses explicit ``out`` / ``figure``).
    progress : bool
        Progress bar over points.
    run_figures : bool
        Each point's run directory gets its figures (:func:`train.loop.write_figures`).
    argv : list of str, optional
        The command line recorded in the result.
    **options
        ``epochs``, ``n_train``, ``n_test``, ``ds``, ``Ns``, ``seed`` (:func:`grid_config`).
    """
    import shutil

    from simulate.sweep import EXECUTORS, run_sweep
    from theory._validation import check_int

    o = _grid_options(options)
    if executor not in EXECUTORS:
        raise ValueError(f"executor must be one of {', '.join(EXECUTORS)}; got {executor!r}")
    workers = check_int(workers, "workers", low=1)
    if executor == "slurm" and shutil.which("sbatch") is None:
        raise ValueError("--executor slurm needs a SLURM cluster (no sbatch on the PATH); use local or debug")
    out_p, fig_p = _outputs("grid", out, figure, quick=False, publish=publish)
    runs = Path(runs)
    _check_runs_folder(runs)
    t0 = time.perf_counter()
    sizes = {k: o[k] for k in ("epochs", "n_train", "n_test", "seed")}
    points = [_point_config(d, N, **sizes).identity() for d in o["ds"] for N in o["Ns"]]
    fn = functools.partial(_grid_point, runs=str(runs / "runs"), figures=bool(run_figures))
    res = _with_checkout_on_path(
        lambda: run_sweep(fn, points, runs / "points", executor=executor, max_parallel=workers,
                          progress=progress, timeout_min=24 * 60, cpus_per_task=1)
    )  # fmt: skip
    d = np.array([r["d"] for r in res], float)
    N = np.array([r["N"] for r in res], float)
    fits: dict[str, dict] = {}
    for which in ("trained", "epoch0"):
        fits[which] = {}
        for name, key, tr, desc in _GRID_FITS:
            z = np.array([np.nan if r[which][key] is None else r[which][key] for r in res], float)
            if tr is not None:
                z = tr(np.maximum(z, 1e-12))
            fits[which][name] = {**fit_rates(d, N, z), "description": desc}
    wall = time.perf_counter() - t0
    cfg = grid_config(**o)
    result = {
        **provenance(config=cfg, seed=o["seed"], quick=False, wall_seconds=wall, argv=argv),
        "wall_s": wall,
        "setting": "Laplace, linear, tau = 0.1 (alpha = 10), A = 0.6 with the App. E.1 jitter",
        "sizes": {**sizes, "ds": list(o["ds"]), "Ns": list(o["Ns"])},
        "reduced": f"{o['epochs']} epochs on n_train = {o['n_train']} per point (paper: 150 on 20000), "
                   "for CPU time",
        "predicted": {"slope_d": -1.0, "slope_N": -0.5,
                      "source": "paper Sec. 6: O(1/d) projection rate, O(N^-1/2) empirical-minimiser rate"},
        "points": res,
        "fits": fits,
        "summary": _grid_summary(fits),
    }  # fmt: skip
    atomic_write_json(out_p, result)
    if fig_p is not None:
        atomic_savefig(_grid_figure(result), fig_p)
    return result


def _with_checkout_on_path(call):
    """Run ``call()`` with this checkout first on ``PYTHONPATH`` (submitit's worker processes import the
    point function from it), restoring the variable after."""
    root = str(Path(__file__).resolve().parents[2])
    old = os.environ.get("PYTHONPATH")
    os.environ["PYTHONPATH"] = root + (os.pathsep + old if old else "")
    try:
        return call()
    finally:
        if old is None:
            os.environ.pop("PYTHONPATH", None)
        else:
            os.environ["PYTHONPATH"] = old


def _grid_summary(fits: dict) -> dict:
    def desc(f: dict, var: str, target: float, log: bool) -> str:
        s, (lo, hi) = f[f"slope_{var}"], f[f"slope_{var}_ci"]
        txt = f"slope {s:+.3f} [95% CI {lo:+.3f}, {hi:+.3f}]"
        if log:
            inside = lo <= target <= hi
            txt += f"; the predicted {target:+.1f} is {'inside' if inside else 'outside'} the interval"
        return txt

    out = {}
    for which in ("trained", "epoch0"):
        f = fits[which]["log_cv"]
        out[which] = {
            "cv_vs_d": desc(f, "d", -1.0, True),
            "cv_vs_N": desc(f, "N", -0.5, True),
            "ad_pass_vs_d": desc(fits[which]["ad_pass"], "d", 0.0, False),
            "ad_pass_vs_N": desc(fits[which]["ad_pass"], "N", 0.0, False),
            "dp_pass_vs_d": desc(fits[which]["dp_pass"], "d", 0.0, False),
            "dp_pass_vs_N": desc(fits[which]["dp_pass"], "N", 0.0, False),
        }
    return out
