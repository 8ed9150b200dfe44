"""The alignment bound of Proposition 1 (claim P1): exact values on finite laws and estimators from pairs.

Proposition 1 (Eq. 5): for views X, Y conditionally i.i.d. given X0 and any encoder u = f^(X),
v = f^(Y) into S^{d-1} with mean m = E[u],

.. math::
    E[u \\cdot v] \\le \\eta^2 + (1 - \\eta^2) \\lVert m \\rVert^2, \\qquad \\eta^2 = \\rho_m(X, X_0)^2.

Proof (restated): :math:`E[u \\cdot v] = \\lVert m \\rVert^2 + \\sum_k \\operatorname{Cov}(u_k(X), u_k(Y))`,
each covariance is :math:`\\lVert E[\\tilde u_k(X) \\mid X_0] \\rVert^2 \\le \\eta^2 \\operatorname{Var} u_k`,
and :math:`\\sum_k \\operatorname{Var} u_k = 1 - \\lVert m \\rVert^2`.

This module gives the bound (:func:`alignment_bound`), estimators of both sides from pairs of
representations (:func:`estimate_alignment`, :func:`estimate_mean_sq_norm`), exact values by
enumeration on discrete laws (:func:`alignment_exact`), encoders built from the HGR singular
functions (:func:`hgr_encoder`), a numerical search for the encoder that maximises alignment
(:func:`max_alignment`). The quick check of P1 lives in :mod:`claims.checks.alignment`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import optimize

from theory._validation import as_matrix, check_int, check_real, make_rng
from theory.hgr import _as_channel, _as_prob_vector, hgr_discrete, markov_joint

__all__ = [
    "AlignmentEstimate",
    "ExactAlignment",
    "MeanSqNormEstimate",
    "alignment_bound",
    "alignment_exact",
    "estimate_alignment",
    "estimate_mean_sq_norm",
    "hgr_encoder",
    "max_alignment",
]


def alignment_bound(eta2, mean_sq_norm=0.0):
    """Right-hand side of Proposition 1.

    .. math::
        B(\\eta^2, \\lVert m \\rVert^2) = \\eta^2 + (1 - \\eta^2) \\lVert m \\rVert^2
        \\quad \\text{(Prop. 1, Eq. 5)}.

    Parameters
    ----------
    eta2 : float or array_like
        eta^2 = rho_m(X, X0)^2 in [0, 1].
    mean_sq_norm : float or array_like
        ||m(mu)||^2 in [0, 1] (0 for a centred law, e.g. the uniform law sigma).

    Returns
    -------
    float or ndarray
        Broadcast shape of the inputs (a float for scalar inputs).
    """
    e = np.asarray(eta2, dtype=np.float64)
    m = np.asarray(mean_sq_norm, dtype=np.float64)
    for arr, name in ((e, "eta2"), (m, "mean_sq_norm")):
        if arr.dtype == object or not np.all(np.isfinite(arr)):
            raise ValueError(f"{name} must be finite real number(s) in [0, 1]")
        if np.any(arr < 0) or np.any(arr > 1):
            raise ValueError(f"{name} must lie in [0, 1]; got {arr}")
    out = e + (1.0 - e) * m
    return float(out) if out.ndim == 0 else out


# ----------------------------------------------------------------------------------------------------
# estimators from pairs
# ----------------------------------------------------------------------------------------------------
@dataclass
class MeanSqNormEstimate:
    """Unbiased estimate of ||m||^2 = ||E u||^2 (a U-statistic) with its jackknife standard error."""

    value: float
    se: float
    n: int


@dataclass
class AlignmentEstimate:
    """Both sides of Proposition 1 estimated from N positive pairs.

    Attributes
    ----------
    alignment, alignment_se : float
        Mean of u_i . v_i and its standard error.
    mean_sq_norm, mean_sq_norm_se : float
        Unbiased U-statistic for ||m||^2 and its jackknife standard error.
    eta2 : float or None
        The eta^2 used for the bound (None: bound and slack are NaN).
    bound, slack, slack_se : float
        eta2 + (1 - eta2) ||m||^2 (with the estimate of ||m||^2 clipped to [0, 1]), the slack
        eta2 + (1 - eta2) ||m||^2 - alignment with the unclipped, unbiased estimate (>= 0 in expectation
        under Prop. 1), and its jackknife standard error (both sides are estimated on the same pairs).
    n : int
    """

    alignment: float
    alignment_se: float
    mean_sq_norm: float
    mean_sq_norm_se: float
    eta2: float | None
    bound: float
    slack: float
    slack_se: float
    n: int


def _unit_rows(u, name: str, min_rows: int = 1) -> np.ndarray:
    U = as_matrix(u, name, min_rows=min_rows)
    norms = np.linalg.norm(U, axis=1)
    bad = np.abs(norms - 1.0) > 1e-5
    if bad.any():
        raise ValueError(
            f"{name} must have rows on the unit sphere (normalised embeddings, see theory.sphere.project); "
            f"{int(bad.sum())} row(s) have norm far from 1 (e.g. {norms[bad][0]:.6g})"
        )
    return U


def _jackknife_mean_sq_norm(W: np.ndarray) -> tuple[float, np.ndarray]:
    """U-statistic for ||E w||^2 (mean over i != j of w_i . w_j) and its leave-one-out values."""
    N = W.shape[0]
    S = W.sum(axis=0)
    q = np.einsum("ij,ij->i", W, W)
    Q = q.sum()
    U = (float(S @ S) - Q) / (N * (N - 1))
    Sm = S[None, :] - W  # leave-one-out sums
    loo = (np.einsum("ij,ij->i", Sm, Sm) - (Q - q)) / ((N - 1) * (N - 2))
    return float(U), loo


def estimate_mean_sq_norm(u, v=None) -> MeanSqNormEstimate:
    """Unbiased estimate of ||m||^2 from samples of the representation.

    .. math::
        \\widehat{\\lVert m \\rVert^2} = \\frac{1}{N (N - 1)} \\sum_{i \\ne j} w_i \\cdot w_j
        = \\frac{\\lVert \\sum_i w_i \\rVert^2 - \\sum_i \\lVert w_i \\rVert^2}{N (N - 1)},

    with w_i = u_i, or w_i = (u_i + v_i)/2 when the positive partners v_i are given (u and v have the
    same law mu, and w_i, w_j are independent for i != j, so the estimate stays unbiased). The plug-in
    ||mean u||^2 would be biased up by (1 - ||m||^2)/N. Standard error: jackknife (closed form).

    Parameters
    ----------
    u : array_like, shape (N, d)
        Unit rows, N >= 3.
    v : array_like, shape (N, d), optional
        Partners of u (unit rows).
    """
    U = _unit_rows(u, "u", min_rows=3)
    if v is not None:
        V = _unit_rows(v, "v", min_rows=3)
        if V.shape != U.shape:
            raise ValueError(f"u and v must have the same shape; got {U.shape} and {V.shape}")
        W = 0.5 * (U + V)
    else:
        W = U
    val, loo = _jackknife_mean_sq_norm(W)
    N = W.shape[0]
    se = math.sqrt((N - 1) / N * float(np.sum((loo - loo.mean()) ** 2)))
    return MeanSqNormEstimate(val, se, N)


def estimate_alignment(u, v, eta2: float | None = None) -> AlignmentEstimate:
    """Estimate both sides of Proposition 1 from N positive pairs (u_i, v_i).

    .. math::
        \\widehat{E[u\\cdot v]} = \\frac1N \\sum_i u_i \\cdot v_i, \\qquad
        \\widehat{\\text{slack}} = \\eta^2 + (1 - \\eta^2)\\widehat{\\lVert m \\rVert^2}
        - \\widehat{E[u\\cdot v]} \\ \\ (\\ge 0 \\text{ by Prop. 1}).

    Parameters
    ----------
    u, v : array_like, shape (N, d)
        Normalised representations of the two views of N independent base samples (unit rows).
    eta2 : float, optional
        eta^2 of the channel (e.g. from :mod:`theory.hgr`); without it bound and slack are NaN.

    Returns
    -------
    AlignmentEstimate
    """
    U = _unit_rows(u, "u", min_rows=3)
    V = _unit_rows(v, "v", min_rows=3)
    if V.shape != U.shape:
        raise ValueError(f"u and v must have the same shape; got {U.shape} and {V.shape}")
    N = U.shape[0]
    a_i = np.einsum("ij,ij->i", U, V)
    a = float(a_i.mean())
    a_se = float(a_i.std(ddof=1) / math.sqrt(N))
    m2, loo_m = _jackknife_mean_sq_norm(0.5 * (U + V))
    m2_se = math.sqrt((N - 1) / N * float(np.sum((loo_m - loo_m.mean()) ** 2)))
    if eta2 is None:
        return AlignmentEstimate(a, a_se, m2, m2_se, None, math.nan, math.nan, math.nan, N)
    eta2 = check_real(eta2, "eta2", low=0.0, high=1.0)
    bound = alignment_bound(eta2, min(max(m2, 0.0), 1.0))
    slack = eta2 + (1 - eta2) * m2 - a
    loo_a = (a * N - a_i) / (N - 1)
    loo_s = eta2 + (1 - eta2) * loo_m - loo_a
    s_se = math.sqrt((N - 1) / N * float(np.sum((loo_s - loo_s.mean()) ** 2)))
    return AlignmentEstimate(a, a_se, m2, m2_se, eta2, bound, slack, s_se, N)


# ----------------------------------------------------------------------------------------------------
# exact values on discrete laws
# ----------------------------------------------------------------------------------------------------
@dataclass
class ExactAlignment:
    """Both sides of Proposition 1, exact, for a discrete law and an encoder.

    Attributes
    ----------
    alignment : float
        E[u . v] = sum_{x, y} P(x, y) f^(x) . f^(y).
    mean : ndarray, shape (d,)
        m = sum_x p(x) f^(x).
    mean_sq_norm : float
        ||m||^2.
    eta2 : float
        rho_m(X, X0)^2 (:func:`theory.hgr.hgr_discrete`).
    bound : float
        eta2 + (1 - eta2) ||m||^2.
    slack : float
        bound - alignment (>= 0 by Prop. 1).
    efficiency : float
        (alignment - ||m||^2) / (eta2 (1 - ||m||^2)), the share of the variance part of the bound that
        the encoder attains (<= 1 by Prop. 1; = 1 at the bound). NaN only when eta2 (1 - ||m||^2) = 0
        (independent views or a collapsed encoder, where the bound is trivially an equality).
    """

    alignment: float
    mean: np.ndarray
    mean_sq_norm: float
    eta2: float
    bound: float
    slack: float
    efficiency: float


def _check_encoder(encoder, n_x: int) -> np.ndarray:
    F = _unit_rows(encoder, "encoder")
    if F.shape[0] != n_x:
        raise ValueError(f"encoder must have one row per value of X ({n_x}); got shape {F.shape}")
    return F


def alignment_exact(p0, channel, encoder) -> ExactAlignment:
    """Exact alignment, mean and bound for a discrete base law, channel and encoder (Prop. 1).

    .. math::
        P(x, y) = \\sum_{x_0} p_0(x_0) K(x \\mid x_0) K(y \\mid x_0), \\qquad
        E[u \\cdot v] = \\operatorname{tr}(F^\\top P F), \\qquad m = F^\\top p_X,

    with :math:`\\eta^2 = \\rho_m(X, X_0)^2` from the table :math:`p_0(x_0) K(x \\mid x_0)`.

    Parameters
    ----------
    p0 : array_like, shape (n0,)
        Law of X0.
    channel : array_like, shape (n0, n_x)
        Row-stochastic K(x | x0); both views use it (conditionally i.i.d.).
    encoder : array_like, shape (n_x, d)
        f^(x) for each value x: unit rows (u and v use the same encoder).

    Returns
    -------
    ExactAlignment
    """
    p0 = _as_prob_vector(p0, "p0")
    K = _as_channel(channel, "channel", p0.size)
    F = _check_encoder(encoder, K.shape[1])
    P = markov_joint(p0, K)
    px = P.sum(axis=1)
    eta2 = hgr_discrete(p0[:, None] * K).rho ** 2
    a = float(np.einsum("xy,xk,yk->", P, F, F))
    m = F.T @ px
    m2 = float(m @ m)
    bound = eta2 + (1.0 - eta2) * m2
    den = eta2 * (1.0 - m2)
    eff = (a - m2) / den if den > 1e-12 else math.nan
    return ExactAlignment(a, m, m2, eta2, bound, bound - a, eff)


def hgr_encoder(p0, channel, d: int = 2, *, n_scales: int = 33) -> tuple[np.ndarray, ExactAlignment]:
    """An encoder into S^{d-1} built from the top HGR singular function, close to the bound.

    With f1 the optimal transform of X for rho_m(X, X0) (mean 0, variance 1), the bound is attained
    with ||m|| < 1 iff every centred coordinate of u is proportional to f1 (the Cauchy-Schwarz step of
    the proof), which the unit norm allows only when |f1| is constant (e.g. binary X). A collapsed
    encoder (u constant, ||m|| = 1) meets the bound trivially, so encoders are ranked by their
    *efficiency* (alignment - ||m||^2) / (eta^2 (1 - ||m||^2)) <= 1. Candidates:

    .. math::
        u = \\operatorname{sign}(f_1(x))\\, e_1, \\qquad
        u_s = \\big(s f_1,\\ \\sqrt{1 - s^2 f_1^2}\\big), \\ 0 < s \\le 1/\\max|f_1|, \\qquad
        u_s = \\big(\\cos(s f_1),\\ \\sin(s f_1)\\big), \\ 0 < s \\le \\pi / \\max|f_1|,

    padded with zeros to dimension d; s on a grid of ``n_scales`` values.

    Parameters
    ----------
    p0 : array_like, shape (n0,)
    channel : array_like, shape (n0, n_x)
    d : int
        Dimension (>= 2).
    n_scales : int
        Grid of s.

    Returns
    -------
    encoder : ndarray, shape (n_x, d)
        The candidate with the largest efficiency.
    exact : ExactAlignment
    """
    p0 = _as_prob_vector(p0, "p0")
    K = _as_channel(channel, "channel", p0.size)
    d = check_int(d, "d", low=2)
    n_scales = check_int(n_scales, "n_scales", low=1)
    f1 = hgr_discrete(p0[:, None] * K).g  # transform of X (the columns of the table)
    n_x = K.shape[1]

    def pad(*cols):
        F = np.zeros((n_x, d))
        for i, c in enumerate(cols):
            F[:, i] = c
        return F

    candidates = [pad(np.where(f1 >= 0, 1.0, -1.0))]
    fmax = float(np.abs(f1).max())
    if fmax > 0:
        for t in np.arange(1, n_scales + 1) / n_scales:
            s = t / fmax
            candidates.append(pad(s * f1, np.sqrt(np.clip(1.0 - (s * f1) ** 2, 0.0, 1.0))))
            candidates.append(pad(np.cos(math.pi * s * f1), np.sin(math.pi * s * f1)))
    scored = [(F, alignment_exact(p0, K, F)) for F in candidates]
    scored = [t for t in scored if np.isfinite(t[1].efficiency)] or scored
    return max(scored, key=lambda t: t[1].efficiency if np.isfinite(t[1].efficiency) else -np.inf)


def max_alignment(
    p0,
    channel,
    d: int = 2,
    *,
    objective: str = "bound",
    n_restarts: int = 8,
    seed=None,
) -> tuple[np.ndarray, ExactAlignment]:
    """Search for the encoder that comes closest to (or violates) the bound of Prop. 1.

    Over unnormalised vectors z(x) with f^(x) = z(x)/||z(x)||, maximises by L-BFGS with the exact
    gradient, from ``n_restarts`` random starts, one of

    .. math::
        J_{\\text{bound}}(F) = E[u \\cdot v] - (1 - \\eta^2)\\lVert m \\rVert^2, \\qquad
        J_{\\text{eff}}(F) = \\frac{E[u \\cdot v] - \\lVert m \\rVert^2}{1 - \\lVert m \\rVert^2},

    with :math:`E[u\\cdot v] = \\operatorname{tr}(F^\\top P F)`, :math:`m = F^\\top p_X`. Prop. 1 says both
    are :math:`\\le \\eta^2`. :math:`J_{\\text{bound}}` is maximised (trivially) by collapsed encoders;
    :math:`J_{\\text{eff}}` looks for the best non-collapsed one; ``objective="alignment"`` maximises the
    plain E[u . v] subject to m = 0 softly (a penalty 100 ||m||^2), the best centred encoder.

    Parameters
    ----------
    p0 : array_like, shape (n0,)
    channel : array_like, shape (n0, n_x)
    d : int
    objective : {"bound", "efficiency", "alignment"}
    n_restarts : int
    seed : None, int or Generator

    Returns
    -------
    encoder : ndarray, shape (n_x, d)
    exact : ExactAlignment
        Of the best encoder found (smallest slack for "bound", largest efficiency otherwise).
    """
    p0 = _as_prob_vector(p0, "p0")
    K = _as_channel(channel, "channel", p0.size)
    d = check_int(d, "d", low=1)
    n_restarts = check_int(n_restarts, "n_restarts", low=1)
    if objective not in ("bound", "efficiency", "alignment"):
        raise ValueError(f"objective must be 'bound', 'efficiency' or 'alignment'; got {objective!r}")
    rng = make_rng(seed)
    P = markov_joint(p0, K)
    px = P.sum(axis=1)
    eta2 = hgr_discrete(p0[:, None] * K).rho ** 2
    n_x = K.shape[1]

    def neg(zflat):
        Z = zflat.reshape(n_x, d)
        nz = np.maximum(np.linalg.norm(Z, axis=1, keepdims=True), 1e-12)
        F = Z / nz
        m = F.T @ px
        a = float(np.sum(F * (P @ F)))
        q = float(m @ m)
        da = 2.0 * (P @ F)
        dq = 2.0 * np.outer(px, m)
        if objective == "bound":
            J, G = a - (1.0 - eta2) * q, da - (1.0 - eta2) * dq
        elif objective == "alignment":
            J, G = a - 100.0 * q, da - 100.0 * dq
        else:
            den = max(1.0 - q, 1e-12)
            J = (a - q) / den
            G = (da - dq) / den + (a - q) * dq / den**2
        Gz = (G - np.sum(G * F, axis=1, keepdims=True) * F) / nz
        return -J, -Gz.ravel()

    best = None
    for _ in range(n_restarts):
        z0 = rng.standard_normal(n_x * d)
        res = optimize.minimize(
            neg, z0, jac=True, method="L-BFGS-B", options={"maxiter": 3000, "gtol": 1e-12, "ftol": 1e-15}
        )
        Z = res.x.reshape(n_x, d)
        F = Z / np.maximum(np.linalg.norm(Z, axis=1, keepdims=True), 1e-12)
        ex = alignment_exact(p0, K, F)
        if objective == "bound":
            better = best is None or ex.slack < best[1].slack
        elif objective == "alignment":
            score = ex.alignment - 100.0 * ex.mean_sq_norm
            better = best is None or score > best[1].alignment - 100.0 * best[1].mean_sq_norm
        else:
            e = ex.efficiency if np.isfinite(ex.efficiency) else -np.inf
            better = best is None or e > (best[1].efficiency if np.isfinite(best[1].efficiency) else -np.inf)
        if better:
            best = (F, ex)
    return best
