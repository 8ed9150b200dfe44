"""The unit sphere S^{d-1}: small verbs (sample, project), the uniform law sigma and its projections.

Paper reference: Sec. 2 (normalised encoder f^(x) = f(x)/||f(x)||, a fixed c0 when f(x) = 0),
Lemma 3 (Maxwell-Poincare), Theorem 2 (Diaconis-Freedman), Prop. 2 (thin shell) and Sec. 6 (rate in d).

The exact finite-d law of a k-dimensional projection of ``U ~ sigma``: ``X = (U_1, .., U_k)`` has the
density proportional to ``(1 - |x|^2)^{(d-k-2)/2}`` on the unit k-ball and ``|X|^2 ~ Beta(k/2, (d-k)/2)``.
``Y = sqrt(d) X`` and ``Z ~ N(0, I_k)`` are both radial, so every f-divergence between them equals the
one between the laws of the squared radii ``S = |Y|^2 = d B`` and ``|Z|^2 ~ chi^2_k``. Their log density
ratio is a simple function of ``s``:

.. math::
    L(s) = \\log\\frac{p_d(y)}{\\varphi_k(y)} = c_{d,k} + \\frac{d-k-2}{2}\\log\\Bigl(1 - \\frac{s}{d}\\Bigr)
    + \\frac{s}{2}, \\qquad s = |y|^2 < d,

concave with its maximum at ``s = k + 2`` (when ``k <= d - 3``), so ``p_d > phi_k`` exactly on an
interval ``(s_1, s_2)`` of squared radii. The total variation is then a difference of CDFs (the
regularised incomplete beta and the chi^2 CDF) at the two crossings: no quadrature. The 1/d expansion

.. math::
    \\frac{p_d(y)}{\\varphi_k(y)} = 1 + \\frac{h_k(|y|^2)}{d} + O(d^{-2}), \\qquad
    h_k(s) = -\\tfrac14\\bigl(s^2 - 2(k+2)s + k(k+2)\\bigr),

(derived with sympy in :mod:`theory.symbolic`) gives ``d * TV -> c_k = E[h_k(|Z|^2)_+]``.
"""

from __future__ import annotations

import itertools
import math
import warnings
from dataclasses import dataclass, field

import numpy as np
from scipy import special, stats
from scipy.integrate import IntegrationWarning

from theory._validation import as_matrix, as_vector, check_int, check_real, make_rng

__all__ = [
    "KSDistance",
    "MCEstimate",
    "ProjectionDistances",
    "ShellDistance",
    "chi_shell",
    "crossing_radii",
    "diaconis_freedman_bound",
    "ks_distance",
    "log_density_ratio",
    "lognormal_shell",
    "mc_projection_kl",
    "mc_projection_tv",
    "mc_shell_tv",
    "plot_tv_vs_d",
    "project",
    "projection_cdf_1d",
    "projection_distances",
    "projection_hellinger",
    "projection_kl",
    "projection_ks",
    "projection_logpdf",
    "projection_pdf",
    "projection_radius_law",
    "projection_tv",
    "sample_projection",
    "sample_shell",
    "sample_uniform",
    "shell_projection_tv",
    "shell_tv_leading",
    "tv_constant",
    "tv_vs_d_table",
]


def sample_uniform(N: int, d: int, seed=None) -> np.ndarray:
    """Draw ``N`` points from the uniform law sigma on S^{d-1}.

    .. math::
        U = G / \\lVert G \\rVert, \\qquad G \\sim \\mathcal N(0, I_d).

    Parameters
    ----------
    N : int
        Number of points, ``N >= 1``.
    d : int
        Ambient dimension, ``d >= 1`` (``d = 1`` gives random signs).
    seed : None, int or numpy.random.Generator
        Randomness.

    Returns
    -------
    ndarray, shape (N, d)
        Rows of unit Euclidean norm.
    """
    N = check_int(N, "N", low=1)
    d = check_int(d, "d", low=1)
    rng = make_rng(seed)
    while True:
        g = rng.standard_normal((N, d))
        norms = np.linalg.norm(g, axis=1, keepdims=True)
        if np.all(norms > 0):  # a zero row has probability 0; redraw rather than bias
            return g / norms


def project(z, c0=None) -> np.ndarray:
    """Map rows of ``z`` to the unit sphere: ``z / ||z||`` (the paper's f^).

    .. math::
        \\hat f(x) = f(x) / \\lVert f(x) \\rVert, \\qquad \\hat f(x) = c_0 \\text{ if } f(x) = 0.

    Parameters
    ----------
    z : array_like, shape (n, d)
        Unnormalised embeddings (float32 accepted; computed in float64).
    c0 : array_like, shape (d,), optional
        The fixed point used for zero rows; default ``e_1``.

    Returns
    -------
    ndarray, shape (n, d)
    """
    z = as_matrix(z, "z")
    d = z.shape[1]
    if c0 is None:
        c0 = np.zeros(d)
        c0[0] = 1.0
    else:
        c0 = np.asarray(c0, dtype=np.float64)
        if c0.shape != (d,) or not np.isclose(np.linalg.norm(c0), 1.0):
            raise ValueError(f"c0 must be a unit vector of shape ({d},); got shape {c0.shape}")
    norms = np.linalg.norm(z, axis=1, keepdims=True)
    tiny = np.finfo(np.float64).tiny
    out = np.where(norms > tiny, z / np.maximum(norms, tiny), c0[None, :])
    return out


# ---------------------------------------------------------------------------------------------------------
# Validation and accurate elementary pieces
# ---------------------------------------------------------------------------------------------------------


def _check_dk(d, k) -> tuple[int, int]:
    d = check_int(d, "d", low=2)
    k = check_int(k, "k", low=1)
    if k > d - 1:
        raise ValueError(f"k must satisfy 1 <= k <= d - 1 = {d - 1} (a proper projection); got k = {k}")
    return d, k


# Bernoulli numbers B_2 .. B_16 for the Stirling (log-gamma) and digamma asymptotic series.
_BERNOULLI = (1 / 6, -1 / 30, 1 / 42, -1 / 30, 5 / 66, -691 / 2730, 7 / 6, -3617 / 510)
_SERIES_X0 = 10.0  # the series are used for x = (d - k)/2 >= _SERIES_X0 (truncation error < 1e-17)


def _stirling_tail(z: float) -> float:
    """S(z) = lgamma(z) - [(z - 1/2) log z - z + log(2 pi)/2] for z >= 10."""
    return sum(b / (2 * n * (2 * n - 1) * z ** (2 * n - 1)) for n, b in enumerate(_BERNOULLI, start=1))


def _digamma_tail(z: float) -> float:
    """T(z) = log z - 1/(2z) - digamma(z) for z >= 10."""
    return sum(b / (2 * n * z ** (2 * n)) for n, b in enumerate(_BERNOULLI, start=1))


_LOG1PMX_COEF = tuple((-1.0) ** (n + 1) / n for n in range(41, 1, -1))  # Horner order, y^39 .. y^0


def _log1pmx_scalar(y: float) -> float:
    """``log(1 + y) - y`` without cancellation for small ``|y|`` (``y > -1``)."""
    if abs(y) < 0.25:
        # -y^2/2 + y^3/3 - ... ; 40 terms reach 0.25^40 ~ 1e-24.
        acc = 0.0
        for c in _LOG1PMX_COEF:
            acc = acc * y + c
        return acc * y * y
    return math.log1p(y) - y


def _log1pmx(y: np.ndarray) -> np.ndarray:
    """Vectorised ``log(1 + y) - y`` (``y > -1``), accurate for small ``|y|``."""
    y = np.asarray(y, dtype=np.float64)
    out = np.empty_like(y)
    small = np.abs(y) < 0.25
    ys = y[small]
    acc = np.zeros_like(ys)
    for c in _LOG1PMX_COEF:
        acc = acc * ys + c
    out[small] = acc * ys * ys
    yl = y[~small]
    out[~small] = np.log1p(yl) - yl
    return out


@dataclass(frozen=True)
class _Consts:
    """Constants of the log density ratio of the squared radii (``x = (d-k)/2``, ``h = k/2``)."""

    d: int
    k: int
    x: float
    h: float
    a: float  # (d - k - 2)/2
    c: float  # L(0) = log[Gamma(d/2) (2/d)^{k/2} / Gamma((d-k)/2)]
    L_star: float  # max L = L(k + 2) when a > 0, else nan


def _consts(d: int, k: int) -> _Consts:
    x, h = (d - k) / 2.0, k / 2.0
    a = x - 1.0
    if x >= _SERIES_X0:
        y = h / x
        dS = _stirling_tail(x + h) - _stirling_tail(x)
        # c = lgamma(x+h) - lgamma(x) - h log(x+h) = (x - 1/2) log1p(h/x) - h + dS
        c = x * _log1pmx_scalar(y) - 0.5 * math.log1p(y) + dS
        # L* = c + a log(2a/d) + h + 1 = log1p(h/x)/2 + (x-1) log1p(-1/x) + 1 + dS
        L_star = 0.5 * math.log1p(y) + (x - 1.0) * _log1pmx_scalar(-1.0 / x) + 1.0 / x + dS
    else:
        c = special.gammaln(x + h) - special.gammaln(x) - h * math.log(x + h)
        L_star = c + a * math.log(2.0 * a / d) + h + 1.0 if a > 0 else math.nan
    return _Consts(d, k, x, h, a, float(c), float(L_star))


def _psi(v: np.ndarray) -> np.ndarray:
    """psi(v) = -v - log(1 - v) >= 0 for v < 1 (vectorised)."""
    return -_log1pmx(-np.asarray(v, dtype=np.float64))


def _L_of_s(s: np.ndarray, cs: _Consts) -> np.ndarray:
    """Log density ratio L(s) of the squared radii, ``-inf`` for ``s >= d`` (vectorised, accurate)."""
    s = np.asarray(s, dtype=np.float64)
    out = np.full(s.shape, -np.inf)
    inside = s < cs.d
    si = s[inside]
    if cs.a > 0:
        v = (si - (cs.k + 2.0)) / (2.0 * cs.a)
        out[inside] = cs.L_star - cs.a * _psi(v)
    else:
        out[inside] = cs.c + cs.a * np.log1p(-si / cs.d) + si / 2.0
    return out


def _L_scalar(s: float, cs: _Consts) -> float:
    """Scalar :func:`_L_of_s` (pure ``math``; for quadrature integrands)."""
    if s >= cs.d:
        return -math.inf
    if cs.a > 0:
        return cs.L_star + cs.a * _log1pmx_scalar((cs.k + 2.0 - s) / (2.0 * cs.a))
    return cs.c + (cs.a * math.log1p(-s / cs.d) if cs.a != 0 else 0.0) + s / 2.0


def _solve_psi(q: float, sign: int) -> float:
    """Root of psi(v) = q (q > 0) with sign(v) = sign, by monotone Newton iteration."""
    if sign > 0:
        v = min(math.sqrt(2.0 * q), 1.0 - math.exp(-(1.0 + q)))  # psi >= v^2/2 and psi >= -log(1-v) - 1
    else:
        v = -(q + math.sqrt(q * q + 2.0 * q))  # psi(-t) >= t^2 / (2 (1 + t))
    for _ in range(200):
        f = -_log1pmx_scalar(-v) - q
        step = f * (1.0 - v) / v
        v_new = v - step
        if sign > 0 and v_new >= 1.0:  # safeguard (should not occur from the upper start)
            v_new = 0.5 * (v + 1.0)
        if abs(v_new - v) <= 4e-16 * abs(v_new):
            return v_new
        v = v_new
    return v


def _crossings(cs: _Consts) -> tuple[float, float]:
    """(s_lo, s_hi): p_d > phi_k exactly for squared radii in (s_lo, s_hi); s_lo = 0 / s_hi = d if none."""
    d = cs.d
    if cs.a > 0:
        q = cs.L_star / cs.a
        if not q > 0:  # pragma: no cover - impossible for two different probability laws
            raise RuntimeError(f"non-positive maximum of the log density ratio at d={d}, k={cs.k}")
        s_hi = cs.k + 2.0 + 2.0 * cs.a * _solve_psi(q, +1)
        s_hi = min(s_hi, float(d))
        if cs.c >= 0:
            s_lo = 0.0
        else:
            s_lo = max(cs.k + 2.0 + 2.0 * cs.a * _solve_psi(q, -1), 0.0)
        return s_lo, s_hi
    # a <= 0 (k >= d - 2): L increasing on (0, d); one crossing at most
    if cs.c >= 0:
        return 0.0, float(d)
    from scipy.optimize import brentq

    def fun(s: float) -> float:
        return cs.c + (cs.a * math.log1p(-s / d) if cs.a != 0 else 0.0) + s / 2.0

    hi = d * (1.0 - 1e-15) if cs.a < 0 else float(d)
    return float(brentq(fun, 0.0, hi, xtol=1e-300, rtol=4 * np.finfo(float).eps, maxiter=500)), float(d)


def _F(s: float, cs: _Consts) -> float:
    """CDF of S = |Y|^2 = d Beta(k/2, (d-k)/2)."""
    return float(special.betainc(cs.h, cs.x, min(s / cs.d, 1.0)))


def _Fsf(s: float, cs: _Consts) -> float:
    return float(special.betaincc(cs.h, cs.x, min(s / cs.d, 1.0)))


def _G(s: float, h: float) -> float:
    """CDF of chi^2_k at s (h = k/2)."""
    return float(special.gammainc(h, s / 2.0))


def _Gsf(s: float, h: float) -> float:
    return float(special.gammaincc(h, s / 2.0))


def _tv_parts(cs: _Consts) -> tuple[float, float, float, float]:
    """(D1, D2, s_lo, s_hi) with TV = D1 + D2, D1 = G(s_lo) - F(s_lo), D2 = Gsf(s_hi) - Fsf(s_hi)."""
    s_lo, s_hi = _crossings(cs)
    D1 = 0.0 if s_lo <= 0 else _G(s_lo, cs.h) - _F(s_lo, cs)
    D2 = _Gsf(s_hi, cs.h) - (0.0 if s_hi >= cs.d else _Fsf(s_hi, cs))
    return max(D1, 0.0), max(D2, 0.0), s_lo, s_hi


# ---------------------------------------------------------------------------------------------------------
# The law of the projection
# ---------------------------------------------------------------------------------------------------------


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
        \\qquad |x| < 1 \\quad\\text{(Lemma 3; paper.md, fact for exact checks)},

    and ``p_{sqrt(d) X}(y) = d^{-k/2} p(y / sqrt(d))``.

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
    x = as_matrix(x, "x")
    if k is None:
        k = x.shape[1]
    d, k = _check_dk(d, k)
    if x.shape[1] != k:
        raise ValueError(f"x must have k = {k} columns; got shape {x.shape}")
    r2 = np.sum(x * x, axis=1)
    if scaled:
        r2 = r2 / d
    log_norm = special.gammaln(d / 2.0) - special.gammaln((d - k) / 2.0) - (k / 2.0) * math.log(math.pi)
    if scaled:
        log_norm -= (k / 2.0) * math.log(d)
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
    y = as_vector(y, "y")
    d, _ = _check_dk(d, 1)
    t = np.minimum(y * y / d, 1.0)
    half = 0.5 * special.betainc(0.5, (d - 1) / 2.0, t)
    return np.where(y >= 0, 0.5 + half, 0.5 - half)


def sample_projection(N: int, d: int, k: int, seed=None) -> np.ndarray:
    """Draw ``N`` samples of ``sqrt(d) (U_1..U_k)``, ``U ~ sigma`` on S^{d-1}, in O(N k) memory.

    .. math::
        \\sqrt d\\,(U_1..U_k) = \\sqrt d\\, \\frac{(G_1..G_k)}{\\sqrt{G_1^2 + \\dots + G_k^2 + R}},
        \\qquad R \\sim \\chi^2_{d-k} \\text{ independent of } G.

    Parameters
    ----------
    N : int
        Number of samples.
    d : int
        Ambient dimension, ``d >= 2``.
    k : int
        ``1 <= k <= d - 1``.
    seed : None, int or numpy.random.Generator

    Returns
    -------
    ndarray, shape (N, k)
    """
    N = check_int(N, "N", low=1)
    d, k = _check_dk(d, k)
    rng = make_rng(seed)
    g = rng.standard_normal((N, k))
    rest = rng.chisquare(d - k, size=N)
    return math.sqrt(d) * g / np.sqrt(np.sum(g * g, axis=1) + rest)[:, None]


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
    s = as_vector(s, "s")
    if np.any(s < 0):
        raise ValueError("s must hold squared radii >= 0")
    d, k = _check_dk(d, k)
    return _L_of_s(s, _consts(d, k))


def crossing_radii(d: int, k: int) -> tuple[float, float]:
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
    (float, float)
        ``(s_lo, s_hi)``; ``s_lo = 0`` when the densities do not cross below the mode and
        ``s_hi = d`` when they do not cross inside the support.
    """
    d, k = _check_dk(d, k)
    return _crossings(_consts(d, k))


# ---------------------------------------------------------------------------------------------------------
# Exact distances to N(0, I_k)
# ---------------------------------------------------------------------------------------------------------


def projection_tv(d: int, k: int) -> float:
    """Exact total variation between ``sqrt(d)(U_1..U_k)`` and ``N(0, I_k)``, ``U ~ sigma`` on S^{d-1}.

    .. math::
        d_{TV} = \\int (p_d - \\varphi_k)_+ = \\bigl[G_k(s_1) - F(s_1)\\bigr]
        + \\bigl[\\bar G_k(s_2) - \\bar F(s_2)\\bigr],

    where ``F(s) = I_{s/d}(k/2, (d-k)/2)`` is the CDF of ``|sqrt(d) X|^2``, ``G_k`` the chi^2_k CDF,
    bars the survival functions and ``(s_1, s_2)`` the crossing radii (:func:`crossing_radii`). The
    Maxwell-Poincare limit (Lemma 3) says it tends to 0; Theorem 2 (Diaconis-Freedman) bounds it by
    ``2(k+3)/(d-k-3)``; it is ``c_k / d + O(d^{-2})`` (:func:`tv_constant`).

    Parameters
    ----------
    d : int
        Ambient dimension, ``d >= 2`` (tested to ``1e6``; larger works).
    k : int
        Projection dimension, ``1 <= k <= d - 1``.

    Returns
    -------
    float
        In ``[0, 1]``. Relative error against 40-digit mpmath quadrature: ``1e-13`` at ``d = 1e3``,
        ``5e-11`` at ``d = 1e6`` (the CDF differences cancel like ``1/d``, so the relative error grows
        like ``1e-16 d``: ``3e-7`` at ``d = 1e9``); about 0.1 ms a value.
    """
    d, k = _check_dk(d, k)
    D1, D2, _, _ = _tv_parts(_consts(d, k))
    return D1 + D2


def projection_ks(d: int, k: int) -> float:
    """Exact Kolmogorov-Smirnov distance between the squared radii of ``sqrt(d) X`` and of ``N(0, I_k)``.

    .. math::
        \\sup_s |F(s) - G_k(s)| = \\max\\bigl(G_k(s_1) - F(s_1),\\ \\bar G_k(s_2) - \\bar F(s_2)\\bigr),

    since ``F - G_k`` is stationary exactly at the crossings. For ``k = 1`` the KS distance between the
    signed coordinate ``sqrt(d) U_1`` and ``N(0, 1)`` is half of it.

    Parameters
    ----------
    d, k : int

    Returns
    -------
    float
    """
    d, k = _check_dk(d, k)
    D1, D2, _, _ = _tv_parts(_consts(d, k))
    return max(D1, D2)


def _kl_forward(cs: _Consts) -> float:
    x, h, a = cs.x, cs.h, cs.a
    if x >= _SERIES_X0:
        y = h / x
        dS = _stirling_tail(x + h) - _stirling_tail(x)
        dT = _digamma_tail(x + h) - _digamma_tail(x)
        # KL = log1p(y)/2 - (x-1) h / (2 x (x+h)) + dS + (x-1) dT
        #    = [log1pmx(y) + y^2/(1+y)]/2 + y/(2x(1+y)) + dS + (x-1) dT
        main = 0.5 * (_log1pmx_scalar(y) + y * y / (1.0 + y)) + y / (2.0 * x * (1.0 + y))
        return float(main + dS + (x - 1.0) * dT)
    return float(cs.c + a * (special.digamma(x) - special.digamma(x + h)) + h)


def projection_kl(d: int, k: int, *, reverse: bool = False) -> float:
    """Exact Kullback-Leibler divergence between ``sqrt(d)(U_1..U_k)`` and ``N(0, I_k)``.

    .. math::
        \\mathrm{KL}(p_d \\,\\|\\, \\varphi_k) = E_{p_d}[L(S)] = c_{d,k}
        + \\frac{d-k-2}{2}\\Bigl[\\psi_0\\bigl(\\tfrac{d-k}2\\bigr) - \\psi_0\\bigl(\\tfrac d2\\bigr)\\Bigr]
        + \\frac k2 = \\frac{k(k+2)}{4 d^2} + O(d^{-3}),

    (``psi_0`` the digamma function; evaluated through asymptotic series at large ``d``).
    ``KL(phi_k || p_d) = +inf``: the projection lives in the ball of radius ``sqrt(d)``.

    Parameters
    ----------
    d, k : int
        ``d >= 2``, ``1 <= k <= d - 1``.
    reverse : bool
        ``False`` (default): ``KL(projection || Gaussian)``; ``True``: ``KL(Gaussian || projection)``,
        which is infinite and returned as ``inf``.

    Returns
    -------
    float
    """
    d, k = _check_dk(d, k)
    if not isinstance(reverse, bool):
        raise TypeError(f"reverse must be a bool; got {reverse!r}")
    if reverse:
        return math.inf
    return max(_kl_forward(_consts(d, k)), 0.0)


def projection_hellinger(d: int, k: int) -> float:
    """Hellinger distance between ``sqrt(d)(U_1..U_k)`` and ``N(0, I_k)`` (1-D radial quadrature).

    .. math::
        H^2 = 1 - \\int \\sqrt{p_d \\varphi_k} = \\frac12\\int_0^\\infty (\\sqrt f - \\sqrt g)^2\\,ds
        = \\frac12\\Bigl[\\int_0^{d} g(s)\\,\\bigl(e^{L(s)/2} - 1\\bigr)^2 ds + \\bar G_k(d)\\Bigr],

    with ``f, g`` the densities of the squared radii; the non-negative integrand avoids the
    cancellation of ``1 - BC`` (``H^2 = O(d^{-2})``). Far from the bulk (beyond a point ``s_b`` where
    both laws have mass ``< 1e-30``, or near the boundary ``s = d`` for small ``d``) the integrand is
    split as ``f - 2 sqrt(fg) + g`` with exact CDFs for ``f`` and ``g``.

    Parameters
    ----------
    d, k : int
        ``d >= 2``, ``1 <= k <= d - 1``.

    Returns
    -------
    float
        ``H`` in ``[0, 1]`` (not squared).
    """
    d, k = _check_dk(d, k)
    with warnings.catch_warnings():  # quad's round-off notices at epsrel = 1e-12; accuracy is tested
        warnings.simplefilter("ignore", IntegrationWarning)
        return _hellinger(d, k)


def _hellinger(d: int, k: int) -> float:
    from scipy.integrate import quad

    cs = _consts(d, k)
    h, a = cs.h, cs.a
    log_ng = h * math.log(2.0) + special.gammaln(h)  # chi^2_k normaliser
    log_nf = h * math.log(d) + special.betaln(h, cs.x)  # normaliser of S = d B
    chi = stats.chi2(k)
    s_mode = k + 2.0
    s_b = min(0.5 * (s_mode + d) if s_mode < d else 0.5 * d, float(chi.isf(1e-30)))
    opts = {"epsabs": 0.0, "epsrel": 1e-12, "limit": 400}

    def low(s: float, weighted: bool) -> float:  # g(s) (e^{L/2} - 1)^2, without s^{h-1} if weighted
        L = _L_scalar(s, cs)
        log_g = -s / 2.0 - log_ng + (0.0 if weighted else (h - 1.0) * math.log(s))
        return math.exp(log_g) * math.expm1(0.5 * L) ** 2

    marks = [*_crossings(cs), *chi.ppf([1e-14, 1e-4, 0.05, 0.5, 0.95, 1 - 1e-4])]
    edges = sorted({0.0, s_b, *(float(p) for p in marks if 0.0 < p < s_b)})
    total = 0.0
    for lo, hi in itertools.pairwise(edges):
        if lo == 0.0 and h < 1.0:  # k = 1: s^{-1/2} singularity at 0
            val, _ = quad(low, lo, hi, args=(True,), weight="alg", wvar=(h - 1.0, 0.0), **opts)
        else:
            val, _ = quad(low, lo, hi, args=(False,), **opts)
        total += val
    if s_b < d:  # [s_b, d]: f - 2 sqrt(fg) + g
        f_mass = _Fsf(s_b, cs)
        g_mass = _Gsf(s_b, h) - _Gsf(d, h)
        if f_mass + g_mass > 1e-28:
            log_c = -0.5 * (log_ng + log_nf)

            def sqrt_fg(s: float, weighted: bool) -> float:
                tail = -(a / 2.0) * math.log(d) if weighted else (a / 2.0) * math.log1p(-s / d)
                return math.exp(log_c + (h - 1.0) * math.log(s) - s / 4.0 + tail)

            sd_f = math.sqrt(2.0 * k * (d - k) / (d + 2.0))  # standard deviation of S = d B
            f_marks = k + sd_f * np.array([-8.0, -3.0, -1.0, 0.0, 1.0, 3.0])
            up = sorted({s_b, float(d), *(float(p) for p in (*marks, *f_marks) if s_b < p < d)})
            bc = 0.0
            for lo, hi in itertools.pairwise(up):
                if hi == d and a / 2.0 < 1.0:  # (1 - s/d)^{a/2} not smooth (or singular) at s = d
                    val, _ = quad(sqrt_fg, lo, hi, args=(True,), weight="alg", wvar=(0.0, a / 2.0), **opts)
                else:
                    val, _ = quad(sqrt_fg, lo, hi, args=(False,), **opts)
                bc += val
            total += max(f_mass + g_mass - 2.0 * bc, 0.0)
        else:  # both laws have mass < 1e-28 there: add the upper bound f_mass + g_mass
            total += f_mass + g_mass
    total += _Gsf(d, h)
    return math.sqrt(min(max(0.5 * total, 0.0), 1.0))


def diaconis_freedman_bound(d: int, k: int) -> float:
    """The Diaconis-Freedman bound on the total variation of a k-projection (Theorem 2).

    .. math::
        d_{TV}\\bigl(\\sqrt d(U_1..U_k), N(0, I_k)\\bigr) \\le \\frac{2(k+3)}{d-k-3},
        \\qquad 1 \\le k \\le d - 4.

    Parameters
    ----------
    d, k : int
        With ``1 <= k <= d - 4`` (the theorem's range).

    Returns
    -------
    float
    """
    d = check_int(d, "d", low=5)
    k = check_int(k, "k", low=1)
    if k > d - 4:
        raise ValueError(f"the Diaconis-Freedman bound needs 1 <= k <= d - 4 = {d - 4}; got k = {k}")
    return 2.0 * (k + 3) / (d - k - 3)


def tv_constant(k: int) -> float:
    """The sharp constant ``c_k = lim_{d -> inf} d * TV(sqrt(d)(U_1..U_k), N(0, I_k))``.

    .. math::
        c_k = \\tfrac12 E|h_k(|Z|^2)| = E\\,h_k(|Z|^2)_+
        = \\frac{\\sqrt{2(k+2)}}{2}\\bigl[s_+ g_k(s_+) + s_- g_k(s_-)\\bigr],
        \\qquad s_\\pm = k + 2 \\pm \\sqrt{2(k+2)},

    with ``h_k(s) = -(s^2 - 2(k+2)s + k(k+2))/4`` the 1/d coefficient of the density ratio and ``g_k`` the
    chi^2_k density (derivation: :func:`theory.symbolic.tv_constant_expr`). Sharpens the O(1/d) rate of
    Sec. 6 and Theorem 2.

    Parameters
    ----------
    k : int
        ``k >= 1``.

    Returns
    -------
    float
    """
    k = check_int(k, "k", low=1)
    w = math.sqrt(2.0 * (k + 2))
    s_p, s_m = k + 2 + w, k + 2 - w
    g = stats.chi2(k).pdf
    return float(0.5 * w * (s_p * g(s_p) + s_m * g(s_m)))


@dataclass(frozen=True)
class ProjectionDistances:
    """Exact distances between ``sqrt(d)(U_1..U_k)`` and ``N(0, I_k)``.

    Attributes
    ----------
    d, k : int
    tv : float
        Total variation (:func:`projection_tv`).
    kl : float
        ``KL(projection || Gaussian)``.
    kl_reverse : float
        ``KL(Gaussian || projection) = inf`` (the projection has bounded support).
    hellinger : float
        Hellinger distance ``H`` (``H^2 = 1 - BC``).
    ks_radial : float
        KS distance of the squared radii.
    crossings : tuple of float
        ``(s_lo, s_hi)``, squared radii where the densities cross.
    df_bound : float or None
        Diaconis-Freedman bound (``None`` outside ``k <= d - 4``).
    tv_asymptotic : float
        ``c_k / d``.
    """

    d: int
    k: int
    tv: float
    kl: float
    kl_reverse: float
    hellinger: float
    ks_radial: float
    crossings: tuple[float, float]
    df_bound: float | None
    tv_asymptotic: float


def projection_distances(d: int, k: int) -> ProjectionDistances:
    """All exact distances between ``sqrt(d)(U_1..U_k)`` and ``N(0, I_k)`` (Lemma 3, Theorem 2).

    .. math::
        d_{TV},\\ \\mathrm{KL}(p_d\\|\\varphi_k),\\ \\mathrm{KL}(\\varphi_k\\|p_d) = \\infty,\\ H,\\ d_{KS}.

    Parameters
    ----------
    d, k : int

    Returns
    -------
    ProjectionDistances
    """
    d, k = _check_dk(d, k)
    cs = _consts(d, k)
    D1, D2, s_lo, s_hi = _tv_parts(cs)
    return ProjectionDistances(
        d=d,
        k=k,
        tv=D1 + D2,
        kl=max(_kl_forward(cs), 0.0),
        kl_reverse=math.inf,
        hellinger=projection_hellinger(d, k),
        ks_radial=max(D1, D2),
        crossings=(s_lo, s_hi),
        df_bound=diaconis_freedman_bound(d, k) if k <= d - 4 else None,
        tv_asymptotic=tv_constant(k) / d,
    )


# ---------------------------------------------------------------------------------------------------------
# Monte Carlo estimators (hold samples against the exact line)
# ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MCEstimate:
    """A Monte Carlo estimate with its standard error.

    Attributes
    ----------
    estimate : float
    stderr : float
        Standard error (sample standard deviation / sqrt(n)).
    n : int
        Number of samples.
    method : str
    """

    estimate: float
    stderr: float
    n: int
    method: str


def _radial_samples(samples, k: int | None, name: str = "samples") -> tuple[np.ndarray, int]:
    y = as_matrix(samples, name, min_rows=2)
    if k is not None and y.shape[1] != k:
        raise ValueError(f"{name} must have k = {k} columns; got shape {y.shape}")
    return np.sum(y * y, axis=1), y.shape[1]


def _mc_log_ratio(d: int, k: int, N: int, seed, samples) -> np.ndarray:
    """``L(|Y|^2) = log p_d/phi_k`` at samples ``Y`` of the projection (drawn when not given)."""
    d, k = _check_dk(d, k)
    if samples is None:
        samples = sample_projection(N, d, k, seed)
    s, _ = _radial_samples(samples, k)
    if np.any(s >= d):
        raise ValueError(f"samples must lie in the open ball of radius sqrt(d) = {math.sqrt(d):.6g}")
    return _L_of_s(s, _consts(d, k))


def mc_projection_tv(d: int, k: int, N: int = 100_000, seed=None, *, samples=None) -> MCEstimate:
    """Unbiased Monte Carlo estimate of the TV between ``sqrt(d)(U_1..U_k)`` and ``N(0, I_k)``.

    .. math::
        d_{TV} = E_{p_d}\\bigl[(1 - \\varphi_k / p_d)(Y)_+\\bigr]
        = E\\bigl[(1 - e^{-L(|Y|^2)})_+\\bigr], \\qquad Y \\sim p_d,

    with the exact density ratio; the standard error is the sample one.

    Parameters
    ----------
    d, k : int
    N : int
        Number of samples drawn when ``samples`` is not given.
    seed : None, int or numpy.random.Generator
    samples : array_like, shape (n, k), optional
        Samples of ``sqrt(d)(U_1..U_k)`` to use instead (the estimator is unbiased only for samples of
        that law; every row must lie in the open ball of radius ``sqrt(d)``).

    Returns
    -------
    MCEstimate
    """
    w = -np.expm1(-_mc_log_ratio(d, k, N, seed, samples))
    w = np.maximum(w, 0.0)
    return MCEstimate(
        float(w.mean()), float(w.std(ddof=1) / math.sqrt(w.size)), int(w.size), "E_p[(1-g/p)_+]"
    )


def mc_projection_kl(d: int, k: int, N: int = 100_000, seed=None, *, samples=None) -> MCEstimate:
    """Monte Carlo estimate of ``KL(projection || N(0, I_k))`` with its standard error.

    .. math::
        \\mathrm{KL}(p_d\\|\\varphi_k) = E_{p_d}[L(|Y|^2)].

    Parameters
    ----------
    d, k : int
    N : int
    seed : None, int or numpy.random.Generator
    samples : array_like, shape (n, k), optional

    Returns
    -------
    MCEstimate
    """
    L = _mc_log_ratio(d, k, N, seed, samples)
    return MCEstimate(float(L.mean()), float(L.std(ddof=1) / math.sqrt(L.size)), int(L.size), "E_p[log p/g]")


@dataclass(frozen=True)
class KSDistance:
    """Kolmogorov-Smirnov distance of samples to ``N(0, scale^2 I_k)`` (and to the exact projection).

    Attributes
    ----------
    statistic : float
        Sample KS distance to the Gaussian (of the coordinate if ``k = 1``, else of ``|y|^2 / scale^2``
        against chi^2_k).
    pvalue : float
        KS test p-value against the Gaussian.
    population : float or None
        Exact KS distance of the projected law to the Gaussian on the same variable (when ``d`` given).
    statistic_projection : float or None
        Sample KS distance to the exact projected law (when ``d`` given).
    dkw_halfwidth : float
        ``sqrt(log(2/alpha) / (2 n))``: with probability ``>= 1 - alpha``, ``|statistic - KS(law of the
        samples, Gaussian)| <= dkw_halfwidth`` (Dvoretzky-Kiefer-Wolfowitz-Massart).
    n : int
    variable : str
        ``"coordinate"`` (k = 1) or ``"squared radius"``.
    """

    statistic: float
    pvalue: float
    population: float | None
    statistic_projection: float | None
    dkw_halfwidth: float
    n: int
    variable: str


def ks_distance(samples, d: int | None = None, *, scale: float = 1.0, alpha: float = 1e-6) -> KSDistance:
    """KS distance (histogram- and KDE-free) of samples to ``N(0, scale^2 I_k)``.

    .. math::
        D_n = \\sup_t |\\hat F_n(t) - G(t)|, \\qquad
        P\\bigl(\\sup_t|\\hat F_n - F| > \\varepsilon\\bigr) \\le 2 e^{-2 n \\varepsilon^2},

    on the coordinate when ``k = 1`` (``G = Phi``) and on the squared radius ``|y|^2/scale^2`` otherwise
    (``G`` the chi^2_k CDF; both laws radial, so this loses nothing for radial laws).

    Parameters
    ----------
    samples : array_like, shape (n, k)
        E.g. ``sqrt(d)`` times k coordinates of normalised embeddings.
    d : int, optional
        If given, also the exact population KS distance of ``sqrt(d)(U_1..U_k)`` to the Gaussian and the
        sample distance to that exact law.
    scale : float
        Standard deviation ``r0`` of the Gaussian reference.
    alpha : float
        Level of the DKW half-width.

    Returns
    -------
    KSDistance
    """
    y = as_matrix(samples, "samples", min_rows=2)
    n, k = y.shape
    scale = check_real(scale, "scale", low=0.0, low_open=True)
    alpha = check_real(alpha, "alpha", low=0.0, high=1.0, low_open=True, high_open=True)
    y = y / scale
    pop = stat_proj = None
    if k == 1:
        v = y[:, 0]
        res = stats.kstest(v, stats.norm.cdf)
        if d is not None:
            d, _ = _check_dk(d, 1)
            pop = projection_ks(d, 1) / 2.0
            stat_proj = float(stats.kstest(v, lambda t: projection_cdf_1d(np.atleast_1d(t), d)).statistic)
        variable = "coordinate"
    else:
        s = np.sum(y * y, axis=1)
        res = stats.kstest(s, stats.chi2(k).cdf)
        if d is not None:
            d, _ = _check_dk(d, k)
            pop = projection_ks(d, k)
            law = stats.beta(k / 2.0, (d - k) / 2.0, scale=d)
            stat_proj = float(stats.kstest(s, law.cdf).statistic)
        variable = "squared radius"
    return KSDistance(
        statistic=float(res.statistic),
        pvalue=float(res.pvalue),
        population=pop,
        statistic_projection=stat_proj,
        dkw_halfwidth=math.sqrt(math.log(2.0 / alpha) / (2.0 * n)),
        n=n,
        variable=variable,
    )


# ---------------------------------------------------------------------------------------------------------
# Prop. 2: unnormalised z = r u with a radial law (thin shell)
# ---------------------------------------------------------------------------------------------------------


def chi_shell(d: int):
    """The radial law of ``||G|| / sqrt(d)``, ``G ~ N(0, I_d)``: a shell of relative width ``~ 1/sqrt(2d)``.

    .. math::
        \\rho = \\sqrt{\\chi^2_d / d}, \\qquad \\rho\\,\\sqrt d\\,(U_1..U_k) \\sim N(0, I_k) \\text{ exactly}.

    Parameters
    ----------
    d : int

    Returns
    -------
    scipy.stats frozen distribution
        ``scipy.stats.chi(d, scale=1/sqrt(d))``.
    """
    d = check_int(d, "d", low=1)
    return stats.chi(d, scale=1.0 / math.sqrt(d))


def _check_radial(radial):
    if radial is None:
        return None
    if not (hasattr(radial, "pdf") and hasattr(radial, "ppf") and hasattr(radial, "rvs")):
        raise TypeError(
            "radial must be None or a frozen scipy.stats continuous distribution of rho = r/r0 "
            f"(with pdf, ppf, rvs); got {type(radial).__name__}"
        )
    lo = float(radial.ppf(0.0))
    if not lo >= 0:
        raise ValueError(
            f"radial must be supported on [0, inf) (rho = r/r0 >= 0); its support starts at {lo}"
        )
    return radial


class _Mixture:
    """Law of T = rho^2 S (S = |sqrt(d) X|^2, rho ~ radial): density and CDF by Gauss-Legendre in rho."""

    def __init__(self, d: int, k: int, radial, n_nodes: int, tail: float = 1e-13):
        self.d, self.k = d, k
        self.h, self.x = k / 2.0, (d - k) / 2.0
        lo, hi = float(radial.ppf(tail)), float(radial.ppf(1.0 - tail))
        t, w = np.polynomial.legendre.leggauss(n_nodes)
        rho = 0.5 * (hi - lo) * t + 0.5 * (hi + lo)
        wt = 0.5 * (hi - lo) * w * radial.pdf(rho)
        keep = (wt > 0) & (rho > 0)
        self.rho2 = rho[keep] ** 2
        self.w = wt[keep] / wt[keep].sum()
        self.log_norm = self.h * math.log(d) + special.betaln(self.h, self.x)
        self.t_max = float(self.rho2.max() * d)

    def pdf(self, t: np.ndarray) -> np.ndarray:
        t = np.atleast_1d(np.asarray(t, dtype=np.float64))
        u = t[:, None] / self.rho2[None, :]  # values of S
        with np.errstate(divide="ignore", invalid="ignore"):
            logf = (
                (self.h - 1.0) * np.log(u)
                + (self.x - 1.0) * np.log1p(-np.minimum(u / self.d, 1.0))
                - self.log_norm
                - np.log(self.rho2)[None, :]
            )
        logf = np.where(u < self.d, logf, -np.inf)
        return np.exp(logf) @ self.w

    def cdf(self, t: np.ndarray) -> np.ndarray:
        t = np.atleast_1d(np.asarray(t, dtype=np.float64))
        u = np.minimum(t[:, None] / self.rho2[None, :] / self.d, 1.0)
        return special.betainc(self.h, self.x, u) @ self.w

    def sf(self, t: np.ndarray) -> np.ndarray:
        t = np.atleast_1d(np.asarray(t, dtype=np.float64))
        u = np.minimum(t[:, None] / self.rho2[None, :] / self.d, 1.0)
        return special.betaincc(self.h, self.x, u) @ self.w


@dataclass(frozen=True)
class ShellDistance:
    """Distance between ``sqrt(d) z_k / r0`` (``z = r u``) and ``N(0, I_k)``.

    Attributes
    ----------
    d, k : int
    tv : float
        Total variation (exact up to the Gauss-Legendre rule over the radial law).
    ks_radial : float
        KS distance of the squared radii.
    tv_fixed_radius : float
        The same distance for ``r = r0`` (``projection_tv(d, k)``), to show what the spread adds.
    crossings : tuple of float
        Squared radii where the two densities cross.
    """

    d: int
    k: int
    tv: float
    ks_radial: float
    tv_fixed_radius: float
    crossings: tuple[float, ...] = field(default_factory=tuple)


def shell_projection_tv(d: int, k: int, radial=None, *, n_nodes: int = 200) -> ShellDistance:
    """TV between ``sqrt(d) z_k / r0`` and ``N(0, I_k)``; ``z = r u``, ``u ~ sigma``, ``rho = r/r0`` (P2).

    .. math::
        |W|^2 = \\rho^2 S, \\quad f_T(t) = E_\\rho\\bigl[\\rho^{-2} f_S(t/\\rho^2)\\bigr], \\quad
        d_{TV} = \\sum_{(a,b):\\, f_T > g}\\bigl[(F_T(b) - F_T(a)) - (G_k(b) - G_k(a))\\bigr],

    where ``S = |sqrt(d) u_k|^2 ~ d Beta(k/2, (d-k)/2)``; the expectation over ``rho`` is a
    ``n_nodes``-point Gauss-Legendre rule over the central ``1 - 2e-13`` of its law and the crossings
    are bracketed on a grid and refined by root finding (the CDF difference is stationary there).
    Prop. 2 says the distance tends to 0 when ``rho -> 1`` (thin shell) and ``d -> inf``.

    Parameters
    ----------
    d, k : int
    radial : frozen scipy.stats distribution or None
        Law of ``rho = r / r0`` (e.g. ``scipy.stats.lognorm(s)``, :func:`chi_shell`); ``None`` = ``r = r0``.
    n_nodes : int
        Gauss-Legendre nodes over the radial law.

    Returns
    -------
    ShellDistance
    """
    from scipy.optimize import brentq

    d, k = _check_dk(d, k)
    n_nodes = check_int(n_nodes, "n_nodes", low=8)
    radial = _check_radial(radial)
    tv0 = projection_tv(d, k)
    if radial is None:
        cs = _consts(d, k)
        D1, D2, s_lo, s_hi = _tv_parts(cs)
        return ShellDistance(d, k, D1 + D2, max(D1, D2), tv0, (s_lo, s_hi))
    mix = _Mixture(d, k, radial, n_nodes)
    chi = stats.chi2(k)
    t_hi = max(mix.t_max, float(chi.isf(1e-17)))
    grid = np.concatenate(
        [np.linspace(0.0, 4.0 * k + 40.0, 1201)[1:], np.geomspace(4.0 * k + 41.0, t_hi, 400)]
    )
    grid = np.unique(np.minimum(grid, t_hi))

    def diff(t):
        return mix.pdf(t) - chi.pdf(t)

    dv = diff(grid)
    sgn = np.sign(dv)
    crossings: list[float] = []
    for i in np.flatnonzero(sgn[:-1] * sgn[1:] < 0):
        crossings.append(float(brentq(lambda t: float(diff(np.array([t]))[0]), grid[i], grid[i + 1])))
    # D(t) = F_T(t) - G(t), computed with CDFs below the median of g and survival functions above
    med = float(chi.median())

    def D(t: float) -> float:
        if t <= med:
            return float(mix.cdf(np.array([t]))[0] - chi.cdf(t))
        return float(chi.sf(t) - mix.sf(np.array([t]))[0])

    pts = [0.0, *crossings, math.inf]
    vals = [0.0] + [D(t) for t in crossings] + [0.0]
    tv = sum(max(vals[i + 1] - vals[i], 0.0) for i in range(len(vals) - 1))
    ks = max(abs(v) for v in vals)
    return ShellDistance(d, k, float(min(tv, 1.0)), float(ks), tv0, tuple(pts[1:-1]))


def shell_tv_leading(d: int, k: int, var_rho2: float) -> float:
    """Leading-order TV for a thin shell ``z = r u`` with ``E[rho^2] = 1`` (Prop. 2, sharpened).

    .. math::
        \\frac{f_T}{g}(s) = 1 + h_k(s)\\Bigl(\\frac1d - \\frac{\\mathrm{Var}(\\rho^2)}{2}\\Bigr) + \\dots,
        \\qquad d_{TV} \\approx c_k\\,\\Bigl|\\frac1d - \\frac{\\mathrm{Var}(\\rho^2)}{2}\\Bigr|,

    the radial scale mixture contributes ``-Var(rho^2)/2`` times the same ``h_k`` as the sphere's ``1/d``
    term (derivation: :func:`theory.symbolic.shell_mixture_expansion`), so the Gaussian shell
    (``Var(rho^2) = 2/d``) cancels it exactly and a fixed spread leaves ``c_k Var(rho^2)/2`` as d -> inf.

    Parameters
    ----------
    d, k : int
    var_rho2 : float
        ``Var(rho^2)`` with ``rho = r / r0`` normalised so that ``E[rho^2] = 1``.

    Returns
    -------
    float
    """
    d, k = _check_dk(d, k)
    var_rho2 = check_real(var_rho2, "var_rho2", low=0.0)
    return tv_constant(k) * abs(1.0 / d - var_rho2 / 2.0)


def lognormal_shell(sigma: float):
    """Radial law ``rho = exp(sigma eps - sigma^2)``, ``eps ~ N(0, 1)``: ``E[rho^2] = 1``.

    .. math::
        \\mathrm{Var}(\\rho^2) = e^{4\\sigma^2} - 1.

    Parameters
    ----------
    sigma : float
        ``> 0``.

    Returns
    -------
    scipy.stats frozen distribution
    """
    sigma = check_real(sigma, "sigma", low=0.0, low_open=True)
    return stats.lognorm(sigma, scale=math.exp(-sigma * sigma))


def sample_shell(N: int, d: int, k: int, radial=None, seed=None) -> np.ndarray:
    """Samples of ``sqrt(d) z_k / r0`` for ``z = r u``, ``u ~ sigma`` on S^{d-1}, ``rho = r/r0 ~ radial``.

    .. math::
        W = \\rho\\,\\sqrt d\\,(u_1..u_k), \\qquad \\rho \\perp u.

    Parameters
    ----------
    N, d, k : int
    radial : frozen scipy.stats distribution or None
    seed : None, int or numpy.random.Generator

    Returns
    -------
    ndarray, shape (N, k)
    """
    N = check_int(N, "N", low=1)
    d, k = _check_dk(d, k)
    radial = _check_radial(radial)
    rng = make_rng(seed)
    y = sample_projection(N, d, k, rng)
    if radial is None:
        return y
    rho = np.asarray(radial.rvs(size=N, random_state=rng), dtype=np.float64)
    return rho[:, None] * y


def mc_shell_tv(
    d: int, k: int, radial=None, N: int = 100_000, seed=None, *, n_nodes: int = 200
) -> MCEstimate:
    """Monte Carlo TV between ``sqrt(d) z_k / r0`` and ``N(0, I_k)`` with its standard error (Prop. 2).

    .. math::
        d_{TV} = E_{f}\\bigl[(1 - \\varphi_k/f)(W)_+\\bigr], \\qquad W = \\rho\\sqrt d\\,u_k,

    with ``f`` the exact radial mixture density (Gauss-Legendre over ``rho``), samples drawn by
    :func:`sample_shell`.

    Parameters
    ----------
    d, k : int
    radial : frozen scipy.stats distribution or None
    N : int
    seed : None, int or numpy.random.Generator
    n_nodes : int

    Returns
    -------
    MCEstimate
    """
    d, k = _check_dk(d, k)
    radial = _check_radial(radial)
    if radial is None:
        return mc_projection_tv(d, k, N, seed)
    w_samples = sample_shell(N, d, k, radial, seed)
    t = np.sum(w_samples * w_samples, axis=1)
    mix = _Mixture(d, k, radial, n_nodes)
    ft = mix.pdf(t)
    gt = stats.chi2(k).pdf(t)
    w = np.where(ft > 0, np.maximum(1.0 - gt / np.where(ft > 0, ft, 1.0), 0.0), 0.0)
    return MCEstimate(
        float(w.mean()), float(w.std(ddof=1) / math.sqrt(w.size)), int(w.size), "E_f[(1-g/f)_+]"
    )


# ---------------------------------------------------------------------------------------------------------
# Tables and figure
# ---------------------------------------------------------------------------------------------------------


def tv_vs_d_table(
    d_values=None,
    k_values=(1, 2, 3),
    *,
    mc_d=(16, 64, 256, 1024),
    N: int = 100_000,
    seed: int = 0,
    progress=True,
) -> dict:
    """Numbers of the TV-vs-d figure: exact TV, the DF bound, ``c_k/d`` and Monte Carlo points.

    .. math::
        d_{TV}(d, k), \\quad \\frac{2(k+3)}{d-k-3}, \\quad \\frac{c_k}{d}, \\quad
        \\widehat{d_{TV}} \\pm \\text{s.e.}

    Parameters
    ----------
    d_values : array_like of int, optional
        Default: 60 log-spaced values from 8 to 1e6.
    k_values : sequence of int
    mc_d : sequence of int
        Dimensions of the Monte Carlo points.
    N : int
        Monte Carlo sample size per point.
    seed : int
    progress : bool

    Returns
    -------
    dict
        ``{"exact": [rows], "mc": [rows], "c_k": {k: c_k}}``.
    """
    from tqdm.auto import tqdm

    if d_values is None:
        d_values = np.unique(np.geomspace(8, 1e6, 60).astype(np.int64))
    rows, mc_rows = [], []
    k_values = [check_int(k, "k", low=1) for k in k_values]
    for k in tqdm(k_values, desc="TV vs d", disable=not progress):
        for d in d_values:
            d = int(d)
            if k > d - 1:
                continue
            rows.append(
                {
                    "k": k,
                    "d": d,
                    "tv": projection_tv(d, k),
                    "df_bound": diaconis_freedman_bound(d, k) if k <= d - 4 else None,
                    "c_k_over_d": tv_constant(k) / d,
                }
            )
        for j, d in enumerate(mc_d):
            est = mc_projection_tv(int(d), k, N, seed=seed + 1000 * k + j)
            mc_rows.append({"k": k, "d": int(d), "tv_mc": est.estimate, "stderr": est.stderr, "N": est.n})
    return {"exact": rows, "mc": mc_rows, "c_k": {k: tv_constant(k) for k in k_values}}


def plot_tv_vs_d(table: dict):
    """Figure: exact TV vs d (log-log) for each k, the Diaconis-Freedman bound, ``c_k/d`` and MC points.

    .. math::
        d \\mapsto d_{TV}\\bigl(\\sqrt d(U_1..U_k), N(0,I_k)\\bigr) \\text{ vs } \\frac{2(k+3)}{d-k-3}.

    Parameters
    ----------
    table : dict
        Output of :func:`tv_vs_d_table`.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 5))
    ks = sorted({r["k"] for r in table["exact"]})
    colors = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for i, k in enumerate(ks):
        col = colors[i % len(colors)]
        ex = [r for r in table["exact"] if r["k"] == k]
        d = np.array([r["d"] for r in ex], dtype=float)
        ax.loglog(d, [r["tv"] for r in ex], "-", color=col, lw=2, label=f"exact TV, k={k}")
        b = [(r["d"], r["df_bound"]) for r in ex if r["df_bound"] is not None and r["df_bound"] < 10]
        ax.loglog(*zip(*b, strict=True), "--", color=col, lw=1, label=f"DF bound 2(k+3)/(d-k-3), k={k}")
        ax.loglog(
            d,
            [r["c_k_over_d"] for r in ex],
            ":",
            color=col,
            lw=1,
            label=f"c_{k}/d, c_{k}={table['c_k'][k]:.4f}",
        )
        mc = [r for r in table["mc"] if r["k"] == k]
        if mc:
            ax.errorbar(
                [r["d"] for r in mc],
                [r["tv_mc"] for r in mc],
                yerr=[2 * r["stderr"] for r in mc],
                fmt="o",
                color=col,
                ms=4,
                capsize=3,
                label=f"Monte Carlo (±2 s.e.), k={k}",
            )
    ax.set_xlabel("dimension d")
    ax.set_ylabel("total variation to N(0, I_k)")
    ax.set_title("sqrt(d) (U_1..U_k), U uniform on S^{d-1}: exact TV vs Diaconis-Freedman")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=7, ncol=2)
    return fig
