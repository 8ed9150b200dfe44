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
