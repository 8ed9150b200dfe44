"""Monte Carlo estimators held against the exact line, and the KS distance of samples (private)."""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np
from scipy import stats

from theory._deprecation import renamed_keywords
from theory._io import ResultMixin
from theory._validation import check_int, check_real
from theory.sphere._exact import projection_ks
from theory.sphere._law import projection_cdf_1d
from theory.sphere._numerics import _check_dk, _consts, _L_of_s, _matrix
from theory.sphere._sampling import sample_projection


@dataclass(frozen=True)
class MCEstimate(ResultMixin):
    """A Monte Carlo estimate with its standard error.

    Attributes
    ----------
    estimate : float
        The sample mean of the estimator.
    stderr : float
        Standard error (sample standard deviation / sqrt(n_samples)).
    n_samples : int
        Number of samples.
    method : str
        The estimator, e.g. ``"E_p[(1-g/p)_+]"``.
    """

    estimate: float
    stderr: float
    n_samples: int
    method: str

    @property
    def n(self) -> int:
        """Deprecated name of :attr:`n_samples`."""
        warnings.warn("MCEstimate.n is deprecated; use n_samples", DeprecationWarning, stacklevel=2)
        return self.n_samples


def _radial_samples(samples, k: int | None, name: str = "samples") -> tuple[np.ndarray, int]:
    y = _matrix(samples, name, min_rows=2)
    if k is not None and y.shape[1] != k:
        raise ValueError(f"{name} must have k = {k} columns; got shape {y.shape}")
    return np.sum(y * y, axis=1), y.shape[1]


def _mc_log_ratio(d: int, k: int, n_samples: int, seed, samples) -> np.ndarray:
    """``L(|Y|^2) = log p_d/phi_k`` at samples ``Y`` of the projection (drawn when not given)."""
    d, k = _check_dk(d, k)
    n_samples = check_int(n_samples, "n_samples", low=2)
    if samples is None:
        samples = sample_projection(n_samples, d, k, seed)
    s, _ = _radial_samples(samples, k)
    if np.any(s >= d):
        raise ValueError(f"samples must lie in the open ball of radius sqrt(d) = {math.sqrt(d):.6g}")
    return _L_of_s(s, _consts(d, k))


@renamed_keywords(N="n_samples")
def mc_projection_tv(d: int, k: int, n_samples: int = 100_000, seed=None, *, samples=None) -> MCEstimate:
    """Unbiased Monte Carlo estimate of the TV between ``sqrt(d)(U_1..U_k)`` and ``N(0, I_k)``.

    .. math::
        d_{TV} = E_{p_d}\\bigl[(1 - \\varphi_k / p_d)(Y)_+\\bigr]
        = E\\bigl[(1 - e^{-L(|Y|^2)})_+\\bigr], \\qquad Y \\sim p_d,

    with the exact density ratio; the standard error is the sample one.

    Parameters
    ----------
    d, k : int
        Ambient dimension ``d >= 2`` and projection dimension ``1 <= k <= d - 1``.
    n_samples : int
        Number of samples drawn when ``samples`` is not given (``>= 2``; the old keyword ``N`` is
        deprecated).
    seed : None, int or numpy.random.Generator
        Randomness.
    samples : array_like, shape (n, k), optional
        Samples of ``sqrt(d)(U_1..U_k)`` to use instead (the estimator is unbiased only for samples of
        that law; every row must lie in the open ball of radius ``sqrt(d)``).

    Returns
    -------
    MCEstimate
    """
    w = -np.expm1(-_mc_log_ratio(d, k, n_samples, seed, samples))
    w = np.maximum(w, 0.0)
    return MCEstimate(
        float(w.mean()), float(w.std(ddof=1) / math.sqrt(w.size)), int(w.size), "E_p[(1-g/p)_+]"
    )


@renamed_keywords(N="n_samples")
def mc_projection_kl(d: int, k: int, n_samples: int = 100_000, seed=None, *, samples=None) -> MCEstimate:
    """Monte Carlo estimate of ``KL(projection || N(0, I_k))`` with its standard error.

    .. math::
        \\mathrm{KL}(p_d\\|\\varphi_k) = E_{p_d}[L(|Y|^2)].

    Parameters
    ----------
    d, k : int
        Ambient dimension ``d >= 2`` and projection dimension ``1 <= k <= d - 1``.
    n_samples : int
        Number of samples drawn when ``samples`` is not given (the old keyword ``N`` is deprecated).
    seed : None, int or numpy.random.Generator
        Randomness.
    samples : array_like, shape (n, k), optional
        Samples of ``sqrt(d)(U_1..U_k)`` to use instead.

    Returns
    -------
    MCEstimate
    """
    L = _mc_log_ratio(d, k, n_samples, seed, samples)
    return MCEstimate(float(L.mean()), float(L.std(ddof=1) / math.sqrt(L.size)), int(L.size), "E_p[log p/g]")


@dataclass(frozen=True)
class KSDistance(ResultMixin):
    """Kolmogorov-Smirnov distance of samples to ``N(0, scale^2 I_k)`` (and to the exact projection).

    Attributes
    ----------
    statistic : float
        Sample KS distance to the Gaussian (of the coordinate if ``k = 1``, else of ``|y|^2 / scale^2``
        against chi^2_k).
    pvalue : float
        KS test p-value against the Gaussian.
    population : float or None
        Exact KS distance of the projected law to the Gaussian on the same variable (when ``d`` given).
    statistic_projection : float or None
        Sample KS distance to the exact projected law (when ``d`` given).
    dkw_halfwidth : float
        ``sqrt(log(2/level) / (2 n_samples))``: with probability ``>= 1 - level``, ``|statistic - KS(law
        of the samples, Gaussian)| <= dkw_halfwidth`` (Dvoretzky-Kiefer-Wolfowitz-Massart).
    n_samples : int
        Number of samples.
    variable : str
        ``"coordinate"`` (k = 1) or ``"squared radius"``.
    level : float
        Significance level of the DKW half-width.
    """

    statistic: float
    pvalue: float
    population: float | None
    statistic_projection: float | None
    dkw_halfwidth: float
    n_samples: int
    variable: str
    level: float

    @property
    def n(self) -> int:
        """Deprecated name of :attr:`n_samples`."""
        warnings.warn("KSDistance.n is deprecated; use n_samples", DeprecationWarning, stacklevel=2)
        return self.n_samples


@renamed_keywords(alpha="level")
def ks_distance(samples, d: int | None = None, *, scale: float = 1.0, level: float = 1e-6) -> KSDistance:
    """KS distance (histogram- and KDE-free) of samples to ``N(0, scale^2 I_k)``.

    .. math::
        D_n = \\sup_t |\\hat F_n(t) - G(t)|, \\qquad
        P\\bigl(\\sup_t|\\hat F_n - F| > \\varepsilon\\bigr) \\le 2 e^{-2 n \\varepsilon^2},

    on the coordinate when ``k = 1`` (``G = Phi``) and on the squared radius ``|y|^2/scale^2`` otherwise
    (``G`` the chi^2_k CDF; both laws radial, so this loses nothing for radial laws).

    Parameters
    ----------
    samples : array_like, shape (n, k)
        E.g. ``sqrt(d)`` times k coordinates of normalised embeddings.
    d : int, optional
        If given, also the exact population KS distance of ``sqrt(d)(U_1..U_k)`` to the Gaussian and the
        sample distance to that exact law.
    scale : float
        Standard deviation ``r0`` of the Gaussian reference.
    level : float
        Significance level of the DKW half-width, in ``(0, 1)`` (the old keyword ``alpha`` is
        deprecated: ``alpha`` is the inverse temperature in this project).

    Returns
    -------
    KSDistance
    """
    y = _matrix(samples, "samples", min_rows=2)
    n, k = y.shape
    scale = check_real(scale, "scale", low=0.0, low_open=True)
    level = check_real(level, "level", low=0.0, high=1.0, low_open=True, high_open=True)
    y = y / scale
    pop = stat_proj = None
    if k == 1:
        v = y[:, 0]
        res = stats.kstest(v, stats.norm.cdf)
        if d is not None:
            d, _ = _check_dk(d, 1)
            pop = projection_ks(d, 1) / 2.0
            stat_proj = float(stats.kstest(v, lambda t: projection_cdf_1d(np.atleast_1d(t), d)).statistic)
        variable = "coordinate"
    else:
        s = np.sum(y * y, axis=1)
        res = stats.kstest(s, stats.chi2(k).cdf)
        if d is not None:
            d, _ = _check_dk(d, k)
            pop = projection_ks(d, k)
            law = stats.beta(k / 2.0, (d - k) / 2.0, scale=d)
            stat_proj = float(stats.kstest(s, law.cdf).statistic)
        variable = "squared radius"
    return KSDistance(
        statistic=float(res.statistic),
        pvalue=float(res.pvalue),
        population=pop,
        statistic_projection=stat_proj,
        dkw_halfwidth=math.sqrt(math.log(2.0 / level) / (2.0 * n)),
        n_samples=n,
        variable=variable,
        level=level,
    )
