"""Command line of :mod:`theory`: ``python -m theory <command> ...``.

The commands are listed in :data:`COMMANDS`; each ``_add_<name>(subparsers, formatter)`` registers its
parser and sets ``func`` to the function that runs it. :func:`theory._cli.run` dispatches and gives every
command the same error path: bad input is one line on stderr and exit status 2, never a traceback.
The claim report moved to ``python -m claims``.
"""

from __future__ import annotations

import argparse
import math
from pathlib import Path

from theory import __version__
from theory._cli import build, run
from theory._io import repo_root

__all__ = ["COMMANDS", "build_parser", "main"]


def _add_diagnose(sub, formatter) -> None:
    p = sub.add_parser(
        "diagnose",
        formatter_class=formatter,
        help="Gaussianity diagnostics of an embedding matrix (.npy, .npz, .csv)",
        description="The paper's per-coordinate Gaussianity diagnostics (CV, Anderson-Darling, "
        "D'Agostino-Pearson; Sec. 5) of an (n, d) embedding matrix, calibrated against exact "
        "Gaussianity, with random projections, Henze-Zirkler/Mardia and sliced W2 "
        "(theory.gaussianity.diagnose).",
    )
    p.add_argument("file", type=Path, help="embeddings of shape (n, d): .npy, .npz or .csv")
    p.add_argument("--key", help="array name inside a .npz (optional if it holds one array)")
    p.add_argument("--normalize", action="store_true", help="map rows to the unit sphere first")
    p.add_argument("--projections", type=int, default=0, metavar="P", help="random unit directions to test")
    p.add_argument("--seed", type=int, default=0, metavar="S", help="seed (projections, sliced W2 floor)")
    p.add_argument(
        "--null",
        choices=("asymptotic", "mc"),
        default="asymptotic",
        help="null pass probabilities: Stephens' approximation or Monte Carlo",
    )
    p.add_argument("--paper-only", action="store_true", help="only the paper's statistics (fast)")
    p.add_argument(
        "--mvn-max-rows",
        type=int,
        default=10_000,
        metavar="M",
        help="run Henze-Zirkler/Mardia on M random rows when n > M (their time grows as n^2 d); 0: all rows",
    )
    p.add_argument("--json", type=Path, metavar="OUT", help="write the full result as JSON (atomically)")
    p.set_defaults(func=_run_diagnose)


def _run_diagnose(args) -> int:
    from theory._io import atomic_write_json, refuse_overwrite
    from theory.gaussianity import diagnose, load_embeddings

    if args.projections < 0:
        raise ValueError(f"--projections must be >= 0; got {args.projections}")
    if args.seed < 0:
        raise ValueError(f"--seed must be >= 0; got {args.seed}")
    if args.mvn_max_rows < 0:
        raise ValueError(f"--mvn-max-rows must be >= 0 (0: all rows); got {args.mvn_max_rows}")
    if args.json is not None:
        refuse_overwrite(args.json, [args.file], what="--json")
    try:
        Z = load_embeddings(args.file, key=args.key)
        res = diagnose(
            Z,
            normalize=args.normalize,
            n_projections=args.projections,
            seed=args.seed,
            extras=not args.paper_only,
            null=args.null,
            mvn_max_rows=args.mvn_max_rows or None,
        )
    except (OSError, ValueError, TypeError) as exc:
        msg = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ValueError(msg if str(args.file.name) in msg else f"{args.file}: {msg}") from exc
    print(f"{args.file}" + (f" [{args.key}]" if args.key else ""))
    print(res.table())
    if args.json is not None:
        out = res.to_dict()
        out["file"] = str(args.file)
        out["key"] = args.key
        atomic_write_json(args.json, out)
        print(f"wrote {args.json}")
    return 0


def _add_figure_tv(sub, formatter) -> None:
    p = sub.add_parser(
        "figure-tv",
        formatter_class=formatter,
        help="exact TV of sqrt(d)(U_1..U_k) to N(0, I_k) vs d, with the Diaconis-Freedman bound",
        description="Exact total variation between sqrt(d)(U_1..U_k), U uniform on S^{d-1}, and N(0, I_k) "
        "vs d (log-log) for several k, the Diaconis-Freedman bound 2(k+3)/(d-k-3), the asymptote c_k/d "
        "and Monte Carlo points with error bars (theory.studies.tv.tv_vs_d_table). Writes the PNG and its "
        "numbers as CSV and JSON beside it.",
    )
    p.add_argument(
        "--out", type=Path, default=repo_root() / "results" / "figures" / "tv_vs_d.png", help="PNG file"
    )
    p.add_argument("--k", type=int, nargs="+", default=[1, 2, 3], metavar="K", help="projection dimensions")
    p.add_argument("--d-max", type=float, default=1e6, help="largest dimension of the exact curve")
    p.add_argument("--mc-d", type=int, nargs="*", default=[16, 64, 256, 1024], help="dimensions of MC points")
    p.add_argument("--mc-n", type=int, default=100_000, help="Monte Carlo samples per point")
    p.add_argument("--seed", type=int, default=0, help="seed of the Monte Carlo points")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=_run_figure_tv)


def _run_figure_tv(args) -> int:
    import csv
    import io

    import numpy as np

    from theory._io import atomic_savefig, atomic_write_json, atomic_write_text
    from theory.studies.tv import plot_tv_vs_d, tv_vs_d_table

    if args.out.suffix.lower() != ".png":
        raise ValueError(f"--out must be a .png file; got {args.out}")
    if not 8 <= args.d_max <= 1e9:
        raise ValueError(f"--d-max must be in [8, 1e9]; got {args.d_max}")
    if args.mc_n < 2 or args.seed < 0:
        raise ValueError("--mc-n must be >= 2 and --seed >= 0")
    d_values = np.unique(np.geomspace(8, args.d_max, 60).astype(np.int64))
    table = tv_vs_d_table(
        d_values, args.k, mc_d=args.mc_d, n_samples=args.mc_n, seed=args.seed, progress=not args.quiet
    )
    fig = plot_tv_vs_d(table)
    atomic_savefig(fig, args.out)
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["kind", "k", "d", "tv", "stderr", "df_bound", "c_k_over_d"])
    for r in table.exact:
        df_bound = "" if r.df_bound is None else repr(r.df_bound)
        w.writerow(["exact", r.k, r.d, repr(r.tv), "", df_bound, repr(r.c_k_over_d)])
    for r in table.mc:
        w.writerow(["mc", r.k, r.d, repr(r.tv_mc), repr(r.stderr), "", ""])
    csv_path, json_path = args.out.with_suffix(".csv"), args.out.with_suffix(".json")
    atomic_write_text(csv_path, buf.getvalue())
    atomic_write_json(
        json_path, {"command": "figure-tv", "seed": args.seed, "mc_n": args.mc_n, **table.to_dict()}
    )
    for k, c in table.c_k.items():
        print(f"k={k}: c_k = {c:.6f}")
    print(f"wrote {args.out}, {csv_path} and {json_path}")
    return 0


def _add_hgr(sub, formatter) -> None:
    p = sub.add_parser(
        "hgr",
        formatter_class=formatter,
        help="HGR maximal correlation of a probability table or of paired samples (.npy, .npz, .csv)",
        description="HGR maximal correlation rho_m (eta^2 = rho_m^2 of Prop. 1). A table (n_x, n_y) of "
        "probabilities: exact value (theory.hgr.hgr_discrete). Samples (n, p + q) with --x-cols/--y-cols: "
        "cross-fitted ACE with a bootstrap interval (theory.hgr.hgr_ace).",
    )
    p.add_argument("file", type=Path, help="a table or a sample matrix: .npy, .npz or .csv (comma separated)")
    p.add_argument("--key", help="array name inside a .npz (optional if it holds one array)")
    p.add_argument("--samples", action="store_true", help="the file holds samples (rows), not a table")
    p.add_argument("--x-cols", type=int, nargs="+", default=[0], metavar="J", help="columns of x (samples)")
    p.add_argument("--y-cols", type=int, nargs="+", default=[1], metavar="J", help="columns of y (samples)")
    p.add_argument("--n-boot", type=int, default=50, metavar="B", help="bootstrap refits (samples)")
    p.add_argument("--seed", type=int, default=0, metavar="S", help="seed (samples)")
    p.add_argument("--json", type=Path, metavar="OUT", help="write the result as JSON (atomically)")
    p.set_defaults(func=_run_hgr)


def _run_hgr(args) -> int:
    import numpy as np

    from theory._io import atomic_write_json, load_matrix, refuse_overwrite
    from theory.hgr import hgr_ace, hgr_discrete

    if args.json is not None:
        refuse_overwrite(args.json, [args.file], what="--json")
    if args.n_boot < 0:
        raise ValueError(f"--n-boot must be >= 0; got {args.n_boot}")
    try:
        M = load_matrix(args.file, key=args.key)
    except (OSError, ValueError) as exc:
        msg = str(exc).strip().splitlines()[0]
        raise ValueError(msg if args.file.name in msg else f"{args.file}: {msg}") from exc
    if args.samples:
        M = np.asarray(M, dtype=np.float64)
        for j in [*args.x_cols, *args.y_cols]:
            if not 0 <= j < M.shape[1]:
                raise ValueError(f"column {j} out of range for a matrix with {M.shape[1]} columns")
        res = hgr_ace(M[:, args.x_cols], M[:, args.y_cols], seed=args.seed, n_boot=args.n_boot)
        out = {
            "method": "ace",
            "rho": res.rho,
            "eta2": res.eta2,
            "ci_low": res.ci_low,
            "ci_high": res.ci_high,
            "ci_note": None if res.has_interval else res.interval_text(),
            "se": res.se,
            "rho_in_sample": res.rho_in_sample,
            "n": int(M.shape[0]),
            "n_iter": res.n_iter,
            "converged": res.converged,
        }
        print(f"{args.file}: {res.summary()}")
    else:
        res = hgr_discrete(M, n_singular=2)
        out = {"method": "exact", "rho": res.rho, "eta2": res.eta2, "f": res.f, "g": res.g}
        print(f"{args.file}: rho_m = {res.rho:.6f}, eta2 = {res.eta2:.6f} (exact, table {M.shape})")
    if args.json is not None:
        atomic_write_json(args.json, {"file": str(args.file), **out})
        print(f"wrote {args.json}")
    return 0


def _add_regularised_route(sub, formatter) -> None:
    p = sub.add_parser(
        "regularised-route",
        formatter_class=formatter,
        help="Lemma 1 constant, Theorem 1 thresholds and App. D q_c on the vMF family",
        description="For each dimension d: the best Lemma 1 constant C(d), beta0 = alpha(1-eta2)/(C(d-1)), "
        "the exact threshold beta* on the vMF family, and the surrogate thresholds q_c (local, from the "
        "small-kappa expansion, and global). Writes a JSON table and a figure.",
    )
    p.add_argument("--d", type=int, nargs="+", default=[3, 8, 32, 128, 512, 2048], help="dimensions")
    p.add_argument("--alpha", type=float, default=10.0, help="alpha = 1/tau")
    p.add_argument("--eta2", type=float, default=0.36, help="eta^2 (squared HGR correlation)")
    p.add_argument(
        "--out", type=Path, default=repo_root() / "results" / "regularised_route.json", help="JSON file"
    )
    p.add_argument("--figure", type=Path, default=None, help="PNG (default: beside --out)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=_run_regularised_route)


def _run_regularised_route(args) -> int:
    from theory._io import atomic_savefig, atomic_write_json
    from theory.studies.route import plot_route, route_study

    bad_d = [d for d in args.d if d < 2]
    if bad_d:
        raise ValueError(f"--d must be integers >= 2 (the sphere S^(d-1)); got {bad_d}")
    if not (math.isfinite(args.alpha) and args.alpha > 0):
        raise ValueError(f"--alpha must be a finite number > 0 (alpha = 1/tau); got {args.alpha}")
    if not (math.isfinite(args.eta2) and 0.0 <= args.eta2 <= 1.0):
        raise ValueError(f"--eta2 must be in [0, 1]; got {args.eta2}")
    if args.out.suffix.lower() != ".json":
        raise ValueError(f"--out must be a .json file; got {args.out}")
    study = route_study(args.d, args.alpha, args.eta2, progress=not args.quiet)
    atomic_write_json(args.out, study)
    fig = plot_route(study)
    fig_path = args.figure or args.out.with_suffix(".png")
    atomic_savefig(fig, fig_path)
    print(
        f"{'d':>6} {'C(d)':>9} {'beta0':>9} {'beta*':>9} {'q':>8} {'qc_loc':>9} {'qc_glob':>9}  first-order"
    )
    for r in study.rows:
        print(
            f"{r.d:>6} {r.C:>9.5f} {r.beta0:>9.4g} {r.beta_star:>9.4g} {r.q:>8.4g} "
            f"{r.qc_local:>9.5g} {r.qc_global:>9.5g}  {r.first_order}"
        )
    print(f"wrote {args.out} and {fig_path}")
    return 0


def _add_zonal_threshold(sub, formatter) -> None:
    from theory.studies.zonal_map import MAP_ALPHAS, MAP_DIMENSIONS, MAP_ETA2, SIZES

    p = sub.add_parser(
        "zonal-threshold",
        formatter_class=formatter,
        help="App. D's q_c and Theorem 1's beta* over zonal (axially symmetric) laws vs the vMF family",
        description="For each (d, alpha): the threshold q_c = inf (Phi(mu) - Phi(sigma)) / ||m||^2 over "
        "zonal laws (ring mixtures, searched) beside the vMF and local values, with the measure that "
        "attains it, and beta* over zonal densities beside the vMF value (theory.zonal). Each point is "
        "kept in --cache (resumable); the map goes to --json and its figure to --png. Values found by "
        "search: q_c an upper bound, beta* a lower bound.",
    )
    p.add_argument("--d", type=int, nargs="+", default=list(MAP_DIMENSIONS), help="dimensions")
    p.add_argument("--alpha", type=float, nargs="+", default=list(MAP_ALPHAS), help="alpha = 1/tau values")
    p.add_argument("--eta2", type=float, default=MAP_ETA2, help="eta^2 of beta* (q = alpha (1 - eta2))")
    p.add_argument(
        "--n-panels", type=int, default=SIZES["n_panels"], help="panels of the latitude grid (x4 rings)"
    )
    p.add_argument(
        "--json", type=Path, help="JSON output (None: results/zonal-map.json, docs/data/ with --publish)"
    )
    p.add_argument(
        "--png", type=Path, help="figure (None: results/zonal-map.png, docs/figures/ with --publish)"
    )
    p.add_argument("--cache", type=Path, help="folder of per-point files (None: results/zonal-map-points)")
    p.add_argument("--quick", action="store_true", help="smoke-run sizes (never published)")
    p.add_argument(
        "--publish",
        action="store_true",
        help="write docs/data/zonal-map.json and docs/figures/zonal-map.png (full grid and sizes only)",
    )
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=_run_zonal_threshold)


def _run_zonal_threshold(args) -> int:
    import time

    from theory._io import atomic_savefig, atomic_write_json
    from theory._results import check_outputs, output_path, provenance
    from theory.studies.zonal_map import (
        MAP_ALPHAS,
        MAP_DIMENSIONS,
        MAP_ETA2,
        QUICK_SIZES,
        SIZES,
        plot_zonal_map,
        zonal_map,
    )

    bad_d = [d for d in args.d if d < 2]
    if bad_d:
        raise ValueError(f"--d must be integers >= 2 (the sphere S^(d-1)); got {bad_d}")
    bad_a = [a for a in args.alpha if not (math.isfinite(a) and 0 < a <= 300)]
    if bad_a:
        raise ValueError(f"--alpha must be finite numbers in (0, 300]; got {bad_a}")
    if len(set(args.d)) != len(args.d) or len(set(args.alpha)) != len(args.alpha):
        raise ValueError("--d and --alpha must not repeat a value")
    if not (math.isfinite(args.eta2) and 0.0 <= args.eta2 <= 1.0):
        raise ValueError(f"--eta2 must be in [0, 1]; got {args.eta2}")
    if args.n_panels < 8:
        raise ValueError(f"--n-panels must be >= 8; got {args.n_panels}")
    sizes = dict(QUICK_SIZES if args.quick else SIZES)
    if not args.quick:
        sizes["n_panels"] = args.n_panels
    if args.publish:
        if args.quick or args.n_panels < SIZES["n_panels"]:
            raise ValueError(
                f"--publish refuses --quick and --n-panels below {SIZES['n_panels']}: only full-size maps "
                "are published"
            )
        if sorted(args.d) != sorted(MAP_DIMENSIONS) or sorted(args.alpha) != sorted(MAP_ALPHAS):
            raise ValueError(
                "--publish writes the full map only: drop --d and --alpha (defaults "
                f"{list(MAP_DIMENSIONS)} x {list(MAP_ALPHAS)})"
            )
        if args.eta2 != MAP_ETA2:
            raise ValueError(f"--publish writes the map at --eta2 {MAP_ETA2} only; got {args.eta2}")
    json_path = output_path("zonal-map", publish=args.publish, quick=args.quick, given=args.json)
    png_path = output_path(
        "zonal-map", "figures", publish=args.publish, quick=args.quick, given=args.png, option="--png"
    )
    check_outputs({"--json": json_path, "--png": png_path}, publish=args.publish)
    cache = args.cache or repo_root() / "results" / (
        "zonal-map-points-quick" if args.quick else "zonal-map-points"
    )
    if cache.exists() and not cache.is_dir():
        raise ValueError(f"--cache {cache} is a file; give a folder")
    t0 = time.perf_counter()
    zmap = zonal_map(args.d, args.alpha, args.eta2, sizes, cache_dir=cache, progress=not args.quiet)
    config = {
        "dimensions": list(zmap.dimensions),
        "alphas": list(zmap.alphas),
        "eta2": zmap.eta2,
        "sizes": sizes,
    }
    record = provenance(config=config, quick=args.quick, wall_seconds=time.perf_counter() - t0)
    compute = sum(p["wall_seconds"] for p in zmap.points)
    atomic_write_json(json_path, {**record, "points_wall_seconds": compute, "points": list(zmap.points)})
    atomic_savefig(plot_zonal_map(zmap), png_path)
    print(zmap.table())
    reused = sum(p["reused"] for p in zmap.points)
    print(f"wrote {json_path} and {png_path} ({reused} of {len(zmap.points)} points read from {cache})")
    return 0


COMMANDS = (
    ("diagnose", _add_diagnose),
    ("figure-tv", _add_figure_tv),
    ("hgr", _add_hgr),
    ("regularised-route", _add_regularised_route),
    ("zonal-threshold", _add_zonal_threshold),
)
"""The commands of ``python -m theory``, in the order ``--help`` lists them."""


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every command of :data:`COMMANDS`."""
    return build(
        "python -m theory",
        "Checkable statements of 'InfoNCE Induces Gaussian Distribution' (Betser et al., ICLR 2026, "
        "arXiv 2602.24012). The claim report is `python -m claims`.",
        COMMANDS,
        version=__version__,
    )


def main(argv: list[str] | None = None) -> int:
    """Run ``python -m theory``; returns the exit status (2 on bad input, with one line on stderr)."""
    return run(build_parser(), argv)


if __name__ == "__main__":  # pragma: no cover
    import sys

    sys.exit(main())
