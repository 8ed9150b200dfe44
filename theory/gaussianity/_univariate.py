"""Per-coordinate statistics of the paper (Sec. 5): Anderson-Darling, D'Agostino-Pearson, CV.

Also the one validation of sample matrices used by every test of :mod:`theory.gaussianity`: finite,
``n >= 20``, and no *numerically constant* column (:func:`constant_columns`), at any scale (the
statistics are computed on columns rescaled by exact powers of two, so data of order ``1e-300`` or
``1e300`` neither underflows nor overflows).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import special

from theory._io import ResultMixin
from theory._validation import as_matrix

#: SciPy's 5% critical value of the Anderson-Darling normality statistic (large n), the paper's cut.
AD_CRITICAL_5 = 0.752
#: A coordinate passes the D'Agostino-Pearson test when its p-value exceeds this significance level.
DP_LEVEL = 0.05
#: Deprecated name of :data:`DP_LEVEL` (``alpha`` is 1/tau in this project).
DP_ALPHA = DP_LEVEL
#: Minimum number of samples (``scipy.stats.kurtosistest`` is only valid for n >= 20).
MIN_SAMPLES = 20
#: A column whose range is at most this many units in the last place (of its largest magnitude, at the
#: input's precision) is numerically constant.
CONSTANT_ULPS = 64
#: Elements per column chunk of the per-column statistics (cache-sized working arrays).
_CHUNK_ELEMENTS = 2**18


def _input_dtype(x) -> np.dtype:
    """The floating precision the data came in (float64 for integers, bools and lists)."""
    dt = getattr(x, "dtype", None)
    if dt is not None and np.issubdtype(dt, np.floating):
        return np.dtype(dt)
    return np.dtype(np.float64)


def _pow2_exponent(amax: np.ndarray) -> np.ndarray:
    """Exponents ``e`` with ``amax * 2**-e`` in [0.5, 1) (0 where ``amax`` is 0): exact rescaling."""
    return np.frexp(amax)[1].astype(np.int64)


def constant_columns(Z, *, precision=None) -> np.ndarray:
    """Indices of the numerically constant columns of ``Z``.

    A column is numerically constant when its range is at most :data:`CONSTANT_ULPS` units in the last
    place of its largest magnitude, at the precision of the input:

    .. math::
        \\max_i z_{ij} - \\min_i z_{ij} \\le 64\\, \\operatorname{ulp}\\bigl(\\max_i |z_{ij}|\\bigr).

    This is scale free (``0.1``, ``1e-300`` or ``1e300`` repeated, with or without rounding noise at
    the level of the machine epsilon, are constant; Gaussian data scaled by ``1e300`` is not), exact
    (no mean or variance is formed, so rounding in a mean cannot hide a constant column, and nothing
    overflows), and independent of ``n``.

    Parameters
    ----------
    Z : array_like, shape (n, d)
        Finite values, ``n >= 1``.
    precision : numpy floating dtype, optional
        Floating type whose unit in the last place is used; default the input's (``float32`` for
        float32 input, ``float64`` for integers and lists).

    Returns
    -------
    ndarray of int
        Column indices, increasing.
    """
    if precision is None:
        precision = _input_dtype(Z)
    try:
        precision = np.dtype(precision)
    except TypeError as exc:
        raise TypeError(f"precision must be a numpy floating dtype; got {precision!r}") from exc
    if not np.issubdtype(precision, np.floating):
        raise TypeError(f"precision must be a numpy floating dtype; got {precision!r}")
    return _constant_columns(as_matrix(Z, "Z"), precision)


def _constant_columns(Z: np.ndarray, precision) -> np.ndarray:
    """:func:`constant_columns` of a validated float64 matrix."""
    mx = Z.max(axis=0)
    mn = Z.min(axis=0)
    amax = np.maximum(np.abs(mx), np.abs(mn))
    ulp = np.spacing(amax.astype(precision)).astype(np.float64)
    half_range = 0.5 * mx - 0.5 * mn  # halves: no overflow at +-1.7e308
    return np.flatnonzero(half_range <= 0.5 * CONSTANT_ULPS * ulp)


def _raise_constant(const: np.ndarray, name: str, what: str = "column") -> None:
    shown = ", ".join(str(j) for j in const[:10]) + (", ..." if const.size > 10 else "")
    raise ValueError(
        f"{name} has {const.size} numerically constant {what}(s) ({what}s {shown}: range within "
        f"{CONSTANT_ULPS} units in the last place); normality tests need a varying {what}: drop "
        f"{'it' if const.size == 1 else 'them'} first (numpy.delete({name}, [...], axis=1))"
    )


def _as_samples(Z, name: str = "Z", *, precision=None) -> np.ndarray:
    """Validate an ``(n, d)`` sample matrix: finite, ``n >= 20``, ``d >= 1``, no constant column."""
    if precision is None:
        precision = _input_dtype(Z)
    Z = as_matrix(Z, name, min_rows=MIN_SAMPLES, min_cols=1)
    const = _constant_columns(Z, precision)
    if const.size:
        _raise_constant(const, name)
    return Z


def _column_stats(Z: np.ndarray, *, want_dp: bool = True) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """AD statistics and D'Agostino-Pearson (K^2, p) of every column of a validated ``Z``.

    One sort per column; the columns are processed in chunks (contiguous, transposed copies) to
    bound memory. Each column is first rescaled by an exact power of two (largest magnitude in
    [0.5, 1)) and shifted by its median (an exact subtraction for nearly constant columns), so the
    standardisation neither overflows nor loses the spread to rounding. ``log Phi(w)`` and
    ``log Phi(-w)`` come from a single ``log_ndtr`` of the smaller tail ``-|w|`` and
    ``log1p(-exp(.))`` for the larger one (both accurate). Returns ``(ad, k2, p)``, each of shape
    ``(d,)`` (``k2`` and ``p`` empty if not wanted).
    """
    n, d = Z.shape
    i = np.arange(1, n + 1, dtype=np.float64)
    c = (2.0 * i - 1.0) / n
    c_rev = c[::-1].copy()
    c_diff = c - c_rev
    ad = np.empty(d)
    k2 = np.empty(d if want_dp else 0)
    chunk = max(1, min(d, _CHUNK_ELEMENTS // n))
    for s in range(0, d, chunk):
        e = min(d, s + chunk)
        w = np.array(Z[:, s:e].T, dtype=np.float64, order="C", copy=True)  # (m, n), never a view
        w.sort(axis=1)
        amax = np.maximum(np.abs(w[:, 0]), np.abs(w[:, -1]))
        w = np.ldexp(w, -_pow2_exponent(amax)[:, None])  # exact
        w -= w[:, n // 2 : n // 2 + 1].copy()  # minus the median: exact where the column is nearly constant
        mean = w.mean(axis=1, keepdims=True)
        w -= mean
        sd = np.sqrt(np.einsum("ij,ij->i", w, w) / (n - 1))[:, None]
        if not np.all(sd > 0):  # pragma: no cover - excluded by the validation of callers
            raise ValueError("a column is constant; normality tests need a non-zero variance")
        w /= sd  # w_(i) = (x_(i) - mean) / s, sorted
        buf = w * w
        if want_dp:
            m2 = buf.mean(axis=1)
            m3 = np.einsum("ij,ij->i", buf, w) / n
            m4 = np.einsum("ij,ij->i", buf, buf) / n
            k2[s:e] = _dp_k2(m3 / m2**1.5, m4 / m2**2, n)
        # A^2 = -n - sum_i (2i-1)/n [log Phi(w_(i)) + log Phi(-w_(n+1-i))]
        small = np.abs(w)
        np.negative(small, out=small)
        special.log_ndtr(small, out=small)  # log of the smaller tail, log Phi(-|w|)
        large = np.exp(small, out=buf)
        np.negative(large, out=large)
        np.log1p(large, out=large)  # log of the larger side, log Phi(|w|)
        # w >= 0: log Phi(w) = large, log Phi(-w) = small; w < 0 swaps them
        total = small @ c_rev + large @ c
        small -= large
        small *= c_diff
        small *= w < 0
        ad[s:e] = -n - (total + small.sum(axis=1))
    p = np.exp(-0.5 * k2) if want_dp else k2
    return ad, k2, p


def _dp_k2(b1: np.ndarray, b2: np.ndarray, n: int) -> np.ndarray:
    """D'Agostino-Pearson K^2 from the (biased) sample skewness ``b1`` and kurtosis ``b2``."""
    n = float(n)
    # skewness test (D'Agostino 1970), as scipy.stats.skewtest
    y = b1 * math.sqrt((n + 1) * (n + 3) / (6.0 * (n - 2)))
    skew_b2 = 3.0 * (n * n + 27 * n - 70) * (n + 1) * (n + 3) / ((n - 2.0) * (n + 5) * (n + 7) * (n + 9))
    W2 = -1.0 + math.sqrt(2.0 * (skew_b2 - 1.0))
    delta = 1.0 / math.sqrt(0.5 * math.log(W2))
    a_skew = math.sqrt(2.0 / (W2 - 1.0))
    zs = delta * np.arcsinh(y / a_skew)
    # kurtosis test (Anscombe & Glynn 1983), as scipy.stats.kurtosistest
    E = 3.0 * (n - 1) / (n + 1)
    varb2 = 24.0 * n * (n - 2) * (n - 3) / ((n + 1) * (n + 1.0) * (n + 3) * (n + 5))
    x = (b2 - E) / math.sqrt(varb2)
    sqrtbeta1 = (
        6.0
        * (n * n - 5 * n + 2)
        / ((n + 7) * (n + 9))
        * math.sqrt(6.0 * (n + 3) * (n + 5) / (n * (n - 2) * (n - 3)))
    )
    A = 6.0 + 8.0 / sqrtbeta1 * (2.0 / sqrtbeta1 + math.sqrt(1 + 4.0 / sqrtbeta1**2))
    term1 = 1 - 2 / (9.0 * A)
    denom = 1 + x * math.sqrt(2 / (A - 4.0))
    with np.errstate(divide="ignore"):
        term2 = np.cbrt((1 - 2.0 / A) / denom)  # = sign(denom) ((1 - 2/A)/|denom|)^(1/3)
    zk = (term1 - term2) / math.sqrt(2 / (9.0 * A))
    return zs * zs + zk * zk


def anderson_darling(Z) -> np.ndarray:
    """Anderson-Darling normality statistic (mean and variance estimated) of every column of ``Z``.

    For a column sorted as :math:`x_{(1)} \\le \\dots \\le x_{(n)}`, with the sample mean
    :math:`\\bar x` and the ``ddof = 1`` standard deviation :math:`s` (as ``scipy.stats.anderson``):

    .. math::
        A^2 = -n - \\sum_{i=1}^{n} \\frac{2i - 1}{n}
        \\Bigl[\\log \\Phi(w_{(i)}) + \\log\\bigl(1 - \\Phi(w_{(n+1-i)})\\bigr)\\Bigr],
        \\qquad w_{(i)} = \\frac{x_{(i)} - \\bar x}{s}.

    Paper (arXiv 2602.24012), Sec. 5 and Table 1: a coordinate passes when
    :math:`A^2 <` :data:`AD_CRITICAL_5` ``= 0.752``. The smaller tail is
    ``scipy.special.log_ndtr(-|w|)`` and the larger side ``log1p(-exp(.))`` of it (both accurate far
    in the tails), so the result equals ``scipy.stats.anderson(Z[:, j], 'norm').statistic`` to about
    1e-11 for every column ``j``; columns are sorted once, in cache-sized chunks, and rescaled by
    exact powers of two (any scale from 1e-308 to 1e308 works).

    Parameters
    ----------
    Z : array_like, shape (n, d)
        Samples in rows (float32 accepted; computed in float64); finite, ``n >= 20``, no numerically
        constant column (:func:`constant_columns`; a ``ValueError`` names them).

    Returns
    -------
    ndarray, shape (d,)
        The statistic of each column.
    """
    Z = _as_samples(Z)
    return _column_stats(Z, want_dp=False)[0]


@dataclass(frozen=True, eq=False)
class DagostinoPearson(ResultMixin):
    """D'Agostino-Pearson omnibus test of every column.

    Attributes
    ----------
    statistic : ndarray, shape (d,)
        :math:`K^2 = Z_s^2 + Z_k^2`.
    pvalue : ndarray, shape (d,)
        :math:`P(\\chi^2_2 > K^2) = e^{-K^2/2}`.
    """

    statistic: np.ndarray
    pvalue: np.ndarray


def dagostino_pearson(Z) -> DagostinoPearson:
    """D'Agostino-Pearson normality test of every column of ``Z`` (``scipy.stats.normaltest``).

    With the biased sample skewness :math:`\\sqrt{b_1}` and kurtosis :math:`b_2`, the skewness test
    (D'Agostino 1970) gives :math:`Z_s`, the kurtosis test (Anscombe & Glynn 1983) gives :math:`Z_k`
    (formulas as in ``scipy.stats.skewtest`` / ``kurtosistest``) and

    .. math::
        K^2 = Z_s^2 + Z_k^2 \\;\\approx\\; \\chi^2_2 \\text{ under normality}, \\qquad
        p = e^{-K^2/2}.

    Paper (arXiv 2602.24012), Sec. 5 and Table 1: a coordinate passes when ``p >``
    :data:`DP_LEVEL` ``= 0.05``. Equal to ``scipy.stats.normaltest(Z[:, j])`` to rounding, except
    for a column of skewness exactly 0, where SciPy substitutes ``y = 1`` (a quirk) and this
    function returns the exact ``Z_s = 0``.

    Parameters
    ----------
    Z : array_like, shape (n, d)
        Samples in rows; finite, ``n >= 20``, no numerically constant column.

    Returns
    -------
    DagostinoPearson
    """
    Z = _as_samples(Z)
    _, k2, p = _column_stats(Z)
    return DagostinoPearson(statistic=k2, pvalue=p)


def _pow2_scaled(Z: np.ndarray) -> tuple[np.ndarray, int]:
    """``(Z * 2**-e, e)`` with squares and sums of squares far from over- and underflow.

    The rescaling is exact; ``Z`` itself (no copy, ``e = 0``) when its largest magnitude is already
    between ``2**-400`` and ``2**400``.
    """
    e = int(_pow2_exponent(np.array(np.abs(Z).max()))) if Z.size else 0
    if abs(e) <= 400:
        return Z, 0
    return np.ldexp(Z, -e), e


def _row_norms_scaled(Z: np.ndarray) -> tuple[np.ndarray, int]:
    """Row norms of ``Z * 2**-e`` (:func:`_pow2_scaled`: no overflow) and ``e``."""
    Zs, e = _pow2_scaled(Z)
    return np.sqrt(np.einsum("ij,ij->i", Zs, Zs)), e


def coefficient_of_variation(Z) -> float:
    """Coefficient of variation of the row norms (paper, arXiv 2602.24012, Sec. 5; thin shell when small).

    .. math::
        \\mathrm{CV} = \\frac{\\operatorname{std}_i \\lVert z_i \\rVert}{\\operatorname{mean}_i
        \\lVert z_i \\rVert}, \\qquad \\operatorname{std} \\text{ with } \\texttt{ddof} = 0

    (``numpy.std``'s default; ``ddof = 1`` would multiply the CV by :math:`\\sqrt{n/(n-1)}`, a
    relative change below 1e-4 for the paper's ``n >= 5000``). Scale free: the norms are taken after
    an exact power-of-two rescaling, so data of order 1e300 does not overflow.

    Parameters
    ----------
    Z : array_like, shape (n, d)
        Unnormalised embeddings, finite, ``n >= 2``, not all zero.

    Returns
    -------
    float
    """
    Z = as_matrix(Z, "Z", min_rows=2)
    norms, _ = _row_norms_scaled(Z)
    mean = norms.mean()
    if not mean > 0:
        raise ValueError("Z has only zero rows; the coefficient of variation of the norms is undefined")
    return float(norms.std() / mean)
