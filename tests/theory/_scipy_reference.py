"""SciPy's per-column statistics, the independent references of the normality tests' checks."""

from __future__ import annotations

import warnings

from scipy import stats


def scipy_ad(col) -> float:
    """``scipy.stats.anderson(col, "norm").statistic`` on any SciPy from the project's floor (1.11) up.

    SciPy 1.17 added a ``method`` argument (for the p-value, which the statistic does not use) and warns
    when it is left out; older SciPy has no such argument, so it is left out and the warning ignored.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        return float(stats.anderson(col, "norm").statistic)
