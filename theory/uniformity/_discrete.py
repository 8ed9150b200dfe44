"""Phi of a discrete measure and its estimate from a sample (part of :mod:`theory.uniformity`)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import special as sp

from theory._io import ResultMixin
from theory._validation import as_unit_rows, as_vector
from theory.special import _check_conc

__all__ = ["PhiEstimate", "phi", "phi_estimate"]

_BLOCK = 1024


def _check_alpha(alpha, name: str = "alpha") -> float:
    return _check_conc(alpha, name)


def phi(points, alpha: float, weights=None) -> float:
    """Phi of the discrete probability measure with atoms ``points`` (self-pairs included).

    .. math::
        \\Phi(\\mu) = \\sum_i w_i \\log \\sum_j w_j e^{\\alpha x_i^\\top x_j},
        \\qquad \\mu = \\sum_i w_i \\delta_{x_i}

    (the paper's definition of Phi applied to a discrete :math:`\\mu`; the ``j = i`` term is part of it).
    Log-sum-exp in blocks, so ``alpha`` up to ``1e3`` and ``N`` in the tens of thousands are fine.

    Parameters
    ----------
    points : array_like, shape (N, d)
        Atoms on the unit sphere (rows of norm 1 up to ``1e-5``; renormalised).
    alpha : float
        Inverse temperature ``alpha = 1/tau >= 0``.
    weights : array_like, shape (N,), optional
        Non-negative weights with positive sum (normalised); default uniform ``1/N``.

    Returns
    -------
    float
    """
    x = as_unit_rows(points, "points")
    alpha = _check_alpha(alpha)
    n = x.shape[0]
    if weights is None:
        w = np.full(n, 1.0 / n)
    else:
        w = as_vector(weights, "weights")
        if w.shape[0] != n:
            raise ValueError(f"weights must have shape ({n},) to match points; got {w.shape}")
        if np.any(w < 0) or w.sum() <= 0:
            raise ValueError(
                f"weights must be non-negative with a positive sum; got min {w.min()}, sum {w.sum()}"
            )
        w = w / w.sum()
    keep = w > 0
    x, w = x[keep], w[keep]
    logw = np.log(w)
    total = 0.0
    for s in range(0, x.shape[0], _BLOCK):
        g = alpha * (x[s : s + _BLOCK] @ x.T) + logw[None, :]
        total += float(w[s : s + _BLOCK] @ sp.logsumexp(g, axis=1))
    return total


@dataclass(frozen=True)
class PhiEstimate(ResultMixin):
    """An estimate of Phi(mu) from a sample of mu.

    Attributes
    ----------
    value : float
        Jackknife bias-corrected estimate.
    se : float
        Standard error (jackknife).
    plugin : float
        Plug-in estimate with self-pairs excluded (bias O(1/N)).
    n_samples : int
        Sample size.
    method : str
        How the estimate was obtained.
    """

    value: float
    se: float
    plugin: float
    n_samples: int
    method: str = "leave-one-out jackknife over the sample (self-pairs excluded)"

    @property
    def n(self) -> int:
        """Deprecated: the sample size is :attr:`n_samples`."""
        import warnings

        warnings.warn("PhiEstimate.n is deprecated; use n_samples", DeprecationWarning, stacklevel=2)
        return self.n_samples


def phi_estimate(samples, alpha: float) -> PhiEstimate:
    """Estimate Phi(mu) from an i.i.d. sample of mu, self-pairs excluded, with a jackknife SE.

    .. math::
        \\hat\\Phi = \\frac1N \\sum_i \\log \\frac{1}{N-1}\\sum_{j\\ne i} e^{\\alpha u_i^\\top u_j},
        \\qquad \\hat\\Phi_{\\rm J} = N\\hat\\Phi - (N-1)\\overline{\\hat\\Phi_{(-k)}},\\qquad
        \\widehat{\\rm SE}^2 = \\frac{N-1}{N}\\sum_k
        \\big(\\hat\\Phi_{(-k)} - \\overline{\\hat\\Phi_{(-k)}}\\big)^2,

    where :math:`\\hat\\Phi_{(-k)}` is the plug-in on the sample without point ``k``. Keeping the
    self-pairs would add a bias of order :math:`e^{\\alpha}/N`; excluding them leaves the Jensen bias
    :math:`O(1/N)` of the log, which the jackknife removes to first order. All leave-one-out values
    are obtained in :math:`O(N^2 d)` from the row log-sums (the largest term of each row is removed
    exactly, the others through ``log1p``).

    Parameters
    ----------
    samples : array_like, shape (N, d)
        Points on the unit sphere, ``N >= 3``.
    alpha : float
        Inverse temperature, ``0 <= alpha <= KAPPA_MAX``.

    Returns
    -------
    PhiEstimate
    """
    x = as_unit_rows(samples, "samples")
    alpha = _check_alpha(alpha)
    n = x.shape[0]
    if n < 3:
        raise ValueError(f"samples must have at least 3 rows for the jackknife; got N = {n}")
    log_s = np.empty(n)
    log_s_wo_max = np.empty(n)
    argmax = np.empty(n, dtype=np.int64)
    # first pass: row log-sums without the diagonal
    for s in range(0, n, _BLOCK):
        rows = np.arange(s, min(n, s + _BLOCK))
        g = alpha * (x[rows] @ x.T)
        g[np.arange(rows.size), rows] = -np.inf
        log_s[rows] = sp.logsumexp(g, axis=1)
        am = np.argmax(g, axis=1)
        argmax[rows] = am
        g[np.arange(rows.size), am] = -np.inf
        log_s_wo_max[rows] = sp.logsumexp(g, axis=1) if n > 2 else -np.inf
    # second pass: column sums of log(S_i - K_ik) - log S_i over i != k
    col = np.zeros(n)
    for s in range(0, n, _BLOCK):
        rows = np.arange(s, min(n, s + _BLOCK))
        g = alpha * (x[rows] @ x.T) - log_s[rows, None]
        r = np.arange(rows.size)
        g[r, argmax[rows]] = -np.inf  # handled exactly below
        g[r, rows] = -np.inf
        m = np.log1p(-np.exp(g))
        m[r, argmax[rows]] = log_s_wo_max[rows] - log_s[rows]
        m[r, rows] = 0.0
        col += m.sum(axis=0)
    sum_l = log_s.sum()
    plugin = sum_l / n - np.log(n - 1)
    loo = (sum_l - log_s + col) / (n - 1) - np.log(n - 2)
    loo_mean = float(loo.mean())
    value = n * plugin - (n - 1) * loo_mean
    se = float(np.sqrt((n - 1) / n * np.sum((loo - loo_mean) ** 2)))
    return PhiEstimate(value=float(value), se=se, plugin=float(plugin), n_samples=n)
