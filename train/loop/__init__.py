"""The training loop: ``fit(config) -> run directory``.

One run trains the encoder of a :class:`~train.config.RunConfig` with Adam (PyTorch defaults besides
``lr`` and ``weight_decay``; paper: lr 1e-3) and evaluates it on held-out data at epoch 0 (untrained, the
control every Table-1 row needs) and every ``eval_every`` epochs (:func:`train.evaluate.evaluate`).

The run directory holds

- ``config.json``: the configuration;
- ``metrics.jsonl``: one line per evaluation (the :class:`~train.evaluate.EvalResult` fields, the epoch's
  mean training loss and the global step); deterministic, so two runs with the same seed give identical
  files; wall times go to ``timing.jsonl``;
- ``checkpoint.pt``: written atomically after every epoch: model, optimizer, the RNG states of torch,
  numpy, python and the run's ``torch.Generator`` (batch order and views), epoch and step, and the full
  configuration. ``fit(config, resume=True)`` continues from it: a run killed at any point (SIGKILL
  included) ends with the same ``metrics.jsonl`` as an uninterrupted one. An interrupt (SIGINT, Ctrl-C)
  is taken at the next batch boundary: the checkpoint then also records the position inside the epoch
  (batch order, batches done, running loss), so the resumed run is the uninterrupted one, and
  :class:`RunInterrupted` is raised;
- ``lock``: present while a run trains (:class:`RunLock`); a second run on the directory is refused;
- ``embeddings_epoch0000.npy`` and ``embeddings_final.npy``: held-out embeddings for the figures;
- ``fig_metrics.png`` (CV, AD / DP pass over epochs, alignment against the Prop. 1 bound),
  ``fig_norms.png`` (norm histograms), ``fig_qq.png`` (QQ plots of a few coordinates): the paper's Fig. 3/4
  kind.

The default run directory is named by the configuration's key and the world size
(:func:`run_dir_for`); a directory never changes configuration: resuming compares the recorded
configuration (the checkpoint's, else ``config.json``'s) field by field and names what differs, and a
run whose checkpoint was deleted after it advanced is never started over (:func:`check_resumable`).

When ``WORLD_SIZE > 1`` (``torchrun``) the loop runs data-parallel through :mod:`train.distributed`: every
rank draws the same global batch and views (same generator), keeps its contiguous slice of ``N / world``
pairs, the InfoNCE loss is Eq. 2 over the global batch (negatives gathered across ranks), and the
gradients are summed across ranks, so the update equals the one-process update on the whole batch.

Layout (private parts behind this ``__init__``, which re-exports every public name):

- ``_rundir``: :func:`run_dir_for`, :class:`RunLock`, reading and checking a run directory;
- ``_fit``: :func:`build`, :func:`fit`, :class:`RunInterrupted`, :func:`summary_line`;
- ``_figures``: :func:`write_figures`.
"""

from __future__ import annotations

from train.loop._figures import write_figures
from train.loop._fit import RunInterrupted, fit, summary_line
from train.loop._rundir import (
    RunLock,
    RunLockedError,
    check_resumable,
    config_differences,
    inspect_run,
    load_checkpoint,
    read_metrics,
    run_dir_for,
)
from train.loop._steps import build

__all__ = [
    "RunInterrupted",
    "RunLock",
    "RunLockedError",
    "build",
    "check_resumable",
    "config_differences",
    "fit",
    "inspect_run",
    "load_checkpoint",
    "read_metrics",
    "run_dir_for",
    "summary_line",
    "write_figures",
]
