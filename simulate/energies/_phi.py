"""Phi of a weighted empirical measure and its gradient (:func:`phi_and_grad`), and Phi as an autograd
node (:func:`phi`)."""

from __future__ import annotations

import torch
from torch import Tensor

from simulate.energies._common import (
    PhiAndGrad,
    _check_alpha_for,
    _check_block,
    _check_method,
    _check_weights,
    _resolve,
    _threads_for,
)
from simulate.energies._kernels import (
    _flash_grad,
    _flash_lse,
    _row_grad,
    _row_lse,
    _sym_grad,
    _sym_rowsums,
    _weights_or_uniform,
)
from simulate.sphere import check_points

# --------------------------------------------------------------------------------------------------
# public: Phi and its gradient
# --------------------------------------------------------------------------------------------------


def _prepare(points, alpha, weights, block_size, method, name="points"):
    x = check_points(points, name)
    alpha = _check_alpha_for(alpha, x)
    w = _check_weights(weights, x)
    B = _check_block(block_size, x.shape[0])
    method = _resolve(_check_method(method), x)
    return x, alpha, w, B, method


def _forward(x: Tensor, alpha: float, w: Tensor | None, B: int, method: str):
    """Pass 1: the value and what pass 2 needs."""
    wu = _weights_or_uniform(w, x)
    if method == "symmetric":
        r = _sym_rowsums(x, alpha, wu, B)
        r = r.clamp_min(torch.finfo(x.dtype).tiny)
        L = alpha + torch.log(r)
        return (wu * L).sum(), {"w": wu, "r": r, "uniform": w is None}
    with torch.no_grad():
        logw = torch.log(wu)
    if method == "rowblock":
        L = _row_lse(x, alpha, logw, B)
        ctx = {"w": wu, "logw": logw, "L": L}
    else:
        L, PU = _flash_lse(x, alpha, logw)
        ctx = {"w": wu, "logw": logw, "L": L, "PU": PU}
    keep = wu > 0
    return (wu[keep] * L[keep]).sum(), ctx


def _backward(x: Tensor, alpha: float, B: int, method: str, ctx: dict) -> Tensor:
    if method == "symmetric":
        return _sym_grad(x, alpha, ctx["w"], ctx["r"], B, uniform=ctx["uniform"])
    w, logw, L = ctx["w"], ctx["logw"], ctx["L"]
    if method == "rowblock":
        return _row_grad(x, alpha, w, logw, L, B)
    return _flash_grad(x, alpha, w, logw, L, ctx["PU"])


def phi_and_grad(points, alpha, *, weights=None, block_size=None, method: str = "auto") -> PhiAndGrad:
    """Phi of the weighted empirical measure and its Euclidean gradient, without the N x N matrix.

    .. math::
        \\Phi = \\sum_i w_i \\log \\sum_j w_j e^{\\alpha u_i^\\top u_j}, \\qquad
        \\nabla_{u_k}\\Phi = \\alpha\\Big(w_k \\sum_j P_{kj} u_j + \\sum_i w_i P_{ik} u_i\\Big),
        \\quad P_{ij} = w_j e^{\\alpha u_i^\\top u_j - L_i},

    self-pairs included (the definition of Sec. 2 applied to a discrete measure; equal to
    :func:`theory.uniformity.phi`). Two streaming passes over blocks of ``block_size`` rows (a
    log-sum-exp pass, then a gradient pass using :math:`P_{ij}` and :math:`P_{ji}`); memory
    :math:`O(N(d + B))`. See the module docstring for the three kernels. No autograd graph is built.

    Parameters
    ----------
    points : Tensor, shape (N, d)
        Points of the sphere (float32 or float64, any device; :func:`simulate.sphere.check_points`).
    alpha : float
        Inverse temperature ``alpha = 1/tau >= 0``.
    weights : Tensor or array_like, shape (N,), optional
        Non-negative weights with positive sum (normalised); default ``1/N``. Zero-weight points get a
        zero gradient.
    block_size : int, optional
        Rows per block (default 1024, capped at ``N``).
    method : {"auto", "symmetric", "rowblock", "flash"}
        Kernel; ``"auto"`` is ``"symmetric"``.

    Returns
    -------
    PhiAndGrad
        ``(value, grad)``: a 0-dim tensor and a tensor of shape (N, d), in the dtype of ``points``.
    """
    x, alpha, w, B, method = _prepare(points, alpha, weights, block_size, method)
    with torch.no_grad(), _threads_for(x):
        x = x.detach()
        value, ctx = _forward(x, alpha, w, B, method)
        grad = _backward(x, alpha, B, method, ctx)
    return PhiAndGrad(value, grad)


class _PhiFunction(torch.autograd.Function):
    """Phi as an autograd node: forward is pass 1, backward is pass 2 of the same streaming kernel."""

    @staticmethod
    def forward(ctx, x, alpha, w, B, method):
        with torch.no_grad(), _threads_for(x):
            value, saved = _forward(x.detach(), alpha, w, B, method)
        ctx.alpha, ctx.B, ctx.method = alpha, B, method
        ctx.saved = saved
        ctx.save_for_backward(x)
        return value

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        with torch.no_grad(), _threads_for(x):
            g = _backward(x.detach(), ctx.alpha, ctx.B, ctx.method, ctx.saved)
        return grad_output * g, None, None, None, None


def phi(points, alpha, weights=None, *, block_size=None, method: str = "auto") -> Tensor:
    """Differentiable Phi of the (weighted) empirical measure of ``points`` (a loss term for ``train``).

    .. math::
        \\Phi(\\mu) = \\sum_i w_i \\log \\sum_j w_j e^{\\alpha u_i^\\top u_j}

    The forward pass is the log-sum-exp pass of :func:`phi_and_grad`; ``backward`` runs its gradient
    pass (first-order derivatives only; the weights are treated as constants).

    Parameters
    ----------
    points : Tensor, shape (N, d)
        Points of the sphere; may require grad.
    alpha : float
    weights : Tensor, shape (N,), optional
        Constant weights (no gradient flows to them).
    block_size : int, optional
    method : str
        As in :func:`phi_and_grad`.

    Returns
    -------
    Tensor, shape ()
    """
    x, alpha, w, B, method = _prepare(points, alpha, weights, block_size, method)
    if w is not None:
        w = w.detach()
    return _PhiFunction.apply(x, alpha, w, B, method)
