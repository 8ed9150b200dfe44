"""Sampling on the sphere: the uniform law, von Mises-Fisher (Wood), vMF mixtures."""

from __future__ import annotations

import numbers

import torch
from torch import Tensor

from simulate.sphere._checks import _device_of, _rand, _randn, as_generator, check_points
from theory._validation import check_int, check_real

# --------------------------------------------------------------------------------------------------
# sampling
# --------------------------------------------------------------------------------------------------


def sample_uniform(N: int, d: int, *, generator=None, device=None, dtype=torch.float64) -> Tensor:
    """Draw ``N`` points of the uniform law :math:`\\sigma` on :math:`S^{d-1}`.

    .. math::
        u = z / \\lVert z \\rVert, \\qquad z \\sim \\mathcal N(0, I_d).

    Parameters
    ----------
    N : int
        Number of points, ``N >= 1``.
    d : int
        Ambient dimension, ``d >= 2``.
    generator : None, int or torch.Generator
        Source of randomness (an int is a seed).
    device : torch.device or str, optional
        Device of the result (default: the generator's device, else CPU).
    dtype : torch.dtype
        Floating dtype of the result.

    Returns
    -------
    Tensor, shape (N, d)
    """
    N = check_int(N, "N", low=1)
    d = check_int(d, "d", low=2)
    dev = _device_of(generator, device)
    g = as_generator(generator, dev)
    z = _randn((N, d), g, dev, dtype)
    return z / torch.linalg.vector_norm(z, dim=1, keepdim=True)


def _wood_t(kappa: Tensor, d: int, g: torch.Generator) -> Tensor:
    """Wood's (1994) rejection sampler of :math:`t = w^\\top u`, one draw per entry of ``kappa``.

    Target density :math:`\\propto e^{\\kappa t}(1-t^2)^{(d-3)/2}` on :math:`[-1, 1]`; proposal
    :math:`t = (1-(1+b)z)/(1-(1-b)z)` with :math:`z \\sim \\mathrm{Beta}((d-1)/2, (d-1)/2)` drawn as
    :math:`(1 + y_1)/2` for ``y`` uniform on :math:`S^{d-1}`, accepted when
    :math:`\\kappa t + (d-1)\\log(1 - x_0 t) - c \\ge \\log U`. Computed in float64 on ``kappa``'s device.
    """
    m1 = d - 1.0
    k = kappa.to(torch.float64)
    b = m1 / (2.0 * k + torch.sqrt(4.0 * k * k + m1 * m1))
    x0 = (1.0 - b) / (1.0 + b)
    c = k * x0 + m1 * torch.log1p(-x0 * x0)
    out = torch.empty_like(k)
    todo = torch.arange(k.numel(), device=k.device)
    while todo.numel() > 0:
        n = todo.numel()
        y = _randn((n, d), g, k.device, torch.float64)
        z = 0.5 * (1.0 + y[:, 0] / torch.linalg.vector_norm(y, dim=1))
        bb, xx, cc, kk = b[todo], x0[todo], c[todo], k[todo]
        t = (1.0 - (1.0 + bb) * z) / (1.0 - (1.0 - bb) * z)
        logu = torch.log(_rand((n,), g, k.device, torch.float64))
        acc = kk * t + m1 * torch.log1p(-xx * t) - cc >= logu
        out[todo[acc]] = t[acc]
        todo = todo[~acc]
    return out


def _vmf_rows(mu: Tensor, kappa: Tensor, g: torch.Generator) -> Tensor:
    """One vMF draw per row of ``mu`` (unit, float64) with per-row ``kappa``."""
    n, d = mu.shape
    t = _wood_t(kappa, d, g)
    xi = _randn((n, d), g, mu.device, torch.float64)
    xi = xi - (xi * mu).sum(dim=1, keepdim=True) * mu
    xi = xi / torch.linalg.vector_norm(xi, dim=1, keepdim=True).clamp_min(1e-300)
    return t[:, None] * mu + torch.sqrt((1.0 - t * t).clamp_min(0.0))[:, None] * xi


def _as_means(mean, name: str, device) -> Tensor:
    m = torch.as_tensor(mean, dtype=torch.float64, device=device)
    if m.ndim == 1:
        m = m[None, :]
    if m.ndim != 2 or m.shape[1] < 2:
        raise ValueError(f"{name} must have shape (d,) or (n, d) with d >= 2; got shape {tuple(m.shape)}")
    return check_points(m, name)


def sample_vmf(N: int, mean, kappa, *, generator=None, device=None, dtype=None) -> Tensor:
    """Draw ``N`` points of the von Mises-Fisher law vMF(mean, kappa) on :math:`S^{d-1}` (Wood 1994).

    .. math::
        f(u) = C_d(\\kappa)\\, e^{\\kappa\\, w^\\top u}, \\qquad
        u = t\\, w + \\sqrt{1-t^2}\\, \\xi, \\quad \\xi \\perp w \\text{ uniform},

    with :math:`t` drawn by Wood's rejection step (density :math:`\\propto e^{\\kappa t}(1-t^2)^{(d-3)/2}`,
    see ``_wood_t``). ``kappa = 0`` is the uniform law. The mean resultant length is
    :math:`\\mathbb E\\, w^\\top u = A_d(\\kappa)` (:func:`theory.uniformity.mean_resultant_length`).

    Parameters
    ----------
    N : int
        Number of points.
    mean : array_like or Tensor, shape (d,) or (N, d)
        Unit mean direction (one per row when 2-D).
    kappa : float or Tensor, shape (N,)
        Concentration(s) ``>= 0``.
    generator : None, int or torch.Generator
    device : torch.device or str, optional
        Device of the result (default: ``mean``'s device if a tensor, else the generator's, else CPU).
    dtype : torch.dtype, optional
        Default: ``mean``'s dtype if a floating tensor, else float64. Sampling runs in float64.

    Returns
    -------
    Tensor, shape (N, d)
    """
    N = check_int(N, "N", low=1)
    if dtype is None:
        dtype = mean.dtype if isinstance(mean, Tensor) and mean.is_floating_point() else torch.float64
    if device is None and isinstance(mean, Tensor):
        device = mean.device
    dev = _device_of(generator, device)
    g = as_generator(generator, dev)
    mu = _as_means(mean, "mean", dev)
    mu = mu / torch.linalg.vector_norm(mu, dim=1, keepdim=True)
    if mu.shape[0] == 1:
        mu = mu.expand(N, -1)
    elif mu.shape[0] != N:
        raise ValueError(f"mean must have shape (d,) or ({N}, d); got {tuple(mu.shape)}")
    k = _as_kappas(kappa, N, dev)
    return _vmf_rows(mu, k, g).to(dtype)


def _as_kappas(kappa, N: int, device) -> Tensor:
    if isinstance(kappa, numbers.Real) and not isinstance(kappa, bool):
        check_real(kappa, "kappa", low=0.0)
        return torch.full((N,), float(kappa), dtype=torch.float64, device=device)
    k = torch.as_tensor(kappa, dtype=torch.float64, device=device)
    if k.ndim == 0:
        k = k.expand(N)
    if k.shape != (N,):
        raise ValueError(f"kappa must be a number or have shape ({N},); got shape {tuple(k.shape)}")
    if not bool(torch.isfinite(k).all()) or bool((k < 0).any()):
        raise ValueError("kappa must hold finite values >= 0")
    return k.clone()


def sample_mixture(N: int, means, kappas, weights, *, generator=None, device=None, dtype=None) -> Tensor:
    """Draw ``N`` points of a finite vMF mixture :math:`\\sum_c \\pi_c\\, \\mathrm{vMF}(w_c, \\kappa_c)`.

    Component labels are drawn i.i.d. from ``weights`` (normalised), then each point from its
    component by Wood's algorithm.

    Parameters
    ----------
    N : int
        Number of points.
    means : array_like or Tensor, shape (C, d)
        Unit mean directions.
    kappas : array_like, shape (C,)
        Concentrations ``>= 0``.
    weights : array_like, shape (C,)
        Non-negative mixture weights with positive sum.
    generator : None, int or torch.Generator
    device, dtype : optional
        As in :func:`sample_vmf`.

    Returns
    -------
    Tensor, shape (N, d)
    """
    N = check_int(N, "N", low=1)
    if dtype is None:
        dtype = means.dtype if isinstance(means, Tensor) and means.is_floating_point() else torch.float64
    if device is None and isinstance(means, Tensor):
        device = means.device
    dev = _device_of(generator, device)
    g = as_generator(generator, dev)
    mu = _as_means(means, "means", dev)
    mu = mu / torch.linalg.vector_norm(mu, dim=1, keepdim=True)
    C = mu.shape[0]
    k = _as_kappas(kappas, C, dev)
    w = torch.as_tensor(weights, dtype=torch.float64, device=dev)
    if w.shape != (C,):
        raise ValueError(f"weights must have shape ({C},) to match means; got shape {tuple(w.shape)}")
    if not bool(torch.isfinite(w).all()) or bool((w < 0).any()) or float(w.sum()) <= 0:
        raise ValueError("weights must be finite, non-negative, with a positive sum")
    labels = torch.multinomial((w / w.sum()).to(g.device), N, replacement=True, generator=g).to(dev)
    return _vmf_rows(mu[labels], k[labels], g).to(dtype)
