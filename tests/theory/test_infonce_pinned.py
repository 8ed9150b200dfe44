"""Pinned behaviour of :mod:`theory.infonce` that mutation testing showed unchecked.

``infonce_convergence`` at its smallest sizes is held against the same Monte Carlo written out with the
same generator (u ~ sigma, v = u, one replicate after another), its population value L against mpmath's
Bessel function (30 digits), and its progress bar against what ``progress`` promises.
"""

import numpy as np
import pytest

from theory.infonce import infonce_convergence, infonce_loss
from theory.sphere import sample_uniform


@pytest.mark.claim("P1")
def test_convergence_is_the_monte_carlo_written_out():
    d, alpha, Ns, n_rep = 3, 2.0, (2, 3), 2
    res = infonce_convergence(d, alpha, np.inf, Ns=Ns, n_rep=n_rep, seed=5)
    rng = np.random.default_rng(5)
    for i, n in enumerate(Ns):
        vals = []
        for _ in range(n_rep):
            u = sample_uniform(n, d, rng)
            vals.append(infonce_loss(u, u.copy(), alpha) - np.log(n))
        assert res.mean[i] == pytest.approx(np.mean(vals), rel=1e-12)
        assert res.spread[i] == pytest.approx(np.std(vals, ddof=1), rel=1e-10)
        assert res.se[i] == pytest.approx(np.std(vals, ddof=1) / np.sqrt(n_rep), rel=1e-10)
    assert res.N.tolist() == [2, 3]


def test_convergence_limit_bias_and_rate_against_mpmath():
    # v = u: L = -alpha + Phi(sigma), Phi(sigma) = log[Gamma(d/2) (alpha/2)^(1 - d/2) I_{d/2-1}(alpha)]
    # in 30 digits; the rate of two batch sizes is the slope through their two log |bias| points
    import mpmath as mp

    d, alpha, Ns = 5, 3.0, (2, 3)
    res = infonce_convergence(d, alpha, np.inf, Ns=Ns, n_rep=3, seed=7)
    with mp.workdps(30):
        nu = mp.mpf(d) / 2 - 1
        phi = mp.log(mp.gamma(mp.mpf(d) / 2) * (mp.mpf(alpha) / 2) ** (-nu) * mp.besseli(nu, alpha))
        L = float(-alpha + phi)
    assert res.L == pytest.approx(L, rel=1e-13)
    bias = np.asarray(res.mean) - L
    assert np.allclose(res.bias, bias, rtol=0, atol=1e-12)
    slope = (np.log(abs(bias[1])) - np.log(abs(bias[0]))) / (np.log(3.0) - np.log(2.0))
    assert res.rate == pytest.approx(slope, rel=1e-9)


def test_progress_bar_only_when_asked(capsys):
    infonce_convergence(3, 1.0, 2.0, Ns=(2, 4), n_rep=2, seed=0)
    assert "InfoNCE N" not in capsys.readouterr().err
    infonce_convergence(3, 1.0, 2.0, Ns=(2, 4), n_rep=2, seed=0, progress=True)
    assert "InfoNCE N" in capsys.readouterr().err


def test_defaults_are_200_replicates_from_seed_0():
    # the signature's defaults (n_rep = 200, seed = 0) are part of the interface: a run without them
    # must be the run with them
    a = infonce_convergence(3, 1.0, 2.0, Ns=(2, 3))
    b = infonce_convergence(3, 1.0, 2.0, Ns=(2, 3), n_rep=200, seed=0)
    np.testing.assert_array_equal(a.mean, b.mean)
    c = infonce_convergence(3, 1.0, 2.0, Ns=(2, 3), n_rep=201, seed=0)
    assert not np.array_equal(a.mean, c.mean)
