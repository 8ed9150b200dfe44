"""Benchmark: ``theory.sphere.projection_tv`` vs a plain ``scipy.integrate.quad`` baseline (same run).

Goal: <= 50 ms per exact TV value. The baseline integrates ``|f - g| / 2`` over the squared
radius with scipy's beta and chi^2 densities (default tolerances, ``limit=200``) and adds the chi^2 tail
beyond ``d``; its relative error against the exact value is printed beside its time.

Second table: beyond ``d = 1e6`` ``projection_tv`` returns the two-term 1/d expansion;
its time is shown as a ratio against the exact CDF route at the same ``(d, k)`` (same run), with the
relative error of both against a 60-digit mpmath quadrature.

Run: ``python benchmarks/bench_sphere.py``.
"""

from __future__ import annotations

import time
import warnings

import numpy as np
from scipy import integrate, stats

from theory._cli import benchmark_parser
from theory.sphere import projection_hellinger, projection_kl, projection_tv
from theory.sphere._numerics import _consts, _tv_parts


def quad_tv(d: int, k: int) -> float:
    """Baseline: TV by adaptive quadrature of |f - g| / 2 (f = law of d Beta(k/2, (d-k)/2), g = chi^2_k)."""
    f = stats.beta(k / 2, (d - k) / 2, scale=d)
    g = stats.chi2(k)

    def integrand(s: float) -> float:
        return abs(f.pdf(s) - g.pdf(s))

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        val, _ = integrate.quad(integrand, 0, d, limit=200)
    return 0.5 * (val + g.sf(d))


def timeit(fn, *args, repeat: int = 7) -> float:
    """Median wall time (seconds) of ``fn(*args)`` over ``repeat`` runs."""
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn(*args)
        times.append(time.perf_counter() - t0)
    return float(np.median(times))


def main() -> None:
    cases = [(32, 1), (256, 3), (1024, 2), (10**4, 1), (10**5, 3), (10**6, 1), (10**6, 3), (10**6, 999_999)]
    print(f"{'d':>8} {'k':>7} {'exact ms':>9} {'quad ms':>9} {'speed-up':>9} {'quad rel.err':>13} {'TV':>12}")
    worst = 0.0
    for d, k in cases:
        t_exact = timeit(projection_tv, d, k)
        t_quad = timeit(quad_tv, d, k, repeat=3)
        exact = projection_tv(d, k)
        err = abs(quad_tv(d, k) / exact - 1)
        worst = max(worst, t_exact)
        print(
            f"{d:>8} {k:>7} {1e3 * t_exact:>9.3f} {1e3 * t_quad:>9.2f} {t_quad / t_exact:>9.0f} "
            f"{err:>13.1e} {exact:>12.5e}"
        )
    print(f"worst exact time {1e3 * worst:.3f} ms (goal <= 50 ms): {'met' if worst <= 0.05 else 'NOT met'}")
    for d, k in [(256, 3), (10**6, 1)]:
        print(
            f"d={d}, k={k}: projection_kl {1e3 * timeit(projection_kl, d, k):.3f} ms, "
            f"projection_hellinger {1e3 * timeit(projection_hellinger, d, k, repeat=3):.1f} ms"
        )
    print()
    print("beyond d = 1e6: the 1/d expansion (what projection_tv returns) vs the exact CDF route")
    head = f"{'d':>8} {'k':>3} {'expansion us':>13} {'exact us':>9} {'ratio':>6}"
    print(head + f" {'rel.err exp':>12} {'rel.err exact':>14}")
    for d, k in [(10**8, 1), (10**12, 2), (10**16, 2), (10**18, 3)]:
        t_new = timeit(projection_tv, d, k)
        t_old = timeit(exact_route_tv, d, k)
        ref = mp_tv(d, k)
        e_new = abs(projection_tv(d, k) / ref - 1)
        e_old = abs(exact_route_tv(d, k) / ref - 1)
        print(
            f"{d:>8.0e} {k:>3} {1e6 * t_new:>13.1f} {1e6 * t_old:>9.1f} {t_new / t_old:>6.2f} "
            f"{e_new:>12.1e} {e_old:>14.1e}"
        )


def exact_route_tv(d: int, k: int) -> float:
    """The exact CDF-difference route (what projection_tv returned at every d before the fix)."""
    D1, D2, _, _ = _tv_parts(_consts(d, k))
    return D1 + D2


def mp_tv(d: int, k: int) -> float:
    """Reference TV by 60-digit mpmath quadrature between the crossings."""
    import mpmath as mp

    with mp.workdps(60):
        d_, h = mp.mpf(d), mp.mpf(k) / 2
        x = (d_ - k) / 2
        log_nf = h * mp.log(d_) + mp.loggamma(h) + mp.loggamma(x) - mp.loggamma(x + h)
        log_ng = h * mp.log(2) + mp.loggamma(h)

        def lr(s):
            return (x - 1) * mp.log1p(-s / d_) + s / 2 - log_nf + log_ng

        w = mp.sqrt(2 * (k + 2))
        lo, hi = mp.findroot(lr, k + 2 - w), mp.findroot(lr, k + 2 + w)

        def diff(s):
            return mp.exp((h - 1) * mp.log(s) - s / 2 - log_ng) * mp.expm1(lr(s))

        return float(mp.quad(diff, [lo, k + 2, hi]))


if __name__ == "__main__":
    benchmark_parser(__doc__).parse_args()
    main()
