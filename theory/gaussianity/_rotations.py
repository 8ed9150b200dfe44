"""Coordinate-wise tests in a rotated basis: Haar rotations and the spread of the pass rates over them.

InfoNCE sees the embeddings only through inner products :math:`u \\cdot v`, so any rotation
:math:`Q \\in O(d)` of an encoder's output leaves its loss unchanged; a per-coordinate test, however,
depends on the basis. :func:`rotation_spread` applies random rotations to the embeddings and records,
for each, the paper's coordinate statistics (AD / DP means and pass rates) and both verdict rules:
the spread over rotations is how much of a coordinate-wise reading belongs to the basis.

For a Gaussian law :math:`N(m, \\Sigma)` every basis gives Gaussian coordinates, so the pass rates
stay near the null rate (about 0.95) in every rotation; a pass rate that moves with the basis shows a
law that is not jointly Gaussian, and a pass rate that is high only after mixing (a random rotation
averages many coordinates, a central-limit effect; Diaconis and Freedman 1984) says little about the
joint law, which the basis-free tests (Henze-Zirkler, sliced W2, random projections in
:func:`~theory.gaussianity.diagnose`) address.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from theory._io import ResultMixin
from theory._validation import as_matrix, as_rng, check_int, check_real
from theory.gaussianity._univariate import AD_CRITICAL_5, DP_LEVEL, MIN_SAMPLES, _column_stats

__all__ = ["RotationSpread", "haar_rotation", "rotation_spread"]


def haar_rotation(d, seed=None) -> np.ndarray:
    """A Haar-distributed orthogonal matrix (Mezzadri 2007).

    .. math::
        G = Q R \\ (G_{ij} \\sim N(0, 1)), \\qquad Q_{\\mathrm{Haar}} = Q \\operatorname{diag}
        (\\operatorname{sign} R_{ii}),

    the sign correction making the law invariant under left and right multiplication by :math:`O(d)`.

    Parameters
    ----------
    d : int
        Dimension, ``>= 1``.
    seed : None, int or numpy.random.Generator

    Returns
    -------
    ndarray, shape (d, d)
        Orthogonal: :math:`Q^\\top Q = I_d`.
    """
    d = check_int(d, "d", low=1)
    rng = as_rng(seed)
    G = rng.standard_normal((d, d))
    Q, R = np.linalg.qr(G)
    s = np.sign(np.diag(R))
    s[s == 0] = 1.0
    return Q * s


@dataclass(frozen=True, eq=False)
class RotationSpread(ResultMixin):
    """The paper's coordinate statistics of ``Z Q`` over random rotations ``Q`` (:func:`rotation_spread`).

    Attributes
    ----------
    n, d, n_rotations : int
    ad_mean, ad_pass, dp_mean, dp_pass : ndarray, shape (n_rotations,)
        Per rotation: mean AD, fraction with AD < 0.752, mean DP p-value, fraction with p > 0.05.
    identity : dict
        The same four numbers in the given basis (``Q = I``).
    paper_rule : float
        Fraction of rotations passing the paper's rule (AD mean < 0.752 and DP mean > 0.05).
    our_rule : float
        Fraction passing ours (the paper's and at least ``min_pass`` of the coordinates passing each).
    min_pass : float
    quantiles : dict
        Per statistic, its (0, 0.1, 0.5, 0.9, 1) quantiles over rotations.
    seed : int or None
    """

    n: int
    d: int
    n_rotations: int
    ad_mean: np.ndarray
    ad_pass: np.ndarray
    dp_mean: np.ndarray
    dp_pass: np.ndarray
    identity: dict
    paper_rule: float
    our_rule: float
    min_pass: float
    quantiles: dict
    seed: int | None


def _stats(X: np.ndarray) -> tuple[float, float, float, float]:
    ad, _, p = _column_stats(X)
    return float(ad.mean()), float(np.mean(ad < AD_CRITICAL_5)), float(p.mean()), float(np.mean(p > DP_LEVEL))


def rotation_spread(Z, *, n_rotations: int = 32, seed=0, min_pass: float = 0.8) -> RotationSpread:
    """Coordinate statistics of ``Z Q`` for ``n_rotations`` Haar rotations ``Q`` (and of ``Z`` itself).

    .. math::
        \\mathrm{AD}(Q) = \\frac1d \\sum_j A^2\\big((ZQ)_{\\cdot j}\\big), \\quad
        \\mathrm{AD\\ pass}(Q) = \\frac1d \\#\\{j : A^2_j < 0.752\\}, \\quad
        \\mathrm{DP}(Q),\\ \\mathrm{DP\\ pass}(Q) \\text{ likewise.}

    Parameters
    ----------
    Z : array_like, shape (n, d)
        Embeddings in rows (unnormalised or not: the rotation keeps every norm); ``n >= 20``, finite.
    n_rotations : int
        Rotations drawn, ``>= 1``.
    seed : None, int or numpy.random.Generator
    min_pass : float in [0, 1]
        Coordinate fraction of our rule.

    Returns
    -------
    RotationSpread
    """
    Z = as_matrix(Z, "Z", min_rows=MIN_SAMPLES)
    n_rotations = check_int(n_rotations, "n_rotations", low=1)
    min_pass = check_real(min_pass, "min_pass", low=0.0, high=1.0)
    rng = as_rng(seed)
    n, d = Z.shape
    sd = Z.std(axis=0)
    if np.any(sd == 0):
        raise ValueError(
            f"Z has constant column(s) {np.flatnonzero(sd == 0)[:10].tolist()}; rotate a law with spread"
        )
    base = _stats(Z)
    rows = np.array([_stats(Z @ haar_rotation(d, rng)) for _ in range(n_rotations)])
    ad_mean, ad_pass, dp_mean, dp_pass = rows.T
    paper = (ad_mean < AD_CRITICAL_5) & (dp_mean > DP_LEVEL)
    ours = paper & (ad_pass >= min_pass) & (dp_pass >= min_pass)
    qs = (0.0, 0.1, 0.5, 0.9, 1.0)
    quant = {
        name: dict(zip(("min", "q10", "median", "q90", "max"), np.quantile(v, qs).tolist(), strict=True))
        for name, v in (
            ("ad_mean", ad_mean),
            ("ad_pass", ad_pass),
            ("dp_mean", dp_mean),
            ("dp_pass", dp_pass),
        )
    }
    return RotationSpread(
        n=n,
        d=d,
        n_rotations=n_rotations,
        ad_mean=ad_mean,
        ad_pass=ad_pass,
        dp_mean=dp_mean,
        dp_pass=dp_pass,
        identity=dict(zip(("ad_mean", "ad_pass", "dp_mean", "dp_pass"), base, strict=True)),
        paper_rule=float(paper.mean()),
        our_rule=float(ours.mean()),
        min_pass=min_pass,
        quantiles=quant,
        seed=seed if isinstance(seed, int) else None,
    )
