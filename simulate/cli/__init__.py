"""Command line of :mod:`simulate`: ``python -m simulate flow|rates|sweep|experiment ...``.

Each command is a ``_add_<name>(subparsers)`` function that registers its parser; :func:`main`
dispatches. Bad arguments print one line ``python -m simulate <command>: error: ...`` and exit 2 (no
traceback); outputs are written atomically and never over an input.

Layout: ``_common`` (shared helpers), ``_rates`` (``rates``, ``sweep``), ``_experiment``, ``_flow``.
"""

from __future__ import annotations

import argparse
import sys

from simulate.cli._common import _PROG, _Parser, _UsageError
from simulate.cli._experiment import _add_experiment
from simulate.cli._flow import _add_flow
from simulate.cli._rates import QUICK, _add_rates, _add_sweep
from theory import __version__

__all__ = ["COMMANDS", "QUICK", "build_parser", "main"]

COMMANDS = (
    ("flow", _add_flow),
    ("rates", _add_rates),
    ("sweep", _add_sweep),
    ("experiment", _add_experiment),
)
"""The commands of ``python -m simulate``."""


def build_parser() -> argparse.ArgumentParser:
    """The parser of ``python -m simulate`` with the commands of :data:`COMMANDS`, in that order."""
    parser = _Parser(
        prog=_PROG,
        description="Particle flows, Monte Carlo rate studies and sweeps on spheres (torch; theory is the "
        "reference).",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="command", parser_class=_Parser)
    for _, add in COMMANDS:
        add(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    from simulate.sweep import SweepError

    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 0
    try:
        return int(args.func(args) or 0)
    except (_UsageError, ValueError, TypeError, FileNotFoundError) as exc:
        msg = str(exc).strip().splitlines()
        print(f"{_PROG} {args.command}: error: {msg[0] if msg else type(exc).__name__}", file=sys.stderr)
        return 2
    except SweepError as exc:  # points failed at run time: finished ones are kept, a rerun resumes
        print(f"{_PROG} {args.command}: error: {str(exc).splitlines()[0]}", file=sys.stderr)
        return 1
