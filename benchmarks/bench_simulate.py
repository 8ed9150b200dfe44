"""Speed and memory of the streaming Phi, each figure against a baseline timed in the same run.

Run on demand: ``python benchmarks/bench_simulate.py [--quick] [--json out.json]``. Prints a table;
asserts nothing. Figures (float32, ``alpha = 10``):

1. Phi value + gradient at ``N = 8192, d = 128``: :func:`simulate.phi_and_grad` (each kernel) against
   torch autograd on the materialised ``N x N`` matrix (goal: >= 2.5x faster).
2. The same against the matmul roofline: ``6 N^2 d`` flops at the best float32 GEMM rate measured in
   this run on the shapes the kernel multiplies (``(B, d) x (d, B)``, ``(B, B) x (B, d)`` and
   ``(B, B)^T x (B, d)``); goal >= 60%. The symmetric kernel performs ``4 N^2 d`` flops (it uses
   ``G = G^T``), so its fraction of that roofline can exceed 1; its GEMM efficiency
   (``4 N^2 d`` at the best rate over its time) says what is left.
3. ``N = 131072, d = 128`` value and gradient in a subprocess: peak resident memory (``VmHWM``)
   against the 4 GiB budget and the size of the materialised matrix, time against the ``N = 8192``
   time scaled by ``(131072 / 8192)^2`` (the O(N^2) law).
4. One Riemannian gradient-flow step at ``N = 8192`` against ``phi_and_grad`` alone and the
   materialised baseline.

``--threads-crossover`` instead times ``phi_and_grad`` (float64, ``alpha = 10``) on one thread against two
(two worker threads, or one GEMM on two intra-op threads where there is one block pair) over a grid of
``N`` and ``d``, and prints the smallest ``N * N * d`` from which two threads win at every larger grid
point: the measurement behind ``simulate.energies.SMALL_WORK``.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import subprocess
import sys
import threading
import time
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from simulate.energies import DEFAULT_BLOCK, Energy, phi_and_grad  # noqa: E402
from simulate.flows import gradient_flow  # noqa: E402
from simulate.sphere import sample_uniform  # noqa: E402
from theory._io import atomic_write_json  # noqa: E402

ALPHA = 10.0
GIB = 1024**3


CPU_TIMES: dict = {}
"""Process CPU seconds (all threads) of the fastest repeat of each timed call, by label: on a machine
shared with other jobs the wall clock includes time slices given to them, the CPU time does not."""


def _best(fn, repeat: int, label: str | None = None) -> float:
    """Best wall-clock time over ``repeat`` calls (the CPU time of that call goes to ``CPU_TIMES``)."""
    times = []
    for _ in range(repeat):
        c0 = time.process_time()
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0, time.process_time() - c0))
    wall, cpu = min(times)
    if label is not None:
        CPU_TIMES[label] = cpu
    return wall


def _materialised(x: torch.Tensor, alpha: float):
    xx = x.detach().clone().requires_grad_(True)
    value = torch.logsumexp(alpha * (xx @ xx.T), dim=1).mean() - math.log(x.shape[0])
    value.backward()
    return value.detach(), xx.grad


def _gemm_rate(x: torch.Tensor, B: int, repeat: int) -> dict:
    """Best float32 GEMM rates (flop/s) on the kernel's three shapes, with the kernel's own calls.

    Two ways of using the cores, both measured: one GEMM on all intra-op threads, and one single-threaded
    GEMM per worker thread at the same time (what the symmetric kernel does); each the best of
    ``repeat`` runs of 8 GEMMs.
    """
    d = x.shape[1]
    T = torch.get_num_threads()
    xi, xj = x[:B], x[B : 2 * B]
    shift = torch.full((1, 1), -ALPHA, dtype=x.dtype)
    flops = 2.0 * B * B * d
    calls = {
        "(B,d)x(d,B)": lambda E, out: torch.addmm(shift, xi, xj.T, alpha=ALPHA, out=E),
        "(B,B)x(B,d)": lambda E, out: out.addmm_(E, xj),
        "(B,B)^Tx(B,d)": lambda E, out: out.addmm_(E.T, xi),
    }
    rates = {}
    for name, call in calls.items():
        E = torch.rand(B, B, dtype=x.dtype)
        out = torch.zeros(B, d, dtype=x.dtype)

        def eight(call=call, E=E, out=out):
            for _ in range(8):
                call(E, out)

        rates[f"{name} intra-op"] = 8 * flops / _best(eight, repeat)

        bufs = [(torch.rand(B, B, dtype=x.dtype), torch.zeros(B, d, dtype=x.dtype)) for _ in range(T)]

        def workers(call=call, bufs=bufs):
            def work(k):
                torch.set_num_threads(1)
                for _ in range(8):
                    call(*bufs[k])

            threads = [threading.Thread(target=work, args=(k,)) for k in range(T)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()

        rates[f"{name} {T} workers"] = T * 8 * flops / _best(workers, repeat)
    return rates


def _peak_rss_bytes() -> int:
    """Peak resident memory of this process: ``VmHWM`` of ``/proc/self/status`` where it exists.

    ``getrusage(...).ru_maxrss`` is kept across ``execve`` on Linux, so in a child it also counts the
    parent's resident memory at fork time; ``VmHWM`` belongs to the child's own address space.
    """
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def _large(N: int, d: int) -> dict:
    """Child process: value and gradient at N (float32); time and peak RSS."""
    x = sample_uniform(N, d, generator=0, dtype=torch.float32)
    rss0 = _peak_rss_bytes()
    t0 = time.perf_counter()
    value, grad = phi_and_grad(x, ALPHA)
    t = time.perf_counter() - t0
    peak = _peak_rss_bytes()
    return {
        "N": N,
        "d": d,
        "seconds": t,
        "peak_rss_bytes": peak,
        "ru_maxrss_bytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
        "rss_before_bytes": rss0,
        "value": float(value),
        "grad_finite": bool(torch.isfinite(grad).all()),
    }


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--N", type=int, default=8192)
    ap.add_argument("--d", type=int, default=128)
    ap.add_argument("--large-N", type=int, default=131072)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--block-size", type=int, default=DEFAULT_BLOCK)
    ap.add_argument("--skip-large", action="store_true")
    ap.add_argument("--quick", action="store_true", help="N = 2048, large N = 16384 (smoke run)")
    ap.add_argument("--json", type=Path, default=None, help="also write the figures as strict JSON")
    ap.add_argument("--_child", type=int, default=None, help=argparse.SUPPRESS)
    ap.add_argument(
        "--threads-crossover", action="store_true", help="one thread against two over N and d (SMALL_WORK)"
    )
    args = ap.parse_args(argv)
    if args.threads_crossover:
        return _threads_crossover(args.repeat, args.json)
    if args._child is not None:
        print(json.dumps(_large(args._child, args.d)))
        return 0
    if args.quick:
        args.N, args.large_N = 2048, 16384
    N, d, B, r = args.N, args.d, min(args.block_size, args.N), args.repeat
    out: dict = {"N": N, "d": d, "alpha": ALPHA, "block_size": B, "threads": torch.get_num_threads()}
    out["torch"] = torch.__version__
    x = sample_uniform(N, d, generator=0, dtype=torch.float32)

    # 1. against the materialised matrix
    t_mat = _best(lambda: _materialised(x, ALPHA), r, "materialised")
    _, g_ref = _materialised(x.double(), ALPHA)
    kernels = {}
    for method in ("symmetric", "flash", "rowblock"):
        t = _best(lambda m=method: phi_and_grad(x, ALPHA, block_size=B, method=m), r, method)
        _, g = phi_and_grad(x, ALPHA, block_size=B, method=method)
        err = float((g.double() - g_ref).abs().max() / g_ref.abs().max())
        kernels[method] = {"seconds": t, "speedup_vs_materialised": t_mat / t, "grad_rel_err_vs_f64": err}
    t_ours = kernels["symmetric"]["seconds"]
    out["materialised_seconds"] = t_mat
    out["kernels"] = kernels

    # 2. roofline
    rates = _gemm_rate(x, B, max(r, 5))
    best_rate = max(rates.values())
    t_roof6 = 6.0 * N * N * d / best_rate
    out["gemm_rates_flops"] = rates
    out["roofline_6N2d_seconds"] = t_roof6
    out["fraction_of_roofline_6N2d"] = t_roof6 / t_ours
    out["symmetric_gemm_efficiency_4N2d"] = (4.0 * N * N * d / best_rate) / t_ours
    out["materialised_fraction_of_roofline_6N2d"] = t_roof6 / t_mat

    # 4. one flow step
    init, step = gradient_flow(Energy.phi(ALPHA), lr=0.1)
    state = init(x)
    t_step = _best(lambda: step(state), r, "flow_step")
    out["flow_step_seconds"] = t_step
    out["flow_step_over_phi_and_grad"] = t_step / t_ours
    out["flow_step_speedup_vs_materialised"] = t_mat / t_step

    # 3. large N in a subprocess
    if not args.skip_large:
        env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
        cmd = [sys.executable, str(Path(__file__).resolve()), "--_child", str(args.large_N), "--d", str(d)]
        res = subprocess.run(cmd, capture_output=True, text=True, env=env, check=True)
        big = json.loads(res.stdout.strip().splitlines()[-1])
        big["peak_rss_gib"] = big["peak_rss_bytes"] / GIB
        big["peak_over_4gib"] = big["peak_rss_bytes"] / (4 * GIB)
        big["peak_over_materialised_matrix"] = big["peak_rss_bytes"] / (4.0 * args.large_N**2)
        scale = (args.large_N / N) ** 2
        big["seconds_over_scaled_small"] = big["seconds"] / (t_ours * scale)
        out["large"] = big

    out["cpu_seconds"] = dict(CPU_TIMES)
    out["cpu_speedup_vs_materialised"] = {
        k: CPU_TIMES["materialised"] / v for k, v in CPU_TIMES.items() if k != "materialised"
    }
    out["load_average"] = os.getloadavg()
    _print(out)
    if args.json is not None:
        atomic_write_json(args.json, out)
    return 0


CROSSOVER_NS = (64, 128, 256, 512, 1024, 2048, 4096, 8192)
CROSSOVER_DS = (3, 16, 128)


def _threads_crossover(repeat: int, json_path) -> int:
    """Time phi_and_grad on 1 and 2 threads over ``CROSSOVER_NS x CROSSOVER_DS`` (the cut-off disabled
    for the 2-thread runs), interleaved so that a change of the machine's load hits both alike."""
    import simulate.energies._common as common

    saved = (common.SMALL_WORK, torch.get_num_threads())
    rows = []
    try:
        for d in CROSSOVER_DS:
            for N in CROSSOVER_NS:
                x = sample_uniform(N, d, generator=0)
                t = {1: [], 2: []}
                for _ in range(max(repeat, 5)):
                    for n in (1, 2):
                        torch.set_num_threads(n)
                        common.SMALL_WORK = 0 if n == 2 else saved[0]
                        t[n].append(_best(lambda x=x: phi_and_grad(x, ALPHA), 1))
                one, two = min(t[1]), min(t[2])
                rows.append({"N": N, "d": d, "work": N * N * d, "one_thread_s": one, "two_threads_s": two})
                print(
                    f"N = {N:5d}  d = {d:3d}  N^2 d = {N * N * d:11d}  1 thread {one * 1e3:9.3f} ms  "
                    f"2 threads {two * 1e3:9.3f} ms  ratio {one / two:5.2f}",
                    flush=True,
                )
    finally:
        common.SMALL_WORK = saved[0]
        torch.set_num_threads(saved[1])
    rows.sort(key=lambda r: r["work"])
    crossover = None
    for i, r in enumerate(rows):
        if all(s["two_threads_s"] < s["one_thread_s"] for s in rows[i:]):
            crossover = r["work"]
            break
    out = {
        "rows": rows,
        "crossover_work": crossover,
        "load_average": os.getloadavg(),
        "torch": torch.__version__,
    }
    print(
        f"two threads win at every grid point from N^2 d = {crossover} on (load average "
        f"{', '.join(f'{v:.1f}' for v in out['load_average'])}; SMALL_WORK is {saved[0]})"
    )
    if json_path is not None:
        atomic_write_json(json_path, out)
    return 0


def _print(o: dict) -> None:
    N, d = o["N"], o["d"]
    lines = [
        f"Phi value + gradient, N = {N}, d = {d}, float32, alpha = {o['alpha']}, B = {o['block_size']}, "
        f"{o['threads']} threads, torch {o['torch']}",
        f"  materialised N x N + autograd        {o['materialised_seconds']:.3f} s (baseline)",
    ]
    for m, k in o["kernels"].items():
        lines.append(
            f"  phi_and_grad[{m:9s}]              {k['seconds']:.3f} s  "
            f"{k['speedup_vs_materialised']:.2f}x faster "
            f"(grad rel. err vs float64 {k['grad_rel_err_vs_f64']:.1e})"
        )
    rates = ", ".join(f"{s} {v / 1e9:.1f} GF/s" for s, v in o["gemm_rates_flops"].items())
    lines += [
        f"  float32 GEMM rates here: {rates}",
        f"  roofline: 6 N^2 d at the best rate   {o['roofline_6N2d_seconds']:.3f} s",
        f"  roofline / symmetric kernel time     {o['fraction_of_roofline_6N2d']:.0%} "
        f"(materialised: {o['materialised_fraction_of_roofline_6N2d']:.0%})",
        f"  GEMM efficiency on the kernel's own 4 N^2 d flops: {o['symmetric_gemm_efficiency_4N2d']:.0%}",
        f"  one gradient-flow step               {o['flow_step_seconds']:.3f} s "
        f"({o['flow_step_over_phi_and_grad']:.2f}x phi_and_grad; "
        f"{o['flow_step_speedup_vs_materialised']:.2f}x faster than the materialised gradient)",
    ]
    cpu = ", ".join(f"{k} {v:.2f}x" for k, v in o["cpu_speedup_vs_materialised"].items())
    lines.append(f"  speedups in process CPU time: {cpu}")
    lines.append(
        "  load average (1, 5, 15 min) at the end: " + ", ".join(f"{v:.1f}" for v in o["load_average"])
    )
    if "large" in o:
        b = o["large"]
        lines += [
            f"N = {b['N']}, d = {b['d']}: {b['seconds']:.1f} s = {b['seconds_over_scaled_small']:.2f}x the "
            f"N = {N} time scaled by N^2",
            f"  peak RSS {b['peak_rss_gib']:.2f} GiB = {b['peak_over_4gib']:.0%} of 4 GiB = "
            f"{b['peak_over_materialised_matrix']:.2%} of the materialised float32 matrix "
            f"(value {b['value']:.6f}, gradient finite: {b['grad_finite']})",
        ]
    print("\n".join(lines))


if __name__ == "__main__":
    raise SystemExit(main())
