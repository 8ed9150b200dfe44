"""Command line of :mod:`claims`: ``python -m claims`` runs every quick check and writes the report."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

__all__ = ["build_parser", "main"]


def _repo_root() -> Path:
    """The source checkout when running from one (editable install), else the working directory."""
    root = Path(__file__).resolve().parent.parent
    return root if (root / "pyproject.toml").is_file() else Path.cwd()


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m claims",
        description="Run the quick check of every claim of the registry and write paper_checks.md "
        "(one row per statement of arXiv 2602.24012) and its JSON twin.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    p.add_argument("--out", type=Path, default=_repo_root() / "paper_checks.md", help="markdown file")
    p.add_argument(
        "--json", type=Path, default=_repo_root() / "results" / "paper_checks.json", help="JSON file"
    )
    p.add_argument("--only", nargs="+", metavar="ID", help="run only these claims (for iteration)")
    p.add_argument("--list", action="store_true", help="list the claim IDs and exit")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    return p


def main(argv: list[str] | None = None) -> int:
    from claims.registry import CLAIMS
    from claims.report import write_paper_checks

    args = build_parser().parse_args(argv)
    if args.list:
        for c in CLAIMS:
            print(f"{c.id:<18} {c.title}")
        return 0
    if args.only:
        known = {c.id for c in CLAIMS}
        unknown = [i for i in args.only if i not in known]
        if unknown:
            print(
                f"python -m claims: --only: unknown claim(s) {unknown}; known: {sorted(known)}",
                file=sys.stderr,
            )
            return 2
    results = write_paper_checks(args.out, json_out=args.json, only=args.only, progress=not args.quiet)
    width = max(len(k) for k in results)
    for cid, r in results.items():
        print(f"{cid:<{width}}  {r.verdict.value:<16} {r.seconds:6.1f}s  {r.measured[:90]}")
    print(f"wrote {args.out} and {args.json}")
    return 0
