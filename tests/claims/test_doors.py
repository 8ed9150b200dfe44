"""Every door of ``python -m claims``: outputs checked before any check runs (never inside the published
results, never one file for two outputs, never a folder), one line and exit 2 on bad input, the verdict
words explained where a reader looks."""

from __future__ import annotations

import re

import pytest

import claims.cli as cli
from claims.registry import VERDICT_MEANINGS, ClaimResult, Scope, Verdict
from claims.report import render_markdown
from theory._io import repo_root


@pytest.fixture
def no_checks(monkeypatch):
    """Fail the test if a check runs: every door below must close before any work."""
    import claims.report as report

    def boom(*a, **k):
        raise AssertionError("a check ran although the outputs were bad")

    monkeypatch.setattr(report, "run_checks", boom)


def _one_line_exit_2(capsys, argv):
    try:
        rc = cli.main([*argv, "--quiet"])
    except SystemExit as exc:  # argparse's own errors
        rc = exc.code
    err = capsys.readouterr().err.strip()
    assert rc == 2, err
    assert len(err.splitlines()) == 1 and "Traceback" not in err, err
    return err


def test_json_into_published_results_is_refused(no_checks, capsys, tmp_path):
    target = repo_root() / "docs" / "data" / "table1.json"
    before = target.read_bytes()
    err = _one_line_exit_2(capsys, ["--only", "R", "--out", str(tmp_path / "r.md"), "--json", str(target)])
    assert "docs/data" in err and "--publish" in err
    assert target.read_bytes() == before


def test_markdown_into_published_figures_is_refused(no_checks, capsys):
    out = repo_root() / "docs" / "figures" / "x.md"
    err = _one_line_exit_2(capsys, ["--only", "R", "--out", str(out)])
    assert "--out" in err and not out.exists()


@pytest.mark.parametrize(
    "argv",
    [
        ["--out", "{d}/a.md", "--json", "{d}/a.md"],  # not a .json
        ["--out", "{d}/sub/"],  # a folder
        ["--out", "{d}/a.md", "--json", "{d}"],  # a folder
        ["--out", "{file}/a.md"],  # the folder is a file
        ["--out", "{d}/a.txt"],
        ["--only"],
        ["--only", "P1", "NOPE"],
        ["--json", "{d}/x.json", "--only", "R"],
    ],
)
def test_bad_outputs_one_line_exit_2(no_checks, capsys, tmp_path, argv):
    afile = tmp_path / "afile"
    afile.write_text("")
    _one_line_exit_2(capsys, [a.format(d=tmp_path, file=afile) for a in argv])


def test_same_file_for_markdown_and_json_refused(no_checks, capsys, tmp_path):
    # one file for both outputs, spelled two ways (a link)
    (tmp_path / "a.json").write_text("")
    (tmp_path / "a.md").symlink_to(tmp_path / "a.json")
    err = _one_line_exit_2(capsys, ["--out", str(tmp_path / "a.md"), "--json", str(tmp_path / "a.json")])
    assert "same file" in err


def test_header_explains_every_verdict_word():
    res = {"R": ClaimResult("x", "y", Verdict.BY_DEFINITION, scope=Scope.DEFINITION)}
    from claims.registry import get_claim

    text = render_markdown(res, {}, [get_claim("R")])
    for v in Verdict:
        assert f"- **{v.value}**: {VERDICT_MEANINGS[v]}." in text


def test_readme_explains_every_verdict_word():
    readme = (repo_root() / "README.md").read_text(encoding="utf-8")
    listed = re.findall(r"^- \*\*(.+?)\*\*: (.+)$", readme, flags=re.M)
    words = {w: m for w, m in listed if w in {v.value for v in Verdict}}
    assert set(words) == {v.value for v in Verdict}
    for v in Verdict:
        assert words[v.value] == VERDICT_MEANINGS[v] + "."


def test_committed_report_explains_every_verdict_word():
    text = (repo_root() / "paper_checks.md").read_text(encoding="utf-8")
    for v in Verdict:
        assert f"- **{v.value}**: {VERDICT_MEANINGS[v]}." in text
