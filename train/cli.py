"""Command line of :mod:`train`.

::

    python -m train run --config laplace d=128 tau=0.2 data.A=0.5 [--resume]
    python -m train configs
    python -m train table1 [--out docs/data/table1.json]
    python -m train grid [--executor local|debug|slurm] [--epochs 20] [--n-train 2048]
    python -m train table2 ...        (the pretrained text encoder; train.table2)

Bad input prints one line and exits with status 2 (never a traceback).
"""

from __future__ import annotations

import argparse
import sys

from theory import __version__
from theory._cli import OneLineParser

__all__ = ["main"]


# one-line errors (exit 2), shared by every command line of the project
_Parser = OneLineParser


def _parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="python -m train", description="Train InfoNCE encoders and hold them against the theory."
    )
    p.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)

    r = sub.add_parser("run", help="train one configuration", description="Train one named configuration.")
    r.add_argument("--config", required=True, help="named configuration (see `python -m train configs`)")
    r.add_argument("--resume", action="store_true", help="continue from the run directory's checkpoint")
    r.add_argument(
        "--run-dir", default=None, help="run directory (default: <out_dir>/<name>-<objective>-...)"
    )
    r.add_argument(
        "overrides",
        nargs="*",
        help="key=value changes: fields of RunConfig (d, N, alpha, lr, epochs, ...), tau=T, data.KEY=VALUE",
    )

    sub.add_parser("configs", help="list the named configurations", description="List named configurations.")

    t = sub.add_parser(
        "table1",
        help="train the Table-1 rows with their controls",
        description="Train the Table-1 rows at CPU scale (each with its epoch-0 and control-objective "
        "controls) and write the JSON the claims checks read.",
    )
    t.add_argument("--out", default="docs/data/table1.json", help="output JSON (default: %(default)s)")
    t.add_argument(
        "--figure", default="docs/figures/table1.png", help="summary figure (default: %(default)s)"
    )
    t.add_argument("--runs", default="results/table1", help="folder of the run directories")
    t.add_argument("--quick", action="store_true", help="tiny sizes (a smoke test, not the result)")

    g = sub.add_parser(
        "grid",
        help="the Laplace d x N grid",
        description="Train the Laplace setting over d x N (independent points through submitit), fit the "
        "rates and write the JSON and figure.",
    )
    g.add_argument("--out", default="docs/data/grid.json", help="output JSON (default: %(default)s)")
    g.add_argument("--figure", default="docs/figures/grid.png", help="figure (default: %(default)s)")
    g.add_argument("--runs", default="results/grid", help="folder of the points and run directories")
    g.add_argument(
        "--executor", default="local", choices=["local", "debug", "slurm"], help="submitit executor"
    )
    g.add_argument("--workers", type=int, default=2, help="points run at once by the local executor")
    g.add_argument("--epochs", type=int, default=20, help="epochs per point (paper: 150)")
    g.add_argument("--n-train", type=int, default=2048, help="training base samples per point (paper: 20000)")
    g.add_argument("--d", default="32,64,128,256", help="comma-separated embedding dimensions")
    g.add_argument("--N", default="8,16,32,48,64,96,128", help="comma-separated batch sizes")

    sub.add_parser("table2", help="the pretrained text encoder (train.table2)", add_help=False)
    return p


def _ints(text: str, name: str) -> tuple[int, ...]:
    try:
        vals = tuple(int(v) for v in text.split(",") if v.strip())
    except ValueError:
        raise ValueError(f"--{name} must be comma-separated integers; got {text!r}") from None
    if not vals or min(vals) < 2:
        raise ValueError(f"--{name} must be comma-separated integers >= 2; got {text!r}")
    return vals


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``python -m train``; returns the exit status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["table2"]:
        try:
            from train import table2
        except ImportError as exc:
            print(f"python -m train table2: error: train.table2 is not available ({exc})", file=sys.stderr)
            return 2
        return int(table2.main(argv[1:]) or 0)
    args = _parser().parse_args(argv)
    try:
        if args.command == "configs":
            from train.config import CONFIGS

            for name, c in CONFIGS.items():
                print(
                    f"{name:15s} data={c.data} model={c.model} objective={c.objective} d={c.d} N={c.N} "
                    f"alpha={c.alpha:g} epochs={c.epochs} {c.data_params}"
                )
            return 0
        if args.command == "run":
            from train.config import get_config
            from train.loop import fit

            config = get_config(args.config, args.overrides)
            run = fit(config, resume=args.resume, run_dir=args.run_dir)
            print(run)
            return 0
        if args.command == "table1":
            from train.tables import table1

            table1(out=args.out, figure=args.figure, runs=args.runs, quick=args.quick)
            print(args.out)
            return 0
        if args.command == "grid":
            from train.tables import grid

            if args.workers < 1 or args.epochs < 1 or args.n_train < 2:
                raise ValueError("--workers and --epochs must be >= 1 and --n-train >= 2")
            grid(
                out=args.out,
                figure=args.figure,
                runs=args.runs,
                executor=args.executor,
                workers=args.workers,
                epochs=args.epochs,
                n_train=args.n_train,
                ds=_ints(args.d, "d"),
                Ns=_ints(args.N, "N"),
            )
            print(args.out)
            return 0
    except (ValueError, TypeError, FileNotFoundError, FileExistsError) as exc:
        msg = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        print(f"python -m train {args.command}: error: {msg}", file=sys.stderr)
        return 2
    return 2
