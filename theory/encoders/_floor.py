"""The best a weight row can do: infima of one coordinate's |excess kurtosis| and |skewness| (Binary input).

For :math:`z = w \\cdot x + b`, :math:`x \\sim \\mathrm{Bernoulli}(p)^D` i.i.d. (App. E.1, Binary), the
standardised cumulants depend on the row only through the scale-free ratios
:math:`R_r(w) = \\sum_j w_j^r / (\\sum_j w_j^2)^{r/2}`:

.. math::
    \\gamma_1 = \\frac{1 - 2p}{\\sqrt{pq}}\\, R_3(w), \\qquad
    \\gamma_2 = \\frac{1 - 6pq}{pq}\\, R_4(w), \\qquad q = 1 - p.

The bias shifts the coordinate and changes neither. Everything below is in terms of
:math:`\\lambda = pD`, the mean number of active inputs.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from theory._io import ResultMixin
from theory._validation import as_int, as_real

__all__ = [
    "P_MESOKURTIC",
    "CumulantFloor",
    "cumulant_floor",
    "floor_row",
    "joint_row_ratio",
    "kurtosis_floor",
    "laplace_kurtosis_floor",
    "skewness_floor",
]

#: The sparsity at which a Bernoulli input has zero fourth cumulant, :math:`p(1-p) = 1/6`:
#: :math:`p^* = (1 - 1/\\sqrt{3})/2 \\approx 0.2113` (and :math:`1 - p^*`).
P_MESOKURTIC = (1.0 - 1.0 / math.sqrt(3.0)) / 2.0

#: Largest odd D for which :func:`joint_row_ratio` enumerates (O(D^2) work).
_JOINT_MAX_ODD_D = 20001


def _p_dim(p, D) -> tuple[float, int]:
    p = as_real(p, "p", low=0.0, high=1.0, low_open=True, high_open=True)
    D = as_int(D, "D", low=1)
    return p, D


def kurtosis_floor(p, D) -> float:
    """Infimum over weight rows of one coordinate's :math:`|\\gamma_2|`, :math:`x \\sim \\mathrm{Bern}(p)^D`.

    .. math::
        \\inf_{w \\ne 0} |\\gamma_2(w \\cdot x)| = \\frac{|1 - 6pq|}{pq\\, D}
        = \\frac{|1 - 6p(1-p)|}{(1 - p)\\, \\lambda}, \\qquad \\lambda = pD,

    attained exactly by the rows with :math:`|w_j|` constant (any signs, any bias).

    *Proof.* Cumulants of independent summands add and :math:`\\kappa_r(w_j x_j) = w_j^r \\kappa_r(x_j)`,
    so :math:`\\gamma_2 = \\frac{\\kappa_4}{\\kappa_2^2} = \\frac{1 - 6pq}{pq} R_4(w)` with
    :math:`R_4 = \\sum w^4 / (\\sum w^2)^2`. By Cauchy-Schwarz,
    :math:`(\\sum_j 1 \\cdot w_j^2)^2 \\le D \\sum_j w_j^4`, so :math:`R_4 \\ge 1/D`, with equality iff all
    :math:`w_j^2` are equal. :math:`R_4` is continuous on the unit sphere and equals 1 at a coordinate
    vector, so the attainable :math:`|\\gamma_2|` fill exactly :math:`[\\,|1-6pq|/(pqD),\\ |1-6pq|/(pq)\\,]`.

    *Sign.* :math:`1 - 6pq > 0` for :math:`p < p^* = (1 - 1/\\sqrt 3)/2 \\approx 0.2113` (or
    :math:`p > 1 - p^*`): every row is leptokurtic, and the floor is the smallest *positive* excess
    kurtosis. For :math:`p^* < p < 1 - p^*` every row is platykurtic and the floor is the smallest
    :math:`|\\gamma_2|`. At :math:`p = p^*` every row has :math:`\\gamma_2 = 0` and the floor is 0: the
    fourth cumulant then says nothing, and the skewness floor (:func:`skewness_floor`) and the higher
    cumulants carry the distance to the Gaussian. For the sparse inputs of App. E.1 (:math:`p \\ll p^*`)
    the floor is :math:`\\approx 1/\\lambda`.

    Parameters
    ----------
    p : float in (0, 1)
        :math:`P(x_j = 1)` (the Binary data set's ``sparsity``).
    D : int >= 1
        Input dimension (1024 in App. E.1).

    Returns
    -------
    float
    """
    p, D = _p_dim(p, D)
    pq = p * (1.0 - p)
    return abs(1.0 - 6.0 * pq) / (pq * D)


def skewness_floor(p, D, *, nonnegative: bool = False) -> float:
    """Infimum over weight rows of one coordinate's :math:`|\\gamma_1|`, :math:`x \\sim \\mathrm{Bern}(p)^D`.

    .. math::
        \\inf_{w \\ne 0} |\\gamma_1| = 0 \\ (D \\ge 2), \\qquad
        \\inf_{w \\ge 0,\\, w \\ne 0} |\\gamma_1| = \\frac{|1 - 2p|}{\\sqrt{pq D}}
        = \\frac{|1 - 2p|}{\\sqrt{(1-p)\\lambda}}.

    *Proof.* :math:`\\gamma_1 = \\frac{1-2p}{\\sqrt{pq}} R_3(w)`, :math:`R_3 = \\sum w^3/(\\sum w^2)^{3/2}`.
    With signs allowed, :math:`w = (1, -1, 0, \\dots)` gives :math:`R_3 = 0` (for even :math:`D`, equal
    magnitudes with :math:`D/2` of each sign attain both this and :func:`kurtosis_floor`). For
    :math:`w \\ge 0` the power-mean inequality
    :math:`(\\frac1D\\sum w^3)^{1/3} \\ge (\\frac1D\\sum w^2)^{1/2}` gives :math:`R_3 \\ge D^{-1/2}`,
    with equality at equal weights. For :math:`D = 1` the only row is a multiple of the input:
    :math:`|\\gamma_1| = |1-2p|/\\sqrt{pq}`. At :math:`p = 1/2` every row has :math:`\\gamma_1 = 0`.

    Parameters
    ----------
    p : float in (0, 1)
    D : int >= 1
    nonnegative : bool
        Restrict to rows with :math:`w_j \\ge 0`.

    Returns
    -------
    float
    """
    p, D = _p_dim(p, D)
    if not isinstance(nonnegative, bool):
        raise TypeError(f"nonnegative must be True or False; got {nonnegative!r}")
    base = abs(1.0 - 2.0 * p) / math.sqrt(p * (1.0 - p))
    if nonnegative or D == 1:
        return base / math.sqrt(D)
    return 0.0


def laplace_kurtosis_floor(D) -> float:
    """Infimum over rows of :math:`\\gamma_2` for :math:`x \\sim \\mathrm{Laplace}(0, s)^D`: :math:`3/D`.

    :math:`\\gamma_2 = 3 R_4(w) \\ge 3/D` (Cauchy-Schwarz as in :func:`kurtosis_floor`; the Laplace
    excess kurtosis is 3). At :math:`D = 1024` this is 0.0029: every linear encoder of the Laplace input,
    trained or not, has nearly Gaussian coordinates once its row is spread.

    Parameters
    ----------
    D : int >= 1

    Returns
    -------
    float
    """
    return 3.0 / as_int(D, "D", low=1)


def floor_row(D) -> np.ndarray:
    """The row attaining :func:`kurtosis_floor`: :math:`w_j = \\pm 1`, signs alternating (+, -, +, ...).

    For even :math:`D` it also has :math:`R_3 = 0` (zero skewness) and every odd cumulant 0, and every
    standardised even cumulant :math:`|\\kappa_{2m}(z)|/\\kappa_2^m = |\\kappa_{2m}(x_1)|/(pq)^m \\cdot
    D^{1-m}` at its own infimum (:math:`\\sum w^{2m} / (\\sum w^2)^m \\ge D^{1-m}`, power means): it is
    the row whose coordinate is closest to Gaussian in every cumulant at once. The coordinate is
    :math:`K_+ - K_-` with independent :math:`K_\\pm \\sim \\mathrm{Bin}(\\lceil D/2 \\rceil, p)`,
    :math:`\\mathrm{Bin}(\\lfloor D/2 \\rfloor, p)` (a lattice law).

    Parameters
    ----------
    D : int >= 1

    Returns
    -------
    ndarray, shape (D,)
    """
    D = as_int(D, "D", low=1)
    w = np.ones(D)
    w[1::2] = -1.0
    return w


def joint_row_ratio(D) -> float:
    """:math:`\\min R_4(w)` over rows with :math:`R_3(w) = 0` (zero skewness at every p).

    :math:`1/D` for even :math:`D` (:func:`floor_row`). For odd :math:`D \\ge 3`, exact by enumeration:

    *Proof.* Minimise :math:`\\sum w^4` on :math:`\\{\\sum w^2 = 1, \\sum w^3 = 0\\}` (compact, non-empty for
    :math:`D \\ge 2`). The constraint gradients :math:`2w` and :math:`3w^2` are linearly independent at every
    feasible point (dependence would force all non-zero :math:`w_j` equal, hence :math:`\\sum w^3 \\ne 0`),
    so a minimiser satisfies :math:`4 w_j^3 = 2\\mu w_j + 3\\nu w_j^2`: each :math:`w_j` is 0 or a root of
    one quadratic. :math:`\\sum w^3 = 0` needs both signs, so the minimiser has :math:`n_a` entries
    :math:`a > 0`, :math:`n_b` entries :math:`-b < 0` and zeros, with :math:`n_a a^3 = n_b b^3`; with
    :math:`r = b/a = (n_a/n_b)^{1/3}`,

    .. math::
        R_4 = \\frac{n_a + n_b r^4}{(n_a + n_b r^2)^2},

    minimised over :math:`1 \\le n_a, n_b`, :math:`n_a + n_b \\le D` (:math:`O(D^2)` work). For
    :math:`D = 3, 5, 1025` this gives 0.35121, 0.20366, 9.7561017e-4 against :math:`1/D` = 0.33333, 0.2,
    9.7560976e-4 (in these cases the minimiser uses every input: :math:`n_a + n_b = D`).

    Parameters
    ----------
    D : int >= 2 (odd D at most 20001)

    Returns
    -------
    float
    """
    D = as_int(D, "D", low=2)
    if D % 2 == 0:
        return 1.0 / D
    if D > _JOINT_MAX_ODD_D:
        raise ValueError(f"D must be even or at most {_JOINT_MAX_ODD_D} (O(D^2) enumeration); got {D}")
    best = math.inf
    for na in range(1, D):
        nb = np.arange(1, D - na + 1, dtype=np.float64)
        r2 = (na / nb) ** (2.0 / 3.0)
        best = min(best, float(((na + nb * r2 * r2) / (na + nb * r2) ** 2).min()))
    return best


@dataclass(frozen=True)
class CumulantFloor(ResultMixin):
    """The infima of one Binary-input coordinate's skewness and excess kurtosis at given (p, D).

    Attributes
    ----------
    p : float
        Sparsity :math:`P(x_j = 1)`.
    D : int
        Input dimension.
    lam : float
        :math:`\\lambda = pD`, the mean number of active inputs.
    kurtosis : float
        :func:`kurtosis_floor`, the infimum of :math:`|\\gamma_2|`.
    kurtosis_sign : int
        Sign of :math:`\\gamma_2` shared by every row: +1 (:math:`p < p^*` or :math:`p > 1 - p^*`), -1
        in between, 0 at :math:`p^*` (:math:`|1 - 6pq|` within 16 rounding units of 0).
    skewness : float
        Infimum of :math:`|\\gamma_1|` over all rows (0 for :math:`D \\ge 2`).
    skewness_nonnegative : float
        Infimum of :math:`|\\gamma_1|` over rows :math:`w \\ge 0`.
    joint_kurtosis : float or None
        Infimum of :math:`|\\gamma_2|` over rows with :math:`\\gamma_1 = 0` (equal to ``kurtosis`` for
        even D; :func:`joint_row_ratio` for odd D); ``None`` when no row has zero skewness
        (:math:`D = 1`, :math:`p \\ne 1/2`).
    """

    p: float
    D: int
    lam: float
    kurtosis: float
    kurtosis_sign: int
    skewness: float
    skewness_nonnegative: float
    joint_kurtosis: float | None


def cumulant_floor(p, D) -> CumulantFloor:
    """The skewness and excess-kurtosis infima of a Binary-input coordinate (:class:`CumulantFloor`).

    .. math::
        |\\gamma_2| \\ge \\frac{|1 - 6pq|}{(1-p)\\lambda}, \\qquad
        |\\gamma_1| \\ge 0 \\ \\text{(signed rows)}, \\qquad
        |\\gamma_1| \\ge \\frac{|1 - 2p|}{\\sqrt{(1-p)\\lambda}} \\ \\text{(non-negative rows)}.

    Parameters
    ----------
    p : float in (0, 1)
    D : int >= 1

    Returns
    -------
    CumulantFloor
    """
    p, D = _p_dim(p, D)
    c4 = 1.0 - 6.0 * p * (1.0 - p)
    pq = p * (1.0 - p)
    if D == 1:
        joint = abs(c4) / pq if p == 0.5 else None
    else:
        joint = abs(c4) / pq * joint_row_ratio(D)
    return CumulantFloor(
        p=p,
        D=D,
        lam=p * D,
        kurtosis=kurtosis_floor(p, D),
        kurtosis_sign=0 if abs(c4) <= 16 * np.finfo(float).eps else int(np.sign(c4)),
        skewness=skewness_floor(p, D),
        skewness_nonnegative=skewness_floor(p, D, nonnegative=True),
        joint_kurtosis=joint,
    )
