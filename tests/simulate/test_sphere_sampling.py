"""Sampling laws on S^{d-1} at 5 standard errors, against closed forms and theory's numpy sampler."""

from __future__ import annotations

import contextlib
import math
import signal

import numpy as np
import pytest
import torch
from scipy import stats

from simulate.sphere import (
    as_generator,
    check_points,
    project,
    retract,
    sample_mixture,
    sample_uniform,
    sample_vmf,
    tangent,
)
from theory.uniformity import mean_resultant_length
from theory.uniformity import sample_vmf as theory_sample_vmf


@pytest.fixture(autouse=True)
def _one_thread():
    n = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(n)


@pytest.mark.parametrize("d", [2, 3, 10])
def test_uniform_first_and_second_moments(d):
    """E u = 0, E u u^T = I/d; SEs from the exact moments E u_k^4 = 3/(d(d+2)), E u_k^2 u_l^2 = 1/(d(d+2))."""
    N = 40_000
    u = sample_uniform(N, d, generator=123).numpy()
    assert u.shape == (N, d) and np.allclose(np.linalg.norm(u, axis=1), 1.0, atol=1e-14)
    se_mean = math.sqrt(1.0 / d / N)
    assert np.all(np.abs(u.mean(axis=0)) < 5 * se_mean)
    M = u.T @ u / N
    var_diag = 3.0 / (d * (d + 2)) - 1.0 / d**2
    var_off = 1.0 / (d * (d + 2))
    diag_err = np.abs(np.diag(M) - 1.0 / d) / math.sqrt(var_diag / N)
    off = M[~np.eye(d, dtype=bool)] / math.sqrt(var_off / N)
    assert np.all(diag_err < 5) and np.all(np.abs(off) < 5)


@pytest.mark.parametrize(
    ("d", "kappa"), [(2, 1.0), (3, 0.5), (3, 20.0), (10, 5.0), (64, 30.0), (128, 2000.0)]
)
def test_vmf_mean_resultant_length(d, kappa):
    """E w.u = A_d(kappa) (theory's closed form) at 5 SE; the tangent part averages to 0."""
    N = 20_000
    mean = torch.zeros(d, dtype=torch.float64)
    mean[-1] = 1.0
    u = sample_vmf(N, mean, kappa, generator=7)
    assert u.dtype == torch.float64
    t = u[:, -1].numpy()
    se = t.std(ddof=1) / math.sqrt(N)
    assert abs(t.mean() - mean_resultant_length(d, kappa)) < 5 * se
    perp = u[:, :-1].numpy().mean(axis=0)
    se_perp = np.sqrt(u[:, :-1].numpy().var(axis=0, ddof=1) / N)
    assert np.all(np.abs(perp) < 5 * se_perp)
    # a second algorithm: theory's numpy Wood sampler, same law of t (two-sample KS at level 1e-6)
    t_np = theory_sample_vmf(N, mean.numpy(), kappa, seed=8)[:, -1]
    assert stats.ks_2samp(t, t_np).pvalue > 1e-6


def test_vmf_kappa_zero_is_uniform_and_rows_means():
    N, d = 20_000, 4
    u = sample_vmf(N, torch.tensor([0.0, 1.0, 0.0, 0.0]), 0.0, generator=3).numpy()
    assert np.all(np.abs(u.mean(axis=0)) < 5 * math.sqrt(1.0 / d / N))
    # one mean per row, per-row kappas
    means = sample_uniform(N, d, generator=4)
    kappas = torch.full((N,), 10.0, dtype=torch.float64)
    v = sample_vmf(N, means, kappas, generator=5)
    t = (v * means).sum(dim=1).numpy()
    assert abs(t.mean() - mean_resultant_length(d, 10.0)) < 5 * t.std(ddof=1) / math.sqrt(N)


def test_mixture_mean():
    """E u = sum_c pi_c A_d(kappa_c) w_c at 5 SE per coordinate."""
    N, d = 30_000, 3
    means = torch.tensor([[1.0, 0, 0], [0, 1.0, 0], [0, 0, -1.0]], dtype=torch.float64)
    kappas = [2.0, 8.0, 0.5]
    weights = [0.5, 0.3, 0.2]
    u = sample_mixture(N, means, kappas, weights, generator=11).numpy()
    expect = sum(
        w * mean_resultant_length(d, k) * m for w, k, m in zip(weights, kappas, means.numpy(), strict=True)
    )
    se = u.std(axis=0, ddof=1) / math.sqrt(N)
    assert np.all(np.abs(u.mean(axis=0) - expect) < 5 * se)


def test_generators_reproduce_and_dtypes():
    a = sample_vmf(100, [0.0, 0.0, 1.0], 3.0, generator=5, dtype=torch.float32)
    b = sample_vmf(100, [0.0, 0.0, 1.0], 3.0, generator=torch.Generator().manual_seed(5), dtype=torch.float32)
    assert a.dtype == torch.float32 and torch.equal(a, b)
    c = sample_uniform(10, 3, generator=1)
    assert torch.equal(c, sample_uniform(10, 3, generator=1))
    assert not torch.equal(c, sample_uniform(10, 3, generator=2))
    g = as_generator(9)
    assert isinstance(g, torch.Generator) and as_generator(g) is g
    with pytest.raises(TypeError, match="generator"):
        as_generator("seed")


def test_verbs():
    gen = torch.Generator().manual_seed(0)
    x = project(torch.randn(50, 4, dtype=torch.float64, generator=gen))
    assert torch.allclose(x.norm(dim=1), torch.ones(50, dtype=torch.float64), atol=1e-15)
    g = torch.randn(50, 4, dtype=torch.float64, generator=gen)
    t = tangent(x, g)
    assert float((t * x).sum(dim=1).abs().max()) < 1e-14
    assert torch.allclose(tangent(x, t), t, atol=1e-15)  # idempotent
    y = retract(x, 0.1 * t)
    assert torch.allclose(y.norm(dim=1), torch.ones(50, dtype=torch.float64), atol=1e-15)
    # first order: R_x(v) = x + v + O(|v|^2)
    v = 1e-4 * t
    assert float((retract(x, v) - x - v).abs().max()) < 1e-7
    with pytest.raises(ValueError, match="zero"):
        project(torch.zeros(2, 3))


@pytest.mark.parametrize(
    ("x", "exc", "match"),
    [
        (np.eye(3), TypeError, "torch.Tensor"),
        (torch.eye(3, dtype=torch.int32), TypeError, "floating"),
        (torch.ones(3), ValueError, "shape"),
        (torch.tensor([[1.0, 0.0], [float("nan"), 0.0]]), ValueError, "NaN"),
        (torch.tensor([[1.0, 0.0], [0.0, 1.1]]), ValueError, r"rows \[1\]"),
    ],
)
def test_check_points_errors(x, exc, match):
    with pytest.raises(exc, match=match):
        check_points(x, "points")


def test_sampler_argument_errors():
    with pytest.raises(ValueError, match="kappa"):
        sample_vmf(10, [1.0, 0.0], -1.0)
    with pytest.raises(ValueError, match="mean"):
        sample_vmf(10, [2.0, 0.0], 1.0)
    with pytest.raises(ValueError, match="weights"):
        sample_mixture(10, [[1.0, 0.0]], [1.0], [1.0, 2.0])
    with pytest.raises(ValueError, match="N"):
        sample_uniform(0, 3)


@contextlib.contextmanager
def _deadline(seconds: int):
    """Fail (instead of hanging) when the body runs longer than ``seconds``."""

    def _raise(signum, frame):
        raise TimeoutError(f"no result within {seconds} s")

    old = signal.signal(signal.SIGALRM, _raise)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


@pytest.mark.parametrize(("d", "kappa"), [(5, 1e16), (3, 1e12), (12, 1e300)])
def test_vmf_large_kappa_tangential_law_and_mean_resultant(d, kappa):
    """Large kappa: t = w.u rounds to 1, so the law is read off the tangential part u_perp.

    Exact law: kappa (1 - t) -> Gamma((d-1)/2, 1) with corrections O(1/kappa), so kappa |u_perp|^2 =
    kappa (1 - t^2) is chi^2_{d-1} to O(1/kappa) (KS at p > 1e-6); E(1 - t) = 1 - A_d(kappa) =
    (d-1)/(2 kappa) (1 + O(1/kappa)) (5 SE; at kappa = 1e12 against theory's A_d); the tangential
    direction is uniform (mean 0 at 5 SE). Wood's textbook acceptance test never accepts at 1e16."""
    N = 20_000
    mean = torch.zeros(d, dtype=torch.float64)
    mean[0] = 1.0
    with _deadline(60):
        u = sample_vmf(N, mean, kappa, generator=17)
    assert torch.isfinite(u).all()
    assert float((torch.linalg.vector_norm(u, dim=1) - 1.0).abs().max()) < 1e-15
    perp = u[:, 1:].numpy()
    r2 = (perp * perp).sum(axis=1)
    assert stats.kstest(kappa * r2, stats.chi2(d - 1).cdf).pvalue > 1e-6
    one_minus_t = kappa * r2 / (1.0 + u[:, 0].numpy())  # kappa (1 - t), exactly, from |u_perp|^2 = 1 - t^2
    if kappa <= 1e12:
        expected = kappa * (1.0 - mean_resultant_length(d, kappa))
    else:
        expected = (d - 1) / 2.0
    se = one_minus_t.std(ddof=1) / math.sqrt(N)
    assert abs(one_minus_t.mean() - expected) < 5 * se + 1e-3 * expected
    direction = perp / np.sqrt(r2)[:, None]
    assert np.all(np.abs(direction.mean(axis=0)) < 5 * math.sqrt(1.0 / (d - 1) / N))


def test_vmf_large_kappa_float32_keeps_the_tangential_part():
    u = sample_vmf(4000, [1.0, 0.0, 0.0, 0.0], 1e16, generator=3, dtype=torch.float32)
    r2 = (u[:, 1:].double() ** 2).sum(dim=1).numpy()
    assert u.dtype == torch.float32 and np.all(r2 > 0)
    assert stats.kstest(1e16 * r2, stats.chi2(3).cdf).pvalue > 1e-6
