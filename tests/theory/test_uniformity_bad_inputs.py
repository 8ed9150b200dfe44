"""Bad input to every public function of theory.uniformity, theory.vmf, theory.infonce, theory.regularized
and theory.special: a clean ValueError or TypeError that names the argument, never a traceback from deep
inside numpy, a NaN result or a hang. Limits (d = 2, alpha = kappa = 0, eta2 in {0, 1}, the caps D_MAX and
KAPPA_MAX) give finite numbers."""

import math
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from theory import infonce, regularized, special, uniformity, vmf
from theory.special import D_MAX, KAPPA_MAX

NAN, INF = float("nan"), float("inf")
V, T = ValueError, TypeError
E3 = np.eye(3)
SIX = np.vstack([E3, -E3])

BAD_DIM = [
    (1, V),
    (0, V),
    (-3, V),
    (2**60, V),
    (D_MAX + 1, V),
    (3.0, T),
    ("3", T),
    (True, T),
    (None, T),
    (NAN, T),
]
BAD_DIM1 = [(0, V), (-3, V), (2**60, V), (3.0, T), ("3", T), (True, T), (None, T)]
BAD_COUNT = [(0, V), (-1, V), (2.5, T), ("3", T), (True, T), (None, T)]
BAD_REAL = [(NAN, V), (INF, V), (-INF, V), ("1", T), (True, T), (None, T), (1j, T)]
BAD_CONC = [(-1.0, V), (-1e-300, V), (1e13, V), (1e300, V), *BAD_REAL]  # alpha, kappa: [0, KAPPA_MAX]
BAD_ALPHA_POS = [(0.0, V), *BAD_CONC]
BAD_CONC_ARRAY = [*BAD_CONC, ([1.0, -1.0], V), ([1.0, NAN], V), (np.array(["a"]), T), (np.array([True]), T)]
BAD_ETA2 = [(-0.1, V), (1.5, V), (NAN, V), (INF, V), ("0.3", T), (True, T), (None, T)]
BAD_LAM = [(0.0, V), (-1.0, V), (NAN, V), (INF, V), ("1", T), (True, T), (None, T)]
BAD_NONNEG = [(-1.0, V), (NAN, V), (INF, V), ("1", T), (True, T)]
BAD_SEED = [(-1, V), ("x", T), (1.5, T)]
BAD_ROWS = [
    (np.full((3, 3), NAN), V),
    (np.where(E3 > 0, INF, 0.0), V),
    (np.empty((0, 3)), V),
    (np.ones(3) / np.sqrt(3), V),  # rank 1
    (np.ones((2, 2, 2)), V),  # rank 3
    ([["a", "b"]], T),
    (np.ones((3, 2)), V),  # not on the sphere
    (E3 * (1 + 0j), T),
    ("abc", T),
]
BAD_VECTOR = [
    ([NAN, 1.0, 1.0], V),
    ([INF, 1.0, 1.0], V),
    ([], V),
    ([[1.0, 1.0, 1.0]], V),
    (["a", "b", "c"], T),
]
BAD_GRID = [
    ([], V),
    ([-1.0], V),
    ([0.0], V),
    ([NAN], V),
    ([INF], V),
    ([1e13], V),
    ([[1.0, 2.0]], V),
    ("abc", T),
]
BAD_GRID += [([True, False], T), ([1e-200], V)]
BAD_NU_X = [
    (-1.0, V),
    (NAN, V),
    (INF, V),
    ("a", T),
    (True, T),
    (None, T),
    ([1.0, -1.0], V),
    (np.array(["a"]), T),
]
BAD_NU_X += [(1j, T)]
BAD_KAPPA_PAIR = [(-1.0, V), (NAN, V), (-INF, V), (1e13, V), ("1", T), (True, T), (None, T)]

# function, valid keyword arguments, {argument: bad values}
TABLE = [
    # ---- theory.vmf
    (vmf.mean_resultant_length, {"d": 3, "kappa": 1.0}, {"d": BAD_DIM, "kappa": BAD_CONC_ARRAY}),
    (vmf.kl_vmf_uniform, {"d": 3, "kappa": 1.0}, {"d": BAD_DIM, "kappa": BAD_CONC_ARRAY}),
    (vmf.log_vmf_norm, {"d": 3, "kappa": 1.0}, {"d": BAD_DIM, "kappa": BAD_CONC_ARRAY}),
    (
        vmf.sample_vmf,
        {"n_samples": 4, "mean": E3[0], "kappa": 1.0, "seed": 0},
        {
            "n_samples": BAD_COUNT,
            "mean": [([NAN, 0.0, 0.0], V), ([], V), ([1.0], V), ("abc", T), ([2.0, 0.0, 0.0], V), (E3, V)],
            "kappa": BAD_CONC,
            "seed": BAD_SEED,
        },
    ),
    (
        vmf.sample_vmf_mixture,
        {"n_samples": 4, "weights": [0.5, 0.5], "means": E3[:2], "kappas": [1.0, 2.0], "seed": 0},
        {
            "n_samples": BAD_COUNT,
            "weights": [([NAN, 1.0], V), ([-1.0, 2.0], V), ([1.0], V), (["a", "b"], T)],
            "means": [(np.ones((2, 3)), V), (E3[:2, :1], V), ([["a", "b", "c"]], T)],
            "kappas": [([-1.0, 1.0], V), ([NAN, 1.0], V), ([1e13, 1.0], V), ([1.0], V)],
            "seed": BAD_SEED,
        },
    ),
    (
        vmf.log_inner_vmf_mixture,
        {"u": E3, "weights": [1.0], "means": E3[:1], "kappas": [1.0], "alpha": 1.0},
        {"u": BAD_ROWS, "weights": [([0.0], V), ([NAN], V)], "kappas": [([-1.0], V)], "alpha": BAD_CONC},
    ),
    # ---- theory.uniformity
    (
        uniformity.phi,
        {"points": E3, "alpha": 1.0},
        {
            "points": BAD_ROWS,
            "alpha": BAD_CONC,
            "weights": [*BAD_VECTOR, ([1.0, 1.0], V), ([1.0, -2.0, 1.0], V)],
        },
    ),
    (
        uniformity.phi_estimate,
        {"samples": SIX, "alpha": 1.0},
        {"samples": [*BAD_ROWS, (E3[:2], V)], "alpha": BAD_CONC},
    ),
    (uniformity.phi_uniform, {"d": 3, "alpha": 1.0}, {"d": BAD_DIM, "alpha": BAD_CONC_ARRAY}),
    (
        uniformity.phi_vmf,
        {"d": 3, "kappa": 1.0, "alpha": 1.0},
        {"d": BAD_DIM, "kappa": BAD_CONC, "alpha": BAD_CONC, "n_nodes": [(100, V), (2.5, T), ("x", T)]},
    ),
    (
        uniformity.phi_vmf_mixture,
        {"weights": [1.0], "means": E3[:1], "kappas": [1.0], "alpha": 1.0, "n_samples": 20, "seed": 0},
        {
            "weights": [([NAN], V), ([-1.0], V)],
            "means": [(np.ones((1, 3)), V)],
            "kappas": [([-1.0], V), ([INF], V)],
            "alpha": BAD_CONC,
            "n_samples": [(1, V), *BAD_COUNT],
            "seed": BAD_SEED,
        },
    ),
    (
        uniformity.minimize_phi_discrete,
        {"N": 3, "d": 3, "alpha": 1.0, "n_starts": 1, "seed": 0},
        {
            "N": BAD_COUNT,
            "d": BAD_DIM,
            "alpha": BAD_CONC,
            "n_starts": BAD_COUNT,
            "seed": BAD_SEED,
            "optimize_weights": [("yes", T), (None, T)],
        },
    ),
    # ---- theory.infonce
    (
        infonce.infonce_loss,
        {"u": E3, "v": E3, "alpha": 1.0},
        {"u": BAD_ROWS, "v": [*BAD_ROWS, (E3[:2], V)], "alpha": BAD_CONC},
    ),
    (
        infonce.population_loss,
        {"alignment": 0.3, "phi_mu": 0.5, "alpha": 1.0},
        {"alignment": [(1.5, V), (-1.5, V), *BAD_REAL], "phi_mu": BAD_REAL, "alpha": BAD_CONC},
    ),
    (
        infonce.population_loss_vmf_coupling,
        {"d": 3, "alpha": 1.0, "kappa_pair": 1.0},
        {"d": BAD_DIM, "alpha": BAD_CONC, "kappa_pair": BAD_KAPPA_PAIR},
    ),
    (
        infonce.infonce_bias_first_order,
        {"d": 3, "alpha": 1.0, "kappa_pair": 1.0},
        {"d": BAD_DIM, "alpha": BAD_CONC, "kappa_pair": BAD_KAPPA_PAIR},
    ),
    (
        infonce.infonce_convergence,
        {"d": 3, "alpha": 1.0, "kappa_pair": 1.0, "Ns": (4, 8), "n_rep": 2, "seed": 0},
        {
            "d": BAD_DIM,
            "alpha": BAD_CONC,
            "kappa_pair": BAD_KAPPA_PAIR,
            "Ns": [([], V), ([4], V), ([1, 4], V), ("ab", T), (5, T), ([4.5, 8], T)],
            "n_rep": [(1, V), (2.5, T)],
            "seed": BAD_SEED,
        },
    ),
    # ---- theory.regularized
    (regularized.log_partition_gaussian, {"d": 3, "lam": 0.5}, {"d": BAD_DIM1, "lam": BAD_LAM}),
    (
        regularized.regularized_penalty,
        {"neg_entropy": -1.0, "second_moment": 2.0, "d": 3, "lam": 0.5},
        {"neg_entropy": BAD_REAL, "second_moment": [(-1.0, V), *BAD_REAL], "d": BAD_DIM1, "lam": BAD_LAM},
    ),
    (
        regularized.gaussian_kl,
        {"mean": np.zeros(3), "cov": np.eye(3), "lam": 0.5},
        {
            "mean": [([NAN, 0.0, 0.0], V), ([], V), ([[0.0, 0.0, 0.0]], V), (["a", "b", "c"], T)],
            "cov": [
                (np.full((3, 3), NAN), V),
                (-np.eye(3), V),
                (np.diag([1.0, -1.0, -1.0]), V),  # det > 0, not positive definite
                (np.triu(np.ones((3, 3))), V),  # not symmetric
                (np.eye(2), V),
                (np.ones(3), V),
                ("abc", T),
            ],
            "lam": BAD_LAM,
        },
    ),
    (
        regularized.gaussian_polar_sample,
        {"n_samples": 3, "d": 3, "lam": 0.5, "seed": 0},
        {"n_samples": BAD_COUNT, "d": BAD_DIM, "lam": BAD_LAM, "seed": BAD_SEED},
    ),
    (
        regularized.kl_scaled_chi,
        {"d": 3, "lam_rho": 0.5, "lam": 0.5},
        {"d": BAD_DIM1, "lam_rho": BAD_LAM, "lam": BAD_LAM},
    ),
    (
        regularized.kl_polar_vmf_chi,
        {"d": 3, "kappa": 1.0, "lam": 0.5},
        {"d": BAD_DIM, "kappa": BAD_CONC, "lam": BAD_LAM, "lam_rho": BAD_LAM[:-1]},  # None means lam
    ),
    (regularized.lemma1_constant, {"d": 3}, {"d": BAD_DIM, "kappas": BAD_GRID}),
    (
        regularized.beta0,
        {"alpha": 1.0, "eta2": 0.3, "d": 3},
        {"alpha": BAD_CONC, "eta2": BAD_ETA2, "d": BAD_DIM, "C": [(0.0, V), *BAD_LAM[1:]]},
    ),
    (
        regularized.reduced_objective_vmf,
        {"d": 3, "kappa": 1.0, "alpha": 1.0, "eta2": 0.3, "beta": 1.0},
        {
            "d": BAD_DIM,
            "kappa": BAD_CONC,
            "alpha": BAD_CONC,
            "eta2": BAD_ETA2,
            "beta": BAD_NONNEG,
            "delta": BAD_NONNEG,
        },
    ),
    (
        regularized.theorem1_vmf,
        {"d": 3, "alpha": 1.0, "eta2": 0.3, "beta": 1.0, "kappas": [0.5, 2.0]},
        {
            "d": BAD_DIM,
            "alpha": BAD_CONC,
            "eta2": BAD_ETA2,
            "beta": BAD_NONNEG,
            "delta": BAD_NONNEG,
            "kappas": BAD_GRID,
        },
    ),
    (
        regularized.beta_threshold_vmf,
        {"d": 3, "alpha": 1.0, "eta2": 0.3, "kappas": [0.5, 2.0]},
        {"d": BAD_DIM, "alpha": BAD_CONC, "eta2": BAD_ETA2, "kappas": BAD_GRID},
    ),
    (
        regularized.beta_threshold_local,
        {"d": 3, "alpha": 1.0, "eta2": 0.3},
        {"d": BAD_DIM, "alpha": BAD_CONC, "eta2": BAD_ETA2},
    ),
    (
        regularized.surrogate_vmf,
        {"d": 3, "kappa": 1.0, "alpha": 1.0, "q": 1.0},
        {"d": BAD_DIM, "kappa": BAD_CONC, "alpha": BAD_CONC, "q": BAD_NONNEG},
    ),
    (regularized.qc_local, {"d": 3, "alpha": 1.0}, {"d": BAD_DIM, "alpha": BAD_CONC_ARRAY}),
    (
        regularized.surrogate_threshold,
        {"d": 3, "alpha": 1.0, "kappas": [0.5, 2.0]},
        {
            "d": BAD_DIM,
            "alpha": BAD_ALPHA_POS,
            "kappas": BAD_GRID,
            "rtol": [(-0.1, V), (1.0, V), (NAN, V), ("x", T)],
        },
    ),
    # ---- theory.special
    (special.log_iv_normalized, {"nu": 1.0, "x": 1.0}, {"nu": BAD_NU_X, "x": BAD_NU_X}),
    (special.log_iv_scaled, {"nu": 1.0, "x": 1.0}, {"nu": BAD_NU_X, "x": BAD_NU_X}),
    (special.log_iv, {"nu": 1.0, "x": 1.0}, {"nu": BAD_NU_X, "x": BAD_NU_X}),
    (special.log_sphere_area, {"d": 3}, {"d": BAD_DIM1}),
]


def _cases():
    out = []
    for fn, good, bad in TABLE:
        for arg, values in bad.items():
            for i, (value, exc) in enumerate(values):
                out.append(pytest.param(fn, good, arg, value, exc, id=f"{fn.__name__}-{arg}-{i}"))
    return out


def test_every_public_function_is_in_the_table():
    covered = {fn.__name__ for fn, _, _ in TABLE}
    # no-argument derivations and the deprecated aliases (tested in test_uniformity_import_paths)
    exempt = {
        "phi_uniform_sympy_d3",
        "qc_symbolic",
        "align_bound",
        "regularised_penalty",
        "minimise_phi_discrete",
    }
    for mod in (uniformity, vmf, infonce, regularized, special):
        for name in mod.__all__:
            obj = getattr(mod, name)
            if callable(obj) and not isinstance(obj, type) and name not in exempt:
                assert name in covered, f"{mod.__name__}.{name} has no bad-input cases"


@pytest.mark.parametrize(("fn", "good", "arg", "value", "exc"), _cases())
def test_bad_input_raises_naming_the_argument(fn, good, arg, value, exc):
    kwargs = {**good, arg: value}
    with pytest.raises(exc, match=rf"\b{re.escape(arg)}\b"):
        fn(**kwargs)


@pytest.mark.parametrize(("fn", "good", "bad"), [pytest.param(*row, id=row[0].__name__) for row in TABLE])
def test_the_valid_call_of_each_row_works(fn, good, bad):
    fn(**good)


# ------------------------------------------------------------------ limits give finite numbers


LIMIT_CALLS = [
    lambda: uniformity.phi_uniform(2, 0.0),
    lambda: uniformity.phi_uniform(2, KAPPA_MAX),
    lambda: uniformity.phi_uniform(D_MAX, KAPPA_MAX),
    lambda: uniformity.phi_uniform(D_MAX, 1e-300),
    lambda: uniformity.phi_vmf(2, KAPPA_MAX, KAPPA_MAX),
    lambda: uniformity.phi_vmf(3, KAPPA_MAX, 1.0),
    lambda: uniformity.phi_vmf(10**6, 5.0, 3.0),
    lambda: uniformity.phi(E3, KAPPA_MAX),
    lambda: uniformity.phi_estimate(SIX, KAPPA_MAX).value,
    lambda: vmf.mean_resultant_length(2, KAPPA_MAX),
    lambda: vmf.mean_resultant_length(D_MAX, KAPPA_MAX),
    lambda: vmf.kl_vmf_uniform(2, KAPPA_MAX),
    lambda: vmf.kl_vmf_uniform(D_MAX, 1.0),
    lambda: vmf.log_vmf_norm(D_MAX, KAPPA_MAX),
    lambda: vmf.sample_vmf(3, E3[0], KAPPA_MAX, seed=0),
    lambda: vmf.sample_vmf(3, E3[0], 0.0, seed=0),
    lambda: infonce.infonce_loss(E3, E3, KAPPA_MAX),
    lambda: infonce.population_loss_vmf_coupling(2, KAPPA_MAX, INF),
    lambda: infonce.infonce_bias_first_order(3, 50.0, KAPPA_MAX),
    lambda: regularized.beta0(KAPPA_MAX, 0.0, 2),
    lambda: regularized.beta0(1.0, 1.0, D_MAX),
    lambda: regularized.lemma1_constant(2, kappas=[1e-100, KAPPA_MAX]).C,
    lambda: regularized.lemma1_constant(10**6).C,
    lambda: regularized.beta_threshold_vmf(3, 5.0, 0.0, kappas=[1e-100, KAPPA_MAX]).beta_star,
    lambda: regularized.theorem1_vmf(3, 5.0, 1.0, 0.0, kappas=[1e-100, KAPPA_MAX]).margin,
    lambda: regularized.surrogate_threshold(3, KAPPA_MAX, kappas=[1e-100, KAPPA_MAX]).qc_global,
    lambda: regularized.qc_local(D_MAX, KAPPA_MAX),
    lambda: regularized.kl_polar_vmf_chi(3, KAPPA_MAX, 1e-300, 1e300),
    lambda: special.log_iv(0.0, KAPPA_MAX),
    lambda: special.log_iv(1e5, 1e-300),
    lambda: special.log_sphere_area(D_MAX),
]


@pytest.mark.parametrize("i", range(len(LIMIT_CALLS)))
def test_limits_give_finite_numbers(i):
    out = np.asarray(LIMIT_CALLS[i]())
    assert np.all(np.isfinite(out))


def test_empty_arrays_pass_through_elementwise_functions():
    # the elementwise functions follow numpy: an empty kappa / alpha array gives an empty result
    for fn in (vmf.mean_resultant_length, vmf.kl_vmf_uniform, uniformity.phi_uniform, vmf.log_vmf_norm):
        assert np.shape(fn(3, np.array([]))) == (0,)
    assert np.shape(special.log_iv(1.0, np.array([]))) == (0,)


# ------------------------------------------------------------------ hypothesis: any float, any int


@settings(max_examples=60, deadline=None)
@given(x=st.floats(allow_nan=True, allow_infinity=True), d=st.integers(min_value=-5, max_value=2**60))
def test_any_float_kappa_and_any_int_d_give_a_number_or_a_clean_error(x, d):
    valid_d = 2 <= d <= D_MAX
    valid_x = math.isfinite(x) and 0.0 <= x <= KAPPA_MAX
    for fn in (vmf.mean_resultant_length, vmf.kl_vmf_uniform, uniformity.phi_uniform):
        if valid_d and valid_x:
            out = fn(d, x)
            assert math.isfinite(out) and out >= 0.0
            if fn is vmf.mean_resultant_length:
                assert out <= 1.0
        else:
            with pytest.raises(ValueError, match=r"\bd\b" if not valid_d else r"\b(kappa|alpha)\b"):
                fn(d, x)


@settings(max_examples=40, deadline=None)
@given(
    eta2=st.floats(allow_nan=True, allow_infinity=True), alpha=st.floats(allow_nan=True, allow_infinity=True)
)
def test_any_eta2_and_alpha_in_beta_threshold_local(eta2, alpha):
    valid_e = math.isfinite(eta2) and 0.0 <= eta2 <= 1.0
    valid_a = math.isfinite(alpha) and 0.0 <= alpha <= KAPPA_MAX
    if valid_e and valid_a:
        out = regularized.beta_threshold_local(5, alpha, eta2)
        assert math.isfinite(out) and out >= 0.0
        assert out <= regularized.beta0(alpha, eta2, 5, C=regularized.lemma1_constant(5).C) + 1e-12 * (
            1 + out
        )
    else:
        with pytest.raises(ValueError, match=r"\balpha\b" if not valid_a else r"\beta2\b"):
            regularized.beta_threshold_local(5, alpha, eta2)
