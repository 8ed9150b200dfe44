"""Calibration of the per-coordinate pass counts against exact Gaussianity (the null)."""

from __future__ import annotations

import functools
import math
import warnings
from dataclasses import dataclass

import numpy as np
from scipy import stats

from theory._io import ResultMixin
from theory._validation import as_int, as_real
from theory.gaussianity._univariate import AD_CRITICAL_5, DP_LEVEL, MIN_SAMPLES, _column_stats

CAVEAT = (
    "binomial calibration treats coordinates as independent tests; correlated coordinates keep the "
    "expected pass rate but widen its spread"
)


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

    A fitted approximation: at the paper's cut ``0.752`` (arXiv 2602.24012, Sec. 5) it agrees with
    Monte Carlo (millions of Gaussian samples, this package's tests) within ``1e-3`` for
    ``20 <= n <= 10^4``.

    Parameters
    ----------
    statistic : float or array_like of float
        :math:`A^2` values (finite, >= 0).
    n : int
        Sample size, ``n >= 8``.

    Returns
    -------
    ndarray
        Same shape as ``statistic``.
    """
    n = as_int(n, "n", low=8)
    if isinstance(statistic, str | bytes) or isinstance(statistic, bool | np.bool_):
        raise TypeError(f"statistic must be a real number or an array of them; got {statistic!r}")
    a = np.asarray(statistic)
    if a.dtype == object or not (np.issubdtype(a.dtype, np.integer) or np.issubdtype(a.dtype, np.floating)):
        raise TypeError(f"statistic must be a real number or an array of them; got dtype {a.dtype}")
    a = a.astype(np.float64)
    if np.any(~np.isfinite(a)) or np.any(a < 0):
        raise ValueError(f"statistic must be finite and >= 0; got {statistic!r}")
    s = a * (1.0 + 0.75 / n + 2.25 / n**2)
    # the upper quadratic turns up at A* = 5.709 / (2 * 0.0186) ~ 153 (p ~ 1e-190): hold it there
    top = np.minimum(s, 153.0)
    lo = np.minimum(s, 0.6)  # the lower branches, evaluated where they apply (no overflow elsewhere)
    p = np.where(
        s >= 0.6,
        np.exp(1.2937 - 5.709 * top + 0.0186 * top**2),
        np.where(
            s >= 0.34,
            np.exp(0.9177 - 4.279 * lo - 1.38 * lo**2),
            np.where(
                s >= 0.2,
                -np.expm1(-8.318 + 42.796 * lo - 59.938 * lo**2),
                -np.expm1(-13.436 + 101.14 * lo - 223.73 * lo**2),
            ),
        ),
    )
    return np.clip(p, 0.0, 1.0)


@dataclass(frozen=True)
class NullPassRates(ResultMixin):
    """Probability that one exactly Gaussian column of ``n`` samples passes each test.

    Attributes
    ----------
    n : int
        Sample size.
    method : str
        ``"asymptotic"``: AD from :func:`ad_pvalue` at the cut (Stephens' finite-``n`` correction,
        within 1e-3 of Monte Carlo), DP the nominal ``1 - 0.05`` (the chi^2_2 approximation; the
        true rate is 0.943 at n = 20 and within 0.002 of 0.95 for n >= 500);
        ``"mc"``: Monte Carlo over ``n_samples`` Gaussian columns with a fixed seed.
    n_samples : int
        Monte Carlo columns (0 for ``"asymptotic"``).
    seed : int or None
        Monte Carlo seed (``None`` for ``"asymptotic"``).
    ad : float
        Null pass probability :math:`P(A^2 < 0.752)`.
    ad_se : float
        Its Monte Carlo standard error (0 for ``"asymptotic"``).
    dp : float
        Null pass probability :math:`P(p_{DP} > 0.05)`.
    dp_se : float
        Its Monte Carlo standard error (0 for ``"asymptotic"``).
    """

    n: int
    method: str
    n_samples: int
    seed: int | None
    ad: float
    ad_se: float
    dp: float
    dp_se: float


@functools.lru_cache(maxsize=64)
def _mc_null(n: int, n_samples: int, seed: int, progress: bool) -> tuple[int, int]:
    from tqdm.auto import tqdm

    rng = np.random.default_rng(seed)
    chunk = max(1, 2**22 // n)
    k_ad = k_dp = 0
    done = 0
    disable = None if progress else True  # None: a bar only on a terminal
    with tqdm(total=n_samples, desc=f"null pass rates (n={n})", disable=disable, leave=False) as bar:
        while done < n_samples:
            m = min(chunk, n_samples - done)
            ad, _, p = _column_stats(rng.standard_normal((n, m)))
            k_ad += int(np.count_nonzero(ad < AD_CRITICAL_5))
            k_dp += int(np.count_nonzero(p > DP_LEVEL))
            done += m
            bar.update(m)
    return k_ad, k_dp


def _check_bool(value, name: str) -> bool:
    if not isinstance(value, bool | np.bool_):
        raise TypeError(f"{name} must be a bool; got {type(value).__name__} {value!r}")
    return bool(value)


def null_pass_rates(
    n: int,
    *,
    method: str = "asymptotic",
    n_samples: int = 20_000,
    seed: int = 0,
    progress: bool = False,
    n_rep: int | None = None,
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
        See :class:`NullPassRates`. ``"mc"`` is cached per ``(n, n_samples, seed)``; it costs about
        ``n * n_samples / 10^7`` seconds.
    n_samples : int
        Monte Carlo columns (``"mc"`` only, ``>= 100``); the standard error is about
        ``0.22 / sqrt(n_samples)``.
    seed : int
        Monte Carlo seed.
    progress : bool
        Show a progress bar (``"mc"``).
    n_rep : int, optional
        Deprecated name of ``n_samples``.

    Returns
    -------
    NullPassRates
    """
    if n_rep is not None:
        warnings.warn("null_pass_rates(n_rep=...) is deprecated; use n_samples", DeprecationWarning, 2)
        n_samples = n_rep
    n = as_int(n, "n", low=MIN_SAMPLES)
    progress = _check_bool(progress, "progress")
    if not isinstance(method, str):
        raise TypeError(f"method must be 'asymptotic' or 'mc'; got {method!r}")
    if method == "asymptotic":
        ad = float(1.0 - ad_pvalue(AD_CRITICAL_5, n))
        return NullPassRates(n, "asymptotic", 0, None, ad, 0.0, 1.0 - DP_LEVEL, 0.0)
    if method != "mc":
        raise ValueError(f"method must be 'asymptotic' or 'mc'; got {method!r}")
    n_samples = as_int(n_samples, "n_samples", low=100)
    seed = as_int(seed, "seed", low=0)
    k_ad, k_dp = _mc_null(n, n_samples, seed, progress)
    pa, pd = k_ad / n_samples, k_dp / n_samples
    return NullPassRates(
        n,
        "mc",
        n_samples,
        seed,
        pa,
        math.sqrt(pa * (1 - pa) / n_samples),
        pd,
        math.sqrt(pd * (1 - pd) / n_samples),
    )


@dataclass(frozen=True)
class PassCalibration(ResultMixin):
    """Observed pass count of ``n_tests`` tests against the null pass probability ``p0``.

    Attributes
    ----------
    test : str
        ``"AD"`` or ``"DP"``.
    n_tests : int
        Number of tested columns (coordinates or projections).
    n_pass : int
        Number of passing columns.
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
        The independence assumption behind the binomial law.
    p_all_pass : float
        (Property, also in ``to_dict()``.) :math:`p_0^N`; 0.0 when it underflows (read
        ``log10_p_all_pass``).
    """

    _json_extra = ("p_all_pass",)

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
    caveat: str = CAVEAT

    @property
    def p_all_pass(self) -> float:
        """:math:`p_0^N`, the probability that all ``N`` independent Gaussian columns pass."""
        return float(10.0**self.log10_p_all_pass) if self.log10_p_all_pass > -400 else 0.0


def calibrate_passes(n_pass: int, n_tests: int, null_pass: float, *, null_se: float = 0.0, test: str = "AD"):
    """Hold a pass count against the null pass probability (binomial, independent tests).

    .. math::
        k \\sim \\mathrm{Bin}(N, p_0), \\quad z = \\frac{k - N p_0}{\\sqrt{N p_0 (1-p_0) + (N
        \\mathrm{se})^2}}, \\quad P(\\text{all pass}) = p_0^N.

    Under exact Gaussianity :math:`p_0 \\approx 0.95` (:func:`null_pass_rates`), so a pass rate
    of 100% over many coordinates is itself improbable if the coordinates are independent (the
    paper's 100% of 256 coordinates, arXiv 2602.24012, Table 1).

    Parameters
    ----------
    n_pass : int
        Number of passing tests, ``0 <= n_pass <= n_tests``.
    n_tests : int
        Number of tests ``N >= 1``.
    null_pass : float
        :math:`p_0` in (0, 1).
    null_se : float
        Standard error of :math:`p_0` (Monte Carlo), added to the spread; ``>= 0``.
    test : str
        Label.

    Returns
    -------
    PassCalibration
    """
    n_tests = as_int(n_tests, "n_tests", low=1)
    n_pass = as_int(n_pass, "n_pass", low=0, high=n_tests)
    p0 = as_real(null_pass, "null_pass", low=0.0, high=1.0, low_open=True, high_open=True)
    se = as_real(null_se, "null_se", low=0.0)
    if not isinstance(test, str):
        raise TypeError(f"test must be a str label; got {type(test).__name__} {test!r}")
    expected = n_tests * p0
    sd = math.sqrt(n_tests * p0 * (1 - p0) + (n_tests * se) ** 2)
    return PassCalibration(
        test=test,
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
class UniformityTest(ResultMixin):
    """Kolmogorov-Smirnov test of p-values against U(0, 1) (exact normality makes them uniform).

    Attributes
    ----------
    n : int
        Number of p-values.
    statistic : float
        :math:`\\sup_t |F_n(t) - t|`.
    pvalue : float
        Exact (small ``n``) or asymptotic KS p-value (``scipy.stats.kstest``).
    """

    n: int
    statistic: float
    pvalue: float


def _uniformity(p: np.ndarray) -> UniformityTest:
    res = stats.kstest(p, "uniform")
    return UniformityTest(int(p.size), float(res.statistic), float(res.pvalue))


__all__ = [
    "NullPassRates",
    "PassCalibration",
    "UniformityTest",
    "ad_pvalue",
    "calibrate_passes",
    "null_pass_rates",
]
