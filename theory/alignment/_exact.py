"""Proposition 1 on finite laws: exact alignment by enumeration, HGR-built and optimized encoders."""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np
from scipy import optimize

from theory._io import ResultMixin
from theory._validation import as_channel, as_prob_vector, as_unit_rows, check_int, make_rng
from theory.hgr import hgr_discrete, markov_joint

_OBJECTIVES = ("bound", "efficiency", "alignment")


@dataclass(frozen=True, eq=False)
class ExactAlignment(ResultMixin):
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
    efficiency : float or None
        (alignment - ||m||^2) / (eta2 (1 - ||m||^2)), the share of the variance part of the bound that
        the encoder attains (<= 1 by Prop. 1; = 1 at the bound), computed from the centred features
        f^(x) - m so that it stays accurate for a nearly collapsed encoder. None only when
        eta2 (1 - ||m||^2) <= 1e-12 (independent views or a collapsed encoder, where the bound is
        trivially an equality); ``note`` says so.
    note : str
        Why ``efficiency`` is None, else empty.
    """

    alignment: float
    mean: np.ndarray
    mean_sq_norm: float
    eta2: float
    bound: float
    slack: float
    efficiency: float | None
    note: str = ""


@dataclass(frozen=True, eq=False)
class EncoderAlignment(ResultMixin):
    """An encoder of a finite law into the sphere and its exact alignment (Proposition 1).

    Attributes
    ----------
    encoder : ndarray, shape (n_x, d)
        Unit rows f^(x), one per value of X.
    exact : ExactAlignment
        Alignment, mean, bound, slack and efficiency of ``encoder`` (:func:`alignment_exact`).
    method : str
        How the encoder was found.

    Notes
    -----
    Unpacking ``encoder, exact = result`` (the old tuple) still works but is deprecated.
    """

    encoder: np.ndarray
    exact: ExactAlignment
    method: str

    def __iter__(self):
        warnings.warn(
            "unpacking (encoder, exact) is deprecated; use the attributes .encoder and .exact",
            DeprecationWarning,
            stacklevel=2,
        )
        return iter((self.encoder, self.exact))


def _check_encoder(encoder, n_x: int) -> np.ndarray:
    F = as_unit_rows(encoder, "encoder")
    if F.shape[0] != n_x:
        raise ValueError(f"encoder must have one row per value of X ({n_x}); got shape {F.shape}")
    return F


def _law(p0, channel) -> tuple[np.ndarray, np.ndarray]:
    p0 = as_prob_vector(p0, "p0")
    return p0, as_channel(channel, "channel", n_rows=p0.size, rows_of="p0")


def _efficiency(e: ExactAlignment) -> float:
    return e.efficiency if e.efficiency is not None else -math.inf


def _exact(p0: np.ndarray, K: np.ndarray, F: np.ndarray, eta2: float) -> ExactAlignment:
    P = markov_joint(p0, K)
    px = P.sum(axis=1)
    a = float(np.einsum("xy,xk,yk->", P, F, F))
    m = F.T @ px
    m2 = float(m @ m)
    bound = eta2 + (1.0 - eta2) * m2
    # a - ||m||^2 and 1 - ||m||^2 from the centred features G = F - m (both views have the marginal
    # px): E[g(X) . g(Y)] and E||g(X)||^2, free of the cancellation of a and ||m||^2 near 1 that put the
    # efficiency of a nearly collapsed encoder up to 1e-4 above 1
    G = F - m
    var = float(px @ np.einsum("xk,xk->x", G, G))
    den = eta2 * var
    if den > 1e-12:
        eff, note = float(np.einsum("xy,xk,yk->", P, G, G)) / den, ""
    else:
        eff, note = None, "efficiency undefined: eta2 (1 - ||m||^2) = 0 (the bound holds with equality)"
    return ExactAlignment(a, m, m2, eta2, bound, bound - a, eff, note)


def alignment_exact(p0, channel, encoder) -> ExactAlignment:
    """Exact alignment, mean and bound for a discrete base law, channel and encoder (Prop. 1).

    .. math::
        P(x, y) = \\sum_{x_0} p_0(x_0) K(x \\mid x_0) K(y \\mid x_0), \\qquad
        E[u \\cdot v] = \\operatorname{tr}(F^\\top P F), \\qquad m = F^\\top p_X,

    with :math:`\\eta^2 = \\rho_m(X, X_0)^2` from the table :math:`p_0(x_0) K(x \\mid x_0)` and the bound
    :math:`\\eta^2 + (1 - \\eta^2)\\lVert m \\rVert^2` (arXiv 2602.24012, Prop. 1, Eq. 5).

    Parameters
    ----------
    p0 : array_like, shape (n0,)
        Law of X0 (non-negative, summing to 1).
    channel : array_like, shape (n0, n_x)
        Row-stochastic K(x | x0); both views use it (conditionally i.i.d.).
    encoder : array_like, shape (n_x, d)
        f^(x) for each value x: unit rows (tolerance 1e-5; u and v use the same encoder).

    Returns
    -------
    ExactAlignment
    """
    p0, K = _law(p0, channel)
    F = _check_encoder(encoder, K.shape[1])
    eta2 = hgr_discrete(p0[:, None] * K).rho ** 2
    return _exact(p0, K, F, eta2)


def hgr_encoder(p0, channel, d: int = 2, *, n_scales: int = 33) -> EncoderAlignment:
    """An encoder into S^{d-1} built from the top HGR singular function, close to the bound.

    With f1 the optimal transform of X for rho_m(X, X0) (mean 0, variance 1), the bound of Prop. 1
    (arXiv 2602.24012, Eq. 5) is attained with ||m|| < 1 iff every centered coordinate of u is
    proportional to f1 (the Cauchy-Schwarz step of the proof), which the unit norm allows only when
    |f1| is constant (e.g. binary X). A collapsed encoder (u constant, ||m|| = 1) meets the bound
    trivially, so encoders are ranked by their *efficiency*
    (alignment - ||m||^2) / (eta^2 (1 - ||m||^2)) <= 1. Candidates:

    .. math::
        u = \\operatorname{sign}(f_1(x))\\, e_1, \\qquad
        u_s = \\big(s f_1,\\ \\sqrt{1 - s^2 f_1^2}\\big), \\ 0 < s \\le 1/\\max|f_1|, \\qquad
        u_s = \\big(\\cos(s f_1),\\ \\sin(s f_1)\\big), \\ 0 < s \\le \\pi / \\max|f_1|,

    padded with zeros to dimension d; s on a grid of ``n_scales`` values.

    Parameters
    ----------
    p0 : array_like, shape (n0,)
        Law of X0.
    channel : array_like, shape (n0, n_x)
        Row-stochastic K(x | x0).
    d : int
        Dimension (>= 2).
    n_scales : int
        Grid of s (>= 1).

    Returns
    -------
    EncoderAlignment
        The candidate with the largest efficiency and its exact alignment.
    """
    p0, K = _law(p0, channel)
    d = check_int(d, "d", low=2)
    n_scales = check_int(n_scales, "n_scales", low=1)
    f1 = hgr_discrete(p0[:, None] * K).g  # transform of X (the columns of the table)
    n_x = K.shape[1]

    def pad(*cols):
        F = np.zeros((n_x, d))
        for i, c in enumerate(cols):
            F[:, i] = c
        return F

    candidates = [(pad(np.where(f1 >= 0, 1.0, -1.0)), "sign(f1) e1")]
    fmax = float(np.abs(f1).max())
    if fmax > 0:
        for t in np.arange(1, n_scales + 1) / n_scales:
            s = t / fmax
            candidates.append(
                (
                    pad(s * f1, np.sqrt(np.clip(1.0 - (s * f1) ** 2, 0.0, 1.0))),
                    f"(s f1, sqrt(1 - s^2 f1^2)), s={s:.6g}",
                )
            )
            candidates.append(
                (
                    pad(np.cos(math.pi * s * f1), np.sin(math.pi * s * f1)),
                    f"(cos(pi s f1), sin(pi s f1)), s={s:.6g}",
                )
            )
    scored = [(F, alignment_exact(p0, K, F), how) for F, how in candidates]
    scored = [t for t in scored if t[1].efficiency is not None] or scored
    F, ex, how = max(scored, key=lambda t: _efficiency(t[1]))
    return EncoderAlignment(F, ex, f"HGR singular function: {how}")


def max_alignment(
    p0,
    channel,
    d: int = 2,
    *,
    objective: str = "bound",
    n_restarts: int = 8,
    seed=None,
) -> EncoderAlignment:
    """Search for the encoder that comes closest to (or violates) the bound of Prop. 1.

    Over unnormalized vectors z(x) with f^(x) = z(x)/||z(x)||, maximizes by L-BFGS with the exact
    gradient, from ``n_restarts`` random starts, one of

    .. math::
        J_{\\text{bound}}(F) = E[u \\cdot v] - (1 - \\eta^2)\\lVert m \\rVert^2, \\qquad
        J_{\\text{eff}}(F) = \\frac{E[u \\cdot v] - \\lVert m \\rVert^2}{1 - \\lVert m \\rVert^2},

    with :math:`E[u\\cdot v] = \\operatorname{tr}(F^\\top P F)`, :math:`m = F^\\top p_X`. Prop. 1 says both
    are :math:`\\le \\eta^2` (arXiv 2602.24012, Prop. 1, Eq. 5). :math:`J_{\\text{bound}}` is
    maximized (trivially) by collapsed encoders; :math:`J_{\\text{eff}}` looks for the best
    non-collapsed one; ``objective="alignment"`` maximizes the
    plain E[u . v] subject to m = 0 softly (a penalty 100 ||m||^2), the best centered encoder.

    Parameters
    ----------
    p0 : array_like, shape (n0,)
        Law of X0.
    channel : array_like, shape (n0, n_x)
        Row-stochastic K(x | x0).
    d : int
        Dimension (>= 1).
    objective : {"bound", "efficiency", "alignment"}
    n_restarts : int
        Random starts (>= 1).
    seed : None, int or Generator

    Returns
    -------
    EncoderAlignment
        The best encoder found (smallest slack for "bound", largest efficiency for "efficiency",
        largest penalized alignment for "alignment") and its exact alignment.
    """
    p0, K = _law(p0, channel)
    d = check_int(d, "d", low=1)
    n_restarts = check_int(n_restarts, "n_restarts", low=1)
    if not isinstance(objective, str):
        raise TypeError(
            f"objective must be one of {_OBJECTIVES}; got {type(objective).__name__} {objective!r}"
        )
    if objective not in _OBJECTIVES:
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
            better = best is None or _efficiency(ex) > _efficiency(best[1])
        if better:
            best = (F, ex)
    return EncoderAlignment(best[0], best[1], f"L-BFGS, objective {objective!r}, {n_restarts} restart(s)")
