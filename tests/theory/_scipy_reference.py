"""SciPy references shared by the tests: per-column normality statistics, and the ring kernel's log G_d."""

from __future__ import annotations

import warnings

import numpy as np
from scipy import special, stats


def scipy_ad(col) -> float:
    """``scipy.stats.anderson(col, "norm").statistic`` on any SciPy from the project's floor (1.11) up.

    SciPy 1.17 added a ``method`` argument (for the p-value, which the statistic does not use) and warns
    when it is left out; older SciPy has no such argument, so it is left out and the warning ignored.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        return float(stats.anderson(col, "norm").statistic)


def scipy_log_g(d: int, b):
    """``log G_d(b) = log[Gamma(nu + 1) (2/b)^nu I_nu(b)]``, ``nu = (d - 3)/2`` (``log cosh b`` at d = 2), in
    double precision from SciPy's exponentially scaled Bessel function ``ive``; 0 at ``b = 0``."""
    b = np.asarray(b, dtype=np.float64)
    if d == 2:
        return np.log(np.cosh(b))
    nu = 0.5 * (d - 3)
    safe = np.where(b > 0, b, 1.0)
    out = special.gammaln(nu + 1) + nu * np.log(2.0 / safe) + np.log(special.ive(nu, safe)) + safe
    return np.where(b > 0, out, 0.0)
