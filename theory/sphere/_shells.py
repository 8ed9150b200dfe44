"""Prop. 2: unnormalised ``z = r u`` with a radial law (thin shells) (private)."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import special, stats

from theory._deprecation import renamed_keywords
from theory._io import ResultMixin
from theory._validation import check_int, check_real, make_rng
from theory.sphere import _asymptotic as _asy
from theory.sphere._exact import projection_tv, tv_constant
from theory.sphere._montecarlo import MCEstimate, mc_projection_tv
from theory.sphere._numerics import _check_dk, _check_size, _consts, _crossings, _tv_parts
from theory.sphere._sampling import sample_projection


def chi_shell(d: int):
    """The radial law of ``||G|| / sqrt(d)``, ``G ~ N(0, I_d)``: a shell of relative width ``~ 1/sqrt(2d)``.

    .. math::
        \\rho = \\sqrt{\\chi^2_d / d}, \\qquad \\rho\\,\\sqrt d\\,(U_1..U_k) \\sim N(0, I_k) \\text{ exactly}.

    Parameters
    ----------
    d : int
        Ambient dimension, ``d >= 1``.

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
class ShellDistance(ResultMixin):
    """Distance between ``sqrt(d) z_k / r0`` (``z = r u``) and ``N(0, I_k)``.

    Attributes
    ----------
    d, k : int
        Ambient and projection dimensions.
    tv : float
        Total variation (exact up to the Gauss-Legendre rule over the radial law).
    ks_radial : float
        KS distance of the squared radii.
    tv_fixed_radius : float
        The same distance for ``r = r0`` (``projection_tv(d, k)``), to show what the spread adds.
    crossings : tuple of float
        Squared radii where the two densities cross, increasing (as many as there are).
    """

    d: int
    k: int
    tv: float
    ks_radial: float
    tv_fixed_radius: float
    crossings: tuple[float, ...] = ()


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
        Ambient dimension ``2 <= d <= 1e100`` and projection dimension ``1 <= k <= d - 1``.
    radial : frozen scipy.stats distribution or None
        Law of ``rho = r / r0`` (e.g. ``scipy.stats.lognorm(s)``, :func:`chi_shell`); ``None`` = ``r = r0``.
    n_nodes : int
        Gauss-Legendre nodes over the radial law, ``8 <= n_nodes <= 10000``.

    Returns
    -------
    ShellDistance

    Notes
    -----
    The rule over ``rho`` is not split where ``f_S(t / rho^2)`` jumps to 0 (at ``rho = sqrt(t / d)``,
    the edge of the support of ``S``), so it is least accurate for ``t`` near ``d rho^2`` with ``d - k``
    small: against mpmath, a uniform ``rho`` on [0.7, 1] at ``d = 5, k = 4`` gives a TV off by 1.3e-4
    with two spurious crossings, and ``d - k = 2`` a TV off by about 5e-6; a lognormal ``rho``
    (``s = 0.5``) puts its crossings about 3e-5 off. Raising ``n_nodes`` removes the spurious crossings
    but converges slowly (in that uniform case the TV still moves by 1e-5 from 5000 to 10000 nodes):
    treat such results as approximate.
    """
    from scipy.optimize import brentq

    d, k = _check_dk(d, k)
    n_nodes = check_int(n_nodes, "n_nodes", low=8, high=10_000)
    radial = _check_radial(radial)
    tv0 = projection_tv(d, k)
    if radial is None:
        cs = _consts(d, k)
        s_lo, s_hi = _crossings(cs)
        if _asy.route(d, k, "shell_projection_tv") == "asymptotic":
            ex = _asy.tv_expansion(d, k)
            return ShellDistance(d, k, ex.tv, ex.ks_radial, tv0, (s_lo, s_hi))
        D1, D2, _, _ = _tv_parts(cs)
        return ShellDistance(d, k, D1 + D2, max(D1, D2), tv0, (s_lo, s_hi))
    if d > _asy.EXACT_FALLBACK_MAX_D:
        raise ValueError(
            f"shell_projection_tv: d = {d} is too large for the radial mixture route (incomplete beta "
            f"functions of parameter (d-k)/2 lose accuracy beyond d = {_asy.EXACT_FALLBACK_MAX_D:.0e}); "
            "use shell_tv_leading for the leading order"
        )
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
        Ambient dimension ``2 <= d <= 1e100`` and projection dimension ``1 <= k <= d - 1``.
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


@renamed_keywords(N="n_samples")
def sample_shell(n_samples: int, d: int, k: int, radial=None, seed=None) -> np.ndarray:
    """Samples of ``sqrt(d) z_k / r0`` for ``z = r u``, ``u ~ sigma`` on S^{d-1}, ``rho = r/r0 ~ radial``.

    .. math::
        W = \\rho\\,\\sqrt d\\,(u_1..u_k), \\qquad \\rho \\perp u.

    Parameters
    ----------
    n_samples : int
        Number of samples, ``>= 1`` (the old keyword ``N`` is deprecated).
    d, k : int
        Ambient dimension ``d >= 2`` and projection dimension ``1 <= k <= d - 1``.
    radial : frozen scipy.stats distribution or None
        Law of ``rho = r / r0``; ``None`` = ``r = r0``.
    seed : None, int or numpy.random.Generator
        Randomness.

    Returns
    -------
    ndarray, shape (n_samples, k)
    """
    N = check_int(n_samples, "n_samples", low=1)
    d, k = _check_dk(d, k)
    radial = _check_radial(radial)
    rng = make_rng(seed)
    y = sample_projection(N, d, k, rng)
    if radial is None:
        return y
    rho = np.asarray(radial.rvs(size=N, random_state=rng), dtype=np.float64)
    return rho[:, None] * y


@renamed_keywords(N="n_samples")
def mc_shell_tv(
    d: int, k: int, radial=None, n_samples: int = 100_000, seed=None, *, n_nodes: int = 200
) -> MCEstimate:
    """Monte Carlo TV between ``sqrt(d) z_k / r0`` and ``N(0, I_k)`` with its standard error (Prop. 2).

    .. math::
        d_{TV} = E_{f}\\bigl[(1 - \\varphi_k/f)(W)_+\\bigr], \\qquad W = \\rho\\sqrt d\\,u_k,

    with ``f`` the exact radial mixture density (Gauss-Legendre over ``rho``), samples drawn by
    :func:`sample_shell`.

    Parameters
    ----------
    d, k : int
        Ambient dimension ``2 <= d <= 1e100`` and projection dimension ``1 <= k <= d - 1``.
    radial : frozen scipy.stats distribution or None
        Law of ``rho = r / r0``; ``None`` = ``r = r0`` (then :func:`mc_projection_tv`).
    n_samples : int
        Number of samples, ``>= 2`` (the old keyword ``N`` is deprecated).
    seed : None, int or numpy.random.Generator
        Randomness.
    n_nodes : int
        Gauss-Legendre nodes over the radial law, ``8 <= n_nodes <= 10000``.

    Returns
    -------
    MCEstimate
    """
    d, k = _check_dk(d, k)
    radial = _check_radial(radial)
    n_samples = check_int(n_samples, "n_samples", low=2)
    n_nodes = check_int(n_nodes, "n_nodes", low=8, high=10_000)
    _check_size(n_samples, n_nodes, "n_samples", "n_nodes")
    if radial is None:
        return mc_projection_tv(d, k, n_samples, seed)
    w_samples = sample_shell(n_samples, d, k, radial, seed)
    t = np.sum(w_samples * w_samples, axis=1)
    mix = _Mixture(d, k, radial, n_nodes)
    ft = mix.pdf(t)
    gt = stats.chi2(k).pdf(t)
    w = np.where(ft > 0, np.maximum(1.0 - gt / np.where(ft > 0, ft, 1.0), 0.0), 0.0)
    return MCEstimate(
        float(w.mean()), float(w.std(ddof=1) / math.sqrt(w.size)), int(w.size), "E_f[(1-g/f)_+]"
    )
