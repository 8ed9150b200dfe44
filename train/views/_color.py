"""Colour operations on image batches with per-sample factors (the formulas of
torchvision.transforms.functional): grayscale, brightness, contrast, saturation, HSV, hue, jitter."""

from __future__ import annotations

import torch

from train.views._common import _LUMA, _check_images, _check_rgb, _per_sample


def rgb_to_grayscale(x: torch.Tensor) -> torch.Tensor:
    """ITU-R 601-2 luma :math:`L = 0.299 R + 0.587 G + 0.114 B`.

    Parameters
    ----------
    x : Tensor, shape (n, 3, H, W)

    Returns
    -------
    Tensor, shape (n, 1, H, W)
    """
    _check_rgb(x)
    return (_LUMA[0] * x[:, 0:1] + _LUMA[1] * x[:, 1:2] + _LUMA[2] * x[:, 2:3]).to(x.dtype)


def adjust_brightness(x: torch.Tensor, factor) -> torch.Tensor:
    """:math:`\\operatorname{clip}(b\\,x, 0, 1)`, ``factor`` a scalar or shape ``(n,)``."""
    _check_images(x)
    return (x * _per_sample(factor, x, "factor", low=0.0)).clamp(0.0, 1.0)


def adjust_contrast(x: torch.Tensor, factor) -> torch.Tensor:
    """:math:`\\operatorname{clip}(c\\,x + (1 - c)\\,\\bar L, 0, 1)`, :math:`\\bar L` the image's mean luma.

    For one-channel images the mean of the channel is used.
    """
    _check_images(x)
    c = _per_sample(factor, x, "factor", low=0.0)
    gray = rgb_to_grayscale(x) if x.shape[1] == 3 else x
    mean = gray.mean(dim=(1, 2, 3), keepdim=True)
    return (c * x + (1 - c) * mean).clamp(0.0, 1.0)


def adjust_saturation(x: torch.Tensor, factor) -> torch.Tensor:
    """:math:`\\operatorname{clip}(s\\,x + (1 - s)\\,L, 0, 1)`, :math:`L` the pixel's luma (RGB only)."""
    _check_rgb(x)
    s = _per_sample(factor, x, "factor", low=0.0)
    return (s * x + (1 - s) * rgb_to_grayscale(x)).clamp(0.0, 1.0)


def rgb_to_hsv(x: torch.Tensor) -> torch.Tensor:
    """RGB in [0, 1] to HSV in [0, 1] (hue as a fraction of a turn), as :mod:`colorsys` per pixel."""
    _check_rgb(x)
    r, g, b = x.unbind(1)
    maxc = x.amax(dim=1)
    delta = maxc - x.amin(dim=1)
    gray = delta == 0
    v = maxc
    s = delta / torch.where(maxc > 0, maxc, torch.ones_like(maxc))
    d = torch.where(gray, torch.ones_like(delta), delta)
    h = torch.where(maxc == r, (g - b) / d, torch.where(maxc == g, 2.0 + (b - r) / d, 4.0 + (r - g) / d))
    h = torch.where(gray, torch.zeros_like(h), torch.remainder(h / 6.0, 1.0))
    return torch.stack([h, s, v], dim=1)


def hsv_to_rgb(x: torch.Tensor) -> torch.Tensor:
    """HSV in [0, 1] to RGB in [0, 1] (inverse of :func:`rgb_to_hsv`).

    .. math::
        c_m = V - V S \\,\\max(0, \\min(k_m, 4 - k_m, 1)), \\quad k_m = (m + 6H) \\bmod 6, \\quad
        m = 5, 3, 1 \\text{ for } R, G, B.
    """
    _check_images(x)
    h, s, v = x[:, 0:1], x[:, 1:2], x[:, 2:3]
    m = torch.tensor([5.0, 3.0, 1.0], dtype=x.dtype, device=x.device).view(1, 3, 1, 1)
    k = torch.remainder(m + 6.0 * h, 6.0)
    w = torch.clamp(torch.minimum(k, 4.0 - k), 0.0, 1.0)
    return v - v * s * w


def adjust_hue(x: torch.Tensor, shift) -> torch.Tensor:
    """Rotate the hue by ``shift`` (fraction of a turn, in [-0.5, 0.5]): HSV, ``h <- (h + shift) mod 1``."""
    _check_rgb(x)
    hsv = rgb_to_hsv(x)
    sh = _per_sample(shift, x, "shift", low=-0.5, high=0.5).squeeze(1)
    h = torch.remainder(hsv[:, 0] + sh, 1.0)
    return hsv_to_rgb(torch.stack([h, hsv[:, 1], hsv[:, 2]], dim=1)).clamp(0.0, 1.0)


_JITTER_OPS = (adjust_brightness, adjust_contrast, adjust_saturation, adjust_hue)


def _color_jitter(
    x: torch.Tensor, factors: torch.Tensor, order: torch.Tensor, mask: torch.Tensor
) -> torch.Tensor:
    """Apply the four jitter operations in each sample's own order, to the samples in ``mask`` only."""
    idx = torch.nonzero(mask, as_tuple=False).squeeze(1)
    if idx.numel() == 0:
        return x
    y = x.index_select(0, idx)
    f = factors.index_select(0, idx).to(x.dtype)
    o = order.index_select(0, idx)
    rgb = x.shape[1] == 3
    for step in range(4):
        for op in range(4):
            if not rgb and op in (2, 3):
                continue
            sel = torch.nonzero(o[:, step] == op, as_tuple=False).squeeze(1)
            if sel.numel() == 0:
                continue
            y[sel] = _JITTER_OPS[op](y.index_select(0, sel), f.index_select(0, sel)[:, op])
    out = x.clone()
    out[idx] = y
    return out
