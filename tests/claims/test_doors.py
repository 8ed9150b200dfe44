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


# --- published results: refused before any check runs, naming the file -----------------------------


@pytest.fixture
def data_copy(tmp_path, monkeypatch):
    """A copy of docs/data that the report reads instead of the checkout's (the checkout stays as is)."""
    import shutil

    import claims.checks._published as pub

    folder = tmp_path / "data"
    shutil.copytree(repo_root() / "docs" / "data", folder)
    real = pub.data_path
    monkeypatch.setattr(pub, "data_path", lambda name, data_dir=None: real(name, data_dir or folder))
    return folder


def _edit(path, fn):
    import json

    rec = json.loads(path.read_text())
    fn(rec)
    path.write_text(json.dumps(rec))


@pytest.mark.parametrize(
    ("name", "only", "edit", "message"),
    [
        ("table1", "Tab1-Laplace", lambda r: r.update(quick=True), "smoke"),
        ("t1", "T1", lambda r: r.pop("quick"), "no 'quick' field"),
        ("rates", "R-N", lambda r: r["config"]["rn"].update(seeds=1), "rn.seeds = 1, expected 8"),
        ("grid", "R-d", lambda r: r["config"]["run"].update(epochs=2), "run.epochs = 2, expected 10"),
        ("grid", "R-N", lambda r: r["config"].update(extra=1), "extra = 1, not expected"),
        ("table2", "Tab2-pretrained", lambda r: r["config"].update(n_sentences=2000), "n_sentences = 2000"),
        ("beyond-vmf", "D", lambda r: r.pop("config"), "records no 'config'"),
    ],
)
def test_quick_or_mismatched_published_result_is_refused(
    data_copy, no_checks, capsys, name, only, edit, message
):
    _edit(data_copy / f"{name}.json", edit)
    err = _one_line_exit_2(capsys, ["--only", only])
    assert f"{name}.json" in err and message in err


def test_corrupt_published_result_is_named(data_copy, no_checks, capsys):
    (data_copy / "langevin.json").write_text('{"quick": false, "config": ')
    err = _one_line_exit_2(capsys, ["--only", "T2"])
    assert "langevin.json" in err and "not valid JSON" in err


def test_every_published_result_matches_the_configuration_its_rows_name():
    from claims.checks._published import EXPECTED_CONFIG, published
    from claims.registry import CLAIMS

    declared = {n for c in CLAIMS for n in c.reads}
    assert declared <= set(EXPECTED_CONFIG)
    for name in EXPECTED_CONFIG:
        assert published(name) is not None, f"docs/data/{name}.json is not published"


def test_a_check_reading_an_undeclared_result_fails():
    from claims.checks._published import declared_reads, published

    with declared_reads("X", ("t1",)), pytest.raises(RuntimeError, match="declares"):
        published("rates")


def test_committed_json_carries_repository_relative_paths_only():
    import json
    import subprocess

    root = repo_root()
    tracked = subprocess.run(
        ["git", "-C", str(root), "ls-files", "*.json"], capture_output=True, text=True, check=True
    ).stdout.split()
    bad = []

    def walk(obj, where):
        if isinstance(obj, dict):
            for k, v in obj.items():
                walk(v, f"{where}.{k}")
        elif isinstance(obj, list):
            for i, v in enumerate(obj):
                walk(v, f"{where}[{i}]")
        elif isinstance(obj, str) and re.search(r"(^|[\s=])/(work|home|tmp|root|Users|usr|var)/", obj):
            bad.append(f"{where}: {obj[:80]}")

    for rel in tracked:
        walk(json.loads((root / rel).read_text(encoding="utf-8")), rel)
    assert not bad, bad
