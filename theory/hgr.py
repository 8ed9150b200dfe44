"""HGR maximal correlation rho_m: exact values, a fast ACE estimator, and eta^2 of the project's channels.

The Hirschfeld-Gebelein-Renyi maximal correlation of two random variables is

.. math::
    \\rho_m(X, Y) = \\sup_{f, g} \\operatorname{corr}(f(X), g(Y))
    = \\sup_{g} \\sqrt{\\operatorname{Var} E[g(Y) \\mid X] / \\operatorname{Var} g(Y)},

the supremum over non-constant square-integrable transforms. Proposition 1 of the paper (claim P1,
Eq. 5) caps alignment with :math:`\\eta^2 = \\rho_m(X, X_0)^2`, the squared maximal correlation between
a view and its base. This module computes rho_m

- exactly for a discrete joint law (:func:`hgr_discrete`, the second singular value of
  :math:`Q = P(x, y) / \\sqrt{p(x) p(y)}`),
- exactly for jointly Gaussian vectors (:func:`hgr_gaussian`, the largest canonical correlation),
- as a converging reference for any two-dimensional density (:func:`hgr_density`, the operator
  discretised on a grid: exact cell probabilities, i.e. rho_m of the quantised pair),
- for a discrete label against a continuous variable from posterior samples (:func:`hgr_label_posterior`),
- from samples by ACE (:func:`hgr_ace`, Breiman & Friedman 1985) with a vectorised running-lines smoother,
  exact group means for categorical columns, cross-fitting and a bootstrap interval;

and gives eta^2 for the augmentation channels the project trains with (:func:`eta2_gaussian_channel`,
:func:`eta2_laplace_channel`, :func:`eta2_gmm_pairing`, :func:`eta2_binary_pairing`).

Tensorisation (Witsenhausen 1975): if the pairs :math:`(X_k, Y_k)` are independent across k,
:math:`\\rho_m((X_1..X_K), (Y_1..Y_K)) = \\max_k \\rho_m(X_k, Y_k)` (:func:`hgr_tensorize`).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy import special

from theory._validation import as_matrix, as_vector, check_int, check_real, make_rng

__all__ = [
    "ACEResult",
    "ACETransform",
    "ChannelEta2",
    "HGRResult",
    "eta2_binary_pairing",
    "eta2_gaussian_channel",
    "eta2_gmm_pairing",
    "eta2_laplace_channel",
    "hgr_ace",
    "hgr_density",
    "hgr_discrete",
    "hgr_gaussian",
    "hgr_label_posterior",
    "hgr_tensorize",
    "markov_joint",
]


# ----------------------------------------------------------------------------------------------------
# exact values
# ----------------------------------------------------------------------------------------------------
@dataclass
class HGRResult:
    """HGR maximal correlation of a discrete (or discretised) joint law.

    Attributes
    ----------
    rho : float
        The maximal correlation rho_m in [0, 1].
    f : ndarray, shape (n_x,)
        Optimal transform of X (mean 0, variance 1 under p(x); 0 on zero-probability values).
    g : ndarray, shape (n_y,)
        Optimal transform of Y (mean 0, variance 1 under p(y); 0 on zero-probability values).
    singular_values : ndarray, shape (r,)
        All singular values of Q = P / sqrt(p(x) p(y)); the first is 1 (constants), the second is rho.
    px, py : ndarray
        The marginals of the (normalised) table.
    x, y : ndarray or None
        Cell centres when the table discretises a density on a grid (:func:`hgr_density`).
    """

    rho: float
    f: np.ndarray
    g: np.ndarray
    singular_values: np.ndarray
    px: np.ndarray
    py: np.ndarray
    x: np.ndarray | None = None
    y: np.ndarray | None = None

    @property
    def eta2(self) -> float:
        """rho squared (the paper's eta^2 when the pair is (view, base))."""
        return self.rho**2


def _as_joint(joint, name: str = "joint") -> np.ndarray:
    P = as_matrix(joint, name)
    if np.any(P < 0):
        raise ValueError(f"{name} must be a table of non-negative probabilities; found negative entries")
    total = P.sum()
    if not total > 0:
        raise ValueError(f"{name} must have a positive total mass; got {total}")
    return P / total


def hgr_discrete(joint) -> HGRResult:
    """Exact HGR maximal correlation of a discrete joint law.

    .. math::
        Q_{xy} = \\frac{P(x, y)}{\\sqrt{p(x) p(y)}}, \\qquad
        \\rho_m(X, Y) = s_2(Q), \\qquad f = u_2 / \\sqrt{p_X}, \\ g = v_2 / \\sqrt{p_Y},

    where :math:`s_1 = 1 \\ge s_2 \\ge \\dots` are the singular values of Q (the top pair is
    :math:`(\\sqrt{p_X}, \\sqrt{p_Y})`, the constants). Used for eta^2 of Prop. 1 (Eq. 5).

    Parameters
    ----------
    joint : array_like, shape (n_x, n_y)
        Non-negative table; it is normalised to total mass 1. Rows or columns of zero mass are
        values of probability 0: they are dropped from the operator and get f = 0 (resp. g = 0).

    Returns
    -------
    HGRResult
        ``rho`` and the optimal transforms, normalised to mean 0 and variance 1 under the marginals,
        with ``E[f(X) g(Y)] = rho``.
    """
    P = _as_joint(joint)
    px, py = P.sum(axis=1), P.sum(axis=0)
    sx, sy = px > 0, py > 0
    Ps = P[np.ix_(sx, sy)]
    rx, ry = np.sqrt(px[sx]), np.sqrt(py[sy])
    Q = Ps / rx[:, None] / ry[None, :]
    s = np.linalg.svd(Q, compute_uv=False)
    f = np.zeros(P.shape[0])
    g = np.zeros(P.shape[1])
    if s.size < 2:  # one of the variables is a constant: rho_m = 0 by convention
        return HGRResult(0.0, f, g, s, px, py)
    # the top singular pair is (sqrt(px), sqrt(py)); deflate it explicitly so that a tie s_1 = s_2 = 1
    # (a block-diagonal table) still returns a centred pair
    Q2 = Q - np.outer(rx, ry)
    U2, s2, Vt2 = np.linalg.svd(Q2, full_matrices=False)
    rho = float(min(max(s2[0], 0.0), 1.0))
    f[sx] = U2[:, 0] / rx
    g[sy] = Vt2[0] / ry
    if rho > 0:  # sign convention E f g = +rho
        if float(f[sx] @ Ps @ g[sy]) < 0:
            f, g = -f, -g
    return HGRResult(rho, f, g, s, px, py)


def markov_joint(p0, channel_x, channel_y=None) -> np.ndarray:
    """Joint table of (X, Y) for the Markov chain X <- X0 -> Y.

    .. math::
        P(x, y) = \\sum_{x_0} p_0(x_0) K_X(x \\mid x_0) K_Y(y \\mid x_0).

    With ``channel_y = None`` the two views are conditionally i.i.d. (the paper's setup, Sec. 2).

    Parameters
    ----------
    p0 : array_like, shape (n0,)
        Law of X0 (non-negative, normalised here).
    channel_x : array_like, shape (n0, n_x)
        Row-stochastic matrix K_X(x | x0).
    channel_y : array_like, shape (n0, n_y), optional
        Row-stochastic matrix K_Y(y | x0); default ``channel_x``.

    Returns
    -------
    ndarray, shape (n_x, n_y)
    """
    p0 = _as_prob_vector(p0, "p0")
    Kx = _as_channel(channel_x, "channel_x", p0.size)
    Ky = Kx if channel_y is None else _as_channel(channel_y, "channel_y", p0.size)
    return Kx.T @ (p0[:, None] * Ky)


def _as_prob_vector(p, name: str) -> np.ndarray:
    p = as_vector(p, name)
    if np.any(p < 0) or not p.sum() > 0:
        raise ValueError(f"{name} must be non-negative with positive total mass")
    return p / p.sum()


def _as_channel(K, name: str, n0: int) -> np.ndarray:
    K = as_matrix(K, name)
    if K.shape[0] != n0:
        raise ValueError(f"{name} must have shape ({n0}, n) (one row per value of X0); got {K.shape}")
    if np.any(K < 0) or not np.allclose(K.sum(axis=1), 1.0, atol=1e-9):
        raise ValueError(f"{name} must be row-stochastic (non-negative rows summing to 1)")
    return K


def hgr_gaussian(cov, dim_x: int) -> float:
    """HGR maximal correlation of jointly Gaussian vectors: the largest canonical correlation.

    .. math::
        \\rho_m(X, Y) = s_1\\big(\\Sigma_{XX}^{-1/2} \\Sigma_{XY} \\Sigma_{YY}^{-1/2}\\big)

    (Lancaster 1957: for Gaussian pairs the optimal transforms are linear). The paper's worked example
    X = A X0 + sqrt(1 - A^2) eps gives rho_m = |A| (Prop. 1).

    Parameters
    ----------
    cov : array_like, shape (p + q, p + q)
        Joint covariance of (X, Y); X is the first ``dim_x = p`` coordinates.
    dim_x : int
        p, with 1 <= p < p + q.

    Returns
    -------
    float
    """
    C = as_matrix(cov, "cov")
    n = C.shape[0]
    if C.shape != (n, n) or not np.allclose(C, C.T, atol=1e-12 * max(1.0, np.abs(C).max())):
        raise ValueError(f"cov must be a symmetric square matrix; got shape {C.shape}")
    p = check_int(dim_x, "dim_x", low=1, high=n - 1)

    def inv_sqrt(S: np.ndarray, which: str) -> np.ndarray:
        w, V = np.linalg.eigh(S)
        if w.min() <= 1e-12 * max(1.0, w.max()):
            raise ValueError(
                f"cov: the {which} block must be positive definite; smallest eigenvalue {w.min()}"
            )
        return (V / np.sqrt(w)) @ V.T

    M = inv_sqrt(C[:p, :p], "X") @ C[:p, p:] @ inv_sqrt(C[p:, p:], "Y")
    return float(min(np.linalg.svd(M, compute_uv=False)[0], 1.0))


def hgr_density(
    pdf: Callable[[np.ndarray, np.ndarray], np.ndarray],
    x_edges,
    y_edges,
    *,
    n_quad: int = 4,
) -> HGRResult:
    """HGR maximal correlation of a two-dimensional density, by the operator discretised on a grid.

    Each cell probability is computed by tensor Gauss-Legendre quadrature,

    .. math::
        P_{ij} \\approx \\int_{a_i}^{a_{i+1}} \\int_{b_j}^{b_{j+1}} p(x, y)\\, dy\\, dx,
        \\qquad \\rho_m^{\\text{grid}} = s_2\\big(P / \\sqrt{p_X p_Y}\\big),

    so the result is rho_m of the *quantised* pair (cell indices), a function of (X, Y): by the
    data-processing inequality it is a lower bound that increases along nested refinements and
    converges to rho_m(X, Y) (up to the mass outside the box, which is dropped).

    Parameters
    ----------
    pdf : callable
        ``pdf(x, y)`` vectorised over broadcast arrays, returning the (possibly unnormalised) density.
    x_edges, y_edges : array_like, shape (n_x + 1,), (n_y + 1,)
        Increasing cell edges. Put an edge on every kink of the density (e.g. 0 for Laplace).
    n_quad : int
        Gauss-Legendre nodes per cell and axis.

    Returns
    -------
    HGRResult
        With ``x``, ``y`` set to the cell centres.
    """
    xe = as_vector(x_edges, "x_edges", min_len=3)
    ye = as_vector(y_edges, "y_edges", min_len=3)
    for e, nm in ((xe, "x_edges"), (ye, "y_edges")):
        if np.any(np.diff(e) <= 0):
            raise ValueError(f"{nm} must be strictly increasing")
    n_quad = check_int(n_quad, "n_quad", low=1, high=64)
    t, w = np.polynomial.legendre.leggauss(n_quad)
    xs, xw = _gl_nodes(xe, t, w)  # (n_x, q)
    ys, yw = _gl_nodes(ye, t, w)  # (n_y, q)
    vals = np.asarray(pdf(xs[:, None, :, None], ys[None, :, None, :]), dtype=np.float64)
    if vals.shape != (xs.shape[0], ys.shape[0], n_quad, n_quad):
        vals = np.broadcast_to(vals, (xs.shape[0], ys.shape[0], n_quad, n_quad))
    if not np.all(np.isfinite(vals)) or np.any(vals < 0):
        raise ValueError("pdf returned negative, NaN or inf values on the grid")
    P = np.einsum("ijab,ia,jb->ij", vals, xw, yw)
    res = hgr_discrete(P)
    res.x = 0.5 * (xe[1:] + xe[:-1])
    res.y = 0.5 * (ye[1:] + ye[:-1])
    return res


def _gl_nodes(edges: np.ndarray, t: np.ndarray, w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    a, b = edges[:-1, None], edges[1:, None]
    half = 0.5 * (b - a)
    return a + half * (t[None, :] + 1.0), half * w[None, :]


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
    posteriors : array_like, shape (n, K)
        Rows pi(x_i), non-negative, summing to 1.
    prior : array_like, shape (K,), optional
        Law of K; default the (weighted) mean of the posteriors (which estimates it).
    weights : array_like, shape (n,), optional
        Probabilities of the rows (e.g. p(x) for a discrete X listed once per value); default uniform
        (rows are samples of X).

    Returns
    -------
    float
        rho_m(X, K) (not squared).
    """
    Pi = as_matrix(posteriors, "posteriors", min_cols=2)
    if np.any(Pi < 0) or not np.allclose(Pi.sum(axis=1), 1.0, atol=1e-8):
        raise ValueError("posteriors must have non-negative rows summing to 1")
    if weights is None:
        wts = np.full(Pi.shape[0], 1.0 / Pi.shape[0])
    else:
        wts = _as_prob_vector(weights, "weights")
        if wts.size != Pi.shape[0]:
            raise ValueError(
                f"weights must have one entry per row of posteriors ({Pi.shape[0]}); got {wts.size}"
            )
    p = wts @ Pi if prior is None else _as_prob_vector(prior, "prior")
    if p.size != Pi.shape[1]:
        raise ValueError(f"prior must have {Pi.shape[1]} entries; got {p.size}")
    G = Pi.T @ (wts[:, None] * Pi)
    keep = p > 0
    r = np.sqrt(p[keep])
    M = G[np.ix_(keep, keep)] / r[:, None] / r[None, :]
    M = M - np.outer(r, r)  # deflate the constants
    lam = np.linalg.eigvalsh(0.5 * (M + M.T))[-1]
    return float(math.sqrt(min(max(lam, 0.0), 1.0)))


def hgr_tensorize(rhos) -> float:
    """rho_m of independent pairs stacked as vectors (Witsenhausen's tensorisation).

    .. math::
        \\rho_m\\big((X_1, \\dots, X_K), (Y_1, \\dots, Y_K)\\big) = \\max_k \\rho_m(X_k, Y_k)
        \\quad \\text{if the pairs } (X_k, Y_k) \\text{ are independent.}

    Parameters
    ----------
    rhos : array_like, shape (K,)
        Per-pair maximal correlations in [0, 1].
    """
    r = as_vector(rhos, "rhos")
    if np.any(r < 0) or np.any(r > 1):
        raise ValueError("rhos must lie in [0, 1]")
    return float(r.max())


# ----------------------------------------------------------------------------------------------------
# ACE from samples
# ----------------------------------------------------------------------------------------------------
_SPANS = (0.05, 0.2, 0.5, 1.0)
_FREEZE_AFTER = 3


@dataclass
class ACETransform:
    """A fitted one-dimensional transform, evaluable at new points.

    Attributes
    ----------
    knots : ndarray, shape (m,)
        Sorted distinct training values.
    values : ndarray, shape (m,)
        Transform at the knots.
    categorical : bool
        If True, values are looked up exactly (unseen values map to 0, the transform's mean);
        otherwise linearly interpolated, constant beyond the end knots.
    """

    knots: np.ndarray
    values: np.ndarray
    categorical: bool

    def __call__(self, x) -> np.ndarray:
        """Evaluate at ``x`` (array_like, shape (n,))."""
        x = np.asarray(x, dtype=np.float64)
        if self.categorical:
            idx = np.clip(np.searchsorted(self.knots, x), 0, self.knots.size - 1)
            return np.where(self.knots[idx] == x, self.values[idx], 0.0)
        if self.knots.size == 1:
            return np.full(x.shape, self.values[0])
        return np.interp(x, self.knots, self.values)


@dataclass
class ACEResult:
    """HGR maximal correlation estimated by ACE.

    Attributes
    ----------
    rho : float
        Cross-fitted estimate (transforms fitted on one fold, correlation evaluated on the other, the two
        roles swapped and averaged, over ``n_splits`` random splits). Removes the upward bias of
        in-sample smoothing; at finite n it is slightly conservative (estimated transforms are noisy).
    rho_in_sample : float
        Correlation of the transforms fitted on all the data, on the same data (biased upwards).
    ci_low, ci_high : float
        Interval ``rho +- z * se`` at the requested level (clipped to [0, 1]).
    se : float
        Bootstrap standard error of ``rho`` (refits on resamples; folds are drawn on the original
        indices so a duplicated point never sits in both folds); NaN if ``n_boot = 0``.
    x_transforms, y_transforms : list of ACETransform
        Fitted on all data; ``sum_j x_transforms[j](x[:, j])`` has mean 0 and variance 1.
    n_iter : int
        Outer iterations of the full-data fit.
    converged : bool
        Whether the full-data fit met ``tol`` before ``max_iter``.
    boot : ndarray, shape (n_boot,)
        The bootstrap replicates of the cross-fitted estimate.
    """

    rho: float
    rho_in_sample: float
    ci_low: float
    ci_high: float
    se: float
    x_transforms: list[ACETransform]
    y_transforms: list[ACETransform]
    n_iter: int
    converged: bool
    boot: np.ndarray = field(default_factory=lambda: np.zeros(0))

    def transform_x(self, x) -> np.ndarray:
        """Sum of the fitted x transforms at ``x`` (array_like, shape (n,) or (n, p))."""
        X = _as_columns(x, "x")
        return sum(t(X[:, j]) for j, t in enumerate(self.x_transforms))

    def transform_y(self, y) -> np.ndarray:
        """Sum of the fitted y transforms at ``y`` (array_like, shape (n,) or (n, q))."""
        Y = _as_columns(y, "y")
        return sum(t(Y[:, j]) for j, t in enumerate(self.y_transforms))


def _as_columns(a, name: str) -> np.ndarray:
    arr = np.asarray(a)
    if arr.ndim == 1:
        arr = arr[:, None]
    return as_matrix(arr, name)


class _Column:
    """One variable, sorted once: the order, tie groups, and whether it is smoothed by group means."""

    def __init__(self, values: np.ndarray, categorical: bool):
        self.values = values
        self.order = np.argsort(values, kind="stable")
        xs = values[self.order]
        starts = np.flatnonzero(np.r_[True, xs[1:] != xs[:-1]])  # distinct values of the sorted data
        self.knots = xs[starts]
        counts = np.diff(np.r_[starts, xs.size])
        self.group_sorted = np.repeat(np.arange(self.knots.size), counts)  # group of each sorted point
        self.group = np.empty(values.size, dtype=np.intp)
        self.group[self.order] = self.group_sorted
        self.counts = counts.astype(np.float64)
        self.categorical = bool(categorical) or self.knots.size == 1
        self.has_ties = self.knots.size < values.size
        # standardised sorted values for the running lines (precision of the cumulative sums)
        sd = xs.std()
        self.xs = (xs - xs.mean()) / (sd if sd > 0 else 1.0)
        self._windows: dict[float, tuple] = {}

    def _window(self, span: float) -> tuple:
        """Window moments for one span: (w, a, mx, slope weight, 1/(1 - leverage)), cached."""
        if span in self._windows:
            return self._windows[span]
        n = self.xs.size
        w = int(min(n, max(5, round(span * n))))
        a = w // 2  # points before the first full window share window 0; likewise at the end
        if not self._windows:
            self._cs = np.concatenate([[0.0], np.cumsum(self.xs)])
            self._css = np.concatenate([[0.0], np.cumsum(self.xs**2)])
        cs, css = self._cs, self._css
        mx = _expand((cs[w:] - cs[:-w])[:, None], a, n)[:, 0] / w
        vx = np.maximum(_expand((css[w:] - css[:-w])[:, None], a, n)[:, 0] / w - mx**2, 0.0)
        dx = self.xs - mx
        ok = vx > 1e-10
        slope_w = np.where(ok, dx / np.where(ok, vx, 1.0), 0.0)
        lev = np.minimum(1.0 / w + slope_w * dx / w, 0.99)
        self._windows[span] = (w, a, mx, slope_w, 1.0 / (1.0 - lev))
        return self._windows[span]

    def group_means(self, R: np.ndarray) -> np.ndarray:
        """Exact E[R | group] per group, shape (n_groups, k)."""
        k = R.shape[1]
        out = np.empty((self.knots.size, k))
        for c in range(k):
            out[:, c] = np.bincount(self.group, weights=R[:, c], minlength=self.knots.size)
        return out / self.counts[:, None]

    def smooth(self, R: np.ndarray, span) -> tuple[np.ndarray, tuple]:
        """Smooth the columns of R (shape (n, k), data order) against this variable.

        ``span`` is ``"cv"`` (choose per column), a float, or a tuple of per-column floats. Returns the
        fitted values in data order, shape (n, k), and the span used for each column.
        """
        k = R.shape[1]
        if self.categorical:
            return self.group_means(R)[self.group], (0.0,) * k
        Rs = R[self.order]
        n = Rs.shape[0]
        z = np.zeros((1, k))
        cr = np.concatenate([z, np.cumsum(Rs, axis=0)])
        cxr = np.concatenate([z, np.cumsum(self.xs[:, None] * Rs, axis=0)])
        if span == "cv":
            spans = _SPANS
        elif isinstance(span, tuple):
            spans = tuple(dict.fromkeys(span))
        else:
            spans = (span,)
        fits, errs, ses = [], [], []
        for s in spans:
            w, a, mx, slope_w, inv1mlev = self._window(s)
            mr = cr[w:] - cr[:-w]
            mr *= 1.0 / w
            mr = _expand(mr, a, n)
            cov = cxr[w:] - cxr[:-w]
            cov *= 1.0 / w
            cov = _expand(cov, a, n)
            cov -= mx[:, None] * mr
            cov *= slope_w[:, None]
            cov += mr  # the local-line fit
            fits.append(cov)
            if span == "cv":  # leave-one-out squared residuals, per column
                e = Rs - cov
                e *= inv1mlev[:, None]
                e *= e
                m1 = e.mean(axis=0)
                errs.append(m1)
                ses.append(np.sqrt(np.maximum(np.einsum("ij,ij->j", e, e) / n - m1 * m1, 0.0) / n))
        if span == "cv":
            # one-standard-error rule, per column: the largest span whose leave-one-out error is within
            # one standard error of the smallest (a bass-like preference for smooth transforms)
            E, S = np.array(errs), np.array(ses)  # (n_spans, k)
            cols = np.arange(k)
            imin = np.argmin(E, axis=0)
            ok = E <= (E[imin, cols] + S[imin, cols])[None, :]
            pick = len(spans) - 1 - np.argmax(ok[::-1], axis=0)
            chosen = tuple(spans[i] for i in pick)
        elif isinstance(span, tuple):
            chosen = span
            pick = [spans.index(s) for s in span]
        else:
            chosen, pick = (span,) * k, [0] * k
        best = np.empty_like(fits[0])
        for c in range(k):
            best[:, c] = fits[pick[c]][:, c]
        if self.has_ties:  # tied x get one value: the mean of their fits
            gm = np.empty((self.knots.size, k))
            for c in range(k):
                gm[:, c] = np.bincount(self.group_sorted, weights=best[:, c], minlength=self.knots.size)
            gm /= self.counts[:, None]
            return gm[self.group], chosen
        out = np.empty_like(best)
        out[self.order] = best
        return out, chosen


def _expand(D: np.ndarray, a: int, n: int) -> np.ndarray:
    """Window sums D (one row per full window, n - w + 1 rows) to one row per point.

    Point i uses the window starting at clip(i - a, 0, n - w): the first ``a`` points share window 0
    and the last points share the last window (the span stays ``w`` points at the boundaries).
    """
    m = D.shape[0]
    tail = n - a - m
    return np.concatenate(
        [np.broadcast_to(D[:1], (a, D.shape[1])), D, np.broadcast_to(D[-1:], (tail, D.shape[1]))]
    )


def _whiten(M: np.ndarray, rcond: float = 1e-9) -> np.ndarray:
    """Linear map W (k, r) with M W centred-orthonormal: (M W)^T (M W) / n = I_r."""
    n = M.shape[0]
    C = M.T @ M / n
    w, V = np.linalg.eigh(0.5 * (C + C.T))
    keep = w > rcond * max(w.max(), 1e-300)
    if not keep.any():
        return np.zeros((M.shape[1], 0))
    return V[:, keep] / np.sqrt(w[keep])


def _orthonormalise(T: np.ndarray) -> np.ndarray | None:
    """Upper-triangular map W with (T W)^T (T W) / n = I (Gram-Schmidt keeps the column order)."""
    n = T.shape[0]
    R = np.linalg.qr(T / math.sqrt(n), mode="r")
    d = np.abs(np.diag(R))
    if d.size == 0 or d[0] <= 1e-12:
        return None
    tiny = d <= 1e-9 * d[0]
    if tiny.any():  # a degenerate column (e.g. y has few values): keep it at zero
        R = R.copy()
        R[tiny, :] = 0.0
        R[tiny, tiny] = 1.0
        W = np.linalg.inv(R)
        W[:, tiny] = 0.0
        return W
    return np.linalg.inv(R)


def _cca_top(Phi: np.ndarray, Theta: np.ndarray):
    """Top canonical correlation of the column spaces of Phi and Theta (both centred)."""
    n = Phi.shape[0]
    Wp, Wt = _whiten(Phi), _whiten(Theta)
    if Wp.shape[1] == 0 or Wt.shape[1] == 0:
        return 0.0, np.zeros(Phi.shape[1]), np.zeros(Theta.shape[1])
    C = (Phi @ Wp).T @ (Theta @ Wt) / n
    U, s, Vt = np.linalg.svd(C)
    return float(min(s[0], 1.0)), Wp @ U[:, 0], Wt @ Vt[0]


def _ace_fit(X: np.ndarray, Y: np.ndarray, cat_x, cat_y, span, k: int, max_iter: int, tol: float, rng):
    """Block ACE on one sample. Returns (rho_in, x_transforms, y_transforms, n_iter, converged)."""
    n = X.shape[0]
    cols_x = [_Column(X[:, j], cat_x[j]) for j in range(X.shape[1])]
    cols_y = [_Column(Y[:, j], cat_y[j]) for j in range(Y.shape[1])]
    # initial theta block: standardised ranks of y_1, their centred square, random noise
    r = np.empty(n)
    r[cols_y[0].order] = np.arange(n)
    r = (r - r.mean()) / r.std()
    init = [r, r**2 - np.mean(r**2)]
    init += [rng.standard_normal(n) for _ in range(max(0, k - 2))]
    T0 = np.column_stack(init[:k])
    T0 -= T0.mean(axis=0)
    theta = [np.zeros((n, k)) for _ in cols_y]
    W0 = _orthonormalise(T0)
    theta[0] = T0 @ W0 if W0 is not None else np.zeros((n, k))
    phi = [np.zeros((n, k)) for _ in cols_x]
    Theta = sum(theta)
    Phi = np.zeros((n, k))
    # spans are chosen by leave-one-out for the first iterations, then frozen (per variable and block
    # column; the QR orthonormalisation keeps the column order), so that the iteration map is fixed and
    # converges instead of flickering between spans
    sp_x: list = [span] * len(cols_x)
    sp_y: list = [span] * len(cols_y)
    rho_old, converged, it = -1.0, False, 0
    for it in range(1, max_iter + 1):
        for j, c in enumerate(cols_x):  # one backfitting sweep: phi_j = E[Theta - sum_{i!=j} phi_i | x_j]
            Phi -= phi[j]
            phi[j], chosen = c.smooth(Theta - Phi, sp_x[j])
            if it == _FREEZE_AFTER:
                sp_x[j] = chosen
            phi[j] -= phi[j].mean(axis=0)
            Phi += phi[j]
        for m, c in enumerate(cols_y):  # theta_m = E[Phi - sum_{l!=m} theta_l | y_m]
            Theta -= theta[m]
            theta[m], chosen = c.smooth(Phi - Theta, sp_y[m])
            if it == _FREEZE_AFTER:
                sp_y[m] = chosen
            theta[m] -= theta[m].mean(axis=0)
            Theta += theta[m]
        W = _orthonormalise(Theta)
        if W is None:
            break
        theta = [t @ W for t in theta]
        Theta = Theta @ W
        rho, _, _ = _cca_top(Phi, Theta)
        if it > _FREEZE_AFTER and abs(rho - rho_old) < tol:
            converged = True
            break
        rho_old = rho
    # final phi for the final theta, then the best combination by CCA
    for j, c in enumerate(cols_x):
        Phi -= phi[j]
        phi[j], _ = c.smooth(Theta - Phi, sp_x[j])
        phi[j] -= phi[j].mean(axis=0)
        Phi += phi[j]
    rho, a, b = _cca_top(Phi, Theta)
    fx = Phi @ a
    fy = Theta @ b
    sx, sy = fx.std(), fy.std()
    sx = sx if sx > 0 else 1.0
    sy = sy if sy > 0 else 1.0
    tx = [_transform(c, phi[j] @ a / sx) for j, c in enumerate(cols_x)]
    ty = [_transform(c, theta[m] @ b / sy) for m, c in enumerate(cols_y)]
    return rho, tx, ty, it, converged


def _transform(col: _Column, vals: np.ndarray) -> ACETransform:
    knot_vals = np.bincount(col.group, weights=vals, minlength=col.knots.size) / col.counts
    return ACETransform(col.knots.copy(), knot_vals, col.categorical)


def _pearson(a: np.ndarray, b: np.ndarray) -> float:
    a = a - a.mean()
    b = b - b.mean()
    den = math.sqrt(float(a @ a) * float(b @ b))
    return float(a @ b) / den if den > 0 else 0.0


def _crossfit(X, Y, cat_x, cat_y, span, k, max_iter, tol, rng, n_splits, folds_of=None):
    """Mean held-out correlation over n_splits random 2-fold splits (both directions)."""
    n = X.shape[0]
    vals = []
    for _ in range(n_splits):
        if folds_of is None:
            fold = rng.permutation(n) % 2
        else:  # bootstrap: folds drawn on original indices
            fold = (rng.permutation(folds_of.max() + 1) % 2)[folds_of]
        for a in (0, 1):
            tr, te = fold == a, fold != a
            if tr.sum() < 10 or te.sum() < 10:
                continue
            _, tx, ty, _, _ = _ace_fit(X[tr], Y[tr], cat_x, cat_y, span, k, max_iter, tol, rng)
            fx = sum(t(X[te, j]) for j, t in enumerate(tx))
            fy = sum(t(Y[te, j]) for j, t in enumerate(ty))
            vals.append(_pearson(fx, fy))
    return float(np.mean(vals)) if vals else 0.0


def _cat_flags(cat, arr: np.ndarray, name: str, max_categories: int) -> list[bool]:
    p = arr.shape[1]
    if cat is None:
        return [np.unique(arr[:, j]).size <= max_categories for j in range(p)]
    if isinstance(cat, bool | np.bool_):
        return [bool(cat)] * p
    flags = list(cat)
    if len(flags) != p or not all(isinstance(f, bool | np.bool_) for f in flags):
        raise ValueError(f"{name} must be None, a bool, or a sequence of {p} bools (one per column)")
    return [bool(f) for f in flags]


def hgr_ace(
    x,
    y,
    *,
    seed=None,
    cat_x: bool | Sequence[bool] | None = None,
    cat_y: bool | Sequence[bool] | None = None,
    max_categories: int = 32,
    span: float | str = "cv",
    n_components: int = 3,
    max_iter: int = 60,
    tol: float = 1e-6,
    n_splits: int = 1,
    n_boot: int = 50,
    level: float = 0.95,
    progress: bool = False,
) -> ACEResult:
    """HGR maximal correlation from samples by ACE (alternating conditional expectations).

    ACE (Breiman & Friedman 1985) is the power method for the conditional-expectation operators,

    .. math::
        \\phi \\leftarrow E[\\theta(Y) \\mid X], \\qquad
        \\theta \\leftarrow E[\\phi(X) \\mid Y] / \\lVert E[\\phi(X) \\mid Y] \\rVert,
        \\qquad \\rho_m = \\operatorname{corr}(\\phi(X), \\theta(Y)) \\text{ at the fixed point},

    with multivariate x, y handled by additive transforms :math:`\\phi = \\sum_j \\phi_j(x_j)`,
    :math:`\\theta = \\sum_l \\theta_l(y_l)` (one backfitting sweep per iteration). Here it runs on a
    block of ``n_components`` vectors (subspace iteration, then the best combination by canonical
    correlation), which makes it robust to starts orthogonal to the optimum (e.g. even transforms).

    Conditional expectations are estimated by a running-lines smoother (local linear fit over the
    ``span * n`` nearest ranks, by cumulative sums after sorting once; with ``span="cv"`` the span is
    chosen per block column among 0.05, 0.2, 0.5 and 1 (a global line) by the closed-form leave-one-out
    error with a one-standard-error preference for the larger span, like Friedman's supersmoother with
    its bass control but global, then frozen after three iterations); tied values share one fitted
    value; categorical columns (at most ``max_categories`` distinct values, or flagged) use exact
    group means, so on samples of a discrete law ACE converges to :func:`hgr_discrete` of that law.

    Uncertainty: ``rho`` is cross-fitted (fit on one half, correlate on the other, swap, average over
    ``n_splits`` splits), which removes the upward in-sample bias; ``se`` is a bootstrap standard error
    of that estimate (``n_boot`` refits) and the interval is ``rho +- z se``.

    Parameters
    ----------
    x : array_like, shape (n,) or (n, p)
    y : array_like, shape (n,) or (n, q)
    seed : None, int or numpy.random.Generator
        Splits, bootstrap and the random start.
    cat_x, cat_y : bool or sequence of bool, optional
        Treat columns as categorical (group means). Default: automatic, ``<= max_categories`` distinct.
    max_categories : int
        Threshold of the automatic rule.
    span : float in (0, 1] or "cv"
        Smoother span (fraction of n), or leave-one-out choice.
    n_components : int
        Block size of the subspace iteration (1 = classical ACE).
    max_iter : int
        Maximum outer iterations.
    tol : float
        Stop when the in-sample correlation changes by less than ``tol``.
    n_splits : int
        Random 2-fold splits averaged in the cross-fitted estimate (0: report the in-sample value).
    n_boot : int
        Bootstrap refits for ``se`` (0: no interval, ``se = nan``).
    level : float
        Confidence level of the interval.
    progress : bool
        tqdm bar over the bootstrap.

    Returns
    -------
    ACEResult
    """
    X = _as_columns(x, "x")
    Y = _as_columns(y, "y")
    if X.shape[0] != Y.shape[0]:
        raise ValueError(f"x and y must have the same number of rows; got {X.shape[0]} and {Y.shape[0]}")
    n = X.shape[0]
    if n < 40:
        raise ValueError(f"hgr_ace needs at least 40 samples; got n = {n}")
    max_categories = check_int(max_categories, "max_categories", low=1)
    cx = _cat_flags(cat_x, X, "cat_x", max_categories)
    cy = _cat_flags(cat_y, Y, "cat_y", max_categories)
    if span != "cv":
        span = check_real(span, "span", low=0.0, high=1.0, low_open=True)
    k = check_int(n_components, "n_components", low=1, high=10)
    max_iter = check_int(max_iter, "max_iter", low=1)
    tol = check_real(tol, "tol", low=0.0, low_open=True)
    n_splits = check_int(n_splits, "n_splits", low=0)
    n_boot = check_int(n_boot, "n_boot", low=0)
    level = check_real(level, "level", low=0.0, high=1.0, low_open=True, high_open=True)
    rng = make_rng(seed)

    rho_in, tx, ty, n_iter, converged = _ace_fit(X, Y, cx, cy, span, k, max_iter, tol, rng)
    if n_splits == 0:
        rho = rho_in
    else:
        rho = _crossfit(X, Y, cx, cy, span, k, max_iter, tol, rng, n_splits)
    boot = np.zeros(0)
    se = float("nan")
    lo_, hi_ = float("nan"), float("nan")
    if n_boot > 0:
        iterator = range(n_boot)
        if progress:
            from tqdm import tqdm

            iterator = tqdm(iterator, desc="ACE bootstrap", leave=False)
        reps = []
        for _ in iterator:
            idx = rng.integers(0, n, n)
            if n_splits == 0:
                reps.append(_ace_fit(X[idx], Y[idx], cx, cy, span, k, max_iter, tol, rng)[0])
            else:
                reps.append(
                    _crossfit(X[idx], Y[idx], cx, cy, span, k, max_iter, tol, rng, max(1, n_splits // 2), idx)
                )
        boot = np.asarray(reps)
        se = float(boot.std(ddof=1))
        z = float(special.ndtri(0.5 + level / 2))
        lo_, hi_ = max(rho - z * se, 0.0), min(rho + z * se, 1.0)
    return ACEResult(rho, rho_in, lo_, hi_, se, tx, ty, n_iter, converged, boot)


# ----------------------------------------------------------------------------------------------------
# eta^2 of the project's channels
# ----------------------------------------------------------------------------------------------------
@dataclass
class ChannelEta2:
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
        \\eta^2 = \\rho_m(X, X_0)^2 = A^2 \\quad \\text{(Prop. 1, worked example)}.

    Per coordinate; by tensorisation the same for i.i.d. coordinates in R^D.
    """
    A = check_real(A, "A", low=-1.0, high=1.0)
    return A * A


def _laplace_pdf(x: np.ndarray) -> np.ndarray:
    return 0.5 * np.exp(-np.abs(x))


def _channel_edges(n_grid: int, half_width: float) -> np.ndarray:
    n_grid = check_int(n_grid, "n_grid", low=4)
    if n_grid % 2:
        n_grid += 1  # keep an edge at 0 (the Laplace kink)
    return np.linspace(-half_width, half_width, n_grid + 1)


def _rho_channel_grid(
    A: float, noise_sd: float, n_grid: int, base: str, scale_sd: float, n_quad: int, base_scale: float = 1.0
) -> float:
    """rho_m(X, X0) for X = S (A X0 + noise_sd * eps), log S ~ N(0, scale_sd^2), on a grid.

    X0 ~ Laplace(0, base_scale) or N(0, 1). Scaling X0 by b is the channel A b X0' with X0' ~ Laplace(0, 1).
    """
    A = A * base_scale
    if base == "laplace":
        p0, hw0 = _laplace_pdf, 22.0
    elif base == "gaussian":
        p0, hw0 = (lambda t: np.exp(-0.5 * t * t) / math.sqrt(2 * math.pi)), 9.0
    else:
        raise ValueError(f"base must be 'laplace' or 'gaussian'; got {base!r}")
    sdx = math.sqrt(A * A * (2.0 if base == "laplace" else 1.0) + noise_sd**2)
    hwx = (9.0 if base == "gaussian" else 16.0) * sdx * (math.exp(4 * scale_sd) if scale_sd > 0 else 1.0)
    if scale_sd > 0:
        t, w = np.polynomial.hermite_e.hermegauss(24)
        svals, sw = np.exp(scale_sd * t), w / w.sum()
    else:
        svals, sw = np.array([1.0]), np.array([1.0])

    def pdf(x0, x):
        out = 0.0
        for s, ws in zip(svals, sw, strict=True):
            z = (x / s - A * x0) / noise_sd
            out = out + ws * np.exp(-0.5 * z * z) / (s * noise_sd)
        return p0(x0) * out

    res = hgr_density(pdf, _channel_edges(n_grid, hw0), _channel_edges(n_grid, hwx), n_quad=n_quad)
    return res.rho


def _rho_channel_richardson(
    A, noise_sd, n_grid, base, scale_sd, n_quad, base_scale=1.0
) -> tuple[float, float]:
    """Richardson-extrapolated grid value (the grid error is O(h^2)) and the fine-grid value."""
    fine = _rho_channel_grid(A, noise_sd, n_grid, base, scale_sd, n_quad, base_scale)
    coarse = _rho_channel_grid(A, noise_sd, n_grid // 2, base, scale_sd, n_quad, base_scale)
    return min((4.0 * fine - coarse) / 3.0, 1.0), fine


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
    """eta^2 of the paper's Laplace channel with its jitter (App. E.1).

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
      tensorisation its rho_m is the coordinate's), while a single coordinate with unknown S gives the
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
        hi,
        lo,
        "max(grid operator, exponential-transform limit) for the Laplace-Gaussian channel + exact dropout "
        "reduction; scale bracketed",
        {
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
        Component means (App. E.1: 25 random fixed means in R^1024).
    sigma : float
        Shared isotropic standard deviation, > 0.
    n_samples : int
    seed : None, int or Generator
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
        rho**2,
        rho**2,
        "posterior operator, Monte Carlo in the span of the means",
        {"se": float(np.std(batches, ddof=1) / math.sqrt(10)), "min_separation_over_sigma": dmin / sigma},
    )


def eta2_binary_pairing(sparsity: float, flip: float = 0.001) -> float:
    """eta^2 of the Binary pairing: each zero entry of X0 flips to one with probability ``flip``.

    Per coordinate X0 ~ Bernoulli(s) (s = ``sparsity``, the fraction of ones, not stated by the paper)
    and X = 1 if X0 = 1, else Bernoulli(q). Both are binary, so rho_m is |corr| (every function of a
    binary variable is affine):

    .. math::
        \\eta^2 = \\frac{s (1 - s) (1 - q)^2}{t (1 - t)}, \\qquad t = s + (1 - s) q.

    For i.i.d. coordinates the vector's eta^2 is the same (tensorisation). It tends to 0 when
    s << q (almost every one of X is a flip) and to 1 - O(q/s) when s >> q.

    Parameters
    ----------
    sparsity : float in (0, 1)
        P(X0_k = 1).
    flip : float in [0, 1)
        q, the flip probability of a zero entry (paper: 0.001).
    """
    s = check_real(sparsity, "sparsity", low=0.0, high=1.0, low_open=True, high_open=True)
    q = check_real(flip, "flip", low=0.0, high=1.0, high_open=True)
    t = s + (1.0 - s) * q
    return s * (1.0 - s) * (1.0 - q) ** 2 / (t * (1.0 - t))
