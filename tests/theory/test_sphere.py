"""Exact finite-d Maxwell-Poincare (theory.sphere) against independent references.

References used here (never the function's own output):
- mpmath quadrature at 40 digits of the radial integrals (TV, KL, Hellinger), crossings by mpmath
  root finding;
- the Diaconis-Freedman bound (Theorem 2) and the sympy-derived constant c_k (a separate derivation);
- Monte Carlo by an independent sampler (Gaussian construction / ``sample_uniform``), 5 standard errors;
- the DKW inequality for KS distances; scipy's beta/chi^2 CDFs on a grid for the exact KS distance;
- the Gaussian shell (rho = ||G||/sqrt(d)), whose projection is exactly N(0, I_k), for Prop. 2.
"""

from __future__ import annotations

import itertools
import math

import mpmath as mp
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import integrate, stats

from tests.theory._mpref import sign_change_roots
from theory import sphere
from theory.sphere import (
    chi_shell,
    crossing_radii,
    diaconis_freedman_bound,
    ks_distance,
    log_density_ratio,
    lognormal_shell,
    mc_projection_kl,
    mc_projection_tv,
    mc_shell_tv,
    projection_cdf_1d,
    projection_distances,
    projection_hellinger,
    projection_kl,
    projection_ks,
    projection_logpdf,
    projection_pdf,
    projection_radius_law,
    projection_tv,
    sample_projection,
    sample_shell,
    sample_uniform,
    shell_projection_tv,
    shell_tv_leading,
    tv_constant,
)

# ---------------------------------------------------------------------------------------------------------
# independent high-precision reference (mpmath)
# ---------------------------------------------------------------------------------------------------------


def _mp_reference(d: int, k: int, dps: int = 40):
    """TV, KL, Hellinger and crossing radii of sqrt(d) X vs N(0, I_k), by mpmath quadrature."""
    with mp.workdps(dps):
        d_, h = mp.mpf(d), mp.mpf(k) / 2
        x = (d_ - k) / 2
        a = x - 1
        log_nf = h * mp.log(d_) + mp.log(mp.beta(h, x))
        log_ng = h * mp.log(2) + mp.loggamma(h)

        def logf(s):
            return (h - 1) * mp.log(s) + a * mp.log1p(-s / d_) - log_nf

        def logg(s):
            return (h - 1) * mp.log(s) - s / 2 - log_ng

        def lr(s):
            return a * mp.log1p(-s / d_) + s / 2 - log_nf + log_ng

        top = min(d_, mp.mpf(k) + 62 + 10 * mp.sqrt(k))
        roots = sign_change_roots(lr, top, 400)
        extra = [p for p in (k + 2 + 30 * mp.sqrt(k + 2), mp.mpf(k) + 202) if p < d_]
        pts = sorted({mp.mpf(0), *roots, d_, *extra})

        def f(s):
            return mp.exp(logf(s)) if s < d_ else mp.mpf(0)

        tail = mp.gammainc(h, d_ / 2, mp.inf, regularized=True)
        tv = (mp.quad(lambda s: abs(f(s) - mp.exp(logg(s))), pts) + tail) / 2
        kl = mp.quad(lambda s: f(s) * lr(s), pts)
        bc = mp.quad(lambda s: mp.exp((logf(s) + logg(s)) / 2), pts)
        return float(tv), float(kl), float(mp.sqrt(1 - bc)), [float(r) for r in roots]


REF_CASES = [
    (5, 1),
    (5, 2),
    (5, 3),
    pytest.param(5, 4, marks=pytest.mark.slow),
    (7, 3),
    pytest.param(32, 1, marks=pytest.mark.slow),
    (40, 25),
    (64, 2),
    (256, 3),
    (1000, 5),
    (2000, 500),
    pytest.param(10**4, 1, marks=pytest.mark.slow),
    pytest.param(10**5, 2, marks=pytest.mark.slow),
]


@pytest.mark.claim("MP")
@pytest.mark.parametrize(("d", "k"), REF_CASES)
def test_exact_distances_match_mpmath_quadrature(d, k):
    tv, kl, hel, roots = _mp_reference(d, k)
    assert projection_tv(d, k) == pytest.approx(tv, rel=1e-8, abs=0)
    assert projection_kl(d, k) == pytest.approx(kl, rel=1e-8, abs=0)
    assert projection_hellinger(d, k) == pytest.approx(hel, rel=1e-8, abs=0)
    cr = crossing_radii(d, k)
    s_lo, s_hi = cr.s_lo, cr.s_hi
    ours = [r for r in (s_lo, s_hi) if 0 < r < d]
    assert len(ours) == len(roots)
    for a, b in zip(ours, roots, strict=True):
        assert a == pytest.approx(b, rel=1e-10)


@pytest.mark.claim("MP")
@pytest.mark.parametrize(("d", "k", "s"), [(10**6, 1, 0.3), (10**6, 2, 5.0), (10**5, 3, 30.0), (50, 4, 3.0)])
def test_log_density_ratio_keeps_relative_accuracy_at_large_d(d, k, s):
    with mp.workdps(50):
        d_, h = mp.mpf(d), mp.mpf(k) / 2
        ref = (
            mp.loggamma(d_ / 2)
            - mp.loggamma((d_ - k) / 2)
            + h * mp.log(2 / d_)
            + (d_ - k - 2) / 2 * mp.log1p(-mp.mpf(s) / d_)
            + mp.mpf(s) / 2
        )
        ref = float(ref)
    assert log_density_ratio([s], d, k)[0] == pytest.approx(ref, rel=1e-9)


@pytest.mark.claim("MP")
def test_reverse_kl_is_infinite_and_distances_object():
    assert projection_kl(64, 2, reverse=True) == math.inf
    r = projection_distances(64, 2)
    assert r.kl_reverse == math.inf
    assert r.df_bound == pytest.approx(2 * 5 / (64 - 5))
    assert projection_distances(6, 3).df_bound is None
    # Hellinger / TV inequalities H^2 <= TV <= H sqrt(2 - H^2), an independent consistency
    for d, k in [(5, 1), (64, 2), (10**4, 3)]:
        r = projection_distances(d, k)
        assert r.hellinger**2 <= r.tv <= r.hellinger * math.sqrt(2 - r.hellinger**2)


@pytest.mark.claim("MP")
@pytest.mark.parametrize(("d", "k"), [(6, 1), (40, 3), (300, 2)])
def test_exact_ks_equals_sup_on_a_fine_grid(d, k):
    grid = np.concatenate([np.linspace(1e-9, 3 * k + 20, 200_001), np.linspace(3 * k + 20, d, 2001)])
    sup = np.max(np.abs(stats.beta(k / 2, (d - k) / 2, scale=d).cdf(grid) - stats.chi2(k).cdf(grid)))
    ks = projection_ks(d, k)
    assert sup <= ks + 1e-14
    assert ks - sup < 1e-7


# ---------------------------------------------------------------------------------------------------------
# the law of the projection
# ---------------------------------------------------------------------------------------------------------


@pytest.mark.claim("MP")
def test_density_integrates_to_one_and_matches_cdf():
    # k = 3: radial integral of the density over the ball of radius sqrt(d)
    d = 10

    def radial(r):
        return projection_pdf(np.array([[r, 0.0, 0.0]]), d)[0] * 4 * math.pi * r * r

    total, _ = integrate.quad(radial, 0, math.sqrt(d), epsabs=0, epsrel=1e-12)
    assert total == pytest.approx(1.0, rel=1e-10)
    # k = 1: density is the derivative of the CDF (central differences)
    y = np.array([-2.0, -0.3, 0.1, 1.7])
    eps = 1e-5
    deriv = (projection_cdf_1d(y + eps, d) - projection_cdf_1d(y - eps, d)) / (2 * eps)
    np.testing.assert_allclose(projection_pdf(y[:, None], d), deriv, rtol=1e-8)
    # unscaled and scaled densities differ by the Jacobian d^{k/2}
    x = np.array([[0.1, 0.2, -0.3]])
    assert projection_logpdf(x, d, scaled=False)[0] == pytest.approx(
        projection_logpdf(math.sqrt(d) * x, d)[0] + 1.5 * math.log(d)
    )
    assert projection_logpdf(np.array([[4.0, 0.0, 0.0]]), d)[0] == -np.inf


@pytest.mark.claim("MP")
def test_samplers_follow_the_beta_radius_law():
    d, k, n = 12, 3, 20_000
    law = projection_radius_law(d, k)
    alpha = 1e-6
    half = math.sqrt(math.log(2 / alpha) / (2 * n))
    u = sample_uniform(n, d, seed=1)[:, :k]
    assert stats.kstest(np.sum(u * u, axis=1), law.cdf).statistic < half
    y = sample_projection(n, d, k, seed=2)
    assert stats.kstest(np.sum(y * y, axis=1) / d, law.cdf).statistic < half


# ---------------------------------------------------------------------------------------------------------
# Diaconis-Freedman, monotonicity, the rate (hypothesis)
# ---------------------------------------------------------------------------------------------------------


@st.composite
def _dk_df(draw):
    d = draw(st.integers(min_value=5, max_value=100_000))
    k = draw(st.integers(min_value=1, max_value=d - 4))
    return d, k


@pytest.mark.claim("MP")
@settings(max_examples=300)
@given(_dk_df())
def test_tv_below_diaconis_freedman_bound(dk):
    d, k = dk
    assert 0 < projection_tv(d, k) <= diaconis_freedman_bound(d, k)


@pytest.mark.claim("MP", "R-d")
@settings(max_examples=200)
@given(
    st.integers(min_value=1, max_value=200), st.integers(min_value=2, max_value=100_000), st.integers(1, 5000)
)
def test_tv_decreasing_in_d(k, d, step):
    if k > d - 1:
        d = k + 1
    assert projection_tv(d + step, k) < projection_tv(d, k)


@pytest.mark.claim("R-d")
@settings(max_examples=200)
@given(st.integers(min_value=1, max_value=40), st.integers(min_value=0, max_value=10**5))
def test_d_tv_converges_to_tv_constant_at_rate_one_over_d(k, extra):
    d = min(4 * (k + 2) ** 2 + extra, 10**5)
    rel = d * projection_tv(d, k) / tv_constant(k) - 1
    assert 0 < rel <= (k + 2) / d


@pytest.mark.claim("R-d")
@pytest.mark.parametrize("k", [1, 2, 3, 7])
def test_tv_constant_matches_mpmath_integral_and_large_d(k):
    # c_k = (1/2) E|h_k(S)|, S ~ chi^2_k, by mpmath quadrature (independent of the closed form)
    with mp.workdps(30):
        kk = mp.mpf(k)
        w = mp.sqrt(2 * (kk + 2))

        def integrand(s):
            hk = -(s**2 - 2 * (kk + 2) * s + kk * (kk + 2)) / 4
            return abs(hk) * s ** (kk / 2 - 1) * mp.exp(-s / 2) / (2 ** (kk / 2) * mp.gamma(kk / 2))

        ref = mp.quad(integrand, [0, kk + 2 - w, kk + 2 + w, mp.inf]) / 2
    assert tv_constant(k) == pytest.approx(float(ref), rel=1e-12)
    # d TV - c_k shrinks 10x per decade (O(1/d) correction) from d = 1e3 to 1e6
    errs = [d * projection_tv(d, k) - tv_constant(k) for d in (10**3, 10**4, 10**5, 10**6)]
    for a, b in itertools.pairwise(errs):
        assert 9.0 < a / b < 11.0


# ---------------------------------------------------------------------------------------------------------
# Monte Carlo estimators vs exact (5 standard errors, fixed seeds)
# ---------------------------------------------------------------------------------------------------------


@pytest.mark.claim("MP")
@pytest.mark.parametrize(("d", "k", "seed"), [(8, 1, 11), (32, 1, 12), (256, 3, 13), (10**4, 2, 14)])
def test_mc_tv_and_kl_within_five_standard_errors(d, k, seed):
    est = mc_projection_tv(d, k, 200_000, seed=seed)
    assert abs(est.estimate - projection_tv(d, k)) < 5 * est.stderr
    est = mc_projection_kl(d, k, 200_000, seed=seed + 100)
    assert abs(est.estimate - projection_kl(d, k)) < 5 * est.stderr


@pytest.mark.claim("MP")
def test_mc_tv_on_sample_uniform_rows_float32():
    d, k, n = 24, 2, 40_000
    u = sample_uniform(n, d, seed=5)[:, :k]
    est = mc_projection_tv(d, k, samples=(math.sqrt(d) * u).astype(np.float32))
    assert est.n_samples == n
    assert abs(est.estimate - projection_tv(d, k)) < 5 * est.stderr


@pytest.mark.claim("MP")
@pytest.mark.parametrize(("d", "k"), [(6, 1), (10, 3)])
def test_ks_distance_within_dkw_band(d, k):
    y = sample_projection(50_000, d, k, seed=21)
    r = ks_distance(y, d)
    assert r.population == pytest.approx(projection_ks(d, k) / (2 if k == 1 else 1))
    assert abs(r.statistic - r.population) <= r.dkw_halfwidth
    assert r.statistic_projection <= r.dkw_halfwidth
    assert r.variable == ("coordinate" if k == 1 else "squared radius")


# ---------------------------------------------------------------------------------------------------------
# Prop. 2: thin shells
# ---------------------------------------------------------------------------------------------------------


@pytest.mark.claim("P2")
@pytest.mark.parametrize(("d", "k"), [(16, 1), (64, 2), (500, 3)])
def test_gaussian_shell_is_exactly_gaussian(d, k):
    assert shell_projection_tv(d, k, chi_shell(d)).tv < 1e-10


@pytest.mark.claim("P2")
def test_fixed_radius_shell_equals_projection():
    r = shell_projection_tv(100, 2)
    assert r.tv == projection_tv(100, 2)
    assert r.tv_fixed_radius == projection_tv(100, 2)
    # a nearly degenerate radial law reproduces the fixed-radius value through the mixture code path
    assert shell_projection_tv(100, 2, lognormal_shell(1e-6)).tv == pytest.approx(
        projection_tv(100, 2), rel=1e-4
    )


@pytest.mark.claim("P2")
@pytest.mark.parametrize(
    ("d", "k", "sigma", "seed"), [pytest.param(16, 1, 0.3, 31, marks=pytest.mark.slow), (128, 2, 0.05, 32)]
)  # Monte Carlo: the longer case (1.4 s) in the slow run
def test_shell_mc_within_five_standard_errors_and_dkw(d, k, sigma, seed):
    law = lognormal_shell(sigma)
    exact = shell_projection_tv(d, k, law)
    est = mc_shell_tv(d, k, law, 100_000, seed=seed)
    assert abs(est.estimate - exact.tv) < 5 * est.stderr
    w = sample_shell(50_000, d, k, law, seed=seed + 1)
    t = np.sum(w * w, axis=1)
    stat = stats.kstest(t, stats.chi2(k).cdf).statistic
    half = math.sqrt(math.log(2 / 1e-6) / (2 * t.size))
    assert abs(stat - exact.ks_radial) <= half


@pytest.mark.claim("P2")
@pytest.mark.parametrize("ratio", [0.25, 1.0, 2.0])
def test_shell_tv_follows_leading_order_in_variance(ratio):
    # independent: numerical mixture TV vs the sympy-derived c_k |1/d - Var(rho^2)/2|
    d, k = 32768, 1
    sigma = math.sqrt(ratio / d)
    tv = shell_projection_tv(d, k, lognormal_shell(sigma)).tv
    lead = shell_tv_leading(d, k, math.expm1(4 * sigma**2))
    assert tv == pytest.approx(lead, rel=1e-3)


# ---------------------------------------------------------------------------------------------------------
# bad input
# ---------------------------------------------------------------------------------------------------------


def test_bad_input_messages():
    with pytest.raises(ValueError, match="k must satisfy"):
        projection_tv(5, 5)
    with pytest.raises(ValueError, match="k must be >= 1"):
        projection_tv(5, 0)
    with pytest.raises(ValueError, match="d must be >= 2"):
        projection_tv(1, 1)
    with pytest.raises(TypeError, match="d must be an integer"):
        projection_tv(10.0, 1)
    with pytest.raises(ValueError, match="d - 4"):
        diaconis_freedman_bound(10, 7)
    with pytest.raises(ValueError, match="open ball"):
        mc_projection_tv(4, 1, samples=np.array([[2.0], [0.1]]))
    with pytest.raises(ValueError, match="k = 2 columns"):
        mc_projection_tv(10, 2, samples=np.zeros((5, 3)))
    with pytest.raises(TypeError, match="radial"):
        shell_projection_tv(10, 1, radial=0.5)
    with pytest.raises(ValueError, match="squared radii"):
        log_density_ratio([-1.0], 10, 1)
    with pytest.raises(TypeError, match="reverse"):
        projection_kl(10, 1, reverse="yes")
    assert sphere.projection_tv(np.int64(40), np.int32(2)) == projection_tv(40, 2)


def test_figure_tv_command_writes_png_csv_json(tmp_path, capsys):
    import csv
    import json

    from theory.cli import main

    out = tmp_path / "fig" / "tv.png"
    argv = ["figure-tv", "--out", str(out), "--k", "1", "2", "--d-max", "200"]
    assert main([*argv, "--mc-d", "16", "--mc-n", "2000", "--quiet"]) == 0
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    rows = list(csv.DictReader(out.with_suffix(".csv").open()))
    exact = [r for r in rows if r["kind"] == "exact"]
    assert {int(r["k"]) for r in exact} == {1, 2}
    for r in exact[::7]:
        assert float(r["tv"]) == projection_tv(int(r["d"]), int(r["k"]))
    data = json.loads(out.with_suffix(".json").read_text())
    assert len(data["mc"]) == 2 and data["mc_n"] == 2000
    assert main(["figure-tv", "--out", str(tmp_path / "x.pdf"), "--quiet"]) == 2
    assert "must be a .png" in capsys.readouterr().err
