"""Observables against direct (materialised, numpy) computations and Monte Carlo at 5 SE."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
import torch

from simulate.observables import gaussianity, mean_sq_norm, mmd_uniform, phi_gap, sliced_w2_uniform
from simulate.sphere import sample_uniform, sample_vmf
from theory.gaussianity import anderson_darling
from theory.uniformity import phi as theory_phi
from theory.uniformity import phi_uniform


@pytest.fixture(autouse=True)
def _one_thread():
    n = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(n)


def test_phi_gap_and_mean_sq_norm():
    x = sample_vmf(120, [0.0, 0.0, 1.0], 2.0, generator=1)
    assert abs(phi_gap(x, 3.0) - (theory_phi(x.numpy(), 3.0) - phi_uniform(3, 3.0))) < 1e-12
    assert abs(phi_gap(x.float(), 3.0) - phi_gap(x, 3.0)) < 1e-5
    m = x.numpy().mean(axis=0)
    assert abs(mean_sq_norm(x) - m @ m) < 1e-15


@pytest.mark.claim("T1")
def test_phi_gap_nonnegative_on_samples():
    for seed in range(5):
        assert phi_gap(sample_uniform(50, 4, generator=seed), 5.0) >= 0.0


def test_mmd_against_materialised_kernel():
    x = sample_vmf(200, [1.0, 0.0, 0.0, 0.0], 1.5, generator=2).numpy()
    alpha = 4.0
    K = np.exp(alpha * (x @ x.T))
    c = math.exp(phi_uniform(4, alpha))
    assert abs(mmd_uniform(torch.from_numpy(x), alpha) - (K.mean() - c)) < 1e-11 * K.mean()
    N = x.shape[0]
    u_stat = (K.sum() - np.trace(K)) / (N * (N - 1)) - c
    assert abs(mmd_uniform(torch.from_numpy(x), alpha, unbiased=True) - u_stat) < 1e-11 * K.mean()


def test_unbiased_mmd_has_mean_zero_under_sigma():
    """The closed-form kernel mean exp(Phi(sigma)) is right iff the U-statistic averages to 0 on sigma."""
    vals = np.array(
        [mmd_uniform(sample_uniform(100, 3, generator=s), 3.0, unbiased=True) for s in range(300)]
    )
    se = vals.std(ddof=1) / math.sqrt(vals.size)
    assert abs(vals.mean()) < 5 * se
    # a concentrated law is far away
    assert (
        mmd_uniform(sample_vmf(100, [0.0, 0.0, 1.0], 5.0, generator=0), 3.0, unbiased=True) > 20 * vals.std()
    )


def test_sliced_w2_orders_laws():
    u = sample_uniform(2000, 3, generator=3)
    v = sample_vmf(2000, [0.0, 0.0, 1.0], 10.0, generator=4)
    a = sliced_w2_uniform(u, 100, seed=0)
    b = sliced_w2_uniform(v, 100, seed=0)
    assert 0 <= a < 0.1 < b
    assert a == sliced_w2_uniform(u, 100, seed=0)


def test_gaussianity_of_projections():
    u = sample_uniform(1000, 200, generator=5)
    r = gaussianity(u, 4, extras=False)
    assert r.d == 4 and r.n == 1000
    assert np.allclose(r.ad, anderson_darling(math.sqrt(200) * u[:, :4].numpy()))
    assert r.gaussian  # sqrt(d)-projections of sigma at d = 200 pass the paper's verdict
    r2 = gaussianity(u, 3, seed=1, extras=False)
    assert r2.d == 3
    json.dumps(r2.to_dict(), allow_nan=False)
    with pytest.raises(ValueError, match="k"):
        gaussianity(u, 201)


def test_default_observables_feed_a_trajectory():
    from simulate.energies import Energy
    from simulate.flows import gradient_flow, run
    from simulate.observables import default_observables

    x0 = sample_vmf(40, [0.0, 0.0, 1.0], 4.0, generator=6)
    obs = default_observables(2.0, n_projections=20, k=2)
    tr = run(
        *gradient_flow(Energy.phi(2.0), lr=0.3),
        x0,
        n_steps=20,
        record_every=10,
        observables=obs,
        progress=False,
    )
    assert set(tr.observables) == {"mmd", "sliced_w2", "ad_mean", "ad_pass", "dp_mean", "dp_pass"}
    assert tr.observables["mmd"][0] == mmd_uniform(x0, 2.0)
    assert tr.observables["mmd"][-1] < tr.observables["mmd"][0]
    assert tr.observables["sliced_w2"][-1] < tr.observables["sliced_w2"][0]
