"""The von Mises-Fisher family on :math:`S^{d-1}`: sampling, mean resultant length, normaliser, KL to sigma.

The vMF law of mean direction ``w`` and concentration ``kappa`` has density (w.r.t. the surface measure,
see :mod:`theory.special`)

.. math::
    f(u) = C_d(\\kappa)\\, e^{\\kappa w^\\top u}, \\qquad
    C_d(\\kappa) = \\frac{\\kappa^{d/2-1}}{(2\\pi)^{d/2} I_{d/2-1}(\\kappa)},

and is the exponential tilt of the uniform law :math:`\\sigma`; it is the laboratory in which the paper's
statements (arXiv 2602.24012: Lemma 2, Corollary 1, Lemma 1, Theorem 1, App. D) are evaluated exactly.
Everything reduces to :math:`\\psi_d(x) = \\log[\\Gamma(d/2)(2/x)^{d/2-1} I_{d/2-1}(x)]`
(:func:`theory.special.log_iv_normalized` at order ``d/2 - 1``), which is also :math:`\\Phi(\\sigma)` at
``alpha = x`` (:func:`theory.uniformity.phi_uniform`):

.. math::
    A_d(\\kappa) = \\psi_d'(\\kappa) = \\frac{I_{d/2}(\\kappa)}{I_{d/2-1}(\\kappa)}, \\qquad
    \\mathrm{KL}(\\mathrm{vMF}_\\kappa\\Vert\\sigma) = \\kappa A_d(\\kappa) - \\psi_d(\\kappa), \\qquad
    \\mathbb E_{v\\sim\\mathrm{vMF}(w,\\kappa)} e^{\\alpha u^\\top v}
    = e^{\\psi_d(\\lVert\\kappa w + \\alpha u\\rVert) - \\psi_d(\\kappa)}.

The normaliser :math:`\\log C_d(\\kappa)` is :func:`log_vmf_norm` (defined in :mod:`theory.special`,
re-exported here).
"""

from __future__ import annotations

import numpy as np
from scipy import special as sp

from theory._deprecation import renamed_keywords
from theory._validation import as_unit_rows, as_vector, check_int, make_rng
from theory.special import (
    KAPPA_MAX,
    _as_nonneg_array,
    _check_conc,
    _check_d,
    _hankel_series,
    _log_ive,
    log_iv_normalized,
    log_vmf_norm,
)

__all__ = [
    "kl_vmf_uniform",
    "log_inner_vmf_mixture",
    "log_vmf_norm",
    "mean_resultant_length",
    "sample_vmf",
    "sample_vmf_mixture",
]


def _psi(d: int, x):
    """:math:`\\psi_d(x) = \\Phi(\\sigma)|_{\\alpha = x}` (no validation; ``x >= 0`` float or array)."""
    return log_iv_normalized(0.5 * d - 1.0, x)


_LARGE_KAPPA = 100.0


def _large_kappa(d: int, kappas: np.ndarray):
    """``(one_minus_a, kappa_minus_psi)`` for ``kappa > 0`` without subtracting numbers of size ``kappa``.

    .. math::
        1 - A_d(\\kappa) = -\\operatorname{expm1}\\big(L_{\\nu+1}(\\kappa) - L_\\nu(\\kappa)\\big), \\qquad
        \\kappa - \\psi_d(\\kappa) = \\nu\\log(\\kappa/2) - \\log\\Gamma(\\nu+1) - L_\\nu(\\kappa),

    with :math:`L_\\nu = \\log(e^{-\\kappa} I_\\nu)` (:func:`theory.special._log_ive`), ``nu = d/2 - 1``;
    where ``kappa >= 20 (nu + 1)^2`` the difference of Hankel's series is summed term by term instead.
    """
    nu = 0.5 * d - 1.0
    nus = np.full(kappas.shape, nu)
    log_i0 = _log_ive(nus, kappas)
    one_minus_a = -np.expm1(_log_ive(nus + 1.0, kappas) - log_i0)
    hank = kappas >= 20.0 * (nu + 1.0) ** 2
    if hank.any():
        k = kappas[hank]
        one_minus_a[hank] = _hankel_series(nus[hank], k, 1.0) / _hankel_series(nus[hank], k)
    kappa_minus_psi = nu * np.log(0.5 * kappas) - sp.gammaln(nu + 1.0) - log_i0
    return one_minus_a, kappa_minus_psi


def mean_resultant_length(d: int, kappa):
    """Mean resultant length :math:`A_d(\\kappa) = \\lVert m(\\mathrm{vMF}_\\kappa)\\rVert`.

    .. math::
        A_d(\\kappa) = \\frac{I_{d/2}(\\kappa)}{I_{d/2-1}(\\kappa)} = \\psi_d'(\\kappa),

    computed as a difference of scaled log-Bessel values (:math:`A_d(0) = 0`,
    :math:`A_d(\\kappa) \\approx \\kappa/d` for small ``kappa``); for ``kappa > 100`` from Hankel's
    expansion or the scaled Bessel ratio, so that :math:`1 - A_d(\\kappa) \\approx (d-1)/(2\\kappa)` keeps
    its relative accuracy (the log-Bessel difference loses ``kappa * 1e-16`` in absolute terms).

    Parameters
    ----------
    d : int
        ``2 <= d <= D_MAX``.
    kappa : float or ndarray
        ``0 <= kappa <= KAPPA_MAX`` (``1e12``).

    Returns
    -------
    float or ndarray
        Same shape as ``kappa``, values in ``[0, 1)``.
    """
    d = _check_d(d)
    kappas = _as_nonneg_array(kappa, "kappa", high=KAPPA_MAX)
    nu = 0.5 * d - 1.0
    with np.errstate(divide="ignore"):
        # I_{nu+1}/I_nu = (k/2)/(nu+1) * 0F1(nu+2)/0F1(nu+1)
        la = (
            log_iv_normalized(nu + 1.0, kappas)
            - log_iv_normalized(nu, kappas)
            + np.log(0.5 * kappas / (nu + 1.0))
        )
    out = np.atleast_1d(np.exp(la))
    big = np.atleast_1d(kappas > _LARGE_KAPPA)
    if big.any():
        one_minus_a, _ = _large_kappa(d, np.atleast_1d(kappas)[big])
        out[big] = 1.0 - one_minus_a
    out = out.reshape(np.shape(kappas))
    return float(out) if np.ndim(out) == 0 else out


def kl_vmf_uniform(d: int, kappa):
    """KL(vMF_kappa || sigma) in closed form.

    .. math::
        \\mathrm{KL}(\\mathrm{vMF}_\\kappa \\Vert \\sigma)
        = \\log\\big(C_d(\\kappa) |S^{d-1}|\\big) + \\kappa A_d(\\kappa)
        = \\kappa A_d(\\kappa) - \\psi_d(\\kappa)
        = [\\kappa - \\psi_d(\\kappa)] - \\kappa\\,[1 - A_d(\\kappa)],

    :math:`\\approx \\kappa^2/(2d)` at small ``kappa`` (both terms keep full relative accuracy there) and
    :math:`\\approx \\frac{d-1}{2}\\log\\kappa` at large ``kappa``, where the last form is used
    (``kappa > 100``) so that no two numbers of size ``kappa`` are subtracted.

    Parameters
    ----------
    d : int
        ``2 <= d <= D_MAX``.
    kappa : float or ndarray
        ``0 <= kappa <= KAPPA_MAX`` (``1e12``).

    Returns
    -------
    float or ndarray
    """
    d = _check_d(d)
    kappas = _as_nonneg_array(kappa, "kappa", high=KAPPA_MAX)
    out = np.atleast_1d(kappas * mean_resultant_length(d, kappas) - _psi(d, kappas)).astype(np.float64)
    big = np.atleast_1d(kappas > _LARGE_KAPPA)
    if big.any():
        k = np.atleast_1d(kappas)[big]
        one_minus_a, kappa_minus_psi = _large_kappa(d, k)
        out[big] = kappa_minus_psi - k * one_minus_a
    out = np.maximum(out, 0.0).reshape(np.shape(kappas))
    return float(out) if np.ndim(out) == 0 else out


def _sample_w(n: int, d: int, kappa: float, rng: np.random.Generator) -> np.ndarray:
    """Wood (1994) rejection sampler for t = w.u under vMF(w, kappa) on S^{d-1}."""
    m1 = d - 1.0
    b = m1 / (2.0 * kappa + np.sqrt(4.0 * kappa * kappa + m1 * m1))
    x0 = (1.0 - b) / (1.0 + b)
    c = kappa * x0 + m1 * np.log1p(-x0 * x0)
    out = np.empty(n)
    filled = 0
    while filled < n:
        k = max(16, int(1.3 * (n - filled)))
        z = rng.beta(m1 / 2.0, m1 / 2.0, size=k)
        w = (1.0 - (1.0 + b) * z) / (1.0 - (1.0 - b) * z)
        logu = np.log(rng.uniform(size=k))
        acc = kappa * w + m1 * np.log1p(-x0 * w) - c >= logu
        take = w[acc][: n - filled]
        out[filled : filled + take.size] = take
        filled += take.size
    return out


@renamed_keywords(N="n_samples")
def sample_vmf(n_samples: int, mean, kappa: float, seed=None) -> np.ndarray:
    """Draw ``n_samples`` points from vMF(mean, kappa) on S^{d-1} (Wood's algorithm, 1994).

    .. math::
        f(u) = C_d(\\kappa) e^{\\kappa\\, w^\\top u}, \\qquad
        u = t\\, w + \\sqrt{1 - t^2}\\, \\xi, \\; \\xi \\perp w \\text{ uniform},

    with ``t`` drawn by Wood's rejection step (density :math:`\\propto e^{\\kappa t}(1-t^2)^{(d-3)/2}`).

    Parameters
    ----------
    n_samples : int
        Number of points (the keyword ``N`` is a deprecated alias).
    mean : array_like, shape (d,) or (n_samples, d)
        Unit mean direction(s); one per row if 2-D (then the row count must be ``n_samples``), ``d >= 2``.
    kappa : float
        Concentration ``0 <= kappa <= KAPPA_MAX``.
    seed : None, int or Generator

    Returns
    -------
    ndarray, shape (n_samples, d)
    """
    n_samples = check_int(n_samples, "n_samples", low=1)
    kappa = _check_conc(kappa, "kappa")
    rng = make_rng(seed)
    if np.ndim(mean) == 1:
        mu = as_unit_rows(np.asarray(mean)[None, :], "mean")
        mu = np.broadcast_to(mu, (n_samples, mu.shape[1]))
    else:
        mu = as_unit_rows(mean, "mean")
        if mu.shape[0] != n_samples:
            raise ValueError(f"mean must have shape (d,) or ({n_samples}, d); got {mu.shape}")
    d = mu.shape[1]
    if d < 2:
        raise ValueError(f"mean must have dimension d >= 2; got d = {d}")
    t = _sample_w(n_samples, d, kappa, rng)
    xi = rng.standard_normal((n_samples, d))
    xi -= np.sum(xi * mu, axis=1, keepdims=True) * mu
    nrm = np.linalg.norm(xi, axis=1, keepdims=True)
    xi /= np.maximum(nrm, 1e-300)
    return t[:, None] * mu + np.sqrt(np.maximum(0.0, 1.0 - t * t))[:, None] * xi


# --------------------------------------------------------------------------------------------------
# mixtures of vMF laws
# --------------------------------------------------------------------------------------------------


def _check_mixture(weights, means, kappas, d: int | None = None):
    pi = as_vector(weights, "weights")
    if np.any(pi <= 0):
        raise ValueError(f"weights must be positive; got min {pi.min()}")
    pi = pi / pi.sum()
    mu = as_unit_rows(means, "means")
    kap = as_vector(kappas, "kappas")
    if np.any(kap < 0) or np.any(kap > KAPPA_MAX):
        raise ValueError(f"kappas must lie in [0, {KAPPA_MAX:g}]; got min {kap.min()}, max {kap.max()}")
    if not (pi.shape[0] == mu.shape[0] == kap.shape[0]):
        raise ValueError(
            f"weights, means and kappas must have K rows each; got {pi.shape[0]}, {mu.shape[0]}, "
            f"{kap.shape[0]}"
        )
    if d is not None and mu.shape[1] != d:
        raise ValueError(f"means must have d = {d} columns; got {mu.shape[1]}")
    if mu.shape[1] < 2:
        raise ValueError(f"means must have d >= 2 columns; got {mu.shape[1]}")
    return pi, mu, kap


def log_inner_vmf_mixture(u, weights, means, kappas, alpha: float) -> np.ndarray:
    """Exact ``log E_{v ~ mixture} exp(alpha u.v)`` for a mixture of vMF laws, at each row of ``u``.

    .. math::
        \\log \\sum_k \\pi_k
        \\exp\\big(\\psi_d(\\lVert\\kappa_k w_k + \\alpha u\\rVert) - \\psi_d(\\kappa_k)\\big).

    Parameters
    ----------
    u : array_like, shape (n, d)
        Points of the sphere.
    weights : array_like, shape (K,)
        Positive mixture weights (divided by their sum).
    means : array_like, shape (K, d)
        Unit mean directions.
    kappas : array_like, shape (K,)
        Concentrations ``>= 0``.
    alpha : float
        Inverse temperature ``0 <= alpha <= KAPPA_MAX``.

    Returns
    -------
    ndarray, shape (n,)
    """
    u = as_unit_rows(u, "u")
    pi, mu, kap = _check_mixture(weights, means, kappas, u.shape[1])
    alpha = _check_conc(alpha, "alpha")
    d = u.shape[1]
    vec = kap[None, :, None] * mu[None, :, :] + alpha * u[:, None, :]
    r = np.linalg.norm(vec, axis=2)
    terms = _psi(d, r) - _psi(d, kap)[None, :] + np.log(pi)[None, :]
    return sp.logsumexp(terms, axis=1)


def sample_vmf_mixture(n_samples: int, weights, means, kappas, seed=None) -> np.ndarray:
    """Draw ``n_samples`` points from :math:`\\sum_k \\pi_k \\mathrm{vMF}(w_k, \\kappa_k)`.

    .. math::
        c_i \\sim \\mathrm{Categorical}(\\pi), \\qquad
        u_i \\mid c_i \\sim \\mathrm{vMF}(w_{c_i}, \\kappa_{c_i}).

    Parameters
    ----------
    n_samples : int
        Number of points.
    weights : array_like, shape (K,)
        Positive mixture weights (divided by their sum).
    means : array_like, shape (K, d)
        Unit mean directions, ``d >= 2``.
    kappas : array_like, shape (K,)
        Concentrations ``>= 0``.
    seed : None, int or Generator

    Returns
    -------
    ndarray, shape (n_samples, d)
    """
    pi, mu, kap = _check_mixture(weights, means, kappas)
    n_samples = check_int(n_samples, "n_samples", low=1)
    rng = make_rng(seed)
    comp = rng.choice(pi.shape[0], size=n_samples, p=pi)
    u = np.empty((n_samples, mu.shape[1]))
    for k in range(pi.shape[0]):
        idx = np.flatnonzero(comp == k)
        if idx.size:
            u[idx] = sample_vmf(idx.size, mu[k], float(kap[k]), seed=rng)
    return u
