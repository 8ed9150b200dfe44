"""Benchmark: the training step of :mod:`train` against baselines timed in the same run.

1. InfoNCE (Eq. 2) forward + backward, our three-line ``train.objectives.infonce`` (logsumexp minus the
   diagonal) against the common cross-entropy formulation ``F.cross_entropy(alpha u v^T, arange(N))``
   (the same number; the ratio baseline / ours > 1 means ours is faster).
2. One Laplace training step (views + linear encoder + loss + Adam) with 1 thread against 2 threads
   (``RunConfig.threads``; on a shared 2-core machine one thread is faster for these small models).

Timing: best of ``--repeat`` after one warm-up, float32, part 1 on one thread. Run on demand (not a test):
``PYTHONPATH=. python benchmarks/bench_train.py [--repeat 20] [--out FILE]``.
"""

from __future__ import annotations

import argparse
import time

import torch
import torch.nn.functional as F

from train.data.synthetic import LaplaceViews
from train.objectives import infonce


def best_of(fn, repeat: int) -> float:
    fn()
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def _ce_infonce(z1, z2, alpha):
    u, v = F.normalize(z1, dim=1), F.normalize(z2, dim=1)
    return F.cross_entropy(alpha * u @ v.T, torch.arange(z1.shape[0]))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=20)
    ap.add_argument("--out", default=None, help="optional JSON file for the numbers")
    args = ap.parse_args(argv)
    rows = []
    g = torch.Generator().manual_seed(0)
    saved = torch.get_num_threads()
    torch.set_num_threads(1)  # both sides on one thread: a shared machine's second core is noise
    print(f"torch {torch.__version__}, threads 1 (part 1)")
    print(f"{'N':>6} {'d':>5} {'ours [ms]':>10} {'CE [ms]':>9} {'CE/ours':>8}")
    for N, d in ((128, 64), (512, 128), (2048, 256)):
        z1 = torch.randn(N, d, generator=g, requires_grad=True)
        z2 = torch.randn(N, d, generator=g, requires_grad=True)
        a = float(infonce(z1, z2, 10.0).detach())
        b = float(_ce_infonce(z1, z2, 10.0).detach())
        assert abs(a - b) < 1e-4 * max(1.0, abs(a)), (a, b)

        def ours(z1=z1, z2=z2):
            infonce(z1, z2, 10.0).backward()

        def base(z1=z1, z2=z2):
            _ce_infonce(z1, z2, 10.0).backward()

        t_o, t_b = best_of(ours, args.repeat), best_of(base, args.repeat)
        rows.append(
            {"bench": "infonce", "N": N, "d": d, "ours_s": t_o, "baseline_s": t_b, "ratio": t_b / t_o}
        )
        print(f"{N:>6} {d:>5} {1e3 * t_o:>10.3f} {1e3 * t_b:>9.3f} {t_b / t_o:>8.2f}")

    views = LaplaceViews()
    x0 = torch.randn(128, 1024, generator=g)
    model = torch.nn.Linear(1024, 64)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)

    def step():
        xa, xb = views(x0, g)
        opt.zero_grad()
        infonce(model(xa), model(xb), 10.0).backward()
        opt.step()

    times = {}
    for th in (1, 2):
        torch.set_num_threads(th)
        times[th] = best_of(step, args.repeat)
    torch.set_num_threads(saved)
    rows.append({"bench": "laplace_step", "threads1_s": times[1], "threads2_s": times[2],
                 "ratio": times[2] / times[1]})  # fmt: skip
    print(f"Laplace step (N=128, d=64): 1 thread {1e3 * times[1]:.2f} ms, 2 threads {1e3 * times[2]:.2f} ms, "
          f"ratio 2/1 = {times[2] / times[1]:.2f}")  # fmt: skip
    if args.out:
        from theory._io import atomic_write_json

        atomic_write_json(args.out, rows)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
