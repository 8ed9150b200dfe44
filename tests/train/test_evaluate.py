"""Evaluation: the metrics equal direct computations, the result is strict JSON."""

import dataclasses
import json
import math

import numpy as np
import pytest
import torch

from train.data.base import PairData
from train.evaluate import evaluate


class _Identity(torch.nn.Module):
    def forward(self, x):
        return x


def _views(x0, g):
    return x0 + 0.5 * torch.randn(x0.shape, generator=g, dtype=x0.dtype), x0 + 0.5 * torch.randn(
        x0.shape, generator=g, dtype=x0.dtype
    )


def _data(labels: bool) -> PairData:
    g = torch.Generator().manual_seed(0)
    x = torch.randn(400, 6, generator=g, dtype=torch.float64) + 0.3
    y = torch.arange(400) % 2 if labels else None
    return PairData("toy", x[:100], x[100:], None if y is None else y[:100], None if y is None else y[100:],
                    _views, 0.8, "toy", (6,), {})  # fmt: skip


@pytest.mark.parametrize("labels", [False, True])
def test_metrics_against_direct_formulas(labels):
    data = _data(labels)
    r = evaluate(_Identity(), data, epoch=3, alpha=2.0, N=50, n_eval=300, n_projections=3, n_phi=100, seed=1)
    z = data.x_test.numpy()
    nrm = np.linalg.norm(z, axis=1)
    assert r.n == 300 and r.d == 6 and r.epoch == 3
    assert r.cv == pytest.approx(nrm.std() / nrm.mean(), rel=1e-12)
    g = torch.Generator().manual_seed(1 + 7919)  # the evaluation views, re-drawn independently
    xa, xb = _views(data.x_test, g)
    u = xa.numpy() / np.linalg.norm(xa.numpy(), axis=1, keepdims=True)
    v = xb.numpy() / np.linalg.norm(xb.numpy(), axis=1, keepdims=True)
    uv = np.einsum("ij,ij->i", u, v)
    assert r.alignment == pytest.approx(uv.mean(), rel=1e-12)
    w = 0.5 * (u + v)
    s = w.sum(0)
    m2 = (s @ s - np.einsum("ij,ij->", w, w)) / (300 * 299)
    assert r.mean_sq_norm == pytest.approx(m2, rel=1e-10)
    assert r.bound == pytest.approx(0.8 + 0.2 * m2, rel=1e-12)
    assert r.slack == pytest.approx(0.8 + 0.2 * m2 - uv.mean(), rel=1e-10)
    # Eq. 2 on consecutive batches of 50
    losses = []
    for b in range(0, 300, 50):
        G = 2.0 * u[b : b + 50] @ v[b : b + 50].T
        losses.append(np.mean(np.log(np.exp(G).sum(1)) - np.diag(G)))
    assert r.test_loss == pytest.approx(np.mean(losses), rel=1e-12)
    assert r.phi_uniform == pytest.approx(math.log(math.gamma(3) * (2 / 2.0) ** 2 * _iv(2, 2.0)), rel=1e-10)
    assert (r.class_ad_mean is not None) == labels and r.n_classes_evaluated == (2 if labels else 0)
    json.dumps(r.to_dict(), allow_nan=False)


def _iv(nu: int, x: float) -> float:
    return sum((x / 2) ** (2 * k + nu) / (math.factorial(k) * math.gamma(k + nu + 1)) for k in range(60))


def test_gaussian_embeddings_pass_and_skewed_fail():
    g = torch.Generator().manual_seed(5)
    gauss = torch.randn(2500, 16, generator=g, dtype=torch.float64)
    skew = torch.exp(gauss)
    for x, expect in ((gauss, True), (skew, False)):
        data = PairData("t", x[:20], x, None, None, _views, None, "unknown", (16,), {})
        r = evaluate(_Identity(), data, epoch=0, alpha=1.0, N=100, n_eval=2500, n_projections=0, n_phi=50)
        assert r.gaussian is expect
        assert r.bound is None and r.bound_violated is None


def test_cache_draws_the_views_once_and_changes_no_number():
    data = _data(labels=True)
    calls = []

    def counted(x0, g):
        calls.append(x0.shape[0])
        return _views(x0, g)

    data = dataclasses.replace(data, views=counted)
    kw = dict(alpha=2.0, N=50, n_eval=300, n_projections=3, n_phi=100, seed=1)
    model = torch.nn.Linear(6, 4, dtype=torch.float64)
    plain = [evaluate(model, data, epoch=e, **kw).to_dict() for e in (0, 1)]
    assert calls == [300, 300]
    cache: dict = {}
    cached = [evaluate(model, data, epoch=e, cache=cache, **kw).to_dict() for e in (0, 1)]
    assert calls == [300, 300, 300]  # drawn once for both evaluations
    assert json.dumps(cached) == json.dumps(plain)
    evaluate(model, data, epoch=2, cache=cache, **{**kw, "seed": 2})  # another seed: drawn again
    evaluate(model, data, epoch=2, cache=cache, **{**kw, "n_eval": 200})  # other samples: drawn again
    assert calls == [300, 300, 300, 300, 200]
    with pytest.raises(TypeError, match="cache must be a dict"):
        evaluate(model, data, epoch=0, cache=[], **kw)
