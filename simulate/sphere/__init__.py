"""Sampling and the small verbs of the unit sphere :math:`S^{d-1}` in torch.

Every function is device- and dtype-agnostic: tensors stay on the device they come from, random
draws come from an explicit :class:`torch.Generator` (seeded runs are reproducible) on the device of
the result. Rows of a ``(N, d)`` tensor are points.

- :func:`sample_uniform`: the uniform law :math:`\\sigma` (normalised Gaussians);
- :func:`sample_vmf`: von Mises-Fisher :math:`f(u) \\propto e^{\\kappa\\, w^\\top u}` by Wood's (1994)
  rejection algorithm (the numpy twin is :func:`theory.uniformity.sample_vmf`);
- :func:`sample_mixture`: finite mixtures of vMF laws;
- :func:`project`, :func:`tangent`, :func:`retract`: the Riemannian verbs used by the flows;
- :func:`check_points`: the one validator of points of the sphere.

Layout (private parts behind this ``__init__``, which re-exports every public name): ``_checks``
(:func:`check_points`, :func:`as_device`, :func:`as_dtype`, :func:`check_size`,
:func:`as_generator`), ``_verbs`` (:func:`project`, :func:`tangent`,
:func:`retract`), ``_sampling`` (:func:`sample_uniform`, :func:`sample_vmf`, :func:`sample_mixture`).
"""

from __future__ import annotations

from simulate.sphere._checks import DTYPES, as_device, as_dtype, as_generator, check_points, check_size
from simulate.sphere._sampling import sample_mixture, sample_uniform, sample_vmf
from simulate.sphere._verbs import project, retract, tangent

__all__ = [
    "DTYPES",
    "as_device",
    "as_dtype",
    "as_generator",
    "check_points",
    "check_size",
    "project",
    "retract",
    "sample_mixture",
    "sample_uniform",
    "sample_vmf",
    "tangent",
]
