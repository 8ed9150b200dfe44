"""Haar rotations and the coordinate statistics over rotated bases (theory.gaussianity._rotations)."""

import numpy as np
import pytest
from scipy import stats

from tests.theory._scipy_reference import scipy_ad
from theory.gaussianity import haar_rotation, null_pass_rates, rotation_spread


def test_haar_rotation_is_orthogonal():
    Q = haar_rotation(7, seed=3)
    assert np.allclose(Q.T @ Q, np.eye(7), atol=1e-12)
    assert abs(abs(np.linalg.det(Q)) - 1.0) < 1e-12


def test_haar_rotation_entries_have_the_haar_moments():
    # Q_11 of a Haar matrix: E = 0 (fails without the sign correction of R's diagonal), E Q^2 = 1/d,
    # E Q^4 = 3 / (d (d + 2)); 5 standard errors from the exact values
    d, m = 5, 4000
    rng = np.random.default_rng(11)
    q = np.array([haar_rotation(d, rng)[0, 0] for _ in range(m)])
    assert abs(q.mean()) < 5 * np.sqrt(1 / d / m)
    var_q2 = 3 / (d * (d + 2)) - 1 / d**2
    assert abs((q**2).mean() - 1 / d) < 5 * np.sqrt(var_q2 / m)
    e8 = 105 / (d * (d + 2) * (d + 4) * (d + 6))
    assert abs((q**4).mean() - 3 / (d * (d + 2))) < 5 * np.sqrt((e8 - (3 / (d * (d + 2))) ** 2) / m)


def test_identity_entry_matches_scipy_per_column():
    Z = np.random.default_rng(0).standard_normal((300, 6)) ** 3  # heavy tails
    r = rotation_spread(Z, n_rotations=2, seed=0)
    ad = np.array([scipy_ad(Z[:, j]) for j in range(6)])
    p = np.array([stats.normaltest(Z[:, j]).pvalue for j in range(6)])
    assert r.identity["ad_mean"] == pytest.approx(ad.mean(), rel=1e-9)
    assert r.identity["ad_pass"] == np.mean(ad < 0.752)
    assert r.identity["dp_mean"] == pytest.approx(p.mean(), rel=1e-9)
    assert r.identity["dp_pass"] == np.mean(p > 0.05)


def test_rotations_of_a_correlated_gaussian_pass_at_the_null_rate():
    # N(0, Sigma): every rotated coordinate is exactly Gaussian; over 16 rotations x 32 coordinates the
    # pass fraction sits at the null rate (bounded by the worst-case dependence: one rotation's SE)
    n, d = 400, 32
    rng = np.random.default_rng(5)
    A = rng.standard_normal((d, d))
    Z = rng.standard_normal((n, d)) @ A
    r = rotation_spread(Z, n_rotations=16, seed=1)
    null = null_pass_rates(n)
    se_ad, se_dp = np.sqrt(null.ad * (1 - null.ad) / d), np.sqrt(null.dp * (1 - null.dp) / d)
    assert abs(r.ad_pass.mean() - null.ad) < 5 * se_ad
    assert abs(r.dp_pass.mean() - null.dp) < 5 * se_dp
    assert r.ad_pass.shape == (16,)


def test_independent_uniform_coordinates_fail_in_their_basis_and_pass_after_mixing():
    # i.i.d. uniform coordinates: every axis fails AD at n = 2000; a Haar rotation mixes d = 64 of them
    # (a rotated coordinate has excess kurtosis -1.2 sum_i q_i^4, about -0.055): nearly all pass
    rng = np.random.default_rng(2)
    Z = rng.uniform(-1, 1, (2000, 64))
    r = rotation_spread(Z, n_rotations=4, seed=0)
    assert r.identity["ad_pass"] == 0.0 and r.identity["dp_pass"] == 0.0
    assert r.quantiles["ad_pass"]["median"] > 0.8
    assert r.paper_rule == 1.0


def test_a_rotation_invariant_non_gaussian_law_fails_in_every_basis():
    # uniform on the sphere S^2: every coordinate, in every basis, is uniform on [-1, 1] (Archimedes)
    rng = np.random.default_rng(4)
    X = rng.standard_normal((2000, 3))
    Z = X / np.linalg.norm(X, axis=1, keepdims=True)
    r = rotation_spread(Z, n_rotations=8, seed=0)
    assert r.ad_pass.max() == 0.0 and r.identity["ad_pass"] == 0.0
    assert r.paper_rule == 0.0 and r.our_rule == 0.0


@pytest.mark.parametrize(
    ("kwargs", "exc", "needle"),
    [
        ({"Z": np.ones((30, 3))}, ValueError, "constant"),
        ({"Z": np.zeros((5, 3)) + np.arange(5)[:, None]}, ValueError, "Z"),
        ({"Z": np.random.default_rng(0).normal(size=(30, 3)), "n_rotations": 0}, ValueError, "n_rotations"),
        ({"Z": np.random.default_rng(0).normal(size=(30, 3)), "min_pass": 2.0}, ValueError, "min_pass"),
    ],
)
def test_bad_inputs(kwargs, exc, needle):
    with pytest.raises(exc, match=needle):
        rotation_spread(**kwargs)


def test_haar_rotation_bad_dimension():
    with pytest.raises(ValueError, match="d"):
        haar_rotation(0)
