"""Command line of :mod:`theory`: ``python -m theory <command> ...``.

Each command is a ``_add_<name>(subparsers)`` function that registers its parser and sets
``func`` to the function that runs it; :func:`main` dispatches.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

__all__ = ["build_parser", "main"]


def _repo_root() -> Path:
    return Path(__file__).resolve().parent.parent


def _add_paper_checks(sub) -> None:
    p = sub.add_parser(
        "paper-checks",
        help="run every claim's quick check and write paper_checks.md",
        description="Run the quick check of every claim of the registry (theory.claims) and write "
        "paper_checks.md (one row per claim) and its JSON twin.",
    )
    p.add_argument("--out", type=Path, default=_repo_root() / "paper_checks.md", help="markdown file")
    p.add_argument(
        "--json",
        type=Path,
        default=_repo_root() / "results" / "paper_checks.json",
        help="JSON file",
    )
    p.add_argument("--only", nargs="+", metavar="ID", help="run only these claims (for iteration)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=_run_paper_checks)


def _run_paper_checks(args) -> int:
    from theory.claims import CLAIMS
    from theory.report import write_paper_checks

    if args.only:
        known = {c.id for c in CLAIMS}
        unknown = [i for i in args.only if i not in known]
        if unknown:
            raise SystemExit(f"--only: unknown claim(s) {unknown}; known: {sorted(known)}")
    results = write_paper_checks(args.out, json_out=args.json, only=args.only, progress=not args.quiet)
    width = max(len(k) for k in results)
    for cid, r in results.items():
        print(f"{cid:<{width}}  {r.verdict.value:<16} {r.seconds:6.1f}s  {r.measured[:90]}")
    print(f"wrote {args.out} and {args.json}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every command."""
    parser = argparse.ArgumentParser(
        prog="python -m theory",
        description="Checkable statements of 'InfoNCE Induces Gaussian Distribution' (ICLR 2026).",
    )
    sub = parser.add_subparsers(dest="command", metavar="command")
    for name, obj in sorted(globals().items()):
        if name.startswith("_add_") and callable(obj):
            obj(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 0
    return int(args.func(args) or 0)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
