"""The configuration of each experiment: every size, seed and parameter that changes its numbers.

One table (:data:`PARAMS`) drives the experiments and is what their results record: a run of
``python -m simulate experiment NAME`` writes :func:`experiment_config` (``quick`` selecting the smoke
sizes, and the run's ``seed``, ``dtype`` and torch ``threads``) as the top-level ``config`` of its JSON,
and ``python -m claims`` compares a published file's ``config`` with it.
"""

from __future__ import annotations

import copy

from theory._validation import check_int

__all__ = ["PARAMS", "experiment_config", "params"]

_T1 = {
    "cases": [{"d": 3, "alpha": 4.0}, {"d": 16, "alpha": 8.0}],
    "N": 256,
    "n_steps": 300,
    "record_every": 5,
    "starts": ["clustered", "vmf", "antipodal", "uniform"],
    "kappa": 20.0,
    "optimizer": "adam",
    "lr": 0.05,
    "iid_replicates": 5,
}
_C1 = {
    "d": 32,
    "N_pairs": 512,
    "alpha": 10.0,
    "plateau": 0.5,
    "penalty": 100.0,
    "k": 8,
    "kappa_pair": 40.0,
    "optimizer": "adam",
    "lr": 0.03,
    "n_steps": 300,
    "record_every": 6,
}
_BEYOND = {
    "cases": [{"d": 3, "alpha": 4.0}, {"d": 3, "alpha": 10.0}, {"d": 8, "alpha": 10.0}],
    "Ns": [32, 64],
    "q_factors": [0.8, 0.95, 1.05, 1.25],
    "starts": ["vmf", "ring", "caps"],
    "max_steps": 500,
    "tol": 1e-7,
    "reference_tol": 1e-9,
    "kappa_start": 10.0,
    "vmf_kappa_factor": 2.0,
    "tilt_m_norm": 0.05,
}
_BEYOND_ZONAL = {
    "cases": [
        {"d": 32, "alpha": 10.0},
        {"d": 16, "alpha": 5.0},
        {"d": 8, "alpha": 2.0},
        {"d": 8, "alpha": 1.0},
        {"d": 3, "alpha": 0.5},
        {"d": 16, "alpha": 10.0},
        {"d": 12, "alpha": 5.0},
        {"d": 6, "alpha": 2.0},
        {"d": 3, "alpha": 1.0},
        {"d": 5, "alpha": 2.0},
        {"d": 4, "alpha": 2.0},
        {"d": 8, "alpha": 5.0},
        {"d": 8, "alpha": 10.0},
    ],
    "Ns": [64, 128, 256],
    "q_factors": [1.0, 1.1],
    "starts": ["two-rings", "cap-noise", "harmonic", "ring-rotated"],
    "flow_steps": 100,
    "flow_lr": 0.01,
    "iters": 500,
    "noise": 0.2,
    "zonal_n_panels": 64,
    "tol_J": 1e-6,
    "tilt_m_norm": 0.05,
    "anisotropy_factor": 1.2,
}
_LANGEVIN = {
    "d": 8,
    "N": 512,
    "alpha": 10.0,
    "eta2": 0.5,
    "lam": 0.5,
    "dt": 0.01,
    "n_steps": 2000,
    "record_every": 66,
    "beta_factors": [0.25, 0.5, 0.8, 1.25, 2.0, 4.0],
    "k": 4,
}
_LANGEVIN_N = {
    "d": 8,
    "alpha": 10.0,
    "eta2": 0.5,
    "lam": 0.5,
    "dt": 0.01,
    "Ns": [512, 1024, 2048],
    "beta_factors": [1.25, 1.6],
    "n_steps": 1500,
    "record_every": 50,
    "tail": 8,
}

PARAMS = {
    "t1": {
        "full": _T1,
        "quick": {**_T1, "cases": [{"d": 3, "alpha": 4.0}], "N": 64, "n_steps": 60, "record_every": 1},
    },
    "c1": {
        "full": _C1,
        "quick": {**_C1, "d": 16, "N_pairs": 128, "alpha": 8.0, "n_steps": 80, "record_every": 1},
    },
    "beyond-vmf": {
        "full": _BEYOND,
        "quick": {
            **_BEYOND,
            "cases": [{"d": 3, "alpha": 4.0}],
            "Ns": [32],
            "q_factors": [0.8, 1.25],
            "starts": ["uniform", "vmf"],
            "max_steps": 400,
        },
    },
    "beyond-zonal": {
        "full": _BEYOND_ZONAL,
        "quick": {
            **_BEYOND_ZONAL,
            "cases": [{"d": 8, "alpha": 2.0}],
            "Ns": [32, 64],
            "q_factors": [1.0],
            "starts": ["two-rings", "ring-rotated"],
            "flow_steps": 20,
            "iters": 150,
        },
    },
    "langevin": {
        "full": _LANGEVIN,
        "quick": {**_LANGEVIN, "N": 256, "n_steps": 300, "record_every": 10, "beta_factors": [0.5, 2.0]},
    },
    "langevin-n": {
        "full": _LANGEVIN_N,
        "quick": {
            **_LANGEVIN_N,
            "Ns": [256, 512],
            "beta_factors": [1.25],
            "n_steps": 300,
            "record_every": 10,
        },
    },
}
"""``name -> {"full": params, "quick": params}``: the sizes and parameters of every experiment."""

DTYPES = ("float64", "float32")


def params(name: str, quick: bool = False) -> dict:
    """A copy of the parameters of experiment ``name`` at full size (or the smoke sizes with ``quick``)."""
    if name not in PARAMS:
        raise ValueError(f"experiment name must be one of {', '.join(PARAMS)}; got {name!r}")
    return copy.deepcopy(PARAMS[name]["quick" if quick else "full"])


def experiment_config(
    name: str, *, quick: bool = False, seed: int = 0, dtype: str = "float64", threads: int = 1
) -> dict:
    """The ``config`` a run of experiment ``name`` writes: the run's seed, dtype and threads, and its
    parameters (:data:`PARAMS`).

    Parameters
    ----------
    name : str
        One of :data:`simulate.experiments.EXPERIMENTS`.
    quick : bool
        The smoke sizes (``--quick``).
    seed : int
        ``>= 0``.
    dtype : {"float64", "float32"}
    threads : int
        torch CPU threads (``>= 1``): the summation order of the kernels, hence the last digits.

    Returns
    -------
    dict
        ``{"seed", "dtype", "threads", **params(name, quick)}``, strict-JSON-ready.
    """
    p = params(name, quick)
    seed = check_int(seed, "seed", low=0)
    threads = check_int(threads, "threads", low=1)
    if dtype not in DTYPES:
        raise ValueError(f"dtype must be one of {', '.join(DTYPES)}; got {dtype!r}")
    return {"seed": seed, "dtype": dtype, "threads": threads, **p}
