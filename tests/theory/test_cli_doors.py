"""Every door a user opens: bad input to any command is one line on stderr and exit 2, no
command writes over one of its inputs, results are strict JSON readable by others, CSV guessing is
explicit. Each test here failed on the first release."""

import hashlib
import json
import os
import stat

import numpy as np
import pytest

from theory._io import atomic_write_json, atomic_write_text, load_matrix, to_jsonable
from theory.cli import main

BAD_ARGV = [
    ["regularised-route", "--d", "1"],
    ["regularised-route", "--d", "0"],
    ["regularised-route", "--alpha", "0"],
    ["regularised-route", "--alpha", "-2"],
    ["regularised-route", "--alpha", "nan"],
    ["regularised-route", "--eta2", "1.5"],
    ["regularised-route", "--eta2", "nan"],
    ["regularised-route", "--d", "x"],
    ["diagnose", "missing.npy"],
    ["diagnose"],
    ["hgr", "missing.npy"],
    ["hgr", "{npy}", "--n-boot", "-1", "--samples"],
    ["figure-tv", "--out", "x.txt"],
    ["nonsense"],
    ["--bogus"],
]


def _digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def files(tmp_path):
    rng = np.random.default_rng(0)
    npy = tmp_path / "emb.npy"
    np.save(npy, rng.standard_normal((200, 3)))
    return {"npy": npy}


def _one_line_exit_2(capsys, argv):
    try:
        rc = main(argv)
    except SystemExit as exc:  # argparse's own errors
        rc = exc.code
    _out, err = capsys.readouterr()
    lines = err.strip().splitlines()
    assert rc == 2, (argv, rc, err)
    assert len(lines) == 1 and "Traceback" not in err, (argv, err)
    return lines[0]


@pytest.mark.parametrize("argv", BAD_ARGV, ids=lambda a: " ".join(a))
def test_bad_arguments_one_line_exit_2(argv, files, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    before = {k: _digest(p) for k, p in files.items()}
    argv = [a.format(**{k: str(v) for k, v in files.items()}) for a in argv]
    if argv[0] == "regularised-route":
        argv += ["--out", str(tmp_path / "r.json"), "--quiet"]
    _one_line_exit_2(capsys, argv)
    assert {k: _digest(p) for k, p in files.items()} == before


def test_json_pointing_at_a_directory_is_one_line(files, tmp_path, capsys):
    line = _one_line_exit_2(capsys, ["diagnose", str(files["npy"]), "--paper-only", "--json", str(tmp_path)])
    assert "directory" in line


@pytest.mark.parametrize("cmd", ["diagnose", "hgr"])
def test_no_command_writes_over_its_input(cmd, files, capsys):
    before = _digest(files["npy"])
    argv = [cmd, str(files["npy"]), "--json", str(files["npy"])]
    line = _one_line_exit_2(capsys, argv)
    assert "input" in line
    assert _digest(files["npy"]) == before


def test_hgr_without_bootstrap_says_no_interval(tmp_path, capsys):
    rng = np.random.default_rng(1)
    x = rng.standard_normal(400)
    pairs = np.column_stack([x, 0.6 * x + 0.8 * rng.standard_normal(400)])
    f = tmp_path / "pairs.npy"
    np.save(f, pairs)
    out_json = tmp_path / "h.json"
    assert main(["hgr", str(f), "--samples", "--n-boot", "0", "--json", str(out_json)]) == 0
    out = capsys.readouterr().out
    assert "nan" not in out.lower() and "no interval" in out
    data = json.loads(out_json.read_text(), parse_constant=_reject)
    assert data["ci_low"] is None and data["ci_high"] is None and "no interval" in data["ci_note"]


def test_hgr_error_names_the_file_once(tmp_path, capsys):
    f = tmp_path / "bad.csv"
    f.write_text("a,b\n1,x\n")
    line = _one_line_exit_2(capsys, ["hgr", str(f)])
    assert line.count("bad.csv") == 1, line


def test_version_and_defaults_in_help(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["--version"])
    assert exc.value.code == 0
    assert "python -m theory" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        main(["regularised-route", "--help"])
    assert "default: 10.0" in capsys.readouterr().out


# ------------------------------------------------------------------------------------------ files on disk
def _reject(token):
    raise ValueError(f"non-standard JSON constant {token}")


def test_json_is_strict_nan_and_inf_become_null(tmp_path):
    p = atomic_write_json(
        tmp_path / "x.json", {"a": float("nan"), "b": [np.inf, -np.inf, 1.5], "c": np.float32(2)}
    )
    data = json.loads(p.read_text(), parse_constant=_reject)
    assert data == {"a": None, "b": [None, None, 1.5], "c": 2.0}
    assert to_jsonable(np.array([np.nan, 1.0])) == [None, 1.0]


def test_written_files_respect_the_umask(tmp_path):
    old = os.umask(0o022)
    try:
        p = atomic_write_text(tmp_path / "r.md", "x\n")
    finally:
        os.umask(old)
    assert stat.S_IMODE(p.stat().st_mode) == 0o644


def test_csv_pandas_index_column_is_detected_and_dropped(tmp_path):
    f = tmp_path / "emb.csv"
    rng = np.random.default_rng(0)
    X = rng.standard_normal((5, 3))
    lines = [",a,b,c"] + [f"{i}," + ",".join(repr(float(v)) for v in row) for i, row in enumerate(X)]
    f.write_text("\n".join(lines) + "\n")
    with pytest.warns(UserWarning, match="row index"):
        arr = load_matrix(f)
    assert arr.shape == (5, 3)
    np.testing.assert_array_equal(arr, X)


def test_csv_malformed_first_row_is_refused_not_dropped(tmp_path):
    f = tmp_path / "emb.csv"
    f.write_text("1.0,2.0,oops\n3.0,4.0,5.0\n6.0,7.0,8.0\n")
    with pytest.raises(ValueError, match="mixes numbers and text"):
        load_matrix(f)


def test_corrupt_npy_is_reported_as_corrupt(tmp_path):
    f = tmp_path / "emb.npy"
    np.save(f, np.ones((10, 3)))
    f.write_bytes(f.read_bytes()[:20])
    with pytest.raises(ValueError) as exc:
        load_matrix(f)
    assert "object array" not in str(exc.value)
    assert "corrupt" in str(exc.value) or "cannot read" in str(exc.value)
