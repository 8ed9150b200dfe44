"""Benchmarks of theory.hgr: ``hgr_discrete`` against its old two-SVD version, ``hgr_ace`` against ``ace``.

Run on demand (not a test):
``python benchmarks/bench_hgr.py [--part discrete|ace|all] [--quick] [--out results/bench_hgr.json]``.

Part ``discrete`` (``hgr_discrete`` computes one SVD where two were computed): on random
tables of 500 x 500 to 2000 x 2000, the old implementation (a values-only SVD of Q, then a full SVD of
the deflated Q, copied below as the baseline) against the new one-SVD path (``hgr_discrete(P)``, all
singular values) and the partial path (``hgr_discrete(P, n_singular=2)``, ARPACK), in the same run:
best-of-reps times, their ratios, and the largest difference in rho and in the transforms.

Part ``ace`` needs the ``bench`` extra (``pip install ace==0.4.2``).

Same data, same run, bivariate Gaussian pairs with correlation rho = 0.6 (so rho_m = 0.6 exactly):

- speed at n = 1e3, 1e4, 1e5 of one ACE fit (the like-for-like comparison: ``ace`` gives in-sample
  transforms and we compute their correlation; ours with ``n_splits=0, n_boot=0``), and of our full
  estimator with cross-fitting (``n_splits=1``, no bootstrap). ``ace`` at n = 1e5 is skipped when its
  time at 1e4 extrapolates (x10, it is O(n) per smoother pass) beyond 2 minutes;
- error |rho_hat - 0.6| at n = 1e4 over several independent data sets (RMSE), for ``ace``, our in-sample
  fit and our cross-fitted estimate; the Cramer-Rao floor (1 - rho^2)/sqrt(n) is printed beside them;
- error at n = 1e3 for rho = 0 and 0.2, where the upward bias of in-sample smoothing shows.

Goal: at least 50x faster at n = 1e4 and a smaller error.
"""

from __future__ import annotations

import contextlib
import io
import math
import platform
import time
from pathlib import Path

import numpy as np
from tqdm import tqdm

from theory._cli import benchmark_parser
from theory._io import atomic_write_json
from theory.hgr import hgr_ace, hgr_discrete

RHO = 0.6


def _data(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(n)
    y = RHO * x + math.sqrt(1 - RHO * RHO) * rng.standard_normal(n)
    return x, y


def run_ace_package(x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """(time in s, correlation of the fitted transforms) for the PyPI ``ace`` package."""
    from ace import ace as ace_mod

    solver = ace_mod.ACESolver()
    solver.specify_data_set([x], y)
    t0 = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()):  # it prints every iteration
        solver.solve()
    dt = time.perf_counter() - t0
    phi = np.sum(solver.x_transforms, axis=0)
    return dt, float(abs(np.corrcoef(phi, solver.y_transform)[0, 1]))


def run_ours(x: np.ndarray, y: np.ndarray, *, crossfit: bool, reps: int = 1) -> tuple[float, float]:
    """(best-of-reps time in s, estimate) for ``hgr_ace``."""
    best, rho = math.inf, math.nan
    for _ in range(reps):
        t0 = time.perf_counter()
        res = hgr_ace(x, y, seed=0, n_splits=1 if crossfit else 0, n_boot=0)
        best = min(best, time.perf_counter() - t0)
        rho = res.rho
    return best, rho


def hgr_discrete_two_svds(joint: np.ndarray) -> tuple[float, np.ndarray, np.ndarray]:
    """The baseline: ``hgr_discrete`` before the fix (a values-only SVD of Q, then a full SVD of Q2)."""
    P = np.asarray(joint, dtype=np.float64)
    P = P / P.sum()
    px, py = P.sum(axis=1), P.sum(axis=0)
    sx, sy = px > 0, py > 0
    Ps = P[np.ix_(sx, sy)]
    rx, ry = np.sqrt(px[sx]), np.sqrt(py[sy])
    Q = Ps / rx[:, None] / ry[None, :]
    np.linalg.svd(Q, compute_uv=False)  # the first, redundant SVD
    U2, s2, Vt2 = np.linalg.svd(Q - np.outer(rx, ry), full_matrices=False)
    f = np.zeros(P.shape[0])
    g = np.zeros(P.shape[1])
    f[sx], g[sy] = U2[:, 0] / rx, Vt2[0] / ry
    if float(f[sx] @ Ps @ g[sy]) < 0:
        f, g = -f, -g
    return float(min(max(s2[0], 0.0), 1.0)), f, g


def _best_time(fn, reps: int):
    best, out = math.inf, None
    for _ in range(reps):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def _aligned_diff(a: np.ndarray, b: np.ndarray) -> float:
    """max |a - b| up to the joint sign of (f, g)."""
    return float(min(np.abs(a - b).max(), np.abs(a + b).max()))


def bench_discrete(quick: bool) -> list[dict]:
    """Old two-SVD hgr_discrete against the one-SVD and the partial-SVD paths, same tables, same run."""
    sizes = (500, 1000) if quick else (500, 1000, 2000)
    reps = 1 if quick else 3
    print("== hgr_discrete: old (two SVDs) vs one SVD vs partial SVD (n_singular=2); best of", reps, "==")
    print(
        f"{'table':>11} {'old [s]':>9} {'one SVD [s]':>12} {'ratio':>7} {'partial [s]':>12} {'ratio':>8} "
        f"{'|d rho|':>9} {'|d f|':>9}"
    )
    rows = []
    for n in sizes:
        P = np.random.default_rng(n).random((n, n)) ** 3
        t_old, (rho_old, f_old, _) = _best_time(lambda P=P: hgr_discrete_two_svds(P), reps)
        t_one, one = _best_time(lambda P=P: hgr_discrete(P), reps)
        t_part, part = _best_time(lambda P=P: hgr_discrete(P, n_singular=2), reps)
        d_rho = max(abs(one.rho - rho_old), abs(part.rho - rho_old))
        d_f = max(_aligned_diff(one.f, f_old), _aligned_diff(part.f, f_old))
        print(
            f"{n:>5} x {n:<5} {t_old:>9.3f} {t_one:>12.3f} {t_old / t_one:>7.2f} {t_part:>12.4f} "
            f"{t_old / t_part:>8.1f} {d_rho:>9.1e} {d_f:>9.1e}"
        )
        rows.append(
            {
                "n_x": n,
                "n_y": n,
                "old_two_svds_s": t_old,
                "one_svd_s": t_one,
                "partial_svd_s": t_part,
                "ratio_old_over_one_svd": t_old / t_one,
                "ratio_old_over_partial": t_old / t_part,
                "max_abs_diff_rho": d_rho,
                "max_abs_diff_f": d_f,
            }
        )
    return rows


def main(argv: list[str] | None = None) -> int:
    p = benchmark_parser(__doc__)
    p.add_argument("--part", choices=("discrete", "ace", "all"), default="all", help="which benchmark")
    p.add_argument("--quick", action="store_true", help="fewer replications and sizes")
    p.add_argument("--out", type=Path, default=None, help="write the numbers as JSON here")
    args = p.parse_args(argv)
    out: dict = {"python": platform.python_version(), "numpy": np.__version__}
    if args.part in ("discrete", "all"):
        out["hgr_discrete"] = bench_discrete(args.quick)
    if args.part in ("ace", "all"):
        try:
            import ace  # noqa: F401
        except ImportError:
            if args.part == "ace":
                raise SystemExit("the baseline needs the bench extra: pip install ace==0.4.2") from None
            print("\n(ace part skipped: the baseline needs the bench extra, pip install ace==0.4.2)")
        else:
            out["ace"] = bench_ace(args.quick)
    if args.out:
        atomic_write_json(args.out, out)
        print(f"wrote {args.out}")
    return 0


def bench_ace(quick: bool) -> dict:
    """hgr_ace against the PyPI package ``ace`` (speed and error), as before."""
    out: dict = {"rho": RHO, "speed": [], "error": {}}
    print(f"== speed (rho = {RHO}); times are best of 3 for ours, one run for ace ==")
    print(
        f"{'n':>8} {'ace [s]':>10} {'ours fit [s]':>13} {'ratio':>8} {'ours cross-fit [s]':>19} {'ratio':>8}"
    )
    ace_time_1e4 = None
    for n in (1_000, 10_000, 100_000):
        x, y = _data(n, seed=n)
        t_fit, _ = run_ours(x, y, crossfit=False, reps=3)
        t_cf, _ = run_ours(x, y, crossfit=True, reps=3)
        skip = n == 100_000 and (quick or ace_time_1e4 is None or 10 * ace_time_1e4 > 120)
        if skip:
            t_ace = math.nan
            reason = "skipped: " + (
                "--quick" if quick else f"extrapolated {10 * (ace_time_1e4 or math.inf):.0f} s > 2 min"
            )
        else:
            t_ace, _ = run_ace_package(x, y)
            reason = ""
        if n == 10_000:
            ace_time_1e4 = t_ace
        print(
            f"{n:>8} {t_ace:>10.3f} {t_fit:>13.4f} {t_ace / t_fit:>8.1f} {t_cf:>19.4f} {t_ace / t_cf:>8.1f} "
            f"{reason}"
        )
        out["speed"].append(
            {"n": n, "ace_s": t_ace, "ours_fit_s": t_fit, "ours_crossfit_s": t_cf, "note": reason}
        )

    n, R = 10_000, (3 if quick else 30)
    print(f"\n== error at n = {n}, rho = {RHO}, {R} independent data sets ==")
    errs = {"ace": [], "ours_fit": [], "ours_crossfit": [], "pearson": []}
    for r in tqdm(range(R), desc="replications", leave=False):
        x, y = _data(n, seed=10_000 + r)
        errs["ace"].append(run_ace_package(x, y)[1] - RHO)
        errs["ours_fit"].append(run_ours(x, y, crossfit=False)[1] - RHO)
        errs["ours_crossfit"].append(run_ours(x, y, crossfit=True)[1] - RHO)
        errs["pearson"].append(abs(np.corrcoef(x, y)[0, 1]) - RHO)
    floor = (1 - RHO * RHO) / math.sqrt(n)
    for k, v in errs.items():
        v = np.asarray(v)
        rmse, bias = float(np.sqrt(np.mean(v**2))), float(v.mean())
        out["error"][k] = {"rmse": rmse, "bias": bias, "errors": v.tolist()}
        print(f"{k:>14}: rmse {rmse:.4f}  bias {bias:+.4f}  max |err| {np.abs(v).max():.4f}")
    print(f"{'Cramer-Rao sd':>14}: {floor:.4f} (no estimator of rho beats it on average)")
    out["error"]["cramer_rao_sd"] = floor
    # where in-sample smoothing bias matters: small n, weak dependence (rho_m = |rho| exactly)
    out["error_small_n"] = {}
    for rho_w in (0.0, 0.2):
        n_s = 1_000
        e = {"ace": [], "ours_fit": [], "ours_crossfit": []}
        for r in tqdm(range(R), desc=f"rho={rho_w}, n={n_s}", leave=False):
            rng = np.random.default_rng(20_000 + r)
            x = rng.standard_normal(n_s)
            y = rho_w * x + math.sqrt(1 - rho_w * rho_w) * rng.standard_normal(n_s)
            e["ace"].append(run_ace_package(x, y)[1] - rho_w)
            e["ours_fit"].append(run_ours(x, y, crossfit=False)[1] - rho_w)
            e["ours_crossfit"].append(run_ours(x, y, crossfit=True)[1] - rho_w)
        print(f"\n== error at n = {n_s}, rho = {rho_w}, {R} data sets (in-sample bias regime) ==")
        out["error_small_n"][str(rho_w)] = {}
        for k, v in e.items():
            v = np.asarray(v)
            rmse, bias = float(np.sqrt(np.mean(v**2))), float(v.mean())
            out["error_small_n"][str(rho_w)][k] = {"rmse": rmse, "bias": bias}
            print(f"{k:>14}: rmse {rmse:.4f}  bias {bias:+.4f}")
    sp = next(s for s in out["speed"] if s["n"] == 10_000)
    ratio = sp["ace_s"] / sp["ours_fit_s"]
    # paired comparison of squared errors at rho = 0.6, n = 1e4 (same data sets): mean and its se
    d2 = np.asarray(errs["ours_crossfit"]) ** 2 - np.asarray(errs["ace"]) ** 2
    diff, diff_se = float(d2.mean()), float(d2.std(ddof=1) / math.sqrt(d2.size))
    if diff < -2 * diff_se:
        verdict = "met"
    elif diff > 2 * diff_se:
        verdict = "NOT met"
    else:
        verdict = "tie within noise (both at the Cramer-Rao floor)"
    print(
        f"\nsquared-error difference ours_crossfit - ace at rho = 0.6, n = 1e4: {diff:+.2e} +- {diff_se:.1e}"
    )
    print(
        f"goal: >= 50x at n = 1e4 -> {ratio:.0f}x ({'met' if ratio >= 50 else 'NOT met'}); "
        f"smaller error at rho = 0.6 -> {verdict}"
    )
    out["goal"] = {"speedup_1e4": ratio, "sq_error_diff": diff, "sq_error_diff_se": diff_se, "error": verdict}
    return out


if __name__ == "__main__":
    raise SystemExit(main())
