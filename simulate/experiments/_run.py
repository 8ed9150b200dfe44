"""The table of experiments and :func:`run_experiment` (JSON with provenance, and the figure)."""

from __future__ import annotations

import time
from pathlib import Path

import torch

from simulate.experiments._beyond import _plot_beyond, beyond_vmf
from simulate.experiments._c1 import _plot_c1, c1_plateau
from simulate.experiments._langevin import _plot_langevin, _plot_langevin_n, langevin_finite_n, langevin_route
from simulate.experiments._t1 import _plot_t1, t1_starts
from theory._io import atomic_savefig, atomic_write_json
from theory._validation import as_int

EXPERIMENTS = {
    "t1": (t1_starts, "Phi flows from four starts approach Phi(sigma) from above", _plot_t1),
    "c1": (
        c1_plateau,
        "pairs at an alignment plateau, marginal Phi minimised, projections vs N(0, I_k)",
        _plot_c1,
    ),
    "beyond-vmf": (beyond_vmf, "J_q over particle measures around the vMF thresholds q_c", _plot_beyond),
    "langevin": (langevin_route, "Langevin in R^d: stationary law vs N(0, (2 lam)^-1 I)", _plot_langevin),
    "langevin-n": (langevin_finite_n, "Langevin tilt above the vMF beta* against N", _plot_langevin_n),
}


def run_experiment(
    name: str,
    *,
    quick: bool = False,
    seed: int = 0,
    device=None,
    dtype: str = "float64",
    json_path=None,
    png_path=None,
    progress: bool = False,
    command: str = "",
    threads: int | None = 1,
) -> str:
    """Run one experiment, write its JSON (with command, config, seed, commit, wall time) and figure.

    ``threads`` sets ``torch.set_num_threads`` (default 1: the particle problems here are small, and on
    a shared machine intra-op barriers cost more than they save; ``None`` leaves torch's default).

    Returns
    -------
    str
        A one-line summary.
    """
    from simulate.rates import _torch_dtype
    from theory._io import git_commit

    if name not in EXPERIMENTS:
        raise ValueError(f"experiment must be one of {', '.join(EXPERIMENTS)}; got {name!r}")
    fn, desc, plot = EXPERIMENTS[name]
    if threads is not None:
        torch.set_num_threads(as_int(threads, "threads", low=1))
    t0 = time.perf_counter()
    res = fn(quick=quick, seed=seed, device=device, dtype=_torch_dtype(dtype), progress=progress)
    wall = time.perf_counter() - t0
    record = {
        "experiment": name,
        "description": desc,
        "command": command,
        "quick": quick,
        "seed": seed,
        "dtype": dtype,
        "threads": torch.get_num_threads(),
        "commit": git_commit(),
        "wall_seconds": wall,
        "result": res,
    }
    if json_path is not None:
        atomic_write_json(json_path, record)
        Path(json_path).chmod(0o644)
    if png_path is not None:
        atomic_savefig(plot(res), png_path)
        Path(png_path).chmod(0o644)
    return f"{name}: {desc} ({wall:.0f} s)"
