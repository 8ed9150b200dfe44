"""Particle flows over measures, built as state plus step (the jax-md pattern).

A flow is a pair ``(init, step)``: ``init(x0, *, generator=None) -> FlowState`` and
``step(state) -> FlowState`` (pure: the state carries the points, the step count, the optimiser
state and the random-number state, so a run can be checkpointed and resumed bit-identically).
:func:`run` drives a flow, records a :class:`Trajectory` and stops on the Riemannian gradient norm.

Scaling. The particles :math:`x_1..x_N` carry the empirical measure :math:`\\mu_N = \\frac1N\\sum_i
\\delta_{x_i}`; the flows move particle ``i`` along the *first variation* of the energy,
:math:`N \\nabla_{x_i} E` (the Wasserstein gradient evaluated at :math:`x_i`), so that learning rates and
time steps do not depend on ``N``. On the sphere the gradient is projected to the tangent space
(:func:`simulate.sphere.tangent`) and steps are retracted by normalising (:func:`simulate.sphere.retract`).

- :func:`gradient_flow`: Riemannian gradient descent :math:`x \\leftarrow R_x(-\\eta\\, \\mathrm{grad}_i)`;
- :func:`adam_flow`: Riemannian Adam (Becigneul & Ganea 2019: one second-moment scalar per particle,
  momentum transported by projection);
- :func:`langevin_flow`: mean-field Langevin (Euler-Maruyama) at temperature ``beta``,
  :math:`dx_i = -N\\nabla_{x_i}E\\,dt + \\sqrt{2\\beta}\\,dW_i`, in :math:`\\mathbb R^d` or on the sphere
  (tangent noise, then retraction), whose stationary law minimises :math:`E - \\beta H`.

Layout (private parts behind this ``__init__``, which re-exports every public name):

- ``_state``: :class:`FlowState` and the first variation;
- ``_steps``: :func:`gradient_flow`, :func:`adam_flow`, :func:`langevin_flow`;
- ``_trajectory``: :class:`Trajectory`, checkpoints;
- ``_run``: :func:`run`.
"""

from __future__ import annotations

from simulate.flows._run import run
from simulate.flows._state import FlowState
from simulate.flows._steps import adam_flow, gradient_flow, langevin_flow
from simulate.flows._trajectory import Trajectory

__all__ = ["FlowState", "Trajectory", "adam_flow", "gradient_flow", "langevin_flow", "run"]
