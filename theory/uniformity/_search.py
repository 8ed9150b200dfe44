"""T1 (Lemma 2) under attack: adversarial search over discrete measures (part of :mod:`theory.uniformity`)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import optimize
from scipy import special as sp

from theory._deprecation import deprecated_alias, renamed_keywords
from theory._io import ResultMixin
from theory._validation import check_int, make_rng
from theory.special import _check_d
from theory.uniformity._closed_form import phi_uniform
from theory.uniformity._discrete import _check_alpha, phi

__all__ = ["DiscreteSearch", "minimise_phi_discrete", "minimize_phi_discrete"]


@dataclass(frozen=True)
class DiscreteSearch(ResultMixin):
    """Result of :func:`minimize_phi_discrete`.

    Attributes
    ----------
    gap : float
        ``min Phi(mu_N) - Phi(sigma)`` found (T1 predicts ``>= 0``).
    points : ndarray, shape (N, d)
        The minimising configuration.
    weights : ndarray, shape (N,)
        Its weights (``1/N`` unless optimised).
    """

    gap: float
    points: np.ndarray
    weights: np.ndarray


@renamed_keywords(optimise_weights="optimize_weights")
def minimize_phi_discrete(
    N: int, d: int, alpha: float, n_starts: int = 3, seed=0, optimize_weights: bool = False
) -> DiscreteSearch:
    """Adversarial search for a counterexample to T1 among N-atom discrete measures.

    .. math::
        \\min_{x_1..x_N \\in S^{d-1},\\ w \\in \\Delta_N} \\sum_i w_i \\log\\sum_j w_j
        e^{\\alpha x_i^\\top x_j} - \\Phi(\\sigma)

    by L-BFGS on unnormalised coordinates (and softmax logits of the weights when
    ``optimize_weights``; otherwise ``w_i = 1/N``), analytic gradient, from ``n_starts`` random starts.
    The returned gap is re-evaluated with :func:`phi` and :func:`phi_uniform`.

    Parameters
    ----------
    N : int
        Number of atoms.
    d : int
        Dimension, ``d >= 2``.
    alpha : float
    n_starts : int
    seed : None, int or Generator
    optimize_weights : bool
        Also optimize the weights (the keyword ``optimise_weights`` is a deprecated alias).

    Returns
    -------
    DiscreteSearch
    """
    N = check_int(N, "N", low=1)
    d = _check_d(d)
    alpha = _check_alpha(alpha)
    n_starts = check_int(n_starts, "n_starts", low=1)
    if not isinstance(optimize_weights, bool | np.bool_):
        raise TypeError(f"optimize_weights must be a bool; got {optimize_weights!r}")
    rng = make_rng(seed)
    nd = N * d

    def unpack(p):
        Y = p[:nd].reshape(N, d)
        nr = np.linalg.norm(Y, axis=1, keepdims=True)
        if optimize_weights:
            lw = p[nd:] - sp.logsumexp(p[nd:])
        else:
            lw = np.full(N, -np.log(N))
        return Y, nr, Y / nr, lw

    def fg(p):
        _, nr, X, logw = unpack(p)
        w = np.exp(logw)
        G = alpha * (X @ X.T)
        L = sp.logsumexp(G + logw[None, :], axis=1)
        P = np.exp(G + logw[None, :] - L[:, None]) * w[:, None]  # w_i w_j e^{G_ij} / S_i
        gX = alpha * (P @ X + P.T @ X)
        gY = (gX - np.sum(gX * X, axis=1, keepdims=True) * X) / nr
        val = float(w @ L)
        if not optimize_weights:
            return val, gY.ravel()
        dw = L + P.sum(axis=0) / w
        return val, np.concatenate([gY.ravel(), w * (dw - w @ dw)])

    best, best_p = np.inf, None
    for _ in range(n_starts):
        p0 = rng.standard_normal(nd + (N if optimize_weights else 0))
        r = optimize.minimize(fg, p0, jac=True, method="L-BFGS-B", options={"maxiter": 2000})
        if r.fun < best:
            best, best_p = float(r.fun), r.x
    _, _, X, logw = unpack(best_p)
    w = np.exp(logw)
    return DiscreteSearch(gap=phi(X, alpha, w) - phi_uniform(d, alpha), points=X, weights=w)


minimise_phi_discrete = deprecated_alias(minimize_phi_discrete, "minimise_phi_discrete", "theory.uniformity")
