"""``python -m theory zonal-threshold``: strict JSON, resumable per-point files, one-line errors."""

from __future__ import annotations

import json

import pytest

from theory.cli import main

pytestmark = pytest.mark.claim("D", "T2")


def _strict(path):
    def bad(name):
        raise ValueError(f"non-strict JSON constant {name}")

    return json.loads(path.read_text(), parse_constant=bad)


TINY = {
    "n_panels": 8,
    "per_panel": 4,
    "mean_norms": [0.6],
    "max_rings": 2,
    "beta_degree": 3,
    "beta_n_panels": 8,
    "beta_per_panel": 4,
}


def test_single_point_quick_writes_strict_json_figure_and_resumes(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr("theory.studies.zonal_map.QUICK_SIZES", TINY)  # a smoke run smaller still
    out, png, cache = tmp_path / "z.json", tmp_path / "z.png", tmp_path / "points"
    argv = ["zonal-threshold", "--d", "8", "--alpha", "1", "--quick", "--quiet"]
    argv += ["--json", str(out), "--png", str(png), "--cache", str(cache)]
    assert main(argv) == 0
    rec = _strict(out)
    assert rec["quick"] is True and rec["config"]["dimensions"] == [8] and rec["config"]["alphas"] == [1.0]
    assert rec["commit"] is not None and rec["config_key"]
    (point,) = rec["points"]
    thr = point["threshold"]
    # d = 8, alpha = 1: one ring beats the vMF family (q_c^vMF = 0.9182, q_c^loc = 0.9268)
    assert thr["attained_by"] == "rings" and thr["q_c"] < 0.912 < thr["q_c_vmf"] < thr["q_c_loc"]
    assert "upper bound" in thr["bound"] and "lower bound" in point["beta"]["bound"]
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    (pfile,) = cache.iterdir()
    assert pfile.name == f"{point['config_key']}.json"
    first = capsys.readouterr().out
    assert "0 of 1 points read" in first and "rings" in first
    out2 = tmp_path / "z2.json"
    assert main([*argv[:-6], "--json", str(out2), "--png", str(png), "--cache", str(cache)]) == 0
    assert "1 of 1 points read" in capsys.readouterr().out
    assert _strict(out2)["points"][0]["threshold"] == thr


@pytest.mark.parametrize(
    ("extra", "words"),
    [
        (["--d", "1"], "--d must be integers >= 2"),
        (["--alpha", "-1"], "--alpha must be finite numbers in (0, 300]"),
        (["--alpha", "1", "1"], "must not repeat"),
        (["--eta2", "2"], "--eta2 must be in [0, 1]"),
        (["--publish", "--quick"], "--publish refuses --quick"),
        (["--publish", "--d", "3"], "--publish writes the full map only"),
        (["--publish", "--n-panels", "16"], "refuses --quick and --n-panels below"),
        (["--json", "docs/data/zonal-x.json"], "change only through --publish"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(extra, words, capsys, tmp_path):
    argv = ["zonal-threshold", "--quiet", "--cache", str(tmp_path / "c"), *extra]
    if "--d" not in extra and "--publish" not in extra:
        argv += ["--d", "3"]
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and words in err
    assert not (tmp_path / "c").exists()


def test_help_shows_the_defaults(capsys):
    with pytest.raises(SystemExit):
        main(["zonal-threshold", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "(default: [3, 4, 5, 6, 8, 12, 16, 32, 64])" in text and "(default: 0.36)" in text


def test_a_corrupt_point_file_is_named_not_reused(tmp_path, capsys):
    from theory._results import config_key
    from theory.studies.zonal_map import QUICK_SIZES, point_config

    cache = tmp_path / "points"
    cache.mkdir()
    bad = cache / f"{config_key(point_config(3, 1.0, 0.36, QUICK_SIZES))}.json"
    bad.write_text('{"config": ')
    argv = ["zonal-threshold", "--d", "3", "--alpha", "1", "--quick", "--quiet", "--cache", str(cache)]
    argv += ["--json", str(tmp_path / "z.json"), "--png", str(tmp_path / "z.png")]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert bad.name in err and "not valid JSON" in err
    assert not (tmp_path / "z.json").exists()
