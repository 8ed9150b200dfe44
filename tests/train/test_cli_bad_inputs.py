"""Every door of ``python -m train``: bad input is one line on stderr and exit 2, before any training;
results go to ``results/`` unless ``--publish`` (which refuses ``--quick`` and explicit paths); help shows
the defaults; ``run`` prints one line per epoch and a final CV / AD / DP line; SIGINT exits 130.

Before these checks ``table1 --quick`` wrote over ``docs/data/table1.json``, ``grid --out X --figure X``
wrote both to one file, ``table2`` ran 2000 sentences against the published 3000, ``--device cuda``
without CUDA, a huge ``d`` or a corrupt checkpoint ended in a traceback, and ``run`` printed only its
directory.
"""

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import torch

import simulate.sweep
import train.loop._fit
from tests._env import checkout_env
from train.cli import main

ROOT = Path(__file__).resolve().parents[2]
TINY = [
    "data.n_train=64", "data.n_test=40", "data.dim=32", "d=4", "N=16", "epochs=1", "n_eval=40",
    "n_phi=20", "n_projections=2", "progress=false",
]  # fmt: skip
FAST = ["--no-figures", *TINY]


@pytest.fixture
def no_training(monkeypatch):
    """Any training or sweep is a test failure: bad input must be refused before the work."""

    def boom(*a, **k):
        raise AssertionError("training started before the input was checked")

    monkeypatch.setattr(train.loop._fit, "_train", boom)
    monkeypatch.setattr(simulate.sweep, "run_sweep", boom)


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


def _files(folder: Path) -> set:
    return {p for p in folder.rglob("*") if p.is_file()}


BAD = [
    # run
    (["run", "--config", "nope"], "unknown config"),
    (["run", "--config", "binary", *TINY, "colour=red"], "known keys"),
    (["run", "--config", "binary", *TINY, "data.colour=1"], "known: data.n_train"),
    (["run", "--config", "binary", *TINY, f"seed={2**70}"], "seed must be"),
    (["run", "--config", "binary", *TINY, "lr=nan"], "lr must be"),
    (["run", "--config", "binary", *TINY, "tau=nan"], "tau must be"),
    (["run", "--config", "binary", *TINY, "N=100000"], "exceeds data.n_train"),
    (["run", "--config", "binary", *TINY, "device=mps"], "device must be"),
    (["run", "--config", "binary", *TINY, "device=meta"], "device must be"),
    (["run", "--config", "binary", *TINY, "--resume"], "no run of this configuration"),
    (["run", "--config", "binary", *TINY, "--run-dir", "{file}"], "not a directory"),
    (["run", "--config", "binary", *TINY, "out_dir={file}"], "is a file"),
    (["run"], "--config"),
    # table1
    (["table1", "--publish", "--quick"], "refuses --quick"),
    (["table1", "--workers", "0"], "expected an integer >= 1"),
    (["table1", "--publish", "--out", "{tmp}/t.json"], "--publish writes to docs/data"),
    (["table1", "--publish", "--no-figure"], "figure"),
    (["table1", "--out", "{tmp}"], "is a directory"),
    (["table1", "--out", "{tmp}/x.json", "--figure", "{tmp}/x.json"], "same file"),
    (["table1", "--out", "{root}/docs/data/table1.json"], "only through --publish"),
    (["table1", "--figure", "{root}/docs/figures/table1.png"], "only through --publish"),
    (["table1", "--out", "{file}/x.json"], "not a directory"),
    (["table1", "--runs", "{file}"], "is a file"),
    # grid
    (["grid", "--out", "{tmp}/g.json", "--figure", "{tmp}/g.json"], "same file"),
    (["grid", "--publish", "--figure", "{tmp}/g.png"], "--publish writes to docs/figures"),
    (["grid", "--d", "32,x"], "--d must be"),
    (["grid", "--d", "32"], "at least 2 distinct"),
    (["grid", "--N", "8,8"], "at least 2 distinct"),
    (["grid", "--N", "1,2"], "--N must be"),
    (["grid", "--N", "8,4096"], "<= n_train"),
    (["grid", "--epochs", "0"], "expected an integer >= 1"),
    (["grid", "--workers", "0"], "expected an integer >= 1"),
    (["grid", "--n-train", "1"], "n_train must be"),
    (["grid", "--n-test", "5"], "n_test must be"),
    (["grid", "--seed", "-1"], "seed must be"),
    (["grid", "--executor", "cloud"], "invalid choice"),
    (["grid", "--runs", "{file}"], "is a file"),
    # table2
    (["table2", "--n-sentences", "5", "--no-figure"], "n_sentences must be >= 20"),
    (["table2", "--seed", "-1"], "seed must be"),
    (["table2", "--batch-size", "0"], "expected an integer >= 1"),
    (["table2", "--publish", "--out", "{tmp}/t.json"], "--publish writes to docs/data"),
    (["table2", "--out", "{tmp}/t.json", "--figure", "{tmp}/t.json"], "same file"),
    (["table2", "--out", "{tmp}"], "is a directory"),
    # the command itself
    (["frobnicate"], "invalid choice"),
    (["--bogus"], "required: command"),
]


@pytest.mark.parametrize(
    ("argv", "needle"), BAD, ids=[" ".join(a[:3]) + f" {i}" for i, (a, _) in enumerate(BAD)]
)
def test_bad_input_is_one_line_exit_2_before_any_work(
    argv, needle, tmp_path, capsys, monkeypatch, no_training
):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "afile").write_text("x")
    subs = {"tmp": str(tmp_path / "out"), "file": str(tmp_path / "afile"), "root": str(ROOT)}
    (tmp_path / "out").mkdir()
    argv = [a.format(**subs) for a in argv]
    published = {p: p.stat().st_mtime_ns for p in (ROOT / "docs").rglob("*") if p.is_file()}
    before = _files(tmp_path)
    line = _one_line_exit_2(capsys, argv)
    assert needle in line, line
    assert _files(tmp_path) == before
    assert {p: p.stat().st_mtime_ns for p in (ROOT / "docs").rglob("*") if p.is_file()} == published


@pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has CUDA")
@pytest.mark.parametrize("device", ["cuda", "cuda:3"])
def test_cuda_without_cuda_is_one_line(device, tmp_path, capsys):
    line = _one_line_exit_2(
        capsys, ["run", "--config", "binary", *TINY, f"out_dir={tmp_path}", f"device={device}"]
    )
    assert "needs CUDA" in line


def test_slurm_off_a_cluster_is_one_line(tmp_path, capsys, monkeypatch, no_training):
    monkeypatch.setenv("PATH", str(tmp_path))  # no sbatch here
    line = _one_line_exit_2(capsys, ["grid", "--executor", "slurm", "--runs", str(tmp_path / "g")])
    assert "needs a SLURM cluster" in line


@pytest.mark.parametrize("override", ["d=1000000000000", "hidden=1000000000000 model=mlp"])
def test_a_model_too_large_for_memory_is_one_line(override, tmp_path, capsys):
    line = _one_line_exit_2(
        capsys, ["run", "--config", "binary", *TINY, f"out_dir={tmp_path}", *override.split()]
    )
    assert "memory" in line.lower() or "allocate" in line.lower(), line


def test_corrupt_checkpoint_is_one_line_naming_the_file(tmp_path, capsys):
    args = ["run", "--config", "binary", *FAST, f"out_dir={tmp_path}"]
    assert main(args) == 0
    run = next(tmp_path.glob("binary-*"))
    (run / "checkpoint.pt").write_bytes(b"PK\x03\x04 truncated")
    capsys.readouterr()
    line = _one_line_exit_2(capsys, [*args, "--resume"])
    assert "checkpoint.pt is not a readable checkpoint" in line and str(run) in line
    (run / "checkpoint.pt").unlink()
    (run / "metrics.jsonl").write_text('{"epoch": 0}\n{"epoch": 1, "cv": ')
    line = _one_line_exit_2(capsys, args)
    assert "metrics.jsonl line 2 is not valid JSON" in line


def test_run_prints_a_line_per_epoch_and_ends_with_cv_ad_dp(tmp_path, capsys):
    assert main(["run", "--config", "binary", *FAST, "epochs=2", f"out_dir={tmp_path}"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0].startswith("run directory ") and Path(lines[0].split(" ", 2)[2]).is_dir()
    epochs = [ln for ln in lines if ln.startswith("epoch ") and " s" in ln and ":" not in ln.split()[1]]
    assert [ln.split()[1] for ln in epochs] == ["0/2", "1/2", "2/2"]
    assert all("loss" in ln for ln in epochs[1:])
    assert lines[-1].startswith("epoch 2: CV ") and " AD " in lines[-1] and " DP " in lines[-1]


def test_readme_resume_line_names_the_same_run(tmp_path, capsys):
    """`run --config X over...` then `run --config X over... --resume` continue one run; without the
    overrides, --resume says which run exists and what differs."""
    first = ["run", "--config", "binary", *FAST, f"out_dir={tmp_path}", "d=8"]
    assert main(first) == 0
    run_line = capsys.readouterr().out.splitlines()[0]
    assert main([*first, "--resume"]) == 0
    assert capsys.readouterr().out.splitlines()[0] == run_line
    line = _one_line_exit_2(capsys, ["run", "--config", "binary", *FAST, f"out_dir={tmp_path}", "--resume"])
    assert "d = 8 there, 4 here" in line and "repeat that run's overrides" in line


def test_help_shows_defaults_everywhere(capsys):
    for cmd in (["run"], ["table1"], ["grid"], ["table2"]):
        with pytest.raises(SystemExit) as exc:
            main([*cmd, "--help"])
        assert exc.value.code == 0
        out = capsys.readouterr().out
        assert "(default:" in out, cmd
    from train.table2 import main as table2_main

    with pytest.raises(SystemExit):
        table2_main(["--help"])
    assert "(default: 1000)" in capsys.readouterr().out


def test_table2_as_the_readme_gives_it_is_the_published_configuration():
    from train.cli import _parser
    from train.table2 import table2_config

    args = _parser().parse_args(["table2"])
    got = table2_config(n_sentences=args.n_sentences, seed=args.seed, n_projections=args.n_projections,
                        batch_size=args.batch_size)  # fmt: skip
    published = json.loads((ROOT / "docs" / "data" / "table2.json").read_text())
    assert got == table2_config() == published["config"]
    assert got["n_sentences"] == 1000
    assert "python -m train table2" in (ROOT / "README.md").read_text()


def test_outputs_default_to_results_and_publish_to_docs(tmp_path):
    from theory._io import repo_root
    from train.tables._rows import _outputs

    root = repo_root()
    assert _outputs("table1", None, True, quick=False, publish=False) == (
        root / "results" / "table1.json", root / "results" / "table1.png")  # fmt: skip
    assert (
        _outputs("table1", None, True, quick=True, publish=False)[0] == root / "results" / "table1-quick.json"
    )
    assert _outputs("grid", None, True, quick=False, publish=True) == (
        root / "docs" / "data" / "grid.json", root / "docs" / "figures" / "grid.png")  # fmt: skip
    assert _outputs("grid", tmp_path / "g.json", False, quick=False, publish=False) == (
        tmp_path / "g.json",
        None,
    )
    with pytest.raises(TypeError, match="figure must be"):
        _outputs("grid", None, 3, quick=False, publish=False)


@pytest.mark.slow
def test_sigint_during_train_run_checkpoints_and_exits_130(tmp_path):
    env = checkout_env()
    args = [*TINY, "epochs=100000", "eval_every=100000", "data.n_train=256", f"out_dir={tmp_path}"]
    cmd = [sys.executable, "-m", "train", "run", "--config", "binary", *args]
    p = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        while True:  # wait for the first trained epoch
            line = p.stdout.readline()
            assert line, p.stderr.read()
            if line.startswith("epoch 1/"):
                break
        p.send_signal(signal.SIGINT)
        t0 = time.perf_counter()
        _, err = p.communicate(timeout=120)
    finally:
        p.kill()
    assert p.returncode == 130, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "interrupted" in lines[0] and "checkpoint written to" in lines[0], err
    assert time.perf_counter() - t0 < 60
    from train.loop import load_checkpoint

    run = next(tmp_path.glob("binary-*"))
    state = load_checkpoint(run / "checkpoint.pt")
    assert state["epoch"] >= 1 and not (run / "lock").exists()


def _readme_train_lines() -> list[tuple[list[str], int]]:
    """The README's ``python -m train`` / ``torchrun ... -m train`` commands: (arguments, world size)."""
    import shlex

    out = []
    for line in (ROOT / "README.md").read_text().splitlines():
        if not line.startswith(("python ", "pip ", "torchrun ")):
            continue
        for part in line.split("&&"):
            words = shlex.split(part.split("#", 1)[0])
            if words[:3] == ["python", "-m", "train"]:
                out.append((words[3:], 1))
            elif words[:1] == ["torchrun"] and "train" in words:
                nproc = [w.split("=")[1] for w in words if w.startswith("--nproc_per_node=")]
                out.append((words[words.index("train") + 1 :], int(nproc[0]) if nproc else 1))
    return out


def test_readme_train_commands_parse_and_the_resume_line_names_the_run_line():
    from train.cli import _parser
    from train.config import get_config
    from train.loop import run_dir_for

    lines = _readme_train_lines()
    assert {w[0] for w, _ in lines} >= {"run", "table1", "grid", "table2"}
    runs = []
    for words, world in lines:
        a = _parser().parse_args(words)
        if a.command == "run":
            runs.append((a.resume, run_dir_for(get_config(a.config, a.overrides), world)))
    fresh = {d for resume, d in runs if not resume}
    assert len(fresh) == len([1 for resume, _ in runs if not resume]), "two README runs share a directory"
    for resume, d in runs:
        assert not resume or d in fresh, f"the README's resume line names no run line ({d.name})"
