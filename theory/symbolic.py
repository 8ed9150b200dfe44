"""Symbolic (sympy) derivations behind the exact finite-d Maxwell-Poincare results of :mod:`theory.sphere`.

Paper: Betser, Gofer, Levi, Gilboa, *InfoNCE Induces Gaussian Distribution* (ICLR 2026, arXiv 2602.24012):
Lemma 3 (Maxwell-Poincare), Theorem 2 (Diaconis-Freedman), Sec. 6 (O(1/d) rate) and Prop. 2 (thin shell).
Every function returns sympy expressions (exact), derived rather than typed in:

- the 1/d expansion of the density ratio of ``sqrt(d)(U_1..U_k)`` to ``N(0, I_k)`` and its coefficient
  ``h_k``; the sharp constant ``c_k`` of ``d * TV -> c_k``; the leading KL and Hellinger constants;
- the even moments of ``sqrt(d) U_1`` and its kurtosis ``3 - 6/(d+2)``;
- the pointwise limit of the projected density;
- the second-order expansion of a radial scale mixture (Prop. 2), which adds ``-Var(rho^2)/2`` to the
  sphere's ``1/d`` coefficient.

The symbols are module attributes (``s``, ``k``, ``d``, ``eps``, ``y``) and, by name, the frozen
:data:`SYMBOLS` (:class:`Symbols`). Results carrying several expressions are frozen dataclasses with named
fields (:class:`RatioExpansion`), never dicts or tuples. (Phi at the uniform law lives in
:mod:`theory.uniformity`.)
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass
from functools import lru_cache

import sympy as sp

from theory._io import ResultMixin
from theory._validation import check_int

__all__ = [
    "SYMBOLS",
    "RatioExpansion",
    "Symbols",
    "chi2_density",
    "hellinger_leading_expr",
    "kl_leading_expr",
    "kurtosis_expr",
    "moment_expr",
    "projected_density_expr",
    "projected_density_limit",
    "ratio_expansion",
    "shell_mixture_expansion",
    "tv_constant_closed_form",
    "tv_constant_expr",
]

s, k, d, eps, y = sp.symbols("s k d epsilon y", positive=True)

# Cost limits of the symbolic derivations (integration / simplification time grows with these).
K_MAX = 400
"""Largest integer ``k`` accepted by the derivations at a numeric ``k``."""
M_MAX = 500
"""Largest moment order ``m`` accepted by :func:`moment_expr`."""


@dataclass(frozen=True)
class Symbols(ResultMixin):
    """The sympy symbols of this module, by name (all positive).

    Attributes
    ----------
    s : sympy.Symbol
        Squared radius ``|y|^2``.
    k : sympy.Symbol
        Projection dimension.
    d : sympy.Symbol
        Ambient dimension.
    eps : sympy.Symbol
        ``1/d`` (printed ``epsilon``).
    y : sympy.Symbol
        Radius ``|y|`` of a point of the projection.
    """

    s: sp.Symbol
    k: sp.Symbol
    d: sp.Symbol
    eps: sp.Symbol
    y: sp.Symbol


SYMBOLS = Symbols(s=s, k=k, d=d, eps=eps, y=y)


def _check_k(kk, name: str = "kk") -> int:
    return check_int(kk, name, low=1, high=K_MAX)


def chi2_density(kk) -> sp.Expr:
    """The chi^2 density in the squared radius ``s`` (symbol ``theory.symbolic.s``).

    .. math::
        g_k(s) = \\frac{s^{k/2 - 1} e^{-s/2}}{2^{k/2}\\,\\Gamma(k/2)}.

    Parameters
    ----------
    kk : int or sympy expression
        Degrees of freedom: an integer ``1 <= k <= K_MAX`` or a sympy expression (e.g. the symbol ``k``).

    Returns
    -------
    sympy.Expr
    """
    if isinstance(kk, sp.Basic):
        if kk.is_number and not (kk.is_real and kk.is_positive):
            raise ValueError(f"kk must be a positive number of degrees of freedom; got {kk}")
    elif isinstance(kk, numbers.Integral) and not isinstance(kk, bool):
        kk = _check_k(kk, "kk")
    else:
        raise TypeError(f"kk must be an integer or a sympy expression; got {type(kk).__name__} {kk!r}")
    return s ** (sp.S(kk) / 2 - 1) * sp.exp(-s / 2) / (2 ** (sp.S(kk) / 2) * sp.gamma(sp.S(kk) / 2))


@dataclass(frozen=True)
class RatioExpansion(ResultMixin):
    """The 1/d expansion of the density ratio ``p_d(y)/phi_k(y)`` as a function of ``s = |y|^2``.

    ``to_dict()`` writes each expression as its string (``str(expr)``), once :func:`theory._io.to_jsonable`
    knows sympy objects.

    Attributes
    ----------
    log_ratio : sympy.Expr
        ``log(p_d/phi_k)`` to ``O(eps^3)``, ``eps = 1/d``.
    h1 : sympy.Expr
        Coefficient of ``1/d`` in the ratio (``= h_k(s)``).
    h2 : sympy.Expr
        Coefficient of ``1/d^2`` in the ratio.
    """

    log_ratio: sp.Expr
    h1: sp.Expr
    h2: sp.Expr


@lru_cache(maxsize=1)
def ratio_expansion() -> RatioExpansion:
    """Derive the 1/d expansion of the density ratio of ``sqrt(d)(U_1..U_k)`` to ``N(0, I_k)`` (symbolic k).

    .. math::
        \\log\\frac{p_d(y)}{\\varphi_k(y)} = \\log\\frac{\\Gamma(d/2)\\,(2/d)^{k/2}}{\\Gamma((d-k)/2)}
        + \\frac{d-k-2}{2}\\log\\Bigl(1 - \\frac sd\\Bigr) + \\frac s2
        = \\frac{h_k(s)}{d} + O(d^{-2}),

    from the asymptotic series of ``log Gamma`` at infinity (sympy ``series`` in ``eps = 1/d``).

    Returns
    -------
    RatioExpansion
    """
    dd = 1 / eps
    log_ratio = (
        sp.loggamma(dd / 2)
        - sp.loggamma((dd - k) / 2)
        + (k / 2) * sp.log(2 / dd)
        + (dd - k - 2) / 2 * sp.log(1 - s * eps)
        + s / 2
    )
    ser = sp.series(log_ratio, eps, 0, 3).removeO()
    ser = sp.expand(sp.simplify(ser))
    l1, l2 = ser.coeff(eps, 1), ser.coeff(eps, 2)
    if sp.simplify(ser.coeff(eps, 0)) != 0:  # pragma: no cover - would contradict Maxwell-Poincare
        raise RuntimeError("the log ratio does not vanish as d -> oo")
    return RatioExpansion(log_ratio=ser, h1=sp.factor(l1), h2=sp.expand(l2 + l1**2 / 2))


def _chi2_moment(n: int, kk) -> sp.Expr:
    """E[S^n] for S ~ chi^2_k: 2^n Gamma(k/2 + n)/Gamma(k/2)."""
    return sp.gammasimp(2**n * sp.gamma(sp.S(kk) / 2 + n) / sp.gamma(sp.S(kk) / 2))


def _chi2_expect(poly: sp.Expr, kk) -> sp.Expr:
    """E[poly(S)] for S ~ chi^2_k, by moments."""
    p = sp.Poly(sp.expand(poly), s)
    return sp.factor(
        sp.expand(sum(c * _chi2_moment(m[0], kk) for m, c in zip(p.monoms(), p.coeffs(), strict=True)))
    )


def tv_constant_expr(kk: int) -> sp.Expr:
    """Exact ``c_k = lim d * TV`` for an integer ``k``, by symbolic integration.

    .. math::
        c_k = \\tfrac12 E|h_k(|Z|^2)| = \\int_{s_-}^{s_+} h_k(s)\\,g_k(s)\\,ds,
        \\qquad s_\\pm = k+2 \\pm \\sqrt{2(k+2)}

    (``E h_k = 0`` and ``h_k > 0`` exactly between its roots).

    Parameters
    ----------
    kk : int
        ``1 <= k <= K_MAX`` (400; the cost of the symbolic integration grows with ``k``; use
        :func:`tv_constant_closed_form` beyond).

    Returns
    -------
    sympy.Expr
    """
    return _tv_constant_expr(_check_k(kk))


@lru_cache(maxsize=64)
def _tv_constant_expr(kk: int) -> sp.Expr:
    """The integral of :func:`tv_constant_expr` for a checked ``kk`` (cached: sympy expressions are
    immutable)."""
    h = ratio_expansion().h1.subs(k, kk)
    roots = sp.solve(sp.Eq(h, 0), s)
    lo, hi = sorted(roots, key=lambda r: float(r))
    return sp.simplify(sp.integrate(sp.expand(h * chi2_density(kk)), (s, lo, hi)))


def tv_constant_closed_form() -> sp.Expr:
    """The closed form of ``c_k`` for symbolic ``k`` (via ``s g_k = k g_{k+2}`` and the chi^2 CDF recurrence).

    .. math::
        c_k = \\frac{\\sqrt{2(k+2)}}{2}\\bigl[s_+ g_k(s_+) + s_- g_k(s_-)\\bigr].

    Returns
    -------
    sympy.Expr
        In the symbol ``theory.symbolic.k``.
    """
    w = sp.sqrt(2 * (k + 2))
    g = chi2_density(k)
    return w / 2 * ((k + 2 + w) * g.subs(s, k + 2 + w) + (k + 2 - w) * g.subs(s, k + 2 - w))


def kl_leading_expr() -> sp.Expr:
    """Leading constant of the KL divergence: ``d^2 KL(p_d || phi_k) -> E[h_k^2]/2``.

    .. math::
        \\mathrm{KL} = \\frac{E[h_k(|Z|^2)^2]}{2 d^2} + O(d^{-3}) = \\frac{k(k+2)}{4 d^2} + O(d^{-3}).

    Returns
    -------
    sympy.Expr
        In ``k``.
    """
    return sp.factor(_chi2_expect(ratio_expansion().h1 ** 2, k) / 2)


def hellinger_leading_expr() -> sp.Expr:
    """Leading constant of the squared Hellinger distance: ``d^2 H^2 -> E[h_k^2]/8``.

    .. math::
        H^2 = 1 - E_\\varphi\\sqrt{1 + h_k/d + \\dots} = \\frac{E[h_k^2]}{8 d^2} + O(d^{-3}).

    Returns
    -------
    sympy.Expr
    """
    return sp.factor(_chi2_expect(ratio_expansion().h1 ** 2, k) / 8)


def moment_expr(m: int) -> sp.Expr:
    """Exact ``E[(sqrt(d) U_1)^{2m}]`` as a rational function of ``d`` (``U_1^2 ~ Beta(1/2, (d-1)/2)``).

    .. math::
        E[(\\sqrt d U_1)^{2m}]
        = d^m\\,\\frac{\\Gamma(m + 1/2)\\,\\Gamma(d/2)}{\\Gamma(1/2)\\,\\Gamma(d/2 + m)}
        = \\frac{(2m-1)!!\\, d^m}{d (d+2) \\cdots (d + 2m - 2)} \\to (2m-1)!!.

    Parameters
    ----------
    m : int
        ``0 <= m <= M_MAX`` (500; the cost of the simplification grows with ``m``).

    Returns
    -------
    sympy.Expr
    """
    m = check_int(m, "m", low=0, high=M_MAX)
    expr = d**m * sp.gamma(m + sp.Rational(1, 2)) * sp.gamma(d / 2) / (sp.sqrt(sp.pi) * sp.gamma(d / 2 + m))
    return sp.factor(sp.gammasimp(expr))


def kurtosis_expr() -> sp.Expr:
    """Kurtosis of ``sqrt(d) U_1`` as a function of ``d``.

    .. math::
        \\frac{E[Y^4]}{E[Y^2]^2} = \\frac{3d}{d+2} = 3 - \\frac{6}{d+2}.

    Returns
    -------
    sympy.Expr
    """
    return sp.simplify(moment_expr(2) / moment_expr(1) ** 2)


def projected_density_expr(kk: int) -> sp.Expr:
    """Density of ``sqrt(d)(U_1..U_k)`` at a point of squared radius ``y^2`` (symbol ``y = |y|``).

    .. math::
        p_d(y) = \\frac{\\Gamma(d/2)}{(\\pi d)^{k/2}\\,\\Gamma((d-k)/2)}
        \\Bigl(1 - \\frac{y^2}{d}\\Bigr)^{(d-k-2)/2}.

    Parameters
    ----------
    kk : int
        Projection dimension, ``1 <= k <= K_MAX``.

    Returns
    -------
    sympy.Expr
        In the symbols ``d`` and ``y``.
    """
    kk = _check_k(kk)
    return (
        sp.gamma(d / 2)
        / ((sp.pi * d) ** sp.Rational(kk, 2) * sp.gamma((d - kk) / 2))
        * (1 - y**2 / d) ** ((d - kk - 2) / 2)
    )


def projected_density_limit(kk: int) -> sp.Expr:
    """Pointwise limit ``d -> oo`` of the projected density (Maxwell-Poincare, Lemma 3).

    .. math::
        \\lim_{d\\to\\infty} p_d(y) = (2\\pi)^{-k/2} e^{-|y|^2/2}.

    Parameters
    ----------
    kk : int
        Projection dimension, ``1 <= k <= K_MAX``.

    Returns
    -------
    sympy.Expr
        In the symbol ``y``.
    """
    return _projected_density_limit(_check_k(kk))


@lru_cache(maxsize=64)
def _projected_density_limit(kk: int) -> sp.Expr:
    """The limit of :func:`projected_density_limit` for a checked ``kk`` (cached: sympy expressions are
    immutable)."""
    log_expr = sp.expand_log(sp.log(projected_density_expr(kk)), force=True)
    return sp.simplify(sp.exp(sp.limit(log_expr, d, sp.oo)))


def shell_mixture_expansion() -> sp.Expr:
    """Second-order expansion of a radial scale mixture ``rho Z`` (Prop. 2): coefficient of ``Var(rho^2)``.

    .. math::
        \\frac{E_\\rho[\\rho^{-k}\\varphi_k(y/\\rho)]}{\\varphi_k(y)}
        = E\\Bigl[(1+\\delta)^{-k/2} e^{s\\delta/(2(1+\\delta))}\\Bigr]
        = 1 - \\frac{v}{2}\\,h_k(s) + O(E|\\delta|^3),

    with ``rho^2 = 1 + delta``, ``E delta = 0``, ``E delta^2 = v``.

    Returns
    -------
    sympy.Expr
        The coefficient of ``v`` (equal to ``-h_k(s)/2``).
    """
    delta = sp.symbols("delta")
    f = (1 + delta) ** (-k / 2) * sp.exp(s * delta / (2 * (1 + delta)))
    ser = sp.series(f, delta, 0, 3).removeO()
    return sp.factor(sp.expand(ser).coeff(delta, 2))
