"""Command line of :mod:`claims`: ``python -m claims`` runs every quick check and writes the report.

- no options: every check; writes ``paper_checks.md`` at the root of the checkout and
  ``results/paper_checks.json`` (the committed report; a rerun on unchanged code is byte-identical);
- ``--only ID ...``: runs those checks and prints their rows; it writes nothing unless ``--out`` is given
  (then a report of those rows alone, with its JSON beside it), so iterating on one claim never touches
  the committed report;
- ``--out FILE``: the markdown goes there, and the JSON beside it (``FILE`` with ``.json``) unless
  ``--json`` says otherwise;
- ``--list``: the claim IDs and titles.

The tests column is always read from the checkout's ``tests/`` folder, wherever the report is written.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from theory import __version__
from theory._cli import Formatter, OneLineParser, positive_int, run
from theory._io import repo_root
from theory._results import check_outputs

__all__ = ["build_parser", "main"]


DEFAULT_OUT = repo_root() / "paper_checks.md"
DEFAULT_JSON = repo_root() / "results" / "paper_checks.json"


def _default_jobs() -> int:
    import os

    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return max(1, os.cpu_count() or 1)


def build_parser() -> argparse.ArgumentParser:
    """The parser of ``python -m claims``."""
    p = OneLineParser(
        prog="python -m claims",
        description="Run the quick check of every claim of the registry and write paper_checks.md (one "
        "row per statement of arXiv 2602.24012: statement, code, tests, scope, our number beside the "
        "paper's, verdict) and its JSON twin.",
        formatter_class=Formatter,
    )
    p.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    p.add_argument(
        "--out", type=Path, default=None, help=f"markdown file (default: {DEFAULT_OUT.name} at the root)"
    )
    p.add_argument(
        "--json",
        type=Path,
        default=None,
        help="JSON file (default: results/paper_checks.json, or beside --out when --out is given)",
    )
    p.add_argument(
        "--only", nargs="+", metavar="ID", help="run only these claims; writes nothing without --out"
    )
    p.add_argument("--list", action="store_true", help="list the claim IDs and exit")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.add_argument(
        "--jobs",
        type=positive_int,
        default=_default_jobs(),
        help="worker processes for the checks, each on one thread (default: the CPUs this process may use)",
    )
    p.add_argument(
        "--no-cache",
        action="store_true",
        help="compute every check (default: a check whose code, libraries and docs/data are unchanged "
        "since it ran is read from results/cache/)",
    )
    p.set_defaults(func=_run, command=None)
    return p


def _print_rows(results) -> None:
    width = max(len(k) for k in results)
    for cid, r in results.items():
        print(f"{cid:<{width}}  {r.verdict.value:<28} {r.seconds:6.1f}s  {r.measured[:100]}")


def _verify_published(claims) -> None:
    """Every published result the selected rows read, refused before any check runs if corrupt, quick,
    without provenance, or recorded under another configuration (one line naming the file, exit 2)."""
    from claims.checks._published import verify

    verify(name for c in claims for name in c.reads)


def _run(args) -> int:
    from claims.registry import CLAIMS, get_claim
    from claims.report import run_checks, write_report

    if args.list:
        for c in CLAIMS:
            print(f"{c.id:<16} {c.title}")
        return 0
    if args.only:
        for cid in args.only:
            get_claim(cid)  # KeyError naming the known IDs -> one line, exit 2
    selected = [get_claim(cid) for cid in args.only] if args.only else list(CLAIMS)
    if args.only and args.out is None:
        if args.json is not None:
            raise ValueError("--json with --only needs --out (iterating never touches the committed report)")
        _verify_published(selected)
        _print_rows(run_checks(args.only, progress=not args.quiet, jobs=args.jobs, cache=not args.no_cache))
        print("(--only without --out: nothing written)")
        return 0
    out = args.out if args.out is not None else DEFAULT_OUT
    json_out = (
        args.json
        if args.json is not None
        else (DEFAULT_JSON if args.out is None else out.with_suffix(".json"))
    )
    if out.suffix.lower() != ".md":
        raise ValueError(f"--out must be a .md file; got {out}")
    if json_out.suffix.lower() != ".json":
        raise ValueError(f"--json must be a .json file; got {json_out}")
    # before any check runs: distinct files, writable folders, never inside the published results
    check_outputs({"--out": out, "--json": json_out})
    _verify_published(selected)
    results = run_checks(args.only, progress=not args.quiet, jobs=args.jobs, cache=not args.no_cache)
    write_report(results, out, json_out=json_out, tests_dir=repo_root() / "tests")
    _print_rows(results)
    print(f"wrote {out} and {json_out}")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run ``python -m claims``; returns the exit status (2 on bad input, with one line on stderr)."""
    return run(build_parser(), argv)
