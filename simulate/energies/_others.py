"""The other energies: batch InfoNCE, the App. D surrogate J_q, the regularised free energy."""

from __future__ import annotations

import torch
from torch import Tensor

from simulate.energies._common import _check_alpha
from simulate.energies._phi import phi
from simulate.sphere import check_points
from theory._validation import check_real

# --------------------------------------------------------------------------------------------------
# other energies
# --------------------------------------------------------------------------------------------------


def _check_same(u: Tensor, v: Tensor):
    if u.shape != v.shape:
        raise ValueError(
            f"u and v must have the same shape (N, d); got {tuple(u.shape)} and {tuple(v.shape)}"
        )


def infonce_energy(u, v, alpha) -> Tensor:
    """Batch InfoNCE loss of Eq. 2 (one direction, the positive inside the denominator).

    .. math::
        \\hat{\\mathcal L}_N = -\\frac1N \\sum_i \\log
        \\frac{e^{\\alpha u_i^\\top v_i}}{\\sum_j e^{\\alpha u_i^\\top v_j}}
        = -\\frac{\\alpha}{N} \\sum_i u_i^\\top v_i + \\frac1N \\sum_i \\log \\sum_j e^{\\alpha u_i^\\top v_j}

    (the torch twin of :func:`theory.uniformity.infonce_loss`; differentiable by autograd). Rows
    ``(u_i, v_i)`` are positive pairs.

    Parameters
    ----------
    u, v : Tensor, shape (N, d)
        Points of the sphere.
    alpha : float

    Returns
    -------
    Tensor, shape ()
    """
    u = check_points(u, "u")
    v = check_points(v, "v")
    _check_same(u, v)
    alpha = _check_alpha(alpha)
    logits = alpha * (u @ v.T)
    return (torch.logsumexp(logits, dim=1) - logits.diagonal()).mean()


def _check_q(q) -> float:
    return check_real(q, "q", low=0.0)


def surrogate_jq(points, alpha, q, *, block_size=None) -> Tensor:
    """The App. D surrogate :math:`J_q(\\mu) = \\Phi(\\mu) - q \\lVert m(\\mu) \\rVert^2` (claim D).

    .. math::
        J_q = \\Phi(\\mu_N) - q \\Big\\lVert \\frac1N \\sum_i u_i \\Big\\rVert^2,
        \\qquad q = \\alpha(1-\\eta^2).

    Differentiable (Phi through :func:`phi`).

    Parameters
    ----------
    points : Tensor, shape (N, d)
        Points of the sphere.
    alpha, q : float
        ``alpha >= 0``, ``q >= 0``.

    Returns
    -------
    Tensor, shape ()
    """
    points = check_points(points, "points")
    q = _check_q(q)
    m = points.mean(dim=0)
    return phi(points, alpha, block_size=block_size) - q * (m * m).sum()


def _check_z(z) -> Tensor:
    if not isinstance(z, Tensor) or not z.is_floating_point() or z.ndim != 2:
        raise TypeError(f"z must be a floating tensor of shape (N, d); got {type(z).__name__}")
    if not bool(torch.isfinite(z).all()):
        raise ValueError("z has NaN or inf values")
    if bool((torch.linalg.vector_norm(z, dim=1) == 0).any()):
        raise ValueError("z has zero row(s); a zero vector has no direction")
    return z


def free_energy(z, alpha, q, beta, lam, *, block_size=None) -> Tensor:
    """The regularised objective of unnormalised particles, entropy left to the Langevin noise (claim R).

    .. math::
        F(z) = \\Phi(\\mu) - q \\lVert m(\\mu) \\rVert^2 + \\beta \\lambda\\, \\frac1N \\sum_i \\lVert z_i
        \\rVert^2, \\qquad \\mu = \\frac1N \\sum_i \\delta_{z_i / \\lVert z_i \\rVert},

    so that mean-field Langevin dynamics at temperature ``beta`` (:func:`simulate.flows.langevin_flow`)
    minimises :math:`F - \\beta H(\\rho)`: the paper's :math:`J` with the alignment at its bound
    :math:`\\alpha\\eta^2 + q\\lVert m\\rVert^2` (App. D) replaced by the surrogate term.
    With ``alpha = q = 0`` the stationary law is :math:`\\mathcal N(0, (2\\lambda)^{-1} I_d)`.

    Parameters
    ----------
    z : Tensor, shape (N, d)
        Unnormalised particles (no zero rows).
    alpha, q : float
        ``>= 0``.
    beta, lam : float
        ``> 0``.

    Returns
    -------
    Tensor, shape ()
    """
    z = _check_z(z)
    q = _check_q(q)
    beta = check_real(beta, "beta", low=0.0, low_open=True)
    lam = check_real(lam, "lam", low=0.0, low_open=True)
    alpha = _check_alpha(alpha)
    u = z / torch.linalg.vector_norm(z, dim=1, keepdim=True)
    m = u.mean(dim=0)
    out = beta * lam * (z * z).sum(dim=1).mean() - q * (m * m).sum()
    if alpha > 0:
        out = out + phi(u, alpha, block_size=block_size)
    return out
