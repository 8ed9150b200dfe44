"""Every door of ``python -m simulate``: bad input to any command is one line on stderr and exit 2 (a failed
sweep point 1, an interrupt 130), checked before any computation; outputs go to results/ unless given,
to docs/data and docs/figures only with --publish at full size; no command writes over an input or
writes two outputs on one path; corrupt files are named; concurrent writers and a killed writer leave
complete files.

Most cases run in process (``main(argv)``); a computation that a case must never reach is replaced by a
function that fails the test. Subprocess tests (SIGINT, SIGKILL) are marked slow.
"""

from __future__ import annotations

import json
import math
import os
import signal
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest

import simulate.experiments._run as experiments_run
import simulate.rates as rates_module
import theory._results as results_module
from simulate.cli import build_parser, main
from simulate.experiments import experiment_config
from simulate.rates import slope_verdict, study_config
from tests._env import checkout_env

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def work(tmp_path, monkeypatch):
    """A temporary checkout root (results/, docs/data, docs/figures resolve there) holding the inputs."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(results_module, "repo_root", lambda: tmp_path)
    monkeypatch.setattr("theory._io.repo_root", lambda: tmp_path)
    (tmp_path / "docs" / "data").mkdir(parents=True)
    (tmp_path / "docs" / "figures").mkdir(parents=True)
    (tmp_path / "dir").mkdir()
    (tmp_path / "afile").write_text("a file where a folder belongs")
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(stat.S_IRUSR | stat.S_IXUSR)
    (tmp_path / "rates-style.json").write_text(json.dumps({"rd": {"seeds": 2}, "rn": {"seeds": 3}}))
    (tmp_path / "seeds1.json").write_text(json.dumps({"rn": {"seeds": 1}}))
    (tmp_path / "bogus.json").write_text(json.dumps({"rn": {"bogus": 1}}))
    (tmp_path / "toplevel.json").write_text(json.dumps({"rx": {}}))
    (tmp_path / "list.json").write_text("[1, 2]")
    (tmp_path / "truncated.json").write_text('{"rn": {"seeds": ')
    (tmp_path / "nan.json").write_text('{"rn": {"alpha": NaN}}')
    (tmp_path / "latin1.json").write_bytes(b'{"rn": "\xe9"}')
    (tmp_path / "sweep-seeds1.json").write_text(json.dumps({"seeds": 1}))
    (tmp_path / "sweep-bogus.json").write_text(json.dumps({"Ns": [4, 8]}))  # an R-N key given to rates-rd
    yield tmp_path
    ro.chmod(stat.S_IRWXU)


@pytest.fixture
def never_compute(monkeypatch):
    """Replace every computation a command could start with a failure: a bad input must stop before."""

    def computed(*args, **kwargs):
        raise AssertionError("the command started computing before refusing its input")

    for name in list(experiments_run.EXPERIMENTS):
        _, desc, plot = experiments_run.EXPERIMENTS[name]
        monkeypatch.setitem(experiments_run.EXPERIMENTS, name, (computed, desc, plot))
    monkeypatch.setattr(rates_module, "rates_study", computed)
    monkeypatch.setattr("simulate.experiments.flow_phi", computed)
    monkeypatch.setattr("simulate.sweep.run_sweep", computed)


def _one_line(capsys, argv, code=2):
    try:
        rc = main(argv)
    except SystemExit as exc:  # argparse's own errors
        rc = exc.code
    _out, err = capsys.readouterr()
    lines = err.strip().splitlines()
    assert rc == code, (argv, rc, err)
    assert len(lines) == 1 and "Traceback" not in err, (argv, err)
    return lines[0]


BAD_ARGV = [
    # flow: sizes, numbers, NaN/inf, devices, dtypes, starts, memory, paths
    (["flow", "--N", "0"], "--N"),
    (["flow", "--N", "x"], "--N"),
    (["flow", "--d", "1"], "--d"),
    (["flow", "--alpha", "0"], "--alpha"),
    (["flow", "--alpha", "nan"], "--alpha"),
    (["flow", "--alpha", "inf"], "--alpha"),
    (["flow", "--alpha", "1e13"], "--alpha"),
    (["flow", "--alpha", "800"], "--alpha"),
    (["flow", "--lr", "0"], "--lr"),
    (["flow", "--lr", "inf"], "--lr"),
    (["flow", "--q", "-1"], "--q"),
    (["flow", "--kappa", "-1"], "--kappa"),
    (["flow", "--kappa", "nan"], "--kappa"),
    (["flow", "--steps", "-1"], "--steps"),
    (["flow", "--record-every", "0"], "--record-every"),
    (["flow", "--tol", "-1"], "--tol"),
    (["flow", "--tol", "nan"], "--tol"),
    (["flow", "--seed", "-1"], "--seed"),
    (["flow", "--device", "cuda:7"], "--device"),
    (["flow", "--device", "meta"], "--device"),
    (["flow", "--device", "mps"], "--device"),
    (["flow", "--device", "nonsense"], "--device"),
    (["flow", "--dtype", "float16"], "--dtype"),
    (["flow", "--start", "nowhere"], "--start"),
    (["flow", "--N", "1000000000000"], "--N"),
    (["flow", "--d", "1000000000000"], "--d"),
    (["flow", "--json", "dir"], "--json"),
    (["flow", "--json", "afile/t.json"], "afile"),
    (["flow", "--json", "t.json", "--csv", "t.json"], "same file"),
    (["flow", "--json", "docs/data/flow.json"], "--publish"),
    # rates: config files (unknown keys, values, corrupt), flags, paths, publish
    (["rates", "--seeds", "1"], "--seeds"),
    (["rates", "--seeds", "0"], "--seeds"),
    (["rates", "--alpha", "-1"], "--alpha"),
    (["rates", "--alpha", "nan"], "--alpha"),
    (["rates", "--d", "1"], "--d"),
    (["rates", "--executor", "pbs"], "--executor"),
    (["rates", "--max-parallel", "0"], "--max-parallel"),
    (["rates", "--time", "0"], "--time"),
    (["rates", "--mem", "-1"], "--mem"),
    (["rates", "--config", "missing.json"], "missing.json"),
    (["rates", "--config", "dir"], "dir"),
    (["rates", "--config", "truncated.json"], "truncated.json"),
    (["rates", "--config", "nan.json"], "nan.json"),
    (["rates", "--config", "latin1.json"], "latin1.json"),
    (["rates", "--config", "list.json"], "list.json"),
    (["rates", "--config", "toplevel.json"], "known keys: rd, rn"),
    (["rates", "--config", "bogus.json"], "known keys: Ns, Ns_flow"),
    (["rates", "--config", "seeds1.json"], "rn.seeds must be >= 2"),
    (["rates", "--config", "rates-style.json", "--json", "rates-style.json"], "input"),
    (["rates", "--json", "x.json", "--png", "x.json"], "same file"),
    (["rates", "--json", "dir"], "directory"),
    (["rates", "--sweep-dir", "afile"], "--sweep-dir"),
    (["rates", "--json", "docs/data/rates.json"], "--publish"),
    (["rates", "--publish", "--quick"], "--quick"),
    (["rates", "--publish", "--json", "r.json"], "--publish"),
    (["rates", "--publish", "--seeds", "4"], "rn.seeds"),
    # sweep
    (["sweep", "rates-rd", "--config", "rates-style.json"], "rates --config"),
    (["sweep", "rates-rd", "--config", "sweep-bogus.json"], "known keys: ds"),
    (["sweep", "rates-rn", "--config", "sweep-seeds1.json"], "seeds must be >= 2"),
    (["sweep", "rates-rn", "--config", "truncated.json"], "truncated.json"),
    (["sweep", "rates-rd", "--max-parallel", "0"], "--max-parallel"),
    (["sweep", "rates-rd", "--sweep-dir", "afile"], "--sweep-dir"),
    (["sweep", "nonsense"], "study"),
    # experiment
    (["experiment", "nope"], "name"),
    (["experiment", "t1", "--seed", "-3"], "--seed"),
    (["experiment", "t1", "--threads", "0"], "--threads"),
    (["experiment", "t1", "--device", "meta"], "--device"),
    (["experiment", "t1", "--device", "cuda:3"], "--device"),
    (["experiment", "t1", "--dtype", "float16"], "--dtype"),
    (["experiment", "t1", "--json", "x.json", "--png", "x.json"], "same file"),
    (["experiment", "t1", "--json", "dir"], "directory"),
    (["experiment", "t1", "--json", "afile/t1.json"], "afile"),
    (["experiment", "t1", "--json", "docs/data/t1.json"], "--publish"),
    (["experiment", "t1", "--publish", "--quick"], "--quick"),
    (["experiment", "t1", "--publish", "--json", "t1.json"], "--publish"),
    (["experiment", "t1", "--publish", "--seed", "3"], "seed"),
    (["experiment", "beyond-vmf", "--quick", "--dtype", "float32"], "--dtype"),
    (["experiment", "beyond-zonal", "--quick", "--dtype", "float32"], "--dtype"),
    # the program itself
    (["nonsense"], "command"),
    (["--bogus"], "--bogus"),
]
ROOT_WRITES_ANYWHERE = pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
BAD_ARGV += [
    pytest.param(argv, "not writable", marks=ROOT_WRITES_ANYWHERE)
    for argv in (
        ["flow", "--json", "ro/t.json"],
        ["rates", "--png", "ro/r.png"],
        ["experiment", "t1", "--png", "ro/t1.png"],
    )
]


@pytest.mark.parametrize(
    ("argv", "names"), BAD_ARGV, ids=lambda a: " ".join(a) if isinstance(a, list) else ""
)
def test_bad_input_is_one_line_exit_2_before_any_work(argv, names, work, never_compute, capsys, monkeypatch):
    if argv[:2] == ["experiment", "beyond-vmf"]:  # refused by the experiment itself, before its work
        from simulate.experiments import beyond_vmf

        monkeypatch.setitem(experiments_run.EXPERIMENTS, "beyond-vmf", (beyond_vmf, "", None))
    if argv[:2] == ["experiment", "beyond-zonal"]:
        from simulate.experiments import beyond_zonal

        monkeypatch.setitem(experiments_run.EXPERIMENTS, "beyond-zonal", (beyond_zonal, "", None))
    before = sorted(p.relative_to(work).as_posix() for p in work.rglob("*"))
    line = _one_line(capsys, argv)
    assert names in line, line
    assert sorted(p.relative_to(work).as_posix() for p in work.rglob("*")) == before  # nothing written


def test_slurm_off_a_cluster_is_one_line(work, never_compute, capsys, monkeypatch):
    monkeypatch.setenv("PATH", str(work / "dir"))  # no sbatch
    for argv in (["rates", "--executor", "slurm"], ["sweep", "rates-rd", "--executor", "slurm"]):
        line = _one_line(capsys, argv)
        assert "no SLURM was found" in line


@pytest.mark.parametrize(
    ("exc", "code", "text"),
    [
        (RuntimeError("DefaultCPUAllocator: can't allocate memory: you tried to allocate 8 GB"), 2, "memory"),
        (MemoryError(), 2, "out of memory"),
        (RuntimeError("CUDA error: device-side assert triggered\nmore lines"), 2, "CUDA error"),
        (OSError(28, "No space left on device", "results/flow.json"), 2, "results/flow.json"),
        (KeyboardInterrupt(), 130, "interrupted"),
    ],
)
def test_runtime_errors_end_in_one_line(exc, code, text, work, capsys, monkeypatch):
    def fail(*args, **kwargs):
        raise exc

    monkeypatch.setattr("simulate.experiments.flow_phi", fail)
    line = _one_line(capsys, ["flow", "--N", "8", "--steps", "1", "--no-progress"], code=code)
    assert text in line


def test_every_command_shows_its_defaults_and_help_runs_nothing(capsys, never_compute):
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    assert set(sub.choices) == {"flow", "rates", "sweep", "experiment"}
    for name, p in sub.choices.items():
        with pytest.raises(SystemExit) as e:
            main([name, "--help"])
        assert e.value.code == 0
        out = capsys.readouterr().out
        for action in p._actions:
            if (
                action.default not in (None, False, argparse_suppress())
                and action.help
                and action.option_strings
            ):
                assert f"(default: {action.default})" in " ".join(out.split()), (name, action.dest)


def argparse_suppress():
    import argparse

    return argparse.SUPPRESS


# ---- outputs: results/ by default, docs/ only with --publish ---------------------------------------------


def _stub_experiment(quick, seed, device, dtype, progress):
    return {"quick": quick, "seed": seed, "dtype": str(dtype), "points": np.arange(3.0)}


def _stub_plot(res):
    from matplotlib.figure import Figure

    fig = Figure(figsize=(1, 1))
    fig.subplots().plot(res["points"])
    return fig


@pytest.fixture
def stub_t1(monkeypatch):
    monkeypatch.setitem(experiments_run.EXPERIMENTS, "t1", (_stub_experiment, "stub", _stub_plot))


def test_experiment_writes_results_by_default_and_docs_only_with_publish(work, stub_t1, capsys):
    assert main(["experiment", "t1", "--quick", "--no-progress"]) == 0
    rec = json.loads((work / "results" / "t1-quick.json").read_text())
    assert rec["quick"] is True and rec["config"] == experiment_config("t1", quick=True)
    assert (work / "results" / "t1-quick.png").read_bytes()[:4] == b"\x89PNG"
    assert not any((work / "docs" / "data").iterdir())
    assert main(["experiment", "t1", "--no-progress"]) == 0
    assert (work / "results" / "t1.json").is_file() and not any((work / "docs" / "data").iterdir())
    assert main(["experiment", "t1", "--publish", "--no-progress"]) == 0
    pub = json.loads((work / "docs" / "data" / "t1.json").read_text())
    assert pub["quick"] is False and pub["config"] == experiment_config("t1")
    assert (work / "docs" / "figures" / "t1.png").is_file()
    results_module.load_published(work / "docs" / "data" / "t1.json", config=experiment_config("t1"))
    capsys.readouterr()


def test_flow_records_mmd_and_sliced_w2_against_a_brute_force_mmd(work, capsys):
    from theory.uniformity import phi_uniform

    assert (
        main(["flow", "--N", "12", "--d", "3", "--steps", "4", "--record-every", "2", "--no-progress"]) == 0
    )
    rec = json.loads((work / "results" / "flow.json").read_text(), parse_constant=lambda c: pytest.fail(c))
    obs = rec["observables"]
    assert set(obs) == {"mmd", "sliced_w2"} and len(obs["mmd"]) == len(rec["step"]) == 3
    assert rec["config"]["N"] == 12 and rec["quick"] is False
    # the first record is the start: brute-force MMD^2 from the N x N kernel matrix, kernel mean e^Phi(sigma)
    from simulate.experiments import start_points

    x = start_points("uniform", 12, 3, seed=0).numpy()
    brute = np.exp(4.0 * x @ x.T).mean() - math.exp(phi_uniform(3, 4.0))
    assert obs["mmd"][0] == pytest.approx(brute, rel=1e-10)
    assert all(w >= 1.0 / (math.sqrt(12.0) * 12) for w in obs["sliced_w2"])  # the N-atom floor
    assert "MMD^2" in capsys.readouterr().out


def test_flow_from_a_vmf_start_at_kappa_1e16_returns(work, capsys):
    def hang(signum, frame):
        raise TimeoutError("flow --start vmf --kappa 1e16 did not return")

    old = signal.signal(signal.SIGALRM, hang)
    signal.alarm(60)
    try:
        argv = ["flow", "--start", "vmf", "--kappa", "1e16", "--N", "16", "--steps", "2", "--no-progress"]
        assert main(argv) == 0
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)
    rec = json.loads((work / "results" / "flow.json").read_text(), parse_constant=lambda c: pytest.fail(c))
    # sixteen points within about 1e-8 of e_1 (tangential spread sqrt((d - 1) / kappa)): ||m||^2 = 1
    assert rec["mean_sq_norm"][0] == pytest.approx(1.0, abs=1e-12)
    capsys.readouterr()


def test_slope_verdict_states_the_margin_and_the_interval_it_is_decided_by():
    fit = {"slope": -1.011, "ci_low": -1.988, "ci_high": -0.524, "level": 0.95}
    assert (
        slope_verdict(fit)
        == "fits -1/2 within the stated 0.05 margin (its 95% interval meets [-0.55, -0.45])"
    )
    assert slope_verdict({**fit, "ci_high": -0.56}).startswith(
        "faster than -1/2 (its 95% interval lies below -0.55"
    )
    assert slope_verdict({**fit, "ci_low": -0.44, "ci_high": -0.2}).startswith("SLOWER than -1/2")
    assert "fits -1 within the same margin" in slope_verdict({**fit, "ci_low": -1.1, "ci_high": -0.9})


def test_study_config_is_the_default_tables():
    cfg = study_config()
    assert cfg == {"rd": rates_module.RD_DEFAULTS, "rn": rates_module.RN_DEFAULTS}
    quick = study_config(quick=True)
    assert quick["rn"]["seeds"] == 3 and quick["rd"]["ds"] == [8, 32, 128]


# ---- corrupt files, concurrent writers, killed writers ------------------------------------------------


def test_a_corrupt_sweep_point_is_recomputed_not_reported(tmp_path):
    from simulate.sweep import result_path, run_sweep

    points = [{"x": i} for i in range(3)]
    run_sweep(_square, points, tmp_path, executor="debug", progress=False)
    bad = result_path(tmp_path, points[1])
    bad.write_text('{"key": "truncated')
    stale = result_path(tmp_path, points[2])
    rec = json.loads(stale.read_text())
    rec["result"] = {"y": -1.0}
    rec["point"] = {"x": 99}  # a stale file: another point's record under this name
    stale.write_text(json.dumps(rec))
    assert run_sweep(_square, points, tmp_path, executor="debug", progress=False) == [
        {"y": i * i} for i in range(3)
    ]
    assert json.loads(bad.read_text())["result"] == {"y": 1}


def _square(point):
    return {"y": point["x"] ** 2}


def test_concurrent_writers_leave_one_complete_file(work, capsys):
    out = work / "same.json"
    errors = []

    def write(seed):
        try:
            argv = [
                "flow",
                "--N",
                "10",
                "--steps",
                "3",
                "--seed",
                str(seed),
                "--json",
                str(out),
                "--no-progress",
            ]
            assert main(argv) == 0
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(s,)) for s in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    rec = json.loads(out.read_text(), parse_constant=lambda c: pytest.fail(c))
    assert rec["config"]["seed"] in range(4) and len(rec["step"]) == 2
    assert not [p for p in work.iterdir() if p.name.startswith(".same.json")]  # no temporary file left
    capsys.readouterr()


def _cli(args, **kwargs):
    env = checkout_env()
    return subprocess.Popen(
        [sys.executable, "-m", "simulate", *args],
        cwd=ROOT,
        env=env,
        text=True,
        stderr=subprocess.PIPE,
        **kwargs,
    )


@pytest.mark.slow
def test_sigint_during_a_flow_is_one_line_exit_130(tmp_path, default_sigint):
    proc = _cli(
        ["flow", "--N", "400", "--steps", "100000", "--json", str(tmp_path / "f.json"), "--no-progress"]
    )
    time.sleep(8)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    assert len(err.strip().splitlines()) == 1 and "interrupted" in err
    assert not (tmp_path / "f.json").exists()


@pytest.mark.slow
def test_sigkill_during_writes_leaves_the_old_file_or_a_complete_new_one(tmp_path):
    out = tmp_path / "f.json"
    out.write_text('{"old": true}\n')
    for delay in (2.0, 4.0, 6.0, 8.0):
        args = [
            "flow",
            "--N",
            "64",
            "--steps",
            "400",
            "--record-every",
            "1",
            "--json",
            str(out),
            "--no-progress",
        ]
        proc = _cli(args, stdout=subprocess.DEVNULL)
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=60)
        rec = json.loads(out.read_text(), parse_constant=lambda c: pytest.fail(c))  # complete, strict
        assert rec == {"old": True} or len(rec["step"]) == 401
