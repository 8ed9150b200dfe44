"""The Riemannian verbs of the sphere: project, tangent (proju), retract."""

from __future__ import annotations

import torch
from torch import Tensor

from simulate.sphere._checks import _check_tensor

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
        Points of the sphere.
    g : Tensor, shape (N, d)
        Vectors (e.g. Euclidean gradients).

    Returns
    -------
    Tensor, shape (N, d)
    """
    if g.shape != x.shape:
        raise ValueError(f"g must have the shape of x {tuple(x.shape)}; got {tuple(g.shape)}")
    return g - (g * x).sum(dim=1, keepdim=True) * x


def retract(x: Tensor, v: Tensor) -> Tensor:
    """The projection retraction :math:`R_x(v) = (x + v)/\\lVert x + v\\rVert`.

    Parameters
    ----------
    x : Tensor, shape (N, d)
        Points of the sphere.
    v : Tensor, shape (N, d)
        Tangent steps.

    Returns
    -------
    Tensor, shape (N, d)
    """
    if v.shape != x.shape:
        raise ValueError(f"v must have the shape of x {tuple(x.shape)}; got {tuple(v.shape)}")
    y = x + v
    return y / torch.linalg.vector_norm(y, dim=1, keepdim=True)
