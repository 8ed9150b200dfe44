"""HGR maximal correlation of continuous laws: Gaussian pairs exactly, densities by a grid operator."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from theory._io import ResultMixin
from theory._validation import as_matrix, as_vector, check_int, check_real
from theory.hgr._discrete import HGRResult, hgr_discrete


def hgr_gaussian(cov, dim_x: int) -> float:
    """HGR maximal correlation of jointly Gaussian vectors: the largest canonical correlation.

    .. math::
        \\rho_m(X, Y) = s_1\\big(\\Sigma_{XX}^{-1/2} \\Sigma_{XY} \\Sigma_{YY}^{-1/2}\\big)

    (Lancaster 1957: for Gaussian pairs the optimal transforms are linear). The paper's worked example
    X = A X0 + sqrt(1 - A^2) eps gives rho_m = |A| (arXiv 2602.24012, Prop. 1).

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
    if np.asarray(cov).dtype == np.bool_:
        raise TypeError("cov must be a real covariance matrix; got a boolean array")
    C = as_matrix(cov, "cov")
    n = C.shape[0]
    if C.shape != (n, n) or not np.allclose(C, C.T, atol=1e-12 * max(1.0, np.abs(C).max())):
        raise ValueError(f"cov must be a symmetric square matrix; got shape {C.shape}")
    if n < 2:
        raise ValueError(f"cov must be at least 2 x 2 (one coordinate of X and one of Y); got {C.shape}")
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


def _gl_nodes(edges: np.ndarray, t: np.ndarray, w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    a, b = edges[:-1, None], edges[1:, None]
    half = 0.5 * (b - a)
    return a + half * (t[None, :] + 1.0), half * w[None, :]


def hgr_density(
    pdf: Callable[[np.ndarray, np.ndarray], np.ndarray],
    x_edges,
    y_edges,
    *,
    n_quad: int = 4,
) -> HGRResult:
    """HGR maximal correlation of a two-dimensional density, by the operator discretized on a grid.

    Each cell probability is computed by tensor Gauss-Legendre quadrature,

    .. math::
        P_{ij} \\approx \\int_{a_i}^{a_{i+1}} \\int_{b_j}^{b_{j+1}} p(x, y)\\, dy\\, dx,
        \\qquad \\rho_m^{\\text{grid}} = s_2\\big(P / \\sqrt{p_X p_Y}\\big),

    so the result is rho_m of the *quantized* pair (cell indices), a function of (X, Y): by the
    data-processing inequality it is a lower bound that increases along nested refinements and
    converges to rho_m(X, Y) (up to the mass outside the box, which is dropped).

    Parameters
    ----------
    pdf : callable
        ``pdf(x, y)`` vectorized over broadcast arrays, returning the (possibly unnormalized) density.
    x_edges : array_like, shape (n_x + 1,)
        Strictly increasing cell edges of X. Put an edge on every kink of the density (e.g. 0 for
        Laplace).
    y_edges : array_like, shape (n_y + 1,)
        Strictly increasing cell edges of Y.
    n_quad : int
        Gauss-Legendre nodes per cell and axis, in [1, 64].

    Returns
    -------
    HGRResult
        With ``x``, ``y`` set to the cell centers.
    """
    if not callable(pdf):
        raise TypeError(f"pdf must be a callable pdf(x, y); got {type(pdf).__name__}")
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
        try:
            vals = np.broadcast_to(vals, (xs.shape[0], ys.shape[0], n_quad, n_quad))
        except ValueError as exc:
            raise ValueError(
                f"pdf must broadcast over its arguments; got an output of shape {vals.shape}"
            ) from exc
    if not np.all(np.isfinite(vals)) or np.any(vals < 0):
        raise ValueError("pdf returned negative, NaN or inf values on the grid")
    P = np.einsum("ijab,ia,jb->ij", vals, xw, yw)
    if not P.sum() > 0:
        raise ValueError("pdf has no mass on the grid (all cell probabilities are 0)")
    return hgr_discrete(P).with_centers(0.5 * (xe[1:] + xe[:-1]), 0.5 * (ye[1:] + ye[:-1]))


# ----------------------------------------------------------------------------------------------------
# the grid operator of the project's scalar channels
# ----------------------------------------------------------------------------------------------------
_BASES = ("gaussian", "laplace")


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


@dataclass(frozen=True)
class ChannelGridRho(ResultMixin):
    """rho_m(X, X0) of a scalar channel by the grid operator, Richardson-extrapolated.

    Attributes
    ----------
    rho : float
        :math:`\\min\\big((4 \\rho_h - \\rho_{2h}) / 3, 1\\big)`, the extrapolated value (the grid error
        is O(h^2)).
    rho_fine : float
        The value on the fine grid (``n_grid`` cells per axis): a lower bound on the truncated box.
    rho_coarse : float
        The value on the coarse grid (``n_grid // 2`` cells per axis).
    n_grid : int
        Cells per axis of the fine grid (made even to keep an edge at 0).
    base : str
        Law of X0: ``"gaussian"`` (N(0, 1)) or ``"laplace"`` (Laplace(0, base_scale)).
    A, noise_sd, scale_sd, base_scale : float
        The channel X = S (A X0 + noise_sd eps), log S ~ N(0, scale_sd^2).
    eta2 : float
        ``rho ** 2``; a property, also in ``to_dict()``.
    """

    rho: float
    rho_fine: float
    rho_coarse: float
    n_grid: int
    base: str
    A: float
    noise_sd: float
    scale_sd: float
    base_scale: float

    _json_extra = ("eta2",)

    @property
    def eta2(self) -> float:
        """rho squared."""
        return self.rho**2


def rho_channel_grid(
    A: float,
    noise_sd: float,
    *,
    base: str = "gaussian",
    n_grid: int = 240,
    scale_sd: float = 0.0,
    n_quad: int = 4,
    base_scale: float = 1.0,
) -> ChannelGridRho:
    """rho_m(X, X0) of the scalar channel X = S (A X0 + noise_sd eps) by the grid operator.

    .. math::
        \\rho = \\min\\Big(\\frac{4 \\rho_h - \\rho_{2h}}{3}, 1\\Big), \\qquad
        \\rho_h = s_2\\big(P_h / \\sqrt{p_{X_0} p_X}\\big),

    with :math:`P_h` the cell probabilities of (X0, X) on a box grid of ``n_grid`` cells per axis
    (:func:`hgr_density`), eps ~ N(0, 1), log S ~ N(0, scale_sd^2) (Gauss-Hermite mixture) and X0 ~ N(0, 1)
    (``base="gaussian"``) or Laplace(0, ``base_scale``) (``base="laplace"``): the channels of arXiv
    2602.24012, Prop. 1 (Gaussian worked example, Eq. 5) and App. E.1 (Laplace). For the Gaussian base
    the exact value is :math:`|A| / \\sqrt{A^2 + \\text{noise\\_sd}^2}`. For the Laplace base the
    truncated box misses a supremum that lives in the tails (see :func:`eta2_laplace_channel`).

    Parameters
    ----------
    A : float
        Channel coefficient in [-1, 1].
    noise_sd : float
        Standard deviation of the additive Gaussian noise, > 0.
    base : {"gaussian", "laplace"}
    n_grid : int
        Cells per axis of the fine grid, >= 8 (odd values are rounded up).
    scale_sd : float
        Standard deviation of log S, >= 0 (0: no random scale).
    n_quad : int
        Gauss-Legendre nodes per cell and axis, in [1, 64].
    base_scale : float
        b > 0, the scale of X0: Laplace(0, b), or N(0, b^2) for the Gaussian base.

    Returns
    -------
    ChannelGridRho
    """
    A = check_real(A, "A", low=-1.0, high=1.0)
    noise_sd = check_real(noise_sd, "noise_sd", low=0.0, low_open=True)
    if not isinstance(base, str):
        raise TypeError(f"base must be 'gaussian' or 'laplace'; got {type(base).__name__} {base!r}")
    if base not in _BASES:
        raise ValueError(f"base must be 'gaussian' or 'laplace'; got {base!r}")
    n_grid = check_int(n_grid, "n_grid", low=8)
    scale_sd = check_real(scale_sd, "scale_sd", low=0.0)
    n_quad = check_int(n_quad, "n_quad", low=1, high=64)
    base_scale = check_real(base_scale, "base_scale", low=0.0, low_open=True)
    fine = _rho_channel_grid(A, noise_sd, n_grid, base, scale_sd, n_quad, base_scale)
    coarse = _rho_channel_grid(A, noise_sd, n_grid // 2, base, scale_sd, n_quad, base_scale)
    return ChannelGridRho(
        rho=min((4.0 * fine - coarse) / 3.0, 1.0),
        rho_fine=fine,
        rho_coarse=coarse,
        n_grid=n_grid + n_grid % 2,
        base=base,
        A=A,
        noise_sd=noise_sd,
        scale_sd=scale_sd,
        base_scale=base_scale,
    )
