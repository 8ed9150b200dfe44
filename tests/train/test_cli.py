"""`python -m train`: help everywhere, one-line errors with exit status 2, a tiny run."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests._env import checkout_env
from train.cli import main

ROOT = Path(__file__).resolve().parents[2]


def _run(*args):
    env = checkout_env()
    return subprocess.run(
        [sys.executable, "-m", "train", *args], capture_output=True, text=True, env=env, cwd=ROOT
    )


@pytest.mark.parametrize("args", [["--help"], ["run", "--help"], ["table1", "--help"], ["grid", "--help"]])
def test_help(args, capsys):
    with pytest.raises(SystemExit) as exc:
        main(args)
    assert exc.value.code == 0
    assert "usage" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["run", "--config", "nope"], "unknown config"),
        (["run", "--config", "laplace", "d=zero"], "d must be an integer"),
        (["run", "--config", "laplace", "colour=red"], "unknown override"),
        (["run"], "--config"),
        (["frobnicate"], "invalid choice"),
        (["grid", "--d", "32,x"], "--d must be"),
        (["grid", "--executor", "cloud"], "invalid choice"),
    ],
)
def test_bad_input_one_line_exit_2(args, needle, capsys):
    code = None
    try:
        code = main(args)
    except SystemExit as exc:
        code = exc.code
    err = capsys.readouterr().err
    assert code == 2
    assert needle in err and err.count("\n") == 1 and "Traceback" not in err


@pytest.mark.slow
def test_subprocess_help_and_error():
    p = _run("--help")
    assert p.returncode == 0 and "table1" in p.stdout
    p = _run("run", "--config", "nope")
    assert p.returncode == 2 and p.stderr.count("\n") == 1 and "unknown config" in p.stderr


@pytest.mark.slow
def test_tiny_run_then_refuse_to_overwrite(tmp_path, capsys):
    args = [
        "run", "--config", "binary", "data.n_train=64", "data.n_test=40", "data.dim=32", "d=4", "N=16",
        "epochs=1", "n_eval=40", "n_phi=20", "n_projections=2", f"out_dir={tmp_path}", "progress=false",
    ]  # fmt: skip
    assert main(args) == 0
    run = Path(capsys.readouterr().out.strip().splitlines()[0].removeprefix("run directory "))
    assert (run / "fig_metrics.png").is_file()
    recs = [json.loads(x) for x in (run / "metrics.jsonl").read_text().splitlines()]
    assert [r["epoch"] for r in recs] == [0, 1]
    assert main(args) == 2  # the run directory holds a run: no overwrite without --resume
    err = capsys.readouterr().err
    assert "--resume" in err and err.count("\n") == 1
    assert main([*args, "--resume"]) == 0
