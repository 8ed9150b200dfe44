"""Tests of ``scripts/mutation``: its committed record (summaries and report), the sample's interval, its
usage errors. None runs mutmut except the one marked slow."""

from __future__ import annotations

import importlib.util
import json
import math
import shutil
import subprocess
import sys
from importlib.machinery import SourceFileLoader
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "mutation"


@pytest.fixture(scope="module")
def mut():
    loader = SourceFileLoader("scripts_mutation", str(SCRIPT))
    spec = importlib.util.spec_from_loader(loader.name, loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


@pytest.fixture
def tmp_record(mut, tmp_path, monkeypatch):
    """The script pointed at a copy of the committed record (summaries, notes, report) under tmp_path."""
    summaries, report, notes = tmp_path / "mutation", tmp_path / "mutation.md", tmp_path / "notes.toml"
    shutil.copytree(mut.SUMMARIES, summaries)
    shutil.copy(mut.REPORT, report)
    shutil.copy(mut.NOTES, notes)
    monkeypatch.setattr(mut, "SUMMARIES", summaries)
    monkeypatch.setattr(mut, "REPORT", report)
    monkeypatch.setattr(mut, "NOTES", notes)
    return summaries, report


def test_every_module_has_a_committed_summary(mut):
    assert sorted(p.name for p in mut.SUMMARIES.glob("*.json")) == sorted(
        f"{mut._slug(m)}.json" for m in mut.MODULE_TESTS
    )


def test_the_committed_report_is_the_rendering_of_the_committed_summaries(mut, tmp_record):
    _, report = tmp_record
    committed = report.read_text()
    mut.write_report()
    assert report.read_text() == committed


def test_recovering_the_committed_report_gives_back_the_committed_counts(mut):
    # every module's counts come back from the report alone; a summary that was itself recovered comes back
    # whole
    recovered = mut.recover_from_report(mut.REPORT.read_text())
    checked = 0
    for path in sorted(mut.SUMMARIES.glob("*.json")):
        committed = json.loads(path.read_text())
        assert mut._counts(recovered[committed["module"]]) == mut._counts(committed)
        if committed.get("recovered_from_report"):
            committed.pop("sample", None)
            assert recovered[committed["module"]] == committed
        checked += 1
    assert checked == len(mut.MODULE_TESTS)


def test_recovered_summaries_render_to_the_same_report(mut, tmp_record):
    summaries, report = tmp_record
    committed = report.read_text()
    recovered = mut.recover_from_report(committed)
    for path in summaries.glob("*.json"):
        s = json.loads(path.read_text())
        if s.get("recovered_from_report"):  # replaced by what the report alone gives back (plus its sample)
            path.write_text(json.dumps(recovered[s["module"]] | {k: s[k] for k in ("sample",) if k in s}))
    mut.write_report()
    assert report.read_text() == committed


def test_a_recovered_summary_counts_as_its_table_row_says(mut):
    """The sphere row, read by hand from the report: 2370 mutants, none left unchecked, 2205 killed now."""
    s = mut.recover_from_report(mut.REPORT.read_text())["theory/sphere/"]
    total, first, now = mut._counts(s)
    assert (total, first["killed"], first["survived"], first["no tests"], first["timeout"]) == (
        2370,
        2205,
        164,
        0,
        1,
    )
    assert (first["not checked"], now["killed"]) == (0, 2205)
    assert sum(now.values()) == total


def test_a_missing_summary_of_a_recorded_module_is_an_error_not_a_not_run_row(mut, tmp_record, capsys):
    summaries, report = tmp_record
    committed = report.read_text()
    (summaries / "theory.vmf.json").unlink()
    with pytest.raises(SystemExit) as exc:
        mut.write_report()
    assert exc.value.code == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "theory/vmf.py has a record" in err
    assert report.read_text() == committed


def test_recover_restores_a_missing_summary_and_the_report(mut, tmp_record):
    summaries, report = tmp_record
    committed = report.read_text()
    sphere = json.loads((summaries / "theory.sphere.json").read_text())
    (summaries / "theory.sphere.json").unlink()
    assert mut.recover() == ["theory/sphere/"]
    mut.write_report()
    if "sample" not in sphere:  # a sample is not recovered from the report, only the full run's record
        assert report.read_text() == committed
    restored = json.loads((summaries / "theory.sphere.json").read_text())
    assert restored["recovered_from_report"] is True
    assert restored["counts"]["mutants"] == 2370


def test_only_a_module_that_never_had_a_record_says_not_run(mut, tmp_path, monkeypatch):
    monkeypatch.setattr(mut, "SUMMARIES", tmp_path / "none")
    monkeypatch.setattr(mut, "REPORT", tmp_path / "mutation.md")
    monkeypatch.setattr(mut, "NOTES", tmp_path / "notes.toml")
    mut.write_report()
    rows = [r for r in (tmp_path / "mutation.md").read_text().splitlines() if r.startswith("| `")]
    assert len(rows) == len(mut.MODULE_TESTS)
    assert all(r.split(" | ")[1] == "not run" for r in rows)


def test_wilson_interval_against_hand_values(mut):
    # 5 of 10: centre 0.5, half-width z sqrt(0.025 + z^2/400) / (1 + z^2/10) = 0.263407 (z = 1.959964)
    lo, hi = mut.wilson(5, 10)
    assert lo == pytest.approx(0.236593, abs=2e-6) and hi == pytest.approx(0.763407, abs=2e-6)
    # none or all of n: the bounds have the closed forms z^2 / (n + z^2) and n / (n + z^2)
    z2 = 1.959963984540054**2
    assert mut.wilson(0, 10) == pytest.approx((0.0, z2 / (10 + z2)), abs=1e-12)
    assert mut.wilson(40, 40) == pytest.approx((40 / (40 + z2), 1.0), abs=1e-12)
    # 36 of 40, by hand: p = 0.9, centre (0.9 + 0.0480182) / 1.0960365 = 0.864952,
    # half 1.959964 * sqrt(0.00225 + 0.00060023) / 1.0960365 = 0.095470
    lo, hi = mut.wilson(36, 40)
    assert lo == pytest.approx(0.769482, abs=1e-5) and hi == pytest.approx(0.960422, abs=1e-5)
    with pytest.raises(ValueError):
        mut.wilson(3, 0)


def test_the_sample_cell_counts_notes_equivalents_out(mut):
    names = {f"m{i}": "killed" for i in range(8)} | {"s1": "survived", "s2": "no tests"}
    s = {"sample": {"names": names}}
    assert mut._sample_cell(s, {}) == "8/10 = 80% (49-94%)"
    lo, hi = mut.wilson(8, 9)
    cell = mut._sample_cell(s, {"s1": {"equivalent": "why"}, "m0": {"equivalent": "killed anyway"}})
    assert cell == f"8/9 = 89% ({100 * lo:.0f}-{100 * hi:.0f}%)"
    assert not math.isclose(lo, mut.wilson(8, 10)[0])


@pytest.mark.parametrize(
    "args, message",
    [
        (["theory/vmf.py", "--sample", "0"], "--sample must be a positive integer; got 0"),
        (["--report-only", "--sample", "5"], "--sample runs mutants; it cannot go with --report-only"),
        (["theory/vmf.py", "--sample", "5", "--recheck"], "cannot go with --recheck"),
        (["theory/vmf.py", "--sample", "five"], "invalid int value"),
        (["theory/nowhere.py"], "unknown module(s)"),
    ],
)
def test_bad_arguments_exit_2_with_one_line(args, message):
    res = subprocess.run([sys.executable, str(SCRIPT), *args], capture_output=True, text=True, cwd=ROOT)
    assert res.returncode == 2
    assert len(res.stderr.strip().splitlines()) == 1
    assert res.stderr.startswith("scripts/mutation: error: ") and message in res.stderr
    assert res.stdout == ""


@pytest.mark.slow
def test_a_real_sample_of_two_mutants(mut, tmp_record, tmp_path, monkeypatch):
    pytest.importorskip("mutmut")
    monkeypatch.setattr(mut, "WORK", tmp_path / "work")
    summary = mut.sample_module("theory/special.py", 4, 1)
    sample = summary["sample"]
    assert sample["n"] == 4 and len(sample["names"]) == 4
    assert sample["killed"] + sample["survived"] + sample["timeout"] + sample["no_tests"] == 4
    assert sample["population"] >= 500
    # the same draw, run two mutants at a time in a fresh scratch copy: the same verdicts
    monkeypatch.setattr(mut, "WORK", tmp_path / "work2")
    parallel = mut.sample_module("theory/special.py", 4, 1, jobs=2)["sample"]
    assert parallel["names"] == sample["names"]


def test_a_run_of_a_module_gone_from_the_tree_keeps_its_record(mut, tmp_record, monkeypatch, capsys):
    summaries, _ = tmp_record
    record = {"module": "theory/gone/", "status": {}, "first_status": {}, "diffs": {}}
    (summaries / "theory.gone.json").write_text(json.dumps(record))
    monkeypatch.setattr(mut, "MODULE_TESTS", {"theory/gone/": []})
    assert mut.run_module("theory/gone/", 1, 0.0) == record
    assert json.loads((summaries / "theory.gone.json").read_text()) == record
    assert "its record is kept" in capsys.readouterr().out


@pytest.mark.parametrize("name", ["_SAMPLE_SCRIPT", "_RECHECK_SCRIPT", "_GENERATE_SCRIPT", "_DIFF_SCRIPT"])
def test_the_scripts_run_in_the_scratch_copy_compile(mut, name):
    compile(getattr(mut, name), name, "exec")


def test_a_scratch_copy_is_made_afresh_when_the_tests_changed(mut, tmp_path):
    # mutmut keeps a mutant's verdict while its function is unchanged: a rerun after the tests changed
    # must not inherit verdicts reached against the old tests
    work = tmp_path / "work"
    mut._prepare("theory/special.py", ["tests/theory/test_special.py"], work)
    marker = work / "mutants" / "verdicts"
    marker.parent.mkdir()
    marker.write_text("kept")
    mut._prepare("theory/special.py", ["tests/theory/test_special.py"], work)
    assert marker.read_text() == "kept"  # nothing changed: mutmut resumes
    theory_file = work / "theory" / "special.py"
    theory_file.write_text(theory_file.read_text() + "\n# changed\n")
    mut._prepare("theory/special.py", ["tests/theory/test_special.py"], work)
    assert marker.exists()  # a source changed: mutmut itself re-runs that function's mutants
    assert theory_file.read_bytes() == (ROOT / "theory" / "special.py").read_bytes()
    test_file = work / "tests" / "theory" / "test_special.py"
    test_file.write_text(test_file.read_text() + "\n# changed\n")
    mut._prepare("theory/special.py", ["tests/theory/test_special.py"], work)
    assert not marker.exists()
    assert test_file.read_bytes() == (ROOT / "tests" / "theory" / "test_special.py").read_bytes()


@pytest.mark.slow  # starts a fresh interpreter (pytest --collect-only)
def test_every_runner_selects_the_tests_marked_slow_too(mut, tmp_path):
    # the project's addopts leave out the tests marked slow; a mutant killed only by a slow test (the
    # largest instance of a parametrized check) must count as killed in mutmut's run and in the re-check
    import tomllib

    work = tmp_path / "work"
    mut._prepare("theory/special.py", ["tests/theory/test_special.py"], work)
    args = tomllib.loads((work / "pyproject.toml").read_text())["tool"]["mutmut"]["pytest_add_cli_args"]
    probe = work / "tests" / "test_probe_marks.py"
    probe.write_text(
        "import pytest\n\n\n@pytest.mark.slow\ndef test_marked_slow():\n    pass\n\n\n"
        "def test_unmarked():\n    pass\n"
    )
    out = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", *args, "tests/test_probe_marks.py"],
        cwd=work,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stdout + out.stderr
    assert "test_marked_slow" in out.stdout and "test_unmarked" in out.stdout
    selection = '"-m", "slow or not slow"'
    assert selection in mut._RECHECK_SCRIPT and selection in mut._SAMPLE_SCRIPT


def test_recheck_tests_take_files_or_file_test_ids_and_name_the_missing_ones(
    mut, tmp_record, tmp_path, monkeypatch, capsys
):
    # --recheck --tests: a FILE::TEST id counts as present when its file exists; the missing ones are named
    monkeypatch.setattr(mut, "WORK", tmp_path / "work")
    (tmp_path / "work" / mut._slug("theory/vmf.py") / "mutants").mkdir(parents=True)
    given = [
        "tests/theory/test_vmf_pinned.py::test_that_need_not_exist",
        "tests/theory/test_vmf_pinned.py",
        "tests/theory/no_such_file.py::test_x",
    ]
    with pytest.raises(SystemExit) as err:
        mut.recheck("theory/vmf.py", tests=given)
    assert err.value.code == 2
    msg = capsys.readouterr().err.strip()
    assert (
        msg
        == "scripts/mutation: error: --tests: no such test file(s) ['tests/theory/no_such_file.py::test_x']"
    )


def test_recheck_mutants_takes_only_listed_survivors_and_names_the_others(
    mut, tmp_record, tmp_path, monkeypatch, capsys
):
    # --recheck --mutants: a name that is not a survivor, no-test or timeout mutant of the record is refused
    # (a killed mutant, or one of another module), in one line with exit 2, before any test runs
    monkeypatch.setattr(mut, "WORK", tmp_path / "work")
    (tmp_path / "work" / mut._slug("theory/vmf.py") / "mutants").mkdir(parents=True)
    status = json.loads((tmp_record[0] / "theory.vmf.json").read_text())["status"]
    killed = next(n for n, st in status.items() if st == "killed")
    with pytest.raises(SystemExit) as err:
        mut.recheck(
            "theory/vmf.py", tests=["tests/theory/test_vmf_pinned.py"], only=[killed, "theory.x__mutmut_1"]
        )
    assert err.value.code == 2
    msg = capsys.readouterr().err.strip()
    assert msg.startswith(
        "scripts/mutation: error: --mutants: not survived / no tests / timeout in the record"
    )
    assert killed in msg and "theory.x__mutmut_1" in msg
    # and the flag is refused without --recheck
    with pytest.raises(SystemExit) as err:
        mut.main(["theory/vmf.py", "--mutants", killed])
    assert err.value.code == 2
    assert (
        capsys.readouterr().err.strip().endswith("--mutants names survivors to re-check; it needs --recheck")
    )
