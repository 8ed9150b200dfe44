"""Particle experiments, each a command writing a JSON result with its configuration and a figure.

- ``t1``: Phi flows from clustered, vMF, antipodal and random starts approach Phi(sigma) from above (T1);
- ``c1``: N positive pairs with the alignment held at a plateau ``a`` (penalty), the marginal's Phi
  minimised, then :math:`\\sqrt d`-projections of the result against :math:`N(0, I_k)` (C1);
- ``beyond-vmf``: J_q = Phi - q ||m||^2 minimised over particle measures from uniform, vMF, ring (zonal)
  and multi-cap starts on both sides of the vMF thresholds q_c^loc, q_c^glob (App. D, row D), against
  the same-N reference (the Phi-minimising configuration) and extrapolated in N;
- ``beyond-zonal``: J_q = Phi - q ||m||^2 at q = f q_c^zonal (the published zonal map's threshold) from
  non-zonal starts (two rings on different axes, a noisy cap, uniform pushed along degree-1 and degree-2
  directions, the zonal minimiser rotated and perturbed) at several N, against the exact zonal value and
  the same-N zonal references (N points on the zonal rings; sigma's configuration), with the self-pair
  term of the discrete measure's Phi kept and the finite-N excess followed in N;
- ``langevin``: mean-field Langevin particles in R^d for the regularised free energy; the stationary law
  against :math:`N(0, (2\\lambda)^{-1} I_d)` (radius against the chi law, projections; T2/C2 route);
- ``langevin-n``: the same above the vMF beta* at growing N (is a tilt a finite-N effect?).

``python -m simulate experiment NAME [--quick] [--publish]`` runs one (:func:`run_experiment`); its
configuration is :func:`experiment_config` (sizes and parameters from :data:`PARAMS`).

Layout (private parts behind this ``__init__``, which re-exports every public name):

- ``_config``: :data:`PARAMS` (every size and parameter), :func:`experiment_config`;
- ``_starts``: :data:`STARTS`, :func:`start_points`, :func:`flow_phi`;
- ``_t1``, ``_c1``, ``_beyond``, ``_zonal``, ``_langevin``: one experiment each, with its figure;
- ``_zonal_parts``: the non-zonal starts, the L-BFGS polish of J_q, the same-N ring reference, shapes;
- ``_run``: :data:`EXPERIMENTS`, :func:`run_experiment`.
"""

from __future__ import annotations

from simulate.experiments._beyond import beyond_vmf
from simulate.experiments._c1 import c1_plateau
from simulate.experiments._config import PARAMS, experiment_config
from simulate.experiments._langevin import langevin_finite_n, langevin_route
from simulate.experiments._run import EXPERIMENTS, run_experiment
from simulate.experiments._starts import STARTS, flow_phi, start_points
from simulate.experiments._t1 import t1_starts
from simulate.experiments._zonal import beyond_zonal

__all__ = [
    "EXPERIMENTS",
    "PARAMS",
    "STARTS",
    "beyond_vmf",
    "beyond_zonal",
    "c1_plateau",
    "experiment_config",
    "flow_phi",
    "langevin_finite_n",
    "langevin_route",
    "run_experiment",
    "start_points",
    "t1_starts",
]
