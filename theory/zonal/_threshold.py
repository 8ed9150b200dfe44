"""The threshold q_c over zonal laws: the analytic small-||m|| limit, the search, the result (private).

Part of :mod:`theory.zonal` (the expansion is derived in the package docstring).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import optimize

from theory._io import ResultMixin
from theory._validation import check_int
from theory.regularized import qc_local, surrogate_threshold
from theory.uniformity import phi_uniform, phi_vmf
from theory.vmf import mean_resultant_length
from theory.zonal._kernel import harmonic_ratio
from theory.zonal._measure import ZonalMeasure
from theory.zonal._problem import RingGrid
from theory.zonal._search import (
    _blas1,
    _check_grid_args,
    _check_mean_norms,
    best_one_ring,
    clusters,
    few_rings,
    profile_on_grid,
    refine_rings,
    stationarity,
)

__all__ = ["DEFAULT_MEAN_NORMS", "ZonalThreshold", "describe_rings", "landau_coefficient", "threshold"]

DEFAULT_MEAN_NORMS = np.round(np.linspace(0.05, 0.95, 10), 10)
"""Default values of ``||m||`` of the profile: ``0.05, 0.15, ..., 0.95``."""

BOUND_TEXT = (
    "upper bound on inf over zonal laws: the exact ratio of the measure reported (or the analytic "
    "||m|| -> 0 limit q_c_loc, or the vMF value), found by a numerical search; not a certified infimum"
)

_WIN_RTOL = 1e-6
_VMF_ROUNDING = 64.0 * np.finfo(np.float64).eps


def landau_coefficient(d: int, alpha: float) -> float:
    """The coefficient ``c4`` of the small-``||m||`` expansion of the best ratio over all measures.

    .. math::
        \\inf_{\\lVert m(\\mu)\\rVert = r}\\frac{\\Phi(\\mu)-\\Phi(\\sigma)}{r^2}
        = q_c^{\\rm loc} + c_4 r^2 + O(r^4), \\qquad
        c_4 = d^4\\Big[E_4\\Big(\\frac{r_1^3}{3}-\\frac{r_1^4}{4}\\Big)
        - \\lVert P_2\\rVert^2\\frac{\\big(r_1^2/2 + r_1 r_2 (1 - r_1)\\big)^2}{2 r_2 (2 - r_2)}\\Big],

    with :math:`E_4 = \\mathbb E_\\sigma t^4 = 3/(d(d+2))`, :math:`\\lVert P_2\\rVert^2 = \\mathbb E_\\sigma
    (t^2 - 1/d)^2 = 2(d-1)/(d^2(d+2))` and :math:`r_l` the harmonic ratios
    (:func:`harmonic_ratio`). ``c4 < 0``: the transition is first order over zonal laws (the infimum
    is reached at a finite ``||m||``, below :math:`q_c^{\\rm loc}`); ``c4 > 0``: near sigma the ratio
    rises, and only a finite measure can beat :math:`q_c^{\\rm loc}`.

    Parameters
    ----------
    d : int
        ``d >= 2``.
    alpha : float
        ``alpha > 0``.

    Returns
    -------
    float
    """
    r1 = harmonic_ratio(d, alpha, 1)
    r2 = harmonic_ratio(d, alpha, 2)
    e4 = 3.0 / (d * (d + 2.0))
    p2 = 2.0 * (d - 1.0) / (d * d * (d + 2.0))
    coupling = r1 * r1 / 2.0 + r1 * r2 * (1.0 - r1)
    return float(d**4 * (e4 * (r1**3 / 3.0 - r1**4 / 4.0) - p2 * coupling**2 / (2.0 * r2 * (2.0 - r2))))


def describe_rings(latitudes, weights, pole_tol: float = 1e-3, min_mass: float = 1e-3) -> str:
    """A short description of a ring mixture: ``"one ring at t=0.597"``, ``"2 rings: ..."``; a ring within
    ``pole_tol`` of ``t = +-1`` is a point mass at a pole."""
    t = np.asarray(latitudes, dtype=np.float64)
    p = np.asarray(weights, dtype=np.float64)
    keep = p >= min_mass
    t, p = t[keep], p[keep]
    order = np.argsort(-p)
    parts = []
    for i in order:
        if abs(t[i]) >= 1.0 - pole_tol:
            parts.append(f"pole atom at t={t[i]:+.0f} (mass {p[i]:.3f})")
        else:
            parts.append(f"ring at t={t[i]:.4f} (mass {p[i]:.3f})")
    if len(parts) > 6:
        return f"spread: {len(parts)} rings of mass >= {min_mass:g} over t in [{t.min():.3f}, {t.max():.3f}]"
    head = "one ring" if len(parts) == 1 and "ring" in parts[0] else f"{len(parts)} components"
    return f"{head}: " + "; ".join(parts)


@dataclass(frozen=True, eq=False)
class ZonalThreshold(ResultMixin):
    """Where the uniform law stops minimising J_q over zonal laws (result of :func:`threshold`).

    Attributes
    ----------
    d : int
    alpha : float
    q_c : float
        The zonal infimum found: ``min(q_c_loc, q_c_vmf, q_c_rings)``, an upper bound on
        :math:`\\inf_{\\mu\\ne\\sigma\\text{ zonal}} (\\Phi(\\mu)-\\Phi(\\sigma))/\\lVert m(\\mu)\\rVert^2`
        (see :attr:`bound`).
    attained_by : str
        ``"local limit"`` (``q_c = q_c_loc``: approached as ``||m|| -> 0``), ``"vMF"`` (a finite vMF tilt)
        or ``"rings"`` (the ring mixture reported beats both by more than a relative ``1e-6``).
    q_c_rings : float
        The exact ratio of the ring mixture reported (:attr:`latitudes`, :attr:`weights`). Where the
        local limit wins with ``landau_c4 > 0`` the ratio rises away from ``||m|| = 0``, candidates
        drifting there are dropped (``||m|| <= 0.02``), and this is where the search stopped above the
        limit, not a minimum: its value depends on the starts (at d = 16, alpha = 100, 8.07 here and up
        to 8.20 when the free minimisation starts from another profile point).
    q_c_vmf : float
        The global threshold over the vMF family (:func:`theory.regularized.surrogate_threshold`,
        refined by a 1-D minimisation around its grid minimum).
    kappa_vmf : float
        Where it is attained (``0.0``: the ``kappa -> 0`` limit, ``q_c_vmf = q_c_loc``; a vMF ratio below
        ``q_c_loc`` by less than its rounding error counts as that limit).
    q_c_loc : float
        :math:`d\\,a(2-a)/2`, :math:`a = A_d(\\alpha)`: the ``||m|| -> 0`` limit of the ratio over all
        measures (proved to second order in the package docstring).
    landau_c4 : float
        :func:`landau_coefficient`: the ratio near sigma is ``q_c_loc + c4 ||m||^2 + O(||m||^4)``.
    latitudes : ndarray, shape (k,)
        The rings of the best ring mixture found.
    weights : ndarray, shape (k,)
        Their masses.
    shape : str
        A description of that mixture (:func:`describe_rings`).
    phi : float
        Its Phi (exact).
    phi_sigma : float
        Phi of the uniform law.
    mean_norm : float
        Its ``||m||``.
    exchange_gain : float
        The largest decrease of the ratio found by moving a mass ``eps`` in ``1e-12, 1e-10, ..., 1e-2`` to
        the latitude where the first variation is lowest (``0`` when none lowers it): a negative
        :attr:`stationarity_gap` with a negligible gain is a first-order effect at vanishing mass.
    stationarity_gap : float
        :math:`\\min_t S(t) - \\int S\\,d\\mu`, :math:`S = V - 2 q m t` at ``q = q_c_rings`` (``V`` the
        first variation, on 1201 latitudes): ``>= 0`` (up to ``~1e-8``) when no ring added anywhere lowers
        the ratio to first order.
    profile_mean_norms : ndarray, shape (k,)
        The values of ``||m||`` of the profile.
    profile_ratio : ndarray, shape (k,)
        The smallest ratio found at each (:func:`phi_profile`).
    n_grid : int
        Latitudes of the grid searched.
    bound : str
        What :attr:`q_c` is: an upper bound found by search, not a certified infimum.
    """

    d: int
    alpha: float
    q_c: float
    attained_by: str
    q_c_rings: float
    q_c_vmf: float
    kappa_vmf: float
    q_c_loc: float
    landau_c4: float
    latitudes: np.ndarray
    weights: np.ndarray
    shape: str
    phi: float
    phi_sigma: float
    mean_norm: float
    stationarity_gap: float
    exchange_gain: float
    profile_mean_norms: np.ndarray
    profile_ratio: np.ndarray
    n_grid: int
    bound: str = BOUND_TEXT


def _vmf_qc_refined(d: int, alpha: float) -> tuple[float, float]:
    """q_c over the vMF family: :func:`theory.regularized.surrogate_threshold` on its grid, refined by a
    1-D minimisation in ``log kappa`` between the grid neighbours; ``(q_c_vmf, kappa)``.

    A minimum below ``q_c_loc`` by less than the rounding error of the ratio,
    ``64 eps (1 + |Phi(sigma)|) / A_d(kappa)^2``, is not resolved from the ``kappa -> 0`` limit: then
    ``(q_c_loc, 0.0)``.
    """
    coarse = surrogate_threshold(d, alpha)
    phi_s = float(phi_uniform(d, alpha))

    def ratio(logk):
        k = float(np.exp(logk))
        return (phi_vmf(d, k, alpha) - phi_s) / mean_resultant_length(d, k) ** 2

    k0 = np.log(coarse.kappa_at_global)
    res = optimize.minimize_scalar(ratio, bounds=(k0 - 0.12, k0 + 0.12), method="bounded")
    if res.fun < coarse.qc_global:
        q, kappa = float(res.fun), float(np.exp(res.x))
    else:
        q, kappa = float(coarse.qc_global), float(coarse.kappa_at_global)
    # the numerator is a difference of two numbers of size |Phi(sigma)|: its rounding over A_d^2 bounds the
    # ratio's error, which near kappa = 0 (A_d ~ kappa / d) can be larger than the ratio's dip below q_loc
    noise = _VMF_ROUNDING * (1.0 + abs(phi_s)) / mean_resultant_length(d, kappa) ** 2
    if q > coarse.qc_local - noise:
        return float(coarse.qc_local), 0.0
    return q, kappa


def _merge(t: np.ndarray, p: np.ndarray, tol: float = 1e-7) -> tuple[np.ndarray, np.ndarray]:
    """Rings sorted by latitude, those closer than ``tol`` merged (their masses added)."""
    order = np.argsort(t)
    t, p = np.asarray(t, dtype=np.float64)[order], np.asarray(p, dtype=np.float64)[order]
    lat, mass = [t[0]], [p[0]]
    for ti, pi in zip(t[1:], p[1:], strict=True):
        if ti - lat[-1] < tol:
            mass[-1] += pi
        else:
            lat.append(ti)
            mass.append(pi)
    return np.array(lat), np.array(mass)


def _exchange_gain(meas: ZonalMeasure, alpha: float, ratio: float, t_low: float, phi_sigma: float) -> float:
    gain = 0.0
    for eps in 10.0 ** np.arange(-12, -1, 2):
        phi, _, _, m = few_rings(meas.d, alpha, np.append(meas.t, t_low), np.append((1 - eps) * meas.p, eps))
        gain = max(gain, ratio - (phi - phi_sigma) / (m * m))
    return float(gain)


def threshold(
    d: int,
    alpha: float,
    mean_norms=None,
    n_panels: int = 64,
    per_panel: int = 4,
    max_rings: int = 4,
    progress=None,
) -> ZonalThreshold:
    """The threshold of J_q over zonal laws, with the measure that attains it.

    .. math::
        q_c^{\\rm zonal}(d, \\alpha) = \\inf_{\\mu\\ne\\sigma \\text{ zonal}}
        \\frac{\\Phi(\\mu) - \\Phi(\\sigma)}{\\lVert m(\\mu)\\rVert^2}
        \\;\\le\\; \\min\\big(q_c^{\\rm vMF}, q_c^{\\rm loc}\\big).

    Steps: the profile at fixed ``||m||`` over ring mixtures on a latitude grid (:func:`phi_profile`);
    the ratio minimised freely from the best profile points (L-BFGS on the logits); the result
    compressed to at most ``max_rings`` rings and polished at free latitudes, with exchange steps until
    the first variation says no ring added anywhere helps (:attr:`ZonalThreshold.stationarity_gap`),
    beside the best single ring (a 1-D minimisation); the smallest exact ratio is ``q_c_rings``. The
    limit ``||m|| -> 0`` is not divided out numerically: it is ``q_c_loc`` (analytic), with the sign of
    :func:`landau_coefficient` telling whether the ratio falls or rises away from it.

    Parameters
    ----------
    d : int
        ``d >= 2``.
    alpha : float
        ``0 < alpha <= 300``.
    mean_norms : array_like, shape (k,), optional
        The profile's values of ``||m||`` (default :data:`DEFAULT_MEAN_NORMS`).
    n_panels, per_panel : int
        The latitude grid (sigma's Gauss-Legendre rule in ``theta``).
    max_rings : int
        Rings kept in the polish at free latitudes.
    progress : callable, optional
        Called with ``1`` after each profile step (``2k - 1`` steps), e.g. a tqdm bar's ``update``.

    Returns
    -------
    ZonalThreshold
    """
    d, alpha, n_panels, per_panel = _check_grid_args(d, alpha, n_panels, per_panel)
    r = DEFAULT_MEAN_NORMS if mean_norms is None else _check_mean_norms(mean_norms)
    max_rings = check_int(max_rings, "max_rings", low=1, high=32)
    if progress is not None and not callable(progress):
        raise TypeError(f"progress must be a callable (e.g. a tqdm bar's update) or None; got {progress!r}")
    q_loc = float(qc_local(d, alpha))
    q_vmf, kappa_vmf = _vmf_qc_refined(d, alpha)
    with _blas1():
        grid = RingGrid(d, alpha, n_panels, per_panel)
        prof, ps = profile_on_grid(grid, r, progress)
        candidates = []
        for i in np.argsort(prof)[:2]:
            _, p, _ = grid.minimize(grid.ratio_p, np.log(np.maximum(ps[i], 1e-300)), maxiter=1500)
            if abs(p @ grid.t) > 0.02:  # a drift towards m -> 0 is the local limit, handled analytically
                candidates.append(p)
            candidates.append(ps[i])
        best = (np.inf, None, None)
        for p in candidates:
            keep = p > 1e-12
            val = (grid.phi_grad(p)[0] - grid.phi_sigma) / (p @ grid.t) ** 2
            if val < best[0]:
                best = (val, grid.t[keep], p[keep])
            t0, p0 = clusters(grid, p, max_rings)
            cand = refine_rings(d, alpha, t0, p0, grid.phi_sigma)
            if cand[0] < best[0]:
                best = cand
        one, t1 = best_one_ring(d, alpha, grid.phi_sigma)
        if one < best[0]:
            best = (one, np.array([t1]), np.array([1.0]))
    meas = ZonalMeasure.rings(d, *_merge(best[1], best[2]))
    phi = meas.phi(alpha)
    m = meas.mean_norm()
    q_rings = (phi - grid.phi_sigma) / (m * m)
    gap, t_low = stationarity(meas, alpha, q_rings)
    q_c = min(q_loc, q_vmf, q_rings)
    if q_rings < min(q_loc, q_vmf) * (1.0 - _WIN_RTOL):
        by = "rings"
    elif q_vmf < q_loc * (1.0 - _WIN_RTOL):
        by = "vMF"
    else:
        by = "local limit"
    return ZonalThreshold(
        d=d,
        alpha=alpha,
        q_c=float(q_c),
        attained_by=by,
        q_c_rings=float(q_rings),
        q_c_vmf=float(q_vmf),
        kappa_vmf=kappa_vmf,
        q_c_loc=q_loc,
        landau_c4=landau_coefficient(d, alpha),
        latitudes=meas.t,
        weights=meas.p,
        shape=describe_rings(meas.t, meas.p),
        phi=phi,
        phi_sigma=grid.phi_sigma,
        mean_norm=m,
        stationarity_gap=gap,
        exchange_gain=_exchange_gain(meas, alpha, q_rings, t_low, grid.phi_sigma),
        profile_mean_norms=r,
        profile_ratio=prof,
        n_grid=grid.n,
    )
