"""``python -m simulate experiment NAME``."""

from __future__ import annotations

from pathlib import Path

from simulate.cli._common import (
    _as_device,
    _command_line,
    _refuse_unpublished_config,
    nonnegative_int,
)
from theory._cli import positive_int


def _add_experiment(sub, formatter) -> None:
    from simulate.experiments import EXPERIMENTS

    p = sub.add_parser(
        "experiment",
        formatter_class=formatter,
        help="particle experiments: " + ", ".join(EXPERIMENTS),
        description="Particle experiments, each writing a JSON result (with its configuration and "
        "provenance) and a figure: "
        + "; ".join(f"{k}: {v[1]}" for k, v in EXPERIMENTS.items())
        + ".\n\nOutputs go to results/<name>.json and results/<name>.png (results/<name>-quick.* with "
        "--quick), or to --json / --png; --publish writes the published docs/data/<name>.json and "
        "docs/figures/<name>.png at full size (it refuses --quick, explicit paths and non-default "
        "--seed/--dtype/--threads).",
    )
    p.add_argument("name", choices=tuple(EXPERIMENTS), help="which experiment")
    p.add_argument("--quick", action="store_true", help="smoke sizes (seconds)")
    p.add_argument(
        "--publish", action="store_true", help="write docs/data/<name>.json, docs/figures/<name>.png"
    )
    p.add_argument("--seed", type=nonnegative_int, default=0, help="seed")
    p.add_argument("--device", default="cpu", help="torch device (cpu, cuda, cuda:1, ...)")
    p.add_argument("--dtype", choices=("float64", "float32"), default="float64")
    p.add_argument("--threads", type=positive_int, default=1, help="torch CPU threads")
    p.add_argument("--json", type=Path, metavar="OUT", help="result JSON (default: see above)")
    p.add_argument("--png", type=Path, metavar="OUT", help="figure (default: see above)")
    p.add_argument("--no-progress", action="store_true", help="no progress bars")
    p.set_defaults(func=_run_experiment)


def _run_experiment(args) -> int:
    from simulate.experiments import experiment_config, run_experiment
    from theory._results import check_outputs, output_path, refuse_quick_publish

    refuse_quick_publish(args.publish, args.quick)
    out_json = output_path(args.name, "data", publish=args.publish, quick=args.quick, given=args.json)
    out_png = output_path(
        args.name, "figures", publish=args.publish, quick=args.quick, given=args.png, option="--png"
    )
    check_outputs({"--json": out_json, "--png": out_png}, publish=args.publish)
    dev = _as_device(args.device)
    if args.publish:
        config = experiment_config(args.name, seed=args.seed, dtype=args.dtype, threads=args.threads)
        _refuse_unpublished_config(config, experiment_config(args.name))
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
        publish=args.publish,
    )
    print(summary)
    print(f"wrote {out_json} and {out_png}")
    return 0
