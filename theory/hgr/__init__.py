"""HGR maximal correlation rho_m: exact values, a fast ACE estimator, and eta^2 of the project's channels.

The Hirschfeld-Gebelein-Renyi maximal correlation of two random variables is

.. math::
    \\rho_m(X, Y) = \\sup_{f, g} \\operatorname{corr}(f(X), g(Y))
    = \\sup_{g} \\sqrt{\\operatorname{Var} E[g(Y) \\mid X] / \\operatorname{Var} g(Y)},

the supremum over non-constant square-integrable transforms. Proposition 1 of the paper (arXiv
2602.24012, Prop. 1, Eq. 5; claim P1) caps alignment with :math:`\\eta^2 = \\rho_m(X, X_0)^2`, the
squared maximal correlation between a view and its base. This package computes rho_m

- exactly for a discrete joint law (:func:`hgr_discrete`, the second singular value of
  :math:`Q = P(x, y) / \\sqrt{p(x) p(y)}`, by one dense or partial SVD),
- exactly for jointly Gaussian vectors (:func:`hgr_gaussian`, the largest canonical correlation),
- as a converging reference for any two-dimensional density (:func:`hgr_density`, the operator
  discretized on a grid: exact cell probabilities, i.e. rho_m of the quantized pair), and for the
  project's scalar channels with Richardson extrapolation (:func:`rho_channel_grid`),
- for a discrete label against a continuous variable from posterior samples (:func:`hgr_label_posterior`),
- from samples by ACE (:func:`hgr_ace`, Breiman & Friedman 1985) with a vectorized running-lines smoother,
  exact group means for categorical columns, cross-fitting and a bootstrap interval;

and gives eta^2 for the augmentation channels the project trains with (arXiv 2602.24012, App. E.1:
:func:`eta2_gaussian_channel`, :func:`eta2_laplace_channel`, :func:`eta2_gmm_pairing`,
:func:`eta2_binary_pairing`).

Tensorization (Witsenhausen 1975): if the pairs :math:`(X_k, Y_k)` are independent across k,
:math:`\\rho_m((X_1..X_K), (Y_1..Y_K)) = \\max_k \\rho_m(X_k, Y_k)` (:func:`hgr_tensorize`).

Private parts: ``_discrete`` (exact SVD), ``_continuous`` (Gaussian, density and channel grid operator),
``_smoother``, ``_ace_result`` and ``_ace`` (ACE), ``_channels`` (eta^2 of the channels).
"""

from theory.hgr._ace import hgr_ace
from theory.hgr._ace_result import ACEResult, ACETransform
from theory.hgr._channels import (
    ChannelEta2,
    _rho_laplace_exponential,
    eta2_binary_pairing,
    eta2_gaussian_channel,
    eta2_gmm_pairing,
    eta2_laplace_channel,
)
from theory.hgr._continuous import (
    ChannelGridRho,
    _rho_channel_grid,
    _rho_channel_richardson,
    hgr_density,
    hgr_gaussian,
    rho_channel_grid,
)
from theory.hgr._discrete import HGRResult, hgr_discrete, hgr_label_posterior, hgr_tensorize, markov_joint

__all__ = [
    "ACEResult",
    "ACETransform",
    "ChannelEta2",
    "ChannelGridRho",
    "HGRResult",
    "eta2_binary_pairing",
    "eta2_gaussian_channel",
    "eta2_gmm_pairing",
    "eta2_laplace_channel",
    "hgr_ace",
    "hgr_density",
    "hgr_discrete",
    "hgr_gaussian",
    "hgr_label_posterior",
    "hgr_tensorize",
    "markov_joint",
    "rho_channel_grid",
]

# private names kept reachable at their old paths (used by tests and, before it had a public path, by
# claims.checks.alignment): theory.hgr._rho_channel_grid, theory.hgr._rho_channel_richardson,
# theory.hgr._rho_laplace_exponential
_PRIVATE_COMPAT = (_rho_channel_grid, _rho_channel_richardson, _rho_laplace_exponential)
