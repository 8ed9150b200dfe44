"""``python -m train table2``: its options (defaults: the published configuration) and entry point."""

from __future__ import annotations

import argparse
import sys

from theory._results import provenance
from train._defaults import TABLE2_DESCRIPTION as _DESCRIPTION
from train._defaults import add_table2_arguments as add_arguments
from train.table2._config import table2_config
from train.table2._run import run_table2

__all__ = ["add_arguments", "build_parser", "main", "run_from_args"]


def build_parser() -> argparse.ArgumentParser:
    """The ``python -m train table2`` parser (one-line errors, defaults in ``--help``)."""
    from theory._cli import Formatter, OneLineParser

    p = OneLineParser(prog="python -m train table2", description=_DESCRIPTION, formatter_class=Formatter)
    return add_arguments(p)


def run_from_args(args: argparse.Namespace, argv: list[str] | None = None) -> int:
    """Run the command from parsed arguments (bad input raises; the caller prints one line)."""
    from train.tables._rows import _outputs

    figure = False if args.no_figure else getattr(args, "figure", True)
    out, fig = _outputs("table2", getattr(args, "out", None), figure, quick=False, publish=args.publish)
    table2_config(n_sentences=args.n_sentences, seed=args.seed, n_projections=args.n_projections,
                  batch_size=args.batch_size)  # fmt: skip
    words = argv if argv is not None else sys.argv[2:]
    res = run_table2(
        out,
        n_sentences=args.n_sentences,
        seed=args.seed,
        progress=not args.no_progress,
        figure_path=fig,
        n_projections=args.n_projections,
        batch_size=args.batch_size,
        command=provenance(argv=["python -m train", "table2", *words])["command"],
    )
    for cname, entry in res["corpora"].items():
        for name, row in entry["rows"].items():
            for kind in ("unnormalized", "normalized"):
                r = row[kind]
                print(
                    f"{cname:7s} {name:12s} {kind:12s} CV {r['cv']:.3f}  AD {r['ad_mean']:.3f} "
                    f"({100 * r['ad_pass']:.1f}%)  DP {r['dp_mean']:.3f} ({100 * r['dp_pass']:.1f}%)"
                )
    from train.cli import shown_path

    print(f"wrote {shown_path(out)} ({res['wall_time_s']:.0f} s)")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``python -m train table2``: one-line error and exit 2 on bad input."""
    from train.cli import run_command

    parser = build_parser()
    args = parser.parse_args(argv)
    return run_command("python -m train table2", lambda: run_from_args(args, argv))
