"""The alignment bound of Proposition 1 (claim P1): exact values on finite laws and estimators from pairs.

Proposition 1 (arXiv 2602.24012, Prop. 1, Eq. 5): for views X, Y conditionally i.i.d. given X0 and any
encoder u = f^(X), v = f^(Y) into S^{d-1} with mean m = E[u],

.. math::
    E[u \\cdot v] \\le \\eta^2 + (1 - \\eta^2) \\lVert m \\rVert^2, \\qquad \\eta^2 = \\rho_m(X, X_0)^2.

Proof (restated): :math:`E[u \\cdot v] = \\lVert m \\rVert^2 + \\sum_k \\operatorname{Cov}(u_k(X), u_k(Y))`,
each covariance is :math:`\\lVert E[\\tilde u_k(X) \\mid X_0] \\rVert^2 \\le \\eta^2 \\operatorname{Var} u_k`,
and :math:`\\sum_k \\operatorname{Var} u_k = 1 - \\lVert m \\rVert^2`.

This package gives the bound (:func:`alignment_bound`), estimators of both sides from pairs of
representations (:func:`estimate_alignment`, :func:`estimate_mean_sq_norm`), exact values by
enumeration on discrete laws (:func:`alignment_exact`), encoders built from the HGR singular
functions (:func:`hgr_encoder`), a numerical search for the encoder that maximizes alignment
(:func:`max_alignment`). The quick check of P1 lives in :mod:`claims.checks.alignment`.

Private parts: ``_estimate`` (the bound, estimators from pairs), ``_exact`` (finite laws, encoders).
"""

from theory.alignment._estimate import (
    AlignmentEstimate,
    MeanSqNormEstimate,
    alignment_bound,
    estimate_alignment,
    estimate_mean_sq_norm,
)
from theory.alignment._exact import (
    EncoderAlignment,
    ExactAlignment,
    alignment_exact,
    hgr_encoder,
    max_alignment,
)

__all__ = [
    "AlignmentEstimate",
    "EncoderAlignment",
    "ExactAlignment",
    "MeanSqNormEstimate",
    "alignment_bound",
    "alignment_exact",
    "estimate_alignment",
    "estimate_mean_sq_norm",
    "hgr_encoder",
    "max_alignment",
]
