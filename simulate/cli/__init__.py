"""Command line of :mod:`simulate`: ``python -m simulate flow|rates|sweep|experiment ...``.

Each command is a ``_add_<name>(subparsers, formatter)`` function that registers its parser (defaults
shown in ``--help``, :class:`theory._cli.Formatter`); :func:`main` dispatches. Every error ends in one
line ``python -m simulate <command>: error: ...``: bad input, a file or folder (``OSError``), torch's
``RuntimeError`` (devices, memory) exit 2; a sweep whose points failed exits 1; an interrupt exits 130
(finished sweep points are kept). Outputs go to ``results/`` unless given; the published
``docs/data`` / ``docs/figures`` change only through ``--publish`` at full size; every output is checked
before the work and written atomically, never over an input.

Layout: ``_common`` (shared helpers), ``_rates`` (``rates``, ``sweep``), ``_experiment``, ``_flow``.
"""

from __future__ import annotations

import argparse

from simulate.cli._common import PROG, report_error
from simulate.cli._experiment import _add_experiment
from simulate.cli._flow import _add_flow
from simulate.cli._rates import QUICK, _add_rates, _add_sweep
from theory import __version__
from theory._cli import build

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
    return build(
        PROG,
        "Particle flows, Monte Carlo rate studies and sweeps on spheres (torch; theory is the reference).",
        COMMANDS,
        version=__version__,
    )


def main(argv: list[str] | None = None) -> int:
    """Run ``python -m simulate``; returns the exit status (errors: one line, see the module docstring)."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except KeyboardInterrupt as exc:
        return report_error("", exc)
    if not getattr(args, "func", None):
        parser.print_help()
        return 0
    try:
        return int(args.func(args) or 0)
    except (ValueError, TypeError, KeyError, OSError, RuntimeError, MemoryError, KeyboardInterrupt) as exc:
        return report_error(args.command, exc)
