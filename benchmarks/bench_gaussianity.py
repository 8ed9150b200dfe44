"""Benchmark: ``theory.gaussianity.diagnose`` against SciPy's per-column loop, measured in the same run.

Goal (issue 2): the paper's statistics (CV + per-coordinate Anderson-Darling + D'Agostino-Pearson) on
a 10k x 256 embedding matrix at least 3x faster than the loop

    for j in range(d): scipy.stats.anderson(Z[:, j], "norm"); scipy.stats.normaltest(Z[:, j])

The full ``diagnose`` (calibration, Henze-Zirkler/Mardia on the 10k x 10k Gram matrix in blocks,
sliced W2 with its floor, 64 random projections) is timed separately for information. Both sides
produce the same numbers (checked below). Run: ``python benchmarks/bench_gaussianity.py [--n N --d D]``.
"""

from __future__ import annotations

import argparse
import time
import warnings

import numpy as np
from scipy import stats

from theory.gaussianity import AD_CRITICAL_5, DP_ALPHA, diagnose


def scipy_loop(Z: np.ndarray) -> tuple[float, float, float, float, float]:
    """The paper's statistics with SciPy, one column at a time (the baseline)."""
    d = Z.shape[1]
    ad = np.empty(d)
    p = np.empty(d)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)  # scipy >= 1.17 asks for a p-value method
        for j in range(d):
            ad[j] = stats.anderson(Z[:, j], "norm").statistic
            p[j] = stats.normaltest(Z[:, j]).pvalue
    norms = np.linalg.norm(Z, axis=1)
    cv = norms.std() / norms.mean()
    return cv, ad.mean(), np.mean(ad < AD_CRITICAL_5), p.mean(), np.mean(p > DP_ALPHA)


def best_of(fn, repeat: int):
    """Best wall-clock and CPU (process) time over ``repeat`` runs, and the last output.

    CPU time is reported too because the machine may be shared: it is less sensitive to other load.
    """
    wall, cpu, out = [], [], None
    for _ in range(repeat):
        w0, c0 = time.perf_counter(), time.process_time()
        out = fn()
        wall.append(time.perf_counter() - w0)
        cpu.append(time.process_time() - c0)
    return min(wall), min(cpu), out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=10_000)
    ap.add_argument("--d", type=int, default=256)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    Z = np.random.default_rng(0).standard_normal((args.n, args.d))
    diagnose(Z[:100, :4], extras=False)  # warm-up (imports)

    w_loop, c_loop, ref = best_of(lambda: scipy_loop(Z), args.repeat)
    w_ours, c_ours, res = best_of(lambda: diagnose(Z, extras=False), args.repeat)
    ours = (res.cv, res.ad_mean, res.ad_pass, res.dp_mean, res.dp_pass)
    np.testing.assert_allclose(ours, ref, rtol=1e-9)
    w_full, c_full, full = best_of(lambda: diagnose(Z, n_projections=64, seed=0), max(1, args.repeat // 2))

    print(f"Z: {args.n} x {args.d} float64; best of {args.repeat}: wall-clock s (CPU s)")
    print(f"  scipy per-column loop (AD + DP + CV)      {w_loop:7.3f} ({c_loop:.3f})")
    print(f"  diagnose(extras=False), same statistics   {w_ours:7.3f} ({c_ours:.3f})")
    print(f"  speed-up, goal >= 3x                      {w_loop / w_ours:7.1f}x ({c_loop / c_ours:.1f}x CPU)")
    print(f"  diagnose, full (extras, 64 projections)   {w_full:7.3f} ({c_full:.3f})")
    print(f"  full diagnose / scipy loop, time ratio    {w_full / w_loop:7.1f}  ({c_full / c_loop:.1f} CPU)")
    m = full.multivariate
    print(
        f"  result: AD mean {res.ad_mean:.4f} ({100 * res.ad_pass:.1f}% pass), DP mean {res.dp_mean:.4f} "
        f"({100 * res.dp_pass:.1f}% pass); HZ p = {m.hz_pvalue:.3g}, Mardia kurtosis p = "
        f"{m.mardia_kurtosis_pvalue:.3g}"
    )


if __name__ == "__main__":
    main()
