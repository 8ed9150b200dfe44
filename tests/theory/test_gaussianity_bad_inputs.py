"""Bad inputs to every public function of theory.gaussianity: a clean ValueError/TypeError naming the
argument, never a traceback from deep inside, a NaN result or a RuntimeWarning."""

import json
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import theory.gaussianity as g

pytestmark = pytest.mark.claim("DIAG")

GOOD = np.random.default_rng(0).standard_normal((40, 3))


def _nan_at(i, j, v=np.nan):
    Z = GOOD.copy()
    Z[i, j] = v
    return Z


BAD_MATRICES = [
    ("nan", _nan_at(3, 1), ValueError, "NaN or inf"),
    ("inf", _nan_at(0, 0, np.inf), ValueError, "NaN or inf"),
    ("-inf", _nan_at(39, 2, -np.inf), ValueError, "NaN or inf"),
    ("empty rows", np.zeros((0, 3)), ValueError, "at least"),
    ("empty cols", np.zeros((40, 0)), ValueError, "at least 1 columns"),
    ("rank 1", np.ones(40), ValueError, r"shape \(n, d\)"),
    ("rank 3", np.ones((40, 2, 2)), ValueError, r"shape \(n, d\)"),
    ("rank 0", np.float64(3.0), ValueError, r"shape \(n, d\)"),
    ("strings", np.array([["a", "b"]] * 40), TypeError, "numeric"),
    ("complex", GOOD + 1j, TypeError, "real"),
    ("object", np.array([[{"a": 1}]] * 40, dtype=object), TypeError, "numeric"),
    ("None", None, TypeError, "numeric"),
]

# functions of a sample matrix Z and their smallest valid n
MATRIX_FUNCS = {
    "anderson_darling": (g.anderson_darling, 20),
    "dagostino_pearson": (g.dagostino_pearson, 20),
    "diagnose": (lambda Z: g.diagnose(Z, sw_null=2), 20),
    "multivariate_normality": (g.multivariate_normality, 7),  # n > d + 3 with d = 3
    "sliced_wasserstein_gaussian": (lambda Z: g.sliced_wasserstein_gaussian(Z, n_null=2), 2),
    "coefficient_of_variation": (g.coefficient_of_variation, 2),
    "constant_columns": (g.constant_columns, 1),
}


@pytest.mark.parametrize("fname", sorted(MATRIX_FUNCS))
@pytest.mark.parametrize(("label", "Z", "exc", "match"), BAD_MATRICES, ids=[b[0] for b in BAD_MATRICES])
def test_bad_matrices(fname, label, Z, exc, match):
    fn, _ = MATRIX_FUNCS[fname]
    if fname == "constant_columns" and label == "empty rows":
        match = "at least 1 rows"
    with pytest.raises(exc, match=match) as info:
        fn(Z)
    assert "Z" in str(info.value)


@pytest.mark.parametrize("fname", sorted(MATRIX_FUNCS))
def test_n_below_the_minimum(fname):
    fn, n_min = MATRIX_FUNCS[fname]
    if n_min <= 1:
        return
    with pytest.raises(ValueError, match=r"Z (must have at least|needs n >)"):
        fn(GOOD[: n_min - 1])
    fn(np.random.default_rng(1).standard_normal((n_min, 3)))  # the minimum itself works


@pytest.mark.parametrize(
    "fname", ["anderson_darling", "dagostino_pearson", "diagnose", "multivariate_normality"]
)
@pytest.mark.parametrize("n", [7, 20, 333])
@pytest.mark.parametrize("value", [0.0, 0.1, -1e-300, 1e300, 123456.789])
def test_constant_columns_named(fname, n, value):
    fn, n_min = MATRIX_FUNCS[fname]
    n = max(n, n_min)
    Z = np.random.default_rng(n).standard_normal((n, 3))
    Z[:, 1] = value
    with pytest.raises(ValueError, match=r"Z has 1 numerically constant column\(s\) \(columns 1:"):
        fn(Z)


@pytest.mark.parametrize("scale", [1e-300, 1e300])
def test_near_constant_column_at_extreme_scale(scale):
    # constant up to one ulp at an extreme scale: constant; a resolved spread at the same scale is not
    rng = np.random.default_rng(2)
    Z = rng.standard_normal((60, 3)) * scale
    v = np.full(60, 3.0 * scale)
    Z[:, 0] = np.where(rng.random(60) < 0.5, np.nextafter(v, np.inf), v)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ValueError, match="columns 0:"):
            g.diagnose(Z)
        assert g.constant_columns(Z[:, 1:]).size == 0


def test_all_zero_and_zero_rows():
    with pytest.raises(ValueError, match="only zero rows"):
        g.coefficient_of_variation(np.zeros((5, 3)))
    with pytest.raises(ValueError, match="no varying column"):
        g.sliced_wasserstein_gaussian(np.zeros((5, 3)))


@pytest.mark.parametrize(
    ("kwargs", "exc", "match"),
    [
        ({"n_projections": 2.5}, TypeError, "n_projections"),
        ({"n_projections": -1}, ValueError, "n_projections"),
        ({"n_projections": True}, TypeError, "n_projections"),
        ({"seed": -1}, ValueError, "seed"),
        ({"seed": 1.5}, TypeError, "seed"),
        ({"seed": "0"}, TypeError, "seed"),
        ({"null": "exact"}, ValueError, "null"),
        ({"null": 3}, ValueError, "null"),
        ({"normalize": "yes"}, TypeError, "normalize"),
        ({"normalize": 1}, TypeError, "normalize"),
        ({"extras": None}, TypeError, "extras"),
        ({"sw_projections": 0}, ValueError, "sw_projections"),
        ({"sw_null": 1}, ValueError, "sw_null"),
        ({"null_samples": 10, "null": "mc"}, ValueError, "null_samples"),
        ({"block_rows": 0}, ValueError, "block_rows"),
        ({"block_rows": 2.0}, TypeError, "block_rows"),
    ],
)
def test_diagnose_arguments(kwargs, exc, match):
    with pytest.raises(exc, match=match):
        g.diagnose(GOOD, **kwargs)


@pytest.mark.parametrize(
    ("statistic", "n", "exc", "match"),
    [
        (-1.0, 100, ValueError, "statistic"),
        (np.nan, 100, ValueError, "statistic"),
        (np.inf, 100, ValueError, "statistic"),
        ([0.3, -0.1], 100, ValueError, "statistic"),
        ("0.5", 100, TypeError, "statistic"),
        (None, 100, TypeError, "statistic"),
        (True, 100, TypeError, "statistic"),
        ([[0.1, "a"]], 100, TypeError, "statistic"),
        (0.5, 7, ValueError, "n"),
        (0.5, 20.0, TypeError, "n"),
        (0.5, "20", TypeError, "n"),
    ],
)
def test_ad_pvalue_arguments(statistic, n, exc, match):
    with pytest.raises(exc, match=match):
        g.ad_pvalue(statistic, n)


def test_ad_pvalue_huge_statistic_without_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        p = g.ad_pvalue([1e200, 1e308, 0.0], 50)
    assert p[0] == p[1] and 0.0 <= p[0] < 1e-150 and p[2] == pytest.approx(1.0, abs=1e-5)


@pytest.mark.parametrize(
    ("args", "kwargs", "exc", "match"),
    [
        ((5, 4, 0.95), {}, ValueError, "n_pass"),
        ((-1, 4, 0.95), {}, ValueError, "n_pass"),
        ((2.0, 4, 0.95), {}, TypeError, "n_pass"),
        ((2, 0, 0.95), {}, ValueError, "n_tests"),
        ((2, 4, 0.0), {}, ValueError, "null_pass"),
        ((2, 4, 1.0), {}, ValueError, "null_pass"),
        ((2, 4, np.nan), {}, ValueError, "null_pass"),
        ((2, 4, "0.9"), {}, TypeError, "null_pass"),
        ((2, 4, 0.9), {"null_se": -0.1}, ValueError, "null_se"),
        ((2, 4, 0.9), {"null_se": np.inf}, ValueError, "null_se"),
        ((2, 4, 0.9), {"test": 5}, TypeError, "test"),
    ],
)
def test_calibrate_passes_arguments(args, kwargs, exc, match):
    with pytest.raises(exc, match=match):
        g.calibrate_passes(*args, **kwargs)


@pytest.mark.parametrize(
    ("args", "kwargs", "exc", "match"),
    [
        ((19,), {}, ValueError, "n"),
        ((20.0,), {}, TypeError, "n"),
        (("20",), {}, TypeError, "n"),
        ((50,), {"method": "exact"}, ValueError, "method"),
        ((50,), {"method": None}, TypeError, "method"),
        ((50,), {"method": "mc", "n_samples": 99}, ValueError, "n_samples"),
        ((50,), {"method": "mc", "seed": -1}, ValueError, "seed"),
        ((50,), {"progress": "yes"}, TypeError, "progress"),
    ],
)
def test_null_pass_rates_arguments(args, kwargs, exc, match):
    with pytest.raises(exc, match=match):
        g.null_pass_rates(*args, **kwargs)


@pytest.mark.parametrize(
    ("kwargs", "exc", "match"),
    [
        ({"n": 1, "d": 3}, ValueError, "n"),
        ({"n": 10, "d": 0}, ValueError, "d"),
        ({"n": 10, "d": 3, "n_projections": 0}, ValueError, "n_projections"),
        ({"n": 10, "d": 3, "n_null": 1}, ValueError, "n_null"),
        ({"n": 10, "d": 3, "seed": -2}, ValueError, "seed"),
        ({"n": 10.5, "d": 3}, TypeError, "n"),
    ],
)
def test_sliced_wasserstein_null_arguments(kwargs, exc, match):
    with pytest.raises(exc, match=match):
        g.sliced_wasserstein_null(**kwargs)


@pytest.mark.parametrize(
    ("x", "mean", "sd", "exc", "match"),
    [
        ([1.0, np.nan], 0.0, 1.0, ValueError, "x"),
        (np.zeros(0), 0.0, 1.0, ValueError, "x"),
        (np.zeros((2, 2, 2)), 0.0, 1.0, ValueError, "x"),
        (["a", "b"], 0.0, 1.0, TypeError, "x"),
        ("ab", 0.0, 1.0, TypeError, "x"),
        ([1.0, 2.0], np.nan, 1.0, ValueError, "mean"),
        ([1.0, 2.0], "0", 1.0, TypeError, "mean"),
        (np.ones((3, 2)), [0.0, 1.0, 2.0], 1.0, ValueError, "mean"),
        ([1.0, 2.0], 0.0, 0.0, ValueError, "sd"),
        ([1.0, 2.0], 0.0, -1.0, ValueError, "sd"),
        ([1.0, 2.0], 0.0, np.inf, ValueError, "sd"),
        ([1.0, 2.0], 0.0, None, TypeError, "sd"),
    ],
)
def test_wasserstein_gaussian_1d_arguments(x, mean, sd, exc, match):
    with pytest.raises(exc, match=match):
        g.wasserstein_gaussian_1d(x, mean, sd)


def test_constant_columns_precision_argument():
    with pytest.raises(TypeError, match="precision"):
        g.constant_columns(GOOD, precision=np.int32)
    with pytest.raises(TypeError, match="precision"):
        g.constant_columns(GOOD, precision="not a dtype")


def test_render_diagnosis_needs_a_diagnosis():
    with pytest.raises(TypeError, match="Diagnosis"):
        g.render_diagnosis({"n": 3})


def test_load_embeddings_bad_files(tmp_path):
    with pytest.raises(FileNotFoundError, match="no such file"):
        g.load_embeddings(tmp_path / "missing.npy")
    with pytest.raises(ValueError, match="not a file"):
        g.load_embeddings(tmp_path)
    (tmp_path / "x.txt").write_text("1 2\n")
    with pytest.raises(ValueError, match="unsupported file type"):
        g.load_embeddings(tmp_path / "x.txt")


def test_results_are_strict_json():
    # constant-free data where excess_z and every calibration is finite, and a result with None fields
    r = g.diagnose(GOOD, n_projections=2, seed=0, sw_null=2)
    text = json.dumps(r.to_dict(), allow_nan=False)
    d = json.loads(text)
    assert d["ad_calibration"]["p_all_pass"] == pytest.approx(r.ad_calibration.p_all_pass)
    assert d["sliced_wasserstein"]["note"]
    json.dumps(g.diagnose(GOOD, extras=False).to_dict(), allow_nan=False)
    assert g.calibrate_passes(100_000, 100_000, 0.95).to_dict()["p_all_pass"] == 0.0  # underflow, not NaN


@settings(max_examples=40)
@given(
    n=st.integers(20, 60),
    d=st.integers(1, 4),
    i=st.integers(0, 10**6),
    j=st.integers(0, 10**6),
    bad=st.sampled_from([np.nan, np.inf, -np.inf]),
    dtype=st.sampled_from([np.float64, np.float32]),
)
def test_non_finite_anywhere_is_reported_by_row(n, d, i, j, bad, dtype):
    Z = np.random.default_rng(n * d).standard_normal((n, d)).astype(dtype)
    Z[i % n, j % d] = bad
    for fn in (g.anderson_darling, g.diagnose, g.coefficient_of_variation, g.constant_columns):
        with pytest.raises(ValueError, match=rf"Z has 1 row\(s\) with NaN or inf values \(rows {i % n}\)"):
            fn(Z)


@settings(max_examples=40)
@given(value=st.one_of(st.floats(allow_nan=True), st.text(max_size=3), st.none(), st.booleans()))
def test_integer_arguments_refuse_non_integers(value):
    with pytest.raises((TypeError, ValueError), match="n_projections"):
        g.diagnose(GOOD, n_projections=value, extras=False)


def test_sliced_w2_all_columns_numerically_constant():
    Z = np.full((50, 2), 0.1)
    Z[::2, 0] = np.nextafter(0.1, 1.0)  # one ulp of jitter: still constant
    with pytest.raises(ValueError, match="no varying column"):
        g.sliced_wasserstein_gaussian(Z)
