"""The regularized route of arXiv 2602.24012 (Sec. 4.2: claim R, Prop. 3, Lemma 1, Theorem 1, Corollary 2)
and the Appendix D surrogate, evaluated exactly on the von Mises-Fisher family.

.. math::
    J(f) = \\Phi(\\mu) - \\alpha\\,\\mathbb E_\\pi[u^\\top v] + \\beta\\big(-H(\\rho) + \\lambda
    \\mathbb E\\lVert z\\rVert^2\\big)
    = \\Phi(\\mu) - \\alpha\\,\\mathbb E_\\pi[u^\\top v] + \\beta\\,\\mathrm{KL}(\\rho\\Vert\\gamma)
    - \\beta \\log Z_\\gamma,

.. math::
    \\tilde J(\\mu) = \\Phi(\\mu) - \\alpha\\,\\mathrm{Align}(\\mu)
    + \\beta\\,\\mathrm{KL}(\\mu\\Vert\\sigma),
    \\qquad \\beta_0 = \\frac{\\alpha(1-\\eta^2)}{C(d-1)},

and the surrogate :math:`J_q(\\mu) = \\Phi(\\mu) - q\\lVert m(\\mu)\\rVert^2`, :math:`q = \\alpha(1-\\eta^2)`.

Parts (private): ``_gaussian`` (claim R, Prop. 3, Corollary 2), ``_lemma1`` (Lemma 1), ``_theorem1``
(Theorem 1, beta0, beta*, the local threshold), ``_surrogate`` (App. D, q_c). The study over dimensions
and its figure live in :mod:`theory.studies.route`; ``route_study`` and ``plot_route`` here are
deprecated aliases that keep the old results (a list of dicts) and load matplotlib only when called.
"""

from __future__ import annotations

import warnings

from theory.regularized._common import DEFAULT_KAPPAS
from theory.regularized._gaussian import (
    PolarSample,
    gaussian_kl,
    gaussian_polar_sample,
    kl_polar_vmf_chi,
    kl_scaled_chi,
    log_partition_gaussian,
    regularised_penalty,
    regularized_penalty,
)
from theory.regularized._lemma1 import Lemma1Result, lemma1_constant
from theory.regularized._surrogate import (
    QcSymbolic,
    SurrogateThreshold,
    qc_local,
    qc_symbolic,
    surrogate_threshold,
    surrogate_vmf,
)
from theory.regularized._theorem1 import (
    BetaThreshold,
    Theorem1Result,
    align_bound,
    beta0,
    beta_threshold_local,
    beta_threshold_vmf,
    reduced_objective_vmf,
    theorem1_vmf,
)

__all__ = [
    "DEFAULT_KAPPAS",
    "BetaThreshold",
    "Lemma1Result",
    "PolarSample",
    "QcSymbolic",
    "SurrogateThreshold",
    "Theorem1Result",
    "align_bound",
    "beta0",
    "beta_threshold_local",
    "beta_threshold_vmf",
    "gaussian_kl",
    "gaussian_polar_sample",
    "kl_polar_vmf_chi",
    "kl_scaled_chi",
    "lemma1_constant",
    "log_partition_gaussian",
    "qc_local",
    "qc_symbolic",
    "reduced_objective_vmf",
    "regularised_penalty",
    "regularized_penalty",
    "surrogate_threshold",
    "surrogate_vmf",
    "theorem1_vmf",
]

# Deprecated module attributes (not in __all__, so that ``import *`` does not warn).
_MOVED = {"route_study": "_legacy_route_study", "plot_route": "_legacy_plot_route"}


def __getattr__(name: str):
    if name in _MOVED:
        warnings.warn(
            f"theory.regularized.{name} is deprecated; use theory.studies.route.{name} (which returns a "
            "RouteStudy / takes one)",
            DeprecationWarning,
            stacklevel=2,
        )
        from theory.studies import route

        return getattr(route, _MOVED[name])
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_MOVED))
