"""Input validation and atomic writes shared by the package."""

import json

import numpy as np
import pytest

from theory._io import atomic_write_json, atomic_write_text
from theory._validation import as_matrix, as_vector, check_int, check_real, make_rng


def test_as_matrix_promotes_float32_to_float64():
    x = np.ones((3, 2), dtype=np.float32)
    out = as_matrix(x, "Z")
    assert out.dtype == np.float64 and out.shape == (3, 2)


@pytest.mark.parametrize(
    ("x", "exc", "msg"),
    [
        (np.ones(5), ValueError, r"Z must have shape \(n, d\)"),
        (np.ones((2, 3, 4)), ValueError, r"shape \(2, 3, 4\)"),
        (np.array([["a", "b"]]), TypeError, "numeric"),
        (np.ones((2, 2), dtype=complex), TypeError, "real"),
    ],
)
def test_as_matrix_rejects_bad_forms(x, exc, msg):
    with pytest.raises(exc, match=msg):
        as_matrix(x, "Z")


def test_as_matrix_reports_nonfinite_rows():
    x = np.zeros((30, 2))
    x[3, 1] = np.nan
    x[17, 0] = np.inf
    with pytest.raises(ValueError, match=r"Z has 2 row\(s\) with NaN or inf values \(rows 3, 17\)"):
        as_matrix(x, "Z")


def test_as_matrix_min_rows_and_cols():
    with pytest.raises(ValueError, match="at least 20 rows"):
        as_matrix(np.zeros((5, 2)), "Z", min_rows=20)
    with pytest.raises(ValueError, match="at least 1 columns"):
        as_matrix(np.zeros((5, 0)), "Z")


def test_as_vector():
    assert as_vector([1, 2], "x").dtype == np.float64
    with pytest.raises(ValueError, match=r"x must have shape \(n,\)"):
        as_vector(np.zeros((2, 2)), "x")
    with pytest.raises(ValueError, match="NaN or inf value"):
        as_vector([1.0, np.nan], "x")


def test_check_int_and_real():
    assert check_int(np.int64(3), "d", low=2) == 3
    with pytest.raises(TypeError, match="d must be an integer"):
        check_int(3.0, "d")
    with pytest.raises(TypeError, match="d must be an integer"):
        check_int(True, "d")
    with pytest.raises(ValueError, match="d must be >= 2"):
        check_int(1, "d", low=2)
    assert check_real(2, "alpha", low=0, low_open=True) == 2.0
    with pytest.raises(ValueError, match="alpha must be > 0"):
        check_real(0.0, "alpha", low=0, low_open=True)
    with pytest.raises(ValueError, match="alpha must be finite"):
        check_real(float("nan"), "alpha")
    with pytest.raises(TypeError, match="alpha must be a real number"):
        check_real("1", "alpha")


def test_make_rng():
    assert make_rng(1).standard_normal() == np.random.default_rng(1).standard_normal()
    g = np.random.default_rng(0)
    assert make_rng(g) is g
    with pytest.raises(TypeError, match="seed"):
        make_rng("x")
    with pytest.raises(ValueError, match="seed"):
        make_rng(-1)


def test_atomic_writes(tmp_path):
    p = atomic_write_json(tmp_path / "a" / "r.json", {"x": np.float64(1.5), "y": np.arange(2)})
    assert json.loads(p.read_text()) == {"x": 1.5, "y": [0, 1]}
    atomic_write_text(p, "done")
    assert p.read_text() == "done"
    assert [f.name for f in p.parent.iterdir()] == ["r.json"]  # no temporary left behind


def test_huge_integer_is_a_value_error_naming_the_argument():
    from theory._validation import as_real

    with pytest.raises(ValueError, match="kappa must be finite"):
        as_real(10**400, "kappa")
