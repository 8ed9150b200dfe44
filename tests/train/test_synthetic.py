"""The synthetic generators have their stated laws (App. E.1), at about 5 standard errors."""

import math

import numpy as np
import pytest
import torch

from theory.hgr import eta2_binary_pairing
from train.data import DATASETS, make_data
from train.data.synthetic import BinaryViews, LaplaceViews, make_binary, make_gmm, make_laplace


def _corr_per_coordinate(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    a = a - a.mean(0)
    b = b - b.mean(0)
    return (a * b).sum(0) / np.sqrt((a * a).sum(0) * (b * b).sum(0))


def test_laplace_base_law():
    data = make_laplace(n_train=3000, n_test=10, dim=64, seed=1, eta2=False)
    x = data.x_train.double().numpy().ravel()
    # Laplace(0, 1): E|X| = 1, Var X = 2, P(|X| > 1) = e^-1
    n = x.size
    assert abs(np.abs(x).mean() - 1.0) < 5 * 1.0 / math.sqrt(n)  # Var|X| = 1
    assert abs(x.var() - 2.0) < 5 * math.sqrt(20.0 / n)  # Var X^2 = E X^4 - 4 = 24 - 4
    p = math.exp(-1)
    assert abs(np.mean(np.abs(x) > 1) - p) < 5 * math.sqrt(p * (1 - p) / n)


@pytest.mark.claim("P1")
@pytest.mark.parametrize("A", [0.6, 0.2])
def test_laplace_channel_regression_and_correlation(A):
    """Before the jitter, E[X | X0] = A X0 and Var(X | X0) = 1 - A^2, so the per-coordinate regression slope
    is A; the correlation is A sqrt(2 / (1 + A^2)), not A, because Var X0 = 2 for Laplace(0, 1)."""
    data = make_laplace(n_train=4000, n_test=10, dim=64, A=A, seed=2, eta2=False)
    g = torch.Generator().manual_seed(3)
    x0 = data.x_train.double()
    x = data.views.channel(x0, g)
    x0n, xn = x0.numpy(), x.numpy()
    slopes = ((x0n - x0n.mean(0)) * (xn - xn.mean(0))).sum(0) / ((x0n - x0n.mean(0)) ** 2).sum(0)
    assert abs(slopes.mean() - A) < 5 * slopes.std(ddof=1) / math.sqrt(slopes.size)
    r = _corr_per_coordinate(x0n, xn)
    target = A * math.sqrt(2.0 / (1.0 + A * A))
    assert abs(r.mean() - target) < 5 * r.std(ddof=1) / math.sqrt(r.size)
    resid = xn - A * x0n
    assert abs(resid.var() - (1 - A * A)) < 5 * (1 - A * A) * math.sqrt(2.0 / resid.size)


def test_laplace_jitter_moments():
    v = LaplaceViews(A=0.6, jitter_sd=0.2, dropout=0.1, scale_sd=0.1)
    g = torch.Generator().manual_seed(4)
    n, D = 4000, 256
    x = v.jitter(torch.ones(n, D, dtype=torch.float64), g).numpy()
    zero = x == 0
    # dropout: P(exactly 0) = p
    assert abs(zero.mean() - 0.1) < 5 * math.sqrt(0.1 * 0.9 / zero.size)
    # kept entries are S (1 + 0.2 xi) / 0.9 with one S per row
    kept = np.where(zero, np.nan, x * 0.9)
    row_mean = np.nanmean(kept, axis=1)
    logs = np.log(row_mean)
    # sd of log S is 0.1 (the row average of 1 + 0.2 xi adds variance 0.04 / (0.9 D))
    sd_target = math.sqrt(0.01 + 0.04 / (0.9 * D))
    assert abs(logs.std(ddof=1) - sd_target) < 5 * sd_target / math.sqrt(2 * (n - 1))
    assert abs(logs.mean()) < 5 * sd_target / math.sqrt(n)
    within = kept / row_mean[:, None]
    sd_noise = np.nanstd(within)
    assert abs(sd_noise - 0.2) < 0.01


def test_laplace_views_conditionally_independent_and_reproducible():
    data = make_laplace(n_train=2000, n_test=10, dim=32, seed=5, eta2=False)
    x0 = data.x_train
    a1, b1 = data.views(x0, torch.Generator().manual_seed(9))
    a2, b2 = data.views(x0, torch.Generator().manual_seed(9))
    assert torch.equal(a1, a2) and torch.equal(b1, b2)
    # residuals given X0 are uncorrelated across the two views
    ra = (a1 - 0.6 * x0).double().numpy()
    rb = (b1 - 0.6 * x0).double().numpy()
    r = _corr_per_coordinate(ra, rb)
    assert abs(r.mean()) < 5 * r.std(ddof=1) / math.sqrt(r.size) + 1e-3


@pytest.mark.slow
def test_laplace_eta2_from_theory_not_A2():
    """Slow: the grid operator of theory.hgr costs 3 s unloaded, 40 s on a busy 2-core machine."""
    data = make_laplace(n_train=20, n_test=20, dim=8, seed=0)
    assert data.eta2 is not None and 0.5 < data.eta2 < 0.6  # 0.561 at A = 0.6, not A^2 = 0.36
    assert "eta2_laplace_channel" in data.eta2_note


def test_gmm_component_structure():
    data = make_gmm(n_train=3000, n_test=500, dim=64, n_components=25, mean_scale=0.3, sigma=1.0, seed=6)
    v = data.views
    assert torch.equal(v.component(data.x_train), data.y_train)
    assert torch.equal(v.component(data.x_test), data.y_test)
    counts = np.bincount(data.y_train.numpy(), minlength=25)
    expected = 3000 / 25
    chi2 = float(((counts - expected) ** 2 / expected).sum())
    assert chi2 < 24 + 5 * math.sqrt(48)  # chi^2_24: mean 24, sd sqrt(48)
    xa, xb = v(data.x_train, torch.Generator().manual_seed(7))
    mu = v.means[data.y_train].double()
    ea, eb = (xa.double() - mu).numpy(), (xb.double() - mu).numpy()
    n = ea.size
    assert abs(ea.mean()) < 5 / math.sqrt(n)
    assert abs(ea.var() - 1.0) < 5 * math.sqrt(2.0 / n)
    assert abs((ea * eb).mean()) < 5 / math.sqrt(n)  # two independent draws given the component
    # base rows are draws from their own component too
    e0 = (data.x_train.double() - mu).numpy()
    assert abs(e0.var() - 1.0) < 5 * math.sqrt(2.0 / n)


def test_gmm_unknown_rows_get_the_nearest_mean():
    data = make_gmm(n_train=200, n_test=50, dim=64, mean_scale=5.0, sigma=0.1, seed=8, eta2=False)
    fresh = data.views.means[torch.arange(25)] + 0.01
    assert torch.equal(data.views.component(fresh), torch.arange(25))


def test_binary_flip_rate_and_ones_stay():
    data = make_binary(n_train=3000, n_test=10, dim=1024, sparsity=0.01, flip=0.001, seed=9)
    x0 = data.x_train
    s_hat = float(x0.mean())
    assert abs(s_hat - 0.01) < 5 * math.sqrt(0.01 * 0.99 / x0.numel())
    xa, xb = data.views(x0, torch.Generator().manual_seed(10))
    ones = x0 == 1
    assert bool(torch.all(xa[ones] == 1)) and bool(torch.all(xb[ones] == 1))
    zeros = ~ones
    for x in (xa, xb):
        flips = float(x[zeros].sum())
        nz = int(zeros.sum())
        assert abs(flips / nz - 0.001) < 5 * math.sqrt(0.001 * 0.999 / nz)
    both = float((xa[zeros] * xb[zeros]).sum())  # independent flips: P(both) = q^2
    nz = int(zeros.sum())
    assert abs(both - nz * 1e-6) < 5 * math.sqrt(nz * 1e-6) + 1
    assert data.eta2 == pytest.approx(eta2_binary_pairing(0.01, 0.001), rel=1e-15)
    assert set(torch.unique(xa).tolist()) <= {0.0, 1.0}


def test_binary_views_callable_matches_channel():
    v = BinaryViews(0.5)
    x0 = torch.zeros(4000, 16)
    xa, _ = v(x0, torch.Generator().manual_seed(0))
    assert abs(float(xa.mean()) - 0.5) < 5 * math.sqrt(0.25 / xa.numel())


def test_registry_and_errors():
    assert {"laplace", "gmm", "binary", "digits", "mnist1d", "cifar10", "text"} <= set(DATASETS)
    d = make_data("binary", n_train=30, n_test=25, dim=16, sparsity=0.2)
    assert d.x_train.shape == (30, 16) and d.input_shape == (16,) and d.n_test == 25
    with pytest.raises(ValueError, match="data name"):
        make_data("nope")
    with pytest.raises(ValueError, match="sparsity"):
        make_binary(sparsity=0.0)
    with pytest.raises(ValueError, match="A"):
        make_laplace(A=2.0, eta2=False)


def _laplace_views_reference(v: LaplaceViews, x0: torch.Tensor, g: torch.Generator):
    """The Laplace views as first written (out of place, one temporary tensor per operation): the
    published training runs drew their views with this code (on one thread here, for speed only:
    elementwise results do not depend on the thread count)."""
    from train.data._common import one_thread_below

    with one_thread_below(0):
        return _laplace_views_reference_body(v, x0, g)


def _laplace_views_reference_body(v, x0, g):

    def channel(x0):
        return v.A * x0 + math.sqrt(1.0 - v.A**2) * torch.randn(x0.shape, generator=g, dtype=x0.dtype)

    def jitter(x):
        x = x + v.jitter_sd * torch.randn(x.shape, generator=g, dtype=x.dtype)
        if v.dropout > 0:
            keep = (torch.rand(x.shape, generator=g, dtype=x.dtype) >= v.dropout).to(x.dtype)
            x = x * keep / (1.0 - v.dropout)
        scale = torch.exp(
            v.scale_sd * torch.randn((x.shape[0],) + (1,) * (x.ndim - 1), generator=g, dtype=x.dtype)
        )
        return x * scale

    return jitter(channel(x0)), jitter(channel(x0))


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
@pytest.mark.parametrize(
    "params",
    [
        {},
        {"A": 0.2, "dropout": 0.0},
        {"A": -0.8, "jitter_sd": 0.0, "scale_sd": 0.0},
        {"A": 1.0, "dropout": 0.5},
    ],
)
def test_laplace_views_bit_identical_to_the_published_implementation(dtype, params):
    """Same generator state in, the same bits out (both views, every entry, signed zeros included) and
    the same generator state after: runs drawn before and after the in-place rewrite are the same runs."""
    v = LaplaceViews(**params)
    base = torch.Generator().manual_seed(11)
    shape = (128, 1024) if not params else (32, 256)  # the published batch, and smaller ones
    x0 = ((torch.rand(shape, generator=base, dtype=torch.float64) - 0.5) * 8).to(dtype)
    x0[0, :8] = 0.0
    for seed in (0, 2024):
        g_new, g_ref = torch.Generator().manual_seed(seed), torch.Generator().manual_seed(seed)
        for _ in range(2):  # a second call continues from the state the first left
            new, ref = v(x0, g_new), _laplace_views_reference(v, x0, g_ref)
            for a, b in zip(new, ref, strict=True):
                assert a.dtype == b.dtype == dtype and a.shape == b.shape
                assert a.numpy().tobytes() == b.numpy().tobytes()
        assert torch.equal(g_new.get_state(), g_ref.get_state())
    # the public pieces keep their values and leave their input alone
    g_new, g_ref = torch.Generator().manual_seed(3), torch.Generator().manual_seed(3)
    x = x0.clone()
    ch = v.channel(x, g_new)
    ch_ref = v.A * x0 + math.sqrt(1.0 - v.A**2) * torch.randn(x0.shape, generator=g_ref, dtype=dtype)
    assert ch.numpy().tobytes() == ch_ref.numpy().tobytes() and torch.equal(x, x0)
    jit = v.jitter(x, g_new)
    jit_ref = x0 + v.jitter_sd * torch.randn(x0.shape, generator=g_ref, dtype=dtype)
    if v.dropout > 0:
        keep = (torch.rand(x0.shape, generator=g_ref, dtype=dtype) >= v.dropout).to(dtype)
        jit_ref = jit_ref * keep / (1.0 - v.dropout)
    jit_ref = jit_ref * torch.exp(v.scale_sd * torch.randn((shape[0], 1), generator=g_ref, dtype=dtype))
    assert jit.numpy().tobytes() == jit_ref.numpy().tobytes() and torch.equal(x, x0)


def test_small_views_run_on_one_thread_and_restore_the_count():
    from train.data._common import ONE_THREAD_BELOW, one_thread_below

    before = torch.get_num_threads()
    torch.set_num_threads(2)
    try:
        with one_thread_below(128 * 1024):
            assert torch.get_num_threads() == 1
        assert torch.get_num_threads() == 2
        with one_thread_below(ONE_THREAD_BELOW):
            assert torch.get_num_threads() == 2
        with pytest.raises(RuntimeError), one_thread_below(10):
            raise RuntimeError("inside")
        assert torch.get_num_threads() == 2
    finally:
        torch.set_num_threads(before)
