"""The exact law of ``sqrt(d)(U_1..U_k)``: radius law, density, 1-D CDF, log ratio, crossings (private)."""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np
from scipy import special, stats

from theory._io import ResultMixin
from theory.sphere._numerics import _check_dk, _consts, _crossings, _L_of_s, _matrix, _vector


def projection_radius_law(d: int, k: int):
    """Law of the squared radius ``|X|^2`` of ``X = (U_1, .., U_k)``, ``U ~ sigma`` on S^{d-1}.

    .. math::
        |X|^2 = \\frac{G_1^2 + \\dots + G_k^2}{G_1^2 + \\dots + G_d^2}
        \\sim \\mathrm{Beta}\\Bigl(\\frac k2, \\frac{d-k}{2}\\Bigr).

    Parameters
    ----------
    d : int
        Ambient dimension, ``d >= 2``.
    k : int
        Projection dimension, ``1 <= k <= d - 1``.

    Returns
    -------
    scipy.stats frozen distribution
        ``scipy.stats.beta(k/2, (d-k)/2)``; the squared radius of ``sqrt(d) X`` is ``d`` times it.
    """
    d, k = _check_dk(d, k)
    return stats.beta(k / 2.0, (d - k) / 2.0)


def projection_logpdf(x, d: int, k: int | None = None, *, scaled: bool = True) -> np.ndarray:
    """Log density of the projection ``X = (U_1..U_k)`` (or of ``sqrt(d) X``), ``U ~ sigma``.

    .. math::
        p(x) = \\frac{\\Gamma(d/2)}{\\pi^{k/2}\\,\\Gamma((d-k)/2)}\\,(1 - |x|^2)^{(d-k-2)/2},
        \\qquad |x| < 1,

    and ``p_{sqrt(d) X}(y) = d^{-k/2} p(y / sqrt(d))``: the classical finite-d law behind Lemma 3
    (Maxwell-Poincare) of the paper (arXiv 2602.24012), which states its limit ``N(0, I_k)``.

    Parameters
    ----------
    x : array_like, shape (n, k)
        Points (rows). ``-inf`` is returned outside the open unit ball (radius ``sqrt(d)`` if scaled).
    d : int
        Ambient dimension, ``d >= 2``.
    k : int, optional
        Projection dimension; defaults to ``x.shape[1]`` and must equal it when given.
    scaled : bool
        ``True`` (default): density of ``sqrt(d) X``; ``False``: of ``X``.

    Returns
    -------
    ndarray, shape (n,)
    """
    x = _matrix(x, "x")
    if not isinstance(scaled, bool | np.bool_):
        raise TypeError(f"scaled must be a bool; got {type(scaled).__name__} {scaled!r}")
    if k is None:
        k = x.shape[1]
    d, k = _check_dk(d, k)
    if x.shape[1] != k:
        raise ValueError(f"x must have k = {k} columns; got shape {x.shape}")
    r2 = np.sum(x * x, axis=1)
    if scaled:
        r2 = r2 / d
    # log[Gamma(d/2)/Gamma((d-k)/2)] = c + (k/2) log(d/2) with c = L(0) from the Stirling series: the
    # difference of two log-gammas of size d log d would lose every digit at d ~ 1e16.
    h = k / 2.0
    c = _consts(d, k).c
    log_norm = c - h * math.log(2.0 * math.pi) if scaled else c + h * math.log(d / (2.0 * math.pi))
    out = np.full(r2.shape, -np.inf)
    inside = r2 < 1.0
    out[inside] = log_norm + ((d - k - 2) / 2.0) * np.log1p(-r2[inside])
    return out


def projection_pdf(x, d: int, k: int | None = None, *, scaled: bool = True) -> np.ndarray:
    """Density of ``X = (U_1..U_k)`` (or of ``sqrt(d) X``); see :func:`projection_logpdf`.

    .. math::
        p(x) \\propto (1 - |x|^2)^{(d-k-2)/2} \\text{ on the unit k-ball}.

    Parameters
    ----------
    x : array_like, shape (n, k)
    d : int
    k : int, optional
    scaled : bool

    Returns
    -------
    ndarray, shape (n,)
    """
    return np.exp(projection_logpdf(x, d, k, scaled=scaled))


def projection_cdf_1d(y, d: int) -> np.ndarray:
    """Exact CDF of the scaled coordinate ``Y = sqrt(d) U_1``.

    .. math::
        P(Y \\le y) = \\tfrac12 + \\tfrac12\\,\\mathrm{sign}(y)\\,
        I_{y^2/d}\\bigl(\\tfrac12, \\tfrac{d-1}2\\bigr).

    Parameters
    ----------
    y : array_like, shape (n,)
    d : int
        Ambient dimension, ``d >= 2``.

    Returns
    -------
    ndarray, shape (n,)
    """
    y = _vector(y, "y")
    d, _ = _check_dk(d, 1)
    t = np.minimum(y * y / d, 1.0)
    half = 0.5 * special.betainc(0.5, (d - 1) / 2.0, t)
    return np.where(y >= 0, 0.5 + half, 0.5 - half)


def log_density_ratio(s, d: int, k: int) -> np.ndarray:
    """Log ratio of the density of ``sqrt(d) X`` to the standard normal one, as a function of ``s = |y|^2``.

    .. math::
        L(s) = \\log\\frac{p_d(y)}{\\varphi_k(y)} = c_{d,k} + \\frac{d-k-2}2 \\log\\Bigl(1-\\frac sd\\Bigr)
        + \\frac s2 = L^* - a\\,\\psi\\Bigl(\\frac{s-k-2}{2a}\\Bigr),

    with ``a = (d-k-2)/2``, ``psi(v) = -v - log(1-v)`` and ``L* = L(k+2)``, evaluated through the
    Stirling series so that it keeps full relative accuracy at ``d = 1e6`` (where ``L = O(1/d)``).

    Parameters
    ----------
    s : array_like, shape (n,)
        Squared radii, ``s >= 0``.
    d, k : int
        ``d >= 2``, ``1 <= k <= d - 1``.

    Returns
    -------
    ndarray, shape (n,)
        ``-inf`` where ``s >= d`` (outside the support of the projection).
    """
    s = _vector(s, "s")
    if np.any(s < 0):
        raise ValueError("s must hold squared radii >= 0")
    d, k = _check_dk(d, k)
    return _L_of_s(s, _consts(d, k))


@dataclass(frozen=True)
class CrossingRadii(ResultMixin):
    """Squared radii where the density of ``sqrt(d)(U_1..U_k)`` crosses the ``N(0, I_k)`` one.

    Attributes
    ----------
    s_lo : float
        Lower crossing (``0`` when the densities do not cross below the mode).
    s_hi : float
        Upper crossing (``d`` when they do not cross inside the support).

    Notes
    -----
    Unpacking ``s_lo, s_hi = crossing_radii(d, k)`` and indexing (the tuple of earlier versions) still
    work but are deprecated: use the named fields.
    """

    s_lo: float
    s_hi: float

    def _as_tuple(self) -> tuple[float, float]:
        warnings.warn(
            "crossing_radii(...) returns a CrossingRadii; unpacking or indexing it like the old tuple is "
            "deprecated: use .s_lo and .s_hi",
            DeprecationWarning,
            stacklevel=3,
        )
        return (self.s_lo, self.s_hi)

    def __iter__(self):
        return iter(self._as_tuple())

    def __getitem__(self, i):
        return self._as_tuple()[i]

    def __len__(self) -> int:
        return 2


def crossing_radii(d: int, k: int) -> CrossingRadii:
    """Squared radii where the projected density of ``sqrt(d) X`` crosses the Gaussian one.

    .. math::
        p_d(y) > \\varphi_k(y) \\iff s_{\\rm lo} < |y|^2 < s_{\\rm hi}, \\qquad
        s = k + 2 + 2a v, \\quad \\psi(v) = L^*/a.

    For large ``d`` they approach the roots ``k + 2 -+ sqrt(2(k+2))`` of ``h_k``.

    Parameters
    ----------
    d, k : int
        ``d >= 2``, ``1 <= k <= d - 1``.

    Returns
    -------
    CrossingRadii
        ``s_lo = 0`` when the densities do not cross below the mode and ``s_hi = d`` when they do not
        cross inside the support (accurate at any ``d``: the crossings solve ``psi(v) = L*/a`` with the
        Stirling-series constants).
    """
    d, k = _check_dk(d, k)
    s_lo, s_hi = _crossings(_consts(d, k))
    return CrossingRadii(s_lo=s_lo, s_hi=s_hi)
