"""Data-parallel InfoNCE: two gloo processes against one process on the whole batch (float64)."""

from __future__ import annotations

import itertools
import socket
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from tests._env import checkout_env
from train import distributed as D

ROOT = Path(__file__).resolve().parents[2]
WORKER = Path(__file__).with_name("dist_worker.py")
sys.path.insert(0, str(WORKER.parent))
import dist_worker  # noqa: E402


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


CASES = ("sum:8", "sum:7", "naive:8")  # equal shards, shards of 4 and 3 rows, the naive gather


@pytest.fixture(scope="module")
def two_ranks(tmp_path_factory):
    """One two-process gloo group runs every case; returns {(mode, n): [rank0 result, rank1 result]}."""
    out = tmp_path_factory.mktemp("dist")
    _launch(out)
    return {
        (c.split(":")[0], int(c.split(":")[1])): [
            torch.load(out / f"{c.replace(':', '-')}-rank{r}.pt") for r in range(2)
        ]
        for c in CASES
    }


def _launch(tmp_path: Path) -> None:
    port = _free_port()
    procs = []
    for rank in range(2):
        env = checkout_env(
            RANK=str(rank),
            LOCAL_RANK=str(rank),
            WORLD_SIZE="2",
            MASTER_ADDR="127.0.0.1",
            MASTER_PORT=str(port),
            OMP_NUM_THREADS="1",
        )
        procs.append(
            subprocess.Popen(
                [sys.executable, str(WORKER), str(tmp_path), *CASES],
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
            )
        )
    for p in procs:
        out, _ = p.communicate(timeout=180)
        assert p.returncode == 0, out.decode()


def _reference(n: int):
    """One process, whole batch; the loss is Eq. 2 written out with numpy, gradients by autograd."""
    enc, x, y = dist_worker.make_problem(n)
    u = F.normalize(enc(x), dim=1)
    v = F.normalize(enc(y), dim=1)
    g = dist_worker.ALPHA * (u @ v.T)
    loss = -torch.mean(torch.diagonal(g) - torch.logsumexp(g, 1))
    loss.backward()
    un, vn = u.detach().numpy(), v.detach().numpy()
    G = dist_worker.ALPHA * un @ vn.T
    direct = float(np.mean([-np.log(np.exp(G[i, i]) / np.exp(G[i]).sum()) for i in range(n)]))
    return direct, float(loss.detach()), enc.weight.grad.clone(), enc.bias.grad.clone()


@pytest.mark.slow
@pytest.mark.parametrize("n", [8, 7])  # equal shards, and shards of 4 and 3 rows
def test_two_gloo_ranks_match_one_process(two_ranks, n):
    direct, loss1, gw, gb = _reference(n)
    assert abs(direct - loss1) < 1e-12
    res = two_ranks[("sum", n)]
    for r in res:
        assert r["world_size"] == 2 and r["backend"] == "gloo"
        assert abs(r["loss"] - direct) < 1e-10
        assert torch.allclose(r["weight_grad"], gw, rtol=0, atol=1e-10)
        assert torch.allclose(r["bias_grad"], gb, rtol=0, atol=1e-10)


@pytest.mark.slow  # its fixture starts two interpreters (a gloo group)
def test_naive_gather_gives_different_gradients(two_ranks):
    """The gather whose backward keeps only the local rows: same loss, WRONG gradients."""
    n = 8
    direct, _, gw, _ = _reference(n)
    res = two_ranks[("naive", n)]
    assert abs(res[0]["loss"] - direct) < 1e-10  # the forward pass is the same
    err = float((res[0]["weight_grad"] - gw).abs().max())
    print(f"naive-gather max gradient error {err:.3e}")
    assert err > 1e-3, f"naive gather unexpectedly matched (max error {err:.2e})"


def test_single_process_is_plain_infonce():
    g = torch.Generator().manual_seed(0)
    u = F.normalize(torch.randn(9, 4, generator=g, dtype=torch.float64), dim=1)
    v = F.normalize(torch.randn(9, 4, generator=g, dtype=torch.float64), dim=1)
    from theory.uniformity import infonce_loss

    assert not D.is_distributed()
    assert D.gather_with_grad(v) is v
    assert abs(float(D.infonce_global(u, v, 3.0)) - infonce_loss(u.numpy(), v.numpy(), 3.0)) < 1e-12


def test_shard_bounds_cover_the_batch():
    for n in (5, 8, 13):
        for w in (1, 2, 3, 4):
            if n < w:
                continue
            bounds = [D.shard_bounds(n, r, w) for r in range(w)]
            assert bounds[0][0] == 0 and bounds[-1][1] == n
            assert all(a[1] == b[0] for a, b in itertools.pairwise(bounds))
            sizes = [b - a for a, b in bounds]
            assert max(sizes) - min(sizes) <= 1
    with pytest.raises(ValueError, match="cannot be split"):
        D.shard_bounds(2, 0, 3)


def test_init_from_env_without_world_size(monkeypatch):
    monkeypatch.delenv("WORLD_SIZE", raising=False)
    info = D.init_from_env(device="cpu")
    assert (info.rank, info.world_size, info.backend, info.device) == (0, 1, None, "cpu")
    assert info.to_dict()["world_size"] == 1
    monkeypatch.setenv("WORLD_SIZE", "2")
    monkeypatch.setenv("RANK", "5")
    with pytest.raises(ValueError, match="RANK"):
        D.init_from_env(device="cpu")


@pytest.mark.slow
def test_torchrun_two_processes_train_like_one(tmp_path):
    """End to end: ``torchrun --nproc_per_node=2 -m train run`` gives the metrics of one process."""
    import json

    args = [
        "--config", "laplace", "epochs=2", "data.n_train=512", "data.n_test=256", "n_eval=256",
        "n_phi=200", "eval_every=1", "progress=false",
    ]  # fmt: skip
    env = checkout_env()
    one = subprocess.run(
        [sys.executable, "-m", "train", "run", *args, f"out_dir={tmp_path / 'one'}"],
        env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert one.returncode == 0, one.stderr[-2000:]
    two = subprocess.run(
        [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node=2", "-m", "train",
         "run", *args, f"out_dir={tmp_path / 'two'}"],
        env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert two.returncode == 0, two.stderr[-2000:]
    m1 = [json.loads(x) for x in next((tmp_path / "one").rglob("metrics.jsonl")).read_text().splitlines()]
    m2 = [json.loads(x) for x in next((tmp_path / "two").rglob("metrics.jsonl")).read_text().splitlines()]
    assert len(m1) == len(m2) == 3
    for a, b in zip(m1, m2, strict=True):
        for key in ("cv", "alignment", "ad_mean"):
            assert abs(a[key] - b[key]) < 1e-5 * max(1.0, abs(a[key])), (key, a[key], b[key])
        if a.get("train_loss") is not None:
            assert abs(a["train_loss"] - b["train_loss"]) < 1e-5
