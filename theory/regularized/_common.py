"""Shared validation and grids of :mod:`theory.regularized` (private)."""

from __future__ import annotations

import numpy as np

from theory._validation import as_vector, check_real
from theory.special import KAPPA_MAX
from theory.uniformity import phi_uniform, phi_vmf

DEFAULT_KAPPAS = np.logspace(-3, 5, 161)
"""Default grid of concentrations for the searches over the vMF family: ``logspace(-3, 5, 161)``."""


def check_eta2(eta2) -> float:
    return check_real(eta2, "eta2", low=0.0, high=1.0)


def check_alpha(alpha, *, positive: bool = False) -> float:
    return check_real(alpha, "alpha", low=0.0, low_open=positive, high=KAPPA_MAX)


KAPPA_GRID_MIN = 1e-100
"""Smallest grid concentration: below it KL ~ kappa^2/(2d) underflows and the ratios become 0/0."""


def kappa_grid(kappas) -> np.ndarray:
    """``kappas`` as a non-empty float64 vector of finite positive concentrations (default grid if None)."""
    if kappas is None:
        return DEFAULT_KAPPAS
    if isinstance(kappas, str | bytes | bool | np.bool_):
        raise TypeError(f"kappas must be a 1-D array of positive concentrations; got {kappas!r}")
    arr = np.asarray(kappas)
    if arr.dtype == np.bool_:
        raise TypeError(f"kappas must hold real numbers; got dtype {arr.dtype}")
    kap = as_vector(arr, "kappas")
    if np.any(kap < KAPPA_GRID_MIN) or np.any(kap > KAPPA_MAX):
        raise ValueError(
            f"kappas must lie in [{KAPPA_GRID_MIN:g}, {KAPPA_MAX:g}] (positive concentrations); "
            f"got min {kap.min():g}, max {kap.max():g}"
        )
    return kap


def phi_gap_grid(d: int, alpha: float, kappas: np.ndarray) -> np.ndarray:
    """:math:`\\Phi(\\mathrm{vMF}_\\kappa) - \\Phi(\\sigma)` at each grid point (validated inputs)."""
    base = phi_uniform(d, alpha)
    return np.array([phi_vmf(d, float(x), alpha) for x in kappas]) - base
