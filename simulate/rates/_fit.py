"""Power laws y = C x^s fitted in log-log with a confidence interval for the slope."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from theory._io import ResultMixin
from theory._validation import as_int, as_real, as_vector, make_rng

# --------------------------------------------------------------------------------------------------
# power laws
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PowerLawFit(ResultMixin):
    """A fitted power law :math:`y = C x^{s}` with a confidence interval for the slope.

    Attributes
    ----------
    slope : float
        Least-squares slope of ``log y`` on ``log x`` (``y`` the statistic over replicates at each x).
    intercept : float
        ``log C``.
    ci_low, ci_high : float
        Confidence interval of the slope at ``level``: percentile bootstrap over replicates when there
        are at least 2 per x, otherwise the OLS t-interval (``None``/null with only two x values).
    level : float
    method : str
        ``"bootstrap"`` or ``"ols-t"``.
    reference : float or None
        The slope the statement predicts, if any.
    contains_reference : bool or None
        Whether the interval holds ``reference``.
    x : list of float
    y : list of float
        The fitted statistic at each x.
    """

    slope: float
    intercept: float
    ci_low: float
    ci_high: float
    level: float
    method: str
    reference: float | None
    contains_reference: bool | None
    x: list
    y: list

    def contains(self, slope: float) -> bool:
        """Whether ``slope`` lies in the confidence interval."""
        return bool(self.ci_low <= slope <= self.ci_high)


def _slopes(lx: np.ndarray, ly: np.ndarray) -> np.ndarray:
    """OLS slopes of rows of ``ly`` (shape (..., m)) on ``lx`` (shape (m,))."""
    xc = lx - lx.mean()
    return ((ly - ly.mean(axis=-1, keepdims=True)) * xc).sum(axis=-1) / (xc * xc).sum()


def fit_power_law(
    x,
    y,
    *,
    statistic: str = "mean",
    reference: float | None = None,
    level: float = 0.95,
    n_boot: int = 4000,
    seed=0,
) -> PowerLawFit:
    """Fit :math:`y = C x^{s}` in log-log with a confidence interval for ``s``.

    .. math::
        \\hat s = \\frac{\\sum_i (\\ell_i - \\bar\\ell)(\\log \\bar y_i - \\overline{\\log \\bar y})}
        {\\sum_i (\\ell_i - \\bar\\ell)^2}, \\qquad \\ell_i = \\log x_i,

    ``\\bar y_i`` the statistic of the replicates at ``x_i``; the interval is the percentile bootstrap
    (replicates resampled independently at each x) or, with one replicate, the OLS t-interval.

    Parameters
    ----------
    x : array_like, shape (m,)
        Positive abscissae (``d`` or ``N``), at least 2 distinct.
    y : array_like, shape (m,) or (m, r)
        Values, ``r`` replicates (seeds) per x.
    statistic : {"mean", "abs_mean", "std"}
        What is fitted at each x: the mean, its absolute value (a bias of either sign), or the standard
        deviation across replicates (a spread; needs ``r >= 2``).
    reference : float, optional
        The predicted slope, recorded with whether the interval contains it.
    level : float
        Confidence level in (0, 1).
    n_boot : int
        Bootstrap resamples.
    seed : None, int or numpy Generator

    Returns
    -------
    PowerLawFit
    """
    x = as_vector(x, "x", min_len=2)
    if np.any(x <= 0):
        raise ValueError("x must be positive (a power law is fitted in log-log)")
    if np.unique(x).size < 2:
        raise ValueError("x must hold at least two distinct values")
    y = np.asarray(y, dtype=np.float64)
    if y.ndim == 1:
        y = y[:, None]
    if y.ndim != 2 or y.shape[0] != x.size:
        raise ValueError(f"y must have shape ({x.size},) or ({x.size}, r); got {np.shape(y)}")
    if not np.all(np.isfinite(y)):
        raise ValueError("y must be finite")
    level = as_real(level, "level", low=0.0, high=1.0, low_open=True, high_open=True)
    n_boot = as_int(n_boot, "n_boot", low=10)
    funcs = {
        "mean": lambda a: a.mean(axis=-1),
        "abs_mean": lambda a: np.abs(a.mean(axis=-1)),
        "std": lambda a: a.std(axis=-1, ddof=1),
    }
    if statistic not in funcs:
        raise ValueError(f"statistic must be one of {', '.join(funcs)}; got {statistic!r}")
    r = y.shape[1]
    if statistic == "std" and r < 2:
        raise ValueError("statistic='std' needs at least 2 replicates per x")
    f = funcs[statistic]
    ybar = f(y)
    if np.any(ybar <= 0):
        raise ValueError(f"the {statistic} of y must be positive at every x to fit a power law; got {ybar}")
    lx, ly = np.log(x), np.log(ybar)
    slope = float(_slopes(lx, ly))
    intercept = float(ly.mean() - slope * lx.mean())
    tail = (1.0 - level) / 2.0
    if r >= 2:
        rng = make_rng(seed)
        idx = rng.integers(0, r, size=(n_boot, x.size, r))
        yb = f(y[np.arange(x.size)[None, :, None], idx])
        with np.errstate(divide="ignore", invalid="ignore"):
            sb = _slopes(lx, np.log(yb))
        sb = sb[np.isfinite(sb)]
        lo, hi = (float(v) for v in np.quantile(sb, [tail, 1.0 - tail]))
        method = "bootstrap"
    elif x.size > 2:
        from scipy import stats

        res = ly - (intercept + slope * lx)
        se = math.sqrt((res @ res) / (x.size - 2) / ((lx - lx.mean()) ** 2).sum())
        t = stats.t.ppf(1.0 - tail, x.size - 2)
        lo, hi = slope - t * se, slope + t * se
        method = "ols-t"
    else:
        lo, hi, method = -math.inf, math.inf, "ols-t"
    ref = None if reference is None else float(reference)
    return PowerLawFit(
        slope=slope,
        intercept=intercept,
        ci_low=lo,
        ci_high=hi,
        level=level,
        method=method,
        reference=ref,
        contains_reference=None if ref is None else bool(lo <= ref <= hi),
        x=x.tolist(),
        y=ybar.tolist(),
    )
