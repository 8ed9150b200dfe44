"""Gaussianity diagnostics for embeddings: the paper's per-coordinate tests, calibrated, and more.

Paper reference: Sec. 5 (``shared/paper.md``, "Diagnostics the paper uses"). For embeddings
``Z`` of shape ``(n, d)`` (``n`` samples, ``d`` coordinates) the paper reports

- ``CV = std ||z_i|| / mean ||z_i||`` (a small CV means a thin shell, Assumption 2);
- per fixed coordinate, the Anderson-Darling statistic (normal law, mean and variance estimated),
  a coordinate *passes* when ``A^2 < 0.752`` (SciPy's 5% critical value), and the
  D'Agostino-Pearson p-value (``scipy.stats.normaltest``), a coordinate passes when ``p > 0.05``;
- the mean statistic over coordinates and the fraction of coordinates that pass.

:func:`diagnose` reproduces those numbers exactly (vectorised, several times faster than SciPy's
per-column loop) and goes beyond the paper:

- **calibration**: under exact Gaussianity each test passes with probability about 0.95, not 1, so
  the pass counts are held against that null (exact binomial test, z-score, and the probability that
  *every* coordinate passes if coordinates were independent), and the D'Agostino-Pearson p-values are
  tested for uniformity (Kolmogorov-Smirnov);
- **random projections**: the same statistics on random unit directions (Maxwell-Poincare, Lemma 3,
  speaks of every projection, not only the coordinate axes);
- **multivariate normality** in memory ``O(n d)``: Henze-Zirkler (computed on row blocks of the Gram
  matrix, never the ``n x n`` matrix) and Mardia's skewness and kurtosis;
- **sliced Wasserstein-2** distance (POT) to the fitted isotropic Gaussian, beside its Monte Carlo
  floor (the same statistic for exactly Gaussian samples of the same size).

The quick check of claim ``DIAG`` lives in :mod:`claims.checks.diagnostics`.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field, fields, is_dataclass
from typing import Any

import numpy as np
from scipy import special, stats

from theory._io import load_matrix
from theory._validation import as_matrix, check_int, check_real, make_rng

__all__ = [
    "AD_CRITICAL_5",
    "DP_ALPHA",
    "DagostinoPearson",
    "Diagnosis",
    "MultivariateNormality",
    "NullPassRates",
    "PassCalibration",
    "ProjectionNormality",
    "SlicedWasserstein",
    "UniformityTest",
    "ad_pvalue",
    "anderson_darling",
    "calibrate_passes",
    "coefficient_of_variation",
    "dagostino_pearson",
    "diagnose",
    "load_embeddings",
    "multivariate_normality",
    "null_pass_rates",
    "sliced_wasserstein_gaussian",
]

#: SciPy's 5% critical value of the Anderson-Darling normality statistic (large n), the paper's cut.
AD_CRITICAL_5 = 0.752
#: A coordinate passes the D'Agostino-Pearson test when its p-value exceeds this level.
DP_ALPHA = 0.05
#: Minimum number of samples (``scipy.stats.kurtosistest`` is only valid for n >= 20).
MIN_SAMPLES = 20
#: Elements per column chunk of the per-column statistics (cache-sized working arrays).
_CHUNK_ELEMENTS = 2**18

_CAVEAT = (
    "binomial calibration treats coordinates as independent tests; correlated coordinates keep the "
    "expected pass rate but widen its spread"
)


# ----------------------------------------------------------------------------------------------
# Per-column statistics (the paper's definitions)
# ----------------------------------------------------------------------------------------------
def _as_samples(Z, name: str = "Z") -> np.ndarray:
    """Validate an ``(n, d)`` sample matrix with ``n >= 20``, ``d >= 1``, no constant column."""
    Z = as_matrix(Z, name, min_rows=MIN_SAMPLES, min_cols=1)
    mean = Z.mean(axis=0)
    var = Z.var(axis=0)
    const = np.flatnonzero(var <= (np.finfo(np.float64).eps * np.maximum(np.abs(mean), 1e-300)) ** 2)
    if const.size:
        shown = ", ".join(str(j) for j in const[:10]) + (", ..." if const.size > 10 else "")
        raise ValueError(
            f"{name} has {const.size} constant column(s) (columns {shown}); normality tests need "
            "a non-zero variance in every column"
        )
    return Z


def _column_stats(Z: np.ndarray, *, want_dp: bool = True) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """AD statistics and D'Agostino-Pearson (K^2, p) of every column of a validated ``Z``.

    One sort per column; the columns are processed in chunks (contiguous, transposed copies) to
    bound memory. ``log Phi(w)`` and ``log Phi(-w)`` come from a single ``log_ndtr`` of the smaller
    tail ``-|w|`` and ``log1p(-exp(.))`` for the larger one (both accurate). Returns
    ``(ad, k2, p)``, each of shape ``(d,)`` (``k2`` and ``p`` empty if not wanted).
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
        mean = w.mean(axis=1, keepdims=True)
        sd = w.std(axis=1, ddof=1, keepdims=True)
        w -= mean
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

    Paper, Sec. 5: a coordinate passes when :math:`A^2 <` :data:`AD_CRITICAL_5` ``= 0.752``.
    The smaller tail is ``scipy.special.log_ndtr(-|w|)`` and the larger side ``log1p(-exp(.))`` of
    it (both accurate far in the tails), so the result equals
    ``scipy.stats.anderson(Z[:, j], 'norm').statistic`` (which calls ``log_ndtr`` twice) to about
    1e-11 for every column ``j``; columns are sorted once, in cache-sized chunks.

    Parameters
    ----------
    Z : array_like, shape (n, d)
        Samples in rows (float32 accepted; computed in float64); ``n >= 20``, no constant column.

    Returns
    -------
    ndarray, shape (d,)
        The statistic of each column.
    """
    Z = _as_samples(Z)
    return _column_stats(Z, want_dp=False)[0]


@dataclass(frozen=True, eq=False)
class DagostinoPearson:
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

    Paper, Sec. 5: a coordinate passes when ``p >`` :data:`DP_ALPHA` ``= 0.05``. Equal to
    ``scipy.stats.normaltest(Z[:, j])`` to rounding, except for a column of skewness exactly 0,
    where SciPy substitutes ``y = 1`` (a quirk) and this function returns the exact ``Z_s = 0``.

    Parameters
    ----------
    Z : array_like, shape (n, d)
        Samples in rows; ``n >= 20``, no constant column.

    Returns
    -------
    DagostinoPearson
    """
    Z = _as_samples(Z)
    _, k2, p = _column_stats(Z)
    return DagostinoPearson(statistic=k2, pvalue=p)


def coefficient_of_variation(Z) -> float:
    """Coefficient of variation of the row norms (paper, Sec. 5; thin shell when small).

    .. math::
        \\mathrm{CV} = \\frac{\\operatorname{std}_i \\lVert z_i \\rVert}{\\operatorname{mean}_i
        \\lVert z_i \\rVert}, \\qquad \\operatorname{std} \\text{ with } \\texttt{ddof} = 0

    (``numpy.std``'s default; ``ddof = 1`` would multiply the CV by :math:`\\sqrt{n/(n-1)}`, a
    relative change below 1e-4 for the paper's ``n >= 5000``).

    Parameters
    ----------
    Z : array_like, shape (n, d)
        Unnormalised embeddings, ``n >= 2``.

    Returns
    -------
    float
    """
    Z = as_matrix(Z, "Z", min_rows=2)
    norms = np.linalg.norm(Z, axis=1)
    mean = norms.mean()
    if mean <= 0:
        raise ValueError("Z has only zero rows; the coefficient of variation of the norms is undefined")
    return float(norms.std() / mean)


# ----------------------------------------------------------------------------------------------
# Calibration against the null (exact Gaussianity)
# ----------------------------------------------------------------------------------------------
def ad_pvalue(statistic, n: int) -> np.ndarray:
    """Approximate p-value of the AD normality statistic (D'Agostino & Stephens 1986, Table 4.9).

    With Stephens' finite-``n`` modification :math:`A^* = A^2 (1 + 0.75/n + 2.25/n^2)`:

    .. math::
        p = \\begin{cases}
        1 - \\exp(-13.436 + 101.14 A^* - 223.73 A^{*2}) & A^* < 0.2 \\\\
        1 - \\exp(-8.318 + 42.796 A^* - 59.938 A^{*2}) & 0.2 \\le A^* < 0.34 \\\\
        \\exp(0.9177 - 4.279 A^* - 1.38 A^{*2}) & 0.34 \\le A^* < 0.6 \\\\
        \\exp(1.2937 - 5.709 A^* + 0.0186 A^{*2}) & A^* \\ge 0.6.
        \\end{cases}

    A fitted approximation: at the paper's cut ``0.752`` it agrees with Monte Carlo (millions of
    Gaussian samples, this module's tests) within ``1e-3`` for ``20 <= n <= 10^4``.

    Parameters
    ----------
    statistic : array_like
        :math:`A^2` values (>= 0).
    n : int
        Sample size, ``n >= 8``.

    Returns
    -------
    ndarray
        Same shape as ``statistic``.
    """
    n = check_int(n, "n", low=8)
    a = np.asarray(statistic, dtype=np.float64)
    if np.any(~np.isfinite(a)) or np.any(a < 0):
        raise ValueError("statistic must be finite and >= 0")
    s = a * (1.0 + 0.75 / n + 2.25 / n**2)
    # the upper quadratic turns up at A* = 5.709 / (2 * 0.0186) ~ 153 (p ~ 1e-190): hold it there
    top = np.minimum(s, 153.0)
    p = np.where(
        s >= 0.6,
        np.exp(1.2937 - 5.709 * top + 0.0186 * top**2),
        np.where(
            s >= 0.34,
            np.exp(0.9177 - 4.279 * s - 1.38 * s**2),
            np.where(
                s >= 0.2,
                -np.expm1(-8.318 + 42.796 * s - 59.938 * s**2),
                -np.expm1(-13.436 + 101.14 * s - 223.73 * s**2),
            ),
        ),
    )
    return np.clip(p, 0.0, 1.0)


@dataclass(frozen=True)
class NullPassRates:
    """Probability that one exactly Gaussian column of ``n`` samples passes each test.

    Attributes
    ----------
    n : int
        Sample size.
    method : str
        ``"asymptotic"``: AD from :func:`ad_pvalue` at the cut (Stephens' finite-``n`` correction,
        within 1e-3 of Monte Carlo), DP the nominal ``1 - 0.05`` (the chi^2_2 approximation; the
        true rate is 0.943 at n = 20 and within 0.002 of 0.95 for n >= 500);
        ``"mc"``: Monte Carlo over ``n_rep`` Gaussian columns with a fixed seed.
    n_rep : int
        Monte Carlo columns (0 for ``"asymptotic"``).
    seed : int or None
    ad, dp : float
        Null pass probabilities :math:`P(A^2 < 0.752)`, :math:`P(p_{DP} > 0.05)`.
    ad_se, dp_se : float
        Their Monte Carlo standard errors (0 for ``"asymptotic"``).
    """

    n: int
    method: str
    n_rep: int
    seed: int | None
    ad: float
    ad_se: float
    dp: float
    dp_se: float


@functools.lru_cache(maxsize=64)
def _mc_null(n: int, n_rep: int, seed: int, progress: bool) -> tuple[int, int]:
    from tqdm.auto import tqdm

    rng = np.random.default_rng(seed)
    chunk = max(1, 2**22 // n)
    k_ad = k_dp = 0
    done = 0
    disable = None if progress else True  # None: a bar only on a terminal
    with tqdm(total=n_rep, desc=f"null pass rates (n={n})", disable=disable, leave=False) as bar:
        while done < n_rep:
            m = min(chunk, n_rep - done)
            ad, _, p = _column_stats(rng.standard_normal((n, m)))
            k_ad += int(np.count_nonzero(ad < AD_CRITICAL_5))
            k_dp += int(np.count_nonzero(p > DP_ALPHA))
            done += m
            bar.update(m)
    return k_ad, k_dp


def null_pass_rates(
    n: int, *, method: str = "asymptotic", n_rep: int = 20_000, seed: int = 0, progress: bool = False
) -> NullPassRates:
    """Pass probabilities of the paper's two per-coordinate tests under exact Gaussianity.

    .. math::
        p_{AD}(n) = P\\bigl(A^2_n < 0.752\\bigr), \\qquad
        p_{DP}(n) = P\\bigl(p_{DP} > 0.05\\bigr), \\qquad X_1..X_n \\overset{iid}{\\sim} \\mathcal N(0, 1)

    (both tests are location-scale invariant, so these depend on ``n`` only). Both are close to
    0.95, not 1: a perfectly Gaussian coordinate fails one time in twenty.

    Parameters
    ----------
    n : int
        Sample size, ``n >= 20``.
    method : {"asymptotic", "mc"}
        See :class:`NullPassRates`. ``"mc"`` is cached per ``(n, n_rep, seed)``; it costs about
        ``n * n_rep / 10^7`` seconds.
    n_rep : int
        Monte Carlo columns (``"mc"`` only); the standard error is about ``0.22 / sqrt(n_rep)``.
    seed : int
        Monte Carlo seed.
    progress : bool
        Show a progress bar (``"mc"``).

    Returns
    -------
    NullPassRates
    """
    n = check_int(n, "n", low=MIN_SAMPLES)
    if method == "asymptotic":
        ad = float(1.0 - ad_pvalue(AD_CRITICAL_5, n))
        return NullPassRates(n, "asymptotic", 0, None, ad, 0.0, 1.0 - DP_ALPHA, 0.0)
    if method != "mc":
        raise ValueError(f"method must be 'asymptotic' or 'mc'; got {method!r}")
    n_rep = check_int(n_rep, "n_rep", low=100)
    seed = check_int(seed, "seed", low=0)
    k_ad, k_dp = _mc_null(n, n_rep, seed, bool(progress))
    pa, pd = k_ad / n_rep, k_dp / n_rep
    return NullPassRates(
        n, "mc", n_rep, seed, pa, math.sqrt(pa * (1 - pa) / n_rep), pd, math.sqrt(pd * (1 - pd) / n_rep)
    )


@dataclass(frozen=True)
class PassCalibration:
    """Observed pass count of ``n_tests`` tests against the null pass probability ``p0``.

    Attributes
    ----------
    test : str
        ``"AD"`` or ``"DP"``.
    n_tests : int
        Number of tested columns (coordinates or projections).
    n_pass : int
    pass_rate : float
        ``n_pass / n_tests``.
    null_pass : float
        :math:`p_0`, the probability that one exactly Gaussian column passes.
    null_pass_se : float
        Monte Carlo standard error of :math:`p_0` (0 if computed asymptotically).
    expected_pass : float
        :math:`N p_0`.
    sd_pass : float
        :math:`\\sqrt{N p_0 (1 - p_0) + (N\\,\\mathrm{se})^2}` (binomial spread, independent tests,
        plus the uncertainty of :math:`p_0`).
    z : float
        :math:`(k - N p_0) / \\mathrm{sd}`.
    binom_pvalue : float
        Two-sided exact binomial test of :math:`k \\sim \\mathrm{Bin}(N, p_0)` (``scipy.stats.binomtest``).
    log10_p_all_pass : float
        :math:`N \\log_{10} p_0`: the probability that every test passes, if independent.
    caveat : str
    """

    test: str
    n_tests: int
    n_pass: int
    pass_rate: float
    null_pass: float
    null_pass_se: float
    expected_pass: float
    sd_pass: float
    z: float
    binom_pvalue: float
    log10_p_all_pass: float
    caveat: str = _CAVEAT

    @property
    def p_all_pass(self) -> float:
        """:math:`p_0^N`, the probability that all ``N`` independent Gaussian columns pass."""
        return float(10.0**self.log10_p_all_pass)


def calibrate_passes(n_pass: int, n_tests: int, null_pass: float, *, null_se: float = 0.0, test: str = "AD"):
    """Hold a pass count against the null pass probability (binomial, independent tests).

    .. math::
        k \\sim \\mathrm{Bin}(N, p_0), \\quad z = \\frac{k - N p_0}{\\sqrt{N p_0 (1-p_0) + (N
        \\mathrm{se})^2}}, \\quad P(\\text{all pass}) = p_0^N.

    Under exact Gaussianity :math:`p_0 \\approx 0.95` (:func:`null_pass_rates`), so a pass rate
    of 100% over many coordinates is itself improbable if the coordinates are independent.

    Parameters
    ----------
    n_pass : int
        Number of passing tests, ``0 <= n_pass <= n_tests``.
    n_tests : int
        Number of tests ``N >= 1``.
    null_pass : float
        :math:`p_0` in (0, 1).
    null_se : float
        Standard error of :math:`p_0` (Monte Carlo), added to the spread.
    test : str
        Label.

    Returns
    -------
    PassCalibration
    """
    n_tests = check_int(n_tests, "n_tests", low=1)
    n_pass = check_int(n_pass, "n_pass", low=0, high=n_tests)
    p0 = check_real(null_pass, "null_pass", low=0.0, high=1.0, low_open=True, high_open=True)
    se = check_real(null_se, "null_se", low=0.0)
    expected = n_tests * p0
    sd = math.sqrt(n_tests * p0 * (1 - p0) + (n_tests * se) ** 2)
    return PassCalibration(
        test=str(test),
        n_tests=n_tests,
        n_pass=n_pass,
        pass_rate=n_pass / n_tests,
        null_pass=p0,
        null_pass_se=se,
        expected_pass=expected,
        sd_pass=sd,
        z=(n_pass - expected) / sd,
        binom_pvalue=float(stats.binomtest(n_pass, n_tests, p0).pvalue),
        log10_p_all_pass=n_tests * math.log10(p0),
    )


@dataclass(frozen=True)
class UniformityTest:
    """Kolmogorov-Smirnov test of p-values against U(0, 1) (exact normality makes them uniform).

    Attributes
    ----------
    n : int
        Number of p-values.
    statistic : float
        :math:`\\sup_t |F_n(t) - t|`.
    pvalue : float
    """

    n: int
    statistic: float
    pvalue: float


def _uniformity(p: np.ndarray) -> UniformityTest:
    res = stats.kstest(p, "uniform")
    return UniformityTest(int(p.size), float(res.statistic), float(res.pvalue))


# ----------------------------------------------------------------------------------------------
# Multivariate normality in O(n d) memory
# ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class MultivariateNormality:
    """Henze-Zirkler and Mardia tests of multivariate normality (affine invariant).

    Attributes
    ----------
    n, d : int
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

    The double sums run over row blocks of the Gram matrix :math:`Y Y^\\top` (upper block triangle
    only), so memory is ``O(n (d + block_rows))``; time ``O(n^2 d)``.

    Parameters
    ----------
    Z : array_like, shape (n, d)
        Samples in rows; ``n > d + 3`` and a non-singular covariance.
    block_rows : int, optional
        Rows per Gram block (default: about ``2^22 / n``, i.e. ~32 MB per block).

    Returns
    -------
    MultivariateNormality
    """
    Z = as_matrix(Z, "Z", min_rows=3)
    n, p = Z.shape
    if n <= p + 3:
        raise ValueError(f"Z needs n > d + 3 samples for the multivariate tests; got n = {n}, d = {p}")
    if block_rows is None:
        block_rows = max(1, min(n, 2**22 // n))
    block_rows = check_int(block_rows, "block_rows", low=1)
    Xc = Z - Z.mean(axis=0)
    S = Xc.T @ Xc / n
    lam, V = np.linalg.eigh(S)
    if lam[0] <= lam[-1] * p * np.finfo(np.float64).eps * 10 or lam[-1] <= 0:
        rank = int(np.count_nonzero(lam > lam[-1] * p * np.finfo(np.float64).eps * 10))
        raise ValueError(
            f"Z has a singular covariance (numerical rank {rank} < d = {p}); the multivariate tests "
            "need full-rank data (drop redundant coordinates)"
        )
    Y = (Xc @ V) / np.sqrt(lam)
    r = np.einsum("ij,ij->i", Y, Y)  # D_j

    b2 = 0.5 * ((2 * p + 1) / 4.0) ** (2.0 / (p + 4)) * n ** (2.0 / (p + 4))  # b^2
    log_a = math.log1p(2 * b2)
    half_d_log_a = 0.5 * p * log_a
    shift = min(half_d_log_a, 600.0)  # exponents are shifted by +shift to avoid underflow

    off = 0.0  # sum_{j != k} exp(-b^2 D_jk / 2 + shift)
    skew = 0.0  # sum_{j, k} (y_j . y_k)^3
    from tqdm.auto import tqdm

    starts = range(0, n, block_rows)
    # a bar (on a terminal only) when the O(n^2 d) work is over a few seconds
    show = None if n * n * p > 2e10 else True
    for s in tqdm(starts, desc="Henze-Zirkler/Mardia blocks", leave=False, disable=show):
        e = min(n, s + block_rows)
        m = e - s
        G = Y[s:e] @ Y[s:].T  # (m, n - s): the diagonal block then the blocks to its right
        G3 = G * G
        G3 *= G
        skew += G3[:, :m].sum() + 2.0 * G3[:, m:].sum()
        del G3
        # exponent -b^2/2 (r_j + r_k - 2 G_jk) + shift, with D_jk >= 0
        D = G
        D *= -2.0
        D += r[s:e, None]
        D += r[None, s:]
        np.maximum(D, 0.0, out=D)
        D *= -0.5 * b2
        D += shift
        np.exp(D, out=D)
        np.fill_diagonal(D[:, :m], 0.0)
        off += D[:, :m].sum() + 2.0 * D[:, m:].sum()
        del D, G

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


# ----------------------------------------------------------------------------------------------
# Sliced Wasserstein-2 to the fitted isotropic Gaussian
# ----------------------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class SlicedWasserstein:
    """Sliced W2 distance to the fitted isotropic Gaussian, beside its Monte Carlo floor.

    Attributes
    ----------
    sw2 : float
        :math:`\\mathrm{SW}_2(\\hat\\mu_n, \\hat\\nu_n)`, ``Z`` against ``n`` draws of the fitted law.
    floor_mean, floor_sd : float
        Mean and standard deviation of the same statistic for exactly Gaussian samples
        :math:`\\mathcal N(m, s^2 I_d)` of the same size (fit, draw, compare).
    floor : ndarray, shape (n_floor,)
        The replicate values.
    excess_z : float
        ``(sw2 - floor_mean) / floor_sd``.
    scale : float
        The fitted :math:`s` (SW2 is in the units of ``Z``; ``sw2 / scale`` is scale free).
    n_projections : int
    """

    sw2: float
    floor_mean: float
    floor_sd: float
    floor: np.ndarray
    excess_z: float
    scale: float
    n_projections: int


def _sw_to_fitted(X: np.ndarray, rng: np.random.Generator, n_projections: int, proj_seed: int) -> float:
    import ot

    m = X.mean(axis=0)
    s = math.sqrt(X.var(axis=0, ddof=1).mean())
    ref = m + s * rng.standard_normal(X.shape)
    return float(ot.sliced_wasserstein_distance(X, ref, n_projections=n_projections, p=2, seed=proj_seed))


def sliced_wasserstein_gaussian(
    Z, *, n_projections: int = 128, n_floor: int = 5, seed=None
) -> SlicedWasserstein:
    """Sliced Wasserstein-2 distance from ``Z`` to its fitted isotropic Gaussian (POT).

    The fitted law is :math:`\\mathcal N(m, s^2 I_d)` with :math:`m` the sample mean and
    :math:`s^2 = \\frac1d \\operatorname{tr} \\hat\\Sigma` (one scalar variance: the paper's optimum,
    Corollary 2, is isotropic :math:`\\mathcal N(0, (2\\lambda)^{-1} I_d)`, so an anisotropic Gaussian
    counts as a departure). With :math:`\\hat\\nu_n` an ``n``-sample of the fitted law,

    .. math::
        \\mathrm{SW}_2(\\hat\\mu_n, \\hat\\nu_n) = \\Bigl(\\mathbb E_{\\theta \\sim \\sigma}
        W_2^2(\\theta_\\# \\hat\\mu_n, \\theta_\\# \\hat\\nu_n)\\Bigr)^{1/2}

    (``ot.sliced_wasserstein_distance``, ``n_projections`` directions). Even for exactly Gaussian
    data it is not 0 (finite samples); the *floor* is its law under the null, estimated with
    ``n_floor`` replicates of the whole procedure on :math:`\\mathcal N(m, s^2 I_d)` samples.
    A slice averages the coordinates, so independent non-Gaussian coordinates are diluted towards
    the Gaussian (CLT): 64 i.i.d. Laplace coordinates, ``n = 5000``, sat only 1.7 floor standard
    deviations above the floor, while anisotropy and low-``d`` departures stand out.

    Parameters
    ----------
    Z : array_like, shape (n, d)
        Samples in rows, ``n >= 2``.
    n_projections : int
        Directions of the Monte Carlo slice average.
    n_floor : int
        Replicates for the floor, ``>= 2``.
    seed : None, int or numpy.random.Generator

    Returns
    -------
    SlicedWasserstein
    """
    Z = as_matrix(Z, "Z", min_rows=2)
    n_projections = check_int(n_projections, "n_projections", low=1)
    n_floor = check_int(n_floor, "n_floor", low=2)
    rng = make_rng(seed).spawn(1)[0]  # a child stream: never the stream that made Z from the same seed
    proj_seed = int(rng.integers(2**31 - 1))
    sw2 = _sw_to_fitted(Z, rng, n_projections, proj_seed)
    m = Z.mean(axis=0)
    s = math.sqrt(Z.var(axis=0, ddof=1).mean())
    floor = np.array(
        [
            _sw_to_fitted(m + s * rng.standard_normal(Z.shape), rng, n_projections, proj_seed)
            for _ in range(n_floor)
        ]
    )
    fm, fs = float(floor.mean()), float(floor.std(ddof=1))
    return SlicedWasserstein(
        sw2=sw2,
        floor_mean=fm,
        floor_sd=fs,
        floor=floor,
        excess_z=(sw2 - fm) / fs if fs > 0 else math.inf,
        scale=s,
        n_projections=n_projections,
    )


# ----------------------------------------------------------------------------------------------
# diagnose
# ----------------------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class ProjectionNormality:
    """The per-column statistics on random unit directions :math:`\\theta_k \\sim \\sigma`.

    Attributes
    ----------
    directions : ndarray, shape (n_projections, d)
        Unit vectors; the tested columns are ``Z @ directions.T``.
    ad, dp_pvalue : ndarray, shape (n_projections,)
    ad_mean, ad_pass, dp_mean, dp_pass : float
        As in :class:`Diagnosis`.
    ad_calibration, dp_calibration : PassCalibration or None
    dp_uniformity : UniformityTest or None
    """

    directions: np.ndarray
    ad: np.ndarray
    dp_pvalue: np.ndarray
    ad_mean: float
    ad_pass: float
    dp_mean: float
    dp_pass: float
    ad_calibration: PassCalibration | None = None
    dp_calibration: PassCalibration | None = None
    dp_uniformity: UniformityTest | None = None


@dataclass(frozen=True, eq=False)
class Diagnosis:
    """Result of :func:`diagnose`.

    Attributes
    ----------
    n, d : int
        Samples and coordinates.
    normalized : bool
        Whether rows were mapped to the unit sphere before the tests.
    cv : float
        Coefficient of variation of the row norms of the *input* (before any normalisation),
        ``ddof = 0`` (:func:`coefficient_of_variation`).
    ad : ndarray, shape (d,)
        Anderson-Darling statistic per coordinate.
    dp_statistic, dp_pvalue : ndarray, shape (d,)
        D'Agostino-Pearson :math:`K^2` and p-value per coordinate.
    ad_mean : float
        Mean AD statistic over coordinates (paper's "AD").
    ad_pass : float
        Fraction of coordinates with ``ad < 0.752``, in [0, 1].
    dp_mean : float
        Mean DP p-value (paper's "DP").
    dp_pass : float
        Fraction of coordinates with ``p > 0.05``.
    gaussian : bool
        The paper's verdict: ``ad_mean < 0.752 and dp_mean > 0.05``.
    null : NullPassRates or None
        Null pass probabilities used for the calibration.
    ad_calibration, dp_calibration : PassCalibration or None
    dp_uniformity : UniformityTest or None
        KS test of the per-coordinate DP p-values against U(0, 1).
    projections : ProjectionNormality or None
    multivariate : MultivariateNormality or None
    sliced_wasserstein : SlicedWasserstein or None
    notes : tuple of str
        Skipped parts and caveats.
    """

    n: int
    d: int
    normalized: bool
    cv: float
    ad: np.ndarray
    dp_statistic: np.ndarray
    dp_pvalue: np.ndarray
    ad_mean: float
    ad_pass: float
    dp_mean: float
    dp_pass: float
    gaussian: bool
    null: NullPassRates | None = None
    ad_calibration: PassCalibration | None = None
    dp_calibration: PassCalibration | None = None
    dp_uniformity: UniformityTest | None = None
    projections: ProjectionNormality | None = None
    multivariate: MultivariateNormality | None = None
    sliced_wasserstein: SlicedWasserstein | None = None
    notes: tuple[str, ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        """Every field as JSON-ready Python objects (arrays as lists, nested results as dicts)."""
        return _jsonable(self)

    def table(self) -> str:
        """A readable multi-line summary (also ``str(result)``)."""
        return _render(self)

    def __str__(self) -> str:
        return self.table()


def _jsonable(obj):
    if is_dataclass(obj) and not isinstance(obj, type):
        out = {f.name: _jsonable(getattr(obj, f.name)) for f in fields(obj)}
        if isinstance(obj, PassCalibration):
            out["p_all_pass"] = obj.p_all_pass
        return out
    if isinstance(obj, dict):
        return {k: _jsonable(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_jsonable(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return obj.tolist()
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, float) and not math.isfinite(obj):
        return str(obj)
    return obj


def _univariate(X: np.ndarray, null: NullPassRates | None, extras: bool):
    ad, k2, p = _column_stats(X)
    ad_pass_n = int(np.count_nonzero(ad < AD_CRITICAL_5))
    dp_pass_n = int(np.count_nonzero(p > DP_ALPHA))
    cal_ad = cal_dp = unif = None
    if extras and null is not None:
        cal_ad = calibrate_passes(ad_pass_n, ad.size, null.ad, null_se=null.ad_se, test="AD")
        cal_dp = calibrate_passes(dp_pass_n, p.size, null.dp, null_se=null.dp_se, test="DP")
        unif = _uniformity(p)
    return ad, k2, p, ad_pass_n / ad.size, dp_pass_n / p.size, cal_ad, cal_dp, unif


def diagnose(
    Z,
    *,
    normalize: bool = False,
    n_projections: int = 0,
    seed=None,
    extras: bool = True,
    null: str = "asymptotic",
    null_reps: int = 20_000,
    sw_projections: int = 64,
    sw_floor: int = 5,
    block_rows: int | None = None,
) -> Diagnosis:
    """The paper's Gaussianity diagnostics of embeddings, calibrated, with extra tests.

    The paper's numbers (Sec. 5, Tables 1-2), reproduced exactly:

    .. math::
        \\mathrm{CV} = \\frac{\\operatorname{std}\\lVert z_i\\rVert}{\\operatorname{mean}\\lVert z_i
        \\rVert}, \\quad
        \\mathrm{AD} = \\frac1d \\sum_{j} A^2_j, \\quad
        \\mathrm{AD\\ pass} = \\frac1d \\#\\{j : A^2_j < 0.752\\}, \\quad
        \\mathrm{DP} = \\frac1d \\sum_j p_j, \\quad
        \\mathrm{DP\\ pass} = \\frac1d \\#\\{j : p_j > 0.05\\},

    and the verdict *Gaussian* iff AD < 0.752 and DP > 0.05. With ``extras`` the pass counts are
    calibrated against exact Gaussianity (:func:`null_pass_rates`, :func:`calibrate_passes`; about
    95% pass, not 100%), the DP p-values are tested for uniformity, and the multivariate tests
    (:func:`multivariate_normality`, skipped with a note when ``n <= d``, ``d < 2`` or the
    covariance is singular) and the sliced W2 distance (:func:`sliced_wasserstein_gaussian`) are
    added.

    Parameters
    ----------
    Z : array_like, shape (n, d)
        Embeddings in rows (float32 accepted; computed in float64); ``n >= 20``, ``d >= 1``,
        finite, no constant coordinate.
    normalize : bool
        Map rows to the unit sphere first (:func:`theory.sphere.project`; the paper's
        "normalised" columns of Table 2). The CV is always that of the input.
    n_projections : int
        Number of random unit directions (seeded) on which the per-column tests are repeated.
    seed : None, int or numpy.random.Generator
        Randomness of the projections and of the sliced-W2 floor.
    extras : bool
        Calibration, multivariate tests and sliced W2 (``False``: the paper's statistics only).
    null : {"asymptotic", "mc"}
        How the null pass probabilities are computed (:func:`null_pass_rates`).
    null_reps : int
        Monte Carlo columns when ``null="mc"``.
    sw_projections, sw_floor : int
        Slices and floor replicates of the sliced W2 distance.
    block_rows : int, optional
        Gram block size of the multivariate tests.

    Returns
    -------
    Diagnosis
    """
    Z = as_matrix(Z, "Z", min_rows=MIN_SAMPLES, min_cols=1)
    if not isinstance(normalize, bool | np.bool_):
        raise TypeError(f"normalize must be a bool; got {type(normalize).__name__}")
    if not isinstance(extras, bool | np.bool_):
        raise TypeError(f"extras must be a bool; got {type(extras).__name__}")
    n_projections = check_int(n_projections, "n_projections", low=0)
    if null not in ("asymptotic", "mc"):
        raise ValueError(f"null must be 'asymptotic' or 'mc'; got {null!r}")
    # independent child streams: draws never coincide with data made with the same integer seed
    proj_rng, sw_rng = make_rng(seed).spawn(2)
    n, d = Z.shape
    cv = coefficient_of_variation(Z)
    if normalize:
        from theory.sphere import project

        Z = project(Z)
    Z = _as_samples(Z)
    notes: list[str] = []
    null_rates = null_pass_rates(n, method=null, n_rep=null_reps, progress=True) if extras else None
    ad, k2, p, ad_pass, dp_pass, cal_ad, cal_dp, unif = _univariate(Z, null_rates, extras)
    ad_mean, dp_mean = float(ad.mean()), float(p.mean())

    proj = None
    if n_projections:
        from theory.sphere import sample_uniform

        theta = sample_uniform(n_projections, d, seed=proj_rng)
        pad, _, pp, pad_pass, pdp_pass, pcal_ad, pcal_dp, punif = _univariate(Z @ theta.T, null_rates, extras)
        proj = ProjectionNormality(
            directions=theta,
            ad=pad,
            dp_pvalue=pp,
            ad_mean=float(pad.mean()),
            ad_pass=pad_pass,
            dp_mean=float(pp.mean()),
            dp_pass=pdp_pass,
            ad_calibration=pcal_ad,
            dp_calibration=pcal_dp,
            dp_uniformity=punif,
        )

    mvn = sw = None
    if extras:
        notes.append(_CAVEAT)
        if d < 2:
            notes.append("multivariate tests skipped: d = 1 (the per-coordinate tests already cover it)")
        elif n <= d + 3:
            notes.append(f"multivariate tests skipped: n = {n} <= d + 3 = {d + 3}")
        else:
            try:
                mvn = multivariate_normality(Z, block_rows=block_rows)
            except ValueError as exc:
                notes.append(f"multivariate tests skipped: {exc}")
            if mvn is not None and d > 100:
                notes.append(
                    "Henze-Zirkler has little power at d > ~100 (it missed Laplace data at d = 130-256): "
                    "read Mardia's tests and the sliced W2"
                )
        sw = sliced_wasserstein_gaussian(Z, n_projections=sw_projections, n_floor=sw_floor, seed=sw_rng)
        if null_rates is not None and null_rates.method == "asymptotic":
            notes.append("null pass rates: AD by Stephens' finite-n approximation, DP nominal 0.95")
    return Diagnosis(
        n=n,
        d=d,
        normalized=bool(normalize),
        cv=cv,
        ad=ad,
        dp_statistic=k2,
        dp_pvalue=p,
        ad_mean=ad_mean,
        ad_pass=ad_pass,
        dp_mean=dp_mean,
        dp_pass=dp_pass,
        gaussian=bool(ad_mean < AD_CRITICAL_5 and dp_mean > DP_ALPHA),
        null=null_rates,
        ad_calibration=cal_ad,
        dp_calibration=cal_dp,
        dp_uniformity=unif,
        projections=proj,
        multivariate=mvn,
        sliced_wasserstein=sw,
        notes=tuple(notes),
    )


def _fmt_p(p: float) -> str:
    return f"{p:.3g}" if p >= 1e-3 else f"{p:.1e}"


def _fmt_log10(x: float) -> str:
    return f"{10.0**x:.2g}" if x > -300 else f"1e{x:.0f}"


def _render(r: Diagnosis) -> str:
    lines = [
        f"Gaussianity diagnostics: n = {r.n} samples, d = {r.d} coordinates"
        + (" (rows normalised to the unit sphere)" if r.normalized else " (unnormalised)"),
        f"  CV of row norms (ddof=0): {r.cv:.4f}",
        "",
        f"  {'test':<28}{'mean':>9}{'pass':>9}{'null pass':>11}{'z':>8}{'binom p':>10}{'P(all pass)':>13}",
    ]

    def row(label, mean, rate, cal):
        s = f"  {label:<28}{mean:>9.4f}{100 * rate:>8.1f}%"
        if cal is not None:
            s += (
                f"{100 * cal.null_pass:>10.1f}%{cal.z:>8.2f}{_fmt_p(cal.binom_pvalue):>10}"
                f"{_fmt_log10(cal.log10_p_all_pass):>13}"
            )
        return s

    lines.append(row("AD coordinates (<0.752)", r.ad_mean, r.ad_pass, r.ad_calibration))
    lines.append(row("DP coordinates (p>0.05)", r.dp_mean, r.dp_pass, r.dp_calibration))
    if r.projections is not None:
        pr = r.projections
        k = pr.ad.size
        lines.append(row(f"AD {k} random directions", pr.ad_mean, pr.ad_pass, pr.ad_calibration))
        lines.append(row(f"DP {k} random directions", pr.dp_mean, pr.dp_pass, pr.dp_calibration))
    lines.append("")
    verdict = "Gaussian" if r.gaussian else "not Gaussian"
    lines.append(f"  Paper's verdict (AD mean < 0.752 and DP mean > 0.05): {verdict}")
    if r.dp_uniformity is not None:
        u = r.dp_uniformity
        lines.append(f"  DP p-values uniform? KS D = {u.statistic:.4f}, p = {_fmt_p(u.pvalue)}")
    if r.projections is not None and r.projections.dp_uniformity is not None:
        u = r.projections.dp_uniformity
        lines.append(f"  DP p-values on directions uniform? KS D = {u.statistic:.4f}, p = {_fmt_p(u.pvalue)}")
    if r.multivariate is not None:
        m = r.multivariate
        lines.append(f"  Henze-Zirkler: HZ - 1 = {m.hz_minus_1:.4g}, p = {_fmt_p(m.hz_pvalue)}")
        lines.append(
            f"  Mardia: skewness b1 = {m.mardia_skewness:.4g} (p = {_fmt_p(m.mardia_skewness_pvalue)}), "
            f"kurtosis b2 = {m.mardia_kurtosis:.4g} (z = {m.mardia_kurtosis_z:.2f}, "
            f"p = {_fmt_p(m.mardia_kurtosis_pvalue)})"
        )
    if r.sliced_wasserstein is not None:
        w = r.sliced_wasserstein
        lines.append(
            f"  Sliced W2 to fitted isotropic Gaussian: {w.sw2:.4g} "
            f"(Gaussian floor {w.floor_mean:.4g} +- {w.floor_sd:.2g}, excess z = {w.excess_z:.1f}; "
            f"scale s = {w.scale:.4g})"
        )
    for note in r.notes:
        lines.append(f"  note: {note}")
    return "\n".join(lines)


# Reading files is shared with the other commands: theory._io.load_matrix.
load_embeddings = load_matrix
