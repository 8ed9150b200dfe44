"""The skewness and excess-kurtosis floors of a Binary-input coordinate against numerical minimisation
over weight rows (exact enumeration inside the objective) and exact enumeration of the attaining rows."""

import itertools
import math

import numpy as np
import pytest
from scipy import optimize

from theory.encoders import (
    P_MESOKURTIC,
    binary_coordinate_cumulants,
    cumulant_floor,
    floor_row,
    joint_row_ratio,
    kurtosis_floor,
    laplace_coordinate_cumulants,
    laplace_kurtosis_floor,
    skewness_floor,
)

pytestmark = pytest.mark.claim("Tab1-Bin-ceiling")


def exact_shape(w, p):
    """(skewness, excess kurtosis) of w.x by enumerating {0,1}^D (no library code)."""
    D = len(w)
    X = np.array(list(itertools.product((0, 1), repeat=D)), dtype=float)
    k = X.sum(axis=1)
    prob = p**k * (1 - p) ** (D - k)
    z = X @ w
    c = z - prob @ z
    m2, m3, m4 = (prob @ c**r for r in (2, 3, 4))
    return m3 / m2**1.5, m4 / m2**2 - 3


def numerical_min(objective, D, n_starts, seed, bounds=None):
    rng = np.random.default_rng(seed)
    best = math.inf
    for _ in range(n_starts):
        w0 = rng.uniform(0.05, 1.0, D) if bounds else rng.normal(size=D)
        method = "L-BFGS-B" if bounds else "Nelder-Mead"
        opts = {} if bounds else {"maxiter": 4000, "xatol": 1e-10, "fatol": 1e-14}
        r = optimize.minimize(objective, w0, method=method, bounds=bounds, options=opts)
        best = min(best, r.fun)
    return best


SLOW = pytest.mark.slow


@pytest.mark.parametrize(
    ("p", "D"),
    [(0.05, 2), (0.3, 3), pytest.param(0.05, 4, marks=SLOW), pytest.param(0.7, 4, marks=SLOW),
     pytest.param(0.15, 5, marks=SLOW)],
)  # fmt: skip
def test_kurtosis_floor_equals_a_numerical_minimum_over_rows(p, D):
    floor = kurtosis_floor(p, D)
    best = numerical_min(lambda w: abs(exact_shape(w, p)[1]), D, n_starts=4, seed=D)
    assert best >= floor * (1 - 1e-9)  # no row beats the floor
    assert best == pytest.approx(floor, rel=1e-5)  # and it is reached
    q = 1 - p
    assert floor == pytest.approx(abs(1 - 6 * p * q) / ((1 - p) * p * D), rel=1e-14)


@pytest.mark.parametrize("p", [0.002, 0.01, 0.3, 0.9])
def test_equal_magnitude_rows_attain_the_floor_and_random_rows_do_not_beat_it(p):
    D = 10
    floor = kurtosis_floor(p, D)
    rng = np.random.default_rng(0)
    for signs in (floor_row(D), rng.choice([-1.0, 1.0], D), np.ones(D)):
        assert abs(exact_shape(2.5 * signs, p)[1]) == pytest.approx(floor, rel=1e-9)
    for _ in range(20):
        w = rng.standard_t(3, D)
        assert abs(exact_shape(w, p)[1]) > floor
    # the floor row also has zero skewness at even D
    assert abs(exact_shape(floor_row(D), p)[0]) < 1e-12


def test_the_sign_of_the_excess_kurtosis_is_shared_by_every_row():
    rng = np.random.default_rng(4)
    for p, sign in ((0.05, 1), (0.2, 1), (0.23, -1), (0.5, -1), (0.77, -1), (0.8, 1)):
        assert cumulant_floor(p, 12).kurtosis_sign == sign
        for _ in range(5):
            g2 = binary_coordinate_cumulants(rng.normal(size=12), p).excess_kurtosis
            assert np.sign(g2) == sign
    # at p* = (1 - 1/sqrt 3)/2 every row has zero excess kurtosis: the floor is 0
    assert P_MESOKURTIC == pytest.approx(0.21132486540518713, rel=1e-15)
    assert P_MESOKURTIC * (1 - P_MESOKURTIC) == pytest.approx(1 / 6, rel=1e-15)
    assert kurtosis_floor(P_MESOKURTIC, 1024) < 1e-17
    assert cumulant_floor(P_MESOKURTIC, 8).kurtosis_sign == 0
    assert abs(exact_shape(rng.normal(size=8), P_MESOKURTIC)[1]) < 1e-12
    # continuity through p*: the floor falls to 0 and rises again
    ps = [P_MESOKURTIC - 0.01, P_MESOKURTIC - 0.001, P_MESOKURTIC + 0.001, P_MESOKURTIC + 0.01]
    f = [kurtosis_floor(p, 100) for p in ps]
    assert f[0] > f[1] > 0 and 0 < f[2] < f[3]


@pytest.mark.parametrize(("p", "D"), [(0.1, 3), (0.4, 2), pytest.param(0.7, 4, marks=SLOW)])
def test_nonnegative_skewness_floor_equals_a_bounded_numerical_minimum(p, D):
    floor = skewness_floor(p, D, nonnegative=True)
    best = numerical_min(lambda w: abs(exact_shape(w, p)[0]), D, 5, seed=1, bounds=[(0.0, 2.0)] * D)
    assert best == pytest.approx(floor, rel=1e-5)
    assert floor == pytest.approx(abs(1 - 2 * p) / math.sqrt((1 - p) * p * D), rel=1e-14)


def test_signed_skewness_floor():
    assert skewness_floor(0.01, 2) == 0.0
    assert abs(exact_shape(np.array([1.0, -1.0, 0.0]), 0.01)[0]) < 1e-12
    one = skewness_floor(0.01, 1)
    assert one == pytest.approx(abs(exact_shape(np.array([3.0]), 0.01)[0]), rel=1e-12)
    assert skewness_floor(0.01, 1, nonnegative=True) == one
    assert skewness_floor(0.5, 7, nonnegative=True) == 0.0


def _joint_numerical(D, seed, n_starts):
    rng = np.random.default_rng(seed)
    cons = [{"type": "eq", "fun": lambda w: (w**2).sum() - 1}, {"type": "eq", "fun": lambda w: (w**3).sum()}]
    best = math.inf
    for _ in range(n_starts):
        r = optimize.minimize(lambda w: (w**4).sum(), rng.normal(size=D), method="SLSQP", constraints=cons,
                              options={"ftol": 1e-14, "maxiter": 500})  # fmt: skip
        if r.success and abs((r.x**2).sum() - 1) < 1e-8 and abs((r.x**3).sum()) < 1e-8:
            best = min(best, r.fun)
    return best


@pytest.mark.parametrize(
    ("D", "n_starts"), [(5, 8), pytest.param(3, 30, marks=SLOW), pytest.param(7, 30, marks=SLOW)]
)
def test_joint_row_ratio_odd_D_equals_constrained_minimisation(D, n_starts):
    assert joint_row_ratio(D) == pytest.approx(_joint_numerical(D, D, n_starts), rel=1e-6)
    assert joint_row_ratio(D) > 1 / D


def test_joint_row_ratio_even_D_and_the_joint_floor():
    assert joint_row_ratio(8) == 1 / 8
    assert joint_row_ratio(1024) == 1 / 1024
    f = cumulant_floor(0.01, 1024)
    assert f.joint_kurtosis == f.kurtosis
    assert f.lam == pytest.approx(10.24)
    assert f.skewness == 0.0
    g = cumulant_floor(0.1, 5)
    assert g.joint_kurtosis == pytest.approx(abs(1 - 6 * 0.09) / 0.09 * joint_row_ratio(5), rel=1e-14)
    assert g.joint_kurtosis > g.kurtosis
    assert g.skewness_nonnegative == skewness_floor(0.1, 5, nonnegative=True) > 0 == g.skewness
    assert cumulant_floor(0.3, 1).joint_kurtosis is None
    assert cumulant_floor(0.5, 1).joint_kurtosis == pytest.approx(2.0)
    assert cumulant_floor(0.01, 1024).to_dict()["joint_kurtosis"] == pytest.approx(f.kurtosis)


def test_the_floor_in_terms_of_lambda():
    # for sparse inputs the floor is about 1/lambda, whatever D
    for lam in (2.0, 10.0, 50.0):
        for D in (1024, 4096):
            p = lam / D
            assert kurtosis_floor(p, D) == pytest.approx(
                abs(1 - 6 * p * (1 - p)) / ((1 - p) * lam), rel=1e-13
            )
            assert kurtosis_floor(p, D) == pytest.approx(
                1 / lam, rel=6 * lam / D
            )  # (1 - 6pq)/(1 - p) ~ 1 - 5p


def test_laplace_floor():
    assert laplace_kurtosis_floor(1024) == 3 / 1024
    assert laplace_coordinate_cumulants(floor_row(6)).excess_kurtosis == pytest.approx(
        laplace_kurtosis_floor(6)
    )
    rng = np.random.default_rng(0)
    assert laplace_coordinate_cumulants(rng.normal(size=6)).excess_kurtosis > 3 / 6


def test_floor_row_shape():
    np.testing.assert_array_equal(floor_row(5), [1, -1, 1, -1, 1])


@pytest.mark.parametrize(
    ("call", "exc", "match"),
    [
        (lambda: kurtosis_floor(0.1, 0), ValueError, "D must be >= 1"),
        (lambda: kurtosis_floor(0.1, 2.0), TypeError, "D must be an integer"),
        (lambda: kurtosis_floor(-0.1, 2), ValueError, "p must be > 0"),
        (lambda: skewness_floor(0.1, 4, nonnegative=1), TypeError, "nonnegative"),
        (lambda: joint_row_ratio(1), ValueError, "D must be >= 2"),
        (lambda: joint_row_ratio(20003), ValueError, "D must be even or at most"),
        (lambda: floor_row(True), TypeError, "D must be an integer"),
        (lambda: laplace_kurtosis_floor(0), ValueError, "D must be >= 1"),
    ],
)
def test_bad_inputs_name_the_argument(call, exc, match):
    with pytest.raises(exc, match=match):
        call()
