"""Image loaders: digits (sklearn wheel), MNIST-1D (generated offline), CIFAR-10 from a fixture written
here in the python-pickle batch format, and the ACE lower estimate of eta2 on a channel with known rho."""

from __future__ import annotations

import math
import pickle

import numpy as np
import pytest
import torch

from train.data import images as I
from train.data.base import PairData


@pytest.fixture(scope="module")
def mnist1d():
    return I.load_mnist1d()


def test_digits():
    d = I.load_digits()
    assert isinstance(d, PairData) and d.name == "digits"
    assert d.x_train.shape == (1350, 1, 8, 8) and d.x_test.shape == (447, 1, 8, 8)
    assert d.input_shape == (1, 8, 8) and d.x_train.dtype == torch.float32
    both = torch.cat([d.x_train, d.x_test])
    assert float(both.min()) == 0.0 and float(both.max()) == 1.0
    pix = both * 16
    assert torch.equal(pix, pix.round())  # 17 grey levels 0..16
    labels = torch.cat([d.y_train, d.y_test])
    assert sorted(set(labels.tolist())) == list(range(10)) and d.n_classes == 10
    # the split is a partition: each image appears exactly once
    rows = {(*tuple(r.tolist()), int(lab)) for r, lab in zip(both.reshape(1797, -1), labels, strict=True)}
    assert len(rows) >= 1797 - 10  # sklearn's digits hold a few exact duplicates
    assert d.eta2 is None and "LOWER bound" in d.eta2_note
    x, y = d.views(d.x_train[:16], torch.Generator().manual_seed(0))
    assert x.shape == y.shape == (16, 1, 8, 8) and not torch.equal(x, y)
    assert I.load_digits(seed=3).x_test.shape == (447, 1, 8, 8)
    assert not torch.equal(I.load_digits(seed=3).x_test, d.x_test)


@pytest.mark.slow  # generates the MNIST-1D set (2 s)
def test_mnist1d_offline_and_laws(mnist1d, monkeypatch):
    m = mnist1d
    assert m.x_train.shape == (4000, 1, 40) and m.x_test.shape == (1000, 1, 40)
    allx = torch.cat([m.x_train, m.x_test]).double()
    # the package standardises the whole 5000 x 40 array to mean 0, sd 1
    assert abs(float(allx.mean())) < 1e-6 and abs(float(allx.std(unbiased=False)) - 1) < 1e-6
    counts = np.bincount(torch.cat([m.y_train, m.y_test]).numpy(), minlength=10)
    assert counts.tolist() == [500] * 10
    # no network, global random state untouched, same data again
    import requests

    def no_network(*a, **k):
        raise AssertionError("load_mnist1d tried to download")

    monkeypatch.setattr(requests, "get", no_network)
    np.random.seed(123)  # noqa: NPY002
    a = np.random.rand()  # noqa: NPY002
    np.random.seed(123)  # noqa: NPY002
    m2 = I.load_mnist1d(n_train=100, n_test=50)
    b = np.random.rand()  # noqa: NPY002
    assert a == b
    assert m2.x_train.shape == (100, 1, 40) and m2.x_test.shape == (50, 1, 40)
    # subsets are rows of the full set
    full = {tuple(r.tolist()) for r in m.x_train.reshape(4000, -1)}
    assert all(tuple(r.tolist()) in full for r in m2.x_train.reshape(100, -1))
    x, y = m.views(m.x_train[:8], torch.Generator().manual_seed(1))
    assert x.shape == (8, 1, 40) and not torch.equal(x, y)


def _write_cifar(folder, n_per_batch=4, n_test=3, seed=0):
    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True, exist_ok=True)
    batches = {}
    for name in [*(f"data_batch_{i}" for i in range(1, 6)), "test_batch"]:
        n = n_test if name == "test_batch" else n_per_batch
        data = rng.integers(0, 256, size=(n, 3072), dtype=np.uint8)
        labels = rng.integers(0, 10, size=n).tolist()
        batches[name] = (data, labels)
        with open(folder / name, "wb") as fh:
            pickle.dump(
                {b"batch_label": name.encode(), b"data": data, b"labels": labels, b"filenames": []}, fh
            )
    names = [
        b"airplane",
        b"automobile",
        b"bird",
        b"cat",
        b"deer",
        b"dog",
        b"frog",
        b"horse",
        b"ship",
        b"truck",
    ]
    with open(folder / "batches.meta", "wb") as fh:
        pickle.dump({b"label_names": names, b"num_cases_per_batch": n_per_batch, b"num_vis": 3072}, fh)
    return batches


def test_cifar10_fixture_loads(tmp_path):
    batches = _write_cifar(tmp_path)
    c = I.load_cifar10(tmp_path)
    assert c.x_train.shape == (20, 3, 32, 32) and c.x_test.shape == (3, 3, 32, 32)
    assert c.meta["label_names"][0] == "airplane" and c.meta["label_names"][9] == "truck"
    # the layout: 1024 red, 1024 green, 1024 blue values, each 32 x 32 row-major
    data, labels = batches["data_batch_2"]
    i, ch, r, col = 1, 2, 5, 17
    raw = data[i, ch * 1024 + r * 32 + col]
    assert float(c.x_train[4 + i, ch, r, col]) == pytest.approx(raw / 255.0, abs=1e-7)
    assert c.y_train[4 + i].item() == labels[i]
    assert c.y_test.tolist() == batches["test_batch"][1]
    assert float(c.x_train.min()) >= 0 and float(c.x_train.max()) <= 1
    x, _y = c.views(c.x_train[:5], torch.Generator().manual_seed(0))
    assert x.shape == (5, 3, 32, 32)
    # the standard subfolder name is found too; subsets
    _write_cifar(tmp_path / "other" / "cifar-10-batches-py")
    assert I.load_cifar10(tmp_path / "other", n_train=7).x_train.shape == (7, 3, 32, 32)


def test_cifar10_missing_files_named(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"data_batch_1.*test_batch.*batches\.meta"):
        I.load_cifar10(tmp_path)
    _write_cifar(tmp_path)
    (tmp_path / "test_batch").unlink()
    with pytest.raises(FileNotFoundError, match=r"missing in .*: test_batch"):
        I.load_cifar10(tmp_path)
    with pytest.raises(FileNotFoundError, match="not a directory"):
        I.load_cifar10(tmp_path / "nope")


def test_eta2_estimate_on_a_gaussian_channel():
    """x = A x0 + sqrt(1 - A^2) eps with x0, eps ~ N(0, I): every summary pair has rho_m = A exactly."""
    A = 0.6
    n = 800
    x0 = torch.randn(n, 1, 2, 3, generator=torch.Generator().manual_seed(0), dtype=torch.float64)

    def views(x, g):
        eps = torch.randn(x.shape, generator=g, dtype=x.dtype)
        return A * x + math.sqrt(1 - A**2) * eps, x

    r = I.estimate_view_eta2(x0, views, n_pairs=n, n_components=2, n_boot=10, seed=1)
    assert r.n_pairs == n and 0 < r.explained_variance < 1
    assert abs(r.rho - A) < 5 * r.se, (r.rho, r.se)
    assert r.ci_low <= r.eta2_low <= r.ci_high
    assert "lower bound" in r.what
    assert r.n_base == n and 0 <= r.identification_rate <= 1


def test_identification_rate_of_identity_and_of_noise():
    x0 = torch.rand(60, 1, 4, 4, generator=torch.Generator().manual_seed(2), dtype=torch.float64)
    same = I.estimate_view_eta2(x0, lambda x, g: (x.clone(), x), n_pairs=60, n_components=1, n_boot=0)
    assert same.identification_rate == 1.0 and same.eta2_low > 0.99
    indep = I.estimate_view_eta2(
        x0, lambda x, g: (torch.rand(x.shape, generator=g, dtype=x.dtype), x), n_pairs=60, n_boot=0
    )
    # an independent "view" finds its source only by chance (1/60 each): at most a few of 60
    assert indep.identification_rate <= 5 / 60
