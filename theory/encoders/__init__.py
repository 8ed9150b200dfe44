"""The exact law of a linear encoder's coordinates on the paper's synthetic inputs (App. E.1).

For :math:`z = W x + b` with :math:`x` Binary (i.i.d. Bernoulli(p) in :math:`\\{0,1\\}^D`), Laplace or a
Gaussian mixture, this package gives what any linear encoder, trained or not, *can* look like, so that
the Table 1 rows can be held against it:

- ``_cumulants``: the cumulants (mean, variance, skewness, excess kurtosis) of one coordinate given its
  weight row, for the three inputs; the exact CDF of the GMM coordinate;
- ``_law``: the exact law of a Binary coordinate (enumeration; lattice convolution with rigorous CDF
  bounds);
- ``_floor``: the infima over weight rows of :math:`|\\gamma_2|` (:func:`kurtosis_floor`) and of
  :math:`|\\gamma_1|`, in terms of :math:`\\lambda = pD`, and the row attaining them;
- ``_ceiling``: the Anderson-Darling and D'Agostino-Pearson pass rates that row reaches at the evaluation
  size (Monte Carlo under the exact law): the ceiling of a linear encoder's coordinate-wise DP pass rate
  (to leading order in n) and the best AD rate found;
- ``_norms``: :math:`E\\lVert z\\rVert^2` and :math:`\\operatorname{Var}\\lVert z\\rVert^2` given the
  number of active inputs, the CV at initialisation and the bias-free CV floor; ``_calibration``: the
  sparsity an epoch-0 CV fixes;
- ``_encoder``: Monte Carlo of a randomly initialised linear encoder, diagnosed as in Table 1.
"""

from theory.encoders._calibration import SparsityCalibration, calibrate_sparsity
from theory.encoders._ceiling import (
    PassRateCeiling,
    PassRates,
    RowPassRates,
    dp_pass_asymptotic,
    jittered_floor_row,
    pass_rate_ceiling,
    pass_rates,
)
from theory.encoders._cumulants import (
    CoordinateCumulants,
    RowsCumulants,
    bernoulli_cumulants,
    binary_coordinate_cumulants,
    binary_rows_cumulants,
    gmm_coordinate_cdf,
    gmm_coordinate_cumulants,
    gmm_means,
    laplace_coordinate_cumulants,
    laplace_cumulants,
)
from theory.encoders._encoder import EncoderSimulation, simulate_linear_encoder
from theory.encoders._floor import (
    P_MESOKURTIC,
    CumulantFloor,
    cumulant_floor,
    floor_row,
    joint_row_ratio,
    kurtosis_floor,
    laplace_kurtosis_floor,
    skewness_floor,
)
from theory.encoders._law import DiscreteLaw, LatticeLaw, binary_coordinate_law, binary_lattice_law
from theory.encoders._norms import EntryLaw, NormCV, binary_norm_cv, cv_floor, norm_moments_given_k

__all__ = [
    "P_MESOKURTIC",
    "CoordinateCumulants",
    "CumulantFloor",
    "DiscreteLaw",
    "EncoderSimulation",
    "EntryLaw",
    "LatticeLaw",
    "NormCV",
    "PassRateCeiling",
    "PassRates",
    "RowPassRates",
    "RowsCumulants",
    "SparsityCalibration",
    "bernoulli_cumulants",
    "binary_coordinate_cumulants",
    "binary_coordinate_law",
    "binary_lattice_law",
    "binary_norm_cv",
    "binary_rows_cumulants",
    "calibrate_sparsity",
    "cumulant_floor",
    "cv_floor",
    "dp_pass_asymptotic",
    "floor_row",
    "gmm_coordinate_cdf",
    "gmm_coordinate_cumulants",
    "gmm_means",
    "jittered_floor_row",
    "joint_row_ratio",
    "kurtosis_floor",
    "laplace_coordinate_cumulants",
    "laplace_cumulants",
    "laplace_kurtosis_floor",
    "norm_moments_given_k",
    "pass_rate_ceiling",
    "pass_rates",
    "simulate_linear_encoder",
    "skewness_floor",
]
