"""simulate: torch Monte Carlo on spheres and particle flows over measures (``theory`` is the reference).

Public names (``from simulate import ...``):

- sampling and verbs of :math:`S^{d-1}` (:mod:`simulate.sphere`): :func:`sample_uniform`,
  :func:`sample_vmf` (Wood), :func:`sample_mixture`, :func:`project`, :func:`tangent`, :func:`retract`,
  :func:`check_points`, :func:`as_generator`;
- energies (:mod:`simulate.energies`): :func:`phi_and_grad` (streaming Phi, no N x N matrix),
  :func:`phi` (differentiable), :func:`infonce_energy`, :func:`surrogate_jq`, :func:`free_energy`,
  :class:`Energy`;
- flows (:mod:`simulate.flows`): :func:`gradient_flow`, :func:`adam_flow`, :func:`langevin_flow`,
  :func:`run`, :class:`FlowState`, :class:`Trajectory`;
- observables (:mod:`simulate.observables`): :func:`phi_gap`, :func:`mean_sq_norm`, :func:`mmd_uniform`,
  :func:`sliced_w2_uniform`, :func:`gaussianity`, :func:`default_observables`.

``simulate.rates`` and ``simulate.sweep`` are imported on first use (``simulate.rates``).
"""

from __future__ import annotations

import importlib

from simulate.energies import Energy, PhiAndGrad, free_energy, infonce_energy, phi, phi_and_grad, surrogate_jq
from simulate.flows import FlowState, Trajectory, adam_flow, gradient_flow, langevin_flow, run
from simulate.observables import (
    default_observables,
    gaussianity,
    mean_sq_norm,
    mmd_uniform,
    phi_gap,
    sliced_w2_uniform,
)
from simulate.sphere import (
    as_generator,
    check_points,
    project,
    retract,
    sample_mixture,
    sample_uniform,
    sample_vmf,
    tangent,
)

__all__ = [
    "Energy",
    "FlowState",
    "PhiAndGrad",
    "Trajectory",
    "adam_flow",
    "as_generator",
    "check_points",
    "default_observables",
    "free_energy",
    "gaussianity",
    "gradient_flow",
    "infonce_energy",
    "langevin_flow",
    "mean_sq_norm",
    "mmd_uniform",
    "phi",
    "phi_and_grad",
    "phi_gap",
    "project",
    "retract",
    "run",
    "sample_mixture",
    "sample_uniform",
    "sample_vmf",
    "sliced_w2_uniform",
    "surrogate_jq",
    "tangent",
]

_LAZY = ("rates", "sweep", "experiments", "cli")


def __getattr__(name: str):
    if name in _LAZY:
        return importlib.import_module(f"simulate.{name}")
    raise AttributeError(f"module 'simulate' has no attribute {name!r}")
