"""Small verbs of the sphere: draw from sigma, map to the sphere, draw projections (private)."""

from __future__ import annotations

import math

import numpy as np

from theory._deprecation import renamed_keywords
from theory._validation import as_unit_rows, check_int, make_rng
from theory.sphere._numerics import _check_dk, _check_size, _matrix, _vector


def sample_uniform(N: int, d: int, seed=None) -> np.ndarray:
    """Draw ``N`` points from the uniform law sigma on S^{d-1}.

    .. math::
        U = G / \\lVert G \\rVert, \\qquad G \\sim \\mathcal N(0, I_d).

    Parameters
    ----------
    N : int
        Number of points, ``N >= 1``.
    d : int
        Ambient dimension, ``d >= 1`` (``d = 1`` gives random signs).
    seed : None, int or numpy.random.Generator
        Randomness.

    Returns
    -------
    ndarray, shape (N, d)
        Rows of unit Euclidean norm.
    """
    N = check_int(N, "N", low=1)
    d = check_int(d, "d", low=1)
    _check_size(N, d, "N", "d")
    rng = make_rng(seed)
    while True:
        g = rng.standard_normal((N, d))
        norms = np.linalg.norm(g, axis=1, keepdims=True)
        if np.all(norms > 0):  # a zero row has probability 0; redraw rather than bias
            return g / norms


def project(z, c0=None) -> np.ndarray:
    """Map rows of ``z`` to the unit sphere: ``z / ||z||`` (the paper's f^).

    .. math::
        \\hat f(x) = f(x) / \\lVert f(x) \\rVert, \\qquad \\hat f(x) = c_0 \\text{ if } f(x) = 0.

    Parameters
    ----------
    z : array_like, shape (n, d)
        Unnormalised embeddings (float32 accepted; computed in float64).
    c0 : array_like, shape (d,), optional
        The fixed point used for zero rows; default ``e_1``. Must have unit norm (tolerance ``1e-5``,
        :func:`theory._validation.as_unit_rows`; renormalised in float64).

    Returns
    -------
    ndarray, shape (n, d)
    """
    z = _matrix(z, "z")
    d = z.shape[1]
    if c0 is None:
        c0 = np.zeros(d)
        c0[0] = 1.0
    else:
        c0 = _vector(c0, "c0")
        if c0.shape != (d,):
            raise ValueError(f"c0 must be a unit vector of shape ({d},); got shape {c0.shape}")
        c0 = as_unit_rows(c0[None, :], "c0")[0]
    norms = np.linalg.norm(z, axis=1, keepdims=True)
    tiny = np.finfo(np.float64).tiny
    out = np.where(norms > tiny, z / np.maximum(norms, tiny), c0[None, :])
    return out


@renamed_keywords(N="n_samples")
def sample_projection(n_samples: int, d: int, k: int, seed=None) -> np.ndarray:
    """Draw ``n_samples`` samples of ``sqrt(d) (U_1..U_k)``, ``U ~ sigma`` on S^{d-1}, in O(N k) memory.

    .. math::
        \\sqrt d\\,(U_1..U_k) = \\sqrt d\\, \\frac{(G_1..G_k)}{\\sqrt{G_1^2 + \\dots + G_k^2 + R}},
        \\qquad R \\sim \\chi^2_{d-k} \\text{ independent of } G.

    Parameters
    ----------
    n_samples : int
        Number of samples, ``>= 1`` (the old keyword ``N`` is deprecated).
    d : int
        Ambient dimension, ``d >= 2``.
    k : int
        ``1 <= k <= d - 1``.
    seed : None, int or numpy.random.Generator
        Randomness.

    Returns
    -------
    ndarray, shape (n_samples, k)
    """
    N = check_int(n_samples, "n_samples", low=1)
    d, k = _check_dk(d, k)
    _check_size(N, k, "n_samples", "k")
    rng = make_rng(seed)
    g = rng.standard_normal((N, k))
    rest = rng.chisquare(d - k, size=N)
    return math.sqrt(d) * g / np.sqrt(np.sum(g * g, axis=1) + rest)[:, None]
