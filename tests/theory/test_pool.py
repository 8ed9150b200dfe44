"""The shared local process pool: one thread per worker, and an exception in the block (Ctrl-C
included) does not start the rest of the queue."""

import time
from pathlib import Path

import pytest

from theory._pool import process_pool


def _threads() -> tuple[int, list[int]]:
    import torch
    from threadpoolctl import threadpool_info

    return torch.get_num_threads(), [p["num_threads"] for p in threadpool_info() if p["user_api"] == "blas"]


def _touch(path: str) -> str:
    time.sleep(0.2)
    Path(path).touch()
    return path


def test_workers_hold_torch_and_blas_to_one_thread():
    import torch

    outer = torch.get_num_threads()
    with process_pool(2) as pool:
        torch_threads, blas = pool.submit(_threads).result()
    assert torch_threads == 1 and all(n == 1 for n in blas)
    assert torch.get_num_threads() == outer  # the parent keeps its own


def test_an_exception_in_the_block_cancels_the_queued_tasks(tmp_path):
    with pytest.raises(RuntimeError, match="stop"), process_pool(1) as pool:
        for i in range(20):
            pool.submit(_touch, str(tmp_path / str(i)))
        raise RuntimeError("stop")
    # the one running and the one handed to the worker's queue may finish; the other 18 never start
    assert len(list(tmp_path.iterdir())) <= 2


def test_without_an_exception_every_task_finishes(tmp_path):
    with process_pool(2) as pool:
        futures = [pool.submit(_touch, str(tmp_path / str(i))) for i in range(4)]
    assert all(f.done() for f in futures) and len(list(tmp_path.iterdir())) == 4
