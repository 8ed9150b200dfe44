"""The claim registry and the generated paper_checks.md agree, and the marker scan is right."""

from pathlib import Path

import pytest

from claims.registry import CLAIMS, Claim, ClaimResult, Verdict, get_claim, run_check
from claims.report import claim_ids_in_markdown, render_markdown, scan_claim_tests

ROOT = Path(__file__).resolve().parents[2]


def test_claim_ids_unique_and_paper_labels_present():
    ids = [c.id for c in CLAIMS]
    assert len(ids) == len(set(ids))
    for label in ["P1", "T1", "C1", "P2", "R", "P3", "L1", "T2", "C2", "MP", "D", "R-d", "R-N"]:
        assert label in ids


def test_committed_paper_checks_lists_exactly_the_registry():
    text = (ROOT / "paper_checks.md").read_text(encoding="utf-8")
    assert claim_ids_in_markdown(text) == [c.id for c in CLAIMS], (
        "paper_checks.md is stale: regenerate it with `python -m claims`"
    )


def test_check_functions_import():
    for c in CLAIMS:
        fn = c.check_function()
        assert fn is None or callable(fn), c.id


def test_get_claim_unknown_names_known_ids():
    with pytest.raises(KeyError, match="P1"):
        get_claim("nope")


def test_unencoded_claim_is_reported_as_such():
    c = Claim("X", "a statement", "x", "nowhere")
    assert run_check(c).verdict is Verdict.NOT_ENCODED


def test_render_roundtrip_and_escaping():
    results = {c.id: ClaimResult("a | b", "-", Verdict.INCONCLUSIVE) for c in CLAIMS}
    md = render_markdown(results, {})
    assert claim_ids_in_markdown(md) == [c.id for c in CLAIMS]
    assert "a \\| b" in md


def test_marker_scan(tmp_path):
    tests = tmp_path / "tests"
    tests.mkdir()
    (tests / "test_x.py").write_text(
        "import pytest\n"
        "pytestmark = pytest.mark.claim('P1')\n"
        "@pytest.mark.claim('MP', 'R-d')\n"
        "def test_a():\n    pass\n"
        "class TestB:\n"
        "    @pytest.mark.claim('T1')\n"
        "    def test_c(self):\n        pass\n"
        "def helper():\n    pass\n"
    )
    found = scan_claim_tests(tests)
    assert found == {
        "P1": ["tests/test_x.py::test_a", "tests/test_x.py::TestB::test_c"],
        "MP": ["tests/test_x.py::test_a"],
        "R-d": ["tests/test_x.py::test_a"],
        "T1": ["tests/test_x.py::TestB::test_c"],
    }
