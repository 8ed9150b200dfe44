"""Run directories: their default name, the lock held for the life of a run, and what a directory holds.

A run directory belongs to one configuration. :func:`run_dir_for` names it by what makes runs differ
(the configuration's :attr:`~train.config.RunConfig.key` and the world size). :class:`RunLock` is an
exclusive ``flock`` on ``<run>/lock`` held while a run trains: a second run on the directory is refused,
naming the holder; a lock left by a process that died (SIGKILL, a lost node) is taken over, and said so.
:func:`inspect_run` reads what the directory holds (checkpoint, ``config.json``, ``metrics.jsonl``; a
corrupt file is an error naming it) and :func:`check_resumable` decides whether ``config`` may start or
continue there: never under another configuration (the differing fields are named, from the checkpoint
when ``config.json`` is gone), never over a finished run whose checkpoint was deleted.
"""

from __future__ import annotations

import datetime as _dt
import io
import json
import os
import socket
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from train.config import RunConfig

__all__ = [
    "RunContents",
    "RunLock",
    "RunLockedError",
    "check_resumable",
    "config_differences",
    "inspect_run",
    "load_checkpoint",
    "read_metrics",
    "run_dir_for",
]


def run_dir_for(config: RunConfig, world_size: int = 1) -> Path:
    """Default run directory ``<out_dir>/<name>-<objective>-d<d>-N<N>-seed<seed>[-w<world>]-<key>``.

    ``key`` is :attr:`RunConfig.key` (a hash of every field that changes the numbers), so runs of other
    configurations never share a directory; data-parallel runs (``world_size > 1``) get their own.
    """
    world = f"-w{int(world_size)}" if int(world_size) > 1 else ""
    c = config
    return Path(c.out_dir) / f"{c.name}-{c.objective}-d{c.d}-N{c.N}-seed{c.seed}{world}-{c.key}"


class RunLockedError(ValueError):
    """The run directory is locked by a live run (the message names the holder)."""


class RunLock:
    """Exclusive lock of a run directory for the life of a run (``<run>/lock``, POSIX ``flock``).

    The lock file records the holder (pid, host, start time). The kernel releases an ``flock`` when its
    process dies, so a lock file whose lock can be taken was left by a dead process: :meth:`acquire`
    takes it over and returns a note saying so.
    """

    def __init__(self, run: str | os.PathLike):
        self.path = Path(run) / "lock"
        self._fd: int | None = None

    def acquire(self) -> str | None:
        """Take the lock; return a note when a stale lock of a dead process was taken over.

        Raises
        ------
        RunLockedError
            Another live process holds it (its pid, host and start time are named).
        """
        import fcntl

        while True:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                holder = _holder_text(_read_fd(fd))
                os.close(fd)
                raise RunLockedError(
                    f"run directory {self.path.parent} is in use by {holder}; wait for that run to end or "
                    "choose another run directory"
                ) from None
            try:  # the file may have been unlinked by its releasing holder in between: retry
                same = os.fstat(fd).st_ino == os.stat(self.path).st_ino
            except FileNotFoundError:
                same = False
            if same:
                break
            os.close(fd)
        old = _read_fd(fd)
        me = {"pid": os.getpid(), "host": socket.gethostname(), "since": _now()}
        os.ftruncate(fd, 0)
        os.pwrite(fd, (json.dumps(me) + "\n").encode(), 0)
        self._fd = fd
        if old.strip():
            return (
                f"took over the stale lock of {_holder_text(old)} on {self.path.parent}: that process is "
                "gone (killed?)"
            )
        return None

    def release(self) -> None:
        """Release the lock and remove the lock file (no-op when not held)."""
        if self._fd is None:
            return
        try:
            self.path.unlink(missing_ok=True)
        finally:
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> RunLock:
        self.acquire()
        return self

    def __exit__(self, *exc) -> None:
        self.release()


def _now() -> str:
    return _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds")


def _read_fd(fd: int) -> str:
    try:
        return os.pread(fd, 4096, 0).decode("utf-8", "replace")
    except OSError:
        return ""


def _holder_text(text: str) -> str:
    try:
        h = json.loads(text)
        return f"pid {h['pid']} on {h['host']} (since {h['since']})"
    except (ValueError, KeyError, TypeError):
        return "another process"


# ------------------------------------------------------------------------------------------ contents
def read_metrics(path: str | os.PathLike) -> list[dict]:
    """The records of a ``metrics.jsonl`` (``[]`` when absent); a corrupt line is an error naming it."""
    path = Path(path)
    if not path.exists():
        return []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise ValueError(f"cannot read {path}: {exc}") from None
    out = []
    for i, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
        except ValueError as exc:
            raise ValueError(f"{path} line {i} is not valid JSON (corrupt or truncated?): {exc}") from None
        if not isinstance(rec, dict) or not isinstance(rec.get("epoch"), int):
            raise ValueError(f"{path} line {i} is not a metrics record (no integer 'epoch')")
        out.append(rec)
    return out


_SAFE = (np.ndarray, np.dtype, np._core.multiarray._reconstruct, type(np.dtype("uint32")))
_CKPT_KEYS = ("model", "optimizer", "torch_rng", "numpy_rng", "python_rng", "generator", "epoch", "step")


def load_checkpoint(path: str | os.PathLike, device: str = "cpu") -> dict:
    """A checkpoint written by the loop, read without running code from the file (``weights_only``).

    Raises
    ------
    ValueError
        Unreadable, corrupt, truncated or not one of ours (naming the file).
    """
    path = Path(path)
    try:
        data = path.read_bytes()
        with torch.serialization.safe_globals(list(_SAFE)):
            state = torch.load(io.BytesIO(data), map_location=device, weights_only=True)
    except Exception as exc:  # torch raises RuntimeError, UnpicklingError, EOFError, ... for a bad file
        msg = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ValueError(f"{path} is not a readable checkpoint (corrupt or truncated?): {msg}") from None
    if not isinstance(state, dict) or any(k not in state for k in _CKPT_KEYS):
        raise ValueError(f"{path} is not a training checkpoint of train.loop (fields missing)")
    return state


@dataclass(frozen=True)
class RunContents:
    """What a run directory holds.

    Attributes
    ----------
    checkpoint : dict or None
        The checkpoint (:func:`load_checkpoint`), ``None`` when absent.
    config : dict or None
        The recorded configuration: the checkpoint's, else ``config.json``'s, else ``None``.
    config_source : str or None
        Which file ``config`` came from.
    metrics : list of dict
        The ``metrics.jsonl`` records.
    """

    checkpoint: dict | None
    config: dict | None
    config_source: str | None
    metrics: list


def inspect_run(run: str | os.PathLike, device: str = "cpu") -> RunContents:
    """Read a run directory's checkpoint, configuration and metrics (corrupt files are named)."""
    run = Path(run)
    ckpt = load_checkpoint(run / "checkpoint.pt", device) if (run / "checkpoint.pt").exists() else None
    config, source = None, None
    if ckpt is not None and isinstance(ckpt.get("config"), dict):
        config, source = ckpt["config"], str(run / "checkpoint.pt")
    elif (run / "config.json").exists():
        from theory._results import read_json

        config, source = read_json(run / "config.json", what="run configuration"), str(run / "config.json")
        if not isinstance(config, dict):
            raise ValueError(f"{run / 'config.json'} is not a JSON object of RunConfig fields")
    return RunContents(ckpt, config, source, read_metrics(run / "metrics.jsonl"))


def config_differences(recorded: dict, config: RunConfig) -> list[str]:
    """``field = recorded there, given here`` for every identity field that differs (``data.KEY`` dotted)."""
    from train.config._run import identity_of

    def flat(d: dict) -> dict:
        out = {k: v for k, v in identity_of(d).items() if k != "data_params"}
        out.update({f"data.{k}": v for k, v in (d.get("data_params") or {}).items()})
        return out

    have, want = flat(recorded), flat(config.identity())
    missing = object()
    return [
        f"{k} = {have.get(k, '(unset)')!r} there, {want.get(k, '(unset)')!r} here"
        for k in sorted(set(have) | set(want))
        if have.get(k, missing) != want.get(k, missing)
    ]


def check_resumable(run: Path, contents: RunContents, config: RunConfig, *, resume: bool) -> None:
    """Refuse to start or continue ``config`` in ``run`` where that would lose or mislabel a result.

    Raises
    ------
    ValueError
        The directory holds another configuration (the differing fields named), or metrics beyond
        epoch 0 without a checkpoint (a finished or advanced run whose checkpoint was deleted).
    FileExistsError
        It holds this run's checkpoint and ``resume`` is false.
    """
    if contents.config is not None:
        diff = config_differences(contents.config, config)
        if diff:
            raise ValueError(
                f"{run} holds a run of another configuration ({contents.config_source}): {'; '.join(diff)}"
            )
    if contents.checkpoint is not None and not resume:
        raise FileExistsError(
            f"{run} already holds this run (epoch {int(contents.checkpoint['epoch'])} of {config.epochs}); "
            "pass resume=True (--resume) to continue it"
        )
    advanced = [r["epoch"] for r in contents.metrics if r["epoch"] > 0]
    if contents.checkpoint is None and advanced:
        raise ValueError(
            f"{run} holds metrics up to epoch {max(advanced)} but no checkpoint.pt: it cannot be continued, "
            "and starting again would replace its results; choose another run directory"
        )
