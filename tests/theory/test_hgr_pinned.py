"""Pinned messages and fields of :mod:`theory.hgr` (exact, discrete) that mutation testing showed
unchecked: every error names the argument and the expected form, exactly."""

import numpy as np
import pytest

from theory.hgr import hgr_discrete, hgr_label_posterior, markov_joint

P0 = np.array([0.5, 0.5])
K = np.array([[0.9, 0.1], [0.2, 0.8]])
BAD = np.ones((3, 2)) / 2


def test_markov_joint_messages():
    with pytest.raises(ValueError, match=r"^channel_x must have shape \(2, n\) \(one row per entry of p0\)"):
        markov_joint(P0, BAD)
    with pytest.raises(ValueError, match=r"^channel_y must have shape \(2, n\) \(one row per entry of p0\)"):
        markov_joint(P0, K, BAD)


def test_label_posterior_messages():
    with pytest.raises(ValueError, match=r"^posteriors must have at least 2 columns; got d = 1"):
        hgr_label_posterior(np.ones((3, 1)))
    with pytest.raises(ValueError, match=r"^weights must have one entry per row of posteriors \(3\); got 2"):
        hgr_label_posterior(np.full((3, 2), 0.5), weights=[0.5, 0.5])
    with pytest.raises(ValueError, match=r"^weights must be a probability vector"):
        hgr_label_posterior(np.full((3, 2), 0.5), weights=[0.5, 0.6, -0.1])
    with pytest.raises(ValueError, match=r"^prior must be a probability vector"):
        hgr_label_posterior(np.full((3, 2), 0.5), prior=[0.5, 0.6])


def test_with_centers_keeps_both_axes():
    r = hgr_discrete(markov_joint(P0, K)).with_centers([1.0, 2.0], [3.0, 4.0])
    assert list(r.x) == [1.0, 2.0] and list(r.y) == [3.0, 4.0]


def test_label_posterior_binary_closed_form_and_a_label_of_zero_probability():
    # binary Y: rho^2 = Var(pi(X)) / (p (1 - p)) with pi(x) = P(Y = 1 | x), p = E pi(X) (uniform weights)
    pi = np.array([0.1, 0.8, 0.5])
    p = pi.mean()
    rho = np.sqrt((np.mean(pi**2) - p**2) / (p * (1 - p)))
    P = np.column_stack([1 - pi, pi])
    assert hgr_label_posterior(P) == pytest.approx(rho, rel=1e-12)
    # a label that never occurs changes nothing (it is dropped, not divided by)
    assert hgr_label_posterior(np.column_stack([P, np.zeros(3)])) == pytest.approx(rho, rel=1e-12)


def test_tensorize_is_the_largest_and_takes_the_ends():
    from theory.hgr import hgr_tensorize

    assert hgr_tensorize([0.0, 1.0]) == 1.0
    assert hgr_tensorize([0.2, 0.3]) == 0.3
    assert hgr_tensorize([0.0]) == 0.0
    with pytest.raises(TypeError, match=r"^rhos must be real numbers in \[0, 1\]; got a boolean array$"):
        hgr_tensorize(np.array([True, False]))
    with pytest.raises(ValueError, match=r"^rhos "):
        hgr_tensorize([1.1])
    with pytest.raises(TypeError, match=r"^rhos must be a numeric array"):
        hgr_tensorize(["a"])


@pytest.mark.parametrize("shape", [(3, 3), (3, 5)])
def test_n_singular_gives_the_top_singular_values_of_q(shape):
    """The top min(n_singular, r) singular values of Q = D_X^{-1/2} P D_Y^{-1/2} (r = the smaller side), as
    numpy's dense SVD of Q built here from the table."""
    P = np.arange(1.0, shape[0] * shape[1] + 1).reshape(shape) ** 1.5
    P /= P.sum()
    Q = P / np.sqrt(P.sum(axis=1))[:, None] / np.sqrt(P.sum(axis=0))[None, :]
    expected = np.linalg.svd(Q, compute_uv=False)
    r = min(shape)
    for n in range(2, r + 2):
        got = hgr_discrete(P, n_singular=n).singular_values
        assert got == pytest.approx(expected[: min(n, r)], abs=1e-12)
