"""The configuration of the rate studies: defaults, smoke sizes, and the rule every value is checked by.

:func:`study_config` is the ``config`` a run of ``python -m simulate rates`` writes (and that
``python -m claims`` compares a published ``docs/data/rates.json`` with); :func:`check_config` refuses
unknown keys (listing the known ones) and checks every value by the rule of its command-line flag
(``seeds >= 2`` as ``--seeds``, ``alpha > 0`` as ``--alpha``, ``d >= 2`` as ``--d``).
"""

from __future__ import annotations

import copy
import numbers
from collections.abc import Callable, Mapping

from theory.special import KAPPA_MAX

__all__ = ["QUICK", "RD_DEFAULTS", "RN_DEFAULTS", "check_config", "study_config"]

RN_DEFAULTS = {
    "Ns": [16, 32, 64, 128, 256, 512, 1024],
    "Ns_flow": [16, 32, 64, 128],
    "d": 3,
    "alpha": 10.0,
    "kappa_pair": 10.0,
    "n_projections": 400,
    "n_batches": 64,
    "seeds": 8,
    "seeds_flow": 3,
    "tol": 1e-6,
    "max_steps": 800,
}
"""The R-N study at full size: particle counts, dimension, alpha, pairs' kappa, seeds, minimiser."""

RD_DEFAULTS = {
    "ds": [8, 16, 32, 64, 128, 256, 512],
    "ds_flow": [8, 16, 32, 64, 128, 256, 512],
    "ks": [1, 2],
    "n_samples": 100_000,
    "n_particles": 256,
    "alpha": 4.0,
    "seeds": 3,
    "max_steps": 500,
    "tol": 1e-6,
}
"""The R-d study at full size: dimensions, projection dimensions, sample sizes, seeds, minimiser."""

QUICK = {
    "rd": {
        "ds": [8, 32, 128],
        "ks": [1],
        "n_samples": 20000,
        "n_particles": 64,
        "seeds": 2,
        "max_steps": 200,
    },
    "rn": {"Ns": [16, 32, 64, 128], "Ns_flow": [16, 32, 64], "seeds": 3, "seeds_flow": 2, "max_steps": 200},
}
"""The smoke sizes of ``--quick`` (overrides of the defaults)."""

DEFAULTS = {"rd": RD_DEFAULTS, "rn": RN_DEFAULTS}


def _int(low: int) -> Callable:
    def rule(v, name):
        if isinstance(v, bool) or not isinstance(v, numbers.Integral):
            raise TypeError(f"{name} must be an integer >= {low}; got {v!r}")
        if v < low:
            raise ValueError(f"{name} must be >= {low}; got {v}")
        return int(v)

    return rule


def _real(low: float, *, open_low: bool, high: float | None = None) -> Callable:
    def rule(v, name):
        if isinstance(v, bool) or not isinstance(v, numbers.Real):
            raise TypeError(f"{name} must be a real number; got {v!r}")
        v = float(v)
        if v != v or v in (float("inf"), float("-inf")):
            raise ValueError(f"{name} must be finite; got {v}")
        if v < low or (open_low and v == low):
            raise ValueError(f"{name} must be {'>' if open_low else '>='} {low:g}; got {v:g}")
        if high is not None and v > high:
            raise ValueError(f"{name} must be <= {high:g}; got {v:g}")
        return v

    return rule


def _ints(low: int, *, distinct: int) -> Callable:
    item = _int(low)

    def rule(v, name):
        if not isinstance(v, list | tuple) or not v:
            raise TypeError(f"{name} must be a non-empty list of integers >= {low}; got {v!r}")
        out = [item(x, f"{name}[{i}]") for i, x in enumerate(v)]
        if len(set(out)) < distinct:
            raise ValueError(
                f"{name} must hold at least {distinct} distinct values (a slope is fitted); got {out}"
            )
        return out

    return rule


RULES: dict[str, dict[str, Callable]] = {
    "rn": {
        "Ns": _ints(1, distinct=2),
        "Ns_flow": _ints(1, distinct=2),
        "d": _int(2),
        "alpha": _real(0.0, open_low=True, high=KAPPA_MAX),
        "kappa_pair": _real(0.0, open_low=False, high=KAPPA_MAX),
        "n_projections": _int(1),
        "n_batches": _int(1),
        "seeds": _int(2),
        "seeds_flow": _int(2),
        "tol": _real(0.0, open_low=False),
        "max_steps": _int(0),
    },
    "rd": {
        "ds": _ints(2, distinct=2),
        "ds_flow": _ints(2, distinct=2),
        "ks": _ints(1, distinct=1),
        "n_samples": _int(2),
        "n_particles": _int(2),
        "alpha": _real(0.0, open_low=True, high=KAPPA_MAX),
        "seeds": _int(2),
        "max_steps": _int(0),
        "tol": _real(0.0, open_low=False),
    },
}
"""Every key of each study and its rule (the rule of the matching command-line flag where there is one:
``seeds >= 2`` as ``--seeds`` (confidence intervals over seeds), ``alpha > 0`` as ``--alpha``, ``d >= 2``
as ``--d``)."""


def check_config(part: str, overrides: Mapping, *, where: str = "overrides") -> dict:
    """The full configuration of study ``part`` (``"rd"`` or ``"rn"``): defaults updated by ``overrides``,
    every key known and every value checked.

    Parameters
    ----------
    part : {"rd", "rn"}
    overrides : mapping
        Keys of :data:`RD_DEFAULTS` / :data:`RN_DEFAULTS`.
    where : str
        How to name the source in messages (``"--config cfg.json"``).

    Raises
    ------
    ValueError
        An unknown key (the known ones listed) or a value out of its range; ``k >= d`` for some pair.
    TypeError
        A value of the wrong type.
    """
    if part not in RULES:
        raise ValueError(f"part must be 'rd' or 'rn'; got {part!r}")
    if not isinstance(overrides, Mapping):
        raise TypeError(f"{where}: the {part} study's configuration must be a JSON object; got {overrides!r}")
    unknown = sorted(set(overrides) - set(RULES[part]))
    if unknown:
        raise ValueError(
            f"{where}: unknown key(s) {', '.join(map(repr, unknown))} for the {part} study; known keys: "
            f"{', '.join(RULES[part])}"
        )
    full = {**copy.deepcopy(DEFAULTS[part]), **copy.deepcopy(dict(overrides))}
    out = {k: RULES[part][k](full[k], f"{where}: {part}.{k}") for k in RULES[part]}
    if part == "rd":
        bad = [(d, k) for d in out["ds"] for k in out["ks"] if k >= d]
        if bad:
            raise ValueError(
                f"{where}: rd.ks must stay below every rd.ds (a k-projection of d >= k + 1); got {bad[:3]}"
            )
    return out


def study_config(*, quick: bool = False, rd: Mapping | None = None, rn: Mapping | None = None) -> dict:
    """The ``config`` a run of the rate studies writes: ``{"rd": {...}, "rn": {...}}``.

    Parameters
    ----------
    quick : bool
        The smoke sizes :data:`QUICK` over the defaults.
    rd, rn : mapping, optional
        Further overrides (checked by :func:`check_config`).

    Returns
    -------
    dict
        Every key of both studies, at full size by default (what ``python -m simulate rates`` writes).
    """
    out = {}
    for part, extra in (("rd", rd), ("rn", rn)):
        over = {**(QUICK[part] if quick else {}), **dict(extra or {})}
        out[part] = check_config(part, over)
    return out
