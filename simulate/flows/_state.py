"""The state of a particle flow and what every step shares (first variation, checks)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import torch
from torch import Tensor

from simulate.energies import Energy
from simulate.sphere import check_points, tangent


@dataclass(frozen=True)
class FlowState:
    """The state of a particle flow after ``step`` steps.

    Attributes
    ----------
    points : Tensor, shape (N, d)
        The particles (points of the sphere, or of :math:`\\mathbb R^d` for a Euclidean flow).
    step : int
        Number of steps taken.
    opt : dict of str to Tensor
        Optimiser state (Adam's moments; empty for plain flows).
    rng : Tensor or None
        State of the flow's :class:`torch.Generator` (``Generator.get_state()``; Langevin only).
    objective : float
        Energy at the points the last step started from (``nan`` before the first step).
    grad_norm : float
        Root mean square over particles of the (Riemannian, first-variation) gradient at those points:
        :math:`(\\frac1N\\sum_i \\lVert N\\,\\mathrm{proj}_{x_i}\\nabla_{x_i}E\\rVert^2)^{1/2}`.
    """

    points: Tensor
    step: int = 0
    opt: dict = field(default_factory=dict)
    rng: Tensor | None = None
    objective: float = math.nan
    grad_norm: float = math.nan


def _manifold(manifold: str) -> str:
    if manifold not in ("sphere", "euclidean"):
        raise ValueError(f"manifold must be 'sphere' or 'euclidean'; got {manifold!r}")
    return manifold


def _as_energy(energy) -> Energy:
    if isinstance(energy, Energy):
        return energy
    if callable(energy):
        return Energy(energy)
    raise TypeError(f"energy must be a simulate.energies.Energy or a callable; got {type(energy).__name__}")


def _first_variation(energy: Energy, x: Tensor, manifold: str) -> tuple[float, Tensor, float]:
    """Energy value, per-particle (Riemannian on the sphere) first-variation gradient, and its RMS."""
    value, g = energy.value_and_grad(x)
    g = g * x.shape[0]
    if manifold == "sphere":
        g = tangent(x, g)
    gn = float(torch.sqrt((g * g).sum(dim=1).mean()))
    return float(value), g, gn


def _check_x0(x0, manifold: str) -> Tensor:
    if manifold == "sphere":
        return check_points(x0, "x0").detach().clone()
    if not isinstance(x0, Tensor) or not x0.is_floating_point() or x0.ndim != 2:
        raise TypeError("x0 must be a floating tensor of shape (N, d)")
    if not bool(torch.isfinite(x0).all()):
        raise ValueError("x0 has NaN or inf values")
    return x0.detach().clone()
