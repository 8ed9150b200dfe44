"""The objectives against direct evaluations of their formulas (float64 loops) and theory's numpy InfoNCE."""

import math

import numpy as np
import pytest
import torch

from theory.uniformity import infonce_loss
from train.objectives import barlow_twins, infonce, infonce_symmetric, vicreg


def _eq2_loops(z1: np.ndarray, z2: np.ndarray, alpha: float) -> float:
    """Eq. 2 written out: -(1/N) sum_i log(exp(alpha u_i.v_i) / sum_j exp(alpha u_i.v_j))."""
    N = z1.shape[0]
    u = [z1[i] / math.sqrt(sum(t * t for t in z1[i])) for i in range(N)]
    v = [z2[i] / math.sqrt(sum(t * t for t in z2[i])) for i in range(N)]
    total = 0.0
    for i in range(N):
        num = math.exp(alpha * float(np.dot(u[i], v[i])))
        den = sum(math.exp(alpha * float(np.dot(u[i], v[j]))) for j in range(N))
        total += math.log(num / den)
    return -total / N


@pytest.mark.parametrize(("N", "d", "alpha"), [(2, 3, 1.0), (7, 5, 10.0), (16, 4, 0.3)])
def test_infonce_is_eq2(N, d, alpha):
    rng = np.random.default_rng(N * 100 + d)
    z1 = rng.standard_normal((N, d)) * rng.uniform(0.1, 3.0, (N, 1))
    z2 = rng.standard_normal((N, d))
    got = float(infonce(torch.from_numpy(z1), torch.from_numpy(z2), alpha))
    assert got == pytest.approx(_eq2_loops(z1, z2, alpha), rel=1e-12, abs=1e-12)
    u = z1 / np.linalg.norm(z1, axis=1, keepdims=True)
    v = z2 / np.linalg.norm(z2, axis=1, keepdims=True)
    assert got == pytest.approx(infonce_loss(u, v, alpha), rel=1e-12, abs=1e-12)
    sym = float(infonce_symmetric(torch.from_numpy(z1), torch.from_numpy(z2), alpha))
    assert sym == pytest.approx(0.5 * (_eq2_loops(z1, z2, alpha) + _eq2_loops(z2, z1, alpha)), rel=1e-12)


def test_infonce_gradient_is_the_published_runs_bit_for_bit():
    # the published training results were made with F.normalize and logsumexp minus the diagonal; a
    # formulation of the same number with other roundings (F.cross_entropy with the diagonal as targets
    # differs here in the last bits of the gradient) trains other numbers, up to 2e-2 apart after 50
    # epochs of MNIST-1D, as Adam's first steps move near-zero gradient entries by up to the learning rate
    g = torch.Generator().manual_seed(0)
    x1, x2 = (torch.randn(128, 64, generator=g) * 3 for _ in range(2))
    z1, z2 = x1.clone().requires_grad_(), x2.clone().requires_grad_()
    loss = infonce(z1, z2, 10.0)
    loss.backward()
    r1, r2 = x1.clone().requires_grad_(), x2.clone().requires_grad_()
    logits = 10.0 * torch.nn.functional.normalize(r1, dim=1) @ torch.nn.functional.normalize(r2, dim=1).T
    ref = (torch.logsumexp(logits, dim=1) - logits.diagonal()).mean()
    ref.backward()
    assert torch.equal(loss.detach(), ref.detach())
    assert torch.equal(z1.grad, r1.grad) and torch.equal(z2.grad, r2.grad)


def test_infonce_one_direction_and_positive_in_denominator():
    # identical views: each row's positive is one of N equal terms when all rows coincide -> loss log N
    z = torch.ones(5, 3, dtype=torch.float64)
    assert float(infonce(z, z, 2.0)) == pytest.approx(math.log(5), rel=1e-14)
    # asymmetry: L(u, v) != L(v, u) in general
    g = torch.Generator().manual_seed(0)
    a = torch.randn(6, 4, generator=g, dtype=torch.float64)
    b = torch.randn(6, 4, generator=g, dtype=torch.float64)
    assert abs(float(infonce(a, b, 5.0)) - float(infonce(b, a, 5.0))) > 1e-6


def _vicreg_direct(a: np.ndarray, b: np.ndarray) -> float:
    n, d = a.shape
    inv = sum((a[i, k] - b[i, k]) ** 2 for i in range(n) for k in range(d)) / (n * d)

    def var_term(z):
        out = 0.0
        for k in range(d):
            col = z[:, k]
            m = sum(col) / n
            var = sum((c - m) ** 2 for c in col) / (n - 1)
            out += max(0.0, 1.0 - math.sqrt(var + 1e-4))
        return out / d

    def cov_term(z):
        m = z.mean(0)
        out = 0.0
        for k in range(d):
            for m2 in range(d):
                if k != m2:
                    c = sum((z[i, k] - m[k]) * (z[i, m2] - m[m2]) for i in range(n)) / (n - 1)
                    out += c * c
        return out / d

    return 25.0 * inv + 25.0 * (var_term(a) + var_term(b)) + 1.0 * (cov_term(a) + cov_term(b))


def _barlow_direct(a: np.ndarray, b: np.ndarray, lam: float = 5e-3) -> float:
    n, d = a.shape
    sa = (a - a.mean(0)) / a.std(0)
    sb = (b - b.mean(0)) / b.std(0)
    loss = 0.0
    for k in range(d):
        for j in range(d):
            c = sum(sa[i, k] * sb[i, j] for i in range(n)) / n
            loss += (1 - c) ** 2 if k == j else lam * c * c
    return loss


@pytest.mark.parametrize("scale", [0.3, 2.0])
def test_vicreg_and_barlow_direct(scale):
    rng = np.random.default_rng(int(scale * 10))
    a = rng.standard_normal((9, 4)) * scale
    b = a + 0.5 * rng.standard_normal((9, 4))
    ta, tb = torch.from_numpy(a), torch.from_numpy(b)
    assert float(vicreg(ta, tb)) == pytest.approx(_vicreg_direct(a, b), rel=1e-10)
    assert float(barlow_twins(ta, tb)) == pytest.approx(_barlow_direct(a, b), rel=1e-8)
