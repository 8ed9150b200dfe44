"""Pinned values of :mod:`theory.uniformity` that mutation testing showed unchecked.

``phi_estimate`` is held against the jackknife written out directly (explicit leave-one-out sums of the
kernel matrix, no blocks, no log-sum-exp tricks); the sympy derivation against its symbol names; the
lazy re-exports against their names.
"""

import numpy as np
import pytest

import theory.uniformity as uni
from theory.sphere import sample_uniform
from theory.uniformity import phi_estimate, phi_uniform_sympy_d3


def _jackknife(x: np.ndarray, alpha: float) -> tuple[float, float, float]:
    """(value, se, plugin) of the self-pair-free jackknife, directly from K = exp(alpha X X^T)."""
    n = x.shape[0]
    K = np.exp(alpha * (x @ x.T))
    np.fill_diagonal(K, 0.0)
    S = K.sum(axis=1)
    plugin = np.mean(np.log(S / (n - 1)))
    loo = np.empty(n)
    for k in range(n):
        keep = np.arange(n) != k
        loo[k] = np.mean(np.log((S[keep] - K[keep, k]) / (n - 2)))
    value = n * plugin - (n - 1) * loo.mean()
    se = np.sqrt((n - 1) / n * np.sum((loo - loo.mean()) ** 2))
    return value, se, plugin


@pytest.mark.claim("T1")
@pytest.mark.parametrize(("n", "d", "alpha"), [(3, 3, 1.5), (4, 2, 0.7), (7, 5, 3.0), (1030, 3, 2.0)])
def test_phi_estimate_is_the_jackknife(n, d, alpha):
    x = sample_uniform(n, d, seed=n)
    est = phi_estimate(x, alpha)
    value, se, plugin = _jackknife(x, alpha)
    assert est.n_samples == n
    assert est.plugin == pytest.approx(plugin, rel=1e-12, abs=1e-12)
    assert est.value == pytest.approx(value, rel=1e-9, abs=1e-10)
    assert est.se == pytest.approx(se, rel=1e-8, abs=1e-12)


def test_phi_estimate_needs_three_rows():
    with pytest.raises(ValueError, match="samples must have at least 3 rows for the jackknife; got N = 2"):
        phi_estimate(sample_uniform(2, 3, seed=0), 1.0)


def test_phi_uniform_sympy_d3_symbols_and_dict():
    import sympy as sy

    res = phi_uniform_sympy_d3()
    assert res.alpha.name == "alpha"
    assert sy.simplify(res.expr - sy.log(sy.sinh(res.alpha) / res.alpha)) == 0
    assert res.to_dict() == {"alpha": "alpha", "expr": str(res.expr)}


def test_lazy_infonce_names():
    names = dir(uni)
    assert names == sorted(names) and {"infonce_loss", "population_loss", "phi_vmf"} <= set(names)
    import theory.infonce

    assert uni.infonce_loss is theory.infonce.infonce_loss
    with pytest.raises(AttributeError, match=r"module 'theory\.uniformity' has no attribute 'nope'"):
        uni.nope  # noqa: B018


@pytest.mark.claim("T1")
@pytest.mark.parametrize(("n", "weighted"), [(1030, False), (2100, True)])
def test_phi_discrete_past_one_block(n, weighted):
    # more atoms than one log-sum-exp block (1024 rows): every row must be counted once; the direct
    # double sum sum_i w_i log sum_j w_j exp(alpha x_i.x_j) written out with plain exp
    rng = np.random.default_rng(21)
    x = sample_uniform(n, 3, seed=rng)
    alpha = 2.0
    w = rng.uniform(0.5, 1.5, n) if weighted else np.ones(n)
    w = w / w.sum()
    direct = float(w @ np.log(np.exp(alpha * (x @ x.T)) @ w))
    got = uni.phi(x, alpha, weights=w if weighted else None)
    assert got == pytest.approx(direct, rel=1e-12)


@pytest.mark.claim("T1")
@pytest.mark.parametrize(("kappa", "alpha"), [(1000.0, 10.0), (5000.0, 1.0)])
def test_phi_vmf_d3_concentrated_against_mpmath(kappa, alpha):
    # d = 3 and a concentrated vMF: with u = 1 - t the law of u is kappa e^{-kappa u} / (1 - e^{-2 kappa})
    # on [0, 2] and E_v exp(alpha w.v) = (sinh r / r) / (sinh kappa / kappa), r^2 = kappa^2 + alpha^2
    # + 2 kappa alpha (1 - u); mpmath quadrature at 30 digits, split at multiples of 1/kappa
    import mpmath as mp

    with mp.workdps(30):
        k, a = mp.mpf(kappa), mp.mpf(alpha)

        def log_sinhc(r):
            # log(sinh r / r) = r - log(2 r) + log(1 - e^{-2 r})
            return r - mp.log(2 * r) + mp.log1p(-mp.exp(-2 * r))

        def integrand(u):
            r = mp.sqrt(k * k + a * a + 2 * k * a * (1 - u))
            return (log_sinhc(r) - log_sinhc(k)) * k * mp.exp(-k * u) / (-mp.expm1(-2 * k))

        cuts = [mp.mpf(0)] + [mp.mpf(c) / k for c in (1, 4, 16, 64, 256)] + [mp.mpf(2)]
        ref = float(mp.quad(integrand, cuts))
    # phi_vmf subtracts psi_3(r) - psi_3(kappa), both about kappa: float cancellation costs about
    # kappa * 2.2e-16 absolute (1.1e-12 at kappa = 5000), hence 1e-10 as in the moderate-kappa test
    assert uni.phi_vmf(3, kappa, alpha) == pytest.approx(ref, rel=1e-10)
