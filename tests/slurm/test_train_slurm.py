"""Training on a real SLURM cluster: ``python -m train grid --executor slurm`` (one job per point) and a
two-task job, ``srun`` + ``torchrun`` as in docs/SLURM.md, whose float64 training run equals the
one-process run to 1e-10 (losses at every step and final parameters)."""

from __future__ import annotations

import importlib.util
import json
import socket
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

pytestmark = pytest.mark.slurm

ROOT = Path(__file__).resolve().parents[2]
WORKER = Path(__file__).with_name("ddp_train_worker.py")


def _job_ids(folder: Path) -> set[str]:
    """SLURM job ids of the submitit jobs whose logs are in ``folder`` (``<id>_0_log.out``)."""
    return {p.name.split("_")[0] for p in folder.rglob("*_log.out")}


def test_grid_on_slurm_writes_its_json(tmp_path, slurm_cluster, job_env):
    out, fig, runs = tmp_path / "grid.json", tmp_path / "grid.png", tmp_path / "runs"
    cmd = [sys.executable, "-m", "train", "grid", "--executor", "slurm", "--d", "4,8", "--N", "8,16",
           "--epochs", "1", "--n-train", "64", "--out", str(out), "--figure", str(fig),
           "--runs", str(runs)]  # fmt: skip
    p = subprocess.run(cmd, cwd=ROOT, env=job_env, capture_output=True, text=True, timeout=600)
    assert p.returncode == 0, p.stderr[-2000:]
    res = json.loads(out.read_text())
    assert sorted((q["d"], q["N"]) for q in res["points"]) == [(4, 8), (4, 16), (8, 8), (8, 16)]
    for q in res["points"]:
        assert q["trained"]["epoch"] == 1 and q["epoch0"]["epoch"] == 0
        assert np.isfinite(q["trained"]["cv"]) and np.isfinite(q["trained"]["train_loss"])
    assert set(res["fits"]) == {"trained", "epoch0"}
    assert fig.stat().st_size > 0
    # every point ran as a SLURM job that the cluster recorded as completed
    ids = _job_ids(runs)
    assert len(ids) >= 1 and all(i.isdigit() for i in ids), ids
    states = subprocess.run(["sacct", "-n", "-X", "-P", "-o", "JobID,State", *[f"-j{i}" for i in ids]],
                            capture_output=True, text=True, timeout=30)  # fmt: skip
    if states.returncode == 0:  # with job accounting: four array tasks, all completed
        rows = [r.split("|") for r in states.stdout.split()]
        assert len(rows) == 4 and all(st == "COMPLETED" for _, st in rows), states.stdout


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


_BATCH = """\
#!/bin/bash
#SBATCH --job-name=infonce-ddp-test
#SBATCH --nodes=1
#SBATCH --ntasks=2
#SBATCH --cpus-per-task=1
#SBATCH --time=10
#SBATCH --output={out}/%x-%j.out
set -euo pipefail
# rendezvous on the first node of the allocation (docs/SLURM.md); one torchrun launcher per task
export MASTER_ADDR=$(scontrol show hostnames "$SLURM_JOB_NODELIST" | head -n 1)
export MASTER_PORT={port}
export OMP_NUM_THREADS=1
srun --kill-on-bad-exit=1 {python} -m torch.distributed.run \\
    --nnodes="$SLURM_NTASKS" --nproc_per_node=1 \\
    --rdzv_id="$SLURM_JOB_ID" --rdzv_backend=c10d --rdzv_endpoint="$MASTER_ADDR:$MASTER_PORT" \\
    {worker} {out}
"""


def _wait_for(job: str, timeout: float = 600.0) -> None:
    """Poll ``squeue`` until the job has left the queue (``sbatch --wait`` polls at growing intervals)."""
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout:
        q = subprocess.run(["squeue", "-h", "-j", job], capture_output=True, text=True, timeout=30)
        if q.returncode == 0 and not q.stdout.strip():
            return
        time.sleep(0.3)
    subprocess.run(["scancel", job], timeout=30)
    raise AssertionError(f"job {job} did not finish within {timeout:g} s")


def _load_worker():
    spec = importlib.util.spec_from_file_location("ddp_train_worker", WORKER)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_two_task_srun_torchrun_job_trains_like_one_process(tmp_path, slurm_cluster, job_env, monkeypatch):
    script = tmp_path / "ddp.sbatch"
    script.write_text(
        _BATCH.format(out=tmp_path, port=_free_port(), python=sys.executable, worker=WORKER), encoding="utf-8"
    )
    p = subprocess.run(["sbatch", "--parsable", str(script)], cwd=ROOT, env=job_env, capture_output=True,
                       text=True, timeout=60)  # fmt: skip
    assert p.returncode == 0, p.stderr
    job = p.stdout.strip().split(";")[0]
    _wait_for(job)
    logs = "\n".join(f.read_text()[-2000:] for f in tmp_path.glob("*.out"))
    assert all((tmp_path / f"rank{r}.json").exists() for r in range(2)), logs
    two = [json.loads((tmp_path / f"rank{r}.json").read_text()) for r in range(2)]

    for var in ("WORLD_SIZE", "RANK", "LOCAL_RANK"):
        monkeypatch.delenv(var, raising=False)
    one = _load_worker().train_run()
    assert one["world_size"] == 1 and one["backend"] is None
    for rec in two:
        assert rec["world_size"] == 2 and rec["backend"] == "gloo"
        np.testing.assert_allclose(rec["losses"], one["losses"], rtol=0, atol=1e-10)
        np.testing.assert_allclose(rec["weight"], one["weight"], rtol=0, atol=1e-10)
        np.testing.assert_allclose(rec["bias"], one["bias"], rtol=0, atol=1e-10)
    assert one["losses"][-1] < one["losses"][0]  # it trained
