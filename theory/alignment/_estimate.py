"""The bound of Proposition 1 and estimators of both of its sides from pairs of representations."""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np

from theory._io import ResultMixin
from theory._validation import as_real_array, as_unit_rows, check_real


def alignment_bound(eta2, mean_sq_norm=0.0):
    """Right-hand side of Proposition 1.

    .. math::
        B(\\eta^2, \\lVert m \\rVert^2) = \\eta^2 + (1 - \\eta^2) \\lVert m \\rVert^2
        \\quad \\text{(arXiv 2602.24012, Prop. 1, Eq. 5)}.

    Parameters
    ----------
    eta2 : float or array_like
        eta^2 = rho_m(X, X0)^2 in [0, 1].
    mean_sq_norm : float or array_like
        ||m(mu)||^2 in [0, 1] (0 for a centered law, e.g. the uniform law sigma).

    Returns
    -------
    float or ndarray
        Broadcast shape of the inputs (a float for scalar inputs).
    """
    e = as_real_array(eta2, "eta2", low=0.0, high=1.0)
    m = as_real_array(mean_sq_norm, "mean_sq_norm", low=0.0, high=1.0)
    try:
        np.broadcast_shapes(e.shape, m.shape)
    except ValueError:
        raise ValueError(
            f"eta2 and mean_sq_norm must broadcast together; got shapes {e.shape} and {m.shape}"
        ) from None
    out = e + (1.0 - e) * m
    return float(out) if out.ndim == 0 else out


@dataclass(frozen=True)
class MeanSqNormEstimate(ResultMixin):
    """Unbiased estimate of ||m||^2 = ||E u||^2 (a U-statistic) with its jackknife standard error.

    Attributes
    ----------
    value : float
        The U-statistic (unbiased; may be slightly negative when ||m||^2 is near 0).
    se : float
        Jackknife standard error.
    n_samples : int
        Number of rows (samples of the representation, or pairs) used.
    """

    value: float
    se: float
    n_samples: int

    @property
    def n(self) -> int:
        """Deprecated alias of ``n_samples``."""
        warnings.warn("MeanSqNormEstimate.n is deprecated; use n_samples", DeprecationWarning, stacklevel=2)
        return self.n_samples


@dataclass(frozen=True)
class AlignmentEstimate(ResultMixin):
    """Both sides of Proposition 1 estimated from N positive pairs.

    Attributes
    ----------
    alignment : float
        Mean of u_i . v_i.
    alignment_se : float
        Its standard error.
    mean_sq_norm : float
        Unbiased U-statistic for ||m||^2.
    mean_sq_norm_se : float
        Its jackknife standard error.
    eta2 : float or None
        The eta^2 used for the bound (None: no bound, ``bound``, ``slack`` and ``slack_se`` are None).
    bound : float or None
        eta2 + (1 - eta2) ||m||^2, with the estimate of ||m||^2 clipped to [0, 1].
    slack : float or None
        eta2 + (1 - eta2) ||m||^2 - alignment with the unclipped, unbiased estimate (>= 0 in expectation
        under Prop. 1).
    slack_se : float or None
        Jackknife standard error of the slack (both sides are estimated on the same pairs).
    n_samples : int
        Number of pairs N.
    note : str
        Why fields are None (no eta2 given), else empty.
    """

    alignment: float
    alignment_se: float
    mean_sq_norm: float
    mean_sq_norm_se: float
    eta2: float | None
    bound: float | None
    slack: float | None
    slack_se: float | None
    n_samples: int
    note: str = ""

    @property
    def n(self) -> int:
        """Deprecated alias of ``n_samples``."""
        warnings.warn("AlignmentEstimate.n is deprecated; use n_samples", DeprecationWarning, stacklevel=2)
        return self.n_samples


def _jackknife_mean_sq_norm(W: np.ndarray) -> tuple[float, np.ndarray]:
    """U-statistic for ||E w||^2 (mean over i != j of w_i . w_j) and its leave-one-out values."""
    N = W.shape[0]
    S = W.sum(axis=0)
    q = np.einsum("ij,ij->i", W, W)
    Q = q.sum()
    U = (float(S @ S) - Q) / (N * (N - 1))
    Sm = S[None, :] - W  # leave-one-out sums
    loo = (np.einsum("ij,ij->i", Sm, Sm) - (Q - q)) / ((N - 1) * (N - 2))
    return float(U), loo


def _pair(u, v) -> tuple[np.ndarray, np.ndarray]:
    U = as_unit_rows(u, "u", min_rows=3)
    V = as_unit_rows(v, "v", min_rows=3)
    if V.shape != U.shape:
        raise ValueError(f"u and v must have the same shape; got {U.shape} and {V.shape}")
    return U, V


def estimate_mean_sq_norm(u, v=None) -> MeanSqNormEstimate:
    """Unbiased estimate of ||m||^2 from samples of the representation.

    .. math::
        \\widehat{\\lVert m \\rVert^2} = \\frac{1}{N (N - 1)} \\sum_{i \\ne j} w_i \\cdot w_j
        = \\frac{\\lVert \\sum_i w_i \\rVert^2 - \\sum_i \\lVert w_i \\rVert^2}{N (N - 1)},

    with w_i = u_i, or w_i = (u_i + v_i)/2 when the positive partners v_i are given (u and v have the
    same law mu, and w_i, w_j are independent for i != j, so the estimate stays unbiased). The plug-in
    ||mean u||^2 would be biased up by (1 - ||m||^2)/N. Standard error: jackknife (closed form).

    Parameters
    ----------
    u : array_like, shape (N, d)
        Unit rows (tolerance 1e-5, float32 accepted; renormalized in float64), N >= 3.
    v : array_like, shape (N, d), optional
        Partners of u (unit rows).

    Returns
    -------
    MeanSqNormEstimate
    """
    if v is not None:
        U, V = _pair(u, v)
        W = 0.5 * (U + V)
    else:
        W = as_unit_rows(u, "u", min_rows=3)
    val, loo = _jackknife_mean_sq_norm(W)
    N = W.shape[0]
    se = math.sqrt((N - 1) / N * float(np.sum((loo - loo.mean()) ** 2)))
    return MeanSqNormEstimate(val, se, N)


def estimate_alignment(u, v, eta2: float | None = None) -> AlignmentEstimate:
    """Estimate both sides of Proposition 1 from N positive pairs (u_i, v_i).

    .. math::
        \\widehat{E[u\\cdot v]} = \\frac1N \\sum_i u_i \\cdot v_i, \\qquad
        \\widehat{\\text{slack}} = \\eta^2 + (1 - \\eta^2)\\widehat{\\lVert m \\rVert^2}
        - \\widehat{E[u\\cdot v]} \\ \\ (\\ge 0 \\text{ by arXiv 2602.24012, Prop. 1, Eq. 5}).

    Parameters
    ----------
    u, v : array_like, shape (N, d)
        Normalized representations of the two views of N independent base samples (unit rows,
        tolerance 1e-5, float32 accepted), N >= 3.
    eta2 : float, optional
        eta^2 of the channel in [0, 1] (e.g. from :mod:`theory.hgr`); without it bound and slack are None.

    Returns
    -------
    AlignmentEstimate
    """
    U, V = _pair(u, v)
    if eta2 is not None:
        eta2 = check_real(eta2, "eta2", low=0.0, high=1.0)
    N = U.shape[0]
    a_i = np.einsum("ij,ij->i", U, V)
    a = float(a_i.mean())
    a_se = float(a_i.std(ddof=1) / math.sqrt(N))
    m2, loo_m = _jackknife_mean_sq_norm(0.5 * (U + V))
    m2_se = math.sqrt((N - 1) / N * float(np.sum((loo_m - loo_m.mean()) ** 2)))
    if eta2 is None:
        return AlignmentEstimate(
            a, a_se, m2, m2_se, None, None, None, None, N, note="no eta2 given: no bound, no slack"
        )
    bound = alignment_bound(eta2, min(max(m2, 0.0), 1.0))
    slack = eta2 + (1 - eta2) * m2 - a
    loo_a = (a * N - a_i) / (N - 1)
    loo_s = eta2 + (1 - eta2) * loo_m - loo_a
    s_se = math.sqrt((N - 1) / N * float(np.sum((loo_s - loo_s.mean()) ** 2)))
    return AlignmentEstimate(a, a_se, m2, m2_se, eta2, bound, slack, s_se, N)
