"""Benchmark: ``train.views.augment_images`` (the paper's SimCLR views) against kornia, in the same run.

Both sides draw one view of every image of a batch ``(n, 3, 32, 32)`` (CIFAR-10 size) with the same
parameters: RandomResizedCrop 32, scale (0.2, 1), ratio (3/4, 4/3); horizontal flip p = 0.5;
ColorJitter(0.8, 0.8, 0.8, 0.2) with p = 0.8; grayscale p = 0.2. Timing: after one warm-up each,
``--repeat`` rounds that time one call of each side back to back (interleaved, so that a busy machine
slows both alike); the median and the minimum over rounds are reported, float32, CPU threads as torch
sets them (``--threads`` to fix them). The figure reported is the ratio kornia time / our time
(> 1: ours is faster) at each batch size, of the medians and of the minima.

Needs kornia (``pip install kornia``; not a dependency of the package). Run on demand (not a test):
``PYTHONPATH=. python benchmarks/bench_views.py [--sizes 256 1024] [--repeat 5] [--out FILE]``.
"""

from __future__ import annotations

import statistics
import time

import torch

from theory._cli import benchmark_parser
from train.views import SIMCLR, augment_images


def interleaved(fns: dict, repeat: int) -> dict:
    """Median and minimum seconds of each function over ``repeat`` interleaved rounds."""
    for fn in fns.values():
        fn()
    times: dict[str, list[float]] = {k: [] for k in fns}
    for _ in range(repeat):
        for k, fn in fns.items():
            t0 = time.perf_counter()
            fn()
            times[k].append(time.perf_counter() - t0)
    return {k: {"median": statistics.median(v), "min": min(v)} for k, v in times.items()}


def main(argv=None) -> int:
    ap = benchmark_parser(__doc__)
    ap.add_argument("--sizes", type=int, nargs="+", default=[256, 1024], help="batch sizes")
    ap.add_argument("--repeat", type=int, default=11, help="timed repetitions (median reported)")
    ap.add_argument("--threads", type=int, default=None, help="torch.set_num_threads (None: torch's own)")
    ap.add_argument("--out", default=None, help="optional JSON file for the numbers")
    args = ap.parse_args(argv)
    try:
        import kornia
        import kornia.augmentation as K
    except ImportError:
        print("kornia is not installed: pip install kornia")
        return 2
    if args.threads:
        torch.set_num_threads(args.threads)
    p = SIMCLR
    kaug = K.AugmentationSequential(
        K.RandomResizedCrop((32, 32), scale=p.scale, ratio=p.ratio),
        K.RandomHorizontalFlip(p=p.flip_p),
        K.ColorJitter(p.brightness, p.contrast, p.saturation, p.hue, p=p.jitter_p),
        K.RandomGrayscale(p=p.gray_p),
    )
    rows = []
    print(f"torch {torch.__version__}, kornia {kornia.__version__}, threads {torch.get_num_threads()}")
    print(f"{'n':>6} {'ours med [s]':>13} {'kornia med [s]':>15} {'ratio med':>10} {'ratio min':>10}")
    for n in args.sizes:
        x = torch.rand(n, 3, 32, 32, generator=torch.Generator().manual_seed(0))
        g = torch.Generator().manual_seed(1)
        t = interleaved(
            {"ours": lambda x=x, g=g: augment_images(x, g, p), "kornia": lambda x=x: kaug(x)}, args.repeat
        )
        r_med = t["kornia"]["median"] / t["ours"]["median"]
        r_min = t["kornia"]["min"] / t["ours"]["min"]
        rows.append(
            {
                "n": n,
                **{f"{k}_{s}_s": v[s] for k, v in t.items() for s in ("median", "min")},
                "ratio_median": r_med,
                "ratio_min": r_min,
            }
        )
        med_o, med_k = t["ours"]["median"], t["kornia"]["median"]
        print(f"{n:>6} {med_o:>13.4f} {med_k:>15.4f} {r_med:>10.2f} {r_min:>10.2f}")
    if args.out:
        from theory._io import atomic_write_json

        atomic_write_json(args.out, {"torch": torch.__version__, "kornia": kornia.__version__, "rows": rows})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
