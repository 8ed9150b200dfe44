"""Speed of the uniformity-potential primitives, each against a baseline timed in the same run.

Run on demand: ``python benchmarks/bench_uniformity.py``. Prints times and ratios; asserts nothing.

- ``log_iv`` (series / ive / Debye, vectorised) vs ``log(scipy.special.ive) + x`` on the same grid
  (where the baseline is finite; the baseline underflows elsewhere);
- ``phi_estimate`` (all N leave-one-out values in O(N^2 d)) vs the naive jackknife that recomputes the
  plug-in N times (O(N^3 d)); the two must agree to rounding;
- ``phi_vmf`` (2001-node trapezoid rule in ``s = atanh t``) vs adaptive ``scipy.integrate.quad`` of the
  same integrand in ``t``;
- ``kl_vmf_uniform`` (cancellation-free above ``kappa = 100``) vs the former ``kappa A_d - psi_d`` from
  log-Bessel differences, with the error of each against the ``d = 3`` closed form
  ``kappa coth kappa - 1 - log(sinh kappa / kappa)``.
"""

from __future__ import annotations

import time

import numpy as np
from scipy import integrate
from scipy import special as sp

from theory._cli import benchmark_parser
from theory.special import log_iv, log_iv_normalized
from theory.sphere import sample_uniform
from theory.uniformity import phi_estimate, phi_uniform, phi_vmf
from theory.vmf import kl_vmf_uniform


def _best(fn, repeat=3):
    times = []
    out = None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return min(times), out


def _naive_jackknife(x, alpha):
    n = x.shape[0]
    g = alpha * (x @ x.T)
    np.fill_diagonal(g, -np.inf)

    def plug(idx):
        sub = g[np.ix_(idx, idx)]
        return float(np.mean(sp.logsumexp(sub, axis=1)) - np.log(len(idx) - 1))

    full = plug(np.arange(n))
    loo = np.array([plug(np.delete(np.arange(n), k)) for k in range(n)])
    return n * full - (n - 1) * loo.mean(), np.sqrt((n - 1) / n * np.sum((loo - loo.mean()) ** 2))


def main() -> None:
    rng = np.random.default_rng(0)
    nu = rng.uniform(0, 200, 200_000)
    x = rng.uniform(0, 1000, 200_000)
    t_new, v_new = _best(lambda: log_iv(nu, x))
    with np.errstate(all="ignore"):
        t_base, v_base = _best(lambda: np.log(sp.ive(nu, x)) + x)
    ok = np.isfinite(v_base)
    err = np.max(np.abs(v_new[ok] - v_base[ok]) / np.maximum(1, np.abs(v_base[ok])))
    print(
        f"log_iv, 2e5 points: {t_new * 1e3:8.1f} ms   baseline log(ive)+x: {t_base * 1e3:8.1f} ms   "
        f"ratio {t_new / t_base:5.2f}   (baseline finite on {ok.mean():.1%}; max rel diff {err:.1e})"
    )

    xs = sample_uniform(400, 5, seed=1)
    t_new, est = _best(lambda: phi_estimate(xs, 3.0))
    t_base, (val, se) = _best(lambda: _naive_jackknife(xs, 3.0), repeat=1)
    print(
        f"phi_estimate N=400: {t_new * 1e3:8.1f} ms   naive jackknife: {t_base * 1e3:8.1f} ms   "
        f"speed-up {t_base / t_new:6.1f}x   |diff value| {abs(est.value - val):.1e}, "
        f"|diff se| {abs(est.se - se):.1e}"
    )

    d, kappa, alpha = 128, 50.0, 10.0
    t_new, v_new = _best(lambda: phi_vmf(d, kappa, alpha))

    def quad_phi_vmf():
        nu = 0.5 * d - 1.0
        logc = kappa  # density of t proportional to exp(kappa (t - 1)) (1 - t^2)^((d-3)/2)

        def dens(t):
            return np.exp(kappa * t - logc + 0.5 * (d - 3) * np.log1p(-t * t))

        def f(t):
            r = np.sqrt(kappa * kappa + alpha * alpha + 2 * kappa * alpha * t)
            return dens(t) * float(log_iv_normalized(nu, r))

        z = integrate.quad(dens, -1, 1, limit=200, epsabs=0, epsrel=1e-12)[0]
        return integrate.quad(f, -1, 1, limit=200, epsabs=0, epsrel=1e-12)[0] / z - phi_uniform(d, kappa)

    t_base, v_base = _best(quad_phi_vmf, repeat=1)
    print(
        f"phi_vmf(d=128, kappa=50, alpha=10): {t_new * 1e3:8.2f} ms   scipy quad: {t_base * 1e3:8.2f} ms   "
        f"speed-up {t_base / t_new:6.1f}x   |diff| {abs(v_new - v_base):.1e}"
    )

    kappas = np.logspace(-3, 12, 200_000)
    t_new, kl_new = _best(lambda: kl_vmf_uniform(3, kappas))

    def former_kl():
        la = log_iv_normalized(1.5, kappas) - log_iv_normalized(0.5, kappas) + np.log(kappas / 3.0)
        return kappas * np.exp(la) - log_iv_normalized(0.5, kappas)

    t_base, kl_old = _best(former_kl)
    big = kappas > 1e3
    exact = np.log(kappas[big]) + np.log(2.0) - 1.0 + kappas[big] * (1 / np.tanh(kappas[big]) - 1)
    err_new = np.max(np.abs(kl_new[big] - exact) / exact)
    err_old = np.max(np.abs(kl_old[big] - exact) / exact)
    print(
        f"kl_vmf_uniform d=3, 2e5 kappas in [1e-3, 1e12]: {t_new * 1e3:8.1f} ms   former formula: "
        f"{t_base * 1e3:8.1f} ms   ratio {t_new / t_base:5.2f}   max rel error (kappa > 1e3): "
        f"{err_new:.1e} vs {err_old:.1e}"
    )


if __name__ == "__main__":
    benchmark_parser(__doc__).parse_args()
    main()
