"""eta^2 = rho_m(X, X0)^2 of the channels the project trains with (arXiv 2602.24012, App. E.1).

Gaussian (the worked example of Prop. 1), Laplace with its jitter, the GMM pairing and the Binary
pairing; each value bounds alignment through Proposition 1 (Eq. 5).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from theory._io import ResultMixin
from theory._validation import as_matrix, check_int, check_real, make_rng
from theory.hgr._continuous import _rho_channel_richardson
from theory.hgr._discrete import hgr_label_posterior


@dataclass(frozen=True)
class ChannelEta2(ResultMixin):
    """eta^2 = rho_m(X, X0)^2 of an augmentation channel.

    Attributes
    ----------
    eta2 : float
        The value (for the Laplace channel with the random scale: the upper end of the bracket).
    eta2_low : float
        A lower bound (equal to ``eta2`` when exact).
    method : str
        How it was computed.
    details : dict
        Intermediate numbers (per-coordinate rho_m, grid size, assumptions).
    """

    eta2: float
    eta2_low: float
    method: str
    details: dict = field(default_factory=dict)


def eta2_gaussian_channel(A: float) -> float:
    """eta^2 of the Gaussian channel X = A X0 + sqrt(1 - A^2) eps, X0, eps ~ N(0, 1) independent.

    .. math::
        \\eta^2 = \\rho_m(X, X_0)^2 = A^2 \\quad \\text{(arXiv 2602.24012, Prop. 1, worked example)}.

    Per coordinate; by tensorization the same for i.i.d. coordinates in R^D.

    Parameters
    ----------
    A : float
        Channel coefficient in [-1, 1].

    Returns
    -------
    float
    """
    A = check_real(A, "A", low=-1.0, high=1.0)
    return A * A


def _rho_laplace_exponential(A: float, noise_sd: float, base_scale: float) -> float:
    """Limit of the correlation of exponential transforms for W = A X0 + noise_sd N, X0 ~ Laplace(0, b).

    .. math::
        \\frac{\\operatorname{Var} E[e^{\\lambda W} \\mid X_0]}{\\operatorname{Var} e^{\\lambda W}}
        = \\frac{e^{\\lambda^2 c^2}\\,(M(2\\lambda A) - M(\\lambda A)^2)}
               {e^{2\\lambda^2 c^2} M(2\\lambda A) - e^{\\lambda^2 c^2} M(\\lambda A)^2}
        \\;\\to\\; e^{-c^2/(4 A^2 b^2)} \\quad (\\lambda \\uparrow 1/(2|A| b)),

    with the Laplace MGF :math:`M(t) = 1/(1 - b^2 t^2)` (which diverges at the limit). Returns the square
    root, a lower bound on rho_m(W, X0); ``0`` when ``A = 0``.
    """
    if A == 0:
        return 0.0
    return math.exp(-(noise_sd**2) / (8.0 * A * A * base_scale * base_scale))


def eta2_laplace_channel(
    A: float = 0.6,
    *,
    jitter_sd: float = 0.2,
    dropout: float = 0.1,
    scale_sd: float = 0.1,
    base_scale: float = 1.0,
    n_grid: int = 240,
    n_quad: int = 4,
) -> ChannelEta2:
    """eta^2 of the paper's Laplace channel with its jitter (arXiv 2602.24012, App. E.1).

    The grid values are Richardson-extrapolated from ``n_grid`` and ``n_grid / 2`` cells per axis (the
    discretisation error is O(h^2)); the grid is truncated, which matters for this channel (below).

    Per coordinate, X0 ~ Laplace(0, b) with b = ``base_scale`` (default 1: variance 2, as in App. E.1,
    not rescaled; b = 1/sqrt(2) gives the unit-variance base of the Gaussian worked example) and

    .. math::
        X = S \\cdot D \\cdot \\big(A X_0 + \\sqrt{1 - A^2}\\,\\varepsilon + 0.2\\,\\xi\\big)
          = S \\cdot D \\cdot W, \\quad \\varepsilon, \\xi \\sim N(0, 1),
          \\ D \\sim \\mathrm{Bernoulli}(1 - p), \\ \\log S \\sim N(0, 0.1^2),

    with D per coordinate (dropout; its 1/(1-p) rescaling is invertible and irrelevant) and S one scale
    per view (shared by all coordinates). Reductions used:

    - dropout: D is read off X (X = 0 exactly iff D = 0) and independent of X0, hence
      :math:`\\rho_m(DW, X_0)^2 = (1 - p)\\, \\rho_m(W, X_0)^2` exactly;
    - W = A X0 + c eps with :math:`c^2 = 1 - A^2 + 0.2^2` is a Laplace-Gaussian channel. Its maximal
      correlation is approached by exponential transforms (:func:`_rho_laplace_exponential`),

      .. math::
          \\rho_m(W, X_0)^2 \\ge \\lim_{\\lambda \\uparrow 1/(2|A|b)}
          \\frac{\\operatorname{Var} E[e^{\\lambda W} \\mid X_0]}{\\operatorname{Var} e^{\\lambda W}}
          = e^{-c^2/(4 A^2 b^2)},

      a supremum that lives in the tails of X0, where a truncated grid cannot see it: the grid operator
      (cut at |x0| <= 22 b) stays below it (rho 0.7801 against 0.7897 at A = 0.6 with jitter), and
      converges to it as the cut widens (0.7862, 0.7887, 0.7894 at cuts 40, 80, 160). The value used is
      the larger of the two (the exponential limit wherever the tails dominate);
    - scale: S is independent of X0 and shared, so conditioning on it gives the upper bound
      :math:`\\eta^2 \\le (1 - p) \\rho_m(W, X_0)^2` (the vector is a product channel given S, and by
      tensorization its rho_m is the coordinate's), while a single coordinate with unknown S gives the
      lower bound :math:`(1 - p) \\rho_m(S W, X_0)^2`. With D = 1024 coordinates S is identified from the
      norm, so eta^2 sits at the upper end; both are returned.

    Parameters
    ----------
    A : float
        Channel coefficient in [-1, 1] (paper: 0.6; also 0.2, 0.5, 0.8).
    jitter_sd, dropout, scale_sd : float
        The jitter: additive N(0, jitter_sd^2), dropout probability, sd of log-scale.
    base_scale : float
        b > 0, the Laplace scale of X0.
    n_grid : int
        Cells per axis of the grid operator.
    n_quad : int
        Gauss-Legendre nodes per cell and axis.

    Returns
    -------
    ChannelEta2
    """
    A = check_real(A, "A", low=-1.0, high=1.0)
    jitter_sd = check_real(jitter_sd, "jitter_sd", low=0.0)
    dropout = check_real(dropout, "dropout", low=0.0, high=1.0, high_open=True)
    scale_sd = check_real(scale_sd, "scale_sd", low=0.0)
    b = check_real(base_scale, "base_scale", low=0.0, low_open=True)
    n_grid = check_int(n_grid, "n_grid", low=8)
    n_quad = check_int(n_quad, "n_quad", low=1, high=64)
    c = math.sqrt(1.0 - A * A + jitter_sd**2)
    if c == 0:
        raise ValueError("the channel is noiseless (A = +-1 and jitter_sd = 0): eta^2 = 1 trivially")
    rho_w_grid, rho_w_fine = _rho_channel_richardson(A, c, n_grid, "laplace", 0.0, n_quad, b)
    rho_w = max(rho_w_grid, _rho_laplace_exponential(A, c, b))
    hi = (1.0 - dropout) * rho_w**2
    if scale_sd > 0:
        rho_sw, _ = _rho_channel_richardson(A, c, n_grid, "laplace", scale_sd, n_quad, b)
        lo = (1.0 - dropout) * rho_sw**2
    else:
        rho_sw, lo = rho_w, hi
    if A * A < 1:
        c0 = math.sqrt(1 - A * A)
        rho_plain = _rho_channel_richardson(A, c0, n_grid, "laplace", 0.0, n_quad, b)[0]
        eta2_plain = max(rho_plain, _rho_laplace_exponential(A, c0, b)) ** 2
    else:
        eta2_plain = 1.0
    return ChannelEta2(
        eta2=hi,
        eta2_low=lo,
        method="max(grid operator, exponential-transform limit) for the Laplace-Gaussian channel + exact "
        "dropout reduction; scale bracketed",
        details={
            "A": A,
            "noise_sd": c,
            "rho_W": rho_w,
            "rho_W_grid": rho_w_grid,
            "rho_W_exponential": _rho_laplace_exponential(A, c, b),
            "rho_SW": rho_sw,
            "rho_W_grid_no_extrapolation": rho_w_fine,
            "eta2_no_jitter": eta2_plain,
            "n_grid": n_grid,
            "base": f"Laplace(0, {b:g}), variance {2 * b * b:g}",
        },
    )


def eta2_gmm_pairing(means, sigma: float, *, n_samples: int = 20000, seed=None) -> ChannelEta2:
    """eta^2 of the GMM pairing: X0 = component label K (uniform), X = mu_K + sigma Z in R^D.

    .. math::
        \\eta^2 = \\rho_m(X, K)^2 = \\lambda_2\\big(D^{-1/2} E[\\pi(X)\\pi(X)^\\top] D^{-1/2}\\big),
        \\quad \\pi_k(x) = P(K = k \\mid X = x)

    (:func:`hgr_label_posterior`). The posterior depends on x only through its projection on the span
    of the means, so X is simulated exactly in that (at most K-dimensional) subspace; the expectation
    is a Monte Carlo mean over ``n_samples`` draws (its standard error is in ``details``, by batches).

    Parameters
    ----------
    means : array_like, shape (K, D)
        Component means (arXiv 2602.24012, App. E.1: 25 random fixed means in R^1024).
    sigma : float
        Shared isotropic standard deviation, > 0.
    n_samples : int
        Monte Carlo draws of (K, X), >= 100.
    seed : None, int or Generator

    Returns
    -------
    ChannelEta2
        ``eta2 = eta2_low`` (an estimate), ``details["se"]`` its standard error over 10 batches and
        ``details["min_separation_over_sigma"]``.
    """
    M = as_matrix(means, "means", min_rows=2)
    sigma = check_real(sigma, "sigma", low=0.0, low_open=True)
    n_samples = check_int(n_samples, "n_samples", low=100)
    rng = make_rng(seed)
    K = M.shape[0]
    Mc = M - M.mean(axis=0)
    _, s, Vt = np.linalg.svd(Mc, full_matrices=False)
    r = int(np.sum(s > 1e-12 * max(s.max(), 1e-300)))
    coords = Mc @ Vt[:r].T  # (K, r): means in an orthonormal basis of their affine span
    lab = rng.integers(0, K, n_samples)
    Xs = coords[lab] + sigma * rng.standard_normal((n_samples, r))
    logit = (Xs @ coords.T - 0.5 * np.sum(coords**2, axis=1)[None, :]) / sigma**2
    logit -= logit.max(axis=1, keepdims=True)
    Pi = np.exp(logit)
    Pi /= Pi.sum(axis=1, keepdims=True)
    prior = np.full(K, 1.0 / K)
    rho = hgr_label_posterior(Pi, prior)
    batches = [hgr_label_posterior(b, prior) ** 2 for b in np.array_split(Pi, 10)]
    dmin = float(np.min(np.linalg.norm(M[:, None] - M[None], axis=-1)[~np.eye(K, dtype=bool)]))
    return ChannelEta2(
        eta2=rho**2,
        eta2_low=rho**2,
        method="posterior operator, Monte Carlo in the span of the means",
        details={
            "se": float(np.std(batches, ddof=1) / math.sqrt(10)),
            "min_separation_over_sigma": dmin / sigma,
        },
    )


def eta2_binary_pairing(sparsity: float, flip: float = 0.001) -> float:
    """eta^2 of the Binary pairing: each zero entry of X0 flips to one with probability ``flip``.

    Per coordinate X0 ~ Bernoulli(s) (s = ``sparsity``, the fraction of ones, not stated by the paper)
    and X = 1 if X0 = 1, else Bernoulli(q). Both are binary, so rho_m is |corr| (every function of a
    binary variable is affine):

    .. math::
        \\eta^2 = \\frac{s (1 - s) (1 - q)^2}{t (1 - t)}, \\qquad t = s + (1 - s) q.

    For i.i.d. coordinates the vector's eta^2 is the same (tensorization). It tends to 0 when
    s << q (almost every one of X is a flip) and to 1 - O(q/s) when s >> q.

    Parameters
    ----------
    sparsity : float in (0, 1)
        P(X0_k = 1).
    flip : float in [0, 1)
        q, the flip probability of a zero entry (arXiv 2602.24012, App. E.1: 0.001).

    Returns
    -------
    float
    """
    s = check_real(sparsity, "sparsity", low=0.0, high=1.0, low_open=True, high_open=True)
    q = check_real(flip, "flip", low=0.0, high=1.0, high_open=True)
    t = s + (1.0 - s) * q
    return s * (1.0 - s) * (1.0 - q) ** 2 / (t * (1.0 - t))
