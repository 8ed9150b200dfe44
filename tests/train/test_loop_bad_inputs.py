"""Run directories under hostile conditions: locks, other configurations, deleted and corrupt files,
interrupts, SIGKILL during a write, devices, and the distributed rendezvous.

Before these checks a second run on a directory ran beside the first, a finished run whose checkpoint
was deleted was overwritten by another configuration, ``fit(resume=True)`` continued an lr = 1e-3
checkpoint under lr = 0.01 once ``config.json`` was gone, corrupt files gave bare JSON or pickle errors,
SIGINT lost the epoch in progress, the default run directory ignored the world size, and a
``WORLD_SIZE=2`` run with no second process waited forever.
"""

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest
import torch

from tests._env import checkout_env
from train.config import get_config
from train.loop import (
    RunInterrupted,
    RunLock,
    RunLockedError,
    fit,
    inspect_run,
    load_checkpoint,
    read_metrics,
    run_dir_for,
)

ROOT = Path(__file__).resolve().parents[2]
TINY = [
    "data.n_train=64", "data.n_test=40", "data.dim=32", "d=4", "N=16", "epochs=1", "n_eval=40",
    "n_phi=20", "n_projections=2", "progress=false",
]  # fmt: skip


def cfg(tmp_path, *extra):
    return get_config("binary", [*TINY, f"out_dir={tmp_path}", *extra])


def _metrics(run: Path) -> list[dict]:
    return [json.loads(x) for x in (run / "metrics.jsonl").read_text().splitlines()]


# ------------------------------------------------------------------------------------------ run dirs
def test_default_run_directory_is_keyed_by_configuration_and_world_size(tmp_path):
    a, b = cfg(tmp_path), cfg(tmp_path, "lr=0.01")
    assert run_dir_for(a) != run_dir_for(b)
    assert run_dir_for(a).name.endswith(a.key) and a.key in run_dir_for(a, 2).name
    assert run_dir_for(a) != run_dir_for(a, 2) and "-w2-" in run_dir_for(a, 2).name
    assert run_dir_for(a.replace(progress=True)) == run_dir_for(a)  # presentation fields do not count


def test_resume_under_another_lr_is_refused_even_without_config_json(tmp_path):
    run = fit(cfg(tmp_path, "lr=0.001"), run_dir=tmp_path / "r", figures=False)
    (run / "config.json").unlink()
    with pytest.raises(
        ValueError, match=r"another configuration.*checkpoint\.pt.*lr = 0\.001 there, 0\.01 here"
    ):
        fit(cfg(tmp_path, "lr=0.01"), run_dir=run, resume=True, figures=False)
    assert load_checkpoint(run / "checkpoint.pt")["config"]["lr"] == 0.001


def test_differing_fields_are_all_named(tmp_path):
    run = fit(cfg(tmp_path), run_dir=tmp_path / "r", figures=False)
    with pytest.raises(ValueError) as info:
        fit(cfg(tmp_path, "seed=3", "data.sparsity=0.2", "tau=0.2"), run_dir=run, resume=True)
    msg = str(info.value)
    for field in ("seed = 0 there, 3 here", "data.sparsity", "alpha = 10.0 there, 5.0 here"):
        assert field in msg, msg


def test_finished_run_without_checkpoint_is_not_overwritten(tmp_path):
    run = fit(cfg(tmp_path, "epochs=2"), run_dir=tmp_path / "r", figures=False)
    before = (run / "metrics.jsonl").read_bytes()
    (run / "checkpoint.pt").unlink()
    with pytest.raises(ValueError, match="another configuration"):
        fit(cfg(tmp_path, "epochs=2", "lr=0.01"), run_dir=run, figures=False)
    (run / "config.json").unlink()
    for resume in (False, True):
        with pytest.raises(ValueError, match="metrics up to epoch 2 but no checkpoint"):
            fit(cfg(tmp_path, "epochs=2", "lr=0.01"), run_dir=run, resume=resume, figures=False)
    assert (run / "metrics.jsonl").read_bytes() == before


def test_existing_run_without_resume_is_refused_and_resume_of_a_finished_run_is_a_no_op(tmp_path):
    c = cfg(tmp_path)
    run = fit(c, figures=False)
    before = (run / "metrics.jsonl").read_bytes()
    with pytest.raises(FileExistsError, match=r"already holds this run \(epoch 1 of 1\)"):
        fit(c, figures=False)
    assert fit(c, resume=True, figures=False) == run
    assert (run / "metrics.jsonl").read_bytes() == before


@pytest.mark.parametrize("kind", ["file", "file-parent", "read-only"])
def test_unusable_run_directory_is_one_line(tmp_path, kind):
    target = tmp_path / "x"
    if kind == "file":
        target.write_text("not a folder")
    elif kind == "file-parent":
        (tmp_path / "f").write_text("")
        target = tmp_path / "f" / "run"
    else:
        target.mkdir()
        target.chmod(0o500)
        if os.access(target, os.W_OK):
            pytest.skip("running as a user who can write anywhere")
    try:
        with pytest.raises(ValueError, match="run directory") as info:
            fit(cfg(tmp_path), run_dir=target)
        assert "\n" not in str(info.value)
    finally:
        if kind == "read-only":
            target.chmod(0o700)


# ------------------------------------------------------------------------------------------ corrupt files
@pytest.mark.parametrize(
    ("name", "content", "needle"),
    [
        ("checkpoint.pt", b"\x00garbage", r"checkpoint\.pt is not a readable checkpoint"),
        ("checkpoint.pt", b"", r"checkpoint\.pt is not a readable checkpoint"),
        ("metrics.jsonl", b'{"epoch": 0}\n{"epo', r"metrics\.jsonl line 2 is not valid JSON"),
        ("metrics.jsonl", b"[1, 2]\n", r"metrics\.jsonl line 1 is not a metrics record"),
        ("config.json", b"{not json", r"config\.json is not valid JSON"),
    ],
)
def test_corrupt_files_are_named(tmp_path, name, content, needle):
    run = fit(cfg(tmp_path), run_dir=tmp_path / "r", figures=False)
    if name == "config.json":
        (run / "checkpoint.pt").unlink()
        (run / "metrics.jsonl").write_text("")
    (run / name).write_bytes(content)
    with pytest.raises(ValueError, match=needle):
        fit(cfg(tmp_path), run_dir=run, resume=True, figures=False)


def test_checkpoint_of_another_model_shape_is_refused_naming_the_file(tmp_path):
    run = fit(cfg(tmp_path), run_dir=tmp_path / "r", figures=False)
    state = torch.load(run / "checkpoint.pt", weights_only=False)
    state["model"] = {k: torch.zeros(3, 3) for k in state["model"]}
    torch.save(state, run / "checkpoint.pt")
    with pytest.raises(ValueError, match=r"checkpoint\.pt does not fit this configuration's model"):
        fit(cfg(tmp_path), run_dir=run, resume=True, figures=False)


def test_a_checkpoint_never_runs_code_from_the_file(tmp_path):
    class Boom:
        def __reduce__(self):
            return (os.system, ("echo pwned > " + str(tmp_path / "pwned"),))

    run = fit(cfg(tmp_path), run_dir=tmp_path / "r", figures=False)
    state = torch.load(run / "checkpoint.pt", weights_only=False)
    state["extra"] = Boom()
    torch.save(state, run / "checkpoint.pt")
    with pytest.raises(ValueError, match="not a readable checkpoint"):
        inspect_run(run)
    assert not (tmp_path / "pwned").exists()


# ------------------------------------------------------------------------------------------ locks
def test_second_run_on_a_locked_directory_is_refused_naming_the_holder(tmp_path):
    run = tmp_path / "r"
    run.mkdir()
    holder = RunLock(run)
    assert holder.acquire() is None
    try:
        with pytest.raises(RunLockedError, match=rf"in use by pid {os.getpid()} on "):
            fit(cfg(tmp_path), run_dir=run)
        assert not (run / "config.json").exists()
    finally:
        holder.release()
    assert not (run / "lock").exists()
    fit(cfg(tmp_path), run_dir=run, figures=False)  # free again
    assert not (run / "lock").exists()


def test_stale_lock_of_a_dead_process_is_taken_over_saying_so(tmp_path):
    run = tmp_path / "r"
    run.mkdir()
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    (run / "lock").write_text(json.dumps({"pid": dead.pid, "host": "h", "since": "2026-01-01T00:00:00"}))
    notes = []
    fit(cfg(tmp_path), run_dir=run, figures=False, log=notes.append)
    assert any(f"took over the stale lock of pid {dead.pid} on h" in n for n in notes), notes


def test_lock_is_released_when_the_run_fails(tmp_path):
    run = tmp_path / "r"
    with pytest.raises(ValueError, match="needs labels"):
        fit(cfg(tmp_path, "objective=supervised"), run_dir=run)
    assert not run.exists()  # nothing was written: no lock, no config.json, no empty folder


# ------------------------------------------------------------------------------------------ interrupts
def test_sigint_mid_epoch_checkpoints_and_resume_equals_the_uninterrupted_run(
    tmp_path, monkeypatch, default_sigint
):
    items = ["data.n_train=128", "epochs=2", "eval_every=1"]
    ref = fit(cfg(tmp_path / "ref", *items), figures=False)
    orig, count = torch.optim.Adam.step, [0]

    def step(self, *a, **k):
        out = orig(self, *a, **k)
        count[0] += 1
        if count[0] == 8 + 3:  # in the middle of epoch 2 (8 steps per epoch)
            os.kill(os.getpid(), signal.SIGINT)
        return out

    monkeypatch.setattr(torch.optim.Adam, "step", step)
    c = cfg(tmp_path / "int", *items)
    with pytest.raises(RunInterrupted, match="interrupted in epoch 2 after batch 3 of 8") as info:
        fit(c, figures=False)
    state = load_checkpoint(info.value.checkpoint)
    assert state["epoch"] == 1 and state["partial"]["batch"] == 3 and state["step"] == 11
    assert not (info.value.run / "lock").exists()
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # handler restored
    monkeypatch.setattr(torch.optim.Adam, "step", orig)
    run = fit(c, resume=True, figures=False)
    assert _metrics(run) == _metrics(ref)


def test_resume_from_the_epoch0_checkpoint_records_epoch_0_once(tmp_path, monkeypatch):
    c = cfg(tmp_path, "epochs=2", "eval_every=1")
    ref = fit(c.replace(out_dir=str(tmp_path / "ref")), figures=False)

    def boom(self, *a, **k):
        raise RuntimeError("stop during epoch 1")

    with monkeypatch.context() as m:
        m.setattr(torch.optim.Adam, "step", boom)
        with pytest.raises(RuntimeError):
            fit(c, figures=False)
    run = fit(c, resume=True, figures=False)
    assert [r["epoch"] for r in _metrics(run)] == [0, 1, 2]
    assert _metrics(run) == _metrics(ref)


_RUN = textwrap.dedent(
    """
    import os, signal, sys
    import theory._io as io_mod
    from train.config import get_config
    from train.loop import fit
    orig, seen = io_mod.os.replace, [0]
    def replace(src, dst):
        if str(dst).endswith("checkpoint.pt") and sys.argv[1] == "kill":
            seen[0] += 1
            if seen[0] == 2:  # the checkpoint after epoch 1: die between the temp file and the rename
                os.kill(os.getpid(), signal.SIGKILL)
        return orig(src, dst)
    io_mod.os.replace = replace
    fit(get_config("binary", sys.argv[2:]), resume=sys.argv[1] == "resume", figures=False)
    """
)


@pytest.mark.slow
def test_sigkill_during_a_checkpoint_write_keeps_the_old_one_and_the_lock_is_taken_over(tmp_path):
    items = [*TINY, "epochs=2", "eval_every=1"]
    ref = fit(get_config("binary", [*items, f"out_dir={tmp_path / 'ref'}"]), figures=False)
    args = [*items, f"out_dir={tmp_path / 'k'}"]
    env = checkout_env()
    p = subprocess.run([sys.executable, "-c", _RUN, "kill", *args], env=env, cwd=ROOT)
    assert p.returncode == -signal.SIGKILL
    run = tmp_path / "k" / ref.name
    assert load_checkpoint(run / "checkpoint.pt")["epoch"] == 0  # the old checkpoint, intact
    assert (run / "lock").exists()  # left behind by the killed process
    notes = []
    fit(get_config("binary", args), resume=True, figures=False, log=notes.append)
    assert any("took over the stale lock" in n for n in notes), notes
    assert _metrics(run) == _metrics(ref)
    assert not (run / "lock").exists()


# ------------------------------------------------------------------------------------------ devices etc.
@pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has CUDA")
def test_cuda_without_cuda_is_one_line(tmp_path):
    with pytest.raises(ValueError, match="needs CUDA") as info:
        fit(cfg(tmp_path, "device=cuda"), run_dir=tmp_path / "r")
    assert "\n" not in str(info.value)
    assert not (tmp_path / "r").exists()  # checked before anything is written


@pytest.mark.parametrize(("world", "extra"), [("-1", []), ("x", []), ("0", []), ("2", ["N=15"])])
def test_bad_world_size_is_refused_before_anything_is_written(tmp_path, monkeypatch, world, extra):
    monkeypatch.setenv("WORLD_SIZE", world)
    with pytest.raises(ValueError, match="WORLD_SIZE"):
        fit(cfg(tmp_path, *extra), run_dir=tmp_path / "r")
    assert not (tmp_path / "r").exists()


@pytest.mark.slow
def test_world_size_2_without_a_second_process_times_out_in_one_line(tmp_path, monkeypatch):
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    for k, v in {"WORLD_SIZE": "2", "RANK": "0", "LOCAL_RANK": "0", "MASTER_ADDR": "127.0.0.1",
                 "MASTER_PORT": str(port), "TRAIN_RENDEZVOUS_TIMEOUT": "2"}.items():  # fmt: skip
        monkeypatch.setenv(k, v)
    t0 = time.perf_counter()
    with pytest.raises(RuntimeError, match=r"waited 2 s for the other 1 of WORLD_SIZE = 2 processes") as info:
        fit(cfg(tmp_path), run_dir=tmp_path / "r")
    assert time.perf_counter() - t0 < 60 and "\n" not in str(info.value)
    monkeypatch.setenv("TRAIN_RENDEZVOUS_TIMEOUT", "soon")
    with pytest.raises(ValueError, match="TRAIN_RENDEZVOUS_TIMEOUT"):
        fit(cfg(tmp_path), run_dir=tmp_path / "r")


def test_a_diverging_run_stops_with_one_line_naming_the_epoch(tmp_path):
    import dataclasses

    from train.data import make_data

    c = cfg(tmp_path)
    data = make_data(c.data, **c.data_params)
    calls, views = [0], data.views

    def nan_views(x0, gen):  # the epoch-0 evaluation sees finite views, training does not
        calls[0] += 1
        xa, xb = views(x0, gen)
        return (xa, xb) if calls[0] == 1 else (xa * float("nan"), xb)

    data = dataclasses.replace(data, views=nan_views)
    with pytest.raises(ValueError, match=r"epoch 1, step 1: z1 has rows whose norm is not finite") as info:
        fit(c, data=data, run_dir=tmp_path / "r", figures=False)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize(
    ("kwargs", "exc"),
    [({"config": {"name": "x"}}, TypeError), ({"log": "print"}, TypeError)],
)
def test_bad_fit_arguments(tmp_path, kwargs, exc):
    args = {"config": cfg(tmp_path), **kwargs}
    with pytest.raises(exc):
        fit(args.pop("config"), **args)


def test_read_metrics_of_a_missing_file_is_empty_and_npy_outputs_are_float32(tmp_path):
    assert read_metrics(tmp_path / "none.jsonl") == []
    run = fit(cfg(tmp_path), figures=False)
    assert np.load(run / "embeddings_final.npy").dtype == np.float32
