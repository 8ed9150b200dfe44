"""``run_checks``: a check read from the disk cache is the check computed anew; the key follows the code and
the published results; worker processes give the results of one process; bad ``jobs`` named."""

import dataclasses
import json

import pytest

import claims.cli as cli
import claims.report as report
from theory._cache import CACHE_ENV
from theory._io import to_jsonable


def _untimed(obj):
    if isinstance(obj, dict):
        return {k: _untimed(v) for k, v in obj.items() if k != "seconds"}
    if isinstance(obj, list):
        return [_untimed(v) for v in obj]
    return obj


def _plain(results):
    """Everything a result reports except wall times (the check's, a certificate's), as JSON."""
    return json.dumps({cid: _untimed(to_jsonable(r)) for cid, r in results.items()}, sort_keys=True)


@pytest.fixture
def cache_folder(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv(CACHE_ENV, str(folder))
    return folder


def test_cached_result_equals_a_fresh_computation(cache_folder, monkeypatch):
    first = report.run_checks(["L1", "R"], progress=False)
    files = sorted(cache_folder.rglob("*.pkl"))
    assert len(files) == 2
    calls = []
    real = report.run_check
    monkeypatch.setattr(report, "run_check", lambda c: calls.append(c.id) or real(c))
    again = report.run_checks(["L1", "R"], progress=False)
    assert calls == []  # both read from the cache
    monkeypatch.setenv(CACHE_ENV, "off")
    fresh = report.run_checks(["L1", "R"], progress=False)
    assert calls == ["L1", "R"]
    assert _plain(first) == _plain(again) == _plain(fresh)
    assert list(again) == ["L1", "R"]  # the order asked for


def test_no_cache_computes_and_writes_nothing(cache_folder, monkeypatch):
    calls = []
    real = report.run_check
    monkeypatch.setattr(report, "run_check", lambda c: calls.append(c.id) or real(c))
    report.run_checks(["R"], progress=False, cache=False)
    report.run_checks(["R"], progress=False, cache=False)
    assert calls == ["R", "R"] and not cache_folder.exists()


def test_a_changed_published_file_recomputes(cache_folder, monkeypatch):
    digest = report._published_digest()
    assert digest and all(k.startswith("docs/data/") and len(v) == 64 for k, v in digest.items())
    report.run_checks(["R"], progress=False)
    calls = []
    real = report.run_check
    monkeypatch.setattr(report, "run_check", lambda c: calls.append(c.id) or real(c))
    name = next(iter(digest))
    monkeypatch.setattr(report, "_published_digest", lambda: {**digest, name: "0" * 64})
    report.run_checks(["R"], progress=False)
    assert calls == ["R"]
    assert len(list(cache_folder.rglob("*.pkl"))) == 2


def test_a_cached_value_is_served_only_under_its_own_key(cache_folder):
    # a file that holds another key (here: one whose record was altered) is recomputed, not trusted
    import pickle

    report.run_checks(["R"], progress=False)
    (path,) = cache_folder.rglob("*.pkl")
    record = pickle.loads(path.read_bytes())
    forged = dataclasses.replace(record["value"], measured="forged")
    path.write_bytes(pickle.dumps({**record, "key": "another", "value": forged}))
    res = report.run_checks(["R"], progress=False)
    assert res["R"].measured != "forged"


def test_two_workers_give_the_results_of_one_process(cache_folder):
    one = report.run_checks(["R", "L1", "MP"], progress=False, jobs=1, cache=False)
    two = report.run_checks(["R", "L1", "MP"], progress=False, jobs=2, cache=False)
    assert list(two) == ["R", "L1", "MP"]
    assert _plain(one) == _plain(two)


_FORK_AFTER_PARALLEL_WORK = """
import numpy as np
import torch
import claims.report as report
from theory._pool import start_method
from tests.claims.test_report_cache import _plain

torch.set_num_threads(2)
a = torch.randn(512, 512, dtype=torch.float64)
for _ in range(20):
    a = torch.tanh(a @ a / 512)  # the parent's OpenMP pool has run
b = np.random.default_rng(0).standard_normal((400, 400))
(b @ b).sum()  # and its BLAS threads
one = report.run_checks(["R", "R-N"], progress=False, jobs=1, cache=False)
two = report.run_checks(["R", "R-N"], progress=False, jobs=2, cache=False)
print(start_method(), _plain(one) == _plain(two))
"""


@pytest.mark.slow
def test_workers_after_parallel_torch_and_blas_work_in_the_parent(tmp_path):
    # forked workers (Linux) start from a parent whose OpenMP and BLAS thread pools have run; they must
    # neither hang (the subprocess has a time limit) nor differ from one process
    import subprocess
    import sys

    from tests._env import checkout_env
    from theory._io import repo_root

    res = subprocess.run(
        [sys.executable, "-c", _FORK_AFTER_PARALLEL_WORK],
        cwd=repo_root(),
        env=checkout_env(**{CACHE_ENV: str(tmp_path / "cache")}),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert res.returncode == 0, res.stderr[-2000:]
    method, same = res.stdout.split()
    assert same == "True"
    assert method == ("fork" if sys.platform.startswith("linux") else "spawn")


@pytest.mark.parametrize(
    "jobs, exc", [(0, ValueError), (-1, ValueError), (1.5, TypeError), (True, TypeError)]
)
def test_bad_jobs_named(jobs, exc):
    with pytest.raises(exc, match="jobs must be a positive integer"):
        report.run_checks(["R"], progress=False, jobs=jobs)


@pytest.mark.parametrize("value", ["0", "-2", "two"])
def test_cli_bad_jobs_one_line_exit_2(value, capsys):
    try:
        rc = cli.main(["--only", "R", "--jobs", value, "--quiet"])
    except SystemExit as exc:
        rc = exc.code
    err = capsys.readouterr().err.strip().splitlines()
    assert rc == 2 and len(err) == 1 and "--jobs" in err[0] and "Traceback" not in err[0]
