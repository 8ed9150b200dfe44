"""The probe behind the ``slurm`` tests' skips (fake ``sinfo``/``sacct`` scripts), and the command line of
``scripts/slurm-local`` that needs no root and starts nothing. These run everywhere (no cluster needed)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.slurm.conftest import Cluster, probe, sacct_reason

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "slurm-local"


def _fake(tmp_path: Path, name: str, body: str) -> str:
    path = tmp_path / name
    path.write_text("#!/bin/sh\n" + body + "\n")
    path.chmod(0o755)
    return str(path)


def test_missing_sinfo_names_the_command_and_the_way_out(tmp_path):
    why = probe(str(tmp_path / "sinfo"))
    assert isinstance(why, str) and "not on PATH" in why and "scripts/slurm-local" in why


def test_sinfo_that_fails_gives_its_exit_status_and_message(tmp_path):
    msg = "slurm_load_partitions: Unable to contact slurm controller"
    exe = _fake(tmp_path, "sinfo", f"echo '{msg}' >&2; exit 1")
    why = probe(exe)
    assert isinstance(why, str)
    assert "exited 1" in why and "Unable to contact slurm controller" in why


@pytest.mark.parametrize(
    ("listing", "expected"),
    [
        ("debug*|idle", Cluster("debug", ("idle",))),
        ("cpu|down\\ngpu*|mix\\ngpu*|drain", Cluster("gpu", ("mix", "drain"))),
        ("debug*|idle*", "takes jobs"),  # idle* = not responding
        ("debug*|drain", "takes jobs"),
        ("", "lists no partition"),
    ],
)
def test_sinfo_listing_is_read_for_a_default_partition_that_takes_jobs(tmp_path, listing, expected):
    exe = _fake(tmp_path, "sinfo", f"printf '{listing}\\n'")
    found = probe(exe)
    if isinstance(expected, Cluster):
        assert found == expected
    else:
        assert isinstance(found, str) and expected in found


def test_controller_down_is_reported_without_waiting_for_sinfo(tmp_path):
    # scontrol beside sinfo says the controller is down: probe answers from it, never runs sinfo
    _fake(tmp_path, "scontrol", "echo 'Slurmctld(primary) at vm is DOWN'; echo '** RESTORE **'; exit 1")
    marker = tmp_path / "sinfo-ran"
    exe = _fake(tmp_path, "sinfo", f"touch {marker}; printf 'debug*|idle\\n'")
    why = probe(exe)
    assert isinstance(why, str) and "scontrol ping" in why and "at vm is DOWN" in why
    assert not marker.exists()


@pytest.mark.parametrize(
    "ping",
    [
        "echo 'Slurmctld(primary) at vm is UP'",
        "echo 'Slurmctld(primary) at a is DOWN'; echo 'Slurmctld(backup) at b is UP'",
        "echo 'something else'; exit 3",  # an answer it cannot read: sinfo decides
    ],
)
def test_controller_up_or_unclear_leaves_the_answer_to_sinfo(tmp_path, ping):
    _fake(tmp_path, "scontrol", ping)
    exe = _fake(tmp_path, "sinfo", "printf 'debug*|idle\\n'")
    assert probe(exe) == Cluster("debug", ("idle",))


def test_sacct_without_accounting_says_why(tmp_path):
    exe = _fake(tmp_path, "sacct", "echo 'Slurm accounting storage is disabled' >&2; exit 1")
    why = sacct_reason(exe)
    assert why is not None and "accounting storage is disabled" in why
    assert sacct_reason(_fake(tmp_path, "sacct2", "exit 0")) is None


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed")
def test_slurm_local_script_parses_and_refuses_unknown_actions():
    assert subprocess.run(["bash", "-n", str(SCRIPT)], capture_output=True).returncode == 0
    helped = subprocess.run(["bash", str(SCRIPT), "--help"], capture_output=True, text=True, timeout=30)
    assert helped.returncode == 0 and "slurm-local stop" in helped.stdout
    bad = subprocess.run(["bash", str(SCRIPT), "restart"], capture_output=True, text=True, timeout=30)
    assert bad.returncode == 1 and "unknown action 'restart'" in bad.stderr
