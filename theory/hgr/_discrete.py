"""Exact HGR maximal correlation of discrete laws: one (possibly partial) SVD of the normalized table."""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

import numpy as np

from theory._io import ResultMixin
from theory._validation import (
    as_channel,
    as_matrix,
    as_prob_vector,
    as_vector,
    check_int,
)

# below this size a dense LAPACK SVD is faster than ARPACK, and exact to the last bit
_DENSE_BELOW = 128


@dataclass(frozen=True, eq=False)
class HGRResult(ResultMixin):
    """HGR maximal correlation of a discrete (or discretized) joint law.

    Attributes
    ----------
    rho : float
        The maximal correlation rho_m in [0, 1].
    f : ndarray, shape (n_x,)
        Optimal transform of X (mean 0, variance 1 under p(x); 0 on zero-probability values).
    g : ndarray, shape (n_y,)
        Optimal transform of Y (mean 0, variance 1 under p(y); 0 on zero-probability values).
    singular_values : ndarray, shape (r,)
        Singular values of :math:`Q = P / \\sqrt{p(x) p(y)}` in decreasing order: all of them
        (``n_singular=None``) or the top ``n_singular``. The first is 1 (the constants), the second rho.
    px : ndarray, shape (n_x,)
        Marginal of X of the (normalized) table.
    py : ndarray, shape (n_y,)
        Marginal of Y of the (normalized) table.
    x : ndarray, shape (n_x,), or None
        Cell centers when the table discretizes a density on a grid (:func:`hgr_density`).
    y : ndarray, shape (n_y,), or None
        Likewise for Y.
    eta2 : float
        rho squared (the paper's eta^2 when the pair is (view, base)); a property, also in ``to_dict()``.
    """

    rho: float
    f: np.ndarray
    g: np.ndarray
    singular_values: np.ndarray
    px: np.ndarray
    py: np.ndarray
    x: np.ndarray | None = None
    y: np.ndarray | None = None

    _json_extra = ("eta2",)

    @property
    def eta2(self) -> float:
        """rho squared (the paper's eta^2 when the pair is (view, base))."""
        return self.rho**2

    def with_centers(self, x: np.ndarray, y: np.ndarray) -> HGRResult:
        """A copy with the cell centers ``x`` and ``y`` set."""
        return dataclasses.replace(self, x=x, y=y)


def _as_joint(joint, name: str = "joint") -> np.ndarray:
    if np.asarray(joint).dtype == np.bool_:
        raise TypeError(f"{name} must be a table of real non-negative numbers; got a boolean array")
    P = as_matrix(joint, name)
    if np.any(P < 0):
        raise ValueError(
            f"{name} must be a table of non-negative probabilities; found a negative entry {P.min():.6g}"
        )
    total = P.sum()
    if not total > 0:
        raise ValueError(f"{name} must have a positive total mass; got {total}")
    return P / total


def _reflector(r: np.ndarray) -> tuple[np.ndarray, float]:
    """Householder reflection :math:`H = I - c\\, w w^\\top` that maps ``r`` to :math:`-\\|r\\| e_1`.

    Returns ``(w, c)``. H is symmetric and orthogonal; its columns 2.. are an orthonormal basis of the
    orthogonal complement of ``r`` (whose first entry must be positive).
    """
    w = r.copy()
    w[0] += np.linalg.norm(r)
    return w, 2.0 / (w @ w)


def _top_svd(Q: np.ndarray, k: int | None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Left vector, singular values (decreasing) and right vector of the top pair of ``Q``.

    ``k=None``: one dense SVD (all singular values). ``k``: the top ``k`` by ARPACK (``svds``) when the
    matrix is large (``Q`` is the table's operator less the constants, one smaller than the table on
    each side) and ``k`` less than its smaller side, else the dense SVD truncated.
    """
    r = min(Q.shape)
    if k is None or r + 1 < _DENSE_BELOW or k >= r:
        U, s, Vt = np.linalg.svd(Q, full_matrices=False)
        return U[:, 0], (s if k is None else s[:k]), Vt[0]
    from scipy.sparse.linalg import ArpackNoConvergence, svds

    try:
        U, s, Vt = svds(Q, k=k, tol=0, random_state=0)
    except ArpackNoConvergence:  # fall back to the dense SVD
        U, s, Vt = np.linalg.svd(Q, full_matrices=False)
        return U[:, 0], s[:k], Vt[0]
    order = np.argsort(s)[::-1]
    return U[:, order[0]], s[order], Vt[order[0]]


def hgr_discrete(joint, *, n_singular: int | None = None) -> HGRResult:
    """Exact HGR maximal correlation of a discrete joint law.

    .. math::
        Q_{xy} = \\frac{P(x, y)}{\\sqrt{p(x) p(y)}}, \\qquad
        \\rho_m(X, Y) = s_2(Q), \\qquad f = u_2 / \\sqrt{p_X}, \\ g = v_2 / \\sqrt{p_Y},

    where :math:`s_1 = 1 \\ge s_2 \\ge \\dots` are the singular values of Q. The top pair is
    :math:`(\\sqrt{p_X}, \\sqrt{p_Y})`, the constants; it is split off exactly: with Householder
    reflections :math:`H_X, H_Y` that map :math:`\\sqrt{p_X}, \\sqrt{p_Y}` to the first axis,
    :math:`H_X Q H_Y = \\mathrm{diag}(1, Q_c)`, and one SVD of the compressed :math:`Q_c` (one smaller
    on each side) gives rho, the spectrum less the 1, and transforms :math:`u = H_X (0, u_c)` orthogonal
    to :math:`\\sqrt{p_X}` by construction: centered even at independence (rho = 0, where every
    direction is optimal) and at a tie :math:`s_1 = s_2 = 1` (a block-diagonal table). Used for eta^2
    of Proposition 1 (arXiv 2602.24012, Prop. 1, Eq. 5).

    Parameters
    ----------
    joint : array_like, shape (n_x, n_y)
        Non-negative table (probabilities or counts); it is normalized to total mass 1. Rows or columns
        of zero mass are values of probability 0: they are dropped from the operator and get f = 0
        (resp. g = 0).
    n_singular : int >= 2, optional
        Compute only the top ``n_singular`` singular values of Q (all of them if Q has fewer) by a
        partial SVD (ARPACK, ``scipy.sparse.linalg.svds``) when the table is large (its smaller side at
        least 128): what rho and the transforms need, an order of magnitude faster on a 1000 x 1000
        table (``benchmarks/bench_hgr.py``). Default: all of them (one dense SVD).

    Returns
    -------
    HGRResult
        ``rho`` and the optimal transforms, normalized to mean 0 and variance 1 under the marginals,
        with ``E[f(X) g(Y)] = rho``.
    """
    P = _as_joint(joint)
    if n_singular is not None:
        n_singular = check_int(n_singular, "n_singular", low=2)
    px, py = P.sum(axis=1), P.sum(axis=0)
    sx, sy = px > 0, py > 0
    Ps = P[np.ix_(sx, sy)]
    rx, ry = np.sqrt(px[sx]), np.sqrt(py[sy])
    f = np.zeros(P.shape[0])
    g = np.zeros(P.shape[1])
    if min(Ps.shape) < 2:  # one of the variables is a constant: rho_m = 0 by convention
        return HGRResult(0.0, f, g, np.ones(1), px, py)
    Q = Ps / rx[:, None] / ry[None, :]
    wx, cx = _reflector(rx)
    wy, cy = _reflector(ry)
    A = Q - cx * np.outer(wx, wx @ Q)  # H_X Q
    A = A - cy * np.outer(A @ wy, wy)  # H_X Q H_Y = diag(1, Q_c) up to rounding
    uc, s, vc = _top_svd(A[1:, 1:], None if n_singular is None else n_singular - 1)
    sv = np.concatenate([[1.0], s])
    rho = float(min(max(s[0], 0.0), 1.0))
    u = np.concatenate([[0.0], uc])
    v = np.concatenate([[0.0], vc])
    f[sx] = (u - cx * (wx @ u) * wx) / rx
    g[sy] = (v - cy * (wy @ v) * wy) / ry
    # sign convention E f g = +rho: exact arithmetic gives E f g = s_2 > 0, so only rounding (rho at the
    # 1e-16 level, near independence) makes it negative; flipping g alone flips it (flipping both would not)
    if rho > 0 and float(f[sx] @ Ps @ g[sy]) < 0:
        g = -g
    return HGRResult(rho, f, g, sv, px, py)


def markov_joint(p0, channel_x, channel_y=None) -> np.ndarray:
    """Joint table of (X, Y) for the Markov chain X <- X0 -> Y.

    .. math::
        P(x, y) = \\sum_{x_0} p_0(x_0) K_X(x \\mid x_0) K_Y(y \\mid x_0).

    With ``channel_y = None`` the two views are conditionally i.i.d. (the paper's setup, arXiv
    2602.24012, Sec. 2).

    Parameters
    ----------
    p0 : array_like, shape (n0,)
        Law of X0 (non-negative, summing to 1).
    channel_x : array_like, shape (n0, n_x)
        Row-stochastic matrix K_X(x | x0).
    channel_y : array_like, shape (n0, n_y), optional
        Row-stochastic matrix K_Y(y | x0); default ``channel_x``.

    Returns
    -------
    ndarray, shape (n_x, n_y)
    """
    p0 = as_prob_vector(p0, "p0")
    Kx = as_channel(channel_x, "channel_x", n_rows=p0.size, rows_of="p0")
    Ky = Kx if channel_y is None else as_channel(channel_y, "channel_y", n_rows=p0.size, rows_of="p0")
    return Kx.T @ (p0[:, None] * Ky)


def hgr_label_posterior(posteriors, prior=None, weights=None) -> float:
    """HGR maximal correlation between a discrete label K and a variable X, from posterior samples.

    For K with prior p and posteriors :math:`\\pi_k(X) = P(K = k \\mid X)`, every function of K is a
    vector h and :math:`E[h(K) \\mid X] = \\pi(X) \\cdot h`, so

    .. math::
        \\rho_m(X, K)^2 = \\lambda_2\\big(D^{-1/2} G D^{-1/2}\\big), \\qquad
        G = E[\\pi(X) \\pi(X)^\\top], \\ D = \\operatorname{diag}(p),

    the second eigenvalue (the first, 1, is the constants). G is estimated by the sample mean over the
    rows of ``posteriors`` (X drawn from its marginal).

    Parameters
    ----------
    posteriors : array_like, shape (n_samples, K)
        Rows pi(x_i), non-negative, summing to 1.
    prior : array_like, shape (K,), optional
        Law of K; default the (weighted) mean of the posteriors (which estimates it).
    weights : array_like, shape (n_samples,), optional
        Probabilities of the rows (e.g. p(x) for a discrete X listed once per value); default uniform
        (rows are samples of X).

    Returns
    -------
    float
        rho_m(X, K) (not squared).
    """
    Pi = as_channel(posteriors, "posteriors", min_cols=2)
    if weights is None:
        wts = np.full(Pi.shape[0], 1.0 / Pi.shape[0])
    else:
        wts = as_prob_vector(weights, "weights")
        if wts.size != Pi.shape[0]:
            raise ValueError(
                f"weights must have one entry per row of posteriors ({Pi.shape[0]}); got {wts.size}"
            )
    p = wts @ Pi if prior is None else as_prob_vector(prior, "prior")
    if p.size != Pi.shape[1]:
        raise ValueError(f"prior must have {Pi.shape[1]} entries (one per label); got {p.size}")
    G = Pi.T @ (wts[:, None] * Pi)
    keep = p > 0
    r = np.sqrt(p[keep])
    M = G[np.ix_(keep, keep)] / r[:, None] / r[None, :]
    M = M - np.outer(r, r)  # deflate the constants
    lam = np.linalg.eigvalsh(0.5 * (M + M.T))[-1]
    return float(math.sqrt(min(max(lam, 0.0), 1.0)))


def hgr_tensorize(rhos) -> float:
    """rho_m of independent pairs stacked as vectors (Witsenhausen's tensorization).

    .. math::
        \\rho_m\\big((X_1, \\dots, X_K), (Y_1, \\dots, Y_K)\\big) = \\max_k \\rho_m(X_k, Y_k)
        \\quad \\text{if the pairs } (X_k, Y_k) \\text{ are independent.}

    Parameters
    ----------
    rhos : array_like, shape (K,)
        Per-pair maximal correlations in [0, 1].

    Returns
    -------
    float
    """
    if np.asarray(rhos).dtype == np.bool_:
        raise TypeError("rhos must be real numbers in [0, 1]; got a boolean array")
    r = as_vector(rhos, "rhos")
    if np.any(r < 0) or np.any(r > 1):
        raise ValueError(f"rhos must lie in [0, 1]; got values in [{r.min():.6g}, {r.max():.6g}]")
    return float(r.max())
