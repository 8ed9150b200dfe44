"""The uniformity potential Phi: its value on discrete measures, samples, the uniform law and vMF laws.

Paper (arXiv 2602.24012, Sec. 2 and Sec. 4.1; Wang & Isola 2020, Thm 1): the population InfoNCE
objective splits into an alignment term and the uniformity potential

.. math::
    \\mathcal L(\\mu, \\pi) = -\\alpha\\, \\mathbb E_\\pi[u^\\top v] + \\Phi(\\mu), \\qquad
    \\Phi(\\mu) = \\mathbb E_{u\\sim\\mu} \\log \\mathbb E_{v\\sim\\mu} e^{\\alpha u^\\top v},

and Lemma 2 states :math:`\\Phi(\\mu) \\ge \\Phi(\\sigma)` for every probability measure
:math:`\\mu` on :math:`S^{d-1}` (claim T1). This module holds :func:`phi`, :func:`phi_estimate`,
:func:`phi_uniform` (closed form), :func:`phi_vmf` (exact on the vMF family), :func:`phi_vmf_mixture`
and the adversarial search :func:`minimize_phi_discrete`.

Related modules: :mod:`theory.vmf` (the von Mises-Fisher family) and :mod:`theory.infonce` (the InfoNCE
loss, Corollary 1's limit). Their names are re-exported here so that every import path of
``theory.uniformity`` used before the split keeps working.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from scipy import optimize
from scipy import special as sp

from theory._deprecation import TupleCompat, deprecated_alias, renamed_keywords
from theory._io import ResultMixin, to_jsonable
from theory._validation import as_unit_rows, as_vector, check_int, check_real, make_rng
from theory.special import _as_nonneg_array, _check_d, log_iv_normalized
from theory.vmf import (
    _check_mixture,
    kl_vmf_uniform,
    log_inner_vmf_mixture,
    mean_resultant_length,
    sample_vmf,
    sample_vmf_mixture,
)

if TYPE_CHECKING:  # re-exported lazily by __getattr__ below (theory.infonce imports this module)
    from theory.infonce import (
        InfoNCEConvergence,
        infonce_bias_first_order,
        infonce_convergence,
        infonce_loss,
        population_loss,
        population_loss_vmf_coupling,
    )

__all__ = [
    "DiscreteSearch",
    "InfoNCEConvergence",
    "PhiEstimate",
    "PhiUniformD3",
    "infonce_bias_first_order",
    "infonce_convergence",
    "infonce_loss",
    "kl_vmf_uniform",
    "log_inner_vmf_mixture",
    "mean_resultant_length",
    "minimise_phi_discrete",
    "minimize_phi_discrete",
    "phi",
    "phi_estimate",
    "phi_uniform",
    "phi_uniform_sympy_d3",
    "phi_vmf",
    "phi_vmf_mixture",
    "population_loss",
    "population_loss_vmf_coupling",
    "sample_vmf",
]

# theory.infonce imports phi_uniform from here, so its names are re-exported lazily (no import cycle).
_INFONCE_NAMES = frozenset(
    {
        "InfoNCEConvergence",
        "infonce_bias_first_order",
        "infonce_convergence",
        "infonce_loss",
        "population_loss",
        "population_loss_vmf_coupling",
    }
)


def __getattr__(name: str):
    if name in _INFONCE_NAMES:
        import theory.infonce

        return getattr(theory.infonce, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | _INFONCE_NAMES)


_BLOCK = 1024


def _check_alpha(alpha, name: str = "alpha") -> float:
    return check_real(alpha, name, low=0.0)


# --------------------------------------------------------------------------------------------------
# Phi of discrete measures and of samples
# --------------------------------------------------------------------------------------------------


def phi(points, alpha: float, weights=None) -> float:
    """Phi of the discrete probability measure with atoms ``points`` (self-pairs included).

    .. math::
        \\Phi(\\mu) = \\sum_i w_i \\log \\sum_j w_j e^{\\alpha x_i^\\top x_j},
        \\qquad \\mu = \\sum_i w_i \\delta_{x_i}

    (the definition of Sec. 2 applied to a discrete :math:`\\mu`; the ``j = i`` term is part of it).
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
        Inverse temperature, ``alpha >= 0``.

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


# --------------------------------------------------------------------------------------------------
# The uniform law and the vMF family
# --------------------------------------------------------------------------------------------------


def phi_uniform(d: int, alpha):
    """Phi(sigma) of the uniform law on S^{d-1} in closed form (log-space Bessel).

    .. math::
        \\Phi(\\sigma) = \\log \\mathbb E_{v\\sim\\sigma} e^{\\alpha u^\\top v}
        = \\log\\Big[\\Gamma(d/2) \\Big(\\frac{2}{\\alpha}\\Big)^{d/2-1} I_{d/2-1}(\\alpha)\\Big]
        = \\log\\Gamma(d/2) + \\log I_{d/2-1}(\\alpha) - (d/2-1)\\log(\\alpha/2),

    (the closed form of Phi(sigma) used with Lemma 2 of arXiv 2602.24012; :math:`\\to 0` as
    :math:`\\alpha\\to 0`, and
    :math:`\\log(\\sinh\\alpha/\\alpha)` for ``d = 3``). Uses :func:`theory.special.log_iv_normalized`, so
    small ``alpha`` keeps full relative accuracy (:math:`\\approx \\alpha^2/(2d)`), and ``d`` up to
    ``1e5`` with ``alpha`` up to ``1e3`` (and beyond) is stable.

    Parameters
    ----------
    d : int
        Dimension, ``2 <= d <= D_MAX``.
    alpha : float or ndarray
        ``alpha >= 0`` (finite; ``alpha = 0`` is the limit ``tau -> inf``, where Phi = 0).

    Returns
    -------
    float or ndarray
    """
    d = _check_d(d)
    a = _as_nonneg_array(alpha, "alpha")
    out = log_iv_normalized(0.5 * d - 1.0, a)
    return float(out) if np.ndim(out) == 0 else out


@dataclass(frozen=True)
class PhiUniformD3(TupleCompat, ResultMixin):
    """Sympy derivation of Phi(sigma) on S^2 (result of :func:`phi_uniform_sympy_d3`).

    Attributes
    ----------
    alpha : sympy.Symbol
        The symbol ``alpha`` (positive).
    expr : sympy.Expr
        :math:`\\log(\\sinh\\alpha/\\alpha)` as sympy derived it (a function of :attr:`alpha`).
    """

    alpha: object
    expr: object
    _tuple_fields = ("alpha", "expr")

    def to_dict(self) -> dict:
        """The symbol and the expression as text (sympy's ``str``)."""
        return to_jsonable({"alpha": str(self.alpha), "expr": str(self.expr)})


def phi_uniform_sympy_d3() -> PhiUniformD3:
    """Sympy derivation of Phi(sigma) for d = 3.

    .. math::
        \\Phi(\\sigma) = \\log \\tfrac12 \\int_{-1}^{1} e^{\\alpha t}\\,dt
        = \\log\\frac{\\sinh \\alpha}{\\alpha},

    since ``t = u.v`` is uniform on ``[-1, 1]`` for ``v ~ sigma`` on S^2 (Archimedes).

    Returns
    -------
    PhiUniformD3
        ``.alpha`` the symbol, ``.expr`` the expression (unpacking as a tuple ``(alpha, expr)`` still
        works, with a DeprecationWarning).
    """
    import sympy as sy

    a, t = sy.symbols("alpha t", positive=True)
    expr = sy.log(sy.simplify(sy.integrate(sy.exp(a * t), (t, -1, 1)) / 2))
    return PhiUniformD3(alpha=a, expr=expr)


def _t_grid(d: int, kappa: float, n: int = 2001) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Nodes ``t = tanh(s)``, ``1 + t`` and normalised weights for the law of t = w.u, u ~ vMF_kappa.

    In ``s`` the density is :math:`\\propto \\exp(\\kappa\\tanh s)\\,\\cosh(s)^{-(d-1)}` (unimodal,
    mode :math:`\\sinh 2s^* = 2\\kappa/(d-1)`); the trapezoid rule over the region within ``e^{-45}``
    of the mode is spectrally accurate.
    """
    m1 = d - 1.0

    def logg(s):
        return kappa * np.tanh(s) - m1 * (np.logaddexp(s, -s) - np.log(2.0))

    s0 = 0.5 * np.arcsinh(2.0 * kappa / m1)
    top = logg(s0)
    drop = 45.0

    def f(s):
        return logg(s) - top + drop

    step = 1.0
    lo = s0 - step
    while f(lo) > 0:
        step *= 2.0
        lo = s0 - step
    hi_step = 1.0
    hi = s0 + hi_step
    while f(hi) > 0:
        hi_step *= 2.0
        hi = s0 + hi_step
    s_lo = optimize.brentq(f, lo, s0)
    s_hi = optimize.brentq(f, s0, hi)
    s = np.linspace(s_lo, s_hi, n)
    lw = logg(s)
    w = np.exp(lw - lw.max())
    w[0] *= 0.5
    w[-1] *= 0.5
    w /= w.sum()
    one_plus_t = 2.0 * sp.expit(2.0 * s)
    return np.tanh(s), one_plus_t, w


def phi_vmf(d: int, kappa: float, alpha: float, n_nodes: int = 2001) -> float:
    """Phi(vMF_kappa) exactly (1-D quadrature over t = w.u of a closed-form inner expectation).

    .. math::
        \\Phi(\\mathrm{vMF}_\\kappa) = \\mathbb E_{t}\\Big[\\psi_d\\big(\\sqrt{\\kappa^2 + \\alpha^2
        + 2\\kappa\\alpha t}\\big)\\Big] - \\psi_d(\\kappa), \\qquad
        t \\sim \\propto e^{\\kappa t}(1-t^2)^{(d-3)/2} \\text{ on } [-1, 1],

    because :math:`\\mathbb E_{v\\sim\\mathrm{vMF}}e^{\\alpha u^\\top v} = C_d(\\kappa)/C_d(\\lVert\\kappa w
    + \\alpha u\\rVert)` and :math:`\\log C_d(r) = -\\log|S^{d-1}| - \\psi_d(r)`. At ``kappa = 0`` it is
    :func:`phi_uniform`.

    Parameters
    ----------
    d : int
        ``d >= 2``.
    kappa : float
        ``kappa >= 0``.
    alpha : float
        ``alpha >= 0``.
    n_nodes : int
        Trapezoid nodes in ``s = atanh(t)``.

    Returns
    -------
    float
    """
    d = _check_d(d)
    kappa = check_real(kappa, "kappa", low=0.0)
    alpha = _check_alpha(alpha)
    n_nodes = check_int(n_nodes, "n_nodes", low=101)
    if kappa == 0.0:
        return phi_uniform(d, alpha)
    _, one_plus_t, w = _t_grid(d, kappa, n_nodes)
    r2 = (kappa - alpha) ** 2 + 2.0 * kappa * alpha * one_plus_t
    r = np.sqrt(np.maximum(r2, 0.0))
    return float(w @ phi_uniform(d, r) - phi_uniform(d, kappa))


@renamed_keywords(n="n_samples")
def phi_vmf_mixture(weights, means, kappas, alpha: float, n_samples: int = 20000, seed=None) -> PhiEstimate:
    """Phi of a vMF mixture: outer expectation by Monte Carlo, inner one exact.

    .. math::
        \\Phi(\\mu) \\approx \\frac1n \\sum_{i=1}^n \\log \\mathbb E_{v\\sim\\mu}e^{\\alpha u_i^\\top v},
        \\qquad u_i \\sim \\mu = \\sum_k \\pi_k \\mathrm{vMF}(w_k, \\kappa_k),

    unbiased, with standard error ``std / sqrt(n_samples)`` (the inner expectation is the closed form of
    :func:`log_inner_vmf_mixture`).

    Parameters
    ----------
    weights : array_like, shape (K,)
    means : array_like, shape (K, d)
    kappas : array_like, shape (K,)
    alpha : float
        ``alpha >= 0``.
    n_samples : int
        Monte Carlo sample size (the keyword ``n`` is a deprecated alias).
    seed : None, int or Generator

    Returns
    -------
    PhiEstimate
        ``value == plugin`` (no bias to correct), ``se`` the Monte Carlo standard error.
    """
    pi, mu, kap = _check_mixture(weights, means, kappas)
    n_samples = check_int(n_samples, "n_samples", low=2)
    alpha = _check_alpha(alpha)
    u = sample_vmf_mixture(n_samples, pi, mu, kap, seed=seed)
    vals = log_inner_vmf_mixture(u, pi, mu, kap, alpha)
    m = float(vals.mean())
    return PhiEstimate(
        value=m,
        se=float(vals.std(ddof=1) / np.sqrt(n_samples)),
        plugin=m,
        n_samples=n_samples,
        method="Monte Carlo over u with the exact inner expectation",
    )


# --------------------------------------------------------------------------------------------------
# T1: adversarial search over discrete measures
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DiscreteSearch(ResultMixin):
    """Result of :func:`minimize_phi_discrete`.

    Attributes
    ----------
    gap : float
        ``min Phi(mu_N) - Phi(sigma)`` found (T1 predicts ``>= 0``).
    points : ndarray, shape (N, d)
        The minimising configuration.
    weights : ndarray, shape (N,)
        Its weights (``1/N`` unless optimised).
    """

    gap: float
    points: np.ndarray
    weights: np.ndarray


@renamed_keywords(optimise_weights="optimize_weights")
def minimize_phi_discrete(
    N: int, d: int, alpha: float, n_starts: int = 3, seed=0, optimize_weights: bool = False
) -> DiscreteSearch:
    """Adversarial search for a counterexample to T1 among N-atom discrete measures.

    .. math::
        \\min_{x_1..x_N \\in S^{d-1},\\ w \\in \\Delta_N} \\sum_i w_i \\log\\sum_j w_j
        e^{\\alpha x_i^\\top x_j} - \\Phi(\\sigma)

    by L-BFGS on unnormalised coordinates (and softmax logits of the weights when
    ``optimize_weights``; otherwise ``w_i = 1/N``), analytic gradient, from ``n_starts`` random starts.
    The returned gap is re-evaluated with :func:`phi` and :func:`phi_uniform`.

    Parameters
    ----------
    N : int
        Number of atoms.
    d : int
        Dimension, ``d >= 2``.
    alpha : float
    n_starts : int
    seed : None, int or Generator
    optimize_weights : bool
        Also optimize the weights (the keyword ``optimise_weights`` is a deprecated alias).

    Returns
    -------
    DiscreteSearch
    """
    N = check_int(N, "N", low=1)
    d = _check_d(d)
    alpha = _check_alpha(alpha)
    n_starts = check_int(n_starts, "n_starts", low=1)
    if not isinstance(optimize_weights, bool | np.bool_):
        raise TypeError(f"optimize_weights must be a bool; got {optimize_weights!r}")
    rng = make_rng(seed)
    nd = N * d

    def unpack(p):
        Y = p[:nd].reshape(N, d)
        nr = np.linalg.norm(Y, axis=1, keepdims=True)
        if optimize_weights:
            lw = p[nd:] - sp.logsumexp(p[nd:])
        else:
            lw = np.full(N, -np.log(N))
        return Y, nr, Y / nr, lw

    def fg(p):
        _, nr, X, logw = unpack(p)
        w = np.exp(logw)
        G = alpha * (X @ X.T)
        L = sp.logsumexp(G + logw[None, :], axis=1)
        P = np.exp(G + logw[None, :] - L[:, None]) * w[:, None]  # w_i w_j e^{G_ij} / S_i
        gX = alpha * (P @ X + P.T @ X)
        gY = (gX - np.sum(gX * X, axis=1, keepdims=True) * X) / nr
        val = float(w @ L)
        if not optimize_weights:
            return val, gY.ravel()
        dw = L + P.sum(axis=0) / w
        return val, np.concatenate([gY.ravel(), w * (dw - w @ dw)])

    best, best_p = np.inf, None
    for _ in range(n_starts):
        p0 = rng.standard_normal(nd + (N if optimize_weights else 0))
        r = optimize.minimize(fg, p0, jac=True, method="L-BFGS-B", options={"maxiter": 2000})
        if r.fun < best:
            best, best_p = float(r.fun), r.x
    _, _, X, logw = unpack(best_p)
    w = np.exp(logw)
    return DiscreteSearch(gap=phi(X, alpha, w) - phi_uniform(d, alpha), points=X, weights=w)


minimise_phi_discrete = deprecated_alias(minimize_phi_discrete, "minimise_phi_discrete", __name__)
