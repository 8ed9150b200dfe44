"""``python -m simulate experiment NAME``."""

from __future__ import annotations

from pathlib import Path

from simulate.cli._common import (
    _check_device,
    _command_line,
    _UsageError,
)
from theory._io import repo_root

# --------------------------------------------------------------------------------------------------
# experiments
# --------------------------------------------------------------------------------------------------


def _add_experiment(sub) -> None:
    from simulate.experiments import EXPERIMENTS

    p = sub.add_parser(
        "experiment",
        help="particle experiments: " + ", ".join(EXPERIMENTS),
        description="Particle experiments of issue 10, each writing a figure (docs/figures) and JSON "
        "(docs/data): " + "; ".join(f"{k}: {v[1]}" for k, v in EXPERIMENTS.items()),
    )
    p.add_argument("name", choices=tuple(EXPERIMENTS), help="which experiment")
    p.add_argument("--quick", action="store_true", help="small sizes (seconds)")
    p.add_argument("--seed", type=int, default=0, help="seed")
    p.add_argument("--device", default="cpu", help="torch device (cpu, cuda, cuda:1, ...)")
    p.add_argument("--dtype", choices=("float64", "float32"), default="float64")
    p.add_argument("--threads", type=int, default=1, help="torch CPU threads (default 1)")
    p.add_argument("--json", type=Path, metavar="OUT", help="default docs/data/<name>.json")
    p.add_argument("--png", type=Path, metavar="OUT", help="default docs/figures/<name>.png")
    p.add_argument("--no-progress", action="store_true")
    p.set_defaults(func=_run_experiment)


def _run_experiment(args) -> int:
    from simulate.experiments import run_experiment

    if args.seed < 0:
        raise _UsageError(f"--seed must be >= 0; got {args.seed}")
    if args.threads < 1:
        raise _UsageError(f"--threads must be >= 1; got {args.threads}")
    dev = _check_device(args.device)
    root = repo_root()
    if args.quick:  # a smoke run never replaces the committed result
        out_json = args.json or root / "results" / f"{args.name}-quick.json"
        out_png = args.png or root / "results" / f"{args.name}-quick.png"
    else:
        out_json = args.json or root / "docs" / "data" / f"{args.name}.json"
        out_png = args.png or root / "docs" / "figures" / f"{args.name}.png"
    summary = run_experiment(
        args.name,
        quick=args.quick,
        seed=args.seed,
        device=dev,
        dtype=args.dtype,
        json_path=out_json,
        png_path=out_png,
        progress=not args.no_progress,
        command=_command_line(),
        threads=args.threads,
    )
    print(summary)
    print(f"wrote {out_json} and {out_png}")
    return 0
