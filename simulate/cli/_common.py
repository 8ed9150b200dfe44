"""What the commands of ``python -m simulate`` share: option types, executor options, config files,
devices, output folders, and the one-line report of every error."""

from __future__ import annotations

import argparse
import math
import os
import shlex
import sys
from pathlib import Path

from theory._cli import CommandError, positive_int

PROG = "python -m simulate"


class _UsageError(CommandError, ValueError):
    """Bad command-line input (one line, exit status 2)."""


def finite_float(text: str) -> float:
    """argparse type: a finite real number (no ``nan``, ``inf``)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number; got {text!r}") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"expected a finite number; got {text!r}")
    return value


def nonnegative_int(text: str) -> int:
    """argparse type: an integer >= 0."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an integer >= 0; got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected an integer >= 0; got {value}")
    return value


def _add_executor(p) -> None:
    g = p.add_argument_group("execution (submitit)")
    g.add_argument(
        "--executor",
        choices=("debug", "local", "slurm"),
        default="local",
        help="where points run: debug (this process), local (sub-processes), slurm (a cluster's sbatch)",
    )
    g.add_argument("--sweep-dir", type=Path, metavar="DIR", help="one result file per point (resumable)")
    g.add_argument("--max-parallel", type=positive_int, metavar="J", help="jobs in flight (local: CPUs)")
    g.add_argument("--partition", help="SLURM partition")
    g.add_argument("--time", type=positive_int, metavar="MIN", help="time limit per job in minutes")
    g.add_argument("--gpus-per-node", type=positive_int, metavar="G")
    g.add_argument("--cpus", type=positive_int, metavar="C", help="CPUs per task")
    g.add_argument("--mem", type=finite_float, metavar="GB", help="memory per job in GB")
    g.add_argument("--account", help="SLURM account")
    g.add_argument("--no-progress", action="store_true", help="no progress bars")


def _executor_options(args) -> dict:
    from simulate.sweep import check_executor

    check_executor(args.executor)
    if args.mem is not None and not args.mem > 0:
        raise _UsageError(f"--mem must be > 0 (GB); got {args.mem}")
    return {
        "executor": args.executor,
        "max_parallel": args.max_parallel,
        "partition": args.partition,
        "time": args.time,
        "gpus_per_node": args.gpus_per_node,
        "cpus": args.cpus,
        "mem": args.mem,
        "account": args.account,
    }


def _load_config(path: Path | None) -> dict:
    """A ``--config`` JSON object (strict JSON; errors name the file)."""
    from theory._results import read_json

    if path is None:
        return {}
    cfg = read_json(path, what="--config")
    if not isinstance(cfg, dict):
        raise _UsageError(f"--config {path} must hold a JSON object; got {type(cfg).__name__}")
    return cfg


def _check_dir(option: str, path: Path) -> None:
    """A folder a command writes into: a directory (or creatable under one), writable, not published."""
    from theory._results import is_published_path

    p = Path(path)
    if p.exists() and not p.is_dir():
        raise _UsageError(f"{option} {p} is a file; give a folder")
    if is_published_path(p):
        raise _UsageError(f"{option} {p} is inside docs/data or docs/figures, which hold published results")
    probe = p.absolute()
    while not probe.exists() and probe.parent != probe:
        probe = probe.parent
    if not probe.is_dir():
        raise _UsageError(f"{option} {p}: {probe} is not a folder")
    if not os.access(probe, os.W_OK | os.X_OK):
        raise _UsageError(f"{option} {p}: the folder {probe} is not writable")


def _as_device(name: str):
    from simulate.sphere import as_device

    try:
        return as_device(name, "--device")
    except (TypeError, ValueError) as exc:
        raise _UsageError(str(exc)) from None


def _command_line() -> str:
    return "python -m simulate " + " ".join(shlex.quote(a) for a in sys.argv[1:])


def _differences(have: dict, want: dict, prefix: str = "") -> list[str]:
    """The fields (dotted) where ``have`` differs from ``want``."""
    out = []
    for k in sorted(set(have) | set(want)):
        a, b = have.get(k), want.get(k)
        if isinstance(a, dict) and isinstance(b, dict):
            out += _differences(a, b, f"{prefix}{k}.")
        elif a != b:
            out.append(f"{prefix}{k} = {a!r} (published: {b!r})")
    return out


def _refuse_unpublished_config(config: dict, published: dict) -> None:
    """``--publish`` writes the documented configuration only (what ``python -m claims`` compares)."""
    diff = _differences(config, published)
    if diff:
        raise _UsageError(
            "--publish writes the documented full-size configuration only; these options change it: "
            + "; ".join(diff[:5])
        )


def report_error(command: str, exc: BaseException) -> int:
    """Print one line for ``exc`` raised by ``command``; return the exit status.

    Bad input (``ValueError``, ``TypeError``, ``KeyError``, ``OSError``: a file or folder) and torch's
    ``RuntimeError`` (an absent device, memory) exit 2; ``MemoryError`` too, with a hint; a sweep whose
    points failed (:class:`simulate.sweep.SweepError`) exits 1; an interrupt exits 130.
    """
    from simulate.sweep import SweepError

    name = f"{PROG} {command}" if command else PROG
    text = str(exc).strip()
    first = text.splitlines()[0] if text else type(exc).__name__
    if isinstance(exc, KeyboardInterrupt):
        print(f"{name}: interrupted (finished sweep points and checkpoints are kept)", file=sys.stderr)
        return 130
    if isinstance(exc, SweepError):
        print(f"{name}: error: {first}", file=sys.stderr)
        return 1
    if isinstance(exc, MemoryError):
        first = f"out of memory ({first}); reduce --N, --d or the study's sizes"
    elif isinstance(exc, OSError) and exc.filename is not None and str(exc.filename) not in first:
        first = f"{exc.filename}: {exc.strerror or first}"
    elif isinstance(exc, KeyError):
        first = first.strip("'\"")
    elif isinstance(exc, RuntimeError) and not isinstance(exc, SweepError):
        if "allocate" in first or "out of memory" in first.lower():
            first = f"out of memory: {first}; reduce --N, --d or the study's sizes"
    print(f"{name}: error: {first}", file=sys.stderr)
    return 2
