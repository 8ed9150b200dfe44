"""Axially symmetric (zonal) measures on :math:`S^{d-1}`: exact Phi, ``||m||``, KL and J_q, and the true
thresholds ``q_c`` (App. D) and ``beta*`` (Theorem 1) beyond the von Mises-Fisher family.

A measure symmetric about an axis ``w`` is described by the law :math:`\\rho` of the latitude
``t = u.w`` on ``[-1, 1]``: given ``t``, ``u`` is uniform on the ring
:math:`\\{u : u^\\top w = t\\}` (an :math:`S^{d-2}` of radius :math:`\\sqrt{1-t^2}`). Mixtures of rings
(:math:`\\rho` discrete) and densities :math:`\\rho(dt) \\propto f(t)(1-t^2)^{(d-3)/2}dt` (``f`` the
density with respect to sigma's law of ``t``) cover the family (:class:`ZonalMeasure`).

**The ring formula.** Write :math:`u = s\\,w + \\sqrt{1-s^2}\\,\\xi` and :math:`v = t\\,w + \\sqrt{1-t^2}\\,
\\eta` with :math:`\\xi, \\eta` unit vectors of :math:`w^\\perp \\cong \\mathbb R^{d-1}`, :math:`\\eta`
uniform. Then :math:`u^\\top v = st + \\sqrt{(1-s^2)(1-t^2)}\\,c`, :math:`c = \\xi^\\top\\eta`, and ``c`` has
the law of one coordinate of a uniform point of :math:`S^{d-2}`, density :math:`\\propto (1-c^2)^{(d-4)/2}`
on ``[-1, 1]``, whose moment generating function is the closed form of Phi(sigma) (claim T1) one
dimension down:

.. math::
    \\mathbb E\\, e^{bc}
    = \\frac{\\int_{-1}^1 e^{bc}(1-c^2)^{\\nu - 1/2}dc}{\\int_{-1}^1 (1-c^2)^{\\nu-1/2}dc}
    = \\Gamma(\\nu+1)\\Big(\\frac 2b\\Big)^{\\nu} I_\\nu(b) =: G_d(b), \\qquad \\nu = \\frac{d-3}{2}

(DLMF 10.32.2). Hence, for ``u`` on the ring at latitude ``s`` and ``v`` uniform on the ring at ``t``,

.. math::
    K_d(s, t) := \\mathbb E\\, e^{\\alpha u^\\top v}
    = e^{\\alpha s t}\\, G_d\\big(\\alpha\\sqrt{(1-s^2)(1-t^2)}\\big),

the same for every ``u`` of its ring. ``d = 3``: :math:`\\nu = 0`, ``c = cos`` of a uniform angle,
:math:`G_3 = I_0` (the circle). ``d = 2``: :math:`S^0 = \\{\\pm 1\\}`, a "ring" is the pair of points at
angle ``arccos t`` on either side of ``w`` and :math:`G_2(b) = \\cosh b`, which is the formula at
:math:`\\nu = -1/2` (:math:`I_{-1/2}(b) = \\sqrt{2/(\\pi b)}\\cosh b`); it is handled exactly
(:func:`log_g`). All values are computed in log space (:func:`theory.special.log_iv_normalized`).

**Phi, m, KL.** Averaging over ``v`` ring by ring,

.. math::
    \\Phi(\\mu) = \\int\\rho(ds)\\,\\log\\int\\rho(dt)\\,K_d(s, t), \\qquad
    m(\\mu) = \\Big(\\int t\\,\\rho(dt)\\Big) w, \\qquad
    \\mathrm{KL}(\\mu\\Vert\\sigma) = \\mathrm{KL}(\\rho\\Vert\\rho_\\sigma),

(the conditional laws on the rings are the same uniform ones), exact finite sums of Bessel terms for ring
mixtures and quadrature-exact for densities (Gauss-Legendre in ``theta = arccos t``, where sigma's
weight :math:`\\sin^{d-2}\\theta` is smooth).

**Near sigma.** With :math:`\\mu = \\sigma(1 + h)` and the Funk-Hecke eigenvalue ratios
:math:`r_l = I_{l+d/2-1}(\\alpha)/I_{d/2-1}(\\alpha)` of the kernel on degree-``l`` harmonics
(:func:`harmonic_ratio`; :math:`r_1 = A_d(\\alpha)`),
:math:`\\Phi(\\mu) - \\Phi(\\sigma) = \\int (1+h)\\log(1 + Th)\\,d\\sigma`, ``T`` the normalised kernel
operator, and to second order :math:`\\sum_l \\lVert h_l\\rVert^2 r_l(2-r_l)/2` while
:math:`\\lVert m\\rVert^2 = \\lVert h_1\\rVert^2/d`. Since :math:`0 < r_l < 1`, every measure near
sigma (zonal or not) has ratio :math:`\\ge d\\,r_1(2-r_1)/2 = q_c^{\\rm loc}`, with equality along the
first harmonic: the ratio's limit as ``||m|| -> 0`` is :math:`q_c^{\\rm loc}`, which is therefore used
analytically rather than by dividing tiny numbers. At fourth order only the zonal :math:`P_2 = t^2 - 1/d`
couples to :math:`h_1 = d\\,r\\,t`; minimising over its amplitude gives
:math:`q_c^{\\rm loc} + c_4 r^2 + O(r^4)` (:func:`landau_coefficient`): ``c4 < 0`` means a first-order
transition over zonal laws (and over all laws). The same expansion with
:math:`\\mathrm{KL} = \\int h^2/2 - h^3/6 + h^4/12` gives the KL -> 0 limit of the ``beta*`` ratio,
:math:`\\max(0, 2q/d - r_1(2-r_1))`, and its coefficient :func:`beta_landau_coefficient`.

**Near alpha = 0: one ring.** For the ring at latitude ``t0``,
:math:`\\Phi(\\mathrm{ring}) - \\Phi(\\sigma)
= \\alpha t_0^2 + \\psi_{d-1}(\\alpha(1-t_0^2)) - \\psi_d(\\alpha)`
with :math:`\\psi_n(x) = x^2/(2n) + O(x^4)`, so its ratio is
:math:`\\alpha - \\alpha^2\\frac{2 - t_0^2}{2(d-1)} + \\frac{\\alpha^2}{2d(d-1)t_0^2} + O(\\alpha^4)`,
least at
:math:`t_0 = d^{-1/4}`, where it is below :math:`q_c^{\\rm loc} = \\alpha - \\alpha^2/(2d) + O(\\alpha^3)` by
:math:`\\alpha^2(\\sqrt d - 1)^2/(2d(d-1))`: at small ``alpha`` a ring beats sigma's local threshold in
every dimension, while sigma is still locally stable.

**What the searches certify.** Every ratio reported is the exact value of an actual measure (ring
mixtures exactly, densities to quadrature accuracy), so a minimum found of
:math:`(\\Phi - \\Phi(\\sigma))/\\lVert m\\rVert^2` is an *upper bound* on :math:`q_c^{\\rm zonal}` and a
maximum found of the ``beta*`` ratio a *lower bound* on :math:`\\beta^*_{\\rm zonal}`: a measure that
beats the vMF value is a proof that the vMF family does not hold the extremum; the converse is
evidence only (the profile, the stationarity gap of the measure found). Phi is not convex in ``mu``, so
averaging over the rotations that fix ``w`` does not show that zonal laws suffice either.

Parts (private): ``_kernel`` (ring formula, harmonic ratios, quadrature), ``_measure``
(:class:`ZonalMeasure`), ``_problem`` (evaluators on a latitude grid), ``_search`` (J_q, profiles),
``_threshold`` (:func:`threshold`), ``_beta`` (:func:`beta_threshold`).
"""

from __future__ import annotations

from theory.zonal._beta import ZonalBetaThreshold, beta_landau_coefficient, beta_threshold
from theory.zonal._kernel import harmonic_ratio, log_g, log_ring_kernel
from theory.zonal._measure import ZonalMeasure
from theory.zonal._search import JqMinimum, PhiProfile, minimize_jq, phi_profile
from theory.zonal._threshold import (
    DEFAULT_MEAN_NORMS,
    ZonalThreshold,
    describe_rings,
    landau_coefficient,
    threshold,
)

__all__ = [
    "DEFAULT_MEAN_NORMS",
    "JqMinimum",
    "PhiProfile",
    "ZonalBetaThreshold",
    "ZonalMeasure",
    "ZonalThreshold",
    "beta_landau_coefficient",
    "beta_threshold",
    "describe_rings",
    "harmonic_ratio",
    "landau_coefficient",
    "log_g",
    "log_ring_kernel",
    "minimize_jq",
    "phi_profile",
    "threshold",
]
