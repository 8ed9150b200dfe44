"""The paper's Table 1 with the controls it lacks, and the Laplace d x N grid (App. E.1, Sec. 6).

:func:`table1` trains, at CPU scale, every synthetic row (Laplace, GMM, Binary) and the image pairs
(digits and MNIST-1D, contrastive against supervised) and writes ``results/table1.json``
(``docs/data/table1.json`` with ``publish``). Every row carries its controls: the *same* encoder at
epoch 0 (untrained, same initialisation) and a control objective (the supervised cross-entropy twin
where labels exist; VICReg and Barlow Twins on Laplace; VICReg on Binary). The verdict of a row asks
whether the training made the embeddings Gaussian:

- the trained InfoNCE encoder is *Gaussian* when the paper's criterion holds (AD mean < 0.752 and DP mean
  > 0.05, unnormalised) and at least 80% of the coordinates pass each test;
- if the untrained encoder is already Gaussian, or a control objective gives the same Gaussianity, the
  row does not support the paper's attribution of Gaussianity to InfoNCE (the verdict says which).

:func:`grid` trains the Laplace setting over ``d x N`` (independent points through submitit,
:func:`simulate.sweep.run_sweep`, each point's file keyed by its configuration), each point beside its
epoch-0 control, and fits the rates of CV and AD / DP compliance in ``d`` and ``N`` (least squares on
``log d`` and ``log N``, with 95% confidence intervals). :func:`table1_config` and :func:`grid_config`
return the configuration each result records (``config``), which ``python -m claims`` compares.

Layout (private parts behind this ``__init__``, which re-exports every public name):

- ``_rows``: the paper's Table 1 (:data:`PAPER_TABLE1`), the Gaussianity rule (:func:`is_gaussian`,
  :data:`MIN_PASS`) and a row's verdict (:func:`row_verdict`); training one run into a folder of runs;
- ``_table1``: :func:`table1`, :func:`table1_config`;
- ``_grid``: :func:`grid`, :func:`grid_config`, :func:`fit_rates`;
- ``_binary``: the Binary study (:func:`binary_study`, :func:`binary_study_config`): every open choice of
  the Binary row, one factor at a time around the sparsity calibrated to the paper's epoch-0 CV;
- ``_analysis``: rotations, basis-free diagnostics and exact-law predictions of a trained encoder;
- ``_figures``: the summary figures.
"""

from __future__ import annotations

from train.tables._binary import (
    BINARY_STUDY_POINTS,
    CALIBRATED_SPARSITY,
    binary_base,
    binary_study,
    binary_study_config,
)
from train.tables._grid import GRID_DEFAULTS, fit_rates, grid, grid_config
from train.tables._rows import MIN_PASS, PAPER_TABLE1, both_rules, is_gaussian, paper_rule, row_verdict
from train.tables._table1 import table1, table1_config

__all__ = [
    "BINARY_STUDY_POINTS",
    "CALIBRATED_SPARSITY",
    "GRID_DEFAULTS",
    "MIN_PASS",
    "PAPER_TABLE1",
    "binary_base",
    "binary_study",
    "binary_study_config",
    "both_rules",
    "fit_rates",
    "grid",
    "grid_config",
    "is_gaussian",
    "paper_rule",
    "row_verdict",
    "table1",
    "table1_config",
]
