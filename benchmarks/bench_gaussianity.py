"""Benchmark: the full default ``theory.gaussianity.diagnose`` against the previous implementation, same run.

Baseline: the module as it was before the split (``git show d69d8cb:theory/gaussianity.py``, identical to
the first release 3ed2507), loaded into a temporary module; its sliced W2 draws an ``n``-sample of the
fitted Gaussian and calls POT's 1-D solver (five floor replicates). The new ``diagnose`` computes the
sliced W2 exactly (Gaussian quantile function over the order-statistic cells) and tiles the
Henze-Zirkler/Mardia Gram matrix in cache.

Each measurement runs in its own subprocess (fresh caches, peak resident memory from
``resource.getrusage(RUSAGE_SELF).ru_maxrss``, reported beside the resident size right after the data
were made), on the same ``standard_normal((n, d))`` matrix, with the defaults of each version
(``diagnose(Z, seed=0)``). The new version is timed twice in its process: cold (first call: the null of
the sliced W2 is simulated) and, up to 10k rows, warm (cached). The AD, DP, Henze-Zirkler and Mardia
numbers of the two versions are compared (they must agree to rounding).

Targets: 10k x 256 in at most 1 s and 50k x 256 in at most 5 s with peak memory under 500 MB.

``new`` runs the multivariate tests on every row (the like-for-like comparison); above 10k rows a third
variant, ``new-subset``, is ``diagnose``'s default since then: the multivariate tests (time
``O(n^2 d)``, the part no exact rewrite can shorten) on 10,000 random rows (``mvn_max_rows``).

Run: ``python benchmarks/bench_gaussianity.py [--sizes 10000x256 50000x256] [--only new] [--threads 1]``.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from theory._cli import benchmark_parser

ROOT = Path(__file__).resolve().parents[1]
BASELINE_COMMIT = "d69d8cb"
#: Rows of the multivariate tests in the "new-subset" variant (diagnose(..., mvn_max_rows=SUBSET)).
SUBSET = 10_000


VARIANTS = ("old", "new", "new-subset")


def _rss_mb() -> float:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def _load_baseline():
    src = subprocess.run(
        ["git", "-C", str(ROOT), "show", f"{BASELINE_COMMIT}:theory/gaussianity.py"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    path = Path(tempfile.mkdtemp()) / "gaussianity_baseline.py"
    path.write_text(src)
    spec = importlib.util.spec_from_file_location("gaussianity_baseline", path)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod  # dataclasses look their module up
    spec.loader.exec_module(mod)
    return mod


def _summary(res) -> dict:
    m = res.multivariate
    return {
        "ad_mean": res.ad_mean,
        "ad_pass": res.ad_pass,
        "dp_mean": res.dp_mean,
        "dp_pass": res.dp_pass,
        "cv": res.cv,
        "hz_minus_1": m.hz_minus_1,
        "hz_pvalue": m.hz_pvalue,
        "mardia_skewness": m.mardia_skewness,
        "mardia_kurtosis": m.mardia_kurtosis,
        "sw2": res.sliced_wasserstein.sw2,
    }


def child(which: str, n: int, d: int) -> None:
    """Time one version in this (fresh) process and print a JSON line."""
    # "new": every row in the multivariate tests (the like-for-like comparison with "old");
    # "new-subset": diagnose's defaults (Henze-Zirkler / Mardia on MVN_MAX_ROWS = 10,000 random rows)
    kwargs = {"old": {}, "new": {"mvn_max_rows": None}, "new-subset": {"mvn_max_rows": SUBSET}}[which]
    if which == "old":
        mod = _load_baseline()
    else:
        sys.path.insert(0, str(ROOT))
        import theory.gaussianity as mod
    mod.diagnose(np.random.default_rng(1).standard_normal((100, 4)), seed=0)  # imports, small caches
    Z = np.random.default_rng(0).standard_normal((n, d))
    rss_data = _rss_mb()
    out = {"which": which, "n": n, "d": d, "rss_after_data_mb": rss_data}
    w0, c0 = time.perf_counter(), time.process_time()
    res = mod.diagnose(Z, seed=0, **kwargs)
    out["wall_s"], out["cpu_s"] = time.perf_counter() - w0, time.process_time() - c0
    if which == "new-subset" or (which == "new" and n <= SUBSET):  # cached null, second call
        w0, c0 = time.perf_counter(), time.process_time()
        mod.diagnose(Z, seed=0, **kwargs)
        out["wall_warm_s"], out["cpu_warm_s"] = time.perf_counter() - w0, time.process_time() - c0
    out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    out["numbers"] = _summary(res)
    print(json.dumps(out))


def run(which: str, n: int, d: int, threads: int | None) -> dict:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    if threads:
        env.update({k: str(threads) for k in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")})
    proc = subprocess.run(
        [sys.executable, __file__, "--child", which, "--n", str(n), "--d", str(d)],
        capture_output=True,
        text=True,
        env=env,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"{which} {n}x{d} failed:\n{proc.stderr}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = benchmark_parser(__doc__)
    ap.add_argument(
        "--sizes", nargs="+", default=["10000x256", "50000x256"], metavar="NxD", help="matrix sizes"
    )
    ap.add_argument("--only", choices=VARIANTS, help="time one variant only")
    ap.add_argument(
        "--threads",
        type=int,
        help="BLAS threads of both versions (default: the library's; 1 on a loaded machine)",
    )
    ap.add_argument("--child", choices=VARIANTS, help=argparse.SUPPRESS)
    ap.add_argument("--n", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--d", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(args.child, args.n, args.d)
        return
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(
        f"diagnose(Z, seed=0), defaults; Z standard normal; {os.cpu_count()} CPUs, BLAS threads "
        f"{args.threads or 'default'}; load average {load}"
    )
    print("wall s (CPU s); peak RSS MB (RSS after the data were made)")
    for size in args.sizes:
        n, d = (int(v) for v in size.lower().split("x"))
        variants = [w for w in VARIANTS if args.only in (None, w) and (w != "new-subset" or n > SUBSET)]
        res = {w: run(w, n, d, args.threads) for w in variants}
        for w, r in res.items():
            warm = f", warm {r['wall_warm_s']:.2f} ({r['cpu_warm_s']:.2f})" if "wall_warm_s" in r else ""
            print(
                f"  {n} x {d} {w}: {r['wall_s']:.2f} s ({r['cpu_s']:.2f}){warm}; "
                f"peak {r['peak_rss_mb']:.0f} MB (data {r['rss_after_data_mb']:.0f} MB)"
            )
        if "new-subset" in res and "old" in res:
            o, sb = res["old"], res["new-subset"]
            print(
                f"  ratio old/new-subset (multivariate tests on {SUBSET} rows): wall "
                f"{o['wall_s'] / sb['wall_s']:.1f}x cold, CPU {o['cpu_s'] / sb['cpu_s']:.1f}x cold; "
                f"peak memory {o['peak_rss_mb'] / sb['peak_rss_mb']:.2f}x"
            )
        if "old" in res and "new" in res:
            o, nw = res["old"], res["new"]
            warm = f", {o['wall_s'] / nw['wall_warm_s']:.1f}x warm" if "wall_warm_s" in nw else ""
            print(
                f"  ratio old/new: wall {o['wall_s'] / nw['wall_s']:.1f}x cold{warm}; "
                f"CPU {o['cpu_s'] / nw['cpu_s']:.1f}x cold; "
                f"peak memory {o['peak_rss_mb'] / nw['peak_rss_mb']:.2f}x"
            )
            for key in (
                "ad_mean",
                "ad_pass",
                "dp_mean",
                "dp_pass",
                "cv",
                "mardia_skewness",
                "mardia_kurtosis",
            ):
                a, b = o["numbers"][key], nw["numbers"][key]
                assert abs(a - b) <= 1e-9 * max(abs(a), 1e-300), (key, a, b)
            print(
                f"  AD/DP/CV/Mardia equal to 1e-9; HZ-1 {o['numbers']['hz_minus_1']:.6g} vs "
                f"{nw['numbers']['hz_minus_1']:.6g}; SW2 old (two-sample) {o['numbers']['sw2']:.4g}, "
                f"new (exact) {nw['numbers']['sw2']:.4g}"
            )


if __name__ == "__main__":
    main()
