"""The training loop: files, same initialisation across objectives, Prop. 1 at every epoch, and a run
killed by SIGKILL mid-epoch that resumes to the same metrics as an uninterrupted one."""

import json
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import torch

from tests._env import checkout_env
from train.config import get_config
from train.loop import build, fit, run_dir_for

ROOT = Path(__file__).resolve().parents[2]

TINY = [
    "data.n_train=256", "data.n_test=60", "data.dim=64", "data.sparsity=0.05", "d=8", "N=32", "epochs=3",
    "eval_every=1", "n_eval=60", "n_projections=2", "n_phi=30", "progress=false",
]  # fmt: skip


def _records(run: Path) -> list[dict]:
    return [json.loads(x) for x in (run / "metrics.jsonl").read_text().splitlines()]


def test_fit_writes_run_directory(tmp_path):
    cfg = get_config("binary", [*TINY, f"out_dir={tmp_path}"])
    run = fit(cfg)
    for name in ("config.json", "metrics.jsonl", "checkpoint.pt", "timing.jsonl", "embeddings_epoch0000.npy",
                 "embeddings_final.npy", "fig_metrics.png", "fig_norms.png", "fig_qq.png"):  # fmt: skip
        assert (run / name).is_file(), name
    recs = _records(run)
    assert [r["epoch"] for r in recs] == [0, 1, 2, 3]
    assert recs[0]["train_loss"] is None and recs[-1]["step"] == 3 * (256 // 32)
    with pytest.raises(FileExistsError):
        fit(cfg)


@pytest.mark.claim("P1")
def test_alignment_respects_prop1_at_every_epoch(tmp_path):
    cfg = get_config("binary", [*TINY, f"out_dir={tmp_path}", "epochs=4"])
    recs = _records(fit(cfg, figures=False))
    bad = [
        (r["epoch"], r["alignment"], r["bound"], r["slack"], r["slack_se"])
        for r in recs
        if r["bound_violated"]
    ]
    assert not bad, f"Prop. 1 violated beyond 3 SE at (epoch, E[u.v], bound, slack, se): {bad}"
    for r in recs:  # the bound is the theory's formula with the data's eta2
        assert r["bound"] == pytest.approx(
            r["eta2"] + (1 - r["eta2"]) * max(r["mean_sq_norm"], 0.0), abs=1e-12
        )


def test_supervised_twin_has_the_same_initialisation():
    a = get_config("gmm", ["data.n_train=64", "data.n_test=30", "data.dim=16", "d=4", "N=16"])
    b = a.replace(objective="supervised")
    from train.data import make_data

    data = make_data("gmm", n_train=64, n_test=30, dim=16, eta2=False)
    _, ma, ha, _ = build(a, data)
    _, mb, hb, _ = build(b, data)
    assert ha is None and hb is not None
    for (ka, va), (kb, vb) in zip(ma.state_dict().items(), mb.state_dict().items(), strict=True):
        assert ka == kb and torch.equal(va, vb)


_KILL_SCRIPT = textwrap.dedent(
    """
    import os, signal, sys, torch
    from train.config import get_config
    from train.loop import fit
    kill_at = int(sys.argv[1])
    count = [0]
    orig = torch.optim.Adam.step
    def step(self, *a, **k):
        out = orig(self, *a, **k)
        count[0] += 1
        if count[0] == kill_at:
            os.kill(os.getpid(), signal.SIGKILL)
        return out
    torch.optim.Adam.step = step
    fit(get_config("binary", sys.argv[3:]), resume=sys.argv[2] == "resume", figures=False)
    """
)


@pytest.mark.slow
def test_sigkill_mid_epoch_then_resume_gives_identical_metrics(tmp_path):
    items = [*TINY, "epochs=2", "eval_every=1"]
    ref = fit(get_config("binary", [*items, f"out_dir={tmp_path / 'ref'}"]), figures=False)
    env = checkout_env()
    args = [*items, f"out_dir={tmp_path / 'killed'}"]
    steps_per_epoch = 256 // 32
    kill_at = steps_per_epoch + 3  # in the middle of epoch 2
    p = subprocess.run([sys.executable, "-c", _KILL_SCRIPT, str(kill_at), "fresh", *args], env=env, cwd=ROOT)
    assert p.returncode == -signal.SIGKILL
    run = tmp_path / "killed" / ref.name
    assert [r["epoch"] for r in _records(run)] == [0, 1]  # killed during epoch 2
    p = subprocess.run([sys.executable, "-c", _KILL_SCRIPT, "0", "resume", *args], env=env, cwd=ROOT)
    assert p.returncode == 0
    a = (ref / "metrics.jsonl").read_text()
    b = (run / "metrics.jsonl").read_text()
    if a != b:  # bit-for-bit expected; otherwise every number to 1e-12
        for ra, rb in zip(_records(ref), _records(run), strict=True):
            for k, va in ra.items():
                vb = rb[k]
                if isinstance(va, float):
                    assert vb == pytest.approx(va, rel=1e-12, abs=1e-12), k
                else:
                    assert va == vb, k


@pytest.mark.slow
def test_two_gloo_ranks_train_like_one_process(tmp_path):
    """`torchrun --nproc_per_node 2` through fit(): each rank holds half of every batch, negatives are
    gathered, gradients summed; the metrics equal the one-process run up to float32 rounding."""
    items = [*TINY, "epochs=2", "eval_every=1"]
    one = fit(get_config("binary", [*items, f"out_dir={tmp_path / 'one'}"]), figures=False)
    env = checkout_env(OMP_NUM_THREADS="1")
    cmd = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node", "2",
           "-m", "train", "run", "--config", "binary", *items, f"out_dir={tmp_path / 'two'}"]  # fmt: skip
    p = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert p.returncode == 0, p.stderr[-2000:]
    two = (
        tmp_path / "two" / run_dir_for(get_config("binary", [*items, f"out_dir={tmp_path / 'two'}"]), 2).name
    )
    for ra, rb in zip(_records(one), _records(two), strict=True):
        for k, va in ra.items():
            if isinstance(va, float):
                assert rb[k] == pytest.approx(va, rel=1e-5, abs=1e-5), k
