"""Minimisation over ring mixtures: J_q, the profile of Phi at fixed ||m||, the ratio gap / ||m||^2 (private).

Part of :mod:`theory.zonal`. Every value returned is the exact Phi of an actual ring mixture (the
masses found on the latitude grid, or a few rings at free latitudes), so a minimum found is an *upper
bound* on the infimum over zonal laws; the grid and the starts decide how close it is.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import optimize

from theory._io import ResultMixin
from theory._validation import as_real_array, check_int, check_real
from theory.special import _check_d, log_iv_normalized
from theory.zonal._kernel import _log_g, _sin_of
from theory.zonal._measure import ZonalMeasure
from theory.zonal._problem import RingGrid, softmax

__all__ = ["JqMinimum", "PhiProfile", "minimize_jq", "phi_profile"]

_SUPPORT_TOL = 1e-9
_CLUSTER_MASS = 1e-6


def _blas1():
    """One BLAS thread: the searches are many small matrix-vector products, which threads slow down."""
    from threadpoolctl import threadpool_limits

    return threadpool_limits(1, user_api="blas")


def _support(grid: RingGrid, p: np.ndarray) -> ZonalMeasure:
    """The ring mixture of ``p`` on the grid, without masses below ``_SUPPORT_TOL`` (renormalised)."""
    keep = p > _SUPPORT_TOL
    return ZonalMeasure.rings(grid.d, grid.t[keep], p[keep])


def _log_g_slope(d: int, b: np.ndarray) -> np.ndarray:
    """``(log G_d)'(b) / b``, finite at ``b = 0``: ``0F1(nu+2) / 0F1(nu+1) / (2(nu+1))``, ``tanh(b)/b``
    at d = 2."""
    if d == 2:
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(b > 1e-8, np.tanh(b) / np.where(b > 1e-8, b, 1.0), 1.0 - b * b / 3.0)
    nu = 0.5 * (d - 3)
    return np.exp(log_iv_normalized(nu + 1.0, b) - log_iv_normalized(nu, b)) / (2.0 * (nu + 1.0))


def few_rings(d: int, alpha: float, t: np.ndarray, p: np.ndarray):
    """Exact ``Phi`` of the ring mixture ``(t, p)`` with its gradients in ``t`` and in ``p``, and ``E t``."""
    s = _sin_of(t)
    b = alpha * np.multiply.outer(s, s)
    lk = alpha * np.multiply.outer(t, t) + _log_g(d, b)
    # D[k, j] = d/dt_k log K(t_k, t_j) = alpha t_j - alpha^2 s_j^2 t_k (log G)'(b)/b
    D = alpha * t[None, :] - alpha * alpha * (s * s)[None, :] * t[:, None] * _log_g_slope(d, b)
    mx = lk.max()
    K = np.exp(lk - mx)
    kp = K @ p
    phi = float(p @ (np.log(kp) + mx))
    w = p / kp
    dt = p * ((K * D) @ p / kp + (K * D.T).T @ w)
    dp = np.log(kp) + mx + K.T @ w
    return phi, dt, dp, float(p @ t)


def polish_rings(
    d: int, alpha: float, t0: np.ndarray, p0: np.ndarray, phi_sigma: float, q: float | None = None
):
    """Minimise the ratio ``(Phi - Phi(sigma)) / m^2`` (``q`` None) or ``J_q = Phi - q m^2`` over a few
    rings at free latitudes, from ``(t0, p0)`` (L-BFGS-B, exact gradients). Returns ``(value, t, p)``,
    the better of the start and the polished mixture."""
    k = t0.size

    def f(x):
        t, p = np.clip(x[:k], -1.0, 1.0), softmax(np.concatenate([[0.0], x[k:]]))
        phi, dt, dp, m = few_rings(d, alpha, t, p)
        if q is None:
            m2 = max(m * m, 1e-300)
            val = (phi - phi_sigma) / m2
            gt, gp = (dt - 2.0 * val * m * p) / m2, (dp - 2.0 * val * m * t) / m2
        else:
            val = phi - q * m * m
            gt, gp = dt - 2.0 * q * m * p, dp - 2.0 * q * m * t
        gz = p * (gp - p @ gp)
        return val, np.concatenate([gt, gz[1:]])

    p0 = p0 / p0.sum()
    lw = np.log(np.maximum(p0, 1e-300))
    x0 = np.concatenate([t0, lw[1:] - lw[0]])
    best = (f(x0)[0], t0, p0)
    bounds = [(-1.0, 1.0)] * k + [(-60.0, 60.0)] * (k - 1)
    res = optimize.minimize(f, x0, jac=True, method="L-BFGS-B", bounds=bounds, options={"maxiter": 1000})
    if res.fun < best[0]:
        best = (float(res.fun), np.clip(res.x[:k], -1.0, 1.0), softmax(np.concatenate([[0.0], res.x[k:]])))
    return best


def stationarity(meas: ZonalMeasure, alpha: float, q: float, n_eval: int = 1201) -> tuple[float, float]:
    """``(min_t S(t) - int S dmu, argmin)`` with :math:`S(t) = V(t) - 2 q m t` (``V`` the first variation):
    ``>= 0`` when no ring added anywhere lowers ``Phi - q ||m||^2`` (or the ratio at ``q`` = its value)
    to first order."""
    m = float(meas.p @ meas.t)
    grid = np.cos(np.linspace(0.0, np.pi, n_eval))
    s_grid = meas.first_variation(alpha, grid) - 2.0 * q * m * grid
    s_supp = meas.first_variation(alpha, meas.t) - 2.0 * q * m * meas.t
    i = int(np.argmin(s_grid))
    return float(min(s_grid[i], s_supp.min()) - meas.p @ s_supp), float(grid[i])


def _merge_close(t: np.ndarray, p: np.ndarray, tol: float) -> tuple[np.ndarray, np.ndarray]:
    """Rings sorted by latitude; runs closer than ``tol`` become one ring at their mean latitude."""
    order = np.argsort(t)
    t, p = t[order], p[order]
    lat, mass = [t[0] * p[0]], [p[0]]
    for ti, pi in zip(t[1:], p[1:], strict=True):
        if ti - lat[-1] / mass[-1] < tol:
            lat[-1] += ti * pi
            mass[-1] += pi
        else:
            lat.append(ti * pi)
            mass.append(pi)
    mass_arr = np.array(mass)
    return np.array(lat) / mass_arr, mass_arr


def refine_rings(
    d: int, alpha: float, t: np.ndarray, p: np.ndarray, phi_sigma: float, q: float | None = None
):
    """Few rings at free latitudes, made stationary: merge rings closer than ``1e-3`` when it costs
    nothing, add a ring where the first variation says mass helps (exchange step), polish; repeat.

    Minimises the ratio (``q`` None) or ``J_q``. Returns ``(value, t, p)``.
    """

    def value(t_, p_):
        phi, _, _, m = few_rings(d, alpha, t_, p_)
        return (phi - phi_sigma) / max(m * m, 1e-300) if q is None else phi - q * m * m

    best = polish_rings(d, alpha, t, p, phi_sigma, q)
    for _ in range(6):
        tm, pm = _merge_close(best[1], best[2], 1e-3)
        if tm.size < best[1].size:
            cand = polish_rings(d, alpha, tm, pm, phi_sigma, q)
            if cand[0] <= best[0] + 1e-12 * max(1.0, abs(best[0])):
                best = cand
        meas = ZonalMeasure.rings(d, best[1], best[2])
        gap, t_new = stationarity(meas, alpha, best[0] if q is None else q)
        if gap >= -1e-9 * max(1.0, abs(best[0])):
            break
        cand = polish_rings(d, alpha, np.append(meas.t, t_new), np.append(0.999 * meas.p, 1e-3), phi_sigma, q)
        if cand[0] >= best[0]:
            break
        best = cand
    return best[0] if np.isfinite(value(best[1], best[2])) else np.inf, best[1], best[2]


def clusters(grid: RingGrid, p: np.ndarray, max_rings: int) -> tuple[np.ndarray, np.ndarray]:
    """Runs of adjacent grid nodes carrying mass, as rings at their mass-weighted latitude (the heaviest
    ``max_rings``)."""
    idx = np.flatnonzero(p > _CLUSTER_MASS)
    if idx.size == 0:
        idx = np.array([int(np.argmax(p))])
    runs = np.split(idx, np.flatnonzero(np.diff(idx) > 1) + 1)
    mass = np.array([p[r].sum() for r in runs])
    lat = np.array([grid.t[r] @ p[r] / p[r].sum() for r in runs])
    top = np.argsort(mass)[::-1][:max_rings]
    return lat[top], mass[top] / mass[top].sum()


def best_one_ring(d: int, alpha: float, phi_sigma: float) -> tuple[float, float]:
    """``(ratio, t0)`` of the best single ring, ratio ``[alpha t0^2 + log G_d(alpha (1 - t0^2)) - Phi(sigma)]
    / t0^2``."""

    def f(t0):
        return (alpha * t0 * t0 + float(_log_g(d, np.array(alpha * (1.0 - t0) * (1.0 + t0)))) - phi_sigma) / (
            t0 * t0
        )

    grid = np.linspace(0.02, 1.0, 99)
    vals = np.array([f(x) for x in grid])
    i = int(np.argmin(vals))
    lo, hi = grid[max(i - 1, 0)], grid[min(i + 1, grid.size - 1)]
    res = optimize.minimize_scalar(f, bounds=(lo, hi), method="bounded", options={"xatol": 1e-12})
    return (float(res.fun), float(res.x)) if res.fun < vals[i] else (float(vals[i]), float(grid[i]))


def profile_on_grid(grid: RingGrid, mean_norms: np.ndarray, progress=None):
    """Minimum of Phi at each fixed ``E t = r`` (up-sweep with vMF, ring and warm starts; warm down-sweep).

    Returns ``(ratio, p_list)``: ``ratio[i] = (min Phi - Phi(sigma)) / r_i^2`` and the minimisers.
    """
    n = mean_norms.size
    best_val = np.full(n, np.inf)
    best_z: list[np.ndarray | None] = [None] * n
    best_p: list[np.ndarray | None] = [None] * n

    def run(i, z0):
        val, p, z = grid.minimize(grid.phi_grad, z0, r=mean_norms[i])
        val = (val - grid.phi_sigma) / (p @ grid.t) ** 2
        if val < best_val[i]:
            best_val[i], best_z[i], best_p[i] = val, z, p

    for i in range(n):
        r = mean_norms[i]
        run(i, grid.logw.copy())  # sigma tilted to mean r: the vMF law of the grid
        run(i, grid.logw - 0.5 * ((grid.t - r) / 0.02) ** 2)  # a ring of width 0.02 at t = r
        if i > 0:
            run(i, best_z[i - 1])
        if progress is not None:
            progress(1)
    for i in range(n - 2, -1, -1):
        run(i, best_z[i + 1])
        if progress is not None:
            progress(1)
    return best_val, best_p


@dataclass(frozen=True, eq=False)
class PhiProfile(ResultMixin):
    """The minimum of Phi over ring mixtures at fixed ``||m||`` (result of :func:`phi_profile`).

    Attributes
    ----------
    d : int
    alpha : float
    mean_norms : ndarray, shape (k,)
        The fixed values ``r = ||m||``.
    ratio : ndarray, shape (k,)
        :math:`[\\min_{\\lVert m\\rVert = r}\\Phi - \\Phi(\\sigma)] / r^2` found (upper bounds).
    latitudes : tuple of ndarray
        The support of each minimiser found (masses above ``1e-9``).
    weights : tuple of ndarray
        Their masses.
    n_grid : int
        Latitudes of the grid searched.
    """

    d: int
    alpha: float
    mean_norms: np.ndarray
    ratio: np.ndarray
    latitudes: tuple
    weights: tuple
    n_grid: int


def _check_grid_args(d, alpha, n_panels, per_panel):
    """The arguments shared by the grid searches, checked before any work: ``d >= 2``, ``0 < alpha <= 300``
    (the kernel of :class:`RingGrid` is stored as ``exp(log K - row max)``, whose entries reach
    ``exp(-2 alpha)``: no underflow to 0 up to 300), ``n_panels >= 4``, ``per_panel >= 1``."""
    d = _check_d(d)
    alpha = check_real(alpha, "alpha", low=0.0, low_open=True, high=300.0)
    return d, alpha, check_int(n_panels, "n_panels", low=4), check_int(per_panel, "per_panel", low=1)


def _check_mean_norms(mean_norms) -> np.ndarray:
    r = as_real_array(np.atleast_1d(mean_norms), "mean_norms", low=0.0, high=1.0).ravel()
    if r.size == 0 or np.any(r <= 0) or np.any(r >= 0.999) or np.any(np.diff(r) <= 0):
        raise ValueError(f"mean_norms must increase strictly inside (0, 0.999); got {mean_norms!r}")
    return r


def phi_profile(d: int, alpha: float, mean_norms, n_panels: int = 64, per_panel: int = 4) -> PhiProfile:
    """Minimum of Phi over ring mixtures with a given mean norm, relative to ``Phi(sigma)`` and ``r^2``.

    .. math::
        R(r) = \\frac{\\inf\\{\\Phi(\\mu): \\mu \\text{ zonal}, \\lVert m(\\mu)\\rVert = r\\}
        - \\Phi(\\sigma)}{r^2},
        \\qquad q_c^{\\rm zonal} = \\inf_{r > 0} R(r), \\qquad \\lim_{r\\to0} R(r) = q_c^{\\rm loc}.

    Each value is the exact ratio of the ring mixture found (an upper bound on ``R(r)``); the masses
    live on sigma's quadrature grid in ``theta`` (``n_panels * per_panel`` latitudes), starts: the
    tilted uniform law (the vMF law of the grid), a narrow ring at ``t = r``, and the neighbours' minimisers
    (continuation up and down in ``r``).

    Parameters
    ----------
    d : int
        ``d >= 2``.
    alpha : float
        ``0 < alpha <= 300``.
    mean_norms : array_like, shape (k,)
        Values of ``||m||`` in ``(0, 1)``, increasing.
    n_panels, per_panel : int
        The latitude grid.

    Returns
    -------
    PhiProfile
    """
    d, alpha, n_panels, per_panel = _check_grid_args(d, alpha, n_panels, per_panel)
    r = _check_mean_norms(mean_norms)
    with _blas1():
        grid = RingGrid(d, alpha, n_panels, per_panel)
        ratio, ps = profile_on_grid(grid, r)
    sup = [_support(grid, p) for p in ps]
    return PhiProfile(
        d=d,
        alpha=alpha,
        mean_norms=r,
        ratio=ratio,
        latitudes=tuple(s.t for s in sup),
        weights=tuple(s.p for s in sup),
        n_grid=grid.n,
    )


@dataclass(frozen=True, eq=False)
class JqMinimum(ResultMixin):
    """The smallest J_q found over ring mixtures (result of :func:`minimize_jq`).

    Attributes
    ----------
    d : int
    alpha, q : float
    gap : float
        :math:`\\min J_q - J_q(\\sigma)` found (an upper bound on the true one over zonal laws); negative
        means sigma does not minimise J_q.
    phi : float
        Phi of the minimiser found.
    mean_norm : float
        Its ``||m||``.
    latitudes, weights : ndarray, shape (k,)
        Its rings (masses above ``1e-9``).
    """

    d: int
    alpha: float
    q: float
    gap: float
    phi: float
    mean_norm: float
    latitudes: np.ndarray
    weights: np.ndarray


def minimize_jq(d: int, alpha: float, q: float, n_panels: int = 64, per_panel: int = 4, seed=0) -> JqMinimum:
    """Minimise the App. D surrogate over ring mixtures on a latitude grid (several starts, L-BFGS on logits).

    .. math::
        J_q(\\mu) = \\Phi(\\mu) - q\\lVert m(\\mu)\\rVert^2, \\qquad \\mu = \\sum_i p_i\\,\\mathrm{ring}(t_i),
        \\; p = \\mathrm{softmax}(z).

    Starts: sigma, vMF tilts of sigma (``kappa`` in 1, 3, 10, 30), rings at ``t = 0.2, 0.5, 0.8, 0.95``
    and two random logit vectors (``seed``). The reported value is exact for the measure reported.

    Parameters
    ----------
    d : int
    alpha : float
        ``0 < alpha <= 300``.
    q : float
        ``q >= 0``.
    n_panels, per_panel : int
        The latitude grid.
    seed : int or Generator

    Returns
    -------
    JqMinimum
    """
    d, alpha, n_panels, per_panel = _check_grid_args(d, alpha, n_panels, per_panel)
    q = check_real(q, "q", low=0.0)
    rng = np.random.default_rng(seed)
    with _blas1():
        grid = RingGrid(d, alpha, n_panels, per_panel)
        f = grid.jq_p(q)
        starts = [grid.logw.copy()]
        starts += [grid.logw + k * grid.t for k in (1.0, 3.0, 10.0, 30.0)]
        starts += [grid.logw - 0.5 * ((grid.t - t0) / 0.02) ** 2 for t0 in (0.2, 0.5, 0.8, 0.95)]
        starts += [grid.logw + 3.0 * rng.standard_normal(grid.n) for _ in range(2)]
        best = None
        for z0 in starts:
            val, p, _ = grid.minimize(f, z0)
            if best is None or val < best[0]:
                best = (val, p)
        meas = _support(grid, best[1])
        t0, p0 = clusters(grid, best[1], 4)
        val, t, p = refine_rings(d, alpha, t0, p0, grid.phi_sigma, q=q)
        if val < best[0]:
            meas = ZonalMeasure.rings(d, t, p)
    phi = meas.phi(alpha)
    m = meas.mean_norm()
    return JqMinimum(
        d=d,
        alpha=alpha,
        q=q,
        gap=float(phi - q * m * m - grid.phi_sigma),
        phi=phi,
        mean_norm=m,
        latitudes=meas.t,
        weights=meas.p,
    )
