"""The InfoNCE loss: the empirical loss of Eq. 2, its population functional, the L_N - log N limit.

Paper (arXiv 2602.24012): the empirical loss of Eq. 2 (one direction, the positive inside the
denominator), the population objective of the paper's setup

.. math::
    \\mathcal L(\\mu, \\pi) = -\\alpha\\, \\mathbb E_\\pi[u^\\top v] + \\Phi(\\mu),

and Corollary 1 (the alignment-plateau route, claim C1): at a plateau of the alignment term the loss is
minimised at :math:`\\mu = \\sigma`. As in Wang & Isola (2020, Thm 1), which the paper follows, the
empirical loss converges after subtracting :math:`\\log N`:
:math:`\\mathbb E[L_N] - \\log N \\to \\mathcal L(\\mu, \\pi)`. This module measures that limit, the
bias (first order :math:`b_1/N`) and the spread on the exact vMF coupling.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import special as sp

from theory._io import ResultMixin
from theory._validation import as_unit_rows, check_int, check_real, make_rng
from theory.special import _check_conc, _check_d
from theory.sphere import sample_uniform
from theory.uniformity import phi_uniform
from theory.uniformity._closed_form import _psi
from theory.vmf import mean_resultant_length, sample_vmf

__all__ = [
    "InfoNCEConvergence",
    "infonce_bias_first_order",
    "infonce_convergence",
    "infonce_loss",
    "population_loss",
    "population_loss_vmf_coupling",
]


def _check_alpha(alpha, name: str = "alpha") -> float:
    return _check_conc(alpha, name)


def _check_kappa_pair(kappa_pair) -> float:
    """``0 <= kappa_pair <= KAPPA_MAX``, or ``+inf`` (``v = u``)."""
    if isinstance(kappa_pair, float | np.floating) and kappa_pair == np.inf:
        return np.inf
    return _check_conc(kappa_pair, "kappa_pair")


def infonce_loss(u, v, alpha: float) -> float:
    """Empirical InfoNCE of Eq. 2 (one direction; the positive ``j = i`` inside the denominator).

    .. math::
        L_N = -\\frac1N \\sum_{i=1}^N \\log
        \\frac{e^{\\alpha u_i^\\top v_i}}{\\sum_{j=1}^N e^{\\alpha u_i^\\top v_j}}.

    Parameters
    ----------
    u, v : array_like, shape (N, d)
        Paired normalised embeddings (rows of norm 1).
    alpha : float
        ``alpha = 1/tau >= 0``.

    Returns
    -------
    float
    """
    u = as_unit_rows(u, "u")
    v = as_unit_rows(v, "v")
    if u.shape != v.shape:
        raise ValueError(f"u and v must have the same shape (N, d); got {u.shape} and {v.shape}")
    alpha = _check_alpha(alpha)
    g = alpha * (u @ v.T)
    return float(np.mean(sp.logsumexp(g, axis=1) - np.diag(g)))


def population_loss(alignment: float, phi_mu: float, alpha: float) -> float:
    """Population InfoNCE functional from its two parts.

    .. math::
        \\mathcal L(\\mu, \\pi) = -\\alpha\\, \\mathbb E_\\pi[u^\\top v] + \\Phi(\\mu).

    Parameters
    ----------
    alignment : float
        ``E_pi[u.v]`` in ``[-1, 1]``.
    phi_mu : float
        ``Phi(mu)`` (e.g. from :func:`phi_uniform`, :func:`phi_vmf`).
    alpha : float
    """
    alignment = check_real(alignment, "alignment", low=-1.0, high=1.0)
    phi_mu = check_real(phi_mu, "phi_mu")
    alpha = _check_alpha(alpha)
    return -alpha * alignment + phi_mu


def population_loss_vmf_coupling(d: int, alpha: float, kappa_pair: float) -> float:
    """Exact L(mu, pi) for u ~ sigma and v | u ~ vMF(u, kappa_pair) (``inf`` means v = u).

    .. math::
        \\mathcal L = -\\alpha A_d(\\kappa_{\\rm pair}) + \\Phi(\\sigma),

    as both marginals are uniform and :math:`\\mathbb E[u^\\top v] = A_d(\\kappa_{\\rm pair})`
    (:math:`A = 1` when ``v = u``, :math:`A = 0` for independent views).
    """
    d = _check_d(d)
    alpha = _check_alpha(alpha)
    kappa_pair = _check_kappa_pair(kappa_pair)
    a = 1.0 if kappa_pair == np.inf else float(mean_resultant_length(d, kappa_pair))
    return -alpha * a + phi_uniform(d, alpha)


def infonce_bias_first_order(d: int, alpha: float, kappa_pair: float) -> float:
    """First-order coefficient ``b1`` of the InfoNCE bias, ``E[L_N] - log N - L = b1/N + O(N^-2)``.

    .. math::
        b_1 = \\frac{\\mathbb E_\\pi e^{\\alpha u^\\top v}}{c} - 1
        - \\frac12\\Big(\\frac{c(2\\alpha)}{c(\\alpha)^2} - 1\\Big), \\qquad c(x) = e^{\\psi_d(x)},\\quad
        \\mathbb E_\\pi e^{\\alpha u^\\top v}
        = e^{\\psi_d(\\kappa_{\\rm pair}+\\alpha) - \\psi_d(\\kappa_{\\rm pair})},

    for the vMF coupling (positive term in the denominator, minus the delta-method Jensen gap of the log
    of the average over the N - 1 negatives); ``kappa_pair = inf`` gives :math:`e^{\\alpha}/c - \\dots`.
    """
    d = _check_d(d)
    alpha = _check_alpha(alpha)
    kappa_pair = _check_kappa_pair(kappa_pair)
    psi_a = phi_uniform(d, alpha)
    if kappa_pair == np.inf:
        log_pos = alpha
    else:
        kp = kappa_pair
        log_pos = _psi(d, kp + alpha) - _psi(d, kp)
    return float(np.exp(log_pos - psi_a) - 1.0 - 0.5 * np.expm1(_psi(d, 2.0 * alpha) - 2.0 * psi_a))


@dataclass(frozen=True)
class InfoNCEConvergence(ResultMixin):
    """E[L_N] - log N against the population value L, as N grows.

    Since the denominator of Eq. 2 is a *sum* of N terms,
    :math:`L_N = \\log N + (\\text{a quantity with a finite limit})`, so the limit is that of
    :math:`L_N - \\log N` (Wang & Isola 2020, Thm 1: ``lim L - log M``, the form the paper follows).

    Attributes
    ----------
    N : ndarray, shape (m,)
        The batch sizes.
    mean : ndarray, shape (m,)
        Average of ``L_N - log N`` over the replicates.
    se : ndarray, shape (m,)
        Its standard error.
    spread : ndarray, shape (m,)
        Standard deviation of ``L_N - log N`` across replicates.
    bias : ndarray, shape (m,)
        ``mean - L``.
    L : float
        The exact population value.
    rate : float
        Least-squares slope of ``log |bias|`` on ``log N`` (``-1`` means O(1/N)).
    spread_rate : float
        Same for the spread: ``-1/2`` in general, ``-1`` when ``mu = sigma`` and ``v = u`` (then the
        first-order Hoeffding projection of the V-statistic is constant, since :math:`K\\sigma` is).
    """

    N: np.ndarray
    mean: np.ndarray
    se: np.ndarray
    spread: np.ndarray
    bias: np.ndarray
    L: float
    rate: float
    spread_rate: float


def infonce_convergence(
    d: int,
    alpha: float,
    kappa_pair: float,
    Ns=(16, 32, 64, 128, 256, 512),
    n_rep: int = 200,
    seed=0,
    progress: bool = False,
) -> InfoNCEConvergence:
    """Measure E[L_N] - log N -> L(mu, pi) for the vMF coupling u ~ sigma, v | u ~ vMF(u, kappa_pair).

    .. math::
        \\mathbb E[L_N] - \\log N \\xrightarrow[N\\to\\infty]{} -\\alpha A_d(\\kappa_{\\rm pair})
        + \\Phi(\\sigma) \\quad\\text{(Wang \\& Isola 2020, Thm 1)}.

    To first order the bias is ``b1 / N`` (:func:`infonce_bias_first_order`: the positive in the
    denominator minus the Jensen gap of the log), i.e. O(1/N).

    Parameters
    ----------
    d : int
        ``d >= 2``.
    alpha : float
        ``0 <= alpha <= KAPPA_MAX``.
    kappa_pair : float
        Pair concentration (``0``: independent views; ``np.inf``: ``v = u``).
    Ns : sequence of int
        Batch sizes ``>= 2``, at least two of them (for the fitted rates).
    n_rep : int
        Replicates per batch size.
    seed : None, int or Generator
    progress : bool
        tqdm progress bar.

    Returns
    -------
    InfoNCEConvergence
    """
    from tqdm.auto import tqdm

    d = _check_d(d)
    alpha = _check_alpha(alpha)
    n_rep = check_int(n_rep, "n_rep", low=2)
    if isinstance(Ns, str | bytes) or not hasattr(Ns, "__iter__"):
        raise TypeError(f"Ns must be a sequence of batch sizes; got {Ns!r}")
    Ns = np.array([check_int(n, "Ns[i]", low=2) for n in Ns], dtype=np.int64)
    if Ns.size < 2:
        raise ValueError(f"Ns must hold at least two batch sizes (to fit the rates); got {Ns.tolist()}")
    kappa_pair = _check_kappa_pair(kappa_pair)
    rng = make_rng(seed)
    L = population_loss_vmf_coupling(d, alpha, kappa_pair)
    means, ses, spreads = [], [], []
    for n in tqdm(Ns, disable=not progress, desc="InfoNCE N"):
        vals = np.empty(n_rep)
        for r in range(n_rep):
            u = sample_uniform(n, d, rng)
            v = u.copy() if kappa_pair == np.inf else sample_vmf(n, u, kappa_pair, seed=rng)
            vals[r] = infonce_loss(u, v, alpha) - np.log(n)
        means.append(vals.mean())
        spreads.append(vals.std(ddof=1))
        ses.append(vals.std(ddof=1) / np.sqrt(n_rep))
    mean, se, spread = np.array(means), np.array(ses), np.array(spreads)
    bias = mean - L
    ln = np.log(Ns)
    rate = float(np.polyfit(ln, np.log(np.abs(bias) + 1e-300), 1)[0])
    spread_rate = float(np.polyfit(ln, np.log(spread), 1)[0])
    return InfoNCEConvergence(
        N=Ns, mean=mean, se=se, spread=spread, bias=bias, L=L, rate=rate, spread_rate=spread_rate
    )
