"""Rates: the slope fitter, the MMD closed form, the sliced-W2 floor, the R-N reading (iv), the minimiser."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from scipy import integrate

from simulate.observables import mmd_uniform, sliced_w2_uniform
from simulate.rates import fit_power_law, minimize_phi_particles, rd_point, rn_point, sw_floor
from simulate.sphere import sample_uniform
from theory.uniformity import infonce_bias_first_order, population_loss_vmf_coupling


def test_fit_power_law_recovers_a_known_slope():
    rng = np.random.default_rng(1)
    x = np.array([10.0, 20, 40, 80, 160, 320, 640])
    y = 3.0 * x[:, None] ** -0.5 * np.exp(0.1 * rng.standard_normal((x.size, 40)))
    fit = fit_power_law(x, y, reference=-0.5, seed=0)
    # per-x mean of 40 log-normal(0.1) replicates: sd of log-mean ~ 0.1/sqrt(40) = 0.016; slope sd ~ 0.01
    assert abs(fit.slope + 0.5) < 0.05
    assert fit.contains_reference and fit.method == "bootstrap"
    assert fit.ci_high - fit.ci_low < 0.1
    assert not fit.contains(-1.0)
    exact = fit_power_law(x, 7.0 * x**-1.25)
    assert exact.slope == pytest.approx(-1.25, abs=1e-12)
    assert exact.intercept == pytest.approx(math.log(7.0), abs=1e-10)
    assert exact.method == "ols-t" and exact.ci_high - exact.ci_low < 1e-9


def test_fit_power_law_spread_and_bias_statistics():
    rng = np.random.default_rng(2)
    x = np.array([16.0, 64, 256, 1024])
    y = rng.standard_normal((4, 400)) * x[:, None] ** -0.5 - 2.0 / x[:, None]
    spread = fit_power_law(x, y, statistic="std", reference=-0.5, n_boot=500)
    assert spread.contains_reference and abs(spread.slope + 0.5) < 0.08
    bias = fit_power_law(x[:2], y[:2], statistic="abs_mean")  # bias -2/N, se 0.5/sqrt(N)/20
    assert -1.3 < bias.slope < -0.7


def test_fit_power_law_rejects_bad_input():
    with pytest.raises(ValueError, match="positive"):
        fit_power_law([0.0, 1.0], [1.0, 2.0])
    with pytest.raises(ValueError, match="positive"):
        fit_power_law([1.0, 2.0], [1.0, -2.0])
    with pytest.raises(ValueError, match="shape"):
        fit_power_law([1.0, 2.0, 3.0], [1.0, 2.0])
    with pytest.raises(ValueError, match="statistic"):
        fit_power_law([1.0, 2.0], [1.0, 2.0], statistic="median")


def _kernel_mean_quadrature(alpha: float, d: int) -> float:
    """E_{v ~ sigma} e^{alpha t}, t = u.v with density prop. to (1 - t^2)^{(d-3)/2} (scipy quad)."""
    w = lambda t: (1.0 - t * t) ** ((d - 3) / 2.0)  # noqa: E731
    num = integrate.quad(lambda t: math.exp(alpha * t) * w(t), -1, 1, epsabs=0, epsrel=1e-13)[0]
    return num / integrate.quad(w, -1, 1, epsabs=0, epsrel=1e-13)[0]


@pytest.mark.claim("R-N")
@pytest.mark.parametrize("d", [3, 4, 6])
def test_mmd_closed_form_against_quadrature_and_monte_carlo(d):
    alpha, N = 2.5, 9
    x = sample_uniform(N, d, generator=3)
    xn = x.numpy()
    c = _kernel_mean_quadrature(alpha, d)
    # MMD^2 = mean K - 2 mean_i E_v k(x_i, v) + E_{u,v} k, the kernel mean c the same at every point
    brute = np.exp(alpha * xn @ xn.T).mean() - 2.0 * c + c
    assert mmd_uniform(x, alpha) == pytest.approx(brute, rel=1e-10, abs=1e-12)
    # the cross term by Monte Carlo at every point, not assuming it is constant
    v = sample_uniform(400_000, d, generator=4).numpy()
    k = np.exp(alpha * xn @ v.T)
    cross, se = k.mean(axis=1), k.std(axis=1) / math.sqrt(v.shape[0])
    assert np.all(np.abs(cross - c) < 5 * se)


def test_sliced_w2_floor_is_the_equispaced_circle_and_bounds_every_configuration():
    import ot

    for N in (5, 40):
        u = (np.arange(N) + 0.5) / N
        w2 = float(ot.semidiscrete_wasserstein2_unif_circle(u[:, None])[0])
        assert math.sqrt(w2) == pytest.approx(sw_floor(N), rel=1e-10)
        for seed in range(3):
            x = sample_uniform(N, 4, generator=seed)
            assert sliced_w2_uniform(x, n_projections=20, seed=seed) >= sw_floor(N) * (1 - 1e-9)


@pytest.mark.claim("R-N")
def test_rn_reading_iv_matches_theory_population_limit_and_first_order_bias():
    d, alpha, kp, N, B = 3, 2.0, 5.0, 16, 120
    r = rn_point(
        {
            "kind": "iid",
            "N": N,
            "d": d,
            "alpha": alpha,
            "seed": 0,
            "kappa_pair": kp,
            "n_projections": 5,
            "n_batches": B,
        }
    )
    L = population_loss_vmf_coupling(d, alpha, kp)
    assert r["infonce_limit"] == L
    b = np.array(r["infonce_batches"])
    se = b.std(ddof=1) / math.sqrt(B)
    pred = L + infonce_bias_first_order(d, alpha, kp) / N
    assert abs(b.mean() - pred) < 5 * se  # E[L_N] - log N = L + b1/N + O(N^-2)
    assert abs(b.mean() - L) > 5 * se  # and the O(1/N) bias is resolved at this size


def test_rd_point_unbiased_tv_estimate_against_exact_line():
    r = rd_point({"kind": "iid", "d": 16, "k": 1, "N": 40_000, "seed": 0})
    assert abs(r["tv_mc"] - r["tv_exact"]) < 5 * r["tv_mc_se"]
    assert r["ks"] < 5 * r["ks_floor"]


@pytest.mark.parametrize(("N", "d"), [(2, 3), (3, 5), (4, 3)])
def test_minimizer_finds_the_regular_simplex(N, d):
    # for N <= d + 1 the regular simplex minimises Phi (Jensen twice: sum_j e^{a t_ij} >= (N-1) e^{a mean},
    # then convexity of the log-sum-exp in x_i.S, S = sum x_j, with ||S||^2 >= 0): exact value below
    alpha = 3.0
    res = minimize_phi_particles(sample_uniform(N, d, generator=5), alpha, tol=1e-9, max_steps=2000)
    exact = math.log((math.exp(alpha) + (N - 1) * math.exp(-alpha / (N - 1))) / N)
    assert res.phi == pytest.approx(exact, abs=1e-10)
    gram = res.points @ res.points.T
    off = gram[~torch.eye(N, dtype=torch.bool)]
    assert torch.allclose(off, torch.full_like(off, -1.0 / (N - 1)), atol=1e-5)
