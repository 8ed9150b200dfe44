"""What every command line of the project shares: one-line errors with exit status 2, defaults in
``--help``, ``--version``, an explicit list of commands, and the refusal to write over an input.

:func:`build` makes the parser from an explicit tuple of ``(name, add_function)``; :func:`run` parses and
dispatches, and turns every ``ValueError``, ``TypeError`` and ``OSError`` raised by a command (bad input,
missing file, a directory where a file is expected) into one line on stderr and exit status 2, never a
traceback. ``simulate``, ``train`` and ``claims`` build their commands with the same two functions.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

__all__ = ["CommandError", "Formatter", "OneLineParser", "benchmark_parser", "build", "positive_int", "run"]


class CommandError(Exception):
    """A command's one-line error (exit status 2)."""


class OneLineParser(argparse.ArgumentParser):
    """An ``ArgumentParser`` whose errors are one line (``prog: error: message; see --help``), exit 2."""

    def error(self, message: str):
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


class Formatter(argparse.ArgumentDefaultsHelpFormatter, argparse.RawDescriptionHelpFormatter):
    """Help with the defaults shown and the description's line breaks kept.

    A default is shown as ``(default: X)`` unless the help text already says what the default is (it
    contains "default"), or there is no value to show (``None``, or ``False`` of an on/off flag).
    """

    def _get_help_string(self, action):
        text = action.help or ""
        if "default" in text.lower() or action.default is None or action.default is False:
            return text
        return super()._get_help_string(action)


def positive_int(text: str) -> int:
    """argparse type: an integer >= 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an integer >= 1; got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected an integer >= 1; got {value}")
    return value


def benchmark_parser(doc: str | None, prog: str | None = None) -> OneLineParser:
    """The parser of a script in ``benchmarks/``: its module docstring as the description, defaults in
    ``--help`` (every argument needs a help text for its default to show), one-line errors (exit 2).

    ``python benchmarks/bench_X.py --help`` prints the help and runs nothing.
    """
    return OneLineParser(prog=prog, description=doc or "", formatter_class=Formatter)


def build(
    prog: str,
    description: str,
    commands: Sequence[tuple[str, Callable]],
    *,
    version: str | None = None,
) -> argparse.ArgumentParser:
    """The parser of ``prog`` with its subcommands, each registered by ``add(subparsers, formatter)``.

    Each ``add`` function calls ``subparsers.add_parser(name, formatter_class=formatter, ...)`` and sets
    ``func`` to the function that runs the command (it returns the exit status).
    """
    parser = OneLineParser(prog=prog, description=description, formatter_class=Formatter)
    if version is not None:
        parser.add_argument("--version", action="version", version=f"%(prog)s {version}")
    sub = parser.add_subparsers(dest="command", metavar="command", parser_class=OneLineParser)
    for _, add in commands:
        add(sub, Formatter)
    return parser


def run(parser: argparse.ArgumentParser, argv: Sequence[str] | None = None) -> int:
    """Parse ``argv``, run the command; bad input of any kind is one line on stderr and exit status 2."""
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 0
    name = f"{parser.prog} {args.command}" if getattr(args, "command", None) else parser.prog
    try:
        return int(args.func(args) or 0)
    except (CommandError, ValueError, TypeError, OSError, KeyError) as exc:
        msg = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        if isinstance(exc, KeyError):
            msg = msg.strip("'\"")
        print(f"{name}: error: {msg}", file=sys.stderr)
        return 2
