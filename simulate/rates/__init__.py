"""The rate studies of Sec. 6: R-d (a fixed-k projection is O(1/d) from the Gaussian) and R-N (O(N^-1/2)).

Every point of a study is independent (a dimension or a particle count, and a seed) and runs through
:func:`simulate.sweep.run_sweep`; the summaries fit power laws :math:`y = C x^{s}` by least squares in
log-log with percentile-bootstrap confidence intervals over the seeds (:func:`fit_power_law`) and hold
each slope against its reference.

R-d
    :math:`\\sqrt d\\,(U_1..U_k)` against :math:`N(0, I_k)`: theory's exact TV
    (:func:`theory.sphere.projection_tv`, :math:`\\approx c_k/d`) beside two Monte Carlo estimates:
    the unbiased TV estimator :func:`theory.sphere.mc_projection_tv` on i.i.d. uniform samples (it uses
    the exact density ratio, so it is valid only for samples of the uniform law; its standard error is
    proportional to the TV itself, so it has no floor in d), and the Kolmogorov-Smirnov distance of the
    pooled coordinates :math:`\\sqrt d\\, x_{ij}` of Phi-minimising particles (and of i.i.d. particles of
    the same size) to :math:`N(0,1)`, whose floor is the KS of a sample of that size,
    :math:`\\approx 0.8687/\\sqrt n` (Kolmogorov's law: :math:`E \\sup|F_n - F| \\to \\sqrt{\\pi/2}\\log 2`).

R-N, four readings of "the empirical minimiser approaches the population one at rate O(N^-1/2)"
    (i) :math:`\\Phi(\\mu_N^*) - \\Phi(\\sigma)` for the minimiser over N atoms (self-pairs included);
    (ii) the MMD between N particles and :math:`\\sigma` with the kernel :math:`e^{\\alpha u^\\top v}`:
    since :math:`\\mathbb E_{v\\sim\\sigma} e^{\\alpha u^\\top v} = e^{\\Phi(\\sigma)}` for every ``u``,
    :math:`\\mathrm{MMD}^2 = \\frac1{N^2}\\sum_{ij} e^{\\alpha x_i^\\top x_j} - e^{\\Phi(\\sigma)}`;
    (iii) the spherical sliced W2 to :math:`\\sigma` (POT ``sliced_wasserstein_sphere_unif``), beside
    its floor :math:`1/(\\sqrt{12} N)`: every projection of N equal atoms to a circle is N atoms, whose W2
    to the uniform circle law (circumference 1) is at least that of the equispaced set;
    (iv) the batch-N InfoNCE :math:`L_N - \\log N` for pairs :math:`v | u \\sim \\mathrm{vMF}(u,
    \\kappa_{pair})` against its population limit (Wang & Isola; :func:`theory.uniformity.
    population_loss_vmf_coupling`): bias and spread. i.i.d. uniform samples of the same N are the
    reference line of each; Phi-minimising particles are measured beside them.

Layout (private parts behind this ``__init__``, which re-exports every public name):

- ``_config``: :data:`RD_DEFAULTS`, :data:`RN_DEFAULTS`, :data:`QUICK`, :func:`check_config`,
  :func:`study_config`;
- ``_fit``: :class:`PowerLawFit`, :func:`fit_power_law`;
- ``_minimize``: :class:`MinimizeResult`, :func:`minimize_phi_particles`;
- ``_points``: :func:`rn_point`, :func:`rd_point`, :func:`sw_floor`, :data:`KS_FLOOR`;
- ``_study``: :func:`rn_points`, :func:`rd_points`, the summaries, :func:`classify_slope`,
  :class:`RateStudy`, :func:`rates_study`;
- ``_plot``: :func:`plot_rates`.
"""

from __future__ import annotations

from simulate.rates._config import QUICK, RD_DEFAULTS, RN_DEFAULTS, check_config, study_config
from simulate.rates._fit import PowerLawFit, fit_power_law
from simulate.rates._minimize import MinimizeResult, minimize_phi_particles
from simulate.rates._minimize import _torch_dtype as _torch_dtype
from simulate.rates._plot import plot_rates
from simulate.rates._points import KS_FLOOR, rd_point, rn_point, sw_floor
from simulate.rates._study import (
    SLOPE_MARGIN,
    RateStudy,
    classify_slope,
    rates_study,
    rd_points,
    rn_points,
    slope_verdict,
    summarize_rd,
    summarize_rn,
)

__all__ = [
    "KS_FLOOR",
    "QUICK",
    "RD_DEFAULTS",
    "RN_DEFAULTS",
    "SLOPE_MARGIN",
    "MinimizeResult",
    "PowerLawFit",
    "RateStudy",
    "check_config",
    "classify_slope",
    "fit_power_law",
    "minimize_phi_particles",
    "plot_rates",
    "rates_study",
    "rd_point",
    "rd_points",
    "rn_point",
    "rn_points",
    "slope_verdict",
    "study_config",
    "summarize_rd",
    "summarize_rn",
    "sw_floor",
]
