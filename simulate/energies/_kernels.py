"""The streaming kernels of Phi: pass 1 (row log-sum-exp) and pass 2 (gradient), symmetric, row-block and
flash (see :mod:`simulate.energies`)."""

from __future__ import annotations

import threading

import torch
from torch import Tensor

from simulate.energies import _common
from simulate.energies._common import _flash_op

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
    if N * N * d < _common.SMALL_WORK:
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
