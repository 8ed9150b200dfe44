"""The Laplace d x N grid (:func:`grid`): independent points through submitit, and the rate fits."""

from __future__ import annotations

import json
import math
import os
import sys
import time
from pathlib import Path

import numpy as np

from theory._io import atomic_savefig, atomic_write_json, git_commit
from train.config import get_config
from train.tables._figures import _grid_figure
from train.tables._rows import _at, _pick, _train


def _grid_point(point: dict) -> dict:
    """Train one Laplace grid point; returns its epoch-0 and final metrics."""
    import torch

    torch.set_num_threads(1)
    cfg = get_config(
        "laplace",
        [
            f"d={point['d']}", f"N={point['N']}", f"epochs={point['epochs']}",
            f"eval_every={point['epochs']}",
            f"data.n_train={point['n_train']}", f"data.n_test={point['n_test']}", f"n_eval={point['n_test']}",
            f"seed={point['seed']}", f"out_dir={point['runs']}", "progress=false",
        ],
    )  # fmt: skip
    recs, wall, _ = _train(cfg, Path(point["runs"]))
    return {**point, "epoch0": _pick(_at(recs, 0)), "trained": _pick(_at(recs)), "wall_s": wall}


def _run_points(
    fn, points: list[dict], out_dir: str | os.PathLike, executor: str = "local", workers: int = 2
):
    """Run ``fn(point)`` for every point through submitit; finished points (``point-XXXX.json``) are kept.

    Parameters
    ----------
    fn : callable
        A picklable module-level function of one point (a dict) returning a JSON-able dict.
    points : list of dict
    out_dir : path
        Results (one JSON per point) and submitit's logs.
    executor : {"local", "debug", "slurm"}
        ``local``: subprocesses on this machine, ``workers`` at a time; ``debug``: in this process;
        ``slurm``: one job per point on a SLURM cluster (``submitit.AutoExecutor``).
    workers : int

    Returns
    -------
    list of dict
        The results in the order of ``points``.
    """
    import submitit
    from tqdm.auto import tqdm

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = [out / f"point-{i:04d}.json" for i in range(len(points))]
    todo = [i for i, p in enumerate(paths) if not p.exists()]
    if executor not in ("local", "debug", "slurm"):
        raise ValueError(f"executor must be 'local', 'debug' or 'slurm'; got {executor!r}")
    root = str(Path(__file__).resolve().parents[2])  # the checkout holding the train package
    os.environ["PYTHONPATH"] = root + (
        os.pathsep + os.environ["PYTHONPATH"] if os.environ.get("PYTHONPATH") else ""
    )
    if executor == "debug":
        ex = submitit.DebugExecutor(folder=out / "logs")
    elif executor == "local":
        ex = submitit.LocalExecutor(folder=out / "logs")
        ex.update_parameters(timeout_min=60)
    else:
        ex = submitit.AutoExecutor(folder=out / "logs", cluster="slurm")
        ex.update_parameters(timeout_min=60, cpus_per_task=1)
    wave = len(todo) if executor == "slurm" else (1 if executor == "debug" else max(1, int(workers)))
    with tqdm(total=len(points), initial=len(points) - len(todo), desc="grid points") as bar:
        for s in range(0, len(todo), wave):
            chunk = todo[s : s + wave]
            jobs = [(i, ex.submit(fn, points[i])) for i in chunk]
            for i, job in jobs:
                atomic_write_json(paths[i], job.result())
                bar.update(1)
    return [json.loads(p.read_text()) for p in paths]


def fit_rates(x: np.ndarray, y: np.ndarray, z: np.ndarray) -> dict:
    """Least squares ``z = c + a log x + b log y`` with 95% confidence intervals (t distribution).

    Returns
    -------
    dict
        ``slope_d`` (a), ``slope_N`` (b), their standard errors and 95% intervals, ``intercept``, ``r2``.
    """
    from scipy import stats

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
    out: str | os.PathLike = "docs/data/grid.json",
    *,
    figure: str | os.PathLike | None = "docs/figures/grid.png",
    runs: str | os.PathLike = "results/grid",
    executor: str = "local",
    workers: int = 2,
    epochs: int = 20,
    n_train: int = 2048,
    n_test: int = 2000,
    ds: tuple[int, ...] = (32, 64, 128, 256),
    Ns: tuple[int, ...] = (8, 16, 32, 48, 64, 96, 128),
    seed: int = 0,
) -> dict:
    """The Laplace d x N grid: train every point, fit the rates, write ``out`` and ``figure``.

    Each point is the ``laplace`` configuration (linear, tau = 0.1, A = 0.6) at its ``(d, N)``, trained
    for ``epochs`` epochs on ``n_train`` base samples (paper: 150 epochs on 20000; reduced to fit CPU
    time), evaluated on ``n_test`` held-out samples at epoch 0 (the untrained control) and at the end.
    """
    t0 = time.perf_counter()
    runs = Path(runs)
    points = [
        {"d": int(d), "N": int(N), "epochs": int(epochs), "n_train": int(n_train), "n_test": int(n_test),
         "seed": int(seed), "runs": str(runs / "runs")}
        for d in ds for N in Ns
    ]  # fmt: skip
    res = _run_points(_grid_point, points, runs / "points", executor=executor, workers=workers)
    d = np.array([r["d"] for r in res], float)
    N = np.array([r["N"] for r in res], float)
    fits: dict[str, dict] = {}
    for which in ("trained", "epoch0"):
        fits[which] = {}
        for name, key, tr, desc in _GRID_FITS:
            z = np.array([r[which][key] for r in res], float)
            if tr is not None:
                z = tr(np.maximum(z, 1e-12))
            fits[which][name] = {**fit_rates(d, N, z), "description": desc}
    result = {
        "command": f"python -m train grid --executor {executor} --epochs {epochs} --n-train {n_train}",
        "argv": sys.argv,
        "commit": git_commit(),
        "wall_s": time.perf_counter() - t0,
        "setting": "Laplace, linear, tau = 0.1 (alpha = 10), A = 0.6 with the App. E.1 jitter",
        "sizes": {"epochs": epochs, "n_train": n_train, "n_test": n_test, "seed": seed, "ds": list(ds),
                  "Ns": list(Ns)},
        "reduced": f"{epochs} epochs on n_train = {n_train} per point (paper: 150 on 20000), for CPU time",
        "predicted": {"slope_d": -1.0, "slope_N": -0.5,
                      "source": "paper Sec. 6: O(1/d) projection rate, O(N^-1/2) empirical-minimiser rate"},
        "points": res,
        "fits": fits,
        "summary": _grid_summary(fits),
    }  # fmt: skip
    atomic_write_json(out, result)
    if figure is not None:
        atomic_savefig(_grid_figure(result), figure)
    return result


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
