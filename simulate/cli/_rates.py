"""``python -m simulate rates`` and ``python -m simulate sweep``."""

from __future__ import annotations

from pathlib import Path

from simulate.cli._common import (
    _add_executor,
    _check_dir,
    _command_line,
    _executor_options,
    _load_config,
    _refuse_unpublished_config,
    _UsageError,
    finite_float,
)
from simulate.rates._config import QUICK, RULES
from theory._cli import positive_int

__all__ = ["QUICK"]

QUICK_MINUTES = "5 to 15 minutes on a shared 2-core machine"
"""Wall time of ``rates --quick`` with the local executor: 13.5 minutes measured (813 s) on a 2-core
machine at load average 7 to 10 (other jobs running); 5 to 8 minutes reported on a less loaded one."""


def _add_rates(sub, formatter) -> None:
    p = sub.add_parser(
        "rates",
        formatter_class=formatter,
        help="R-d and R-N rate studies (fitted slopes, CIs over seeds, figure and JSON)",
        description="R-d: Monte Carlo distances of sqrt(d)-projections beside the exact TV (slope -1). "
        "R-N: four readings of O(N^-1/2) (Phi gap, MMD, sliced W2, batch InfoNCE), i.i.d. samples and "
        "Phi-minimising particles (simulate.rates). A slope 'fits' a reference when its confidence "
        "interval meets the reference +- 0.05 (simulate.rates.SLOPE_MARGIN).\n\n"
        "Outputs: results/rates.json and results/rates.png (results/rates-quick.* with --quick), or "
        "--json / --png; --publish writes docs/data/rates.json and docs/figures/rates.png at the full, "
        "default configuration (it refuses --quick, explicit paths, --config, --seeds, --alpha, --d).",
    )
    p.add_argument("--quick", action="store_true", help=f"smoke sizes ({QUICK_MINUTES})")
    p.add_argument(
        "--publish", action="store_true", help="write docs/data/rates.json, docs/figures/rates.png"
    )
    p.add_argument(
        "--config", type=Path, help='JSON {"rd": {...}, "rn": {...}} overriding the defaults (keys checked)'
    )
    p.add_argument("--seeds", type=positive_int, help="seeds per i.i.d. R-N point (>= 2; default: config)")
    p.add_argument("--alpha", type=finite_float, help="alpha = 1/tau of the R-N study (default: config)")
    p.add_argument("--d", type=positive_int, help="dimension of the R-N study (default: config)")
    p.add_argument("--json", type=Path, metavar="OUT", help="result JSON (default: see above)")
    p.add_argument("--png", type=Path, metavar="OUT", help="figure (default: see above)")
    _add_executor(p)
    p.set_defaults(func=_run_rates)


def _study_overrides(args) -> dict:
    """``{"rd": ..., "rn": ...}`` from ``--config`` (keys and values checked) and the R-N flags."""
    from simulate.rates import check_config

    where = f"--config {args.config}"
    cfg = _load_config(args.config)
    unknown = sorted(set(cfg) - {"rd", "rn"})
    if unknown:
        raise _UsageError(f"{where}: unknown key(s) {', '.join(map(repr, unknown))}; known keys: rd, rn")
    out = {}
    for part in ("rd", "rn"):
        over = dict(cfg.get(part) or {})
        check_config(part, over, where=where)
        out[part] = {**(QUICK[part] if args.quick else {}), **over}
    for flag in ("seeds", "alpha", "d"):  # each flag by the rule of its key
        value = getattr(args, flag)
        if value is not None:
            out["rn"][flag] = RULES["rn"][flag](value, f"--{flag}")
    return {part: check_config(part, out[part], where="options") for part in ("rd", "rn")}


def _run_rates(args) -> int:
    from simulate.rates import plot_rates, rates_study, slope_verdict, study_config
    from theory._io import atomic_savefig, atomic_write_json, repo_root
    from theory._results import check_outputs, output_path, provenance, refuse_quick_publish

    refuse_quick_publish(args.publish, args.quick)
    cfg = _study_overrides(args)
    if args.publish:
        _refuse_unpublished_config(cfg, study_config())
    out_json = output_path("rates", "data", publish=args.publish, quick=args.quick, given=args.json)
    out_png = output_path(
        "rates", "figures", publish=args.publish, quick=args.quick, given=args.png, option="--png"
    )
    check_outputs(
        {"--json": out_json, "--png": out_png}, inputs={"--config": args.config}, publish=args.publish
    )
    sweep_dir = args.sweep_dir or repo_root() / "results" / ("rates-quick" if args.quick else "rates")
    _check_dir("--sweep-dir", sweep_dir)
    study = rates_study(
        cfg["rd"],
        cfg["rn"],
        out_dir=sweep_dir,
        progress=not args.no_progress,
        command=_command_line(),
        **_executor_options(args),
    )
    record = {
        **study.to_dict(),
        **provenance(
            config=study.config, quick=args.quick, wall_seconds=study.wall_seconds, command=_command_line()
        ),
    }
    atomic_write_json(out_json, record)
    Path(out_json).chmod(0o644)
    atomic_savefig(plot_rates(study), out_png)
    Path(out_png).chmod(0o644)
    for name, v in study.rn["verdicts"].items():
        print(f"R-N {name}: {v}")
    for k, e in study.rd["by_k"].items():
        f = e["fit_mc"]
        print(
            f"R-d k={k}: MC TV slope {f['slope']:.3f} [{f['ci_low']:.3f}, {f['ci_high']:.3f}] "
            f"{slope_verdict(f, -1.0)}"
        )
    print(f"wrote {out_json} and {out_png} ({study.wall_seconds:.0f} s)")
    return 0


# --------------------------------------------------------------------------------------------------
# sweep: run a named study's points only (e.g. on a cluster), summarise later with `rates`
# --------------------------------------------------------------------------------------------------


def _add_sweep(sub, formatter) -> None:
    p = sub.add_parser(
        "sweep",
        formatter_class=formatter,
        help="run the points of a study through submitit (resumable; summarise with the study command)",
        description="Run (or resume) the independent points of a study through submitit's debug, local or "
        "SLURM executor; one result file per point (named by a hash of the point) in --sweep-dir "
        "(default results/rates/<rd|rn>, results/rates-quick/<rd|rn> with --quick). Rerun to continue a "
        "killed sweep; a corrupt point file is recomputed. --config holds keys of the one study "
        '(e.g. {"seeds": 4} for rates-rn), not the {"rd": ..., "rn": ...} file of `rates --config`.',
    )
    p.add_argument("study", choices=("rates-rd", "rates-rn"), help="which study's points")
    p.add_argument("--quick", action="store_true", help="the smoke sizes of `rates --quick`")
    p.add_argument("--config", type=Path, help="JSON overriding the study's defaults (keys checked)")
    _add_executor(p)
    p.set_defaults(func=_run_sweep)


def _run_sweep(args) -> int:
    from simulate import rates
    from simulate.sweep import run_sweep
    from theory._io import repo_root

    part = args.study.split("-")[1]
    where = f"--config {args.config}"
    cfg = _load_config(args.config)
    if cfg and set(cfg) <= {"rd", "rn"}:
        raise _UsageError(
            f"{where} holds {{'rd': ..., 'rn': ...}} (a `rates --config` file); sweep {args.study} takes the "
            f"keys of the {part} study alone: {', '.join(rates.check_config(part, {}))}"
        )
    full = rates.check_config(part, {**(QUICK[part] if args.quick else {}), **cfg}, where=where)
    points = rates.rd_points(full) if part == "rd" else rates.rn_points(full)
    fn = rates.rd_point if part == "rd" else rates.rn_point
    base = args.sweep_dir or repo_root() / "results" / ("rates-quick" if args.quick else "rates")
    sweep_dir = Path(base) / part
    _check_dir("--sweep-dir", sweep_dir)
    res = run_sweep(fn, points, sweep_dir, progress=not args.no_progress, **_executor_options(args))
    print(f"{len(res)} points finished in {sweep_dir}")
    return 0
