"""A local process pool whose workers each hold torch and BLAS to one thread.

What :func:`claims.report.run_checks` and :func:`train.tables.table1` share: ``fork`` on Linux (a worker
inherits the modules the parent imported instead of importing numpy, scipy and torch again, about 2.4 s
a worker), ``spawn`` elsewhere (fork is unsafe or absent there), and one thread per worker, so that a
parent whose thread pools have already run (a test session, a notebook) forks workers that neither hang
nor oversubscribe the cores.
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib

__all__ = ["process_pool", "start_method", "worker_init"]


def worker_init() -> None:
    """Hold BLAS and torch to one thread in a worker process."""
    import os
    import sys

    from threadpoolctl import threadpool_limits

    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = "1"
    threadpool_limits(1)
    if "torch" in sys.modules:
        sys.modules["torch"].set_num_threads(1)


def start_method() -> str:
    """How the workers start: ``fork`` on Linux, ``spawn`` elsewhere.

    PyTorch's own ``DataLoader`` workers fork by default on Linux; here each worker holds its torch and
    BLAS pools to one thread (:func:`worker_init`), which is what makes a fork safe after the parent's
    pools have run.
    """
    import multiprocessing as mp
    import sys

    return "fork" if sys.platform.startswith("linux") and "fork" in mp.get_all_start_methods() else "spawn"


@contextlib.contextmanager
def process_pool(jobs: int):
    """A :class:`concurrent.futures.ProcessPoolExecutor` of ``jobs`` one-thread workers.

    On any exception in the block (an interrupt included) the futures not yet started are cancelled
    before the pool waits for the running ones, so Ctrl-C does not start the rest of the queue.
    """
    import multiprocessing as mp

    pool = cf.ProcessPoolExecutor(max_workers=jobs, mp_context=mp.get_context(start_method()),
                                  initializer=worker_init)  # fmt: skip
    try:
        yield pool
    except BaseException:
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown(wait=True)
