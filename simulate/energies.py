"""Energies of particle measures on the sphere, each a plain function of a ``(N, d)`` tensor.

The central one is the uniformity potential of the (weighted) empirical measure
:math:`\\mu = \\sum_i w_i \\delta_{u_i}` (Sec. 2 of the paper; T1, Lemma 2), self-pairs included,

.. math::
    \\Phi(\\mu) = \\sum_i w_i L_i, \\qquad L_i = \\log \\sum_j w_j e^{\\alpha u_i^\\top u_j},

computed without the :math:`N \\times N` matrix (:func:`phi_and_grad`, :func:`phi`). With
:math:`P_{ij} = w_j e^{\\alpha u_i^\\top u_j - L_i}` (row-stochastic) and :math:`Q = \\mathrm{diag}(w) P`,
its Euclidean gradient with respect to the points is

.. math::
    \\nabla_{u_k} \\Phi = \\alpha \\Big( w_k \\sum_j P_{kj} u_j + \\sum_i w_i P_{ik} u_i \\Big)
    = \\alpha \\big[(Q + Q^\\top) U\\big]_k ,

(the query and key halves of an attention layer; :math:`\\frac{\\alpha}{N}(PU + P^\\top U)` for equal
weights). The others (:func:`infonce_energy`, :func:`surrogate_jq`, :func:`free_energy`) add closed-form
terms to it; :class:`Energy` gives value and gradient of any of them.

Streaming kernels (memory :math:`O(N(d + B))` for row blocks of size ``B``):

``"symmetric"`` (default)
    :math:`G = UU^\\top` is symmetric, and every entry is at most its diagonal:
    :math:`\\alpha u_i^\\top u_j \\le \\alpha`. A first pass over the blocks :math:`(I, J)`, :math:`I \\le J`,
    accumulates :math:`r_i = \\sum_j w_j E_{ij}`, :math:`E = e^{\\alpha(G - 1)} \\in (0, 1]` along rows
    *and* columns (so :math:`L = \\alpha + \\log r`, a fixed shift that cannot overflow: the self-pair term
    :math:`w_i E_{ii} = w_i` keeps :math:`r_i \\ge w_i`); a second pass forms
    :math:`M_{IJ} = E_{IJ} \\odot (a_I w_J^\\top + w_I a_J^\\top)`, :math:`a = w / r`, which is the block of
    :math:`Q + Q^\\top`, and adds :math:`M_{IJ} U_J` to rows ``I`` and :math:`M_{IJ}^\\top U_I` to rows
    ``J``. Matmul work: :math:`N^2 d` (first pass) :math:`+ 3 N^2 d` (second), i.e. :math:`4 N^2 d`
    flops, two thirds of the :math:`6 N^2 d` of an unsymmetric two-pass scheme. On CPU the block pairs
    are shared out round-robin to one worker thread per intra-op thread, each running its GEMMs and
    elementwise passes on one core into a private accumulator (summed in a fixed order, so results are
    deterministic); no barrier per operation, so a machine shared with other jobs costs its share only.
``"rowblock"`` (the portable reference)
    Row blocks :math:`S_I = \\alpha U_I U^\\top + \\log w`, exact max-shifted log-sum-exp, then
    :math:`Q_I = w_I \\odot e^{S_I - L_I}`, :math:`\\nabla \\mathrel{+}= Q_I U` (rows ``I``) and
    :math:`Q_I^\\top U_I` (all rows): :math:`8 N^2 d` flops.
``"flash"``
    torch's fused CPU attention kernel (``aten._scaled_dot_product_flash_attention_for_cpu``, which
    returns the row log-sum-exp beside the output): pass 1 gives :math:`L` and :math:`PU` with queries
    :math:`[\\alpha u, 1]`, keys :math:`[u, \\log w]`; pass 2 gives :math:`P^\\top`-weighted sums with
    keys :math:`[u, \\log w - L]` (the bias in one extra coordinate), rescaled by its own log-sum-exp.
    CPU only; tested equal to the reference.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from typing import NamedTuple

import torch
from torch import Tensor

from simulate.sphere import check_points
from theory._validation import check_int, check_real

__all__ = [
    "Energy",
    "PhiAndGrad",
    "free_energy",
    "infonce_energy",
    "phi",
    "phi_and_grad",
    "surrogate_jq",
]

METHODS = ("auto", "symmetric", "rowblock", "flash")
DEFAULT_BLOCK = 1024


class PhiAndGrad(NamedTuple):
    """Value and Euclidean gradient of an energy (a named pair: ``value, grad = phi_and_grad(...)``).

    Attributes
    ----------
    value : Tensor, shape ()
        The energy.
    grad : Tensor, shape (N, d)
        Its gradient with respect to the points (Euclidean, not projected to the tangent space).
    """

    value: Tensor
    grad: Tensor


# --------------------------------------------------------------------------------------------------
# validation
# --------------------------------------------------------------------------------------------------


def _check_alpha(alpha) -> float:
    return check_real(alpha, "alpha", low=0.0)


def _check_weights(weights, x: Tensor) -> Tensor | None:
    """Normalised weights as a tensor of ``x``'s dtype and device (``None`` for equal weights)."""
    if weights is None:
        return None
    w = torch.as_tensor(weights, device=x.device)
    if not (w.is_floating_point() or w.dtype in (torch.int32, torch.int64)):
        raise TypeError(f"weights must be a real tensor of shape ({x.shape[0]},); got dtype {w.dtype}")
    w = w.to(x.dtype)
    if w.shape != (x.shape[0],):
        raise ValueError(f"weights must have shape ({x.shape[0]},) to match points; got {tuple(w.shape)}")
    if not bool(torch.isfinite(w).all()) or bool((w < 0).any()) or not float(w.sum()) > 0:
        raise ValueError("weights must be finite and non-negative with a positive sum")
    return w / w.sum()


def _check_block(block_size, N: int) -> int:
    if block_size is None:
        return min(N, DEFAULT_BLOCK)
    return min(N, check_int(block_size, "block_size", low=1))


def _check_method(method: str) -> str:
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}; got {method!r}")
    return method


SMALL_WORK = 1 << 22
"""Below ``N * N * d`` of this size the kernels run on one thread: intra-op parallelism on blocks this
small costs more than it saves, and on a loaded machine (more runnable threads than cores) its
barriers cost tens of milliseconds per call."""


@contextlib.contextmanager
def _threads_for(x: Tensor):
    """Run small CPU problems on one thread (see ``SMALL_WORK``); restore the thread count after."""
    n = torch.get_num_threads()
    if x.device.type != "cpu" or n == 1 or x.shape[0] * x.shape[0] * x.shape[1] >= SMALL_WORK:
        yield
        return
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(n)


def _flash_op():
    return getattr(torch.ops.aten, "_scaled_dot_product_flash_attention_for_cpu", None)


def _resolve(method: str, x: Tensor) -> str:
    if method == "auto":
        return "symmetric"
    if method == "flash" and (x.device.type != "cpu" or _flash_op() is None):
        raise ValueError("method 'flash' needs torch's CPU flash-attention kernel and CPU tensors")
    return method


# --------------------------------------------------------------------------------------------------
# kernels: pass 1 (log-sum-exp per row) and pass 2 (gradient), three interchangeable implementations
# --------------------------------------------------------------------------------------------------


def _weights_or_uniform(w: Tensor | None, x: Tensor) -> Tensor:
    if w is None:
        return torch.full((x.shape[0],), 1.0 / x.shape[0], dtype=x.dtype, device=x.device)
    return w


def _blocks(N: int, B: int):
    return [(s, min(s + B, N)) for s in range(0, N, B)]


class _Buffers:
    """Reusable contiguous ``(b, b')`` views of flat buffers (no allocation, no page faults per block)."""

    def __init__(self, B: int, x: Tensor, n: int):
        self.flat = [torch.empty(B * B, dtype=x.dtype, device=x.device) for _ in range(n)]

    def get(self, k: int, rows: int, cols: int) -> Tensor:
        return self.flat[k][: rows * cols].view(rows, cols)


WORKER_MEMORY = 1 << 30
"""Bytes the per-worker gradient accumulators of the symmetric kernel may take together."""


def _n_workers(x: Tensor, n_pairs: int) -> int:
    """Worker threads for the symmetric kernel: the intra-op thread count on CPU (1 on other devices, for
    small problems, or when ``WORKER_MEMORY`` would be exceeded by the per-worker accumulators)."""
    if x.device.type != "cpu":
        return 1
    N, d = x.shape
    if N * N * d < SMALL_WORK:
        return 1
    cap = max(1, WORKER_MEMORY // (N * d * x.element_size()))
    return max(1, min(torch.get_num_threads(), n_pairs, cap))


def _pairs(N: int, B: int) -> list[tuple[int, int, int, int]]:
    """Upper-triangular block pairs ``(s, e, s2, e2)``, row-major."""
    blocks = _blocks(N, B)
    return [(s, e, s2, e2) for k, (s, e) in enumerate(blocks) for s2, e2 in blocks[k:]]


def _over_pairs(pairs, n_workers: int, make_acc, body, x: Tensor, B: int, n_buffers: int):
    """Accumulate ``body(acc, buffers, pair)`` over ``pairs``; deterministic.

    With ``n_workers > 1`` (CPU), worker ``k`` takes ``pairs[k::n_workers]`` in order on one intra-op
    thread, into its own accumulator; the accumulators are summed in worker order. Each worker runs its
    GEMMs and elementwise passes without barriers, so a loaded machine (more runnable threads than
    cores) slows it down by its share only, where intra-op parallelism pays a stalled barrier per op.
    The result depends on ``n_workers`` (summation order) but not on timing.
    """
    if n_workers == 1:
        acc = make_acc()
        buf = _Buffers(B, x, n_buffers)
        for pair in pairs:
            body(acc, buf, pair)
        return acc
    results: list = [None] * n_workers
    errors: list = []

    def work(k: int) -> None:
        try:
            torch.set_num_threads(1)  # per OS thread (OpenMP ICV); the caller's count is untouched
            with torch.no_grad():
                acc = make_acc()
                buf = _Buffers(B, x, n_buffers)
                for pair in pairs[k::n_workers]:
                    body(acc, buf, pair)
                results[k] = acc
        except BaseException as exc:  # re-raised in the caller
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(k,), daemon=True) for k in range(n_workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise errors[0]
    total = results[0]
    for acc in results[1:]:
        total += acc
    return total


def _exp_block(out: Tensor, xi: Tensor, xj: Tensor, alpha: float, shift: Tensor) -> Tensor:
    """``out = exp(alpha (xi xj^T - 1))`` in place: one GEMM and one exp."""
    torch.addmm(shift, xi, xj.T, alpha=alpha, out=out)
    return out.exp_()


def _sym_rowsums(x: Tensor, alpha: float, w: Tensor, B: int) -> Tensor:
    """:math:`r_i = \\sum_j w_j e^{\\alpha(u_i^\\top u_j - 1)}` over upper-triangular blocks, both ways."""
    N = x.shape[0]
    shift = torch.full((1, 1), -alpha, dtype=x.dtype, device=x.device)
    pairs = _pairs(N, B)

    def body(r, buf, pair):
        s, e, s2, e2 = pair
        E = _exp_block(buf.get(0, e - s, e2 - s2), x[s:e], x[s2:e2], alpha, shift)
        r[s:e].addmv_(E, w[s2:e2])
        if s2 != s:
            r[s2:e2].addmv_(E.T, w[s:e])

    def make():
        return torch.zeros(N, dtype=x.dtype, device=x.device)

    return _over_pairs(pairs, _n_workers(x, len(pairs)), make, body, x, B, 1)


def _sym_grad(x: Tensor, alpha: float, w: Tensor, r: Tensor, B: int, uniform: bool = False) -> Tensor:
    """:math:`\\alpha (Q + Q^\\top) U` over upper-triangular blocks, :math:`Q_{ik} = a_i w_k E_{ik}`.

    Block :math:`(I, J)`: :math:`M = E_{IJ} \\odot (a_I w_J^\\top + w_I a_J^\\top)`, rows ``I`` get
    :math:`M U_J`, rows ``J`` get :math:`M^\\top U_I`. With equal weights :math:`w = 1/N`,
    :math:`a_I w_J^\\top + w_I a_J^\\top = (b_I 1^\\top + 1 b_J^\\top)/N^2`, :math:`b = 1/r` (one pass fewer).
    """
    N = x.shape[0]
    shift = torch.full((1, 1), -alpha, dtype=x.dtype, device=x.device)
    pairs = _pairs(N, B)
    b = 1.0 / r
    a = w * b

    def body(g, buf, pair):
        s, e, s2, e2 = pair
        xi, xj = x[s:e], x[s2:e2]
        E = _exp_block(buf.get(0, e - s, e2 - s2), xi, xj, alpha, shift)
        C = buf.get(1, e - s, e2 - s2)
        if uniform:
            torch.add(b[s:e, None], b[None, s2:e2], out=C)
        else:
            torch.outer(a[s:e], w[s2:e2], out=C).addr_(w[s:e], a[s2:e2])
        E.mul_(C)
        g[s:e].addmm_(E, xj)
        if s2 != s:
            g[s2:e2].addmm_(E.T, xi)

    def make():
        return torch.zeros_like(x)

    g = _over_pairs(pairs, _n_workers(x, len(pairs)), make, body, x, B, 2)
    return g.mul_(alpha / (N * N) if uniform else alpha)


def _row_lse(x: Tensor, alpha: float, logw: Tensor, B: int) -> Tensor:
    """:math:`L_i = \\operatorname{logsumexp}_j(\\alpha u_i^\\top u_j + \\log w_j)`, row blocks, exact max."""
    N = x.shape[0]
    L = torch.empty(N, dtype=x.dtype, device=x.device)
    for s, e in _blocks(N, B):
        S = torch.addmm(logw[None, :], x[s:e], x.T, alpha=alpha)
        L[s:e] = torch.logsumexp(S, dim=1)
    return L


def _row_grad(x: Tensor, alpha: float, w: Tensor, logw: Tensor, L: Tensor, B: int) -> Tensor:
    N = x.shape[0]
    g = torch.zeros_like(x)
    for s, e in _blocks(N, B):
        xi = x[s:e]
        S = torch.addmm(logw[None, :], xi, x.T, alpha=alpha)
        Q = (S - L[s:e, None]).exp_().mul_(w[s:e, None])
        g[s:e].addmm_(Q, x)
        g.addmm_(Q.T, xi)
    return g.mul_(alpha)


def _flash_pass(q: Tensor, k: Tensor, v: Tensor) -> tuple[Tensor, Tensor]:
    out, lse = _flash_op()(q[None, None], k[None, None], v[None, None], scale=1.0)
    return out[0, 0], lse[0, 0]


def _pad_col(x: Tensor, col: Tensor) -> Tensor:
    return torch.cat([x, col[:, None]], dim=1)


def _flash_lse(x: Tensor, alpha: float, logw: Tensor) -> tuple[Tensor, Tensor]:
    """Pass 1 of the flash path: row log-sum-exp ``L`` and :math:`PU`."""
    N = x.shape[0]
    ones = torch.ones(N, dtype=x.dtype, device=x.device)
    zeros = torch.zeros(N, dtype=x.dtype, device=x.device)
    q = _pad_col(alpha * x, ones)
    k = _pad_col(x, logw)
    v = _pad_col(x, zeros)
    out, L = _flash_pass(q, k, v)
    return L.to(x.dtype), out[:, :-1]


def _flash_grad(x: Tensor, alpha: float, w: Tensor, logw: Tensor, L: Tensor, PU: Tensor) -> Tensor:
    """Pass 2 of the flash path: :math:`(Q^\\top U)_k = w_k e^{\\mathrm{LSE}'_k} O'_k` with keys
    :math:`[u, \\log w - L]`."""
    N = x.shape[0]
    ones = torch.ones(N, dtype=x.dtype, device=x.device)
    zeros = torch.zeros(N, dtype=x.dtype, device=x.device)
    q = _pad_col(alpha * x, ones)
    k = _pad_col(x, logw - L)
    v = _pad_col(x, zeros)
    out, lse2 = _flash_pass(q, k, v)
    col = (w * lse2.to(x.dtype).exp())[:, None] * out[:, :-1]
    return alpha * (w[:, None] * PU + col)


# --------------------------------------------------------------------------------------------------
# public: Phi and its gradient
# --------------------------------------------------------------------------------------------------


def _prepare(points, alpha, weights, block_size, method, name="points"):
    x = check_points(points, name)
    alpha = _check_alpha(alpha)
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


# --------------------------------------------------------------------------------------------------
# value and gradient of any energy
# --------------------------------------------------------------------------------------------------


class Energy:
    """An energy of particles: value, and value-and-gradient (analytic/streaming or by autograd).

    .. math::
        E : \\mathbb R^{N \\times d} \\to \\mathbb R, \\qquad x \\mapsto (E(x), \\nabla_x E(x)).

    Parameters
    ----------
    fn : callable
        ``fn(x) -> Tensor`` of shape ``()``, differentiable by autograd.
    value_and_grad : callable, optional
        ``value_and_grad(x) -> (value, grad)``; default: autograd through ``fn``.
    manifold : {"sphere", "euclidean"}
        Where the particles live (points of the sphere, or unnormalised particles).
    name : str
        Label for trajectories.

    Use the constructors :meth:`phi`, :meth:`surrogate_jq`, :meth:`free_energy` for the streaming
    (no N x N matrix) versions.
    """

    def __init__(
        self,
        fn: Callable[[Tensor], Tensor],
        value_and_grad: Callable[[Tensor], tuple[Tensor, Tensor]] | None = None,
        *,
        manifold: str = "sphere",
        name: str = "energy",
        alpha: float | None = None,
    ):
        if not callable(fn):
            raise TypeError(f"fn must be callable; got {type(fn).__name__}")
        if manifold not in ("sphere", "euclidean"):
            raise ValueError(f"manifold must be 'sphere' or 'euclidean'; got {manifold!r}")
        self.fn = fn
        self._vg = value_and_grad
        self.manifold = manifold
        self.name = name
        self.alpha = alpha

    def __call__(self, x: Tensor) -> Tensor:
        return self.fn(x)

    def value_and_grad(self, x: Tensor) -> PhiAndGrad:
        """``(value, grad)`` at ``x`` (both detached)."""
        if self._vg is not None:
            v, g = self._vg(x)
            return PhiAndGrad(v.detach(), g.detach())
        with torch.enable_grad():
            xx = x.detach().requires_grad_(True)
            v = self.fn(xx)
            (g,) = torch.autograd.grad(v, xx)
        return PhiAndGrad(v.detach(), g)

    def __repr__(self) -> str:
        return f"Energy({self.name}, manifold={self.manifold!r})"

    # constructors --------------------------------------------------------------------------------

    @classmethod
    def phi(cls, alpha, *, weights=None, block_size=None, method: str = "auto") -> Energy:
        """:math:`\\Phi` of the particles' empirical measure (streaming value and gradient)."""
        alpha = _check_alpha(alpha)

        def fn(x):
            return phi(x, alpha, weights, block_size=block_size, method=method)

        def vg(x):
            return phi_and_grad(x, alpha, weights=weights, block_size=block_size, method=method)

        return cls(fn, vg, manifold="sphere", name=f"phi(alpha={alpha:g})", alpha=alpha)

    @classmethod
    def surrogate_jq(cls, alpha, q, *, block_size=None) -> Energy:
        """:math:`J_q = \\Phi - q\\lVert m\\rVert^2`; gradient :math:`\\nabla\\Phi - 2 q m / N` per row."""
        alpha = _check_alpha(alpha)
        q = _check_q(q)

        def fn(x):
            return surrogate_jq(x, alpha, q, block_size=block_size)

        def vg(x):
            v, g = phi_and_grad(x, alpha, block_size=block_size)
            m = x.mean(dim=0)
            return v - q * (m * m).sum(), g - (2.0 * q / x.shape[0]) * m[None, :]

        return cls(fn, vg, manifold="sphere", name=f"J_q(alpha={alpha:g}, q={q:g})", alpha=alpha)

    @classmethod
    def free_energy(cls, alpha, q, beta, lam, *, block_size=None) -> Energy:
        """The regularised objective :func:`free_energy` of unnormalised particles (streaming Phi)."""
        alpha = _check_alpha(alpha)
        q = _check_q(q)
        beta = check_real(beta, "beta", low=0.0, low_open=True)
        lam = check_real(lam, "lam", low=0.0, low_open=True)

        def fn(z):
            return free_energy(z, alpha, q, beta, lam, block_size=block_size)

        def vg(z):
            z = _check_z(z)
            N = z.shape[0]
            nz = torch.linalg.vector_norm(z, dim=1, keepdim=True)
            u = z / nz
            m = u.mean(dim=0)
            val = beta * lam * (z * z).sum(dim=1).mean() - q * (m * m).sum()
            gu = (-2.0 * q / N) * m[None, :].expand_as(u)
            if alpha > 0:
                v, g = phi_and_grad(u, alpha, block_size=block_size)
                val = val + v
                gu = gu + g
            # chain rule through u = z/|z|: (I - u u^T) g / |z|
            gz = (gu - (gu * u).sum(dim=1, keepdim=True) * u) / nz + (2.0 * beta * lam / N) * z
            return val, gz

        return cls(
            fn,
            vg,
            manifold="euclidean",
            name=f"F(alpha={alpha:g}, q={q:g}, beta={beta:g}, lam={lam:g})",
            alpha=alpha,
        )
