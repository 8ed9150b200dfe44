"""Cumulants of one coordinate :math:`z_k = W_k \\cdot x + b_k` of a linear encoder, for the three inputs.

Cumulants of independent summands add, and :math:`\\kappa_r(c X) = c^r \\kappa_r(X)`; so for inputs with
i.i.d. coordinates of law :math:`L` and a weight row :math:`w = W_k`,

.. math::
    \\kappa_1(z_k) = b_k + \\kappa_1(L) \\textstyle\\sum_j w_j, \\qquad
    \\kappa_r(z_k) = \\kappa_r(L) \\textstyle\\sum_j w_j^r \\quad (r \\ge 2).

The Gaussian mixture (GMM) has dependent coordinates (the component is shared); its coordinate is exactly
a one-dimensional mixture of 25 Gaussians, whose cumulants are those of the discrete law of the component
means plus the variance of the shared-covariance part.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.polynomial import Polynomial
from scipy import special

from theory._io import ResultMixin
from theory._validation import as_int, as_matrix, as_real, as_rng, as_vector

__all__ = [
    "CoordinateCumulants",
    "RowsCumulants",
    "bernoulli_cumulants",
    "binary_coordinate_cumulants",
    "binary_rows_cumulants",
    "gmm_coordinate_cdf",
    "gmm_coordinate_cumulants",
    "gmm_means",
    "laplace_coordinate_cumulants",
    "laplace_cumulants",
]


@dataclass(frozen=True)
class CoordinateCumulants(ResultMixin):
    """The first four cumulants of one encoder coordinate and its standardised shape.

    Attributes
    ----------
    inputs : str
        ``"binary"``, ``"laplace"`` or ``"gmm"``.
    kappa : tuple of float
        :math:`(\\kappa_1, \\kappa_2, \\kappa_3, \\kappa_4)`.
    mean, variance : float
        :math:`\\kappa_1`, :math:`\\kappa_2`.
    skewness : float
        :math:`\\gamma_1 = \\kappa_3 / \\kappa_2^{3/2}`.
    excess_kurtosis : float
        :math:`\\gamma_2 = \\kappa_4 / \\kappa_2^2` (0 for a Gaussian).
    """

    inputs: str
    kappa: tuple[float, float, float, float]
    mean: float
    variance: float
    skewness: float
    excess_kurtosis: float


def _result(inputs: str, k1: float, k2: float, k3: float, k4: float) -> CoordinateCumulants:
    if not k2 > 0:
        raise ValueError("the coordinate is constant (variance 0): w must have a non-zero entry")
    return CoordinateCumulants(
        inputs=inputs,
        kappa=(float(k1), float(k2), float(k3), float(k4)),
        mean=float(k1),
        variance=float(k2),
        skewness=float(k3 / k2**1.5),
        excess_kurtosis=float(k4 / k2**2),
    )


def as_points(t, name: str) -> np.ndarray:
    """``t`` as a float64 array of finite points (any shape; a scalar gives shape ())."""
    arr = np.asarray(t)
    if arr.dtype == object or not (
        np.issubdtype(arr.dtype, np.integer) or np.issubdtype(arr.dtype, np.floating)
    ):
        raise TypeError(f"{name} must be a real number or an array of them; got {t!r}")
    arr = arr.astype(np.float64)
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be finite; got {t!r}")
    return arr


def _as_p(p) -> float:
    return as_real(p, "p", low=0.0, high=1.0, low_open=True, high_open=True)


def bernoulli_cumulants(p, order: int = 4) -> np.ndarray:
    """Cumulants :math:`\\kappa_1, \\dots, \\kappa_r` of one Bernoulli(p) input.

    With :math:`q = 1 - p` the cumulants obey :math:`\\kappa_1 = p`,
    :math:`\\kappa_{r+1} = p q \\, d\\kappa_r / dp` (the cumulant generating function is
    :math:`\\log(q + p e^t)`, and :math:`\\partial_t K = p q\\, \\partial_p K` for it), so

    .. math::
        \\kappa_2 = pq, \\quad \\kappa_3 = pq(1 - 2p), \\quad \\kappa_4 = pq(1 - 6pq), \\ \\dots

    The polynomials are built exactly (integer coefficients) and evaluated at ``p``.

    Parameters
    ----------
    p : float in (0, 1)
        Success probability.
    order : int >= 1
        Highest cumulant returned.

    Returns
    -------
    ndarray, shape (order,)
        ``[kappa_1, ..., kappa_order]``.
    """
    p = _as_p(p)
    order = as_int(order, "order", low=1, high=40)
    pq = Polynomial([0, 1, -1])
    k = Polynomial([0, 1])
    out = [k(p)]
    for _ in range(order - 1):
        k = pq * k.deriv()
        out.append(k(p))
    return np.array(out, dtype=np.float64)


def laplace_cumulants(order: int = 4, scale=1.0) -> np.ndarray:
    """Cumulants of one Laplace(0, ``scale``) input: :math:`\\kappa_{2m} = (2m)!/m \\cdot s^{2m}`, odd ones 0.

    From the cumulant generating function :math:`-\\log(1 - s^2 t^2) = \\sum_m (s t)^{2m} / m`; so
    :math:`\\kappa_2 = 2 s^2` and :math:`\\kappa_4 = 12 s^4` (excess kurtosis 3).

    Parameters
    ----------
    order : int >= 1
    scale : float > 0
        :math:`s` (App. E.1 and :func:`train.data.synthetic.make_laplace`: 1).

    Returns
    -------
    ndarray, shape (order,)
    """
    order = as_int(order, "order", low=1, high=40)
    s = as_real(scale, "scale", low=0.0, low_open=True)
    out = np.zeros(order)
    for r in range(2, order + 1, 2):
        m = r // 2
        out[r - 1] = math.factorial(r) / m * s**r
    return out


def _row(w) -> np.ndarray:
    return as_vector(w, "w")


def binary_coordinate_cumulants(w, p, bias=0.0) -> CoordinateCumulants:
    """Cumulants of :math:`z = w \\cdot x + b`, :math:`x \\sim \\mathrm{Bernoulli}(p)^D` (the Binary input).

    .. math::
        \\kappa_1 = b + p \\textstyle\\sum_j w_j, \\quad \\kappa_2 = pq \\sum_j w_j^2, \\quad
        \\kappa_3 = pq(1 - 2p) \\sum_j w_j^3, \\quad \\kappa_4 = pq(1 - 6pq) \\sum_j w_j^4,

    hence :math:`\\gamma_1 = \\frac{1 - 2p}{\\sqrt{pq}} \\frac{\\sum w^3}{(\\sum w^2)^{3/2}}` and
    :math:`\\gamma_2 = \\frac{1 - 6pq}{pq} \\frac{\\sum w^4}{(\\sum w^2)^2}` (App. E.1, Binary: D = 1024;
    the sparsity ``p`` is not stated by the paper).

    Parameters
    ----------
    w : array_like, shape (D,)
        The weight row :math:`W_k`, not all zero.
    p : float in (0, 1)
        :math:`P(x_j = 1)` (the data set's ``sparsity``).
    bias : float
        :math:`b_k`.

    Returns
    -------
    CoordinateCumulants
    """
    w = _row(w)
    b = as_real(bias, "bias")
    k = bernoulli_cumulants(p, 4)
    return _result(
        "binary", b + k[0] * w.sum(), k[1] * (w**2).sum(), k[2] * (w**3).sum(), k[3] * (w**4).sum()
    )


@dataclass(frozen=True, eq=False)
class RowsCumulants(ResultMixin):
    """Mean, variance, skewness and excess kurtosis of every coordinate of :math:`z = Wx + b`.

    Attributes
    ----------
    mean, variance, skewness, excess_kurtosis : ndarray, shape (d,)
        One entry per row of :math:`W` (coordinate of :math:`z`).
    """

    mean: np.ndarray
    variance: np.ndarray
    skewness: np.ndarray
    excess_kurtosis: np.ndarray


def binary_rows_cumulants(W, p, bias=None) -> RowsCumulants:
    """:func:`binary_coordinate_cumulants` of every row of a weight matrix (e.g. a trained encoder's).

    Each coordinate's shape is fixed by its row: :math:`\\gamma_2 = \\frac{1 - 6pq}{pq} R_4(W_k)`,
    :math:`\\gamma_1 = \\frac{1 - 2p}{\\sqrt{pq}} R_3(W_k)`, so a trained :math:`W` predicts its
    coordinates' test results without any embedding.

    Parameters
    ----------
    W : array_like, shape (d, D)
        Weight matrix (``nn.Linear.weight``), no zero row.
    p : float in (0, 1)
    bias : array_like, shape (d,), optional

    Returns
    -------
    RowsCumulants
    """
    W = as_matrix(W, "W")
    k = bernoulli_cumulants(p, 4)
    b = np.zeros(W.shape[0]) if bias is None else as_vector(bias, "bias")
    if b.shape[0] != W.shape[0]:
        raise ValueError(f"bias must have shape (d,) with d = {W.shape[0]} rows of W; got {b.shape}")
    s2 = (W**2).sum(axis=1)
    zero = np.flatnonzero(s2 == 0)
    if zero.size:
        raise ValueError(
            f"W has zero rows (rows {', '.join(map(str, zero[:10]))}): those coordinates are constant"
        )
    var = k[1] * s2
    return RowsCumulants(
        mean=b + k[0] * W.sum(axis=1),
        variance=var,
        skewness=k[2] * (W**3).sum(axis=1) / var**1.5,
        excess_kurtosis=k[3] * (W**4).sum(axis=1) / var**2,
    )


def laplace_coordinate_cumulants(w, scale=1.0, bias=0.0) -> CoordinateCumulants:
    """Cumulants of :math:`z = w \\cdot x + b`, :math:`x \\sim \\mathrm{Laplace}(0, s)^D` (App. E.1, Laplace).

    .. math::
        \\kappa_1 = b, \\quad \\kappa_2 = 2 s^2 \\textstyle\\sum_j w_j^2, \\quad \\kappa_3 = 0, \\quad
        \\kappa_4 = 12 s^4 \\sum_j w_j^4, \\qquad
        \\gamma_2 = 3 \\frac{\\sum w^4}{(\\sum w^2)^2} \\ge \\frac{3}{D}.

    Parameters
    ----------
    w : array_like, shape (D,)
    scale : float > 0
    bias : float

    Returns
    -------
    CoordinateCumulants
    """
    w = _row(w)
    b = as_real(bias, "bias")
    k = laplace_cumulants(4, scale)
    return _result("laplace", b, k[1] * (w**2).sum(), 0.0, k[3] * (w**4).sum())


def gmm_means(dim: int = 1024, n_components: int = 25, mean_scale=0.07, seed: int = 0) -> np.ndarray:
    """The component means of the GMM data set: :math:`\\mu_k \\sim N(0, s_\\mu^2 I_D)`, drawn once.

    The same draw as :func:`train.data.synthetic.make_gmm` (its first use of
    ``numpy.random.default_rng(seed)``: ``mean_scale * standard_normal((n_components, dim))``), so the
    coordinate law below is the law on the project's data set, not on a look-alike.

    Parameters
    ----------
    dim, n_components : int
        D (1024) and the number of components (25, App. E.1).
    mean_scale : float > 0
        :math:`s_\\mu` (the project's default 0.07; the paper does not state it).
    seed : int >= 0

    Returns
    -------
    ndarray, shape (n_components, dim)
    """
    dim = as_int(dim, "dim", low=1)
    n_components = as_int(n_components, "n_components", low=1)
    mean_scale = as_real(mean_scale, "mean_scale", low=0.0, low_open=True)
    rng = as_rng(as_int(seed, "seed", low=0))
    return mean_scale * rng.standard_normal((n_components, dim))


def _gmm_parts(w, means, sigma, bias) -> tuple[np.ndarray, float]:
    w = _row(w)
    mu = as_matrix(means, "means")
    if mu.shape[1] != w.shape[0]:
        raise ValueError(
            f"means must have shape (n_components, D) with D = len(w) = {w.shape[0]}; got {mu.shape}"
        )
    sigma = as_real(sigma, "sigma", low=0.0)
    b = as_real(bias, "bias")
    return mu @ w + b, sigma * float(np.sqrt((w**2).sum()))


def gmm_coordinate_cumulants(w, means, sigma=1.0, bias=0.0) -> CoordinateCumulants:
    """Cumulants of :math:`z = w \\cdot x + b` for :math:`x = \\mu_K + \\sigma \\varepsilon` (App. E.1, GMM).

    :math:`K` uniform over the components, :math:`\\varepsilon \\sim N(0, I_D)`; the coordinate is the
    equal-weight mixture of :math:`N(m_k, \\sigma^2 \\lVert w \\rVert^2)`, :math:`m_k = w \\cdot \\mu_k + b`.
    With :math:`M = m_K` (a discrete law) independent of the Gaussian part,

    .. math::
        \\kappa_1 = \\bar m, \\quad \\kappa_2 = \\operatorname{Var} M + \\sigma^2 \\lVert w \\rVert^2, \\quad
        \\kappa_3 = E (M - \\bar m)^3, \\quad \\kappa_4 = E (M - \\bar m)^4 - 3 (\\operatorname{Var} M)^2.

    A row orthogonal to the centred means gives an exactly Gaussian coordinate (D = 1024 > 25), so the
    infimum of :math:`|\\gamma_2|` over rows is 0 for this input.

    Parameters
    ----------
    w : array_like, shape (D,)
    means : array_like, shape (n_components, D)
        Component means (:func:`gmm_means`).
    sigma : float >= 0
        Shared isotropic standard deviation (the project's default 1).
    bias : float

    Returns
    -------
    CoordinateCumulants
    """
    m, s = _gmm_parts(w, means, sigma, bias)
    c = m - m.mean()
    var_m = (c**2).mean()
    return _result("gmm", m.mean(), var_m + s**2, (c**3).mean(), (c**4).mean() - 3.0 * var_m**2)


def gmm_coordinate_cdf(t, w, means, sigma=1.0, bias=0.0) -> np.ndarray:
    """Exact CDF of the GMM coordinate (a mixture of point masses when :math:`\\sigma = 0`).

    .. math::
        F(t) = \\frac{1}{K} \\sum_k \\Phi\\Big(\\frac{t - m_k}{\\sigma \\lVert w \\rVert}\\Big).

    Parameters
    ----------
    t : float or array_like
    w, means, sigma, bias
        As in :func:`gmm_coordinate_cumulants`.

    Returns
    -------
    ndarray
        Same shape as ``t``.
    """
    m, s = _gmm_parts(w, means, sigma, bias)
    x = as_points(t, "t")[..., None] - m
    if s > 0:
        return special.ndtr(x / s).mean(axis=-1)
    return (x >= 0).mean(axis=-1)
