"""The Riemannian verbs of the sphere: project, tangent (proju), retract."""

from __future__ import annotations

import torch
from torch import Tensor

from simulate.sphere._checks import _check_tensor, check_points

# --------------------------------------------------------------------------------------------------
# verbs
# --------------------------------------------------------------------------------------------------


def project(x: Tensor) -> Tensor:
    """Map rows to the sphere: :math:`x \\mapsto x / \\lVert x \\rVert`.

    Parameters
    ----------
    x : Tensor, shape (N, d)
        Non-zero rows.

    Returns
    -------
    Tensor, shape (N, d)
    """
    x = _check_tensor(x, "x")
    norms = torch.linalg.vector_norm(x, dim=1, keepdim=True)
    if bool((norms == 0).any()):
        rows = torch.nonzero(norms.flatten() == 0).flatten()[:10].tolist()
        raise ValueError(f"x has zero row(s) (rows {rows}); a zero vector has no direction")
    return x / norms


def tangent(x: Tensor, g: Tensor) -> Tensor:
    """Project ``g`` onto the tangent spaces at the points ``x`` (row by row).

    .. math::
        \\operatorname{proj}_{x}(g) = g - \\langle g, x\\rangle\\, x
        \\qquad (\\lVert x\\rVert = 1),

    the Riemannian gradient of the sphere when ``g`` is a Euclidean gradient.

    Parameters
    ----------
    x : Tensor, shape (N, d)
        Points of the sphere (:func:`simulate.sphere.check_points`: a point off the sphere is refused, the
        formula being the projection only at unit ``x``).
    g : Tensor, shape (N, d)
        Finite vectors (e.g. Euclidean gradients) on ``x``'s device.

    Returns
    -------
    Tensor, shape (N, d)
    """
    x, g = _point_and_vector(x, g, "g")
    return g - (g * x).sum(dim=1, keepdim=True) * x


def retract(x: Tensor, v: Tensor) -> Tensor:
    """The projection retraction of the step ``v``'s tangent part.

    .. math::
        R_x(v) = \\frac{x + \\operatorname{proj}_x v}{\\lVert x + \\operatorname{proj}_x v\\rVert},
        \\qquad \\lVert x + \\operatorname{proj}_x v\\rVert^2
        = 1 + \\lVert \\operatorname{proj}_x v\\rVert^2 \\ge 1,

    so the result is a point of the sphere for every finite ``v`` (for a tangent ``v``, the usual
    :math:`(x + v)/\\lVert x + v\\rVert`; the normal part of ``v``, e.g. ``v = -x``, moves nothing).

    Parameters
    ----------
    x : Tensor, shape (N, d)
        Points of the sphere.
    v : Tensor, shape (N, d)
        Finite steps (tangent, or projected here).

    Returns
    -------
    Tensor, shape (N, d)
    """
    x, v = _point_and_vector(x, v, "v")
    y = x + (v - (v * x).sum(dim=1, keepdim=True) * x)
    return y / torch.linalg.vector_norm(y, dim=1, keepdim=True)


def _point_and_vector(x, v, name: str) -> tuple[Tensor, Tensor]:
    """``x`` checked as points of the sphere, ``v`` as finite vectors of the same shape and device."""
    x = check_points(x, "x")
    v = _check_tensor(v, name)
    if v.shape != x.shape:
        raise ValueError(f"{name} must have the shape of x {tuple(x.shape)}; got {tuple(v.shape)}")
    if v.device != x.device:
        raise ValueError(f"{name} is on {v.device} and x on {x.device}; put them on one device")
    return x, v
