"""``python -m theory hgr``: exact tables, samples, errors."""

import json
import math

import numpy as np
import pytest

from theory.cli import main


def test_table_gives_phi_coefficient(tmp_path, capsys):
    # 2x2 table: rho_m equals |phi| = |p11 p22 - p12 p21| / sqrt(p1. p2. p.1 p.2)
    P = np.array([[0.3, 0.1], [0.1, 0.5]])
    np.save(tmp_path / "t.npy", P)
    assert main(["hgr", str(tmp_path / "t.npy"), "--json", str(tmp_path / "o.json")]) == 0
    out = json.loads((tmp_path / "o.json").read_text())
    phi = (P[0, 0] * P[1, 1] - P[0, 1] * P[1, 0]) / math.sqrt(0.4 * 0.6 * 0.4 * 0.6)
    assert out["method"] == "exact"
    assert out["rho"] == pytest.approx(abs(phi), rel=1e-12)


def test_samples_csv_gaussian(tmp_path, capsys):
    rng = np.random.default_rng(3)
    n, rho = 4000, 0.6
    x = rng.standard_normal(n)
    y = rho * x + math.sqrt(1 - rho**2) * rng.standard_normal(n)
    np.savetxt(tmp_path / "s.csv", np.c_[x, y], delimiter=",", header="x,y", comments="")
    code = main(["hgr", str(tmp_path / "s.csv"), "--samples", "--json", str(tmp_path / "o.json")])
    assert code == 0
    out = json.loads((tmp_path / "o.json").read_text())
    # sd of any estimator is about (1 - rho^2)/sqrt(n) = 0.010; 5 sigma
    assert abs(out["rho"] - rho) < 5 * (1 - rho**2) / math.sqrt(n)


@pytest.mark.parametrize(
    ("args", "msg"),
    [
        (["missing.npy"], "no such file"),
        (["s.npy", "--samples", "--x-cols", "5"], "column 5 out of range"),
    ],
)
def test_errors_exit_2(tmp_path, capsys, args, msg):
    np.save(tmp_path / "s.npy", np.random.default_rng(0).standard_normal((50, 2)))
    args = [str(tmp_path / args[0]), *args[1:]]
    assert main(["hgr", *args]) == 2
    assert msg in capsys.readouterr().err


def test_no_bootstrap_prints_no_interval(tmp_path, capsys):
    rng = np.random.default_rng(4)
    x = rng.standard_normal(200)
    np.save(tmp_path / "s.npy", np.c_[x, x + rng.standard_normal(200)])
    out_json = tmp_path / "o.json"
    assert main(["hgr", str(tmp_path / "s.npy"), "--samples", "--n-boot", "0", "--json", str(out_json)]) == 0
    out = capsys.readouterr().out
    assert "no interval" in out and "nan" not in out
    assert json.loads(out_json.read_text())["ci_low"] is None


def test_error_names_the_file_once(tmp_path, capsys):
    assert main(["hgr", str(tmp_path / "missing.npy")]) == 2
    err = capsys.readouterr().err
    assert err.count("missing.npy") == 1 and len(err.strip().splitlines()) == 1
