"""``python -m theory diagnose FILE``: file formats, the table, the JSON, and one-line errors (exit 2)."""

import json
import subprocess
import sys
import warnings

import numpy as np
import pytest
from scipy import stats

from theory.cli import main

pytestmark = pytest.mark.claim("DIAG")


@pytest.fixture
def gauss():
    return np.random.default_rng(0).standard_normal((300, 4))


def _scipy_ad(col):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        return stats.anderson(col, "norm").statistic


def _run(capsys, *argv):
    rc = main(["diagnose", *map(str, argv)])
    out, err = capsys.readouterr()
    return rc, out, err


def _assert_error(capsys, argv, match):
    rc, _out, err = _run(capsys, *argv)
    assert rc == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err
    assert match in lines[0], lines[0]


def test_npy_table_and_json(tmp_path, capsys, gauss):
    f = tmp_path / "emb.npy"
    np.save(f, gauss.astype(np.float32))
    out_json = tmp_path / "out" / "res.json"
    rc, out, _ = _run(capsys, f, "--projections", 3, "--seed", 1, "--json", out_json)
    assert rc == 0
    assert "AD coordinates (<0.752)" in out and "Paper's verdict" in out and "3 random directions" in out
    res = json.loads(out_json.read_text())
    ref = [_scipy_ad(gauss.astype(np.float32).astype(np.float64)[:, j]) for j in range(4)]
    np.testing.assert_allclose(res["ad"], ref, rtol=1e-9)
    assert res["n"] == 300 and res["d"] == 4 and res["file"] == str(f)
    assert len(res["projections"]["ad"]) == 3
    assert not list(out_json.parent.glob(".*.tmp"))  # atomic write left no temporary


def test_npz_single_array_and_keys(tmp_path, capsys, gauss):
    one = tmp_path / "one.npz"
    np.savez(one, emb=gauss)
    rc, out, _ = _run(capsys, one, "--paper-only")
    assert rc == 0 and "n = 300" in out
    two = tmp_path / "two.npz"
    np.savez(two, train=gauss, test=gauss[:100])
    _assert_error(capsys, [two], "keys: train, test")
    _assert_error(capsys, [two, "--key", "val"], "no array 'val'; keys: train, test")
    rc, out, _ = _run(capsys, two, "--key", "test", "--paper-only")
    assert rc == 0 and "n = 100" in out


@pytest.mark.parametrize("header", [True, False])
@pytest.mark.parametrize("delim", [",", ";", "\t"])
def test_csv_with_and_without_header(tmp_path, capsys, gauss, header, delim):
    f = tmp_path / "emb.csv"
    lines = [delim.join(f"c{j}" for j in range(4))] if header else []
    lines += [delim.join(repr(float(x)) for x in row) for row in gauss]
    f.write_text("\n".join(lines) + "\n")
    rc, _, _ = _run(capsys, f, "--paper-only", "--json", tmp_path / "r.json")
    assert rc == 0
    res = json.loads((tmp_path / "r.json").read_text())
    np.testing.assert_allclose(res["ad"], [_scipy_ad(gauss[:, j]) for j in range(4)], rtol=1e-9)


def test_normalize_flag(tmp_path, capsys, gauss):
    f = tmp_path / "emb.npy"
    np.save(f, gauss + 3.0)
    rc, out, _ = _run(capsys, f, "--normalize", "--paper-only")
    assert rc == 0 and "normalised to the unit sphere" in out


def test_errors(tmp_path, capsys, gauss):
    _assert_error(capsys, [tmp_path / "missing.npy"], "no such file")
    np.save(tmp_path / "vec.npy", gauss[:, 0])
    _assert_error(capsys, [tmp_path / "vec.npy"], "expected an array of shape (n, d); got shape (300,)")
    np.save(tmp_path / "cube.npy", np.zeros((30, 2, 2)))
    _assert_error(capsys, [tmp_path / "cube.npy"], "got shape (30, 2, 2)")
    bad = gauss.copy()
    bad[[3, 250], 1] = np.nan
    bad[10, 0] = np.inf
    np.save(tmp_path / "nan.npy", bad)
    _assert_error(capsys, [tmp_path / "nan.npy"], "3 row(s) with NaN or inf values (rows 3, 10, 250)")
    np.save(tmp_path / "small.npy", gauss[:19])
    _assert_error(capsys, [tmp_path / "small.npy"], "at least 20 rows")
    np.save(tmp_path / "empty.npy", np.zeros((30, 0)))
    _assert_error(capsys, [tmp_path / "empty.npy"], "at least 1 columns")
    (tmp_path / "emb.txt").write_text("1 2\n")
    _assert_error(capsys, [tmp_path / "emb.txt"], "unsupported file type")
    (tmp_path / "text.csv").write_text("a,b\n1,x\n")
    _assert_error(capsys, [tmp_path / "text.csv"], "non-numeric")
    (tmp_path / "ragged.csv").write_text("1,2\n3\n")
    _assert_error(capsys, [tmp_path / "ragged.csv"], "data row 2 has 1 fields, expected 2")
    np.save(tmp_path / "obj.npy", np.array([{"a": 1}] * 30, dtype=object), allow_pickle=True)
    _assert_error(capsys, [tmp_path / "obj.npy"], "object array")
    np.save(tmp_path / "ok.npy", gauss)
    _assert_error(capsys, [tmp_path / "ok.npy", "--key", "x"], "--key only applies to .npz")
    _assert_error(capsys, [tmp_path / "ok.npy", "--projections", "-1"], "--projections must be >= 0")


@pytest.mark.slow
def test_real_process_exit_codes(tmp_path, gauss):
    f = tmp_path / "emb.npy"
    np.save(f, gauss)
    ok = subprocess.run(
        [sys.executable, "-m", "theory", "diagnose", str(f), "--paper-only"], capture_output=True, text=True
    )
    assert ok.returncode == 0 and "Paper's verdict" in ok.stdout
    bad = subprocess.run(
        [sys.executable, "-m", "theory", "diagnose", str(tmp_path / "nope.csv")],
        capture_output=True,
        text=True,
    )
    assert bad.returncode == 2
    assert bad.stderr.strip().count("\n") == 0 and "no such file" in bad.stderr


# ------------------------------------------------------------------ rendering and constant columns
def test_paper_only_prints_only_computed_columns(tmp_path, capsys, gauss):
    f = tmp_path / "emb.npy"
    np.save(f, gauss)
    rc, out, _ = _run(capsys, f, "--paper-only")
    assert rc == 0
    header = next(line for line in out.splitlines() if line.strip().startswith("test"))
    assert header.split() == ["test", "mean", "pass"]  # no empty calibration columns
    rc, out, _ = _run(capsys, f)
    header = next(line for line in out.splitlines() if line.strip().startswith("test"))
    assert "null pass" in header and "P(all pass)" in header


def test_cv_of_unit_norm_rows_prints_significant_digits(tmp_path, capsys, gauss):
    U = gauss / np.linalg.norm(gauss, axis=1, keepdims=True)
    f = tmp_path / "unit.npy"
    np.save(f, U)
    rc, out, _ = _run(capsys, f, "--paper-only", "--json", tmp_path / "r.json")
    assert rc == 0
    line = next(line for line in out.splitlines() if "CV of row norms" in line)
    printed = line.split(":")[-1].strip()
    cv = json.loads((tmp_path / "r.json").read_text())["cv"]
    assert 0 < cv < 1e-14 and printed != "0.0000"
    assert float(printed) == pytest.approx(cv, rel=1e-3)


def test_zero_row_with_normalize_gets_a_note(tmp_path, capsys, gauss):
    Z = gauss + 1.0
    Z[[5, 17]] = 0.0
    f = tmp_path / "z.npy"
    np.save(f, Z)
    rc, out, _ = _run(capsys, f, "--normalize", "--paper-only")
    assert rc == 0
    assert "note: 2 zero row(s) (rows 5, 17) cannot be normalised" in out


def test_data_scaled_by_1e300_is_not_constant(tmp_path, capsys, gauss):
    f = tmp_path / "big.npy"
    np.save(f, gauss * 1e300)
    rc, _out, err = _run(capsys, f, "--json", tmp_path / "r.json")
    assert rc == 0, err
    res = json.loads((tmp_path / "r.json").read_text())
    np.testing.assert_allclose(res["ad"], [_scipy_ad(gauss[:, j]) for j in range(4)], rtol=1e-9)


@pytest.mark.parametrize("value", ["0.1", "1e-300", "1e300", "0.3333333333333333"])
def test_constant_column_in_a_float64_csv_is_an_error_naming_it(tmp_path, capsys, gauss, value):
    f = tmp_path / "c.csv"
    rows = [",".join([repr(float(r[0])), value, repr(float(r[2]))]) for r in gauss]
    f.write_text("\n".join(rows) + "\n")
    _assert_error(capsys, [f], "1 numerically constant column(s) (columns 1:")
