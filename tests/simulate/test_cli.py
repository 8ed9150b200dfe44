"""python -m simulate: --help, one-line errors with exit 2, no writing over an input, a tiny flow."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from simulate.cli import main
from tests._env import checkout_env

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_module_help_runs_in_a_subprocess():
    env = checkout_env()
    proc = subprocess.run(
        [sys.executable, "-m", "simulate", "--help"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0
    for cmd in ("flow", "rates", "sweep", "experiment"):
        assert cmd in proc.stdout


@pytest.mark.parametrize("cmd", ["flow", "rates", "sweep", "experiment"])
def test_subcommand_help(cmd, capsys):
    with pytest.raises(SystemExit) as e:
        main([cmd, "--help"])
    assert e.value.code == 0
    out = capsys.readouterr().out
    assert "usage:" in out
    if cmd in ("rates", "sweep"):
        assert "--executor" in out and "--partition" in out


@pytest.mark.parametrize(
    "argv",
    [
        ["rates", "--seeds", "1"],
        ["rates", "--alpha", "-1"],
        ["rates", "--executor", "pbs"],
        ["flow", "--N", "0"],
        ["flow", "--alpha", "0"],
        ["flow", "--device", "cuda:7"],
        ["flow", "--start", "nowhere"],
        ["experiment", "nope"],
        ["experiment", "t1", "--seed", "-3"],
        ["sweep", "rates-rd", "--max-parallel", "0"],
        ["nonsense"],
    ],
)
def test_bad_arguments_give_one_line_and_exit_2(argv, capsys):
    try:
        code = main(argv)
    except SystemExit as e:  # argparse's own errors
        code = e.code
    assert code == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1, err
    assert "error:" in err
    assert "Traceback" not in err


def test_rates_refuses_to_write_over_its_config(tmp_path, capsys):
    cfg = tmp_path / "cfg.json"
    cfg.write_text(json.dumps({"rn": {}}))
    before = cfg.read_text()
    code = main(["rates", "--config", str(cfg), "--json", str(cfg), "--png", str(tmp_path / "f.png")])
    assert code == 2
    assert "input" in capsys.readouterr().err
    assert cfg.read_text() == before


def test_bad_config_file_is_one_line(tmp_path, capsys):
    cfg = tmp_path / "cfg.json"
    cfg.write_text("{not json")
    assert main(["rates", "--config", str(cfg)]) == 2
    assert "cfg.json is not valid JSON" in capsys.readouterr().err
    assert main(["rates", "--config", str(tmp_path / "missing.json")]) == 2


def test_flow_writes_json_and_csv(tmp_path, capsys):
    js, cs = tmp_path / "t.json", tmp_path / "t.csv"
    code = main(
        [
            "flow",
            "--N",
            "24",
            "--d",
            "3",
            "--steps",
            "20",
            "--record-every",
            "5",
            "--start",
            "clustered",
            "--json",
            str(js),
            "--csv",
            str(cs),
            "--no-progress",
        ]
    )
    assert code == 0
    rec = json.loads(js.read_text(), parse_constant=lambda c: pytest.fail(c))
    gaps = rec["phi_gap"]
    assert len(gaps) == 5 and all(g > 0 for g in gaps) and gaps[-1] < gaps[0]
    assert cs.read_text().splitlines()[0].startswith("step")
