"""What the commands of ``python -m simulate`` share: executor options, config files, devices, outputs."""

from __future__ import annotations

import json
import shlex
import sys
from pathlib import Path

from theory._cli import OneLineParser

# one-line errors (exit 2), shared by every command line of the project
_Parser = OneLineParser

_PROG = "python -m simulate"


class _UsageError(ValueError):
    pass


def _add_executor(p) -> None:
    g = p.add_argument_group("execution (submitit)")
    g.add_argument(
        "--executor", choices=("debug", "local", "slurm"), default="local", help="where points run"
    )
    g.add_argument("--sweep-dir", type=Path, metavar="DIR", help="one result file per point (resumable)")
    g.add_argument("--max-parallel", type=int, metavar="J", help="jobs in flight (local: CPUs)")
    g.add_argument("--partition", help="SLURM partition")
    g.add_argument("--time", type=int, metavar="MIN", help="time limit per job in minutes")
    g.add_argument("--gpus-per-node", type=int, metavar="G")
    g.add_argument("--cpus", type=int, metavar="C", help="CPUs per task")
    g.add_argument("--mem", type=float, metavar="GB", help="memory per job in GB")
    g.add_argument("--account", help="SLURM account")
    g.add_argument("--no-progress", action="store_true", help="no progress bars")


def _executor_options(args) -> dict:
    for name in ("max_parallel", "time", "gpus_per_node", "cpus"):
        v = getattr(args, name, None)
        if v is not None and v < 1:
            raise _UsageError(f"--{name.replace('_', '-')} must be >= 1; got {v}")
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


def _check_outputs(outputs: list[Path | None], inputs: list[Path | None]) -> None:
    ins = {p.resolve() for p in inputs if p is not None}
    for o in outputs:
        if o is not None and o.resolve() in ins:
            raise _UsageError(f"output {o} is also an input; refusing to write over an input")


def _load_config(path: Path | None) -> dict:
    if path is None:
        return {}
    try:
        cfg = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise _UsageError(f"cannot read --config {path}: {exc.strerror or exc}") from exc
    except json.JSONDecodeError as exc:
        raise _UsageError(f"--config {path} is not JSON: {exc.msg} (line {exc.lineno})") from exc
    if not isinstance(cfg, dict):
        raise _UsageError(f"--config {path} must hold a JSON object")
    return cfg


def _command_line() -> str:
    return "python -m simulate " + " ".join(shlex.quote(a) for a in sys.argv[1:])


def _check_device(name: str):
    import torch

    try:
        dev = torch.device(name)
    except RuntimeError as exc:
        raise _UsageError(f"--device {name!r} is not a torch device") from exc
    if dev.type == "cuda" and not torch.cuda.is_available():
        raise _UsageError(f"--device {name}: CUDA is not available on this machine")
    return dev
