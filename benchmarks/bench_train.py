"""Benchmark: the training step of :mod:`train` against baselines timed in the same run.

1. InfoNCE (Eq. 2) forward + backward: ``train.objectives.infonce`` (input checks, normalisation that
   keeps the norms, logsumexp minus the diagonal: the published runs' roundings, a finiteness check)
   against the bare formulation ``F.cross_entropy(alpha u v^T, arange(N))`` (the same number in one
   fused kernel, other roundings; the ratio baseline / ours below 1 is the price of the checks and of
   reproducing the published runs bit for bit).
2. One Laplace training step (views + linear encoder + loss + Adam) with 1 thread against 2 threads
   (``RunConfig.threads``; on a shared 2-core machine one thread is faster for these small models).
3. The whole process: ``python -m train run --config laplace epochs=E --no-figures`` (data, epoch-0 and
   final evaluation, a checkpoint per epoch, metrics) against a plain PyTorch loop written here (the same
   data, linear model, batch, Adam and number of steps, its views written inline with the channel's
   distribution; no evaluation, no checkpoint), each a fresh interpreter, best of ``--process-repeat``
   after one untimed run of each (which also fills the disk cache of the channel's eta2). The ratio
   ours / plain is the price of everything ``train run`` records.

Timing: best of ``--repeat`` after one warm-up, float32, part 1 on one thread. Run on demand (not a test):
``PYTHONPATH=. python benchmarks/bench_train.py [--repeat 20] [--out FILE]``.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

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


PLAIN_LOOP = """
import math, sys, time
import torch
from train.data import make_data
from train.objectives import infonce
epochs = int(sys.argv[1])
torch.set_num_threads(1)
data = make_data("laplace", n_train=5000, n_test=2000, A=0.6)
torch.manual_seed(0)
model = torch.nn.Linear(data.x_train.shape[1], 64)
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
g = torch.Generator().manual_seed(0)
N, A, sj, p, ss = 128, 0.6, 0.2, 0.1, 0.1
def view(x0):
    x = A * x0 + math.sqrt(1 - A * A) * torch.randn(x0.shape, generator=g)
    x = x + sj * torch.randn(x.shape, generator=g)
    x = x * (torch.rand(x.shape, generator=g) >= p) / (1 - p)
    return x * torch.exp(ss * torch.randn(x.shape[0], 1, generator=g))
n = data.x_train.shape[0]
for epoch in range(epochs):
    perm = torch.randperm(n, generator=g)
    for b in range(n // N):
        x0 = data.x_train[perm[b * N:(b + 1) * N]]
        opt.zero_grad(set_to_none=True)
        infonce(model(view(x0)), model(view(x0)), 10.0).backward()
        opt.step()
print(float(infonce(model(view(x0)), model(view(x0)), 10.0)))
"""
"""A plain PyTorch training loop of the Laplace configuration (``argv[1]`` epochs)."""


def _wall(cmd: list[str], cwd: Path) -> float:
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    took = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"bench_train: {' '.join(cmd[:4])} ... failed:\n{proc.stderr[-2000:]}")
    return took


def process_bench(epochs: int, repeat: int) -> dict:
    """Whole-process wall time of ``train run`` against :data:`PLAIN_LOOP` (part 3 of the module doc)."""
    root = Path(__file__).resolve().parent.parent
    with tempfile.TemporaryDirectory() as tmp:
        ours_cmd = [sys.executable, "-m", "train", "run", "--config", "laplace", f"epochs={epochs}",
                    "progress=false", "--no-figures", "--run-dir"]  # fmt: skip
        plain_cmd = [sys.executable, "-c", PLAIN_LOOP, str(epochs)]
        ours, plain = [], []
        for i in range(repeat + 1):
            run_dir = Path(tmp) / f"run{i}"
            t_o = _wall([*ours_cmd, str(run_dir)], root)
            t_p = _wall(plain_cmd, root)
            if i:  # the first of each is a warm-up
                ours.append(t_o)
                plain.append(t_p)
        timing = [json.loads(line) for line in (run_dir / "timing.jsonl").read_text().splitlines()]
    train_s = sum(r.get("train_s", 0.0) for r in timing)
    eval_s = sum(r.get("eval_s", 0.0) for r in timing)
    return {"bench": "process", "epochs": epochs, "ours_s": min(ours), "plain_s": min(plain),
            "ratio": min(ours) / min(plain), "ours_train_s": train_s, "ours_eval_s": eval_s}  # fmt: skip


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=20)
    ap.add_argument("--out", default=None, help="optional JSON file for the numbers")
    ap.add_argument("--epochs", type=int, default=10, help="epochs of the whole-process comparison")
    ap.add_argument("--process-repeat", type=int, default=3, help="timed runs of each process")
    ap.add_argument("--skip-process", action="store_true", help="leave out the whole-process comparison")
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
    if not args.skip_process:
        r = process_bench(args.epochs, args.process_repeat)
        rows.append(r)
        print(f"whole process, laplace, {r['epochs']} epochs: train run {r['ours_s']:.2f} s (training "
              f"{r['ours_train_s']:.2f} s, evaluation {r['ours_eval_s']:.2f} s), "
              f"plain loop {r['plain_s']:.2f} s, ratio {r['ratio']:.2f}")  # fmt: skip
    if args.out:
        from theory._io import atomic_write_json

        atomic_write_json(args.out, rows)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
