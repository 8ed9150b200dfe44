"""The unit sphere S^{d-1}: small verbs (sample, project), the uniform law sigma and its projections.

Paper (Betser, Gofer, Levi, Gilboa, *InfoNCE Induces Gaussian Distribution*, ICLR 2026,
arXiv 2602.24012): Sec. 2 (normalised encoder f^(x) = f(x)/||f(x)||, a fixed c0 when f(x) = 0),
Lemma 3 (Maxwell-Poincare), Theorem 2 (Diaconis-Freedman), Prop. 2 (thin shell) and Sec. 6 (rate in d).

The exact finite-d law of a k-dimensional projection of ``U ~ sigma``: ``X = (U_1, .., U_k)`` has the
density proportional to ``(1 - |x|^2)^{(d-k-2)/2}`` on the unit k-ball and ``|X|^2 ~ Beta(k/2, (d-k)/2)``.
``Y = sqrt(d) X`` and ``Z ~ N(0, I_k)`` are both radial, so every f-divergence between them equals the
one between the laws of the squared radii ``S = |Y|^2 = d B`` and ``|Z|^2 ~ chi^2_k``. Their log density
ratio is a simple function of ``s``:

.. math::
    L(s) = \\log\\frac{p_d(y)}{\\varphi_k(y)} = c_{d,k} + \\frac{d-k-2}{2}\\log\\Bigl(1 - \\frac{s}{d}\\Bigr)
    + \\frac{s}{2}, \\qquad s = |y|^2 < d,

concave with its maximum at ``s = k + 2`` (when ``k <= d - 3``), so ``p_d > phi_k`` exactly on an
interval ``(s_1, s_2)`` of squared radii. The total variation is then a difference of CDFs (the
regularised incomplete beta and the chi^2 CDF) at the two crossings: no quadrature. The 1/d expansion

.. math::
    \\frac{p_d(y)}{\\varphi_k(y)} = 1 + \\frac{h_k(|y|^2)}{d} + O(d^{-2}), \\qquad
    h_k(s) = -\\tfrac14\\bigl(s^2 - 2(k+2)s + k(k+2)\\bigr),

(derived with sympy in :mod:`theory.symbolic`) gives ``d * TV -> c_k = E[h_k(|Z|^2)_+]``.

Layout (private parts behind this ``__init__``, which re-exports every public name):

- ``_sampling``: :func:`sample_uniform`, :func:`project`, :func:`sample_projection`;
- ``_numerics``: the accurate log density ratio, its crossings, CDF differences;
- ``_law``: the exact law (:func:`projection_logpdf`, :func:`projection_cdf_1d`, :func:`crossing_radii`, ...);
- ``_asymptotic``: the 1/d expansions that take over where the exact CDF differences lose accuracy;
- ``_exact``: exact distances (:func:`projection_tv`, :func:`projection_kl`, ...);
- ``_montecarlo``: Monte Carlo estimators and :func:`ks_distance`;
- ``_shells``: thin shells ``z = r u`` (Prop. 2).

Tables and figures (``tv_vs_d_table``, ``plot_tv_vs_d``) live in :mod:`theory.studies.tv`; the old paths
``theory.sphere.tv_vs_d_table`` / ``theory.sphere.plot_tv_vs_d`` still resolve (deprecated) without
importing matplotlib here.
"""

from __future__ import annotations

import warnings

from theory.sphere._asymptotic import TVExpansion
from theory.sphere._exact import (
    ProjectionDistances,
    diaconis_freedman_bound,
    projection_distances,
    projection_hellinger,
    projection_kl,
    projection_ks,
    projection_tv,
    projection_tv_expansion,
    tv_constant,
)
from theory.sphere._law import (
    CrossingRadii,
    crossing_radii,
    log_density_ratio,
    projection_cdf_1d,
    projection_logpdf,
    projection_pdf,
    projection_radius_law,
)
from theory.sphere._montecarlo import KSDistance, MCEstimate, ks_distance, mc_projection_kl, mc_projection_tv
from theory.sphere._sampling import project, sample_projection, sample_uniform
from theory.sphere._shells import (
    ShellDistance,
    chi_shell,
    lognormal_shell,
    mc_shell_tv,
    sample_shell,
    shell_projection_tv,
    shell_tv_leading,
)

__all__ = [
    "CrossingRadii",
    "KSDistance",
    "MCEstimate",
    "ProjectionDistances",
    "ShellDistance",
    "TVExpansion",
    "chi_shell",
    "crossing_radii",
    "diaconis_freedman_bound",
    "ks_distance",
    "log_density_ratio",
    "lognormal_shell",
    "mc_projection_kl",
    "mc_projection_tv",
    "mc_shell_tv",
    "project",
    "projection_cdf_1d",
    "projection_distances",
    "projection_hellinger",
    "projection_kl",
    "projection_ks",
    "projection_logpdf",
    "projection_pdf",
    "projection_radius_law",
    "projection_tv",
    "projection_tv_expansion",
    "sample_projection",
    "sample_shell",
    "sample_uniform",
    "shell_projection_tv",
    "shell_tv_leading",
    "tv_constant",
]

# Moved to theory.studies.tv (the only place in theory that draws); resolved lazily so that
# ``import theory.sphere`` never imports matplotlib or tqdm.
_MOVED = {
    "tv_vs_d_table": ("theory.studies.tv", "_legacy_tv_vs_d_table"),
    "plot_tv_vs_d": ("theory.studies.tv", "plot_tv_vs_d"),
}


def __getattr__(name: str):
    if name in _MOVED:
        import importlib

        module, attr = _MOVED[name]
        note = " (which returns a TVvsD; this old path keeps the old dict)" if name == "tv_vs_d_table" else ""
        warnings.warn(
            f"theory.sphere.{name} moved to {module}.{name}{note}; the old path is deprecated",
            DeprecationWarning,
            stacklevel=2,
        )
        return getattr(importlib.import_module(module), attr)
    raise AttributeError(f"module 'theory.sphere' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_MOVED))
