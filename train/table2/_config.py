"""The paper's Table 2 and the configuration of our analogue (:func:`table2_config`)."""

from __future__ import annotations

from theory._validation import check_int
from train._defaults import TABLE2_DEFAULTS

__all__ = ["PAPER_TABLE2", "TABLE2_DEFAULTS", "table2_config"]

#: The paper's Table 2 (pretrained encoders on MS-COCO, unnormalised; AD mean and AD pass rate).
PAPER_TABLE2 = {
    "ResNet-34 supervised": {"ad_mean": 10.01, "ad_pass": 0.0},
    "DenseNet supervised": {"ad_mean": 2.98, "ad_pass": 0.42},
    "DINO ViT-B/32": {"ad_mean": 0.44, "ad_pass": 0.97},
    "CLIP image ViT-L/14": {"ad_mean": 0.47, "ad_pass": 0.968},
    "CLIP text": {"ad_mean": 0.53, "ad_pass": 0.940},
}

_ENCODERS = ("pretrained", "random_init")

_ENCODER = "sentence-transformers/all-MiniLM-L6-v2 (mean pooling, final Normalize dropped)"
_CONTROL = "same BertModel config and tokenizer, transformers' random init under torch.manual_seed(seed)"


def table2_config(**options) -> dict:
    """The full configuration behind :func:`run_table2`'s numbers (what its result records as ``config``).

    Parameters
    ----------
    **options
        ``n_sentences`` (per corpus), ``seed``, ``n_projections``, ``batch_size``, ``corpora`` (name ->
        sources of :data:`train.data.text.CORPUS_SOURCES`), ``n_rotations``; defaults: the published
        configuration (:data:`TABLE2_DEFAULTS`).

    Returns
    -------
    dict
        The options (``corpora`` with lists) and the two encoders' descriptions. Each corpus itself
        (pool size, SHA-256 of the chosen sentences, Python version whose documentation it is) is an
        outcome of the sources on this interpreter and is recorded beside the configuration.
    """
    from train.data.text import CORPUS_SOURCES

    unknown = sorted(set(options) - set(TABLE2_DEFAULTS))
    if unknown:
        raise ValueError(
            f"unknown table2 option(s) {', '.join(unknown)}; known: {', '.join(TABLE2_DEFAULTS)}"
        )
    o = {**TABLE2_DEFAULTS, **{k: v for k, v in options.items() if v is not None}}
    corpora = o["corpora"]
    if not isinstance(corpora, dict) or not corpora:
        raise TypeError(f"corpora must be a non-empty dict of name -> source names; got {corpora!r}")
    out_corpora = {}
    for name, sources in corpora.items():
        if isinstance(sources, str) or not hasattr(sources, "__iter__"):
            raise TypeError(
                f"corpora[{name!r}] must be a sequence of source names; got {type(sources).__name__}"
            )
        sources = list(sources)
        bad = [x for x in sources if x not in CORPUS_SOURCES]
        if not sources or bad or len(set(sources)) != len(sources):
            raise ValueError(
                f"corpora[{name!r}] must be distinct names among {', '.join(CORPUS_SOURCES)}; got {sources}"
            )
        out_corpora[str(name)] = sources
    return {
        "n_sentences": check_int(o["n_sentences"], "n_sentences", low=20),
        "seed": check_int(o["seed"], "seed", low=0),
        "n_projections": check_int(o["n_projections"], "n_projections", low=0),
        "batch_size": check_int(o["batch_size"], "batch_size", low=1),
        "corpora": out_corpora,
        "n_rotations": check_int(o["n_rotations"], "n_rotations", low=1),
        "encoder": _ENCODER,
        "control": _CONTROL,
    }
