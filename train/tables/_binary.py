"""The Binary study (:func:`binary_study`): every choice the paper leaves open, one factor at a time.

The paper's Binary row (App. E.1) states neither the sparsity, the batch size, the temperature nor
the initialisation. The base of this study is the setting that reproduces the paper's epoch-0 CV of
0.36: sparsity :math:`p = 0.00292` (:math:`\\lambda = pD = 3`) with a bias-free linear encoder of
PyTorch's default initialisation (:func:`theory.encoders.calibrate_sparsity`). Beside it, the
project's earlier setting (:math:`p = 0.01` with nn.Linear's bias) and a dense one
(:math:`p = 0.5`), each over 3 seeds; then, around the base and with seed 0, one factor at a time:
a Gaussian initialisation of the same variance, a bias (and both), tau = 0.2, batch 256 and 512,
lr 1e-2, and the VICReg objective (the control). Every point is a full run (100 epochs, evaluated
every 10) through :func:`simulate.sweep.run_sweep`, keyed by its configuration, so a killed study
resumes. Each point records its epoch-0 and final numbers (held-out and training set), both verdict
rules, the Phi gap, and the DP pass rate its weight rows predict under the exact law
(:func:`~train.tables._analysis.linear_prediction`); the study records the pass-rate ceiling at each
sparsity (:func:`~train.tables._analysis.binary_ceiling`).
"""

from __future__ import annotations

import functools
import os
import time
from pathlib import Path

import numpy as np

from theory._io import atomic_savefig, atomic_write_json
from theory._results import provenance
from train.config import RunConfig, get_config
from train.tables._rows import _at, _check_runs_folder, _outputs, _pick, _train, both_rules

__all__ = ["BINARY_STUDY_POINTS", "CALIBRATED_SPARSITY", "binary_base", "binary_study", "binary_study_config"]

#: The sparsity at which a bias-free, PyTorch-default linear encoder has the paper's epoch-0 CV 0.36.
CALIBRATED_SPARSITY = 0.00292
#: Seeds of the headline points.
SEEDS = (0, 1, 2)
#: Evaluation size of every point (and of the ceilings).
N_EVAL = 2000

#: The study: name -> (overrides of the base, seeds, what it varies).
BINARY_STUDY_POINTS: dict[str, tuple[dict, tuple[int, ...], str]] = {
    "calibrated": ({}, SEEDS, "base: p = 0.00292, no bias, default init, tau 0.1, N 128, lr 1e-3"),
    "p0.01+bias": ({"data.sparsity": 0.01, "bias": True}, SEEDS, "the earlier Table 1 setting"),
    "dense": ({"data.sparsity": 0.5}, SEEDS, "dense inputs, p = 0.5"),
    "gaussian-init": ({"init": "gaussian"}, (0,), "Gaussian init of the default's variance"),
    "bias": ({"bias": True}, (0,), "nn.Linear's default bias"),
    "gaussian-init+bias": ({"init": "gaussian", "bias": True}, (0,), "Gaussian init with a Gaussian bias"),
    "tau0.2": ({"alpha": 5.0}, (0,), "tau = 0.2"),
    "batch256": ({"N": 256}, (0,), "batch 256"),
    "batch512": ({"N": 512}, (0,), "batch 512"),
    "lr1e-2": ({"lr": 1e-2}, (0,), "lr 1e-2"),
    "vicreg": ({"objective": "vicreg"}, (0,), "the VICReg objective (control)"),
}


def binary_base(runs: str | os.PathLike = "results/binary", *, quick: bool = False, **over) -> RunConfig:
    """The calibrated Binary configuration (with ``over`` applied; ``quick``: tiny sizes)."""
    items = [f"out_dir={runs}", "progress=false", f"data.sparsity={CALIBRATED_SPARSITY}", "bias=false",
             f"n_eval={N_EVAL}"]  # fmt: skip
    if quick:
        items += [
            "epochs=2",
            "eval_every=1",
            "n_eval=200",
            "n_phi=100",
            "data.n_train=512",
            "data.n_test=200",
        ]
    items += [f"{k}={v}" for k, v in over.items()]
    return get_config("binary", items)


def _plan(runs, quick: bool) -> list[tuple[str, RunConfig]]:
    out = []
    for name, (over, seeds, _) in BINARY_STUDY_POINTS.items():
        for s in seeds:
            out.append((name, binary_base(runs, quick=quick, **{**over, "seed": s})))
    return out


def binary_study_config(*, quick: bool = False) -> dict:
    """The configuration behind :func:`binary_study` (what its result records as ``config``).

    Returns
    -------
    dict
        ``points``: per name, the runs' :meth:`~train.config.RunConfig.identity` (one per seed) and what
        the point varies; ``ceiling``: the Monte Carlo sizes of the pass-rate ceilings.
    """
    pts: dict[str, dict] = {}
    for name, cfg in _plan("results/binary", bool(quick)):
        e = pts.setdefault(name, {"varies": BINARY_STUDY_POINTS[name][2], "runs": []})
        e["runs"].append(cfg.identity())
    return {"points": pts, "ceiling": {"n_columns": 400, "seed": 0, "D": 1024}}


def _point(point: dict, runs: str) -> dict:
    """Train one point (its configuration identity) and read it: epoch 0, last, history, predictions."""
    import torch

    from train.data import make_data
    from train.tables._analysis import _models, linear_prediction

    torch.set_num_threads(1)
    cfg = RunConfig.from_dict({**point, "out_dir": runs, "progress": False}, what="study point")
    data = make_data(cfg.data, **cfg.data_params)
    recs, wall, run = _train(cfg, Path(runs), data, figures=False)
    init, trained = _models(cfg, data, run)
    n = min(cfg.n_eval, data.n_test)
    e0, last = _pick(_at(recs, 0)), _pick(_at(recs))
    return {
        "key": cfg.key, "seed": cfg.seed, "epoch0": e0, "trained": last,
        "rules": {"epoch0": both_rules(e0), "trained": both_rules(last)},
        "prediction": {"epoch0": linear_prediction(init, cfg, data, n),
                       "trained": linear_prediction(trained, cfg, data, n)},
        "history": [_pick(r) for r in recs], "wall_s": wall, "eta2": data.eta2,
    }  # fmt: skip


def binary_study(
    out: str | os.PathLike | None = None,
    *,
    figure: str | os.PathLike | bool | None = True,
    runs: str | os.PathLike = "results/binary",
    executor: str = "local",
    workers: int = 2,
    quick: bool = False,
    publish: bool = False,
    progress: bool = True,
    argv: list[str] | None = None,
) -> dict:
    """Train every point of :data:`BINARY_STUDY_POINTS` and write the study (strict JSON) and its figure.

    Parameters
    ----------
    out, figure : path, optional
        Default ``results/binary-study.json`` / ``.png`` (``docs/`` with ``publish``).
    runs : path
        Folder of the point files (``points/<key>.json``) and run directories (``runs/``).
    executor : {"local", "debug", "slurm"}
        :func:`simulate.sweep.run_sweep`'s executor.
    workers : int
        Points at once (local executor).
    quick, publish, progress, argv
        As :func:`~train.tables.table1`.

    Returns
    -------
    dict
        What was written: ``points`` (per name: ``varies``, ``runs`` per seed), ``ceilings`` per
        sparsity, ``summary`` (per name: means over seeds of the final numbers, both rules).
    """
    import shutil

    from simulate.sweep import EXECUTORS, run_sweep
    from theory._validation import check_int
    from train.tables._analysis import binary_ceiling
    from train.tables._grid import _with_checkout_on_path

    if executor not in EXECUTORS:
        raise ValueError(f"executor must be one of {', '.join(EXECUTORS)}; got {executor!r}")
    workers = check_int(workers, "workers", low=1)
    if executor == "slurm" and shutil.which("sbatch") is None:
        raise ValueError("--executor slurm needs a SLURM cluster (no sbatch on the PATH); use local or debug")
    out_p, fig_p = _outputs("binary-study", out, figure, quick=quick, publish=publish)
    runs = Path(runs)
    _check_runs_folder(runs)
    t0 = time.perf_counter()
    plan = _plan(runs / "runs", bool(quick))
    fn = functools.partial(_point, runs=str(runs / "runs"))
    res = _with_checkout_on_path(
        lambda: run_sweep(fn, [c.identity() for _, c in plan], runs / "points", executor=executor,
                          max_parallel=workers, progress=progress, timeout_min=24 * 60, cpus_per_task=1)
    )  # fmt: skip
    points: dict[str, dict] = {}
    for (name, cfg), r in zip(plan, res, strict=True):
        e = points.setdefault(name, {"varies": BINARY_STUDY_POINTS[name][2],
                                     "sparsity": cfg.data_params["sparsity"],
                                     "config": cfg.identity(), "runs": []})  # fmt: skip
        e["runs"].append(r)
    n = plan[0][1].n_eval if not quick else 200
    ceilings = {}
    for p in sorted({e["sparsity"] for e in points.values()}):
        ceilings[f"{p:g}"] = binary_ceiling(p, n, n_columns=100 if quick else 400, seed=0)
    summary = {name: _summary(e) for name, e in points.items()}
    wall = time.perf_counter() - t0
    result = {
        **provenance(config=binary_study_config(quick=quick), seed=0, quick=quick, wall_seconds=wall,
                     argv=argv),
        "wall_s": wall,
        "compute_s": float(sum(r["wall_s"] for e in points.values() for r in e["runs"])),
        "rules": {"paper": "AD mean < 0.752 and DP mean > 0.05",
                  "ours": "the paper's and >= 80% of coordinates passing each test"},
        "points": points,
        "ceilings": ceilings,
        "summary": summary,
    }  # fmt: skip
    atomic_write_json(out_p, result)
    if fig_p is not None:
        from train.tables._figures import _binary_figure

        atomic_savefig(_binary_figure(result), fig_p)
    return result


_SUMMARY_KEYS = ("cv", "ad_mean", "ad_pass", "dp_mean", "dp_pass", "phi_gap", "train_ad_pass",
                 "train_dp_pass", "proj_ad_pass", "proj_dp_pass", "test_loss")  # fmt: skip


def _summary(e: dict) -> dict:
    """Means (and standard deviations over seeds) of the epoch-0 and final numbers of one point."""
    out: dict = {"n_seeds": len(e["runs"])}
    for which in ("epoch0", "trained"):
        m = {}
        for k in _SUMMARY_KEYS:
            v = [r[which][k] for r in e["runs"] if r[which].get(k) is not None]
            if v:
                m[k] = float(np.mean(v))
                m[f"{k}_sd"] = float(np.std(v, ddof=1)) if len(v) > 1 else None
        pred = [r["prediction"][which]["dp_pass_predicted"] for r in e["runs"] if r["prediction"][which]]
        m["dp_pass_predicted"] = float(np.mean(pred)) if pred else None
        ratio = [r["prediction"][which]["row_ratio_mean"] for r in e["runs"] if r["prediction"][which]]
        m["row_ratio_mean"] = float(np.mean(ratio)) if ratio else None
        m["paper_rule"] = [r["rules"][which]["paper"] for r in e["runs"]]
        m["our_rule"] = [r["rules"][which]["ours"] for r in e["runs"]]
        out[which] = m
    return out
