"""The law of ||z|| of a linear encoder of Binary inputs: conditional moments and CV against Monte Carlo,
the noncentral chi mean, exact enumeration (the bias-free CV floor) and the sparsity calibration."""

import itertools
import math

import numpy as np
import pytest
from scipy import special, stats

from theory.encoders import (
    EntryLaw,
    binary_norm_cv,
    calibrate_sparsity,
    cv_floor,
    norm_moments_given_k,
    simulate_linear_encoder,
)

pytestmark = pytest.mark.claim("Tab1-Bin-ceiling")


@pytest.mark.parametrize("weight", [EntryLaw.uniform(0.7), EntryLaw.normal(0.4)])
@pytest.mark.parametrize("K", [0, 1, 3])
def test_conditional_moments_of_the_squared_norm_against_monte_carlo(weight, K):
    d, n = 5, 200_000
    rng = np.random.default_rng(K)
    b = np.array([0.3, -0.5, 0.0, 0.2, 1.0])
    W = weight.sample((n, d, K), rng)  # a fresh initialisation per draw: the law over the init
    y = ((W.sum(axis=2) + b) ** 2).sum(axis=1)
    mean, var = norm_moments_given_k(K, d, weight, float(b @ b))
    assert abs(y.mean() - mean) < 5 * y.std() / math.sqrt(n) + 1e-12
    c = y - y.mean()
    se_var = math.sqrt(max((c**4).mean() - var**2, 1e-300) / n)
    assert abs(c.var() - var) < 5 * se_var + 1e-12


@pytest.mark.parametrize("K", [1, 3, 8])
def test_fixed_encoder_variance_against_exact_subset_enumeration(K):
    # for each drawn W: the exact variance of ||sum_{j in S} w_j + b||^2 over all K-subsets S; averaged over W
    D, d, n_w = 8, 3, 6000
    weight = EntryLaw.uniform(1.0)
    rng = np.random.default_rng(K)
    b = np.array([0.4, -0.2, 0.9])
    subsets = np.array(list(itertools.combinations(range(D), K)))
    W = weight.sample((n_w, d, D), rng)
    f = ((W[:, :, subsets].sum(axis=3) + b[None, :, None]) ** 2).sum(axis=1)  # (n_w, n_subsets)
    var_s = f.var(axis=1)
    mean, var = norm_moments_given_k(K, d, weight, float(b @ b), D=D)
    assert abs(f.mean() - mean) < 5 * f.mean(axis=1).std() / math.sqrt(n_w)
    assert abs(var_s.mean() - var) < 5 * var_s.std() / math.sqrt(n_w) + 1e-12
    if K == D:
        assert var == 0.0
    # one input at a time: (1 - 1/D) times the variance of one column's ||w + b||^2
    if K == 1:
        one = norm_moments_given_k(1, d, weight, float(b @ b))[1]
        assert var == pytest.approx((1 - 1 / D) * one, rel=1e-12)


def test_entry_laws():
    rng = np.random.default_rng(0)
    for law, var, m4 in ((EntryLaw.uniform(2.0), 4 / 3, 16 / 5), (EntryLaw.normal(0.5), 0.25, 3 / 16)):
        assert (law.var, law.m4) == pytest.approx((var, m4), rel=1e-14)
        x = law.sample(500_000, rng)
        assert abs((x**2).mean() - var) < 5 * (x**2).std() / math.sqrt(x.size)
        assert abs((x**4).mean() - m4) < 5 * (x**4).std() / math.sqrt(x.size)
    t = EntryLaw.torch_default(1024)
    assert t.name == "uniform" and t.scale == pytest.approx(1 / 32)
    assert EntryLaw.zero().sample(3).tolist() == [0.0, 0.0, 0.0]


def test_mean_norm_expansion_against_the_noncentral_chi_mean():
    # Gaussian weights, fixed bias: ||z||^2 / (K s^2) is noncentral chi^2_d(B / (K s^2)), whose square root
    # has mean sqrt(2) Gamma((d+1)/2)/Gamma(d/2) 1F1(-1/2; d/2; -lambda/2)
    D, d, p, s = 64, 256, 0.05, 0.1
    B = 0.7
    r = binary_norm_cv(
        p, D, d, weight=EntryLaw.normal(s), bias=EntryLaw.uniform(0.1), bias_sq_norm=B, fixed_encoder=False
    )
    K = np.arange(1, D + 1)
    lam_nc = B / (K * s * s)
    chi_mean = math.sqrt(2) * math.exp(special.gammaln((d + 1) / 2) - special.gammaln(d / 2))
    exact_k = s * np.sqrt(K) * chi_mean * special.hyp1f1(-0.5, d / 2, -lam_nc / 2)
    pk = stats.binom.pmf(K, D, p)
    exact = pk @ exact_k + stats.binom.pmf(0, D, p) * math.sqrt(B)
    assert r.mean_norm == pytest.approx(exact, rel=2e-6)  # the expansion's error is O(d^-2)
    assert r.mean_sq_norm == pytest.approx(pk @ (d * K * s * s + B) + stats.binom.pmf(0, D, p) * B, rel=1e-12)


def _mc_cv(p, D, d, weight, bias, n, seed):
    """Monte Carlo CV with one fixed encoder (quenched), and the encoder's ||b||^2."""
    rng = np.random.default_rng(seed)
    W = weight.sample((D, d), rng)
    b = bias.sample(d, rng)
    norms = np.linalg.norm((rng.random((n, D)) < p).astype(float) @ W + b, axis=1)
    return norms.std() / norms.mean(), float(b @ b)


@pytest.mark.parametrize(
    ("p", "bias"),
    [(0.02, EntryLaw.uniform(1 / 16)), (0.02, EntryLaw.zero()), (0.005, EntryLaw.uniform(1 / 16)),
     (0.5, EntryLaw.uniform(1 / 16))],
)  # fmt: skip
def test_cv_formula_against_one_fixed_encoder(p, bias):
    # the formula is the CV of one encoder (conditional means at their expectation); the CV of a drawn
    # encoder scatters around it (column geometry): the mean difference over encoders is 0 within 5 SE
    D, d, n, n_enc = 256, 128, 5000, 8
    weight = EntryLaw.torch_default(D)
    diff = []
    for seed in range(n_enc):
        cv_mc, B = _mc_cv(p, D, d, weight, bias, n, seed)
        diff.append(cv_mc - binary_norm_cv(p, D, d, weight=weight, bias=bias, bias_sq_norm=B).cv)
    diff = np.array(diff)
    assert abs(diff.mean()) < 5 * diff.std(ddof=1) / math.sqrt(n_enc), diff
    if p == 0.5:  # over encoders and inputs together the CV is larger, by the spread between encoders
        fixed = binary_norm_cv(p, D, d, bias=bias).cv
        joint = binary_norm_cv(p, D, d, bias=bias, fixed_encoder=False).cv
        assert joint > 1.1 * fixed and abs(diff.mean()) < 0.1 * (joint - fixed)


def test_cv_floor_against_exact_enumeration():
    rng = np.random.default_rng(7)
    D, p = 8, 0.15
    X = np.array(list(itertools.product((0, 1), repeat=D)), dtype=float)
    k = X.sum(axis=1)
    prob = p**k * (1 - p) ** (D - k)
    floor = cv_floor(p, D)
    assert floor == pytest.approx(math.sqrt((1 - p) ** D / (1 - (1 - p) ** D)), rel=1e-14)
    for _ in range(20):
        W = rng.standard_t(2, (D, 3))
        y = np.linalg.norm(X @ W, axis=1)
        cv = math.sqrt(prob @ y**2 / (prob @ y) ** 2 - 1)
        assert cv >= floor
    # one input: ||z|| is 0 or ||w||, and the bound is attained
    assert cv_floor(0.3, 1) == pytest.approx(math.sqrt(0.7 / 0.3), rel=1e-14)


def test_calibration_without_bias_is_unique_and_matches_simulation():
    D, d = 128, 64
    cal = calibrate_sparsity(0.4, D, d, bias=EntryLaw.zero())
    assert cal.unique and len(cal.roots) == 1
    p = cal.roots[0]
    assert binary_norm_cv(p, D, d, bias=EntryLaw.zero()).cv == pytest.approx(0.4, abs=1e-9)
    lo, hi = cal.intervals[0]
    assert lo > p > hi  # the CV decreases in p
    assert binary_norm_cv(lo, D, d, bias=EntryLaw.zero()).cv == pytest.approx(0.395, abs=1e-9)
    assert binary_norm_cv(hi, D, d, bias=EntryLaw.zero()).cv == pytest.approx(0.405, abs=1e-9)
    assert cal.dlogp_dcv[0] < 0
    assert cal.dlogp_dcv[0] == pytest.approx((math.log(hi) - math.log(lo)) / 0.01, rel=0.05)
    sim = simulate_linear_encoder(p, D=D, d=d, n_samples=4000, bias=EntryLaw.zero(), n_init=10, seed=1)
    assert abs(sim.cv.mean() - 0.4) < 5 * sim.cv.std(ddof=1) / math.sqrt(10)


def test_calibration_with_the_default_bias_has_a_peak():
    cal = calibrate_sparsity(0.36)  # D = 1024, d = 256, nn.Linear's default init
    assert cal.roots == () and not cal.unique
    assert 0.24 < cal.cv_max < 0.36
    low = calibrate_sparsity(0.2)
    assert len(low.roots) == 2
    assert low.roots[0] < low.p_at_max < low.roots[1]
    assert low.dlogp_dcv[0] > 0 > low.dlogp_dcv[1]
    for r in low.roots:
        assert binary_norm_cv(r).cv == pytest.approx(0.2, abs=1e-9)


def test_a_target_on_a_grid_point_is_found_once():
    grid = np.geomspace(1e-4, 0.5, 40)
    target = binary_norm_cv(grid[10], 256, 64, bias=EntryLaw.zero()).cv
    cal = calibrate_sparsity(target, 256, 64, bias=EntryLaw.zero(), p_range=(1e-4, 0.5), n_grid=40)
    assert cal.roots == (grid[10],)
    assert cal.p_range == (1e-4, 0.5)


def test_simulated_encoder_near_gaussian_at_dense_inputs():
    # p = 1/2, D = 1024: every coordinate is nearly Gaussian, so the diagnostics sit at the null
    sim = simulate_linear_encoder(0.5, D=1024, d=64, n_samples=500, n_init=4, seed=3)
    m = 4 * 64
    assert abs(sim.dp_pass.mean() - 0.95) < 5 * math.sqrt(0.05 * 0.95 / m)
    assert abs(sim.ad_pass.mean() - 0.95) < 5 * math.sqrt(0.05 * 0.95 / m)
    assert 0.3 < sim.ad_mean.mean() < 0.5 and 0.4 < sim.dp_mean.mean() < 0.6
    assert sim.cv.mean() == pytest.approx(binary_norm_cv(0.5, 1024, 64).cv, rel=0.05)
    assert sim.cv.shape == (4,) and sim.weight == EntryLaw.torch_default(1024)


def test_the_project_binary_setting():
    r = binary_norm_cv(0.01)
    assert r.lam == pytest.approx(10.24)
    assert r.p_zero == pytest.approx(0.99**1024)
    assert r.bias_sq_norm == pytest.approx(256 / (3 * 1024))


@pytest.mark.slow
def test_the_project_binary_setting_against_simulated_encoders():
    # p = 0.01, D = 1024, d = 256, nn.Linear's default init, n = 2000 held-out inputs (docs/data/table1.json
    # measured 0.147 at epoch 0 for one encoder)
    cv = binary_norm_cv(0.01).cv
    sim = simulate_linear_encoder(0.01, n_samples=2000, n_init=10, seed=4)
    assert abs(sim.cv.mean() - cv) < 5 * sim.cv.std(ddof=1) / math.sqrt(10)


@pytest.mark.parametrize(
    ("call", "exc", "match"),
    [
        (lambda: EntryLaw.uniform(0), ValueError, "bound must be > 0"),
        (lambda: EntryLaw.normal(-1), ValueError, "sd must be > 0"),
        (lambda: norm_moments_given_k(-1, 4, EntryLaw.zero()), ValueError, "K must be non-negative"),
        (lambda: norm_moments_given_k(1.5, 4, EntryLaw.zero()), ValueError, "K must be non-negative"),
        (lambda: norm_moments_given_k(1, 4, "uniform"), TypeError, "weight must be an EntryLaw"),
        (lambda: norm_moments_given_k(5, 4, EntryLaw.zero(), D=4), ValueError, "K must be at most D"),
        (lambda: binary_norm_cv(0.1, fixed_encoder=0), TypeError, "fixed_encoder"),
        (lambda: binary_norm_cv(0.1, bias="none"), TypeError, "bias must be an EntryLaw"),
        (lambda: binary_norm_cv(0.1, bias_sq_norm=-1.0), ValueError, "bias_sq_norm must be >= 0"),
        (lambda: binary_norm_cv(1.0), ValueError, "p must be < 1"),
        (lambda: cv_floor(0.1, 0), ValueError, "D must be >= 1"),
        (lambda: calibrate_sparsity(0.0), ValueError, "cv must be > 0"),
        (lambda: calibrate_sparsity(0.3, p_range=(0.2, 0.1)), ValueError, "p_range must satisfy"),
        (lambda: calibrate_sparsity(0.3, p_range=0.1), TypeError, "p_range must be two numbers"),
        (lambda: calibrate_sparsity(0.3, tolerance=0.5), ValueError, "tolerance must be <"),
    ],
)
def test_bad_inputs_name_the_argument(call, exc, match):
    with pytest.raises(exc, match=match):
        call()


@pytest.mark.slow
def test_the_paper_epoch0_cv_calibration_at_full_size():
    # D = 1024, d = 256, bias-free nn.Linear init: the calibrated sparsity gives CV 0.36 in simulation
    cal = calibrate_sparsity(0.36, bias=EntryLaw.zero())
    assert cal.unique and 0.0028 < cal.roots[0] < 0.0030
    sim = simulate_linear_encoder(cal.roots[0], n_samples=10_000, bias=EntryLaw.zero(), n_init=10, seed=2)
    assert abs(sim.cv.mean() - 0.36) < 5 * sim.cv.std(ddof=1) / math.sqrt(10)
    # with the default bias no sparsity reaches it: the largest CV, checked by simulation at its sparsity
    top = calibrate_sparsity(0.36)
    sim = simulate_linear_encoder(top.p_at_max, n_samples=10_000, n_init=10, seed=3)
    assert sim.cv.max() < 0.3 and abs(sim.cv.mean() - top.cv_max) < 5 * sim.cv.std(ddof=1) / math.sqrt(10)
