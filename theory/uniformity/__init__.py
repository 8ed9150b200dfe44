"""The uniformity potential Phi: its value on discrete measures, samples, the uniform law and vMF laws.

Paper (arXiv 2602.24012, the setup and Lemma 2; Wang & Isola 2020, Thm 1): the population InfoNCE
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

from typing import TYPE_CHECKING

from theory.uniformity._closed_form import (
    PhiUniformD3,
    phi_uniform,
    phi_uniform_sympy_d3,
    phi_vmf,
    phi_vmf_mixture,
)
from theory.uniformity._discrete import PhiEstimate, phi, phi_estimate
from theory.uniformity._search import DiscreteSearch, minimise_phi_discrete, minimize_phi_discrete
from theory.vmf import kl_vmf_uniform, log_inner_vmf_mixture, mean_resultant_length, sample_vmf

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
