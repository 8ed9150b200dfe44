"""The sparsity at which a randomly initialised linear encoder of Binary inputs has a given CV.

The paper does not state the Binary sparsity (App. E.1); its epoch-0 CV (0.36, Table 1) fixes it once
the initialisation is fixed (:func:`~theory.encoders.binary_norm_cv`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import optimize

from theory._io import ResultMixin
from theory._validation import as_int, as_real
from theory.encoders._norms import EntryLaw, _cv_args, _cv_core

__all__ = ["SparsityCalibration", "calibrate_sparsity"]


@dataclass(frozen=True)
class SparsityCalibration(ResultMixin):
    """The sparsities at which an initialised linear encoder has a given CV (:func:`calibrate_sparsity`).

    Attributes
    ----------
    target : float
        The CV matched.
    D, d : int
    weight, bias : EntryLaw
    roots : tuple of float
        Every :math:`p` in the searched range with :math:`\\mathrm{CV}(p) = ` ``target``, increasing
        (empty when the target is out of reach).
    lams : tuple of float
        :math:`\\lambda = pD` at each root.
    unique : bool
        Exactly one root.
    dlogp_dcv : tuple of float
        :math:`d \\log p / d\\,\\mathrm{CV}` at each root (sensitivity).
    intervals : tuple of tuple of (float or None)
        For each root, the :math:`p` (nearest to it) at which the CV is ``target - tolerance`` and
        ``target + tolerance`` (e.g. the rounding of the paper's two-digit CV); ``None`` where that CV
        is out of reach.
    tolerance : float
    cv_max : float
        Largest CV over the searched range, and ``p_at_max`` where it is reached.
    p_at_max : float
    p_range : tuple of float
        The searched range of :math:`p`.
    """

    target: float
    D: int
    d: int
    weight: EntryLaw
    bias: EntryLaw
    roots: tuple[float, ...]
    lams: tuple[float, ...]
    unique: bool
    dlogp_dcv: tuple[float, ...]
    intervals: tuple[tuple[float | None, float | None], ...]
    tolerance: float
    cv_max: float
    p_at_max: float
    p_range: tuple[float, float]


def _roots(cv_of, grid: np.ndarray, values: np.ndarray, target: float) -> list[float]:
    """Every p on ``grid`` where ``cv_of(p) - target`` changes sign (``values``: cv_of on the grid)."""
    f = values - target
    out = []
    for i in range(grid.size - 1):
        if f[i] == 0.0:
            out.append(float(grid[i]))
        elif f[i] * f[i + 1] < 0:
            root = optimize.brentq(lambda x: cv_of(x) - target, grid[i], grid[i + 1], xtol=1e-13, rtol=1e-12)
            out.append(float(root))
    return out


def calibrate_sparsity(
    cv, D=1024, d=256, *, weight=None, bias=None, tolerance=0.005, p_range=(1e-6, 0.5), n_grid: int = 400
) -> SparsityCalibration:
    """The sparsities :math:`p` at which :func:`binary_norm_cv` equals ``cv``, with their sensitivity.

    Every root on a log-spaced grid of ``n_grid`` points over ``p_range`` is bracketed and refined
    (Brent); :math:`d\\log p/d\\mathrm{CV}` by a central difference. Without bias the CV decreases from
    :math:`\\infty` (:math:`p \\to 0`) and a target has one root; with a bias it rises from 0, peaks and
    falls, so a target has two roots below the peak and none above it.

    Parameters
    ----------
    cv : float > 0
        Target CV (the paper's epoch-0 Binary value is 0.36, Table 1).
    D, d : int
    weight, bias : EntryLaw, optional
        As in :func:`binary_norm_cv`.
    tolerance : float >= 0
        Half-width of the CV interval mapped to ``intervals``.
    p_range : (float, float)
        Searched sparsities, ``0 < low < high < 1``.
    n_grid : int >= 10

    Returns
    -------
    SparsityCalibration
    """
    target = as_real(cv, "cv", low=0.0, low_open=True)
    tolerance = as_real(tolerance, "tolerance", low=0.0, high=target, high_open=True)
    n_grid = as_int(n_grid, "n_grid", low=10)
    try:
        lo, hi = (float(v) for v in p_range)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"p_range must be two numbers (low, high); got {p_range!r}") from exc
    if not 0.0 < lo < hi < 1.0:
        raise ValueError(f"p_range must satisfy 0 < low < high < 1; got {p_range!r}")
    _, D, d, weight, bias, B = _cv_args(0.5, D, d, weight, bias, None)
    grid = np.geomspace(lo, hi, n_grid)

    def cv_of(p: float) -> float:
        return _cv_core(p, D, d, weight, B)[2]

    values = np.array([cv_of(x) for x in grid])
    roots = _roots(cv_of, grid, values, target)
    ends_for = [_roots(cv_of, grid, values, t) for t in (target - tolerance, target + tolerance)]
    sens, intervals = [], []
    for r in roots:
        eps = 1e-4
        der = (cv_of(r * math.exp(eps)) - cv_of(r * math.exp(-eps))) / (2.0 * eps)
        sens.append(1.0 / der)
        pair = []
        for near in ends_for:
            pair.append(min(near, key=lambda x, r=r: abs(math.log(x / r))) if near else None)
        intervals.append(tuple(pair))
    i = int(values.argmax())
    return SparsityCalibration(
        target=target, D=D, d=d, weight=weight, bias=bias, roots=tuple(roots),
        lams=tuple(r * D for r in roots), unique=len(roots) == 1, dlogp_dcv=tuple(sens),
        intervals=tuple(intervals), tolerance=tolerance, cv_max=float(values[i]), p_at_max=float(grid[i]),
        p_range=(lo, hi),
    )  # fmt: skip
