"""The table of experiments and :func:`run_experiment` (JSON with provenance, and the figure)."""

from __future__ import annotations

import time
from pathlib import Path

import torch

from simulate.experiments._beyond import _plot_beyond, beyond_vmf
from simulate.experiments._c1 import _plot_c1, c1_plateau
from simulate.experiments._langevin import _plot_langevin, _plot_langevin_n, langevin_finite_n, langevin_route
from simulate.experiments._t1 import _plot_t1, t1_starts
from simulate.experiments._zonal import beyond_zonal
from simulate.experiments._zonal_report import _plot_beyond_zonal
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
    "beyond-zonal": (
        beyond_zonal,
        "J_q flows from non-zonal starts against the zonal threshold, finite-N references",
        _plot_beyond_zonal,
    ),
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
    publish: bool = False,
) -> str:
    """Run one experiment, write its JSON (result beside its provenance) and its figure.

    The JSON holds ``experiment``, ``description``, the record of :func:`theory._results.provenance`
    (``command``, ``config`` = :func:`experiment_config`, ``config_key``, ``seed``, ``quick``, ``commit``,
    ``version``, ``wall_seconds``, ``finished_utc``), ``dtype``, ``threads`` and ``result``. Both outputs are
    checked before any work (:func:`theory._results.check_outputs`: files, distinct, writable, inside
    ``docs/data`` / ``docs/figures`` only with ``publish``).

    Parameters
    ----------
    name : str
        One of :data:`EXPERIMENTS`.
    quick : bool
        Smoke sizes (refused with ``publish``).
    seed : int
    device : torch.device or str, optional
    dtype : {"float64", "float32"}
    json_path, png_path : path, optional
        Outputs (nothing is written for ``None``).
    progress : bool
    command : str
        The command line to record.
    threads : int or None
        ``torch.set_num_threads`` for the run, restored after (default 1: the particle problems here are
        small, and on a shared machine intra-op barriers cost more than they save; ``None`` keeps torch's
        count).
    publish : bool
        The outputs may lie in the published folders.

    Returns
    -------
    str
        A one-line summary.
    """
    from simulate.experiments._config import experiment_config
    from simulate.sphere import as_device, as_dtype
    from theory._results import check_outputs, provenance, refuse_quick_publish

    if name not in EXPERIMENTS:
        raise ValueError(f"experiment name must be one of {', '.join(EXPERIMENTS)}; got {name!r}")
    fn, desc, plot = EXPERIMENTS[name]
    refuse_quick_publish(publish, quick)
    torch_dtype = as_dtype(dtype)
    dtype = str(torch_dtype).removeprefix("torch.")
    dev = as_device(device) if device is not None else None
    n_threads = torch.get_num_threads() if threads is None else as_int(threads, "threads", low=1)
    config = experiment_config(name, quick=quick, seed=seed, dtype=dtype, threads=n_threads)
    check_outputs({"json_path": json_path, "png_path": png_path}, publish=publish)
    before = torch.get_num_threads()
    torch.set_num_threads(n_threads)
    try:
        t0 = time.perf_counter()
        res = fn(quick=quick, seed=seed, device=dev, dtype=torch_dtype, progress=progress)
        wall = time.perf_counter() - t0
    finally:
        torch.set_num_threads(before)
    record = {
        "experiment": name,
        "description": desc,
        **provenance(
            config=config,
            seed=seed,
            quick=quick,
            wall_seconds=wall,
            command=command or f"simulate.experiments.run_experiment({name!r}, quick={quick})",
        ),
        "dtype": dtype,
        "threads": n_threads,
        "result": res,
    }
    if json_path is not None:
        atomic_write_json(json_path, record)
        Path(json_path).chmod(0o644)
    if png_path is not None:
        atomic_savefig(plot(res), png_path)
        Path(png_path).chmod(0o644)
    return f"{name}: {desc} ({wall:.0f} s)"
