"""Command line of :mod:`train`.

::

    python -m train run --config laplace d=128 tau=0.2 data.A=0.5 [--resume]
    python -m train configs
    python -m train table1 [--workers 2] [--quick] [--publish]
    python -m train grid [--executor local|debug|slurm] [--epochs 10] [--n-train 2048] [--publish]
    python -m train binary-study [--executor local|debug|slurm] [--workers 2] [--quick] [--publish]
    python -m train table2 [--n-sentences 1000] [--publish]     (the pretrained text encoder)

Results go to ``results/`` (or ``--out``); ``docs/data`` and ``docs/figures`` change only with
``--publish``, which refuses ``--quick`` and explicit paths. Every output is checked before training.
Bad input, an unusable file or device, a timeout or a torch error prints one line and exits with status 2
(never a traceback); an interrupt (Ctrl-C) checkpoints the run and exits with status 130.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

from theory import __version__
from theory._cli import Formatter, OneLineParser, positive_int

__all__ = ["main", "run_command"]


def run_command(name: str, call: Callable[[], int | None]) -> int:
    """Run ``call()``; every error becomes one line on stderr (exit 2), an interrupt exit 130."""
    try:
        return int(call() or 0)
    except KeyboardInterrupt as exc:
        from train.loop import RunInterrupted

        msg = str(exc) if isinstance(exc, RunInterrupted) else "interrupted"
        print(f"{name}: {msg}", file=sys.stderr)
        return 130
    except MemoryError as exc:
        text = str(exc).strip()
        msg = text.splitlines()[0] if text else "out of memory (reduce N, d, n_eval or the model)"
        print(f"{name}: error: {msg}", file=sys.stderr)
        return 2
    except (ValueError, TypeError, OSError, RuntimeError, KeyError, ImportError) as exc:
        text = str(exc).strip()
        msg = text.splitlines()[0] if text else type(exc).__name__
        if isinstance(exc, KeyError):
            msg = msg.strip("'\"")
        if isinstance(exc, OSError) and exc.filename and str(exc.filename) not in msg:
            msg = f"{msg}: {exc.filename}"
        print(f"{name}: error: {msg}", file=sys.stderr)
        return 2


def _parser() -> argparse.ArgumentParser:
    p = OneLineParser(
        prog="python -m train",
        description="Train InfoNCE encoders and hold them against the theory.",
        formatter_class=Formatter,
    )
    p.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = p.add_subparsers(dest="command", required=True, parser_class=OneLineParser, metavar="command")

    r = sub.add_parser(
        "run",
        help="train one configuration",
        formatter_class=Formatter,
        description="Train one named configuration with key=value overrides. The run directory is "
        "<out_dir>/<name>-<objective>-d<d>-N<N>-seed<seed>[-w<world>]-<key>, keyed by every field that "
        "changes the numbers; --resume continues the run of the same configuration (repeat the overrides). "
        "Prints one line per epoch when not on a terminal, and the final CV / AD / DP line.",
    )
    r.add_argument("--config", required=True, help="named configuration (see `python -m train configs`)")
    r.add_argument("--resume", action="store_true", help="continue the run of this configuration")
    r.add_argument("--run-dir", default=None, help="run directory (default: keyed by the configuration)")
    r.add_argument("--no-figures", action="store_true", help="write no figures at the end")
    r.add_argument(
        "overrides",
        nargs="*",
        help="key=value changes: fields of RunConfig (d, N, alpha, lr, epochs, ...), tau=T, data.KEY=VALUE",
    )

    sub.add_parser(
        "configs", help="list the named configurations", description="List named configurations.",
        formatter_class=Formatter,
    )  # fmt: skip

    t = sub.add_parser(
        "table1",
        help="train the Table-1 rows with their controls",
        formatter_class=Formatter,
        description="Train the Table-1 rows at CPU scale (each with its epoch-0 and control-objective "
        "controls; its 13 runs first, --workers at a time, each in its own process on one thread) and "
        "write results/table1.json and results/table1.png (about 2.5 minutes on 2 idle cores, several "
        "times that on a loaded machine; --publish writes docs/data/table1.json and "
        "docs/figures/table1.png, which the claims read).",
    )
    _outputs_args(t, "table1")
    t.add_argument("--runs", default="results/table1", help="folder of the run directories")
    t.add_argument(
        "--workers", type=positive_int, default=2, help="runs trained at once (one process and thread each)"
    )
    t.add_argument("--quick", action="store_true", help="tiny sizes (a smoke test, never published)")

    g = sub.add_parser(
        "grid",
        help="the Laplace d x N grid",
        formatter_class=Formatter,
        description="Train the Laplace setting over d x N (independent points through submitit, each "
        "point's file keyed by its configuration), fit the rates and write results/grid.json and "
        "results/grid.png (--publish: docs/data, docs/figures). The defaults are the published study's "
        "(about 16 minutes on 2 cores).",
    )
    _outputs_args(g, "grid")
    g.add_argument("--runs", default="results/grid", help="folder of the points and run directories")
    g.add_argument(
        "--executor", default="local", choices=["local", "debug", "slurm"], help="submitit executor"
    )
    g.add_argument("--workers", type=positive_int, default=2, help="points run at once by the local executor")
    from train._defaults import GRID_DEFAULTS as G

    g.add_argument("--epochs", type=positive_int, default=G["epochs"], help="epochs per point (paper: 150)")
    g.add_argument("--n-train", type=int, default=G["n_train"], help="training samples (paper: 20000)")
    g.add_argument("--n-test", type=int, default=G["n_test"], help="held-out samples evaluated per point")
    g.add_argument("--seed", type=int, default=G["seed"], help="seed of every point")
    g.add_argument("--d", default=",".join(map(str, G["ds"])), help="comma-separated embedding dimensions")
    g.add_argument("--N", default=",".join(map(str, G["Ns"])), help="comma-separated batch sizes")

    b = sub.add_parser(
        "binary-study",
        help="the Binary row's open choices, one factor at a time",
        formatter_class=Formatter,
        description="Train the Binary study (train.tables.binary_study): the sparsity calibrated to the "
        "paper's epoch-0 CV (p = 0.00292, no bias) beside p = 0.01 with bias and dense inputs (3 seeds "
        "each), and around it one factor at a time (Gaussian init, bias, tau 0.2, batch 256/512, lr "
        "1e-2, VICReg), 100 epochs per point through submitit, each point keyed by its configuration "
        "(a killed study resumes). Writes results/binary-study.json and .png (--publish: docs/).",
    )
    _outputs_args(b, "binary-study")
    b.add_argument("--runs", default="results/binary", help="folder of the points and run directories")
    b.add_argument(
        "--executor", default="local", choices=["local", "debug", "slurm"], help="submitit executor"
    )
    b.add_argument("--workers", type=positive_int, default=2, help="points run at once by the local executor")
    b.add_argument("--quick", action="store_true", help="tiny sizes (a smoke test, never published)")

    from train._defaults import TABLE2_DESCRIPTION as _DESCRIPTION
    from train._defaults import add_table2_arguments as add_arguments

    add_arguments(
        sub.add_parser(
            "table2", help="the pretrained text encoder (train.table2)", description=_DESCRIPTION,
            formatter_class=Formatter,
        )
    )  # fmt: skip
    return p


def _outputs_args(p: argparse.ArgumentParser, name: str) -> None:
    p.add_argument("--out", default=argparse.SUPPRESS, help=f"output JSON (default results/{name}.json)")
    p.add_argument("--figure", default=argparse.SUPPRESS, help=f"summary figure (default results/{name}.png)")
    p.add_argument("--no-figure", action="store_true", help="write no figure")
    p.add_argument(
        "--publish",
        action="store_true",
        help=f"write the published docs/data/{name}.json and docs/figures/{name}.png (no --out/--figure)",
    )


def _ints(text: str, name: str) -> tuple[int, ...]:
    try:
        vals = tuple(int(v) for v in text.split(",") if v.strip())
    except ValueError:
        raise ValueError(f"--{name} must be comma-separated integers; got {text!r}") from None
    if not vals or min(vals) < 2:
        raise ValueError(f"--{name} must be comma-separated integers >= 2; got {text!r}")
    return vals


def _figure(args) -> object:
    return False if args.no_figure else getattr(args, "figure", True)


def _run(args, argv) -> int:
    from train import distributed
    from train.config import get_config
    from train.loop import fit, run_dir_for, summary_line

    config = get_config(args.config, args.overrides)
    world = distributed.world_size_from_env()
    run_dir = args.run_dir if args.run_dir is not None else run_dir_for(config, world)
    rank0 = distributed._env_int("RANK", 0) == 0
    if args.resume and not (_has_checkpoint(run_dir)):
        raise ValueError(_no_run_to_resume(config, run_dir, args.run_dir is None))
    if rank0:
        print(f"run directory {run_dir}", flush=True)
    run = fit(
        config,
        resume=args.resume,
        run_dir=run_dir,
        figures=not args.no_figures,
        log=lambda line: print(line, flush=True),
    )
    if rank0:
        print(summary_line(run))
    return 0


def _has_checkpoint(run_dir) -> bool:
    from pathlib import Path

    return (Path(run_dir) / "checkpoint.pt").is_file()


def _no_run_to_resume(config, run_dir, default_dir: bool) -> str:
    """One line: no checkpoint to resume here, and which runs of this name exist (what differs)."""
    from pathlib import Path

    from train.loop import config_differences, inspect_run

    msg = f"--resume: no run of this configuration to continue ({run_dir} holds no checkpoint.pt)"
    if not default_dir:
        return msg
    others = []
    base = Path(config.out_dir)
    for d in sorted(base.glob(f"{config.name}-*")) if base.is_dir() else []:
        try:
            rec = inspect_run(d).config
        except ValueError:
            continue
        if rec is not None:
            diff = config_differences(rec, config)
            others.append(f"{d.name} ({'; '.join(diff[:4]) or 'same fields'})")
    if others:
        msg += f"; runs of {config.name!r} under {base}: " + ", ".join(others[:3])
        msg += "; repeat that run's overrides with --resume"
    else:
        msg += "; drop --resume to start it"
    return msg


def _table1(args, argv) -> int:
    from train.tables import table1

    out = getattr(args, "out", None)
    table1(out, figure=_figure(args), runs=args.runs, quick=args.quick, publish=args.publish,
           workers=args.workers, argv=["python -m train", *argv])  # fmt: skip
    _wrote("table1", out, args, quick=args.quick)
    return 0


def _wrote(name: str, out, args, *, quick: bool = False) -> None:
    from theory._results import output_path

    paths = [output_path(name, "data", publish=args.publish, quick=quick, given=out)]
    if _figure(args) is not False:
        fig = getattr(args, "figure", None)
        paths.append(output_path(name, "figures", publish=args.publish, quick=quick, given=fig))
    print("wrote " + " and ".join(shown_path(p) for p in paths))


def shown_path(path) -> str:
    """``path`` repository-relative inside the checkout, else as given (for messages)."""
    from pathlib import Path

    from theory._io import repo_root

    try:
        return Path(path).resolve().relative_to(repo_root().resolve()).as_posix()
    except (ValueError, OSError):
        return str(path)


def _grid(args, argv) -> int:
    from train.tables import grid

    grid(
        getattr(args, "out", None),
        figure=_figure(args),
        runs=args.runs,
        executor=args.executor,
        workers=args.workers,
        publish=args.publish,
        argv=["python -m train", *argv],
        epochs=args.epochs,
        n_train=args.n_train,
        n_test=args.n_test,
        seed=args.seed,
        ds=_ints(args.d, "d"),
        Ns=_ints(args.N, "N"),
    )
    _wrote("grid", getattr(args, "out", None), args)
    return 0


def _binary_study(args, argv) -> int:
    from train.tables import binary_study

    out = getattr(args, "out", None)
    binary_study(out, figure=_figure(args), runs=args.runs, executor=args.executor, workers=args.workers,
                 quick=args.quick, publish=args.publish, argv=["python -m train", *argv])  # fmt: skip
    _wrote("binary-study", out, args, quick=args.quick)
    return 0


def _configs(args, argv) -> int:
    from train.config import CONFIGS

    for name, c in CONFIGS.items():
        print(
            f"{name:15s} data={c.data} model={c.model} objective={c.objective} d={c.d} N={c.N} "
            f"alpha={c.alpha:g} epochs={c.epochs} {c.data_params}"
        )
    return 0


def _table2(args, argv) -> int:
    from train.table2 import run_from_args

    return run_from_args(args, argv[1:])


_COMMANDS = {
    "run": _run,
    "configs": _configs,
    "table1": _table1,
    "grid": _grid,
    "binary-study": _binary_study,
    "table2": _table2,
}


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``python -m train``; returns the exit status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    args = _parser().parse_args(argv)
    name = f"python -m train {args.command}"
    return run_command(name, lambda: _COMMANDS[args.command](args, argv))
