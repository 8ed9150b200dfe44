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
