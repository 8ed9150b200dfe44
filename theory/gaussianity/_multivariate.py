"""Multivariate normality in ``O(n d)`` memory: Henze-Zirkler and Mardia (affine invariant)."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import special, stats

from theory._io import ResultMixin
from theory._validation import as_int, as_matrix
from theory.gaussianity._univariate import _constant_columns, _input_dtype, _pow2_exponent, _raise_constant

#: Columns per Gram tile.
_TILE_COLS = 4096
#: Largest exponent of a factor of the factored Henze-Zirkler sum (exp(600) is far from overflow).
_FACTOR_LIMIT = 600.0


@dataclass(frozen=True)
class MultivariateNormality(ResultMixin):
    """Henze-Zirkler and Mardia tests of multivariate normality (affine invariant).

    Attributes
    ----------
    n : int
        Samples.
    d : int
        Coordinates.
    hz : float
        Henze-Zirkler statistic (as ``pingouin.multivariate_normality``).
    hz_minus_1 : float
        ``hz - 1`` computed without cancellation (it is exponentially small at large ``d``).
    hz_pvalue : float
        Lognormal approximation (Henze & Zirkler 1990).
    hz_bandwidth : float
        Smoothing parameter :math:`b`.
    mardia_skewness : float
        :math:`b_{1,d}`.
    mardia_skewness_df : float
        :math:`d(d+1)(d+2)/6`.
    mardia_skewness_pvalue : float
        :math:`P(\\chi^2_{df} > n b_{1,d}/6)` (asymptotic).
    mardia_kurtosis : float
        :math:`b_{2,d}`.
    mardia_kurtosis_z : float
        :math:`(b_{2,d} - E b_{2,d}) / \\sqrt{\\operatorname{Var} b_{2,d}}` with Mardia's (1974)
        exact null mean and variance (normal approximation).
    mardia_kurtosis_pvalue : float
        Two-sided normal p-value of ``mardia_kurtosis_z``.
    """

    n: int
    d: int
    hz: float
    hz_minus_1: float
    hz_pvalue: float
    hz_bandwidth: float
    mardia_skewness: float
    mardia_skewness_df: float
    mardia_skewness_pvalue: float
    mardia_kurtosis: float
    mardia_kurtosis_z: float
    mardia_kurtosis_pvalue: float


def _signed_logsumexp(logs, signs) -> tuple[float, int]:
    val, sign = special.logsumexp(np.asarray(logs), b=np.asarray(signs, dtype=float), return_sign=True)
    return float(val), int(sign)


def _eigh_one_thread(S: np.ndarray):
    """``numpy.linalg.eigh`` of a small ``(d, d)`` matrix with one BLAS thread.

    Threads buy nothing at this size, and on a busy machine OpenBLAS's spinning threads made this call
    take 2 s instead of 0.03 s (d = 256, measured). ``threadpoolctl`` comes with scikit-learn.
    """
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - an optional speed-up
        return np.linalg.eigh(S)
    with threadpool_limits(1, user_api="blas"):
        return np.linalg.eigh(S)


def _whiten(Z: np.ndarray) -> np.ndarray:
    """Rows whitened with the ``bias=True`` covariance, :math:`y_j = S^{-1/2}(z_j - \\bar z)`, scale free.

    Columns are first rescaled by exact powers of two (a diagonal affine map, to which the tests are
    invariant), centred with a two-pass mean, and the covariance is accumulated over row chunks, so
    memory stays ``O(n d)`` with one ``(n, d)`` output.
    """
    n, p = Z.shape
    e = -_pow2_exponent(np.abs(Z).max(axis=0))
    if np.all(np.abs(e) < 1000):  # 2**e is a normal float: a (faster) exact multiplication
        factor = np.ldexp(1.0, e)

        def scaled(block):
            return block * factor
    else:

        def scaled(block):
            return np.ldexp(block, e)

    rows = max(1, 2**20 // p)
    m1 = np.zeros(p)
    for s in range(0, n, rows):
        m1 += scaled(Z[s : s + rows]).sum(axis=0)
    m1 /= n
    m2 = np.zeros(p)
    for s in range(0, n, rows):
        m2 += (scaled(Z[s : s + rows]) - m1).sum(axis=0)
    mean = m1 + m2 / n
    S = np.zeros((p, p))
    for s in range(0, n, rows):
        Xc = scaled(Z[s : s + rows]) - mean
        S += Xc.T @ Xc
    S /= n
    lam, V = _eigh_one_thread(S)
    if lam[0] <= lam[-1] * p * np.finfo(np.float64).eps * 10 or lam[-1] <= 0:
        rank = int(np.count_nonzero(lam > lam[-1] * p * np.finfo(np.float64).eps * 10))
        raise ValueError(
            f"Z has a singular covariance (numerical rank {rank} < d = {p}); the multivariate tests "
            "need full-rank data (drop redundant coordinates)"
        )
    W = V / np.sqrt(lam)
    Y = np.empty((n, p))
    for s in range(0, n, rows):
        np.matmul(scaled(Z[s : s + rows]) - mean, W, out=Y[s : s + rows])
    return Y


def multivariate_normality(Z, *, block_rows: int | None = None) -> MultivariateNormality:
    """Henze-Zirkler and Mardia multivariate normality tests, in ``O(n d)`` memory.

    Rows are whitened with the ``bias=True`` covariance :math:`S` (as pingouin):
    :math:`y_j = S^{-1/2}(z_j - \\bar z)`, :math:`D_j = \\lVert y_j\\rVert^2`,
    :math:`D_{jk} = \\lVert y_j - y_k \\rVert^2`. With the bandwidth
    :math:`b = 2^{-1/2} ((2d+1)/4)^{1/(d+4)} n^{1/(d+4)}` and :math:`a = 1 + 2b^2`,

    .. math::
        \\mathrm{HZ} = \\frac{1}{n} \\sum_{j,k} e^{-b^2 D_{jk}/2}
        - 2 (1+b^2)^{-d/2} \\sum_j e^{-\\frac{b^2 D_j}{2(1+b^2)}} + n a^{-d/2},

    and HZ is referred to the lognormal law with the null mean
    :math:`\\mu = 1 - a^{-d/2}(1 + d b^2/a + d(d+2) b^4/(2a^2))` and variance
    :math:`\\sigma^2` of Henze & Zirkler (1990) (pingouin's formulas). The diagonal
    :math:`j = k` contributes exactly 1, so ``hz - 1`` and ``mu - 1`` are computed separately
    (in log scale) and the p-value
    :math:`1 - \\Phi\\bigl((\\log(1 + (\\mathrm{HZ}-1)) - \\log(1 + (\\mu - 1)) +
    \\tfrac12 \\log(1 + \\sigma^2/\\mu^2)) / \\sqrt{\\log(1 + \\sigma^2/\\mu^2)}\\bigr)`
    stays accurate at large ``d`` where ``HZ`` and ``mu`` both round to 1.

    Mardia: :math:`b_{1,d} = n^{-2} \\sum_{j,k} (y_j \\cdot y_k)^3` with
    :math:`n b_{1,d}/6 \\approx \\chi^2_{d(d+1)(d+2)/6}` (asymptotic; conservative for small ``n``),
    and :math:`b_{2,d} = n^{-1}\\sum_j D_j^2` referred to the normal law with Mardia's (1974) exact
    null moments

    .. math::
        E\\,b_{2,d} = \\frac{d(d+2)(n-1)}{n+1}, \\qquad
        \\operatorname{Var} b_{2,d} = \\frac{8d(d+2)(n-3)(n-d-1)(n-d+1)}{(n+1)^2(n+3)(n+5)}.

    (The asymptotic centring :math:`d(d+2)` is off by :math:`2d(d+2)/(n+1)`, about 2.6 standard
    deviations at ``n = 5000, d = 256``: it would reject exactly Gaussian embeddings.)

    At large ``d`` (above ~100 with ``n`` in the thousands) the Henze-Zirkler statistic and its
    null law collapse onto 1 (HZ - 1 ~ 1e-37 at ``d = 256``) and the lognormal p-value sits near
    0.5 whatever the data (i.i.d. Laplace coordinates: p = 1.7e-11 at ``d = 100, n = 2000``;
    p = 0.31 at ``d = 130`` and 0.50 at ``d = 200``, ``n = 3000``): use Mardia's tests there.

    The double sums run over tiles of the upper block triangle of the Gram matrix
    :math:`b^2 Y Y^\\top` (never the ``n x n`` matrix): per tile one matrix product, then
    :math:`\\sum G^3` and :math:`\\sum_{jk} e^{b^2 G_{jk} + l_j + l_k}` with
    :math:`l_j = -b^2 D_j/2 + \\text{shift}/2` (the exponent :math:`-b^2 D_{jk}/2 + \\text{shift}`
    without forming :math:`D_{jk}`; as :math:`u^\\top e^{b^2 G} u`, :math:`u_j = e^{l_j}`, when
    neither factor can overflow). Memory ``O(n d)``; time ``O(n^2 d)``: the
    ``n^2 d / 2`` multiply-adds of the Gram matrix bound it from below.

    Parameters
    ----------
    Z : array_like, shape (n, d)
        Samples in rows; finite, ``n > d + 3``, no numerically constant column, a non-singular
        covariance. Any scale (columns are rescaled by exact powers of two).
    block_rows : int, optional
        Rows per Gram tile (default 1024; tiles of 1024 x 4096, two 32 MB buffers: few, large matrix
        products, which keep threaded BLAS efficient).

    Returns
    -------
    MultivariateNormality
    """
    precision = _input_dtype(Z)
    Z = as_matrix(Z, "Z", min_rows=3)
    n, p = Z.shape
    if n <= p + 3:
        raise ValueError(f"Z needs n > d + 3 samples for the multivariate tests; got n = {n}, d = {p}")
    block_rows = 1024 if block_rows is None else as_int(block_rows, "block_rows", low=1)
    const = _constant_columns(Z, precision)
    if const.size:
        _raise_constant(const, "Z")
    Y = _whiten(Z)
    r = np.einsum("ij,ij->i", Y, Y)  # D_j

    b2 = 0.5 * ((2 * p + 1) / 4.0) ** (2.0 / (p + 4)) * n ** (2.0 / (p + 4))  # b^2
    log_a = math.log1p(2 * b2)
    half_d_log_a = 0.5 * p * log_a
    shift = min(half_d_log_a, 600.0)  # exponents are shifted by +shift to avoid underflow
    Y *= math.sqrt(b2)  # tiles give b^2 G directly
    lvec = -0.5 * b2 * r + 0.5 * shift
    # e^{b^2 G_jk} u_j u_k with u_j = e^{l_j} when neither factor over- or underflows (b^2 G_jk <= b^2 max r)
    factored = b2 * float(r.max()) < _FACTOR_LIMIT and float(lvec.min()) > -_FACTOR_LIMIT
    uvec = np.exp(lvec) if factored else None

    off = 0.0  # sum_{j != k} exp(-b^2 D_jk / 2 + shift)
    skew = 0.0  # sum_{j, k} (b^2 y_j . y_k)^3
    cols = max(_TILE_COLS, block_rows)
    buf = np.empty(block_rows * cols)
    buf2 = np.empty(block_rows * cols)
    from tqdm.auto import tqdm

    # a bar (on a terminal only) when the O(n^2 d) work is over a few seconds
    show = None if n * n * p > 2e10 else True
    for s in tqdm(range(0, n, block_rows), desc="Henze-Zirkler/Mardia tiles", leave=False, disable=show):
        e = min(n, s + block_rows)
        m = e - s
        Yb = Y[s:e]
        lb = lvec[s:e, None]
        ub = uvec[s:e] if factored else None
        c0 = s
        while c0 < n:
            c1 = e if c0 == s else min(n, c0 + cols)  # first the diagonal block, then the ones right of it
            c = c1 - c0
            G = np.matmul(Yb, Y[c0:c1].T, out=buf[: m * c].reshape(m, c))
            G2 = np.multiply(G, G, out=buf2[: m * c].reshape(m, c))
            weight = 1.0 if c0 == s else 2.0  # the diagonal block holds both triangles
            skew += weight * float(np.vdot(G2, G))
            if c0 == s:
                G[np.arange(m), np.arange(m)] = -np.inf  # j = k is added exactly below
            if factored:  # sum_jk u_j e^{b^2 G_jk} u_k: one exp and one matrix-vector product
                np.exp(G, out=G)
                off += weight * float(ub @ (G @ uvec[c0:c1]))
            else:  # exponents that could overflow apart: add them first
                G += lvec[None, c0:c1]
                G += lb
                np.exp(G, out=G)
                off += weight * float(G.sum())
            c0 = c1
    skew /= b2**3

    # hz - 1 = n e^{-shift} (S_off - S_2 + S_3)
    S_off = off / n**2
    log_1b = math.log1p(b2)
    S_2 = 2.0 * np.mean(np.exp(-b2 / (2 * (1 + b2)) * r - 0.5 * p * log_1b + shift))
    S_3 = math.exp(shift - half_d_log_a)
    hz_minus_1 = n * math.exp(-shift) * (S_off - S_2 + S_3)
    hz = 1.0 + hz_minus_1

    # null mean and variance (log scale)
    b4, b8 = b2 * b2, b2**4
    wb = (1 + b2) * (1 + 3 * b2)
    a = 1 + 2 * b2
    log_mu_gap = -half_d_log_a + math.log1p(p * b2 / a + p * (p + 2) * b4 / (2 * a * a))  # log(1 - mu)
    mu_minus_1 = -math.exp(log_mu_gap)
    mu = 1.0 + mu_minus_1
    log_si2, sign = _signed_logsumexp(
        [
            math.log(2) - 0.5 * p * math.log1p(4 * b2),
            math.log(2) - p * log_a + math.log(1 + 2 * p * b4 / a**2 + 3 * p * (p + 2) * b8 / (4 * a**4)),
            math.log(4)
            - 0.5 * p * math.log(wb)
            + math.log(1 + 3 * p * b4 / (2 * wb) + p * (p + 2) * b8 / (2 * wb**2)),
        ],
        [1, 1, -1],
    )
    if sign <= 0:  # pragma: no cover - the variance is positive for every n, d
        raise ArithmeticError("Henze-Zirkler null variance is not positive")
    if hz <= 0:  # pragma: no cover - HZ is a weighted L2 distance, >= 0
        z = -np.inf
    elif log_si2 > -700:
        q = math.exp(log_si2) / mu**2
        lq = math.log1p(q)
        z = (math.log1p(hz_minus_1) - math.log1p(mu_minus_1) + 0.5 * lq) / math.sqrt(lq)
    else:  # sigma^2 underflows: first order in the tiny quantities, scaled by sigma
        log_s = 0.5 * log_si2
        u = n * math.exp(-shift - log_s) * (S_off - S_2 + S_3)
        v = -math.exp(log_mu_gap - log_s)
        z = u - v
    hz_p = float(stats.norm.sf(z))

    skew_b1 = skew / n**2
    df = p * (p + 1) * (p + 2) / 6.0
    skew_p = float(stats.chi2.sf(n * skew_b1 / 6.0, df))
    kurt_b2 = float(np.mean(r * r))
    kurt_mean = p * (p + 2) * (n - 1) / (n + 1)
    kurt_var = 8.0 * p * (p + 2) * (n - 3) * (n - p - 1) * (n - p + 1) / ((n + 1) ** 2 * (n + 3) * (n + 5))
    kurt_z = (kurt_b2 - kurt_mean) / math.sqrt(kurt_var)
    kurt_p = float(2.0 * stats.norm.sf(abs(kurt_z)))
    return MultivariateNormality(
        n=n,
        d=p,
        hz=float(hz),
        hz_minus_1=float(hz_minus_1),
        hz_pvalue=hz_p,
        hz_bandwidth=math.sqrt(b2),
        mardia_skewness=float(skew_b1),
        mardia_skewness_df=df,
        mardia_skewness_pvalue=skew_p,
        mardia_kurtosis=kurt_b2,
        mardia_kurtosis_z=float(kurt_z),
        mardia_kurtosis_pvalue=kurt_p,
    )
