"""The Diagnosis result and :func:`diagnose`, the user's main door (``python -m theory diagnose``)."""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np

from theory._io import ResultMixin
from theory._validation import as_int, as_matrix, as_rng
from theory.gaussianity._multivariate import MultivariateNormality, multivariate_normality
from theory.gaussianity._null import (
    CAVEAT,
    NullPassRates,
    PassCalibration,
    UniformityTest,
    _check_bool,
    _uniformity,
    calibrate_passes,
    null_pass_rates,
)
from theory.gaussianity._sliced import SlicedWasserstein, sliced_wasserstein_gaussian
from theory.gaussianity._univariate import (
    AD_CRITICAL_5,
    DP_LEVEL,
    MIN_SAMPLES,
    _as_samples,
    _column_stats,
    _constant_columns,
    _input_dtype,
    _pow2_scaled,
    _raise_constant,
    coefficient_of_variation,
)


@dataclass(frozen=True, eq=False)
class ProjectionNormality(ResultMixin):
    """The per-column statistics on random unit directions :math:`\\theta_k \\sim \\sigma`.

    Attributes
    ----------
    directions : ndarray, shape (n_projections, d)
        Unit vectors; the tested columns are ``Z @ directions.T``.
    ad : ndarray, shape (n_projections,)
        Anderson-Darling statistic per direction.
    dp_pvalue : ndarray, shape (n_projections,)
        D'Agostino-Pearson p-value per direction.
    ad_mean, ad_pass, dp_mean, dp_pass : float
        As in :class:`Diagnosis`.
    ad_calibration, dp_calibration : PassCalibration or None
        Pass counts against the null (``None`` without extras).
    dp_uniformity : UniformityTest or None
        KS test of the DP p-values against U(0, 1).
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
class Diagnosis(ResultMixin):
    """Result of :func:`diagnose`.

    Attributes
    ----------
    n : int
        Samples.
    d : int
        Coordinates.
    normalized : bool
        Whether rows were mapped to the unit sphere before the tests.
    cv : float
        Coefficient of variation of the row norms of the *input* (before any normalisation),
        ``ddof = 0`` (:func:`coefficient_of_variation`).
    ad : ndarray, shape (d,)
        Anderson-Darling statistic per coordinate.
    dp_statistic : ndarray, shape (d,)
        D'Agostino-Pearson :math:`K^2` per coordinate.
    dp_pvalue : ndarray, shape (d,)
        D'Agostino-Pearson p-value per coordinate.
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
        Pass counts against the null.
    dp_uniformity : UniformityTest or None
        KS test of the per-coordinate DP p-values against U(0, 1).
    projections : ProjectionNormality or None
        The same tests on random unit directions (``n_projections > 0``).
    multivariate : MultivariateNormality or None
        Henze-Zirkler and Mardia (skipped with a note when not applicable).
    sliced_wasserstein : SlicedWasserstein or None
        Exact sliced W2 to the fitted isotropic Gaussian, with its null law.
    notes : tuple of str
        Skipped parts, rows that could not be normalised, and caveats.
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

    def table(self) -> str:
        """A readable multi-line summary (also ``str(result)``): only what was computed."""
        from theory.gaussianity._render import render_diagnosis

        return render_diagnosis(self)

    def __str__(self) -> str:
        return self.table()


def _univariate(X: np.ndarray, null: NullPassRates | None, extras: bool):
    ad, k2, p = _column_stats(X)
    ad_pass_n = int(np.count_nonzero(ad < AD_CRITICAL_5))
    dp_pass_n = int(np.count_nonzero(p > DP_LEVEL))
    cal_ad = cal_dp = unif = None
    if extras and null is not None:
        cal_ad = calibrate_passes(ad_pass_n, ad.size, null.ad, null_se=null.ad_se, test="AD")
        cal_dp = calibrate_passes(dp_pass_n, p.size, null.dp, null_se=null.dp_se, test="DP")
        unif = _uniformity(p)
    return ad, k2, p, ad_pass_n / ad.size, dp_pass_n / p.size, cal_ad, cal_dp, unif


def _shown(idx: np.ndarray) -> str:
    return ", ".join(str(j) for j in idx[:10]) + (", ..." if idx.size > 10 else "")


MVN_MAX_ROWS = 10_000
"""Default row budget of the Henze-Zirkler / Mardia tests in :func:`diagnose` (their cost grows as n^2 d)."""


def diagnose(
    Z,
    *,
    normalize: bool = False,
    n_projections: int = 0,
    seed=None,
    extras: bool = True,
    null: str = "asymptotic",
    null_samples: int = 20_000,
    sw_projections: int = 64,
    sw_null: int = 8,
    block_rows: int | None = None,
    mvn_max_rows: int | None = MVN_MAX_ROWS,
    null_reps: int | None = None,
    sw_floor: int | None = None,
) -> Diagnosis:
    """The paper's Gaussianity diagnostics of embeddings, calibrated, with extra tests.

    The paper's numbers (arXiv 2602.24012, Sec. 5, Tables 1-2), reproduced exactly:

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
    (:func:`multivariate_normality`, skipped with a note when ``n <= d + 3``, ``d < 2`` or the
    covariance is singular) and the exact sliced W2 distance with its null law
    (:func:`sliced_wasserstein_gaussian`) are added.

    A numerically constant coordinate (:func:`constant_columns`: range within 64 units in the last
    place at the input's precision, at any scale and ``n``) is an error naming its index: the
    normality of a constant is undefined, and silently dropping it would change the paper's
    averages over ``d``. Everything is scale free (exact power-of-two rescaling): data scaled by
    ``1e300`` gives the numbers of the unscaled data.

    Parameters
    ----------
    Z : array_like, shape (n, d)
        Embeddings in rows (float32 accepted; computed in float64); ``n >= 20``, ``d >= 1``,
        finite, no numerically constant coordinate.
    normalize : bool
        Map rows to the unit sphere first (:func:`theory.sphere.project`; the paper's
        "normalised" columns of Table 2). The CV is always that of the input. Zero rows (or rows
        whose norm underflows) cannot be normalised: ``project`` maps them to ``e_1``, and a note
        names them.
    n_projections : int
        Number of random unit directions (seeded) on which the per-column tests are repeated.
    seed : None, int or numpy.random.Generator
        Randomness of the projections and of the sliced-W2 directions.
    extras : bool
        Calibration, multivariate tests and sliced W2 (``False``: the paper's statistics only).
    null : {"asymptotic", "mc"}
        How the null pass probabilities are computed (:func:`null_pass_rates`).
    null_samples : int
        Monte Carlo columns when ``null="mc"``.
    sw_projections : int
        Slices of the sliced W2 distance.
    sw_null : int
        Replicates of its null simulation (fixed seed, cached per ``(n, d, sw_projections, sw_null)``).
    block_rows : int, optional
        Gram tile rows of the multivariate tests.
    mvn_max_rows : int, optional
        Run the multivariate tests (time ``O(n^2 d)``) on a seeded random subset of this many rows
        when ``n`` is larger (a note says so); default :data:`MVN_MAX_ROWS` (10,000), which keeps a
        50k x 256 diagnosis within seconds; ``None``: all rows (exact; about n^2 d / 2 multiply-adds,
        ~13 s of one core at 50k x 256). The per-coordinate statistics always use every row.
    null_reps, sw_floor : int, optional
        Deprecated names of ``null_samples`` and ``sw_null``.

    Returns
    -------
    Diagnosis
    """
    if null_reps is not None:
        warnings.warn("diagnose(null_reps=...) is deprecated; use null_samples", DeprecationWarning, 2)
        null_samples = null_reps
    if sw_floor is not None:
        warnings.warn("diagnose(sw_floor=...) is deprecated; use sw_null", DeprecationWarning, 2)
        sw_null = sw_floor
    precision = _input_dtype(Z)
    Z = as_matrix(Z, "Z", min_rows=MIN_SAMPLES, min_cols=1)
    normalize = _check_bool(normalize, "normalize")
    extras = _check_bool(extras, "extras")
    n_projections = as_int(n_projections, "n_projections", low=0)
    if not isinstance(null, str) or null not in ("asymptotic", "mc"):
        raise ValueError(f"null must be 'asymptotic' or 'mc'; got {null!r}")
    if extras:
        null_samples = as_int(null_samples, "null_samples", low=100)
        sw_projections = as_int(sw_projections, "sw_projections", low=1)
        sw_null = as_int(sw_null, "sw_null", low=2)
        if block_rows is not None:  # validated here: a ValueError inside the tests becomes a note
            block_rows = as_int(block_rows, "block_rows", low=1)
        if mvn_max_rows is not None:
            mvn_max_rows = as_int(mvn_max_rows, "mvn_max_rows", low=MIN_SAMPLES)
    # independent child streams: draws never coincide with data made with the same integer seed
    proj_rng, sw_rng, mvn_rng = as_rng(seed).spawn(3)
    n, d = Z.shape
    notes: list[str] = []
    if not normalize:  # at the input's scale and precision (normalised data is checked below)
        Z = _as_samples(Z, precision=precision)
    cv = coefficient_of_variation(Z)
    Z_sw = Z  # the sliced W2 is reported in the units of the input (it rescales internally)
    # one exact power-of-two rescaling: nothing below overflows, and the statistics are unchanged
    Z, _ = _pow2_scaled(Z)
    if normalize:
        from theory.sphere import project

        norms = np.sqrt(np.einsum("ij,ij->i", Z, Z))
        zero = np.flatnonzero(norms <= np.finfo(np.float64).tiny)
        if zero.size:
            notes.append(
                f"{zero.size} zero row(s) (rows {_shown(zero)}) cannot be normalised; theory.sphere.project "
                "maps them to e_1"
            )
        Z = Z_sw = project(Z)
        const = _constant_columns(Z, precision)
        if const.size:
            _raise_constant(const, "Z (rows normalised)")
    null_rates = None
    if extras:
        null_rates = null_pass_rates(n, method=null, n_samples=null_samples, progress=True)
    ad, k2, p, ad_pass, dp_pass, cal_ad, cal_dp, unif = _univariate(Z, null_rates, extras)
    ad_mean, dp_mean = float(ad.mean()), float(p.mean())

    proj = None
    if n_projections:
        from theory.sphere import sample_uniform

        theta = sample_uniform(n_projections, d, seed=proj_rng)
        Zp = Z @ theta.T
        const = _constant_columns(Zp, np.float64)
        if const.size:
            _raise_constant(const, "Z @ directions.T", what="projection")
        pad, _, pp, pad_pass, pdp_pass, pcal_ad, pcal_dp, punif = _univariate(Zp, null_rates, extras)
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
        notes.append(CAVEAT)
        if d < 2:
            notes.append("multivariate tests skipped: d = 1 (the per-coordinate tests already cover it)")
        elif n <= d + 3:
            notes.append(f"multivariate tests skipped: n = {n} <= d + 3 = {d + 3}")
        else:
            Zm = Z
            if mvn_max_rows is not None and n > mvn_max_rows:
                Zm = Z[np.sort(mvn_rng.choice(n, size=mvn_max_rows, replace=False))]
                notes.append(f"multivariate tests on a random subset of {mvn_max_rows} of the {n} rows")
            try:
                mvn = multivariate_normality(Zm, block_rows=block_rows)
            except ValueError as exc:
                notes.append(f"multivariate tests skipped: {exc}")
            if mvn is not None and d > 100:
                notes.append(
                    "Henze-Zirkler has little power at d > ~100 (it missed Laplace data at d = 130-256): "
                    "read Mardia's tests and the sliced W2"
                )
        sw = sliced_wasserstein_gaussian(Z_sw, n_projections=sw_projections, n_null=sw_null, seed=sw_rng)
        if null_rates is not None and null_rates.method == "asymptotic":
            notes.append("null pass rates: AD by Stephens' finite-n approximation, DP nominal 0.95")
    return Diagnosis(
        n=n,
        d=d,
        normalized=normalize,
        cv=cv,
        ad=ad,
        dp_statistic=k2,
        dp_pvalue=p,
        ad_mean=ad_mean,
        ad_pass=ad_pass,
        dp_mean=dp_mean,
        dp_pass=dp_pass,
        gaussian=bool(ad_mean < AD_CRITICAL_5 and dp_mean > DP_LEVEL),
        null=null_rates,
        ad_calibration=cal_ad,
        dp_calibration=cal_dp,
        dp_uniformity=unif,
        projections=proj,
        multivariate=mvn,
        sliced_wasserstein=sw,
        notes=tuple(notes),
    )
