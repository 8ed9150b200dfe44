"""Sampling on the sphere: the uniform law, von Mises-Fisher (Wood), vMF mixtures."""

from __future__ import annotations

import numbers

import torch
from torch import Tensor

from simulate.sphere._checks import (
    _device_of,
    _rand,
    _randn,
    as_dtype,
    as_generator,
    check_points,
    check_size,
)
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
        ``torch.float64`` or ``torch.float32``.

    Returns
    -------
    Tensor, shape (N, d)
    """
    N = check_int(N, "N", low=1)
    d = check_int(d, "d", low=2)
    dtype = as_dtype(dtype)
    dev = _device_of(generator, device)
    check_size(N, d, dtype, dev, copies=2)
    g = as_generator(generator, dev)
    z = _randn((N, d), g, dev, dtype)
    return z / torch.linalg.vector_norm(z, dim=1, keepdim=True)


def _wood_t(kappa: Tensor, d: int, g: torch.Generator) -> Tensor:
    """Wood's (1994) rejection sampler of :math:`t = w^\\top u`, one draw per entry of ``kappa``;
    returns :math:`1 - t`, computed without cancellation at any finite ``kappa``.

    Target density :math:`\\propto e^{\\kappa t}(1-t^2)^{(d-3)/2}` on :math:`[-1, 1]`; with
    :math:`m = d - 1`, :math:`b = m / (2\\kappa + \\sqrt{4\\kappa^2 + m^2})`,
    :math:`x_0 = (1-b)/(1+b)`, the proposal :math:`t = (1-(1+b)z)/(1-(1-b)z)`,
    :math:`z \\sim \\mathrm{Beta}(m/2, m/2)` (drawn as :math:`(1 + y_1/\\lVert y\\rVert)/2`, ``y`` standard
    normal in :math:`\\mathbb R^d`) is accepted when
    :math:`\\kappa t + m\\log(1 - x_0 t) - \\kappa x_0 - m\\log(1 - x_0^2) \\ge \\log U`.
    Written in :math:`z` and :math:`\\bar z = 1 - z` alone,

    .. math::
        1 - t = \\frac{2 b z}{\\bar z + b z}, \\qquad
        \\kappa(t - x_0) = \\frac{2\\kappa b\\,(\\bar z - z)}{(1 + b)(\\bar z + b z)}, \\qquad
        \\frac{1 - x_0 t}{1 - x_0^2} = \\frac{1 + b}{2(\\bar z + b z)},

    with :math:`\\kappa b = (m/2) / (1 + \\sqrt{1 + (m/2\\kappa)^2})`, every term is O(1) whatever
    ``kappa``: the textbook form subtracts numbers of size ``kappa`` (at ``kappa = 1e16`` it never accepts).
    :math:`z, \\bar z` come from ``y`` without cancellation either. Computed in float64 on ``kappa``'s
    device.
    """
    m = d - 1.0
    k = kappa.to(torch.float64)
    pos = k > 0
    kb = torch.where(
        pos, (0.5 * m) / (1.0 + torch.hypot(torch.ones_like(k), 0.5 * m / k)), torch.zeros_like(k)
    )
    b = torch.where(pos, kb / torch.where(pos, k, torch.ones_like(k)), torch.ones_like(k))
    tiny = torch.finfo(torch.float64).tiny
    out = torch.empty_like(k)
    todo = torch.arange(k.numel(), device=k.device)
    while todo.numel() > 0:
        n = todo.numel()
        y = _randn((n, d), g, k.device, torch.float64)
        a = y[:, 0]
        r2 = (y[:, 1:] * y[:, 1:]).sum(dim=1)
        s = torch.sqrt(a * a + r2)
        # s + a and s - a, the smaller one as r2 / (the larger): z = (s + a) / 2s, 1 - z = (s - a) / 2s
        big = s + a.abs()
        small = r2 / big.clamp_min(tiny)
        zp = torch.where(a >= 0, big, small) / (2.0 * s).clamp_min(tiny)
        zm = torch.where(a >= 0, small, big) / (2.0 * s).clamp_min(tiny)
        bb, kk = b[todo], kb[todo]
        den = (zm + bb * zp).clamp_min(tiny)
        logu = torch.log(_rand((n,), g, k.device, torch.float64))
        acc = 2.0 * kk * (zm - zp) / ((1.0 + bb) * den) + m * torch.log((1.0 + bb) / (2.0 * den)) >= logu
        out[todo[acc]] = (2.0 * bb * zp / den)[acc]
        todo = todo[~acc]
    return out


def _vmf_rows(mu: Tensor, kappa: Tensor, g: torch.Generator) -> Tensor:
    """One vMF draw per row of ``mu`` (unit, float64) with per-row ``kappa``.

    :math:`u = (1 - \\epsilon)\\, w + \\sqrt{\\epsilon(2 - \\epsilon)}\\, \\xi`, :math:`\\epsilon = 1 - t`:
    the tangential part keeps its exact size even where ``t`` rounds to 1 (large ``kappa``).
    """
    n, d = mu.shape
    eps = _wood_t(kappa, d, g)
    xi = _randn((n, d), g, mu.device, torch.float64)
    xi = xi - (xi * mu).sum(dim=1, keepdim=True) * mu
    xi = xi / torch.linalg.vector_norm(xi, dim=1, keepdim=True).clamp_min(1e-300)
    return (1.0 - eps)[:, None] * mu + torch.sqrt((eps * (2.0 - eps)).clamp_min(0.0))[:, None] * xi


def _as_means(mean, name: str, device) -> Tensor:
    if isinstance(mean, Tensor) and (
        mean.is_complex() or not (mean.is_floating_point() or mean.dtype.is_signed)
    ):
        raise TypeError(f"{name} must be a real array of shape (d,) or (n, d); got dtype {mean.dtype}")
    try:
        m = torch.as_tensor(mean, dtype=torch.float64, device=device)
    except (TypeError, ValueError, RuntimeError) as exc:
        raise TypeError(
            f"{name} must be a real array of shape (d,) or (n, d); got {type(mean).__name__}"
        ) from exc
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
    dtype = as_dtype(dtype)
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
    check_size(N, mu.shape[1], torch.float64, dev, copies=4)
    k = _as_kappas(kappa, N, dev)
    return _vmf_rows(mu, k, g).to(dtype)


def _as_kappas(kappa, N: int, device, name: str = "kappa") -> Tensor:
    form = f"{name} must be a number or an array of shape ({N},)"
    if isinstance(kappa, numbers.Real) and not isinstance(kappa, bool):
        check_real(kappa, name, low=0.0)
        return torch.full((N,), float(kappa), dtype=torch.float64, device=device)
    if kappa is None or isinstance(kappa, bool | str | bytes | complex):
        raise TypeError(f"{form}; got {kappa!r}")
    if isinstance(kappa, Tensor) and (kappa.dtype == torch.bool or kappa.is_complex()):
        raise TypeError(f"{form}; got dtype {kappa.dtype}")
    try:
        k = torch.as_tensor(kappa, dtype=torch.float64, device=device)
    except (TypeError, ValueError, RuntimeError) as exc:
        raise TypeError(f"{form}; got {type(kappa).__name__}") from exc
    if k.ndim == 0:
        k = k.expand(N)
    if k.shape != (N,):
        raise ValueError(f"{form}; got shape {tuple(k.shape)}")
    if not bool(torch.isfinite(k).all()) or bool((k < 0).any()):
        raise ValueError(f"{name} must hold finite values >= 0")
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
    dtype = as_dtype(dtype)
    if device is None and isinstance(means, Tensor):
        device = means.device
    dev = _device_of(generator, device)
    g = as_generator(generator, dev)
    mu = _as_means(means, "means", dev)
    mu = mu / torch.linalg.vector_norm(mu, dim=1, keepdim=True)
    C = mu.shape[0]
    k = _as_kappas(kappas, C, dev, "kappas")
    w = torch.as_tensor(weights, dtype=torch.float64, device=dev)
    if w.shape != (C,):
        raise ValueError(f"weights must have shape ({C},) to match means; got shape {tuple(w.shape)}")
    if not bool(torch.isfinite(w).all()) or bool((w < 0).any()) or float(w.sum()) <= 0:
        raise ValueError("weights must be finite, non-negative, with a positive sum")
    labels = torch.multinomial((w / w.sum()).to(g.device), N, replacement=True, generator=g).to(dev)
    return _vmf_rows(mu[labels], k[labels], g).to(dtype)
