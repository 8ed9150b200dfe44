"""Sweeps through submitit: debug and local executors; resume after a failed point and a killed process."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import textwrap
import uuid
from pathlib import Path

import cloudpickle
import pytest

from simulate.sweep import SweepError, executor_parameters, load_result, point_key, result_path, run_sweep
from tests._env import checkout_env

ROOT = Path(__file__).resolve().parents[2]
# the local executor unpickles in a fresh interpreter, which cannot import this test module by name
cloudpickle.register_pickle_by_value(sys.modules[__name__])


def _square(point):
    return {"y": point["x"] ** 2, "pid": os.getpid()}


def _logged(point):
    """Record the call in point["log"], raise where point["x"] is in the flag file's list."""
    log = Path(point["log"])
    (log / f"{point['x']}-{uuid.uuid4().hex}").touch()
    flag = log / "fail.json"
    if flag.exists() and point["x"] in json.loads(flag.read_text()):
        raise RuntimeError(f"point {point['x']} told to fail")
    return point["x"] * 10


def _calls(log: Path) -> list[int]:
    return sorted(int(p.name.split("-")[0]) for p in log.iterdir() if "-" in p.name)


def test_point_key_is_canonical_sha256():
    p = {"b": 2, "a": [1.5, "x"]}
    expected = hashlib.sha256(b'{"a":[1.5,"x"],"b":2}').hexdigest()[:16]
    assert point_key(p) == expected
    assert point_key({"a": [1.5, "x"], "b": 2}) == expected
    assert point_key({"a": [1.5, "x"], "b": 3}) != expected
    with pytest.raises(TypeError):
        point_key([1, 2])
    with pytest.raises(TypeError):
        point_key({"a": object()})


def test_debug_executor_writes_one_strict_json_file_per_point(tmp_path):
    points = [{"x": x} for x in range(4)] + [{"x": 1}]  # a duplicate runs once
    res = run_sweep(_square, points, tmp_path, executor="debug", progress=False)
    assert [r["y"] for r in res] == [0, 1, 4, 9, 1]
    files = sorted(p.name for p in tmp_path.glob("*.json"))
    assert files == sorted(f"{point_key({'x': x})}.json" for x in range(4))
    for x in range(4):
        path = result_path(tmp_path, {"x": x})
        rec = json.loads(path.read_text(), parse_constant=lambda c: pytest.fail(c))
        assert rec["point"] == {"x": x} and rec["result"]["y"] == x * x
        assert (path.stat().st_mode & 0o777) == 0o644


@pytest.mark.slow
def test_local_executor_runs_in_subprocesses(tmp_path):
    res = run_sweep(_square, [{"x": 3}, {"x": 5}], tmp_path, executor="local", progress=False, timeout_min=2)
    assert [r["y"] for r in res] == [9, 25]
    assert all(r["pid"] != os.getpid() for r in res)


def test_failed_point_is_retried_alone_and_finished_points_are_kept(tmp_path):
    log = tmp_path / "log"
    log.mkdir()
    (log / "fail.json").write_text("[2]")
    points = [{"x": x, "log": str(log)} for x in range(5)]
    with pytest.raises(SweepError) as err:
        run_sweep(_logged, points, tmp_path / "out", executor="debug", progress=False)
    assert list(err.value.failed) == [point_key(points[2])]
    assert _calls(log) == [0, 1, 2, 3, 4]
    assert not result_path(tmp_path / "out", points[2]).exists()
    (log / "fail.json").unlink()
    res = run_sweep(_logged, points, tmp_path / "out", executor="debug", progress=False)
    assert res == [0, 10, 20, 30, 40]
    assert _calls(log) == [0, 1, 2, 2, 3, 4]  # only point 2 ran again


@pytest.mark.slow
def test_killed_sweep_resumes_without_rerunning_finished_points(tmp_path):
    log = tmp_path / "log"
    log.mkdir()
    out = tmp_path / "out"
    script = textwrap.dedent(
        f"""
        import os, signal, uuid
        from pathlib import Path
        from simulate.sweep import run_sweep

        def fn(point):
            if point["x"] == 3:
                os.kill(os.getpid(), signal.SIGKILL)  # the machine dies mid-sweep
            (Path({str(log)!r}) / f"{{point['x']}}-{{uuid.uuid4().hex}}").touch()
            return point["x"] * 10

        run_sweep(fn, [{{"x": x, "log": {str(log)!r}}} for x in range(6)], {str(out)!r},
                  executor="debug", progress=False)
        """
    )
    env = checkout_env()
    proc = subprocess.run([sys.executable, "-c", script], env=env, cwd=ROOT, capture_output=True, timeout=120)
    assert proc.returncode == -9, proc.stderr.decode()[-2000:]
    assert _calls(log) == [0, 1, 2]
    # a half-written file (not strict JSON) counts as missing
    (out / f"{point_key({'x': 4, 'log': str(log)})}.json").write_text('{"key": "trunc')
    points = [{"x": x, "log": str(log)} for x in range(6)]
    res = run_sweep(_logged, points, out, executor="debug", progress=False)
    assert res == [0, 10, 20, 30, 40, 50]
    assert _calls(log) == [0, 1, 2, 3, 4, 5]  # 0..2 were kept, not rerun


def test_load_result_rejects_other_points_and_nonstrict_json(tmp_path):
    run_sweep(_square, [{"x": 2}], tmp_path, executor="debug", progress=False)
    path = result_path(tmp_path, {"x": 2})
    assert load_result(path, {"x": 2})["result"]["y"] == 4
    assert load_result(path, {"x": 3}) is None
    path.write_text(path.read_text().replace('"y": 4', '"y": NaN'))
    assert load_result(path) is None


def test_executor_parameters_aliases_and_errors():
    p = executor_parameters("slurm", partition="gpu", time=30, cpus=4, gpus_per_node=1, mem=None)
    assert p == {"slurm_partition": "gpu", "timeout_min": 30, "cpus_per_task": 4, "gpus_per_node": 1}
    assert executor_parameters("local", partition="gpu", time=5) == {"timeout_min": 5}
    with pytest.raises(ValueError, match="executor"):
        executor_parameters("kubernetes")
    with pytest.raises(ValueError, match="executor"):
        run_sweep(_square, [{"x": 1}], "unused", executor="pbs")
