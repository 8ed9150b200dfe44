"""What a trajectory records: distances of a particle measure to the uniform law :math:`\\sigma`.

Every observable takes the particles as a tensor of shape ``(N, d)`` (points of the sphere) and
returns a Python ``float`` (or a :class:`theory.gaussianity.Diagnosis`) computed in float64, whatever
the input dtype. The exact references come from :mod:`theory` (:func:`theory.uniformity.phi_uniform`).
"""

from __future__ import annotations

import math

import numpy as np
import torch
from torch import Tensor

from simulate.energies import _check_alpha, _check_alpha_for, _sym_rowsums, _threads_for
from simulate.sphere import check_points
from theory._validation import check_int
from theory.uniformity import phi_uniform

__all__ = [
    "default_observables",
    "gaussianity",
    "mean_sq_norm",
    "mmd_uniform",
    "phi_gap",
    "sliced_w2_uniform",
]


def _f64(points, name: str = "points") -> Tensor:
    return check_points(points, name).detach().to(torch.float64)


def _log_mean_kernel(x: Tensor, alpha: float, block_size: int | None) -> float:
    """:math:`\\log \\frac{1}{N^2}\\sum_{ij} e^{\\alpha u_i^\\top u_j}` by the streaming row sums."""
    N = x.shape[0]
    w = torch.full((N,), 1.0 / N, dtype=x.dtype, device=x.device)
    with _threads_for(x):
        r = _sym_rowsums(x, alpha, w, min(N, block_size or 1024))
    # (1/N^2) sum_ij e^{alpha G_ij} = e^alpha * (1/N) sum_i r_i
    return alpha + math.log(float(r.mean()))


def phi_gap(points, alpha, *, block_size=None) -> float:
    """:math:`\\Phi(\\mu_N) - \\Phi(\\sigma)` (T1 says it is :math:`\\ge 0` for every measure).

    .. math::
        \\Phi(\\mu_N) - \\Phi(\\sigma), \\qquad
        \\Phi(\\sigma) = \\log\\big[\\Gamma(d/2)(2/\\alpha)^{d/2-1} I_{d/2-1}(\\alpha)\\big]

    (:func:`simulate.energies.phi_and_grad` in float64, :func:`theory.uniformity.phi_uniform`).

    Parameters
    ----------
    points : Tensor, shape (N, d)
    alpha : float

    Returns
    -------
    float
    """
    x = _f64(points)
    alpha = _check_alpha_for(alpha, x)
    if x.shape[1] < 2:
        raise ValueError(f"points must have d >= 2 columns; got {x.shape[1]}")
    N = x.shape[0]
    w = torch.full((N,), 1.0 / N, dtype=x.dtype, device=x.device)
    with _threads_for(x):
        r = _sym_rowsums(x, alpha, w, min(N, block_size or 1024))
    value = alpha + float(torch.log(r).mean())
    return value - float(phi_uniform(x.shape[1], alpha))


def mean_sq_norm(points) -> float:
    """Squared norm of the mean :math:`\\lVert m(\\mu_N)\\rVert^2 = \\lVert \\frac1N\\sum_i u_i\\rVert^2`.

    Parameters
    ----------
    points : Tensor, shape (N, d)

    Returns
    -------
    float
    """
    x = _f64(points)
    m = x.mean(dim=0)
    return float((m * m).sum())


def mmd_uniform(points, alpha, *, unbiased: bool = False, block_size=None) -> float:
    """Squared MMD between the particles and :math:`\\sigma`, kernel :math:`k(u,v) = e^{\\alpha u^\\top v}`.

    The kernel mean under :math:`\\sigma` is the constant :math:`c = e^{\\Phi(\\sigma)}` at every point, so

    .. math::
        \\mathrm{MMD}^2(\\mu_N, \\sigma) = \\frac{1}{N^2}\\sum_{i,j} e^{\\alpha u_i^\\top u_j} - c
        \\quad (\\text{V-statistic}), \\qquad
        \\frac{1}{N(N-1)}\\sum_{i\\ne j} e^{\\alpha u_i^\\top u_j} - c \\quad (\\text{unbiased}),

    computed as :math:`c\\,(e^{\\ell - \\Phi(\\sigma)} - 1)` with :math:`\\ell` the log of the double mean
    (no cancellation to lose). Under i.i.d. :math:`\\sigma` samples the unbiased estimate has mean 0.

    Parameters
    ----------
    points : Tensor, shape (N, d)
    alpha : float
        ``alpha >= 0``.
    unbiased : bool
        Drop the diagonal (``N >= 2``).

    Returns
    -------
    float
    """
    x = _f64(points)
    alpha = _check_alpha_for(alpha, x)
    N, d = x.shape
    if d < 2:
        raise ValueError(f"points must have d >= 2 columns; got {d}")
    if unbiased and N < 2:
        raise ValueError("unbiased MMD needs N >= 2 points")
    ps = float(phi_uniform(d, alpha))
    ell = _log_mean_kernel(x, alpha, block_size)
    try:
        c = math.exp(ps)
        if not unbiased:
            out = c * math.expm1(ell - ps)
        else:
            out = c * (N / (N - 1) * math.exp(ell - ps) - math.exp(alpha - ps) / (N - 1) - 1.0)
    except OverflowError:
        out = math.inf
    if not math.isfinite(out):
        raise ValueError(
            f"alpha = {alpha:g}: the MMD^2 with kernel exp(alpha u.v) is of order exp(Phi(sigma)) = "
            f"exp({ps:.6g}) (d = {d}), beyond the float range; use a smaller alpha (Phi(sigma) < 709)"
        )
    return out


def sliced_w2_uniform(points, n_projections: int = 50, seed=0) -> float:
    """Spherical sliced Wasserstein-2 distance to :math:`\\sigma` (Bonet et al. 2023, POT).

    .. math::
        \\mathrm{SSW}_2(\\mu_N, \\sigma) = \\Big(\\frac1L \\sum_{l=1}^L W_2^2(P^{U_l}_\\#\\mu_N,
        P^{U_l}_\\#\\sigma)\\Big)^{1/2}

    over ``L = n_projections`` random great circles (:func:`ot.sliced_wasserstein_sphere_unif`).

    Parameters
    ----------
    points : Tensor, shape (N, d)
    n_projections : int
    seed : int or None
        Seed of the projections.

    Returns
    -------
    float
    """
    x = _f64(points).cpu().numpy()
    n_projections = check_int(n_projections, "n_projections", low=1)
    if seed is not None:
        seed = check_int(seed, "seed", low=0, high=2**32 - 1)
    import ot

    x = x / np.linalg.norm(x, axis=1, keepdims=True)
    return float(ot.sliced_wasserstein_sphere_unif(x, n_projections=n_projections, seed=seed))


def gaussianity(points, k: int, *, seed=None, **kwargs):
    """The paper's Gaussianity diagnostics of :math:`\\sqrt d`-projections of the particles (MP, C1).

    .. math::
        z_i = \\sqrt{d}\\, O^\\top u_i \\in \\mathbb R^k, \\qquad O \\in \\mathbb R^{d\\times k},\\
        O^\\top O = I_k,

    diagnosed by :func:`theory.gaussianity.diagnose` (AD, DP, calibration, ...). ``O`` holds the first
    ``k`` coordinate axes, or ``k`` random orthonormal directions when ``seed`` is given.

    Parameters
    ----------
    points : Tensor, shape (N, d)
        Points of the sphere, ``N >= 20``.
    k : int
        Projection dimension, ``1 <= k <= d``.
    seed : None or int
        Seed of a random orthonormal frame (default: coordinate axes).
    **kwargs
        Passed to :func:`theory.gaussianity.diagnose`; its own ``seed`` (random projections, sliced
        Wasserstein slices) defaults to ``seed``, or 0, so the same points give the same diagnosis.

    Returns
    -------
    theory.gaussianity.Diagnosis
    """
    from theory.gaussianity import diagnose

    x = _f64(points).cpu().numpy()
    d = x.shape[1]
    k = check_int(k, "k", low=1, high=d)
    if seed is not None:
        seed = check_int(seed, "seed", low=0)
    if seed is None:
        z = x[:, :k]
    else:
        rng = np.random.default_rng(seed)
        frame, _ = np.linalg.qr(rng.standard_normal((d, k)))
        z = x @ frame
    kwargs.setdefault("seed", 0 if seed is None else seed)
    return diagnose(math.sqrt(d) * z, **kwargs)


def default_observables(alpha, *, n_projections: int = 50, seed=0, k: int | None = None) -> dict:
    """The trajectory columns of a flow: MMD and sliced W2 to :math:`\\sigma`, and (with ``k``) the
    paper's Gaussianity statistics of :math:`\\sqrt d`-projections.

    Parameters
    ----------
    alpha : float
        Kernel :math:`e^{\\alpha u^\\top v}` of the MMD.
    n_projections : int
        Great circles of the sliced W2.
    seed : int
        Seed of the sliced W2 projections.
    k : int, optional
        Projection dimension of the Gaussianity columns ``ad_mean``, ``ad_pass``, ``dp_mean``,
        ``dp_pass`` (:func:`gaussianity`, ``extras=False``; needs ``N >= 20``); omitted when ``None``.

    Returns
    -------
    dict of str to callable
        ``name -> f(points) -> float``, ready for :func:`simulate.flows.run`'s ``observables``.
    """
    alpha = _check_alpha(alpha)
    n_projections = check_int(n_projections, "n_projections", low=1)
    out = {
        "mmd": lambda u: mmd_uniform(u, alpha),
        "sliced_w2": lambda u: sliced_w2_uniform(u, n_projections, seed=seed),
    }
    if k is not None:
        k = check_int(k, "k", low=1)

        def stat(name):
            def f(u):
                return float(getattr(gaussianity(u, k, extras=False), name))

            return f

        for name in ("ad_mean", "ad_pass", "dp_mean", "dp_pass"):
            out[name] = stat(name)
    return out
