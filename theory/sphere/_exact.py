"""Exact distances between ``sqrt(d)(U_1..U_k)`` and ``N(0, I_k)``: TV, KS, KL, Hellinger (private)."""

from __future__ import annotations

import itertools
import math
import warnings
from dataclasses import dataclass

import numpy as np
from scipy import special, stats
from scipy.integrate import IntegrationWarning

from theory._io import ResultMixin
from theory._validation import check_int
from theory.sphere import _asymptotic as _asy
from theory.sphere._asymptotic import tv_constant
from theory.sphere._law import CrossingRadii
from theory.sphere._numerics import (
    _SERIES_X0,
    _check_dk,
    _Consts,
    _consts,
    _crossings,
    _digamma_tail,
    _Fsf,
    _Gsf,
    _L_scalar,
    _log1pmx_scalar,
    _stirling_tail,
    _tv_parts,
)


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
        Ambient dimension, ``d >= 2``.
    k : int
        Projection dimension, ``1 <= k <= d - 1``.

    Returns
    -------
    float
        In ``[0, 1]``. For ``d <= 1e6`` the exact route: relative error against mpmath quadrature
        ``1e-13`` at ``d = 1e3``, ``5e-11`` at ``d = 1e6``. Beyond, the CDF differences cancel like
        ``1/d`` (and scipy's incomplete beta with a huge parameter drifts: the old exact route gave
        ``1.7x`` the value at ``d = 1e15``, 0 at ``1e16``, ``11x`` at ``1e18``), so for ``d > 1e6`` the
        two-term expansion ``c_k/d + e_k/d^2`` (:func:`projection_tv_expansion`, relative error below
        ``2 (k+2)^2/d^2 + 4e-15 (k+2)^2``) is returned where that bound is below ``1e-8``; otherwise
        (large ``k``) the exact route up to ``d = 1e9`` (relative error below ``1e-8``), and a
        ``ValueError`` beyond. About 0.1 ms a value.

    Raises
    ------
    ValueError
        Bad ``d``/``k``, or ``d > 1e9`` with ``k`` too large for the expansion's accuracy.
    """
    d, k = _check_dk(d, k)
    if _asy.route(d, k, "projection_tv") == "asymptotic":
        return _asy.tv_expansion(d, k).tv
    D1, D2, _, _ = _tv_parts(_consts(d, k))
    return D1 + D2


def projection_tv_expansion(d: int, k: int) -> _asy.TVExpansion:
    """The two-term 1/d expansion of the TV and radial KS distance of ``sqrt(d)(U_1..U_k)`` to ``N(0, I_k)``.

    .. math::
        d_{TV} = \\frac{c_k}{d} + \\frac{e_k}{d^2} + O(d^{-3}), \\qquad
        D_1 = -\\int_0^{s_-} g_k\\Bigl(\\frac{h_1}{d} + \\frac{h_2}{d^2}\\Bigr), \\quad
        D_2 = -\\int_{s_+}^\\infty g_k\\Bigl(\\frac{h_1}{d} + \\frac{h_2}{d^2}\\Bigr),

    with ``h_1 = h_k``, ``h_2`` the ``1/d`` and ``1/d^2`` coefficients of the density ratio
    (:func:`theory.symbolic.ratio_expansion`; Lemma 3 and the O(1/d) rate of Sec. 6) and
    ``s_\\pm = k + 2 \\pm \\sqrt{2(k+2)}`` the roots of ``h_k``. :func:`projection_tv` returns its ``tv``
    for ``d > 1e6`` where the bound is below ``1e-8``.

    Parameters
    ----------
    d : int
        Ambient dimension, ``d >= 2`` (the expansion is meant for large ``d``; its bound says how good).
    k : int
        Projection dimension, ``1 <= k <= d - 1``.

    Returns
    -------
    TVExpansion
        ``c_k``, ``e_k``, ``tv``, ``ks_radial`` and ``rel_error_bound``.
    """
    d, k = _check_dk(d, k)
    return _asy.tv_expansion(d, k)


def projection_ks(d: int, k: int) -> float:
    """Exact Kolmogorov-Smirnov distance between the squared radii of ``sqrt(d) X`` and of ``N(0, I_k)``.

    .. math::
        \\sup_s |F(s) - G_k(s)| = \\max\\bigl(G_k(s_1) - F(s_1),\\ \\bar G_k(s_2) - \\bar F(s_2)\\bigr),

    since ``F - G_k`` is stationary exactly at the crossings. For ``k = 1`` the KS distance between the
    signed coordinate ``sqrt(d) U_1`` and ``N(0, 1)`` is half of it.

    Parameters
    ----------
    d : int
        Ambient dimension, ``d >= 2``.
    k : int
        Projection dimension, ``1 <= k <= d - 1``.

    Returns
    -------
    float
        Same routes and accuracy as :func:`projection_tv` (the expansion's ``ks_radial`` for large ``d``).
    """
    d, k = _check_dk(d, k)
    if _asy.route(d, k, "projection_ks") == "asymptotic":
        return _asy.tv_expansion(d, k).ks_radial
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
        Relative error ``4e-11`` at ``d = 1e6`` (closed form). The digamma tails cancel at larger ``d``
        (``4e-7`` at ``1e10``), so for ``d > 1e6`` the expansion
        ``kl2/d^2 + kl3/d^3`` (:mod:`theory.sphere._asymptotic`) is used where its relative error bound
        ``2 (k+2)^2/d^2 + 4e-15 (k+2)^2`` is below ``1e-8``, the closed form up to ``d = 1e9``
        otherwise, and a ``ValueError`` beyond.
    """
    d, k = _check_dk(d, k)
    if not isinstance(reverse, bool):
        raise TypeError(f"reverse must be a bool; got {type(reverse).__name__} {reverse!r}")
    if reverse:
        return math.inf
    if _asy.route(d, k, "projection_kl") == "asymptotic":
        return _asy.kl_asymptotic(d, k)
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
        ``H`` in ``[0, 1]`` (not squared). For ``d > 1e6`` the expansion ``sqrt(hel2/d^2 + hel3/d^3)``
        where its bound is below ``1e-8`` (the quadrature drifts: ``3e-6`` relative at ``d = 1e12``),
        the quadrature up to ``d = 1e9`` otherwise, a ``ValueError`` beyond.
    """
    d, k = _check_dk(d, k)
    if _asy.route(d, k, "projection_hellinger") == "asymptotic":
        return _asy.hellinger_asymptotic(d, k)
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


@dataclass(frozen=True)
class ProjectionDistances(ResultMixin):
    """Distances between ``sqrt(d)(U_1..U_k)`` and ``N(0, I_k)`` (Lemma 3, Theorem 2).

    Attributes
    ----------
    d, k : int
        Ambient and projection dimensions.
    tv : float
        Total variation (:func:`projection_tv`).
    kl : float
        ``KL(projection || Gaussian)`` (:func:`projection_kl`).
    kl_reverse : float
        ``KL(Gaussian || projection) = inf`` (the projection has bounded support; ``null`` in
        ``to_dict()``, strict JSON has no infinity).
    hellinger : float
        Hellinger distance ``H`` (``H^2 = 1 - BC``; :func:`projection_hellinger`).
    ks_radial : float
        KS distance of the squared radii (:func:`projection_ks`).
    crossings : CrossingRadii
        Squared radii ``s_lo < s_hi`` where the densities cross (:func:`crossing_radii`).
    df_bound : float or None
        Diaconis-Freedman bound (``None`` outside ``k <= d - 4``).
    tv_asymptotic : float
        ``c_k / d``.
    route : str
        ``"exact"`` (CDF differences, closed form, quadrature) or ``"asymptotic"`` (the two-term 1/d
        expansions, used for ``d > 1e6`` where accurate; see :func:`projection_tv`).
    rel_error_bound : float or None
        Relative error bound of ``tv``, ``kl``, ``hellinger``, ``ks_radial`` on the asymptotic route
        (``None`` on the exact route, whose accuracy is documented in each function).
    """

    d: int
    k: int
    tv: float
    kl: float
    kl_reverse: float
    hellinger: float
    ks_radial: float
    crossings: CrossingRadii
    df_bound: float | None
    tv_asymptotic: float
    route: str = "exact"
    rel_error_bound: float | None = None


def projection_distances(d: int, k: int) -> ProjectionDistances:
    """All distances between ``sqrt(d)(U_1..U_k)`` and ``N(0, I_k)`` (Lemma 3, Theorem 2).

    .. math::
        d_{TV},\\ \\mathrm{KL}(p_d\\|\\varphi_k),\\ \\mathrm{KL}(\\varphi_k\\|p_d) = \\infty,\\ H,\\ d_{KS}.

    Parameters
    ----------
    d : int
        Ambient dimension, ``d >= 2``.
    k : int
        Projection dimension, ``1 <= k <= d - 1``.

    Returns
    -------
    ProjectionDistances
        Same routes and accuracy as the single functions.
    """
    d, k = _check_dk(d, k)
    cs = _consts(d, k)
    s_lo, s_hi = _crossings(cs)
    common = {
        "d": d,
        "k": k,
        "kl_reverse": math.inf,
        "crossings": CrossingRadii(s_lo=s_lo, s_hi=s_hi),
        "df_bound": diaconis_freedman_bound(d, k) if k <= d - 4 else None,
        "tv_asymptotic": tv_constant(k) / d,
    }
    if _asy.route(d, k, "projection_distances") == "asymptotic":
        ex = _asy.tv_expansion(d, k)
        return ProjectionDistances(
            tv=ex.tv,
            kl=_asy.kl_asymptotic(d, k),
            hellinger=_asy.hellinger_asymptotic(d, k),
            ks_radial=ex.ks_radial,
            route="asymptotic",
            rel_error_bound=ex.rel_error_bound,
            **common,
        )
    D1, D2, _, _ = _tv_parts(cs)
    return ProjectionDistances(
        tv=D1 + D2,
        kl=max(_kl_forward(cs), 0.0),
        hellinger=projection_hellinger(d, k),
        ks_radial=max(D1, D2),
        **common,
    )
