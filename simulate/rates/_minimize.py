"""Particles that minimise Phi on the sphere (L-BFGS on directions)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from theory._io import ResultMixin
from theory._validation import as_int, as_real

# --------------------------------------------------------------------------------------------------
# the particle minimiser and the readings
# --------------------------------------------------------------------------------------------------


def _torch_dtype(dtype):
    import torch

    if isinstance(dtype, torch.dtype):
        return dtype
    table = {"float64": torch.float64, "float32": torch.float32}
    if dtype not in table:
        raise ValueError(f"dtype must be 'float64' or 'float32'; got {dtype!r}")
    return table[dtype]


@dataclass(frozen=True)
class MinimizeResult(ResultMixin):
    """Particles that (approximately) minimise Phi on the sphere.

    Attributes
    ----------
    points : Tensor, shape (N, d)
        Not serialised (``to_dict`` skips it).
    phi : float
        Phi of the particles' empirical measure (self-pairs included).
    grad_rms : float
        Root mean square over particles of :math:`N \\lVert \\operatorname{grad}_i \\Phi\\rVert`
        (Riemannian), the per-particle force at the end.
    n_steps : int
    converged : bool
        ``grad_rms <= tol``.
    """

    points: Any = field(repr=False)
    phi: float
    grad_rms: float
    n_steps: int
    converged: bool

    def to_dict(self) -> dict:
        from theory._io import to_jsonable

        return {k: to_jsonable(getattr(self, k)) for k in ("phi", "grad_rms", "n_steps", "converged")}


def minimize_phi_particles(x0, alpha: float, *, tol: float = 1e-9, max_steps: int = 5000) -> MinimizeResult:
    """Minimise Phi over N particles on the sphere: L-BFGS on directions :math:`x_i = y_i/\\lVert y_i\\rVert`.

    .. math::
        \\min_{y \\in \\mathbb R^{N\\times d}}
        \\Phi\\Big(\\frac1N\\sum_i \\delta_{y_i/\\lVert y_i\\rVert}\\Big),
        \\qquad \\nabla_{y_i} = \\frac{\\nabla_{x_i}\\Phi - \\langle\\nabla_{x_i}\\Phi, x_i\\rangle x_i}
        {\\lVert y_i\\rVert},

    (scipy's L-BFGS-B; the value and the Euclidean gradient from the streaming
    :func:`simulate.energies.phi_and_grad`, so the radial invariance costs nothing). The stopping test is
    the RMS per-particle Riemannian force :math:`N\\lVert\\operatorname{grad}_i\\Phi\\rVert`, which is
    O(alpha) away from a stationary point whatever N.

    Parameters
    ----------
    x0 : Tensor, shape (N, d)
        Start (points of the sphere).
    alpha : float
    tol : float
        Target RMS per-particle force.
    max_steps : int
        L-BFGS iterations.

    Returns
    -------
    MinimizeResult
    """
    import torch
    from scipy.optimize import minimize

    from simulate.energies import phi_and_grad
    from simulate.sphere import check_points, tangent

    x0 = check_points(x0, "x0")
    alpha = as_real(alpha, "alpha", low=0.0, low_open=True)
    tol = as_real(tol, "tol", low=0.0)
    max_steps = as_int(max_steps, "max_steps", low=0)
    N, d = x0.shape
    dtype, device = x0.dtype, x0.device

    def fg(flat):
        y = torch.as_tensor(flat.reshape(N, d), dtype=dtype, device=device)
        r = torch.linalg.vector_norm(y, dim=1, keepdim=True)
        x = y / r
        val, g = phi_and_grad(x, alpha)
        gy = tangent(x, g) / r
        return float(val), gy.detach().cpu().numpy().astype(np.float64).ravel()

    res = minimize(
        fg,
        x0.detach().cpu().numpy().astype(np.float64).ravel(),
        jac=True,
        method="L-BFGS-B",
        options={
            "maxiter": max_steps,
            "maxcor": 30,
            "ftol": 0.0,
            "gtol": tol / N * 1e-3,
            "maxfun": 4 * max_steps,
        },
    )
    y = torch.as_tensor(res.x.reshape(N, d), dtype=dtype, device=device)
    x = y / torch.linalg.vector_norm(y, dim=1, keepdim=True)
    val, g = phi_and_grad(x, alpha)
    rms = float((tangent(x, g) * N).pow(2).sum().div(N).sqrt())
    return MinimizeResult(points=x, phi=float(val), grad_rms=rms, n_steps=int(res.nit), converged=rms <= tol)
