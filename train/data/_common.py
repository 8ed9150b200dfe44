"""What the synthetic view channels share: the input dimension, argument checks, the generator-driven
draws, and small elementwise work on one thread (the cut-off, measured).

.. math::
    \\text{threads} = 1 \\quad\\text{while}\\quad n_{\\text{elements}} < 2^{24},

below which torch's intra-op threads only cost: measured with the Laplace view channel (two views of an
(n, 1024) float32 batch, median of 7 alternated calls, one thread against two) on the project's 2-core
machine shared with other jobs (load average 6.2): n = 128: 17.8 ms against 300 ms; 512: 71 against 371;
2048: 171 against 466; 8192 (8.4e6 elements): 881 against 1144; 20000 (2.0e7): 2361 against 2102. The
random draws run on one thread either way and elementwise results do not depend on the thread count, so
the views are the same bits on one thread or many.
"""

from __future__ import annotations

import contextlib
import functools

import torch

from theory._validation import check_int

__all__ = ["DIM", "ONE_THREAD_BELOW", "one_thread_below", "small_on_one_thread"]

DIM = 1024


def _sizes(n_train, n_test, dim, seed) -> tuple[int, int, int, int]:
    return (
        check_int(n_train, "n_train", low=1),
        check_int(n_test, "n_test", low=1),
        check_int(dim, "dim", low=1),
        check_int(seed, "seed", low=0),
    )


def _normal(shape, g: torch.Generator, like: torch.Tensor) -> torch.Tensor:
    return torch.randn(shape, generator=g, dtype=like.dtype, device=like.device)


def _uniform(shape, g: torch.Generator, like: torch.Tensor) -> torch.Tensor:
    return torch.rand(shape, generator=g, dtype=like.dtype, device=like.device)


ONE_THREAD_BELOW = 1 << 24
"""Elements (about 1.7e7: a batch of 16384 rows of 1024) below which a view channel runs on one thread."""


@contextlib.contextmanager
def one_thread_below(numel: int, device: torch.device | str = "cpu"):
    """One torch thread for the block when ``numel < ONE_THREAD_BELOW`` on the CPU; restored after."""
    n = torch.get_num_threads()
    if torch.device(device).type != "cpu" or n == 1 or numel >= ONE_THREAD_BELOW:
        yield
        return
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(n)


def small_on_one_thread(method):
    """Decorate ``method(self, x, g)`` of a view channel: small ``x`` run under :func:`one_thread_below`."""

    @functools.wraps(method)
    def wrapper(self, x, g):
        if not isinstance(x, torch.Tensor):
            return method(self, x, g)
        with one_thread_below(x.numel(), x.device):
            return method(self, x, g)

    return wrapper
