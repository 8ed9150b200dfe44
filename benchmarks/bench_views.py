"""Benchmark: ``train.views.augment_images`` (the paper's SimCLR views) against kornia, in the same run.

Both sides draw one view of every image of a batch ``(n, 3, 32, 32)`` (CIFAR-10 size) with the same
parameters: RandomResizedCrop 32, scale (0.2, 1), ratio (3/4, 4/3); horizontal flip p = 0.5;
ColorJitter(0.8, 0.8, 0.8, 0.2) with p = 0.8; grayscale p = 0.2. Timing: best of ``--repeat`` calls
after one warm-up, float32, CPU threads as torch sets them. The figure reported is the ratio
kornia time / our time (> 1: ours is faster) at each batch size.

Needs kornia (``pip install kornia``; not a dependency of the package). Run on demand (not a test):
``PYTHONPATH=. python benchmarks/bench_views.py [--sizes 256 1024] [--repeat 5] [--out FILE]``.
"""

from __future__ import annotations

import argparse
import json
import time

import torch

from train.views import SIMCLR, augment_images


def best_of(fn, repeat: int) -> float:
    fn()
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[256, 1024])
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--out", default=None, help="optional JSON file for the numbers")
    args = ap.parse_args(argv)
    try:
        import kornia
        import kornia.augmentation as K
    except ImportError:
        print("kornia is not installed: pip install kornia")
        return 2
    p = SIMCLR
    kaug = K.AugmentationSequential(
        K.RandomResizedCrop((32, 32), scale=p.scale, ratio=p.ratio),
        K.RandomHorizontalFlip(p=p.flip_p),
        K.ColorJitter(p.brightness, p.contrast, p.saturation, p.hue, p=p.jitter_p),
        K.RandomGrayscale(p=p.gray_p),
    )
    rows = []
    print(f"torch {torch.__version__}, kornia {kornia.__version__}, threads {torch.get_num_threads()}")
    print(f"{'n':>6} {'ours [s]':>10} {'kornia [s]':>11} {'kornia/ours':>12}")
    for n in args.sizes:
        x = torch.rand(n, 3, 32, 32, generator=torch.Generator().manual_seed(0))
        g = torch.Generator().manual_seed(1)
        t_ours = best_of(lambda x=x, g=g: augment_images(x, g, p), args.repeat)
        t_k = best_of(lambda x=x: kaug(x), args.repeat)
        rows.append({"n": n, "ours_s": t_ours, "kornia_s": t_k, "ratio_kornia_over_ours": t_k / t_ours})
        print(f"{n:>6} {t_ours:>10.4f} {t_k:>11.4f} {t_k / t_ours:>12.2f}")
    if args.out:
        from theory._io import atomic_write_json

        atomic_write_json(args.out, {"torch": torch.__version__, "kornia": kornia.__version__, "rows": rows})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
