"""``python -m claims``: iterating with --only never touches the committed report, --out elsewhere keeps
the default JSON and still finds the tests column, a rerun is byte-identical, errors are one line."""

import json

import pytest

import claims.cli as cli
from claims.registry import ClaimResult, Scope, Verdict
from claims.report import write_report


@pytest.fixture
def isolated_defaults(tmp_path, monkeypatch):
    """Point the default report paths into tmp_path, to see what a run would touch."""
    out, js = tmp_path / "default" / "paper_checks.md", tmp_path / "default" / "paper_checks.json"
    monkeypatch.setattr(cli, "DEFAULT_OUT", out)
    monkeypatch.setattr(cli, "DEFAULT_JSON", js)
    return out, js


def test_only_without_out_writes_nothing(isolated_defaults, capsys):
    out, js = isolated_defaults
    assert cli.main(["--only", "R", "--quiet"]) == 0
    assert not out.exists() and not js.exists()
    assert "holds by definition" in capsys.readouterr().out


def test_only_with_out_writes_those_rows_and_json_beside(isolated_defaults, tmp_path):
    out, js = isolated_defaults
    mine = tmp_path / "mine" / "checks.md"
    assert cli.main(["--only", "R", "L1", "--out", str(mine), "--quiet"]) == 0
    assert not out.exists() and not js.exists()
    text = mine.read_text()
    assert "**R**" in text and "**L1**" in text and "**P1**" not in text and "not run" not in text
    # the tests column is read from the checkout's tests/, not from beside --out
    assert "tests/theory/test_regularized.py" in text
    data = json.loads(mine.with_suffix(".json").read_text())
    assert set(data["claims"]) == {"R", "L1"}
    assert data["claims"]["R"]["verdict"] == "holds by definition"


def test_rerun_is_byte_identical(tmp_path):
    res = {"R": ClaimResult("m = -4.4e-16", "0", Verdict.BY_DEFINITION, scope=Scope.DEFINITION)}
    a, b = tmp_path / "a.md", tmp_path / "b.md"
    tests_dir = cli.repo_root() / "tests"
    write_report(res, a, json_out=tmp_path / "a.json", tests_dir=tests_dir)
    write_report(res, b, json_out=tmp_path / "b.json", tests_dir=tests_dir)
    assert a.read_bytes() == b.read_bytes()
    meta = json.loads((tmp_path / "a.json").read_text())
    assert {"generated", "platform", "python", "git_commit"} <= set(meta)


@pytest.mark.parametrize(
    "argv",
    [["--only", "NOPE"], ["--out", "x.txt"], ["--only", "R", "--json", "x.json"], ["--bogus"]],
)
def test_bad_arguments_one_line_exit_2(argv, isolated_defaults, capsys):
    try:
        rc = cli.main([*argv, "--quiet"])
    except SystemExit as exc:
        rc = exc.code
    err = capsys.readouterr().err.strip().splitlines()
    assert rc == 2 and len(err) == 1 and "Traceback" not in err[0]


def test_verdict_must_fit_scope():
    with pytest.raises(ValueError, match="does not fit scope"):
        ClaimResult("x", "y", Verdict.REFUTED, scope=Scope.STATISTICAL)
    with pytest.raises(ValueError, match="does not fit scope"):
        ClaimResult("x", "y", Verdict.CONFIRMED, scope=Scope.FAMILY)
    with pytest.raises(ValueError, match="does not fit scope"):
        ClaimResult("x", "y", Verdict.CONFIRMED, scope=Scope.DEFINITION)
