"""Result objects of :func:`theory.hgr.hgr_ace`: the fitted transforms and the estimate with its interval."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from theory._io import ResultMixin
from theory._validation import as_matrix


@dataclass(frozen=True, eq=False)
class ACETransform(ResultMixin):
    """A fitted one-dimensional transform, evaluable at new points.

    Attributes
    ----------
    knots : ndarray, shape (m,)
        Sorted distinct training values.
    values : ndarray, shape (m,)
        Transform at the knots.
    categorical : bool
        If True, values are looked up exactly (unseen values map to 0, the transform's mean);
        otherwise linearly interpolated, constant beyond the end knots.
    """

    knots: np.ndarray
    values: np.ndarray
    categorical: bool

    def __call__(self, x) -> np.ndarray:
        """Evaluate at ``x`` (array_like, shape (n,))."""
        x = np.asarray(x, dtype=np.float64)
        if self.categorical:
            idx = np.clip(np.searchsorted(self.knots, x), 0, self.knots.size - 1)
            return np.where(self.knots[idx] == x, self.values[idx], 0.0)
        if self.knots.size == 1:
            return np.full(x.shape, self.values[0])
        return np.interp(x, self.knots, self.values)


@dataclass(frozen=True, eq=False)
class ACEResult(ResultMixin):
    """HGR maximal correlation estimated by ACE.

    Attributes
    ----------
    rho : float
        Cross-fitted estimate (transforms fitted on one fold, correlation evaluated on the other, the two
        roles swapped and averaged, over ``n_splits`` random splits). Removes the upward bias of
        in-sample smoothing; at finite n it is slightly conservative (estimated transforms are noisy).
        The in-sample value when ``n_splits = 0``.
    rho_in_sample : float
        Correlation of the transforms fitted on all the data, on the same data (biased upwards).
    ci_low, ci_high : float or None
        Interval ``rho +- z se`` at the confidence level ``level`` (clipped to [0, 1]); ``None`` when
        there is no interval (``n_boot = 0``).
    se : float or None
        Bootstrap standard error of ``rho`` (refits on resamples; folds are drawn on the original
        indices so a duplicated point never sits in both folds); ``None`` when ``n_boot = 0``.
    level : float
        Confidence level of the interval, in (0, 1).
    n_samples : int
        Number of (x, y) pairs.
    n_boot : int
        Bootstrap refits (0: no interval).
    x_transforms, y_transforms : tuple of ACETransform
        Fitted on all data; ``sum_j x_transforms[j](x[:, j])`` has mean 0 and variance 1.
    n_iter : int
        Outer iterations of the full-data fit.
    converged : bool
        Whether the full-data fit met ``tol`` before ``max_iter``.
    boot : ndarray, shape (n_boot,)
        The bootstrap replicates of ``rho``.
    note : str
        Why a field is ``None`` (e.g. "no interval: n_boot = 0"), else empty.
    eta2 : float
        ``rho ** 2``; a property, also in ``to_dict()``.
    """

    rho: float
    rho_in_sample: float
    ci_low: float | None
    ci_high: float | None
    se: float | None
    level: float
    n_samples: int
    n_boot: int
    x_transforms: tuple[ACETransform, ...]
    y_transforms: tuple[ACETransform, ...]
    n_iter: int
    converged: bool
    boot: np.ndarray = field(default_factory=lambda: np.zeros(0))
    note: str = ""

    _json_extra = ("eta2", "has_interval")

    @property
    def eta2(self) -> float:
        """rho squared (eta^2 of Prop. 1 when the pair is (view, base))."""
        return self.rho**2

    @property
    def has_interval(self) -> bool:
        """Whether a bootstrap interval was computed."""
        return self.ci_low is not None and self.ci_high is not None

    def interval_text(self, digits: int = 4) -> str:
        """``"95% CI [lo, hi]"``, or ``"no interval (n_boot = 0)"``."""
        if not self.has_interval:
            return f"no interval (n_boot = {self.n_boot})"
        return f"{100 * self.level:g}% CI [{self.ci_low:.{digits}f}, {self.ci_high:.{digits}f}]"

    def summary(self, digits: int = 4) -> str:
        """One line: rho_m, its interval (or "no interval"), the in-sample value, eta^2 and n_samples."""
        return (
            f"rho_m = {self.rho:.{digits}f} ({self.interval_text(digits)}, in-sample "
            f"{self.rho_in_sample:.{digits}f}), eta2 = {self.eta2:.{digits}f}, n_samples = {self.n_samples}"
        )

    def __str__(self) -> str:
        return self.summary()

    def transform_x(self, x) -> np.ndarray:
        """Sum of the fitted x transforms at ``x`` (array_like, shape (n,) or (n, p))."""
        X = _as_columns(x, "x")
        if X.shape[1] != len(self.x_transforms):
            raise ValueError(f"x must have {len(self.x_transforms)} column(s); got {X.shape[1]}")
        return sum(t(X[:, j]) for j, t in enumerate(self.x_transforms))

    def transform_y(self, y) -> np.ndarray:
        """Sum of the fitted y transforms at ``y`` (array_like, shape (n,) or (n, q))."""
        Y = _as_columns(y, "y")
        if Y.shape[1] != len(self.y_transforms):
            raise ValueError(f"y must have {len(self.y_transforms)} column(s); got {Y.shape[1]}")
        return sum(t(Y[:, j]) for j, t in enumerate(self.y_transforms))


def _as_columns(a, name: str) -> np.ndarray:
    arr = np.asarray(a)
    if arr.ndim == 1:
        arr = arr[:, None]
    return as_matrix(arr, name)
