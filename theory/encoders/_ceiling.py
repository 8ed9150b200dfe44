"""The pass rates the best linear encoder of Binary inputs reaches: the ceiling of Table 1's Binary rows.

The paper's diagnostics (Sec. 5): a coordinate passes Anderson-Darling when :math:`A^2 < 0.752` and
D'Agostino-Pearson when its p-value exceeds 0.05. Both are computed here by
:mod:`theory.gaussianity` on samples drawn from the *exact* law of one coordinate (no network):

- the row of :func:`~theory.encoders.floor_row` (every standardised cumulant at its infimum; a lattice
  law, sampled exactly as :math:`K_+ - K_-` with binomial :math:`K_\\pm`): the D'Agostino-Pearson test
  depends on a sample only through its skewness and kurtosis, and to leading order in :math:`n` its pass
  probability (:func:`dp_pass_asymptotic`) decreases in :math:`|\\gamma_1|` and :math:`|\\gamma_2|`, so
  this row's rate is the DP ceiling of every linear encoder (to leading order in :math:`n`; at finite
  :math:`n` the laws of the sample moments also depend on higher cumulants, which this row also
  minimises, and no row tried, jittered or with i.i.d. entries, exceeded it beyond Monte Carlo error);
- the Anderson-Darling test also sees the lattice (ties), which a linear encoder avoids by spreading its
  weights at a small cost in kurtosis: rows :func:`jittered_floor_row` (magnitudes
  :math:`1 + \\epsilon t_j` on a fine lattice, sampled exactly from
  :func:`~theory.encoders.binary_lattice_law`) give the best AD rate found, a rate some linear encoder
  reaches (not a proven supremum).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import stats

from theory._io import ResultMixin
from theory._validation import as_int, as_matrix, as_real
from theory.encoders._cumulants import binary_coordinate_cumulants
from theory.encoders._floor import CumulantFloor, cumulant_floor, floor_row
from theory.encoders._law import binary_lattice_law
from theory.gaussianity import AD_CRITICAL_5, DP_LEVEL, MIN_SAMPLES, constant_columns
from theory.gaussianity._univariate import _column_stats, _dp_k2

__all__ = [
    "PassRateCeiling",
    "PassRates",
    "RowPassRates",
    "dp_pass_asymptotic",
    "jittered_floor_row",
    "pass_rate_ceiling",
    "pass_rates",
]

#: Columns per block when sampling (bounds memory at n_samples x this).
_BLOCK = 500


@dataclass(frozen=True)
class PassRates(ResultMixin):
    """Pass rates of the paper's per-coordinate tests over independent columns.

    Attributes
    ----------
    n_samples : int
        Samples per column (the evaluation size n).
    n_columns : int
        Independent columns.
    n_constant : int
        Numerically constant columns (they fail both tests and are left out of the means).
    ad_pass, dp_pass : float
        Fraction of columns with :math:`A^2 <` 0.752, with D'Agostino-Pearson p-value > 0.05.
    ad_pass_se, dp_pass_se : float
        Their binomial standard errors :math:`\\sqrt{r(1-r)/m}`.
    ad_mean, dp_mean : float or None
        Mean AD statistic and mean DP p-value over the non-constant columns (``None`` if none).
    """

    n_samples: int
    n_columns: int
    n_constant: int
    ad_pass: float
    ad_pass_se: float
    dp_pass: float
    dp_pass_se: float
    ad_mean: float | None
    dp_mean: float | None


def _se(r: float, m: int) -> float:
    return math.sqrt(max(r * (1.0 - r), 0.0) / m)


def _counts(Z: np.ndarray) -> tuple[int, int, int, float, float]:
    const = constant_columns(Z)
    keep = np.setdiff1d(np.arange(Z.shape[1]), const)
    if keep.size == 0:
        return 0, 0, const.size, 0.0, 0.0
    ad, _, p = _column_stats(Z[:, keep])
    return (
        int((ad < AD_CRITICAL_5).sum()),
        int((p > DP_LEVEL).sum()),
        const.size,
        float(ad.sum()),
        float(p.sum()),
    )


def _rates(n: int, m: int, ad_n: int, dp_n: int, n_const: int, ad_sum: float, dp_sum: float) -> PassRates:
    live = m - n_const
    return PassRates(
        n_samples=n, n_columns=m, n_constant=n_const,
        ad_pass=ad_n / m, ad_pass_se=_se(ad_n / m, m), dp_pass=dp_n / m, dp_pass_se=_se(dp_n / m, m),
        ad_mean=ad_sum / live if live else None, dp_mean=dp_sum / live if live else None,
    )  # fmt: skip


def pass_rates(Z) -> PassRates:
    """The paper's AD and DP pass rates over the columns of ``Z`` (independent columns assumed for the SE).

    Statistics from :mod:`theory.gaussianity` (equal to ``scipy.stats.anderson`` and
    ``scipy.stats.normaltest``); a numerically constant column fails both tests.

    Parameters
    ----------
    Z : array_like, shape (n, m)
        ``n >= 20`` samples of each of ``m`` columns.

    Returns
    -------
    PassRates
    """
    Z = as_matrix(Z, "Z", min_rows=MIN_SAMPLES)
    return _rates(Z.shape[0], Z.shape[1], *_counts(Z))


def dp_pass_asymptotic(skewness, excess_kurtosis, n_samples) -> float:
    """Leading-order D'Agostino-Pearson pass probability of a law with given skewness and excess kurtosis.

    The sample skewness and kurtosis concentrate at :math:`\\gamma_1` and :math:`3 + \\gamma_2` with the
    null's spread; D'Agostino's transforms send them to :math:`Z_s, Z_k \\approx N(\\mu_s, 1), N(\\mu_k, 1)`
    with :math:`(\\mu_s, \\mu_k)` the transforms at the population values, so

    .. math::
        P(p_{DP} > 0.05) \\approx P\\big(\\chi^2_2(\\mu_s^2 + \\mu_k^2) \\le -2 \\log 0.05\\big),

    a non-central :math:`\\chi^2_2`; it is 0.95 at :math:`\\gamma_1 = \\gamma_2 = 0` and decreases in
    :math:`|\\gamma_1|` and :math:`|\\gamma_2|` (both transforms are monotone), so over weight rows it is
    largest at the cumulant floor. An approximation: the finite-n laws of the sample moments depend on
    higher cumulants (compare :func:`pass_rate_ceiling`).

    Parameters
    ----------
    skewness, excess_kurtosis : float
    n_samples : int >= 20

    Returns
    -------
    float
    """
    g1 = as_real(skewness, "skewness")
    g2 = as_real(excess_kurtosis, "excess_kurtosis", low=-2.0)
    n = as_int(n_samples, "n_samples", low=MIN_SAMPLES)
    nc = float(_dp_k2(np.array([g1]), np.array([3.0 + g2]), n)[0])
    return float(stats.ncx2.cdf(-2.0 * math.log(DP_LEVEL), 2, nc))


def jittered_floor_row(D, epsilon, resolution=1e-3) -> np.ndarray:
    """A row near :func:`~theory.encoders.floor_row` off its lattice: magnitudes :math:`1 + \\epsilon t_j`.

    :math:`t_j` evenly spaced over :math:`[-1, 1]`, signs alternating (so neighbouring magnitudes of
    opposite sign nearly cancel in :math:`\\sum w^3`), every entry rounded to a multiple of ``resolution``
    (so its law is exact on that lattice). :math:`R_4 = \\sum w^4/(\\sum w^2)^2` is :math:`1/D` at
    :math:`\\epsilon = 0` and grows like :math:`(1 + 4\\epsilon^2/3)/D` for small :math:`\\epsilon`.

    Parameters
    ----------
    D : int >= 1
    epsilon : float in [0, 1)
    resolution : float > 0

    Returns
    -------
    ndarray, shape (D,)
    """
    D = as_int(D, "D", low=1)
    eps = as_real(epsilon, "epsilon", low=0.0, high=1.0, high_open=True)
    res = as_real(resolution, "resolution", low=0.0, low_open=True)
    mag = np.rint((1.0 + eps * np.linspace(-1.0, 1.0, D)) / res) * res
    return mag * floor_row(D)


@dataclass(frozen=True)
class RowPassRates(ResultMixin):
    """Pass rates of one weight row's coordinate under the exact law.

    Attributes
    ----------
    epsilon : float
        Jitter of :func:`jittered_floor_row` (0: :func:`~theory.encoders.floor_row`).
    skewness, excess_kurtosis : float
        The row's exact :math:`\\gamma_1`, :math:`\\gamma_2`.
    rates : PassRates
    """

    epsilon: float
    skewness: float
    excess_kurtosis: float
    rates: PassRates


@dataclass(frozen=True)
class PassRateCeiling(ResultMixin):
    """The best per-coordinate pass rates of a linear encoder of Binary inputs (:func:`pass_rate_ceiling`).

    Attributes
    ----------
    p : float
    D : int
    lam : float
        :math:`pD`.
    n_samples : int
        Evaluation size n.
    n_columns : int
        Independent columns simulated per row.
    seed : int
    floor : CumulantFloor
        The exact infima at (p, D).
    dp_ceiling, dp_ceiling_se : float
        DP pass rate of the floor row (the ceiling) and its standard error.
    dp_mean_ceiling : float or None
        Mean DP p-value of the floor row.
    dp_asymptotic : float
        :func:`dp_pass_asymptotic` at the floor (leading order in n).
    ad_best, ad_best_se : float
        Best AD pass rate over the rows tried (floor row and jittered rows), and its standard error (the
        maximum of several estimates is biased up by about one standard error).
    ad_best_epsilon : float
        Jitter of that row.
    rows : tuple of RowPassRates
        Every row tried, the floor row first.
    """

    p: float
    D: int
    lam: float
    n_samples: int
    n_columns: int
    seed: int
    floor: CumulantFloor
    dp_ceiling: float
    dp_ceiling_se: float
    dp_mean_ceiling: float | None
    dp_asymptotic: float
    ad_best: float
    ad_best_se: float
    ad_best_epsilon: float
    rows: tuple[RowPassRates, ...]


def _simulate(draw, n: int, m: int) -> PassRates:
    acc = np.zeros(5)
    done = 0
    while done < m:
        b = min(_BLOCK, m - done)
        acc += np.array(_counts(draw(b)), dtype=np.float64)
        done += b
    ad_n, dp_n, n_const, ad_sum, dp_sum = acc
    return _rates(n, m, int(ad_n), int(dp_n), int(n_const), ad_sum, dp_sum)


def pass_rate_ceiling(
    p, D=1024, n_samples=2000, *, n_columns=2000, seed=0, epsilons=(0.1, 0.25, 0.5)
) -> PassRateCeiling:
    """Monte Carlo of the AD and DP pass rates of the best linear encoder coordinates, under the exact law.

    Each column holds ``n_samples`` independent draws of one coordinate :math:`z = w \\cdot x`,
    :math:`x \\sim \\mathrm{Bernoulli}(p)^D`; the floor row is drawn as :math:`K_+ - K_-`, each jittered
    row from its exact lattice law. The DP rate of the floor row is the ceiling (module docstring): to
    leading order in n, no training of a linear encoder can make the expected fraction of its
    coordinates passing DP exceed it. The paper evaluates Table 1 on held-out samples (the project's
    Binary runs: ``n_eval = 2000``).

    Parameters
    ----------
    p : float in (0, 1)
    D : int >= 2
    n_samples : int >= 20
        Evaluation size n.
    n_columns : int >= 1
        Independent columns per row (standard error about :math:`0.5/\\sqrt{m}`).
    seed : int >= 0
    epsilons : sequence of float in (0, 1)
        Jitters of the rows tried beside the floor row (may be empty).

    Returns
    -------
    PassRateCeiling
    """
    floor = cumulant_floor(p, D)
    p, D = floor.p, floor.D
    if D < 2:
        raise ValueError(f"D must be >= 2; got {D}")
    n = as_int(n_samples, "n_samples", low=MIN_SAMPLES)
    m = as_int(n_columns, "n_columns", low=1)
    seed = as_int(seed, "seed", low=0)
    eps = tuple(as_real(e, "epsilons[i]", low=0.0, high=1.0, low_open=True, high_open=True) for e in epsilons)
    seqs = np.random.SeedSequence(seed).spawn(1 + len(eps))
    rng0 = np.random.default_rng(seqs[0])
    half_up, half_down = (D + 1) // 2, D // 2

    def draw_floor(b: int) -> np.ndarray:
        return (rng0.binomial(half_up, p, (n, b)) - rng0.binomial(half_down, p, (n, b))).astype(np.float64)

    cum0 = binary_coordinate_cumulants(floor_row(D), p)
    rows = [RowPassRates(0.0, cum0.skewness, cum0.excess_kurtosis, _simulate(draw_floor, n, m))]
    for e, ss in zip(eps, seqs[1:], strict=True):
        w = jittered_floor_row(D, e)
        law = binary_lattice_law(w, p, step=1e-3)
        rng = np.random.default_rng(ss)
        cum = binary_coordinate_cumulants(w, p)
        rates = _simulate(lambda b, law=law, rng=rng: law.sample(n * b, rng).reshape(n, b), n, m)
        rows.append(RowPassRates(e, cum.skewness, cum.excess_kurtosis, rates))
    best = max(rows, key=lambda r: r.rates.ad_pass)
    fr = rows[0].rates
    return PassRateCeiling(
        p=p, D=D, lam=p * D, n_samples=n, n_columns=m, seed=seed, floor=floor,
        dp_ceiling=fr.dp_pass, dp_ceiling_se=fr.dp_pass_se, dp_mean_ceiling=fr.dp_mean,
        dp_asymptotic=dp_pass_asymptotic(cum0.skewness, cum0.excess_kurtosis, n),
        ad_best=best.rates.ad_pass, ad_best_se=best.rates.ad_pass_se, ad_best_epsilon=best.epsilon,
        rows=tuple(rows),
    )  # fmt: skip
