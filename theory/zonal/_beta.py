"""beta* over zonal densities: the regularised route's threshold beyond the vMF family (private).

Part of :mod:`theory.zonal`. Over the vMF family :func:`theory.regularized.beta_threshold_vmf` defines

.. math::
    \\beta^* = \\sup_{\\kappa > 0}
    \\frac{q A_d(\\kappa)^2 - [\\Phi(\\mathrm{vMF}_\\kappa) - \\Phi(\\sigma)]}
    {\\mathrm{KL}(\\mathrm{vMF}_\\kappa\\Vert\\sigma)},
    \\qquad q = \\alpha(1 - \\eta^2),

the smallest ``beta >= 0`` for which sigma minimises :math:`\\tilde J = \\Phi - q\\lVert m\\rVert^2 +
\\beta\\,\\mathrm{KL}` (Align at Prop. 1's bound, ``delta = 0``). The zonal analogue takes the supremum
over zonal laws with a density (KL finite); here over the exponential families
:math:`f \\propto \\exp\\sum_{k=1}^{K} c_k P_k(t)` (Legendre polynomials, the vMF family is ``K = 1``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import optimize

from theory._io import ResultMixin
from theory._validation import check_int, check_real
from theory.regularized import beta_threshold_vmf
from theory.regularized._common import check_eta2
from theory.uniformity import phi_vmf
from theory.vmf import kl_vmf_uniform, mean_resultant_length
from theory.zonal._kernel import harmonic_ratio
from theory.zonal._problem import RingGrid
from theory.zonal._search import _blas1, _check_grid_args, _check_mean_norms

__all__ = ["ZonalBetaThreshold", "beta_landau_coefficient", "beta_threshold"]

BETA_BOUND_TEXT = (
    "lower bound on sup over zonal densities: the exact (quadrature) ratio of the density reported, the "
    "vMF value, or the analytic KL -> 0 limit max(0, beta_loc), found by a numerical search; not a "
    "certified supremum"
)
_WIN_RTOL = 1e-6
_KL_MIN = 1e-3
_BETA_MEAN_NORMS = np.round(np.linspace(0.1, 0.9, 9), 10)
_OPTS = {"maxiter": 3000, "ftol": 1e-15}
# the final polish stops on ftol only: the ratio can be ~1e-3, where L-BFGS-B's default absolute gtol (1e-5)
# ends it before its first step
_POLISH = {**_OPTS, "gtol": 0.0}


def beta_local(d: int, alpha: float, q: float) -> float:
    """``2 q / d - r_1 (2 - r_1)``: the KL -> 0 limit of the ratio along the first harmonic (unclipped)."""
    r1 = harmonic_ratio(d, alpha, 1)
    return float(2.0 * q / d - r1 * (2.0 - r1))


def beta_landau_coefficient(d: int, alpha: float, eta2: float) -> float | None:
    """The coefficient ``b4`` in :math:`\\sup_{\\lVert m\\rVert = r} R = \\beta_{\\rm loc} + b_4 r^2 + O(r^4)`
    near sigma, ``None`` where :math:`\\beta_{\\rm loc} \\le 0` (then sigma's neighbourhood gives 0).

    .. math::
        b_4 = 2 d^3\\Big[\\lVert P_2\\rVert^2 \\frac{(c_1 + \\beta/2)^2}{2(r_2(2-r_2) + \\beta)}
        - E_4\\Big(\\frac{r_1^3}{3} - \\frac{r_1^4}{4} + \\frac{\\beta}{12}\\Big)
        \\Big]_{\\beta = \\beta_{\\rm loc}},
        \\qquad c_1 = \\frac{r_1^2}{2} + r_1 r_2 (1 - r_1),

    from the expansion of :mod:`theory.zonal` with :math:`\\mathrm{KL}(\\sigma(1+h)) = \\int h^2/2 - h^3/6
    + h^4/12 + \\dots`. ``b4 > 0``: densities near sigma beat :math:`\\beta_{\\rm loc}` (the supremum sits
    at a finite KL).
    """
    eta2 = check_eta2(eta2)
    q = alpha * (1.0 - eta2)
    b = beta_local(d, alpha, q)
    if b <= 0:
        return None
    r1 = harmonic_ratio(d, alpha, 1)
    r2 = harmonic_ratio(d, alpha, 2)
    e4 = 3.0 / (d * (d + 2.0))
    p2 = 2.0 * (d - 1.0) / (d * d * (d + 2.0))
    c1 = r1 * r1 / 2.0 + r1 * r2 * (1.0 - r1)
    inner = p2 * (c1 + b / 2.0) ** 2 / (2.0 * (r2 * (2.0 - r2) + b)) - e4 * (
        r1**3 / 3.0 - r1**4 / 4.0 + b / 12.0
    )
    return float(2.0 * d**3 * inner)


def _vmf_beta_refined(d: int, alpha: float, eta2: float) -> tuple[float, float]:
    """beta* over the vMF family: :func:`beta_threshold_vmf` on its grid, refined by a 1-D maximisation."""
    coarse = beta_threshold_vmf(d, alpha, eta2)
    q = alpha * (1.0 - eta2)

    def neg(logk):
        k = float(np.exp(logk))
        num = q * mean_resultant_length(d, k) ** 2 - (phi_vmf(d, k, alpha) - phi_vmf(d, 0.0, alpha))
        return -num / kl_vmf_uniform(d, k)

    k0 = np.log(coarse.kappa_star)
    res = optimize.minimize_scalar(neg, bounds=(k0 - 0.06, k0 + 0.06), method="bounded")
    val, kap = -float(res.fun), float(np.exp(res.x))
    if val > coarse.beta_star:
        return val, kap
    return float(coarse.beta_star), float(coarse.kappa_star)


class _DensityFamily:
    """``f ∝ exp(B c)`` on sigma's quadrature nodes (``B`` the Legendre polynomials of degree 1..K)."""

    def __init__(self, grid: RingGrid, degree: int, q: float):
        self.grid, self.q = grid, q
        self.B = np.polynomial.legendre.legvander(grid.t, degree)[:, 1:]

    def parts(self, c):
        s = self.B @ c
        lp = self.grid.logw + s
        lz = np.logaddexp.reduce(lp)
        p = np.exp(lp - lz)
        kl = float(p @ s - lz)
        phi, g = self.grid.phi_grad(p)
        m = float(p @ self.grid.t)
        num = self.q * m * m - (phi - self.grid.phi_sigma)
        return p, s, kl, num, g, m

    def neg_ratio(self, c):
        p, s, kl, num, g, m = self.parts(c)
        kl = max(kl, 1e-300)
        val = num / kl
        dn = 2.0 * self.q * m * self.grid.t - g
        dnum = self.B.T @ (p * (dn - p @ dn))
        dkl = self.B.T @ (p * (s - p @ s))
        return -val, -(dnum - val * dkl) / kl

    def at_mean(self, r: float):
        """``c[1:] -> -ratio``, ``c[0]`` (the coefficient of ``P_1 = t``: a tilt) solved for ``E t = r``."""
        state = {"lam": 0.0}
        grid, b1 = self.grid, self.B[:, 1:]

        def f(cr):
            z = grid.logw + b1 @ cr
            p, state["lam"] = grid.tilt(z, r, state["lam"])
            c = np.concatenate([[state["lam"]], cr])
            s = self.B @ c
            lz = -float(np.logaddexp.reduce(grid.logw + s))
            kl = max(float(p @ s + lz), 1e-300)
            phi, g = grid.phi_grad(p)
            val = (self.q * r * r - (phi - grid.phi_sigma)) / kl
            dp = (-g - val * (s + lz)) / kl
            h = grid.reduced(dp, p, r)
            return -val, -(b1.T @ (p * (h - p @ h)))

        return f, state


@dataclass(frozen=True, eq=False)
class ZonalBetaThreshold(ResultMixin):
    """The regularised route's threshold over zonal densities (result of :func:`beta_threshold`).

    Attributes
    ----------
    d : int
    alpha, eta2 : float
    q : float
        :math:`\\alpha(1-\\eta^2)`.
    beta_star : float
        ``max(0, beta_loc, beta_vmf, beta_density)``: a lower bound on the supremum over zonal densities
        (see :attr:`bound`).
    attained_by : str
        ``"zero"`` (no measure found with a positive ratio), ``"local limit"`` (``beta_loc``, as KL -> 0),
        ``"vMF"`` or ``"density"`` (the density reported beats the others by a relative ``1e-6``).
    beta_density : float
        The ratio of the density reported (quadrature-exact). Where no density found has a positive
        ratio (``beta_star`` from 0 or the local limit), the supremum over densities is not attained (it
        is approached as KL -> 0 or KL -> inf) and the density reported is where the search stopped: its
        ratio and shape then depend on the starts (between variants of the search its ratio moved by up
        to 350% relative), while ``beta_star`` and ``attained_by`` do not.
    beta_vmf : float
        The supremum over the vMF family (:func:`theory.regularized.beta_threshold_vmf`, refined).
    kappa_vmf : float
        Where it is attained.
    beta_loc : float
        ``2 q / d - A_d(alpha)(2 - A_d(alpha))``, unclipped: the KL -> 0 limit along the first harmonic.
    landau_b4 : float or None
        :func:`beta_landau_coefficient`.
    coefficients : ndarray, shape (K,)
        The density reported: :math:`\\log f = \\sum_k c_k P_k(t) + \\text{const}` (Legendre ``P_1..P_K``).
    mean_norm, kl, phi_gap : float
        Its ``||m||``, ``KL(mu || sigma)`` and ``Phi(mu) - Phi(sigma)``.
    quadrature_check : float
        ``|ratio on the rule - ratio on a rule twice as fine|`` for the density reported.
    bound : str
        What :attr:`beta_star` is: a lower bound found by search.
    """

    d: int
    alpha: float
    eta2: float
    q: float
    beta_star: float
    attained_by: str
    beta_density: float
    beta_vmf: float
    kappa_vmf: float
    beta_loc: float
    landau_b4: float | None
    coefficients: np.ndarray
    mean_norm: float
    kl: float
    phi_gap: float
    quadrature_check: float
    bound: str = BETA_BOUND_TEXT


def _ratio_on(d, alpha, q, c, n_panels, per_panel) -> float:
    fam = _DensityFamily(RingGrid(d, alpha, n_panels, per_panel), c.size, q)
    return -fam.neg_ratio(c)[0]


def beta_threshold(
    d: int,
    alpha: float,
    eta2: float,
    degree: int = 16,
    n_panels: int = 64,
    per_panel: int = 8,
    ring_latitudes=(),
    mean_norms=None,
) -> ZonalBetaThreshold:
    """Smallest ``beta`` for which sigma minimises J~ over zonal densities, as found by search.

    .. math::
        \\beta^*_{\\rm zonal} = \\max\\Big(0, \\sup_{\\mu \\text{ zonal}, \\mathrm{KL}<\\infty}
        \\frac{q\\lVert m(\\mu)\\rVert^2 - [\\Phi(\\mu) - \\Phi(\\sigma)]}
        {\\mathrm{KL}(\\mu\\Vert\\sigma)}\\Big)
        \\;\\ge\\; \\beta^*_{\\rm vMF}.

    The ratio is maximised (L-BFGS) over :math:`\\log f = \\sum_{k=1}^{K} c_k P_k(t)` from vMF starts
    (``c_1 = kappa`` around the vMF optimum) and ring-shaped starts (a Gaussian bump in ``t`` at each
    of ``ring_latitudes`` and at 0.3, 0.6, 0.9, widths 0.05 and 0.15), on sigma's quadrature rule.

    Parameters
    ----------
    d : int
        ``d >= 2``.
    alpha : float
        ``0 < alpha <= 300``.
    eta2 : float
        :math:`\\eta^2 \\in [0, 1]`.
    degree : int
        ``K``, the degree of the log-density.
    n_panels, per_panel : int
        sigma's quadrature rule in ``theta``.
    ring_latitudes : sequence of float
        Extra ring-shaped starts (e.g. the rings of :func:`threshold`).

    Returns
    -------
    ZonalBetaThreshold
    """
    d, alpha, n_panels, per_panel = _check_grid_args(d, alpha, n_panels, per_panel)
    eta2 = check_eta2(eta2)
    degree = check_int(degree, "degree", low=1, high=64)
    lats = [check_real(x, "ring_latitudes", low=-1.0, high=1.0) for x in ring_latitudes]
    mean_norms = _BETA_MEAN_NORMS if mean_norms is None else _check_mean_norms(mean_norms)
    q = alpha * (1.0 - eta2)
    b_loc = beta_local(d, alpha, q)
    b_vmf, k_vmf = _vmf_beta_refined(d, alpha, eta2)
    with _blas1():
        grid = RingGrid(d, alpha, n_panels, per_panel)
        fam = _DensityFamily(grid, degree, q)
        bumps = []
        for t0 in [*lats, 0.3, 0.6, 0.9]:
            for width in (0.05, 0.15):
                bump = -0.5 * ((grid.t - t0) / width) ** 2
                bumps.append(np.linalg.lstsq(fam.B, bump - bump.mean(), rcond=None)[0][1:])
        prof = np.full(mean_norms.size, -np.inf)
        coef: list = [None] * mean_norms.size

        def run(i, cr0):
            f, state = fam.at_mean(mean_norms[i])
            res = optimize.minimize(f, cr0, jac=True, method="L-BFGS-B", options=_OPTS)
            val, _ = f(res.x)
            if np.all(np.isfinite(res.x)) and -val > prof[i]:
                prof[i], coef[i] = -val, np.concatenate([[state["lam"]], res.x])

        for i in range(mean_norms.size):
            run(i, np.zeros(degree - 1))  # the vMF law with this mean
            for cr0 in bumps:
                run(i, cr0)
            if i > 0:
                run(i, coef[i - 1][1:])
        for i in range(mean_norms.size - 2, -1, -1):
            run(i, coef[i + 1][1:])
        best = (-np.inf, None)
        for i in np.argsort(prof)[::-1][:2]:
            cands = [coef[i]]
            # a ratio <= 0 is not polished: its numerator is bounded (|Phi| <= alpha), so its supremum 0 is
            # approached only as KL -> inf, where the rule stops resolving the density; beta* takes 0 anyway
            if prof[i] > 0:
                res = optimize.minimize(fam.neg_ratio, coef[i], jac=True, method="L-BFGS-B", options=_POLISH)
                cands.insert(0, res.x)
            for c in cands:
                _, _, kl, num, _, m = fam.parts(c)
                val = num / kl if kl > _KL_MIN else -np.inf  # KL -> 0 is the local limit, analytic
                if np.all(np.isfinite(c)) and val > best[0]:
                    best = (float(val), c)
        c = best[1]
        _, _, kl, num, _, m = fam.parts(c)
        check = abs(best[0] - _ratio_on(d, alpha, q, c, 2 * n_panels, per_panel))
    beta_star = max(0.0, b_loc, b_vmf, best[0])
    if best[0] > max(0.0, b_loc, b_vmf) * (1.0 + _WIN_RTOL) and best[0] > 0:
        by = "density"
    elif b_vmf > max(0.0, b_loc) * (1.0 + _WIN_RTOL) and b_vmf > 0:
        by = "vMF"
    elif b_loc > 0:
        by = "local limit"
    else:
        by = "zero"
    return ZonalBetaThreshold(
        d=d,
        alpha=alpha,
        eta2=eta2,
        q=q,
        beta_star=float(beta_star),
        attained_by=by,
        beta_density=best[0],
        beta_vmf=b_vmf,
        kappa_vmf=k_vmf,
        beta_loc=b_loc,
        landau_b4=beta_landau_coefficient(d, alpha, eta2),
        coefficients=c,
        mean_norm=abs(m),
        kl=kl,
        phi_gap=float(q * m * m - num),
        quadrature_check=float(check),
    )
