"""Accurate elementary pieces of the projected law of sigma (private).

The log density ratio ``L(s)`` of the squared radii, its crossings, the Stirling / digamma tails and a
cancellation-free ``log(1 + y) - y``; the CDF differences of the exact total variation.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import special

from theory._validation import as_matrix, as_vector, check_int

D_MAX = 10**100
"""Largest ambient dimension accepted (floats of ``d^3`` must not overflow in the 1/d expansions)."""
MAX_ELEMENTS = 2**30
"""Largest number of float64 entries a sampler allocates at once (8 GiB)."""


def _check_dk(d, k) -> tuple[int, int]:
    d = check_int(d, "d", low=2, high=D_MAX)
    k = check_int(k, "k", low=1)
    if k > d - 1:
        raise ValueError(f"k must satisfy 1 <= k <= d - 1 = {d - 1} (a proper projection); got k = {k}")
    return d, k


def _check_size(n: int, m: int, n_name: str, m_name: str) -> None:
    """Refuse allocating ``n * m`` float64 entries beyond :data:`MAX_ELEMENTS`, naming both arguments."""
    if n * m > MAX_ELEMENTS:
        raise ValueError(
            f"{n_name} * {m_name} = {n} * {m} entries ({8 * n * m / 2**30:.3g} GiB) exceeds the limit of "
            f"{MAX_ELEMENTS} entries; draw in batches"
        )


def _no_bool_array(x, name: str) -> None:
    """Refuse boolean and ragged arrays (``as_matrix`` / ``as_vector`` take booleans as 0/1 numbers)."""
    try:
        dtype = np.asarray(x).dtype
    except (ValueError, TypeError) as exc:  # ragged nested lists
        raise TypeError(f"{name} must be a rectangular array; got {type(x).__name__}: {exc}") from exc
    if dtype == np.bool_:
        raise TypeError(f"{name} must be a real numeric array; got a boolean array")


def _matrix(x, name: str, **kwargs) -> np.ndarray:
    """:func:`theory._validation.as_matrix` that also refuses boolean arrays."""
    _no_bool_array(x, name)
    return as_matrix(x, name, **kwargs)


def _vector(x, name: str, **kwargs) -> np.ndarray:
    """:func:`theory._validation.as_vector` that also refuses boolean arrays."""
    _no_bool_array(x, name)
    return as_vector(x, name, **kwargs)


# Bernoulli numbers B_2 .. B_16 for the Stirling (log-gamma) and digamma asymptotic series.
_BERNOULLI = (1 / 6, -1 / 30, 1 / 42, -1 / 30, 5 / 66, -691 / 2730, 7 / 6, -3617 / 510)
_ONE_TERM_Z = 1e15  # beyond, one term of each series is exact to double precision
_SERIES_X0 = 10.0  # the series are used for x = (d - k)/2 >= _SERIES_X0 (truncation error < 1e-17)
_STIRLING_Z0 = 100.0  # for x < 10, lgamma(d/2) by its series from d/2 >= 100 (the gammaln form loses eps k)


def _stirling_tail(z: float) -> float:
    """S(z) = lgamma(z) - [(z - 1/2) log z - z + log(2 pi)/2] for z >= 10."""
    if z >= _ONE_TERM_Z:  # the next term is below 1e-30 of the first (and z^15 would overflow)
        return _BERNOULLI[0] / (2.0 * z)
    return sum(b / (2 * n * (2 * n - 1) * z ** (2 * n - 1)) for n, b in enumerate(_BERNOULLI, start=1))


def _digamma_tail(z: float) -> float:
    """T(z) = log z - 1/(2z) - digamma(z) for z >= 10."""
    if z >= _ONE_TERM_Z:
        return _BERNOULLI[0] / (2.0 * z * z)
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
    elif x + h >= _STIRLING_Z0:
        # x < 10, z = x + h = d/2 >= 100 (k close to d): Stirling's series for lgamma(z) removes the terms
        # of size h log h, which otherwise cancel in L* (relative error eps h: 2e-9 at k = 1e9, all digits
        # at k = 1e16). c = (x - 1/2) log z - z + log(2 pi)/2 + S(z) - lgamma(x);
        # L* = c + a log(a/z) + h + 1 = log(z)/2 + a log a - a + log(2 pi)/2 + S(z) - lgamma(x).
        z = x + h
        base = 0.5 * math.log(2.0 * math.pi) + _stirling_tail(z) - float(special.gammaln(x))
        c = (x - 0.5) * math.log(z) - z + base
        L_star = 0.5 * math.log(z) + a * math.log(a) - a + base if a > 0 else math.nan
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
        if v >= 1.0:  # q > 36: the root is within an ulp of 1, the largest double below 1 is the answer
            return math.nextafter(1.0, 0.0)
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
    if fun(hi) <= 0:  # d > 1e16: the crossing lies within d * 1e-15 of d, beyond double resolution
        return hi, float(d)
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
