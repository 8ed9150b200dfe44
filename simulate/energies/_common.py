"""Constants, the value-and-gradient pair, argument validation and the one-thread rule of the energies."""

from __future__ import annotations

import contextlib
from typing import NamedTuple

import torch
from torch import Tensor

from theory._validation import check_int, check_real
from theory.special import KAPPA_MAX

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
    """``0 <= alpha <= KAPPA_MAX`` (``1e12``, the bound of :mod:`theory`), finite."""
    return check_real(alpha, "alpha", low=0.0, high=KAPPA_MAX)


ALPHA_NORM_BUDGET = 1.0
"""Largest accepted ``alpha * delta``, ``delta`` the uncertainty of the points' squared norms.

Phi weighs each self-pair by :math:`e^{\\alpha (\\lVert u_i \\rVert^2 - 1)}` (relative to the shift
:math:`e^\\alpha`): a squared norm known to :math:`\\delta` (its distance to 1 plus ``d`` rounding units of
the dtype, the error of a dot product of length ``d``) makes that weight uncertain by a factor
:math:`e^{\\alpha\\delta}`. Within this budget the weight is known to a factor ``e``; no kernel entry
:math:`e^{\\alpha(u_i^\\top u_j - 1)} \\le e^{\\alpha\\delta}` overflows and no self-pair falls below
:math:`e^{-1}`, so no row sum underflows to zero: value and gradient are finite.
"""


def _check_alpha_for(alpha, x: Tensor) -> float:
    """:func:`_check_alpha`, and ``alpha`` small enough for the precision of the points ``x`` (unit rows).

    .. math::
        \\alpha\\,\\big(\\max_i \\lvert \\lVert u_i\\rVert^2 - 1\\rvert + d\\,\\epsilon_{\\rm dtype}\\big)
        \\le \\mathrm{ALPHA\\_NORM\\_BUDGET} = 1

    (in float64, for rows normalised to rounding and ``d`` up to about 4000, ``alpha <= 1e12`` binds first).
    """
    alpha = _check_alpha(alpha)
    if alpha == 0.0:
        return alpha
    xd = x.detach()
    dev = float(((xd * xd).sum(dim=1) - 1.0).abs().max())
    delta = dev + x.shape[1] * torch.finfo(x.dtype).eps
    if alpha * delta > ALPHA_NORM_BUDGET:
        raise ValueError(
            f"alpha = {alpha:g} is too large for these points: their squared norms are known to "
            f"{delta:.2g} ({x.dtype}, d = {x.shape[1]}, max | |u|^2 - 1 | = {dev:.2g}), so the self-pair "
            f"weight exp(alpha |u|^2) is known only to a factor exp({alpha * delta:.3g}); give float64 "
            f"points normalised by simulate.sphere.project, or alpha <= {ALPHA_NORM_BUDGET / delta:.3g}"
        )
    return alpha


def _check_weights(weights, x: Tensor) -> Tensor | None:
    """Normalised weights as a tensor of ``x``'s dtype and device (``None`` for equal weights)."""
    if weights is None:
        return None
    form = f"weights must be a real tensor of shape ({x.shape[0]},)"
    if isinstance(weights, str | bytes | bool):
        raise TypeError(f"{form}; got {weights!r}")
    try:
        w = torch.as_tensor(weights, device=x.device)
    except (TypeError, ValueError, RuntimeError) as exc:
        raise TypeError(f"{form}; got {type(weights).__name__}") from exc
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


SMALL_WORK = 1 << 31
"""Below ``N * N * d`` of this size (about 2.1e9: ``N = 4096`` at ``d = 128``, ``N = 26 000`` at ``d = 3``)
the kernels run on one thread; from it on, on the worker threads of the symmetric kernel (one per
intra-op thread).

Measured with ``python benchmarks/bench_simulate.py --threads-crossover`` (``phi_and_grad`` in float64,
one thread against two, best of 5 interleaved calls, ``N`` from 64 to 8192, ``d`` in 3, 16, 128; 57
points in two runs) on the project's 2-core machine shared with other jobs (load average 7 to 9.5).
Two threads won at 4 points only (one-thread time over two-thread time 1.28, 1.05, 1.01, 1.03), never
in both runs of a size measured twice. Below ``N * N * d = 1e7`` that ratio was 0.01 to 0.98 (a
two-thread call stalls 30 to 200 ms in barriers while the cores serve other jobs); from 1e7 to 2e9,
0.06 to 1.28; from 2e9 to 8.6e9 (the largest measured), 0.78 to 1.03: at par. The cut-off sits where
two threads stop losing, about 2e9; on an idle machine with many cores the crossover is far lower
(rerun the benchmark there and lower this value to use the cores on mid-sized problems).
"""


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
