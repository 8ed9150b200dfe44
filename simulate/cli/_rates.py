"""``python -m simulate rates`` and ``python -m simulate sweep``."""

from __future__ import annotations

from pathlib import Path

from simulate.cli._common import (
    _add_executor,
    _check_outputs,
    _command_line,
    _executor_options,
    _load_config,
    _UsageError,
)
from theory._io import repo_root

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
