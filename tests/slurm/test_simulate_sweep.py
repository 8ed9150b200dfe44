"""``python -m simulate sweep --executor slurm`` on a real cluster: a job cancelled while it runs leaves its
point missing, the rerun computes exactly that point, and every result equals the in-process (debug)
executor's, bit for bit (same points, same seeds)."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
import torch

from simulate import rates
from simulate.sweep import point_key, run_sweep

pytestmark = pytest.mark.slurm

ROOT = Path(__file__).resolve().parents[2]

# the smallest R-d study the configuration rules allow (two dimensions for each slope, two seeds for each
# interval): four i.i.d. points (d = 8 and 16, 2000 samples) and four 16-particle flows of at most 5 steps
# (d = 4 and 8); each point is under a second of work and one job
CONFIG = {"ds": [8, 16], "ds_flow": [4, 8], "ks": [1], "n_samples": 2000, "seeds": 2, "n_particles": 16,
          "max_steps": 5}  # fmt: skip


def _array_tasks(marker: str) -> list[tuple[str, str]]:
    """(job id, state) of the array tasks whose submission script lies under ``marker``."""
    p = subprocess.run(["squeue", "-h", "-r", "-o", "%i|%t|%o"], capture_output=True, text=True, timeout=30)
    rows = [line.split("|", 2) for line in p.stdout.splitlines() if line.count("|") >= 2]
    return [(i, st) for i, st, cmd in rows if marker in cmd]


def _cancel_first_running(marker: str, proc: subprocess.Popen, timeout: float = 180.0) -> str:
    """Wait until a task of the sweep runs and ``scancel`` it; its job id."""
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout:
        running = [i for i, st in _array_tasks(marker) if st == "R"]
        if running:
            subprocess.run(["scancel", running[0]], check=True, timeout=30)
            return running[0]
        if proc.poll() is not None:
            err = proc.stderr.read()
            raise AssertionError(f"the sweep ended before any of its jobs was seen running: {err}")
        time.sleep(0.05)
    raise AssertionError(f"no job of the sweep ran within {timeout:g} s: {_array_tasks(marker)}")


def _records(folder: Path) -> dict[str, dict]:
    return {p.stem: json.loads(p.read_text()) for p in sorted(folder.glob("*.json"))}


def test_sweep_on_slurm_reruns_a_cancelled_point_and_equals_the_debug_executor(
    tmp_path, slurm_accounting, job_env
):
    cfg = tmp_path / "rd.json"
    cfg.write_text(json.dumps(CONFIG))
    sweep = tmp_path / "sweep"
    cmd = [sys.executable, "-m", "simulate", "sweep", "rates-rd", "--config", str(cfg), "--executor", "slurm",
           "--sweep-dir", str(sweep), "--no-progress"]  # fmt: skip
    points = rates.rd_points({**rates.RD_DEFAULTS, **CONFIG})
    assert len(points) == 8

    pipe = subprocess.PIPE
    proc = subprocess.Popen(cmd, cwd=ROOT, env=job_env, stdout=pipe, stderr=pipe, text=True)
    try:
        cancelled = _cancel_first_running(str(sweep), proc)
        out, err = proc.communicate(timeout=300)
    finally:
        if proc.poll() is None:
            proc.kill()
    # the cancelled job is a failed point (exit 1, finished points kept), not a hang or a traceback
    assert proc.returncode == 1, (cancelled, out, err)
    assert f"1 of {len(points)} sweep point(s) failed" in err, err
    folder = next(p for p in sweep.rglob("_submitit")).parent
    first = _records(folder)
    assert len(first) == len(points) - 1, (
        f"job {cancelled} was cancelled, yet {len(first)} of {len(points)} points have results"
    )
    kept = next(iter(first))
    stamp = (folder / f"{kept}.json").stat().st_mtime_ns
    state = subprocess.run(["sacct", "-n", "-X", "-P", "-o", "State", "-j", cancelled], capture_output=True,
                           text=True, timeout=30).stdout  # fmt: skip
    assert "CANCELLED" in state, state

    # resume: the same command computes the missing point only
    again = subprocess.run(cmd, cwd=ROOT, env=job_env, capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stderr[-2000:]
    assert f"{len(points)} points finished" in again.stdout, again.stdout
    done = _records(folder)
    assert sorted(done) == sorted(point_key(p) for p in points)
    assert (folder / f"{kept}.json").stat().st_mtime_ns == stamp, "a finished point was computed again"

    # the same points in this process (debug executor) give the same numbers, exactly
    threads = torch.get_num_threads()
    try:
        run_sweep(rates.rd_point, points, tmp_path / "debug", executor="debug", progress=False)
    finally:
        torch.set_num_threads(threads)  # rd_point sets one thread
    ref = _records(tmp_path / "debug")
    assert sorted(ref) == sorted(done)
    for key, rec in done.items():
        assert rec["point"] == ref[key]["point"]
        assert rec["result"] == ref[key]["result"], key
