"""Gaussianity diagnostics for embeddings: the paper's per-coordinate tests, calibrated, and more.

Paper reference: *InfoNCE Induces Gaussian Distribution* (arXiv 2602.24012), Sec. 5 and Table 1
(the diagnostics the paper reports). For embeddings ``Z`` of shape ``(n, d)`` (``n`` samples, ``d``
coordinates) the paper reports

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
- **multivariate normality** in memory ``O(n d)``: Henze-Zirkler (on tiles of the Gram
  matrix, never the ``n x n`` matrix) and Mardia's skewness and kurtosis;
- **sliced Wasserstein-2** distance to the fitted isotropic Gaussian, exact per slice (the Gaussian
  quantile function over the order-statistic cells), beside its law for exactly Gaussian data.

Every test is scale free and rejects a numerically constant column by index
(:func:`constant_columns`). The parts: ``_univariate`` (AD, DP, CV, validation), ``_null``
(calibration), ``_multivariate`` (HZ, Mardia), ``_sliced`` (W2), ``_diagnose`` (the result and
:func:`diagnose`), ``_render`` (the text table), ``_rotations`` (the coordinate statistics over random
rotations of the basis, :func:`rotation_spread`). The quick check of claim ``DIAG`` lives in
:mod:`claims.checks.diagnostics`.
"""

from theory._io import load_matrix
from theory.gaussianity._diagnose import MVN_MAX_ROWS, Diagnosis, ProjectionNormality, diagnose
from theory.gaussianity._multivariate import MultivariateNormality, multivariate_normality
from theory.gaussianity._null import (
    NullPassRates,
    PassCalibration,
    UniformityTest,
    ad_pvalue,
    calibrate_passes,
    null_pass_rates,
)
from theory.gaussianity._render import render_diagnosis
from theory.gaussianity._rotations import RotationSpread, haar_rotation, rotation_spread
from theory.gaussianity._sliced import (
    SlicedWasserstein,
    sliced_wasserstein_gaussian,
    sliced_wasserstein_null,
    wasserstein_gaussian_1d,
)
from theory.gaussianity._univariate import (
    AD_CRITICAL_5,
    CONSTANT_ULPS,
    DP_ALPHA,
    DP_LEVEL,
    MIN_SAMPLES,
    DagostinoPearson,
    _column_stats,
    anderson_darling,
    coefficient_of_variation,
    constant_columns,
    dagostino_pearson,
)

#: Reading files is shared with the other commands: :func:`theory._io.load_matrix`.
load_embeddings = load_matrix

__all__ = [
    "AD_CRITICAL_5",
    "CONSTANT_ULPS",
    "DP_ALPHA",
    "DP_LEVEL",
    "MIN_SAMPLES",
    "MVN_MAX_ROWS",
    "DagostinoPearson",
    "Diagnosis",
    "MultivariateNormality",
    "NullPassRates",
    "PassCalibration",
    "ProjectionNormality",
    "RotationSpread",
    "SlicedWasserstein",
    "UniformityTest",
    "ad_pvalue",
    "anderson_darling",
    "calibrate_passes",
    "coefficient_of_variation",
    "constant_columns",
    "dagostino_pearson",
    "diagnose",
    "haar_rotation",
    "load_embeddings",
    "multivariate_normality",
    "null_pass_rates",
    "render_diagnosis",
    "rotation_spread",
    "sliced_wasserstein_gaussian",
    "sliced_wasserstein_null",
    "wasserstein_gaussian_1d",
]

_PRIVATE_REEXPORTS = (_column_stats,)  # used by claims.checks.diagnostics (the DIAG null study)
