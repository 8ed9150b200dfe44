"""``fit(config) -> run directory``: the training loop (see :mod:`train.loop` for the directory's files)."""

from __future__ import annotations

import contextlib
import os
import random
import signal
import sys
import threading
import time
from pathlib import Path

import numpy as np
import torch

from theory._io import atomic_write_json, to_jsonable
from train.config import RunConfig
from train.data import PairData
from train.evaluate import embed, evaluate
from train.loop._figures import write_figures
from train.loop._rundir import (
    RunLock,
    check_resumable,
    inspect_run,
    load_checkpoint,
    read_metrics,
    run_dir_for,
)
from train.loop._steps import (
    _append_jsonl,
    _check_device,
    _checkpoint,
    _prepare_dir,
    _save_npy,
    _step,
    _write_metrics,
    build,
)

__all__ = ["RunInterrupted", "fit", "summary_line"]


class RunInterrupted(KeyboardInterrupt):
    """A run stopped by an interrupt (SIGINT, Ctrl-C) at a batch boundary, its checkpoint written.

    Attributes
    ----------
    run : pathlib.Path
        The run directory.
    epoch : int
        The epoch in progress.
    batch, steps_per_epoch : int
        Batches of that epoch done, of ``steps_per_epoch``.
    checkpoint : pathlib.Path or None
        The checkpoint to continue from (``fit(..., resume=True)``, ``--resume``).
    """

    def __init__(self, run: Path, epoch: int, batch: int, steps_per_epoch: int, checkpoint: Path | None):
        self.run, self.epoch, self.batch = run, epoch, batch
        self.steps_per_epoch, self.checkpoint = steps_per_epoch, checkpoint
        where = (
            f"after epoch {epoch}"
            if batch >= steps_per_epoch
            else f"in epoch {epoch} after batch {batch} of {steps_per_epoch}"
        )
        saved = f"checkpoint written to {checkpoint}" if checkpoint else "rank 0 wrote the checkpoint"
        super().__init__(f"interrupted {where}; {saved}; continue it with --resume (resume=True)")


class _Interrupts:
    """SIGINT handler for the life of a run: the first interrupt is taken at the next batch boundary
    (``requested``), a second one stops at once. Only in the main thread of a one-process run."""

    def __init__(self, enabled: bool):
        self.enabled = enabled and threading.current_thread() is threading.main_thread()
        self.requested = False
        self._old = None

    def _handle(self, signum, frame) -> None:
        if self.requested:
            raise KeyboardInterrupt
        self.requested = True

    def __enter__(self) -> _Interrupts:
        if self.enabled:
            self._old = signal.getsignal(signal.SIGINT)
            signal.signal(signal.SIGINT, self._handle)
        return self

    def __exit__(self, *exc) -> None:
        if self.enabled:
            signal.signal(signal.SIGINT, self._old if self._old is not None else signal.default_int_handler)


def _fmt(x, spec: str) -> str:
    return "n/a" if x is None else format(x, spec)


def summary_line(run: str | os.PathLike) -> str:
    """One line of a run's last evaluation: CV, AD / DP means and pass rates, the paper's verdict."""
    if not Path(run).is_dir():
        raise ValueError(f"run directory {run} does not exist or is not a directory")
    recs = read_metrics(Path(run) / "metrics.jsonl")
    if not recs:
        return f"{run}: no evaluation recorded"
    r = recs[-1]
    pct = lambda v: "n/a" if v is None else f"{100 * v:.0f}%"  # noqa: E731
    return (
        f"epoch {r['epoch']}: CV {_fmt(r.get('cv'), '.3f')}  AD {_fmt(r.get('ad_mean'), '.3f')} "
        f"({pct(r.get('ad_pass'))} pass)  DP {_fmt(r.get('dp_mean'), '.3f')} ({pct(r.get('dp_pass'))} pass)  "
        f"Gaussian by the paper's rule: {'yes' if r.get('gaussian') else 'no'}"
    )


def fit(
    config: RunConfig,
    *,
    resume: bool = False,
    run_dir: str | os.PathLike | None = None,
    data: PairData | None = None,
    figures: bool = True,
    log=None,
) -> Path:
    """Train ``config`` and return its run directory (see :mod:`train.loop` for its contents).

    Parameters
    ----------
    config : RunConfig
    resume : bool
        Continue from ``checkpoint.pt`` in the run directory if present (metrics recorded after the
        checkpoint's epoch are dropped and recomputed). Without it a run directory holding a
        checkpoint is an error (nothing is overwritten). Either way the directory must hold this
        configuration or nothing (:func:`~train.loop.check_resumable`).
    run_dir : path, optional
        Defaults to :func:`~train.loop.run_dir_for` (with the world size).
    data : PairData, optional
        A prebuilt data set (must equal ``make_data(config.data, **config.data_params)``; saves its cost
        when several runs share it).
    figures : bool
        Write the PNG figures at the end.
    log : callable, optional
        ``log(line)`` receives notes (a stale lock taken over) and, when no progress bar is shown (not a
        terminal, or ``config.progress`` false), one line per epoch: epoch, training loss, seconds.

    Returns
    -------
    pathlib.Path

    Raises
    ------
    RunInterrupted
        On SIGINT, after writing a checkpoint at the next batch boundary.
    ValueError, FileExistsError
        A directory that cannot hold this run (another configuration, locked by a live run, a file,
        read-only, corrupt files named), an unavailable device, a loss that is not finite.
    """
    if not isinstance(config, RunConfig):
        raise TypeError(f"config must be a RunConfig; got {type(config).__name__}")
    if log is not None and not callable(log):
        raise TypeError(f"log must be callable (a function of one line); got {type(log).__name__}")
    with held_threads(config.threads):
        return _fit(config, resume=bool(resume), run_dir=run_dir, data=data, figures=figures, log=log)


@contextlib.contextmanager
def held_threads(n: int):
    """torch and BLAS on ``n`` threads for the block, torch's count restored after.

    numpy's and scipy's BLAS (an evaluation's small products) get the count too: on a shared 2-core
    machine their idle threads made an evaluation 0.85 s instead of 0.30 s (measured).
    """
    from threadpoolctl import threadpool_limits

    threads = torch.get_num_threads()
    torch.set_num_threads(n)
    try:
        with threadpool_limits(n, user_api="blas"):
            yield
    finally:
        torch.set_num_threads(threads)


def _fit(config, *, resume, run_dir, data, figures, log) -> Path:
    from train import distributed

    _check_device(config.device)
    world = distributed.world_size_from_env()
    if config.N % world:
        raise ValueError(f"N = {config.N} must be divisible by WORLD_SIZE = {world}")
    dist = distributed.init_from_env() if world > 1 else None
    rank0 = dist is None or dist.rank == 0
    run = Path(run_dir) if run_dir is not None else run_dir_for(config, world)
    lock, contents, error = RunLock(run), None, None
    created = rank0 and not run.exists()
    if rank0:
        try:
            _prepare_dir(run)
            note = lock.acquire()
            if note and log is not None:
                log(f"note: {note}")
            contents = inspect_run(run)
            check_resumable(run, contents, config, resume=resume)
        except (ValueError, OSError) as exc:
            error = exc
    error = distributed.agree_on_error(error)
    try:
        if error is not None:
            raise error
        return _train(config, run, contents, resume, data, figures, log, dist)
    finally:
        lock.release()
        if created and run.is_dir() and not any(run.iterdir()):
            run.rmdir()  # a run that wrote nothing leaves no empty directory behind


def _train(config, run, contents, resume, data, figures, log, dist) -> Path:
    rank0 = dist is None or dist.rank == 0
    ckpt_path, metrics_path = run / "checkpoint.pt", run / "metrics.jsonl"
    data, model, head, opt = build(config, data)
    n_train, N = data.n_train, config.N
    if N > n_train:
        raise ValueError(f"N = {N} exceeds n_train = {n_train} of the {config.data!r} data set")
    steps = n_train // N
    if rank0:
        atomic_write_json(run / "config.json", config.to_dict())
    gen = torch.Generator().manual_seed(config.seed)
    start, step, partial, state = 0, 0, None, None
    records: list[dict] = []
    if resume and ckpt_path.exists():
        state = contents.checkpoint if rank0 else load_checkpoint(ckpt_path)
    if state is not None:
        try:
            model.load_state_dict(state["model"])
            if head is not None:
                head.load_state_dict(state["head"])
            opt.load_state_dict(state["optimizer"])
            torch.set_rng_state(state["torch_rng"])
            np.random.set_state(state["numpy_rng"])  # noqa: NPY002
            random.setstate(state["python_rng"])
            gen.set_state(state["generator"])
        except (RuntimeError, ValueError, TypeError, KeyError) as exc:
            msg = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise ValueError(f"{ckpt_path} does not fit this configuration's model: {msg}") from None
        start, step, partial = int(state["epoch"]), int(state["step"]), state.get("partial")
        if rank0:
            records = [r for r in contents.metrics if r["epoch"] <= start]
            _write_metrics(metrics_path, records)

    def say(line: str) -> None:
        if rank0 and log is not None and not bar_on:
            log(line)

    eval_cache: dict = {}  # the held-out views, drawn once per run (evaluate(cache=...))

    def record(epoch: int, train_loss: float | None) -> dict:
        t0 = time.perf_counter()
        res = evaluate(
            model,
            data,
            epoch=epoch,
            alpha=config.alpha,
            N=N,
            n_eval=config.n_eval,
            n_projections=config.n_projections,
            n_phi=config.n_phi,
            seed=config.seed,
            device=config.device,
            cache=eval_cache,
        )
        rec = to_jsonable({**res.to_dict(), "train_loss": train_loss, "step": step})
        records.append(rec)
        _write_metrics(metrics_path, records)
        _append_jsonl(
            run / "timing.jsonl", {"epoch": epoch, "eval_s": time.perf_counter() - t0, "time": time.time()}
        )
        return rec

    from tqdm.auto import tqdm

    bar_on = bool(config.progress and rank0 and sys.stderr.isatty())
    with _Interrupts(enabled=dist is None) as stop:
        if state is None and rank0:
            t0 = time.perf_counter()
            rec = record(0, None)
            _save_npy(
                run / "embeddings_epoch0000.npy",
                embed(model, data.x_test[: config.n_eval], device=config.device),
            )
            _checkpoint(ckpt_path, model, head, opt, gen, 0, 0, config)
            cv = _fmt(rec.get("cv"), ".3f")
            say(f"epoch 0/{config.epochs}  untrained  CV {cv}  {time.perf_counter() - t0:.1f} s")
        if dist is not None:
            from train import distributed

            distributed.barrier()
        if stop.requested:
            raise RunInterrupted(run, 0, steps, steps, ckpt_path)

        params = [p for group in opt.param_groups for p in group["params"]]
        bar = tqdm(
            range(start + 1, config.epochs + 1),
            desc=f"{config.name}/{config.objective}",
            leave=False,
            disable=not bar_on,
        )
        for epoch in bar:
            t_epoch = time.perf_counter()
            if partial is not None and int(partial["epoch"]) == epoch:
                perm, first, total = partial["perm"], int(partial["batch"]), float(partial["total"])
            else:
                perm, first, total = torch.randperm(n_train, generator=gen), 0, 0.0
            partial = None
            for b in range(first, steps):
                total += _step(config, model, head, opt, data, perm, b, gen, params, dist, epoch, step)
                step += 1
                if stop.requested:
                    if rank0:
                        part = {"epoch": epoch, "batch": b + 1, "perm": perm, "total": total}
                        _checkpoint(ckpt_path, model, head, opt, gen, epoch - 1, step, config, part)
                    raise RunInterrupted(run, epoch, b + 1, steps, ckpt_path if rank0 else None)
            train_loss = total / steps
            if rank0:
                _append_jsonl(
                    run / "timing.jsonl", {"epoch": epoch, "train_s": time.perf_counter() - t_epoch}
                )
                if epoch % config.eval_every == 0 or epoch == config.epochs:
                    record(epoch, train_loss)
                _checkpoint(ckpt_path, model, head, opt, gen, epoch, step, config)
            bar.set_postfix(loss=f"{train_loss:.4f}")
            say(
                f"epoch {epoch}/{config.epochs}  loss {train_loss:.4f}  {time.perf_counter() - t_epoch:.1f} s"
            )
            if stop.requested:
                raise RunInterrupted(run, epoch, steps, steps, ckpt_path if rank0 else None)
        bar.close()
    if rank0:
        if not (run / "embeddings_final.npy").exists() or start < config.epochs:
            _save_npy(
                run / "embeddings_final.npy", embed(model, data.x_test[: config.n_eval], device=config.device)
            )
        if figures:
            write_figures(run)
    if dist is not None:
        from train import distributed

        distributed.barrier()
    return run
