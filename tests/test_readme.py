"""The README runs verbatim: every command of its code blocks, in a fresh copy of the checkout.

Each command is run as written (or, where it would take minutes, with ``--help``, or with the small
sizes said here), in a copy of the working tree made a git repository of its own, and must exit 0 and
leave that copy's ``git status`` as it was: no command of the README writes over a committed file
(``paper_checks.md`` is rewritten byte-identically by the main job, under ``-m slow``). A command added
to the README without an entry in :data:`HOW` fails :func:`test_every_readme_command_is_covered`, so the
table and the README cannot drift apart.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from theory._io import repo_root

ROOT = repo_root()

VERBATIM, HELP, NOT_RUN = "verbatim", "help", "not run"

HOW: dict[str, str] = {
    "pip install -e . && python -m claims": HELP,  # the main job: verbatim under -m slow
    'pip install -e ".[test]" && python -m pytest': NOT_RUN,  # this very suite
    "python -m claims": HELP,  # the main job: verbatim under -m slow
    "python -m claims --only MP R-d": VERBATIM,
    "python -m claims --only MP --out /tmp/mp.md": VERBATIM,
    "python -m claims --list": VERBATIM,
    "python -m claims --jobs 1 --no-cache": HELP,  # the main job on one process: as long as it
    "python -m theory diagnose emb.npy --projections 64 --json diag.json": VERBATIM,
    "python -m theory diagnose emb.npy --paper-only": VERBATIM,
    "python -m theory figure-tv --out results/figures/tv_vs_d.png": VERBATIM,
    "python -m theory hgr pairs.csv --samples --x-cols 0 --y-cols 1": VERBATIM,
    "python -m theory regularised-route --d 3 8 32 128 --alpha 10 --eta2 0.36": VERBATIM,
    "python -m theory zonal-threshold --d 8 --alpha 1 --json zonal.json": VERBATIM,
    "python -m simulate --help": VERBATIM,
    # minutes: --help here; the pair's small-size run is test_train_run_and_resume_name_the_same_run
    "python -m train run --config laplace epochs=20 d=128": HELP,
    "python -m train run --config laplace epochs=20 d=128 --resume": HELP,
    "python -m train table1": HELP,
    "python -m train grid --executor local": HELP,
    "python -m train binary-study": HELP,
    'pip install -e ".[pretrained]" && python -m train table2': HELP,
    "torchrun --nproc_per_node=2 -m train run --config laplace": HELP,
    "python benchmarks/bench_simulate.py": HELP,
    "python benchmarks/bench_gaussianity.py": HELP,
    "python benchmarks/bench_sphere.py": HELP,
    "python benchmarks/bench_uniformity.py": HELP,
    "python benchmarks/bench_train.py": HELP,
    'pip install -e ".[bench]" && python benchmarks/bench_hgr.py': HELP,
    'pip install -e ".[bench]" && python benchmarks/bench_views.py': HELP,
}
"""README command -> how this test runs it."""

USER_FILES = ("emb.npy", "pairs.csv", "diag.json", "zonal.json")
"""The user's own inputs and outputs that README commands name in the working folder (not the repo's)."""


def readme_commands(text: str | None = None) -> list[str]:
    """The commands of the README's ```bash blocks: one per line, comments and blank lines dropped."""
    text = (ROOT / "README.md").read_text(encoding="utf-8") if text is None else text
    out = []
    for block in re.findall(r"```bash\n(.*?)```", text, flags=re.S):
        for line in block.splitlines():
            cmd = _strip_comment(line).strip()
            if cmd:
                out.append(cmd)
    return out


def _strip_comment(line: str) -> str:
    quote = None
    for i, ch in enumerate(line):
        if ch in "\"'`" and quote in (None, ch):
            quote = None if quote == ch else ch
        elif ch == "#" and quote is None and (i == 0 or line[i - 1].isspace()):
            return line[:i]
    return line


def _extras(pyproject: str) -> set[str]:
    block = pyproject.split("[project.optional-dependencies]", 1)[1].split("\n[", 1)[0]
    return set(re.findall(r"^([A-Za-z0-9_-]+)\s*=", block, flags=re.M))


@pytest.fixture(scope="module")
def copy(tmp_path_factory) -> Path:
    """The working tree (tracked and untracked-not-ignored files) copied and committed as a new repo."""
    dest = tmp_path_factory.mktemp("readme") / "checkout"
    files = subprocess.run(
        ["git", "-C", str(ROOT), "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        capture_output=True,
        check=True,
    ).stdout.split(b"\0")
    for raw in files:
        if not raw:
            continue
        rel = raw.decode()
        src = ROOT / rel
        if src.is_file():
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / rel)
    rng = np.random.default_rng(0)
    np.save(dest / "emb.npy", rng.standard_normal((500, 8)))
    x = rng.standard_normal(400)
    np.savetxt(dest / "pairs.csv", np.c_[x, 0.6 * x + 0.8 * rng.standard_normal(400)], delimiter=",")
    git = ["git", "-C", str(dest), "-c", "user.email=t@t", "-c", "user.name=t"]
    subprocess.run([*git, "init", "-q"], check=True)
    (dest / ".git" / "info" / "exclude").write_text("\n".join(USER_FILES) + "\n")
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "copy"], check=True)
    return dest


def _status(copy: Path) -> str:
    return subprocess.run(
        ["git", "-C", str(copy), "status", "--porcelain", "--untracked-files=all"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def _run(copy: Path, tmp: Path, command: str, *, timeout: float = 600) -> subprocess.CompletedProcess:
    """Run one README command (its ``pip install`` part checked, not run) in the copy."""
    pyproject = (copy / "pyproject.toml").read_text(encoding="utf-8")
    parts = [p.strip() for p in command.split("&&")]
    for part in parts[:-1]:
        m = re.fullmatch(r'pip install -e (\.|"\.\[([a-z,]+)\]")', part)
        assert m, f"unexpected install step {part!r}"
        for extra in (m.group(2) or "").split(","):
            assert not extra or extra in _extras(pyproject), f"{part}: no extra {extra!r} in pyproject.toml"
    argv = shlex.split(parts[-1].replace("/tmp/", f"{tmp}/"))
    if argv[0] == "python":
        argv[0] = sys.executable
    elif argv[0] == "torchrun":
        argv = [sys.executable, "-m", "torch.distributed.run", *argv[1:]]
    env = {**os.environ, "PYTHONPATH": str(copy), "PYTHONUNBUFFERED": "1", "MPLBACKEND": "Agg"}
    return subprocess.run(argv, cwd=copy, env=env, capture_output=True, text=True, timeout=timeout)


def test_every_readme_command_is_covered():
    commands = readme_commands()
    assert len(commands) >= 20
    missing = [c for c in commands if c not in HOW]
    assert not missing, f"README commands without an entry in tests/test_readme.py HOW: {missing}"
    stale = [c for c in HOW if c not in commands]
    assert not stale, f"entries of HOW no longer in the README: {stale}"


def test_readme_comment_stripping():
    text = "```bash\n# a comment\npython -m x --k 'a # b'  # note\n\npip install -e \".[t]\"\n```\n"
    assert readme_commands(text) == ["python -m x --k 'a # b'", 'pip install -e ".[t]"']


@pytest.mark.slow
@pytest.mark.parametrize("command", [c for c, how in HOW.items() if how != NOT_RUN])
def test_readme_command_runs_and_changes_nothing(copy, tmp_path, command):
    before = _status(copy)
    run = command + " --help" if HOW[command] == HELP else command
    proc = _run(copy, tmp_path, run)
    assert proc.returncode == 0, f"{run!r} exited {proc.returncode}:\n{proc.stderr[-2000:]}"
    if HOW[command] == HELP:
        assert "usage:" in proc.stdout, proc.stdout[-500:]
    assert _status(copy) == before, f"{run!r} changed the checkout:\n{_status(copy)}"


@pytest.mark.slow
def test_train_run_and_resume_name_the_same_run(copy, tmp_path):
    """The README's run line and its resume line, at small sizes, name one run directory."""
    small = " data.n_train=256 data.n_test=256 n_eval=256 n_phi=128 n_projections=4"
    run, resume = (
        "python -m train run --config laplace epochs=20 d=128",
        "python -m train run --config laplace epochs=20 d=128 --resume",
    )
    assert run in HOW and resume in HOW
    before = _status(copy)
    first = _run(copy, tmp_path, run + small + " --no-figures")
    assert first.returncode == 0, first.stderr[-2000:]
    second = _run(copy, tmp_path, resume.replace(" --resume", small + " --no-figures --resume"))
    assert second.returncode == 0, second.stderr[-2000:]
    name = re.compile(r"results/runs/\S+")
    assert name.findall(first.stdout)[-1] == name.findall(second.stdout)[-1], (first.stdout, second.stdout)
    assert _status(copy) == before


@pytest.mark.slow
def test_main_job_verbatim_rewrites_paper_checks_byte_identically(copy, tmp_path):
    before = _status(copy)
    proc = _run(copy, tmp_path, "python -m claims", timeout=3600)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert _status(copy) == before, "python -m claims did not reproduce the committed paper_checks.md"
