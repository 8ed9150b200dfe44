"""Zonal Phi (theory.zonal, ring formula) against simulate's streaming Phi of many points on the rings.

d = 3: each ring is a circle carrying 128 equally spaced points (the average over them of a trigonometric
polynomial of degree < 128 is exact, and exp(alpha u.v) is entire: the discrete Phi equals the ring
Phi to rounding); d = 2: a ring is a pair of points, exactly. The gradient of Phi at a point of a ring is
its mass times the tangential gradient of the first variation, V'(t) (w - t u).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from simulate import phi_and_grad
from theory.zonal import ZonalMeasure

pytestmark = pytest.mark.claim("D")

M = 128


def _ring_points(t: np.ndarray, p: np.ndarray, d: int):
    """Points of the rings (axis e_1) and their weights p_i / M."""
    pts, wts = [], []
    for ti, pi in zip(t, p, strict=True):
        r = math.sqrt(max(0.0, 1 - ti * ti))
        if d == 2:
            pts.append(np.array([[ti, r], [ti, -r]]))
            wts.append(np.full(2, pi / 2))
        else:
            ang = 2 * np.pi * (np.arange(M) + 0.37) / M
            pts.append(np.stack([np.full(M, ti), r * np.cos(ang), r * np.sin(ang)], 1))
            wts.append(np.full(M, pi / M))
    return torch.tensor(np.concatenate(pts)), torch.tensor(np.concatenate(wts))


@pytest.mark.parametrize("d", [2, 3])
@pytest.mark.parametrize("alpha", [0.5, 5.0, 40.0])
def test_phi_and_gradient_of_points_on_rings(d, alpha):
    t = np.array([-0.6, 0.1, 0.75, 0.97])
    p = np.array([0.15, 0.35, 0.4, 0.1])
    zm = ZonalMeasure.rings(d, t, p)
    x, w = _ring_points(t, p, d)
    value, grad = phi_and_grad(x, alpha, weights=w)
    assert float(value) == pytest.approx(zm.phi(alpha), abs=1e-12 * max(1.0, alpha))
    # tangential gradient = mass * V'(t) (e_1 - t u), V' by central differences of the first variation
    h = 1e-6
    dv = (zm.first_variation(alpha, t + h) - zm.first_variation(alpha, t - h)) / (2 * h)
    u = x.numpy()
    g = grad.numpy()
    g_tan = g - np.sum(g * u, axis=1, keepdims=True) * u
    e1 = np.zeros(d)
    e1[0] = 1.0
    per_ring = 2 if d == 2 else M
    expected = np.repeat(dv, per_ring)[:, None] * w.numpy()[:, None] * (e1[None, :] - u[:, :1] * u)
    scale = np.abs(expected).max()
    assert np.allclose(g_tan, expected, atol=1e-7 * scale)
