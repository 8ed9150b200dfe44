"""Command line of :mod:`simulate`: ``python -m simulate flow|rates|sweep|experiment ...``.

Each command is a ``_add_<name>(subparsers)`` function that registers its parser; :func:`main`
dispatches. Bad arguments print one line ``python -m simulate <command>: error: ...`` and exit 2 (no
traceback); outputs are written atomically and never over an input.
"""

from __future__ import annotations

import argparse
import json
import shlex
import sys
from pathlib import Path

from theory import __version__
from theory._cli import OneLineParser
from theory._io import repo_root

__all__ = ["COMMANDS", "build_parser", "main"]

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


# --------------------------------------------------------------------------------------------------
# rates
# --------------------------------------------------------------------------------------------------


def _add_rates(sub) -> None:
    p = sub.add_parser(
        "rates",
        help="R-d and R-N rate studies (fitted slopes, CIs over seeds, figure and JSON)",
        description="R-d: Monte Carlo distances of sqrt(d)-projections beside the exact TV (slope -1). "
        "R-N: four readings of O(N^-1/2) (Phi gap, MMD, sliced W2, batch InfoNCE), i.i.d. samples and "
        "Phi-minimising particles (simulate.rates).",
    )
    p.add_argument("--quick", action="store_true", help="small sizes (a minute): a smoke run")
    p.add_argument("--config", type=Path, help='JSON {"rd": {...}, "rn": {...}} overriding the defaults')
    p.add_argument("--seeds", type=int, help="seeds per i.i.d. point (default: config)")
    p.add_argument("--alpha", type=float, help="alpha = 1/tau of the R-N study")
    p.add_argument("--d", type=int, help="dimension of the R-N study")
    p.add_argument(
        "--json",
        type=Path,
        metavar="OUT",
        help="result JSON (default docs/data/rates.json; --quick: results/)",
    )
    p.add_argument(
        "--png", type=Path, metavar="OUT", help="figure (default docs/figures/rates.png; --quick: results/)"
    )
    _add_executor(p)
    p.set_defaults(func=_run_rates)


QUICK = {
    "rd": {
        "ds": [8, 32, 128],
        "ks": [1],
        "n_samples": 20000,
        "n_particles": 64,
        "seeds": 2,
        "max_steps": 200,
    },
    "rn": {"Ns": [16, 32, 64, 128], "Ns_flow": [16, 32, 64], "seeds": 3, "seeds_flow": 2, "max_steps": 200},
}


def _run_rates(args) -> int:
    from simulate.rates import plot_rates, rates_study
    from theory._io import atomic_savefig, atomic_write_json

    cfg = _load_config(args.config)
    if args.quick:
        cfg = {k: {**QUICK[k], **cfg.get(k, {})} for k in ("rd", "rn")}
    rn = dict(cfg.get("rn", {}))
    if args.seeds is not None:
        if args.seeds < 2:
            raise _UsageError(f"--seeds must be >= 2 (confidence intervals over seeds); got {args.seeds}")
        rn["seeds"] = args.seeds
    if args.alpha is not None:
        if not args.alpha > 0:
            raise _UsageError(f"--alpha must be > 0; got {args.alpha}")
        rn["alpha"] = args.alpha
    if args.d is not None:
        if args.d < 2:
            raise _UsageError(f"--d must be >= 2; got {args.d}")
        rn["d"] = args.d
    root = repo_root()
    # a --quick smoke run never replaces the committed study
    base_json = root / "results" / "rates-quick.json" if args.quick else root / "docs" / "data" / "rates.json"
    base_png = root / "results" / "rates-quick.png" if args.quick else root / "docs" / "figures" / "rates.png"
    out_json = args.json or base_json
    out_png = args.png or base_png
    _check_outputs([out_json, out_png], [args.config])
    sweep_dir = args.sweep_dir or root / "results" / ("rates-quick" if args.quick else "rates")
    study = rates_study(
        cfg.get("rd"),
        rn,
        out_dir=sweep_dir,
        progress=not args.no_progress,
        command=_command_line(),
        **_executor_options(args),
    )
    atomic_write_json(out_json, study)
    Path(out_json).chmod(0o644)
    atomic_savefig(plot_rates(study), out_png)
    Path(out_png).chmod(0o644)
    for name, v in study.rn["verdicts"].items():
        print(f"R-N {name}: {v}")
    for k, e in study.rd["by_k"].items():
        f = e["fit_mc"]
        print(
            f"R-d k={k}: MC TV slope {f['slope']:.3f} [{f['ci_low']:.3f}, {f['ci_high']:.3f}] (reference -1)"
        )
    print(f"wrote {out_json} and {out_png} ({study.wall_seconds:.0f} s)")
    return 0


# --------------------------------------------------------------------------------------------------
# sweep: run a named study's points only (e.g. on a cluster), summarise later with `rates`
# --------------------------------------------------------------------------------------------------


def _add_sweep(sub) -> None:
    p = sub.add_parser(
        "sweep",
        help="run the points of a study through submitit (resumable; summarise with the study command)",
        description="Run (or resume) the independent points of a study through submitit's debug, local or "
        "SLURM executor; one result file per point in --sweep-dir. Rerun to continue a killed sweep.",
    )
    p.add_argument("study", choices=("rates-rd", "rates-rn"), help="which study's points")
    p.add_argument("--quick", action="store_true", help="the small sizes of `rates --quick`")
    p.add_argument("--config", type=Path, help="JSON overriding the study's defaults")
    _add_executor(p)
    p.set_defaults(func=_run_sweep)


def _run_sweep(args) -> int:
    from simulate import rates
    from simulate.sweep import run_sweep

    cfg = _load_config(args.config)
    part = args.study.split("-")[1]
    defaults = rates.RD_DEFAULTS if part == "rd" else rates.RN_DEFAULTS
    over = {**(QUICK[part] if args.quick else {}), **cfg}
    full = {**defaults, **over}
    points = rates.rd_points(full) if part == "rd" else rates.rn_points(full)
    fn = rates.rd_point if part == "rd" else rates.rn_point
    root = repo_root()
    sweep_dir = (args.sweep_dir or root / "results" / ("rates-quick" if args.quick else "rates")) / part
    res = run_sweep(fn, points, sweep_dir, progress=not args.no_progress, **_executor_options(args))
    print(f"{len(res)} points finished in {sweep_dir}")
    return 0


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


def _check_device(name: str):
    import torch

    try:
        dev = torch.device(name)
    except RuntimeError as exc:
        raise _UsageError(f"--device {name!r} is not a torch device") from exc
    if dev.type == "cuda" and not torch.cuda.is_available():
        raise _UsageError(f"--device {name}: CUDA is not available on this machine")
    return dev


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


# --------------------------------------------------------------------------------------------------
# flow
# --------------------------------------------------------------------------------------------------


def _add_flow(sub) -> None:
    p = sub.add_parser(
        "flow",
        help="one particle flow of Phi (or J_q) from a chosen start; trajectory as JSON/CSV",
        description="Riemannian gradient descent or Adam on N particles of S^{d-1} for Phi (q = 0) or the "
        "App. D surrogate J_q = Phi - q ||m||^2, recording Phi - Phi(sigma), ||m||^2, the MMD and sliced W2 "
        "to sigma (simulate.flows.run).",
    )
    p.add_argument("--N", type=int, default=256, help="particles")
    p.add_argument("--d", type=int, default=3, help="dimension")
    p.add_argument("--alpha", type=float, default=4.0, help="alpha = 1/tau")
    p.add_argument("--q", type=float, default=0.0, help="J_q coefficient (0: Phi)")
    p.add_argument(
        "--start", choices=("uniform", "vmf", "clustered", "antipodal"), default="uniform", help="initial law"
    )
    p.add_argument("--kappa", type=float, default=20.0, help="concentration of the vmf / clustered starts")
    p.add_argument("--optimizer", choices=("gd", "adam"), default="adam")
    p.add_argument("--lr", type=float, default=0.05)
    p.add_argument("--steps", type=int, default=500)
    p.add_argument("--record-every", type=int, default=10)
    p.add_argument("--tol", type=float, help="stop at this RMS Riemannian gradient norm")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--device", default="cpu")
    p.add_argument("--dtype", choices=("float64", "float32"), default="float64")
    p.add_argument("--json", type=Path, metavar="OUT", help="trajectory JSON")
    p.add_argument("--csv", type=Path, metavar="OUT", help="trajectory CSV")
    p.add_argument("--no-progress", action="store_true")
    p.set_defaults(func=_run_flow)


def _run_flow(args) -> int:
    import torch

    from simulate.experiments import flow_phi, start_points
    from theory._io import atomic_write_json

    for name, low in (("N", 1), ("d", 2), ("steps", 0), ("record_every", 1), ("seed", 0)):
        if getattr(args, name) < low:
            raise _UsageError(f"--{name.replace('_', '-')} must be >= {low}; got {getattr(args, name)}")
    for name in ("alpha", "lr"):
        if not getattr(args, name) > 0:
            raise _UsageError(f"--{name} must be > 0; got {getattr(args, name)}")
    if args.q < 0:
        raise _UsageError(f"--q must be >= 0; got {args.q}")
    dev = _check_device(args.device)
    dtype = torch.float64 if args.dtype == "float64" else torch.float32
    x0 = start_points(args.start, args.N, args.d, seed=args.seed, kappa=args.kappa, device=dev, dtype=dtype)
    traj = flow_phi(
        x0,
        args.alpha,
        q=args.q,
        optimizer=args.optimizer,
        lr=args.lr,
        n_steps=args.steps,
        record_every=args.record_every,
        tol=args.tol,
        progress=not args.no_progress,
    )
    last = {k: v[-1] for k, v in traj.columns.items()}
    print(
        f"step {int(last['step'])}: objective {last['objective']:.6g}, "
        f"Phi - Phi(sigma) {last['phi_gap']:.3g}, "
        f"||m||^2 {last['mean_sq_norm']:.3g}"
    )
    if args.json is not None:
        out = traj.to_dict()
        out["command"] = _command_line()
        atomic_write_json(args.json, out)
        print(f"wrote {args.json}")
    if args.csv is not None:
        traj.to_csv(args.csv)
        print(f"wrote {args.csv}")
    return 0


# --------------------------------------------------------------------------------------------------


COMMANDS = (
    ("flow", _add_flow),
    ("rates", _add_rates),
    ("sweep", _add_sweep),
    ("experiment", _add_experiment),
)
"""The commands of ``python -m simulate``."""


def build_parser() -> argparse.ArgumentParser:
    """The parser of ``python -m simulate`` with the commands of :data:`COMMANDS`, in that order."""
    parser = _Parser(
        prog=_PROG,
        description="Particle flows, Monte Carlo rate studies and sweeps on spheres (torch; theory is the "
        "reference).",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="command", parser_class=_Parser)
    for _, add in COMMANDS:
        add(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    from simulate.sweep import SweepError

    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 0
    try:
        return int(args.func(args) or 0)
    except (_UsageError, ValueError, TypeError, FileNotFoundError) as exc:
        msg = str(exc).strip().splitlines()
        print(f"{_PROG} {args.command}: error: {msg[0] if msg else type(exc).__name__}", file=sys.stderr)
        return 2
    except SweepError as exc:  # points failed at run time: finished ones are kept, a rerun resumes
        print(f"{_PROG} {args.command}: error: {str(exc).splitlines()[0]}", file=sys.stderr)
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
