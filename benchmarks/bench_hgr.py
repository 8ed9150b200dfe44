"""Benchmark: ``theory.hgr.hgr_ace`` against the PyPI package ``ace`` (0.4.2, pure-Python ACE).

Run on demand (not a test): ``python benchmarks/bench_hgr.py [--quick] [--out results/bench_hgr.json]``.
Needs the ``bench`` extra (``pip install ace==0.4.2``).

Same data, same run, bivariate Gaussian pairs with correlation rho = 0.6 (so rho_m = 0.6 exactly):

- speed at n = 1e3, 1e4, 1e5 of one ACE fit (the like-for-like comparison: ``ace`` gives in-sample
  transforms and we compute their correlation; ours with ``n_splits=0, n_boot=0``), and of our full
  estimator with cross-fitting (``n_splits=1``, no bootstrap). ``ace`` at n = 1e5 is skipped when its
  time at 1e4 extrapolates (x10, it is O(n) per smoother pass) beyond 2 minutes;
- error |rho_hat - 0.6| at n = 1e4 over several independent data sets (RMSE), for ``ace``, our in-sample
  fit and our cross-fitted estimate; the Cramer-Rao floor (1 - rho^2)/sqrt(n) is printed beside them;
- error at n = 1e3 for rho = 0 and 0.2, where the upward bias of in-sample smoothing shows.

Goal (issue 4): at least 50x faster at n = 1e4 and a smaller error.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import math
import platform
import time
from pathlib import Path

import numpy as np
from tqdm import tqdm

from theory._io import atomic_write_json
from theory.hgr import hgr_ace

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


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--quick", action="store_true", help="fewer replications, no n = 1e5 for ace")
    p.add_argument("--out", type=Path, default=None, help="write the numbers as JSON here")
    args = p.parse_args(argv)
    try:
        import ace  # noqa: F401
    except ImportError:
        raise SystemExit("the baseline needs the bench extra: pip install ace==0.4.2") from None

    out: dict = {"rho": RHO, "python": platform.python_version(), "speed": [], "error": {}}
    print(f"== speed (rho = {RHO}); times are best of 3 for ours, one run for ace ==")
    print(
        f"{'n':>8} {'ace [s]':>10} {'ours fit [s]':>13} {'ratio':>8} {'ours cross-fit [s]':>19} {'ratio':>8}"
    )
    ace_time_1e4 = None
    for n in (1_000, 10_000, 100_000):
        x, y = _data(n, seed=n)
        t_fit, _ = run_ours(x, y, crossfit=False, reps=3)
        t_cf, _ = run_ours(x, y, crossfit=True, reps=3)
        skip = n == 100_000 and (args.quick or ace_time_1e4 is None or 10 * ace_time_1e4 > 120)
        if skip:
            t_ace = math.nan
            reason = "skipped: " + (
                "--quick" if args.quick else f"extrapolated {10 * (ace_time_1e4 or math.inf):.0f} s > 2 min"
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

    n, R = 10_000, (3 if args.quick else 30)
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
    if args.out:
        atomic_write_json(args.out, out)
        print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
