"""The 1/d expansions of the distances of ``sqrt(d)(U_1..U_k)`` to ``N(0, I_k)``, and when to use them.

(Private part of :mod:`theory.sphere`.)

The density ratio of the squared radii expands as (Sec. 6 of the paper, arXiv 2602.24012; derived in
:func:`theory.symbolic.ratio_expansion`)

.. math::
    \\frac{p_d}{\\varphi_k}(s) = 1 + \\frac{h_1(s)}{d} + \\frac{h_2(s)}{d^2} + O(d^{-3}),

with polynomials ``h_1 = h_k`` and ``h_2`` in ``s`` (their coefficients are typed below and tested equal to
the sympy derivation). Since the integrand of the TV vanishes at the crossings, moving the crossings by
``O(1/d)`` changes the TV by ``O(d^{-3})``, so

.. math::
    D_1 = -\\int_0^{s_-} g_k\\Bigl(\\frac{h_1}{d} + \\frac{h_2}{d^2}\\Bigr) + O(d^{-3}), \\qquad
    D_2 = -\\int_{s_+}^\\infty g_k\\Bigl(\\frac{h_1}{d} + \\frac{h_2}{d^2}\\Bigr) + O(d^{-3}),

``TV = D_1 + D_2`` and ``KS = max(D_1, D_2)`` (``s_\\pm = k + 2 \\pm \\sqrt{2(k+2)}`` the roots of ``h_1``);
the chi^2 moments over an interval are regularised incomplete gamma functions. With ``r = h_1/d + h_2/d^2``
and ``E_\\varphi r = 0``,

.. math::
    \\mathrm{KL} = \\frac{E h_1^2}{2 d^2} + \\frac{E[h_1 h_2] - E[h_1^3]/6}{d^3} + O(d^{-4}), \\qquad
    H^2 = \\frac{E h_1^2}{8 d^2} + \\frac{E[h_1 h_2]/4 - E[h_1^3]/16}{d^3} + O(d^{-4}),

with exact rational chi^2 moments ``E S^m = k (k+2) \\cdots (k+2m-2)``.

Where the exact routes lose accuracy
------------------------------------
The exact TV and KS are differences of two CDFs of size ``O(1)`` that agree to ``O(1/d)``; scipy's
incomplete beta with a huge second parameter adds its own error. Against 60-digit mpmath quadrature the
exact TV has relative error ``5e-11`` at ``d = 1e6``, ``6e-9`` (k = 1) to ``4e-6`` (k = 10) at ``1e8``,
``1e-3`` at ``1e12`` and returns 0 or ``10x`` the value from ``1e16`` on; the KL closed form (a
cancellation of digamma tails) and the Hellinger quadrature lose accuracy the same way (``4e-7`` and
``3e-10`` at ``1e10``, ``3e-5`` and ``3e-6`` at ``1e12``). The two-term expansions have relative error
below ``2 (k+2)^2/d^2`` (measured: ``9.2/d^2`` at k = 1, ``5.2e3/d^2`` at k = 100) plus a rounding floor
below ``4e-15 (k+2)^2`` (measured ``1.1e-14`` at k = 1, ``1.3e-10`` at k = 1000).
:func:`route` picks, for ``d > 1e6``, the expansion when its bound is below
``1e-8``, the exact route while ``d <= 1e9`` otherwise (large k: relative error below ``2e-8`` measured),
and refuses beyond.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache

from scipy import special, stats

from theory._io import ResultMixin
from theory._validation import check_int
from theory.sphere._numerics import D_MAX, _log1pmx_scalar, _stirling_tail

EXACT_MAX_D = 10**6
"""Largest ``d`` where the exact routes are always used (their numbers are unchanged there)."""
EXACT_FALLBACK_MAX_D = 10**9
"""Largest ``d`` where the exact routes serve when the expansion's bound is too large (large ``k``)."""
ASYMPTOTIC_REL_TOL = 1e-8
"""The expansion is used beyond :data:`EXACT_MAX_D` when its relative error bound is below this."""


_TV_CONSTANT_SCIPY_MAX_K = 1000  # scipy's chi^2 density up to here (the numbers of earlier versions)


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
        ``1 <= k <= 1e100``.

    Returns
    -------
    float
        ``c_k / k -> e^{-1/2} / sqrt(2 pi) = 0.2420`` as ``k -> inf``. For ``k > 1000`` evaluated in
        log space through Stirling's series (relative error ``1e-15``; scipy's chi^2 density would lose
        ``1e-3`` at ``k = 1e12``).
    """
    k = check_int(k, "k", low=1, high=D_MAX)
    w = math.sqrt(2.0 * (k + 2))
    if k <= _TV_CONSTANT_SCIPY_MAX_K:
        s_p, s_m = k + 2 + w, k + 2 - w
        g = stats.chi2(k).pdf
        return float(0.5 * w * (s_p * g(s_p) + s_m * g(s_m)))
    # s g_k(s) = t^h e^{-t} / Gamma(h) with t = s/2 = h + 1 +- sqrt(h + 1); with Stirling's series,
    # log(s g_k(s)) = h log1pmx(u) + log(h)/2 - log(2 pi)/2 - S(h), u = (t - h)/h: no cancellation of
    # terms of size h log h (scipy's chi^2 log-density loses 1e-3 relative at k = 1e12).
    h = k / 2.0
    root = math.sqrt(h + 1.0)
    base = 0.5 * math.log(h) - 0.5 * math.log(2.0 * math.pi) - _stirling_tail(h)
    terms = [math.exp(h * _log1pmx_scalar((1.0 + sgn * root) / h) + base) for sgn in (1.0, -1.0)]
    return float(0.5 * w * sum(terms))


def _h1(k: int) -> tuple[Fraction, ...]:
    """Coefficients of ``h_1(s) = -(s^2 - 2(k+2)s + k(k+2))/4``, lowest power first."""
    k = Fraction(k)
    return (-(k * k + 2 * k) / 4, (2 * k + 4) / 4, Fraction(-1, 4))


def _h2(k: int) -> tuple[Fraction, ...]:
    """Coefficients of the ``1/d^2`` term ``h_2(s)`` of the density ratio, lowest power first."""
    k = Fraction(k)
    return (
        k**4 / 32 + k**3 / 24 - k**2 / 8 - k / 6,
        -(k**3 / 8 + k**2 / 2 + k / 2),
        3 * k**2 / 16 + 7 * k / 8 + 1,
        -(k / 8 + Fraction(5, 12)),
        Fraction(1, 32),
    )


def _polymul(p: tuple[Fraction, ...], q: tuple[Fraction, ...]) -> tuple[Fraction, ...]:
    out = [Fraction(0)] * (len(p) + len(q) - 1)
    for i, a in enumerate(p):
        for j, b in enumerate(q):
            out[i + j] += a * b
    return tuple(out)


def _chi2_expect(p: tuple[Fraction, ...], k: int) -> Fraction:
    """``E[p(S)]``, ``S ~ chi^2_k``, exactly (``E S^m = k (k+2) ... (k+2m-2)``)."""
    total, mom = Fraction(0), Fraction(1)
    for m, c in enumerate(p):
        total += c * mom
        mom *= k + 2 * m
    return total


@lru_cache(maxsize=256)
def divergence_coefficients(k: int) -> tuple[float, float, float, float]:
    """``(kl2, kl3, hel2, hel3)``: ``KL = kl2/d^2 + kl3/d^3``, ``H^2 = hel2/d^2 + hel3/d^3`` (+ O(d^-4))."""
    h1, h2 = _h1(k), _h2(k)
    e11 = _chi2_expect(_polymul(h1, h1), k)
    e12 = _chi2_expect(_polymul(h1, h2), k)
    e111 = _chi2_expect(_polymul(_polymul(h1, h1), h1), k)
    return (float(e11 / 2), float(e12 - e111 / 6), float(e11 / 8), float(e12 / 4 - e111 / 16))


def _interval_expect(p: tuple[Fraction, ...], k: int, lo: float, hi: float) -> float:
    """``E[p(S) 1{lo < S < hi}]``, ``S ~ chi^2_k`` (``hi`` may be ``inf``), by incomplete gamma functions."""
    h = k / 2.0
    total = 0.0
    for m, c in enumerate(p):
        if c == 0:
            continue
        scale = math.exp(m * math.log(2.0) + special.gammaln(h + m) - special.gammaln(h))
        if math.isinf(hi):
            mass = special.gammaincc(h + m, lo / 2.0)
        elif lo <= 0.0:
            mass = special.gammainc(h + m, hi / 2.0)
        else:
            mass = special.gammainc(h + m, hi / 2.0) - special.gammainc(h + m, lo / 2.0)
        total += float(c) * scale * float(mass)
    return total


@lru_cache(maxsize=256)
def tv_part_coefficients(k: int) -> tuple[float, float, float, float]:
    """``(a1, b1, a2, b2)``: ``D1 = a1/d + b1/d^2``, ``D2 = a2/d + b2/d^2`` (+ O(d^-3)); ``a1 + a2 = c_k``."""
    w = math.sqrt(2.0 * (k + 2))
    s_minus, s_plus = k + 2.0 - w, k + 2.0 + w
    h1, h2 = _h1(k), _h2(k)
    return (
        -_interval_expect(h1, k, 0.0, s_minus),
        -_interval_expect(h2, k, 0.0, s_minus),
        -_interval_expect(h1, k, s_plus, math.inf),
        -_interval_expect(h2, k, s_plus, math.inf),
    )


def rel_error_bound(d: int, k: int) -> float:
    """Relative error bound of the expansions: ``2 (k+2)^2/d^2 + 4e-15 (k+2)^2`` (tested vs mpmath)."""
    q = (k + 2.0) ** 2
    return 2.0 * q / (float(d) * float(d)) + 4e-15 * q


def route(d: int, k: int, what: str) -> str:
    """``"exact"`` or ``"asymptotic"`` for ``(d, k)``; ``ValueError`` where neither is accurate."""
    if d <= EXACT_MAX_D:
        return "exact"
    if rel_error_bound(d, k) <= ASYMPTOTIC_REL_TOL:
        return "asymptotic"
    if d <= EXACT_FALLBACK_MAX_D:
        return "exact"
    raise ValueError(
        f"{what}: no accurate route at d = {d}, k = {k}: the exact CDF differences lose accuracy for "
        f"d > {EXACT_FALLBACK_MAX_D:.0e} and the 1/d expansion needs 2 (k+2)^2/d^2 + 4e-15 (k+2)^2 <= "
        f"{ASYMPTOTIC_REL_TOL:g} (here {rel_error_bound(d, k):.2g}); use d <= {EXACT_FALLBACK_MAX_D:.0e} "
        "or a smaller k"
    )


@dataclass(frozen=True)
class TVExpansion(ResultMixin):
    """The two-term 1/d expansion of the total variation and KS distance of ``sqrt(d)(U_1..U_k)`` to
    ``N(0, I_k)``.

    Attributes
    ----------
    d, k : int
        Ambient and projection dimensions.
    c_k : float
        Leading coefficient, ``d * TV -> c_k`` (:func:`theory.sphere.tv_constant`).
    e_k : float
        Second coefficient: ``TV = c_k/d + e_k/d^2 + O(d^{-3})``.
    tv : float
        ``c_k/d + e_k/d^2``.
    ks_radial : float
        ``max(D_1, D_2)`` of the two one-sided parts, each to the same order.
    rel_error_bound : float
        Bound on the relative error of ``tv`` and ``ks_radial``: ``2 (k+2)^2/d^2 + 4e-15 (k+2)^2``
        (checked against 60-digit mpmath quadrature in the tests).
    """

    d: int
    k: int
    c_k: float
    e_k: float
    tv: float
    ks_radial: float
    rel_error_bound: float


def tv_expansion(d: int, k: int) -> TVExpansion:
    """The expansion for validated ``d, k`` (no range check beyond the caller's)."""
    a1, b1, a2, b2 = tv_part_coefficients(k)
    D1, D2 = a1 / d + b1 / (d * d), a2 / d + b2 / (d * d)
    return TVExpansion(
        d=d,
        k=k,
        c_k=a1 + a2,
        e_k=b1 + b2,
        tv=D1 + D2,
        ks_radial=max(D1, D2),
        rel_error_bound=rel_error_bound(d, k),
    )


def kl_asymptotic(d: int, k: int) -> float:
    """``KL(p_d || phi_k) = kl2/d^2 + kl3/d^3`` (relative error below :func:`rel_error_bound`)."""
    kl2, kl3, _, _ = divergence_coefficients(k)
    return kl2 / (float(d) ** 2) + kl3 / (float(d) ** 3)


def hellinger_asymptotic(d: int, k: int) -> float:
    """``H = sqrt(hel2/d^2 + hel3/d^3)`` (relative error below :func:`rel_error_bound`)."""
    _, _, hel2, hel3 = divergence_coefficients(k)
    return math.sqrt(hel2 / (float(d) ** 2) + hel3 / (float(d) ** 3))
