"""The view channels: one random view of every image or 1-D signal of a batch, and the callables
that draw two conditionally independent views (the positive pairs)."""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F

from train.views._color import _color_jitter, rgb_to_grayscale
from train.views._common import _bernoulli, _check_generator, _check_images, _uniform
from train.views._crop import _crop_flip, sample_crop_boxes
from train.views._params import MNIST1D, SIMCLR, ImageViewParams, SampledViewParams, SignalViewParams


def augment_images(
    x: torch.Tensor,
    generator: torch.Generator,
    params: ImageViewParams = SIMCLR,
    *,
    return_params: bool = False,
):
    """One random view of every image of a batch (crop, flip, colour jitter, grayscale, in that order).

    Parameters
    ----------
    x : Tensor, shape (n, C, H, W)
        Images with values in [0, 1] (``C = 3`` for the colour operations; with ``C = 1`` only the
        crop, flip, brightness and contrast apply).
    generator : torch.Generator
        Source of every random parameter (same seed, same views).
    params : ImageViewParams
    return_params : bool
        Also return the :class:`SampledViewParams`.

    Returns
    -------
    Tensor, shape (n, C, H, W), or (Tensor, SampledViewParams)
        Same dtype and device as ``x``; values in [0, 1] when ``x``'s are.
    """
    x = _check_images(x)
    generator = _check_generator(generator)
    if not isinstance(params, ImageViewParams):
        raise TypeError(f"params must be an ImageViewParams; got {type(params).__name__}")
    n, C, H, W = x.shape
    dev = generator.device
    boxes = (
        sample_crop_boxes(n, H, W, generator, scale=params.scale, ratio=params.ratio)
        if params.crop
        else torch.tensor([[0.0, 0.0, 1.0, 1.0]], dtype=torch.float64, device=dev).expand(n, 4).clone()
    )
    flip = _bernoulli(n, params.flip_p, generator)
    jitter = _bernoulli(n, params.jitter_p, generator)
    b = _uniform(n, max(0.0, 1 - params.brightness), 1 + params.brightness, generator)
    c = _uniform(n, max(0.0, 1 - params.contrast), 1 + params.contrast, generator)
    s = _uniform(n, max(0.0, 1 - params.saturation), 1 + params.saturation, generator)
    hue = _uniform(n, -params.hue, params.hue, generator)
    factors = torch.stack([b, c, s, hue], dim=1)
    order = torch.argsort(torch.rand(n, 4, generator=generator, device=dev), dim=1)
    gray = _bernoulli(n, params.gray_p, generator) if C == 3 else torch.zeros(n, dtype=torch.bool, device=dev)

    out = x
    if params.crop:
        out = _crop_flip(out, boxes, flip)
    elif bool(flip.any()):
        out = torch.where(flip.to(x.device).view(-1, 1, 1, 1), out.flip(-1), out)
    if bool(jitter.any()):
        out = _color_jitter(out, factors.to(x.device), order.to(x.device), jitter.to(x.device))
    if bool(gray.any()):
        g = rgb_to_grayscale(out).expand(-1, 3, -1, -1)
        out = torch.where(gray.to(x.device).view(-1, 1, 1, 1), g, out)
    if return_params:
        return out, SampledViewParams(boxes, flip, jitter, factors, order, gray)
    return out


def augment_signals(
    x: torch.Tensor, generator: torch.Generator, params: SignalViewParams = MNIST1D
) -> torch.Tensor:
    """One random view of every 1-D signal: time shift and scale (linear interpolation), plus noise.

    .. math::
        \\tilde x(t) = x(a t + b) + \\sigma \\varepsilon(t), \\quad a \\sim U(\\text{scale}),\\;
        b \\sim U(-\\text{max\\_shift}, \\text{max\\_shift}),\\; \\varepsilon \\sim N(0, 1)

    with ``t`` the normalised time in [-1, 1] (align_corners=False) and border values beyond the ends.

    Parameters
    ----------
    x : Tensor, shape (n, L) or (n, 1, L)
    generator : torch.Generator
    params : SignalViewParams

    Returns
    -------
    Tensor, same shape as ``x``
    """
    generator = _check_generator(generator)
    if not isinstance(x, torch.Tensor) or not x.is_floating_point():
        raise TypeError("x must be a floating torch.Tensor of shape (n, L) or (n, 1, L)")
    if x.ndim not in (2, 3) or (x.ndim == 3 and x.shape[1] != 1):
        raise ValueError(f"x must have shape (n, L) or (n, 1, L); got {tuple(x.shape)}")
    if not isinstance(params, SignalViewParams):
        raise TypeError(f"params must be a SignalViewParams; got {type(params).__name__}")
    shape = x.shape
    n, L = shape[0], shape[-1]
    a = _uniform(n, params.scale[0], params.scale[1], generator)
    b = _uniform(n, -params.max_shift, params.max_shift, generator)
    noise = torch.randn(n, L, generator=generator, dtype=torch.float64, device=generator.device)
    img = x.reshape(n, 1, 1, L)
    theta = torch.zeros(n, 2, 3, dtype=x.dtype, device=x.device)
    theta[:, 0, 0] = a.to(x.dtype)
    theta[:, 0, 2] = b.to(x.dtype)
    theta[:, 1, 1] = 1.0
    grid = F.affine_grid(theta, [n, 1, 1, L], align_corners=False)
    out = F.grid_sample(img, grid, mode="bilinear", padding_mode="border", align_corners=False).reshape(n, L)
    out = out + params.noise_sd * noise.to(device=x.device, dtype=x.dtype)
    return out.reshape(shape)


@dataclass(frozen=True)
class ImageViews:
    """The view channel of an image data set: ``views(x0, generator) -> (x, y)``, two independent views.

    Attributes
    ----------
    params : ImageViewParams
    """

    params: ImageViewParams = SIMCLR

    def __call__(self, x0: torch.Tensor, generator: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
        """Two conditionally independent views of the batch ``x0`` (shape (n, C, H, W))."""
        return augment_images(x0, generator, self.params), augment_images(x0, generator, self.params)


@dataclass(frozen=True)
class SignalViews:
    """The view channel of a 1-D signal data set (MNIST-1D): two independent :func:`augment_signals`.

    Attributes
    ----------
    params : SignalViewParams
    """

    params: SignalViewParams = MNIST1D

    def __call__(self, x0: torch.Tensor, generator: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
        """Two conditionally independent views of the batch ``x0`` (shape (n, L) or (n, 1, L))."""
        return augment_signals(x0, generator, self.params), augment_signals(x0, generator, self.params)
