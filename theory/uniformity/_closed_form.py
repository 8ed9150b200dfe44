"""Phi in closed form: the uniform law, the vMF family and vMF mixtures (part of :mod:`theory.uniformity`)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import optimize
from scipy import special as sp

from theory._deprecation import TupleCompat, renamed_keywords
from theory._io import ResultMixin, to_jsonable
from theory._validation import check_int
from theory.special import KAPPA_MAX, _as_nonneg_array, _check_conc, _check_d, log_iv_normalized
from theory.uniformity._discrete import PhiEstimate, _check_alpha
from theory.vmf import _check_mixture, log_inner_vmf_mixture, sample_vmf_mixture

__all__ = ["PhiUniformD3", "phi_uniform", "phi_uniform_sympy_d3", "phi_vmf", "phi_vmf_mixture"]


def _psi(d: int, x):
    """:math:`\\psi_d(x) = \\Phi(\\sigma)|_{\\alpha = x}` without validation (``x`` up to ``2 KAPPA_MAX``)."""
    out = log_iv_normalized(0.5 * d - 1.0, x)
    return float(out) if np.ndim(out) == 0 else out


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
        ``0 <= alpha <= KAPPA_MAX`` (finite; ``alpha = 0`` is the limit ``tau -> inf``, where Phi = 0).

    Returns
    -------
    float or ndarray
    """
    d = _check_d(d)
    a = _as_nonneg_array(alpha, "alpha", high=KAPPA_MAX)
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
        ``0 <= kappa <= KAPPA_MAX``.
    alpha : float
        ``0 <= alpha <= KAPPA_MAX``.
    n_nodes : int
        Trapezoid nodes in ``s = atanh(t)``.

    Returns
    -------
    float
    """
    d = _check_d(d)
    kappa = _check_conc(kappa, "kappa")
    alpha = _check_alpha(alpha)
    n_nodes = check_int(n_nodes, "n_nodes", low=101)
    if kappa == 0.0:
        return phi_uniform(d, alpha)
    _, one_plus_t, w = _t_grid(d, kappa, n_nodes)
    r2 = (kappa - alpha) ** 2 + 2.0 * kappa * alpha * one_plus_t
    r = np.sqrt(np.maximum(r2, 0.0))
    return float(w @ _psi(d, r) - _psi(d, kappa))


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
        ``0 <= alpha <= KAPPA_MAX``.
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
