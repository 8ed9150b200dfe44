"""Exact Wasserstein-2 distance to a Gaussian in 1-D, and the sliced distance to the fitted Gaussian.

The W2 distance between an empirical law on the line and :math:`\\mathcal N(\\mu, s^2)` is an
integral of the squared gap between quantile functions; over the order-statistic cells
:math:`((i-1)/n, i/n]` the Gaussian side has closed forms through the normal pdf, so no Gaussian sample
is drawn (the previous implementation compared with ``n`` draws through POT).
"""

from __future__ import annotations

import functools
import math
import warnings
from dataclasses import dataclass

import numpy as np
from scipy import special

from theory._io import ResultMixin
from theory._validation import as_int, as_matrix, as_rng
from theory.gaussianity._univariate import _constant_columns, _input_dtype, _pow2_exponent, _pow2_scaled

_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)


@functools.lru_cache(maxsize=16)
def _cells(n: int) -> tuple[np.ndarray, float]:
    """Cell means ``a_i = n int_{(i-1)/n}^{i/n} Phi^{-1}(t) dt`` and the within-cell variance ``E_n``.

    With :math:`z_i = \\Phi^{-1}(i/n)` (:math:`z_0 = -\\infty`, :math:`z_n = +\\infty`),
    :math:`a_i = n(\\varphi(z_{i-1}) - \\varphi(z_i))` and
    :math:`E_n = \\int_0^1 \\Phi^{-1}(t)^2 dt - \\frac1n \\sum_i a_i^2 = 1 - \\frac1n \\sum_i a_i^2`.
    The knots are computed from the smaller tail (``-ndtri(min(i, n - i) / n)``, accurate far in
    the tails) and each difference of pdf values as
    :math:`\\varphi(z_i)\\,\\mathrm{expm1}\\bigl((z_i - z_{i-1})(z_i + z_{i-1})/2\\bigr)` (no
    cancellation between close pdf values); ``a`` is antisymmetric, ``a_{n+1-i} = -a_i``.
    """
    if n == 1:
        return np.zeros(1), 1.0
    i = np.arange(1, n)
    z = -special.ndtri(np.minimum(i, n - i) / n)  # |z_i|
    z = np.where(i < n - i, -z, z)  # signed knots z_1 .. z_{n-1}
    pdf = _INV_SQRT_2PI * np.exp(-0.5 * z * z)
    a = np.empty(n)
    # upper half: cells i with z_{i-1} >= 0 (0-based index k = i - 1 >= ceil(n / 2))
    half = (n + 1) // 2  # first cell entirely in the upper half (0-based)
    k = np.arange(half, n - 1)  # cells k + 1 = half + 1 .. n - 1, between knots z_k and z_{k+1}
    lo, hi = z[k - 1], z[k]
    a[k] = pdf[k] * np.expm1(0.5 * (hi - lo) * (hi + lo))
    a[n - 1] = pdf[n - 2]  # the last cell: phi(z_{n-1}) - 0
    a[: n - half] = -a[half:][::-1]
    if n % 2:
        a[n // 2] = 0.0  # the symmetric middle cell
    a *= n
    e_n = float(max(0.0, 1.0 - np.dot(a, a) / n))
    return a, e_n


def _w2sq_sorted(xs: np.ndarray, mean: np.ndarray, sd: float | np.ndarray) -> np.ndarray:
    """Squared W2 of each sorted row of ``xs`` (k, n) to :math:`\\mathcal N(\\mu, s^2)`.

    .. math::
        W_2^2 = \\frac1n \\sum_i (x_{(i)} - \\mu - s a_i)^2 + s^2 E_n,

    a sum of non-negative terms (no cancellation between large quantities).
    """
    n = xs.shape[1]
    a, e_n = _cells(n)
    sd = np.asarray(sd, dtype=np.float64).reshape(-1, 1)
    t = xs - np.asarray(mean, dtype=np.float64).reshape(-1, 1)
    t -= sd * a[None, :]
    return np.einsum("ij,ij->i", t, t) / n + sd[:, 0] ** 2 * e_n


def wasserstein_gaussian_1d(x, mean=0.0, sd=1.0):
    """Exact Wasserstein-2 distance between the empirical law of ``x`` and :math:`\\mathcal N(\\mu, s^2)`.

    With :math:`F^{-1}(t) = \\mu + s\\Phi^{-1}(t)` and the sorted sample :math:`x_{(1)} \\le \\dots \\le
    x_{(n)}`,

    .. math::
        W_2^2 = \\sum_{i=1}^n \\int_{(i-1)/n}^{i/n} \\bigl(x_{(i)} - F^{-1}(t)\\bigr)^2 dt
        = \\frac1n \\sum_{i=1}^n (x_{(i)} - \\mu - s a_i)^2 + s^2 E_n,

    where, with :math:`z_i = \\Phi^{-1}(i/n)` and the normal pdf :math:`\\varphi`,
    :math:`a_i = n\\int_{z_{i-1}}^{z_i} z\\varphi(z)dz = n(\\varphi(z_{i-1}) - \\varphi(z_i))`
    (:math:`E[Z 1\\{a<Z<b\\}] = \\varphi(a) - \\varphi(b)`) and
    :math:`E_n = 1 - \\frac1n\\sum_i a_i^2` is the within-cell variance of :math:`\\Phi^{-1}` (from
    :math:`E[Z^2 1\\{a<Z<b\\}] = \\Phi(b) - \\Phi(a) + a\\varphi(a) - b\\varphi(b)` summed over the
    cells). Scale free: computed after an exact power-of-two rescaling.

    Parameters
    ----------
    x : array_like, shape (n,) or (n, k)
        Samples (one law per column); finite, ``n >= 1``.
    mean : float or array_like, shape (k,)
        :math:`\\mu`, finite.
    sd : float or array_like, shape (k,)
        :math:`s > 0`, finite.

    Returns
    -------
    float or ndarray, shape (k,)
        :math:`W_2` (not squared), in the units of ``x``.
    """
    arr = np.asarray(x) if not isinstance(x, str | bytes) else None
    if arr is None or arr.dtype == object or not np.issubdtype(arr.dtype, np.number) or np.iscomplexobj(arr):
        raise TypeError(f"x must be a real array of shape (n,) or (n, k); got {type(x).__name__}")
    if arr.ndim not in (1, 2):
        raise ValueError(f"x must have shape (n,) or (n, k); got an array with shape {arr.shape}")
    one = arr.ndim == 1
    X = as_matrix(arr[:, None] if one else arr, "x", min_rows=1)
    k = X.shape[1]
    mu = _real_vector(mean, "mean", k)
    s = _real_vector(sd, "sd", k)
    if np.any(s <= 0):
        raise ValueError(f"sd must be > 0; got {sd!r}")
    top = max(float(np.abs(X).max()), float(np.abs(mu).max()), float(s.max()))
    e = int(_pow2_exponent(np.array(top)))
    xs = np.sort(np.ldexp(X.T, -e), axis=1)
    w2 = np.ldexp(np.sqrt(_w2sq_sorted(xs, np.ldexp(mu, -e), np.ldexp(s, -e))), e)
    return float(w2[0]) if one else w2


def _real_vector(v, name: str, k: int) -> np.ndarray:
    if isinstance(v, str | bytes | bool | np.bool_):
        raise TypeError(f"{name} must be a real number or an array of shape ({k},); got {v!r}")
    arr = np.asarray(v)
    if not (np.issubdtype(arr.dtype, np.integer) or np.issubdtype(arr.dtype, np.floating)):
        raise TypeError(f"{name} must be a real number or an array of shape ({k},); got {v!r}")
    arr = arr.astype(np.float64)
    if arr.ndim > 1 or (arr.ndim == 1 and arr.shape[0] != k):
        raise ValueError(f"{name} must be a number or have shape ({k},); got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be finite; got {v!r}")
    return np.broadcast_to(arr, (k,)).copy()


@dataclass(frozen=True, eq=False)
class SlicedWasserstein(ResultMixin):
    """Sliced W2 distance to the fitted isotropic Gaussian, beside its law for exactly Gaussian data.

    Attributes
    ----------
    sw2 : float
        :math:`\\mathrm{SW}_2(\\hat\\mu_n, \\mathcal N(m, s^2 I_d))`, exact per slice (no Gaussian draws).
    scale : float
        The fitted :math:`s` (SW2 is in the units of ``Z``; ``sw2 / scale`` is scale free).
    n_projections : int
        Directions of the slice average.
    null_mean, null_sd : float
        Mean and standard deviation of the same statistic (same ``n``, ``d``, number of directions,
        fitted ``m`` and ``s``) for exactly Gaussian data, in the units of ``Z`` (``s`` times the
        scale-free values); simulated with a fixed seed (:func:`sliced_wasserstein_null`).
    null_samples : int
        Simulated replicates behind ``null_mean`` and ``null_sd``.
    excess_z : float or None
        ``(sw2 / scale - null mean) / null sd`` in scale-free units; ``None`` (with ``note``) when
        the null spread is 0.
    note : str
        What the numbers are; why a field is ``None``.
    """

    sw2: float
    scale: float
    n_projections: int
    null_mean: float
    null_sd: float
    null_samples: int
    excess_z: float | None
    note: str = ""


def _directions(rng: np.random.Generator, k: int, d: int) -> np.ndarray:
    theta = rng.standard_normal((k, d))
    theta /= np.linalg.norm(theta, axis=1, keepdims=True)
    return theta


def _sw2_ratio(P_T: np.ndarray, s: float) -> float:
    """``SW2 / s`` from the projections ``P_T`` (k, n) (unsorted; sorted here in place)."""
    P_T.sort(axis=1)
    w2sq = _w2sq_sorted(P_T, P_T.mean(axis=1), s)
    return math.sqrt(float(w2sq.mean())) / s


@functools.lru_cache(maxsize=32)
def _null_ratios(n: int, d: int, k: int, n_null: int, seed: int) -> tuple[float, ...]:
    """Replicates of ``SW2 / s`` for exactly Gaussian ``(n, d)`` data (the law depends on n, d, k only).

    Exact in law and ``O(n k)`` per replicate when ``k < d / 2``: with fresh directions ``Theta``
    (k, d) and ``C = Theta Theta^T = L L^T``, the projections of ``G ~ N(0, I)^{n x d}`` are
    ``E L^T`` with ``E`` standard normal (n, k), and the pooled variance of ``G`` splits into the
    part in the span of the directions, ``||E - mean(E)||^2``, plus an independent
    ``chi^2_{(n-1)(d-k)}``.
    """
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(n_null):
        theta = _directions(rng, k, d)
        if 2 * k < d:
            L = np.linalg.cholesky(theta @ theta.T)
            E = rng.standard_normal((k, n))
            Ec = E - E.mean(axis=1, keepdims=True)
            ss = float(np.einsum("ij,ij->", Ec, Ec)) + float(rng.chisquare((n - 1) * (d - k)))
            P_T = L @ E
        else:
            G = rng.standard_normal((n, d))
            Gc = G - G.mean(axis=0)
            ss = float(np.einsum("ij,ij->", Gc, Gc))
            P_T = theta @ G.T
        s = math.sqrt(ss / (d * (n - 1)))
        out.append(_sw2_ratio(P_T, s))
    return tuple(out)


def sliced_wasserstein_null(n: int, d: int, *, n_projections: int = 64, n_null: int = 8, seed: int = 0):
    """Law of ``SW2 / s`` (:func:`sliced_wasserstein_gaussian`) for exactly Gaussian data, by simulation.

    Both ``SW2`` and the fitted ``s`` scale with the data and ignore its location, so for data
    :math:`\\mathcal N(m, \\sigma^2 I_d)` the ratio's law depends on ``(n, d, n_projections)`` only.
    Simulated exactly in law (fresh random directions per replicate, fitted mean and pooled variance
    included), with a fixed seed, and cached per ``(n, d, n_projections, n_null, seed)``.

    Parameters
    ----------
    n : int
        Samples, ``n >= 2``.
    d : int
        Coordinates, ``d >= 1``.
    n_projections : int
        Directions per replicate, ``>= 1``.
    n_null : int
        Replicates, ``>= 2``.
    seed : int
        Seed of the simulation, ``>= 0``.

    Returns
    -------
    ndarray, shape (n_null,)
        The replicate values of ``SW2 / s``.
    """
    n = as_int(n, "n", low=2)
    d = as_int(d, "d", low=1)
    k = as_int(n_projections, "n_projections", low=1)
    n_null = as_int(n_null, "n_null", low=2)
    seed = as_int(seed, "seed", low=0)
    return np.array(_null_ratios(n, d, k, n_null, seed))


def sliced_wasserstein_gaussian(
    Z, *, n_projections: int = 64, n_null: int = 8, seed=None, n_floor: int | None = None
) -> SlicedWasserstein:
    """Sliced Wasserstein-2 distance from ``Z`` to its fitted isotropic Gaussian, exact per slice.

    The fitted law is :math:`\\mathcal N(m, s^2 I_d)` with :math:`m` the sample mean and
    :math:`s^2 = \\frac1d \\operatorname{tr} \\hat\\Sigma` (``ddof = 1``; one scalar variance: the
    paper's optimum, arXiv 2602.24012, Corollary 2, is isotropic :math:`\\mathcal N(0, (2\\lambda)^{-1}
    I_d)`, so an anisotropic Gaussian counts as a departure). With ``n_projections`` random unit
    directions :math:`\\theta_k`,

    .. math::
        \\mathrm{SW}_2 = \\Bigl(\\frac1K \\sum_{k=1}^K W_2^2\\bigl(\\theta_{k\\#} \\hat\\mu_n,
        \\mathcal N(\\theta_k \\cdot m, s^2)\\bigr)\\Bigr)^{1/2},

    each :math:`W_2` exact (:func:`wasserstein_gaussian_1d`: the Gaussian's quantile function over
    the order-statistic cells). **Definition change**: up to the first release the distance was to
    an ``n``-sample of the fitted law (POT's two-sample sliced distance), which added that sample's
    own noise; the distance here is to the law itself, so it is smaller (about ``1/sqrt(2)`` of the
    old value for Gaussian data), deterministic given the directions, and cheaper: at
    ``n = 10^4, d = 256``, 64 slices, one core, 4.2 s of CPU before, 0.26 s now with the null simulated
    and 0.035 s with it cached.

    Even for exactly Gaussian data it is not 0 (finite ``n``): its law under exact Gaussianity, by
    simulation with a fixed seed (:func:`sliced_wasserstein_null`), is reported beside it as
    ``null_mean +- null_sd`` and ``excess_z``. A slice averages the coordinates, so independent
    non-Gaussian coordinates are diluted towards the Gaussian (CLT), while anisotropy and low-``d``
    departures stand out.

    Parameters
    ----------
    Z : array_like, shape (n, d)
        Samples in rows, finite, ``n >= 2``, not every column constant. Any scale.
    n_projections : int
        Directions of the slice average, ``>= 1``.
    n_null : int
        Replicates of the null simulation, ``>= 2``.
    seed : None, int or numpy.random.Generator
        Randomness of the directions (the null has its own fixed seed).
    n_floor : int, optional
        Deprecated name of ``n_null``.

    Returns
    -------
    SlicedWasserstein
    """
    if n_floor is not None:
        warnings.warn("n_floor is deprecated; use n_null", DeprecationWarning, stacklevel=2)
        n_null = n_floor
    precision = _input_dtype(Z)
    Z = as_matrix(Z, "Z", min_rows=2)
    n_projections = as_int(n_projections, "n_projections", low=1)
    n_null = as_int(n_null, "n_null", low=2)
    rng = as_rng(seed).spawn(1)[0]  # a child stream: never the stream that made Z from the same seed
    n, d = Z.shape
    if _constant_columns(Z, precision).size == d:
        raise ValueError(
            "Z has no varying column (all numerically constant); the fitted Gaussian is degenerate"
        )
    Zs, e = _pow2_scaled(Z)
    mean = Zs.mean(axis=0)
    ss = 0.0
    rows = max(1, 2**20 // d)
    for s0 in range(0, n, rows):
        Xc = Zs[s0 : s0 + rows] - mean
        ss += float(np.einsum("ij,ij->", Xc, Xc))
    s = math.sqrt(ss / (d * (n - 1)))
    if not s > 0:
        raise ValueError("Z has no varying column; the fitted isotropic Gaussian is degenerate")
    theta = _directions(rng, n_projections, d)
    ratio = _sw2_ratio(theta @ Zs.T, s)  # (k, n)
    null = np.array(_null_ratios(n, d, n_projections, n_null, 0))
    nm, nsd = float(null.mean()), float(null.std(ddof=1))
    note = (
        "exact W2 per slice to the fitted isotropic Gaussian; null: same statistic for exactly Gaussian "
        f"data, {n_null} simulated replicates (seed 0)"
    )
    excess = (ratio - nm) / nsd if nsd > 0 else None
    if excess is None:
        note += "; excess_z undefined: the null replicates do not vary"
    scale = math.ldexp(s, e)
    return SlicedWasserstein(
        sw2=math.ldexp(ratio * s, e),
        scale=scale,
        n_projections=n_projections,
        null_mean=nm * scale,
        null_sd=nsd * scale,
        null_samples=n_null,
        excess_z=excess,
        note=note,
    )
