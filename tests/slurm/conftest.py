"""Fixtures of the ``slurm`` tests: a SLURM cluster that answers, or a skip that says what was missing.

The tests run against whatever cluster ``sinfo`` reaches (``scripts/slurm-local`` brings up a one-node
one on a Debian machine as root; CI does so before the test command). They submit real jobs, so they
need the cluster's node to take jobs; the cancellation test also needs ``sacct`` (submitit learns only
from it that a job ended without a result).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass

import pytest

from tests._env import checkout_env

HOW = "bring up a one-node cluster with `scripts/slurm-local`, as root on Debian"


@dataclass(frozen=True)
class Cluster:
    """What the probe found.

    Attributes
    ----------
    partition : str
        The default partition (the one jobs go to without ``--partition``).
    node_states : tuple of str
        ``sinfo``'s compact state of every node of that partition.
    """

    partition: str
    node_states: tuple[str, ...]


def _first_line(text: str) -> str:
    lines = [x for x in text.strip().splitlines() if x.strip()]
    return lines[0].strip() if lines else ""


def _controller_down(exe: str, timeout: float) -> str | None:
    """``scontrol ping``'s line when no controller is up (``None`` when one is, or it cannot tell).

    ``scontrol`` is looked for beside ``sinfo`` (the client commands are installed together). It answers
    at once, where ``sinfo`` retries an absent controller for about 9 s before it fails.
    """
    scontrol = shutil.which("scontrol", path=os.path.dirname(exe))
    if scontrol is None:
        return None
    try:
        p = subprocess.run([scontrol, "ping"], capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return None
    lines = [x.strip() for x in p.stdout.splitlines() if " is " in x]
    if lines and not any(x.endswith(" is UP") for x in lines):
        return lines[0]
    return None


def probe(sinfo: str = "sinfo", timeout: float = 15.0) -> Cluster | str:
    """Ask ``sinfo`` for a partition whose nodes take jobs; the :class:`Cluster`, or why not (a str)."""
    exe = shutil.which(sinfo)
    if exe is None:
        return f"no SLURM client: `{sinfo}` is not on PATH ({HOW})"
    down = _controller_down(exe, timeout)
    if down is not None:
        return f"SLURM does not answer: `scontrol ping`: {down} ({HOW})"
    try:
        p = subprocess.run(
            [exe, "-h", "-o", "%P|%t"], capture_output=True, text=True, timeout=timeout, check=False
        )
    except subprocess.TimeoutExpired:
        return f"SLURM does not answer: `sinfo` ran past {timeout:g} s ({HOW})"
    if p.returncode != 0:
        why = _first_line(p.stderr) or _first_line(p.stdout) or "no message"
        return f"SLURM does not answer: `sinfo` exited {p.returncode}: {why} ({HOW})"
    rows = [line.split("|", 1) for line in p.stdout.split() if "|" in line]
    if not rows:
        return f"SLURM answers but lists no partition ({HOW})"
    default = [(part, st) for part, st in rows if part.endswith("*")] or rows
    partition = default[0][0].rstrip("*")
    states = tuple(st for part, st in default if part.rstrip("*") == partition)
    if not any(st in ("idle", "mix", "alloc", "comp") for st in states):  # a suffix (idle*) flags trouble
        return f"no node of partition {partition!r} takes jobs (states: {', '.join(states)}) ({HOW})"
    return Cluster(partition=partition, node_states=states)


def sacct_reason(sacct: str = "sacct", timeout: float = 15.0) -> str | None:
    """Why ``sacct`` cannot report job states (``None`` when it can)."""
    exe = shutil.which(sacct)
    if exe is None:
        return f"`{sacct}` is not on PATH: submitit cannot see that a cancelled job ended"
    try:
        p = subprocess.run([exe, "-n", "-X", "-S", "now"], capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return f"`sacct` ran past {timeout:g} s"
    if p.returncode != 0:
        why = _first_line(p.stderr) or _first_line(p.stdout) or "no message"
        return (
            f"`sacct` exited {p.returncode}: {why} (no job accounting: submitit cannot see that a "
            "cancelled job ended; scripts/slurm-local sets up slurmdbd)"
        )
    return None


@pytest.fixture(scope="session")
def slurm_cluster() -> Cluster:
    """The cluster ``sinfo`` reaches; skips the test, saying what was missing, when there is none."""
    found = probe()
    if isinstance(found, str):
        pytest.skip(found)
    return found


@pytest.fixture(scope="session")
def slurm_accounting(slurm_cluster) -> Cluster:
    """As :func:`slurm_cluster`, and ``sacct`` answers (skip otherwise, saying why)."""
    why = sacct_reason()
    if why is not None:
        pytest.skip(why)
    return slurm_cluster


@pytest.fixture
def job_env() -> dict[str, str]:
    """The environment of a command whose SLURM jobs import this checkout (sbatch exports it to jobs)."""
    return checkout_env(
        OMP_NUM_THREADS="1",
        PYTHONUNBUFFERED="1",
        PATH=os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", ""),
    )


_SLURM_TESTS = pytest.StashKey[set]()


def pytest_collection_modifyitems(config, items):
    config.stash[_SLURM_TESTS] = {item.nodeid for item in items if item.get_closest_marker("slurm")}


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    """One block at the end of the run: each ``slurm`` test, whether it ran against a cluster, and its time.

    CI's log shows from it that the SLURM path was exercised (or, with the reason, that it was not).
    """
    marked = config.stash.get(_SLURM_TESTS, set())
    rows = []
    for outcome in ("passed", "failed", "error", "skipped"):
        for rep in terminalreporter.stats.get(outcome, []):
            if rep.nodeid not in marked:
                continue
            if outcome == "passed" and rep.when != "call":
                continue
            why = ""
            if outcome == "skipped" and isinstance(rep.longrepr, tuple):
                why = ": " + str(rep.longrepr[2]).removeprefix("Skipped: ")
            rows.append(f"{outcome:7s} {rep.duration:6.1f} s  {rep.nodeid}{why}")
    if rows:
        terminalreporter.section("slurm tests")
        for row in rows:
            terminalreporter.write_line(row)
