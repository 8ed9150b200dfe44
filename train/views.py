"""Batched view channels (augmentations) on torch tensors, with per-sample random parameters.

The paper's CIFAR-10 views (App. E.1, SimCLR style) are, in this order,

1. ``RandomResizedCrop`` to the input size, area fraction ``s ~ U(0.2, 1)`` and log aspect ratio
   ``log r ~ U(log 3/4, log 4/3)`` (torchvision's rule: up to 10 proposals, the first that fits is
   kept, otherwise a centred crop of the whole image with the ratio clamped to the range);
2. horizontal flip with probability 0.5;
3. ``ColorJitter(brightness=0.8, contrast=0.8, saturation=0.8, hue=0.2)`` with probability 0.8: the
   four adjustments in a random order, factors ``b, c, s ~ U(0.2, 1.8)`` and hue shift
   ``h ~ U(-0.2, 0.2)``;
4. grayscale with probability 0.2 (ITU-R 601-2 luma ``0.299 R + 0.587 G + 0.114 B``).

Everything here acts on a batch ``(n, C, H, W)`` at once: every sample draws its own parameters from a
``torch.Generator`` (so a seed fixes the views), the crop and flip are one ``F.affine_grid`` +
``F.grid_sample`` call, the colour operations are elementwise on the batch. torchvision is not used
(its PyPI build does not import beside the CPU torch wheel). ``benchmarks/bench_views.py`` times this
against kornia's augmentation module in the same run.

The view channel of :class:`train.data.base.PairData` is ``views(x0, generator) -> (x, y)``: two
conditionally independent views of the same base batch; :class:`ImageViews` and :class:`SignalViews`
are such callables (frozen dataclasses, so they pickle into worker processes).

Also here: a 1-D channel for MNIST-1D signals ``(n, L)`` or ``(n, 1, L)`` (random time shift and
scaling by linear interpolation, additive Gaussian noise) and the parameters for 8x8 digits (small
crops, no flip, no colour).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
import torch.nn.functional as F

__all__ = [
    "DIGITS",
    "MNIST1D",
    "SIMCLR",
    "ImageViewParams",
    "ImageViews",
    "SampledViewParams",
    "SignalViewParams",
    "SignalViews",
    "adjust_brightness",
    "adjust_contrast",
    "adjust_hue",
    "adjust_saturation",
    "augment_images",
    "augment_signals",
    "hsv_to_rgb",
    "rgb_to_grayscale",
    "rgb_to_hsv",
    "sample_crop_boxes",
]

_LUMA = (0.299, 0.587, 0.114)


# ----------------------------------------------------------------------------------------------------
# parameters
# ----------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ImageViewParams:
    """Parameters of the image view channel (defaults: the paper's SimCLR CIFAR-10 views).

    Attributes
    ----------
    crop : bool
        Apply the random resized crop (``False``: the whole image, no resampling).
    scale : tuple of float
        Range of the crop's area fraction, ``0 < low <= high <= 1``.
    ratio : tuple of float
        Range of the crop's aspect ratio width / height (sampled log-uniformly).
    flip_p : float
        Probability of a horizontal flip.
    jitter_p : float
        Probability that colour jitter is applied to a sample.
    brightness, contrast, saturation : float
        Jitter strengths: factors are drawn from ``U(max(0, 1 - x), 1 + x)``.
    hue : float
        Hue shift drawn from ``U(-hue, hue)``, ``0 <= hue <= 0.5`` (fraction of a full turn).
    gray_p : float
        Probability of conversion to grayscale (3-channel images only).
    """

    crop: bool = True
    scale: tuple[float, float] = (0.2, 1.0)
    ratio: tuple[float, float] = (3.0 / 4.0, 4.0 / 3.0)
    flip_p: float = 0.5
    jitter_p: float = 0.8
    brightness: float = 0.8
    contrast: float = 0.8
    saturation: float = 0.8
    hue: float = 0.2
    gray_p: float = 0.2

    def __post_init__(self) -> None:
        lo, hi = (float(v) for v in self.scale)
        if not (0.0 < lo <= hi <= 1.0):
            raise ValueError(f"scale must satisfy 0 < low <= high <= 1; got {self.scale!r}")
        rlo, rhi = (float(v) for v in self.ratio)
        if not (0.0 < rlo <= rhi):
            raise ValueError(f"ratio must satisfy 0 < low <= high; got {self.ratio!r}")
        for name in ("flip_p", "jitter_p", "gray_p"):
            p = getattr(self, name)
            if not (0.0 <= float(p) <= 1.0):
                raise ValueError(f"{name} must be a probability in [0, 1]; got {p!r}")
        for name in ("brightness", "contrast", "saturation"):
            if float(getattr(self, name)) < 0:
                raise ValueError(f"{name} must be >= 0; got {getattr(self, name)!r}")
        if not (0.0 <= float(self.hue) <= 0.5):
            raise ValueError(f"hue must be in [0, 0.5]; got {self.hue!r}")


#: The paper's CIFAR-10 views (App. E.1).
SIMCLR = ImageViewParams()
#: 8x8 digits: small crops (area 60-100%), no flip (a mirrored digit is another symbol), no colour.
DIGITS = ImageViewParams(scale=(0.6, 1.0), flip_p=0.0, jitter_p=0.0, gray_p=0.0)


@dataclass(frozen=True)
class SignalViewParams:
    """Parameters of the 1-D view channel (MNIST-1D signals).

    A view resamples the signal at ``t' = scale * t + shift`` (``t`` in [-1, 1], linear interpolation,
    border values beyond the ends) and adds independent ``N(0, noise_sd^2)`` noise.

    Attributes
    ----------
    max_shift : float
        Shift drawn from ``U(-max_shift, max_shift)`` as a fraction of the half-length.
    scale : tuple of float
        Time-scale factor range (``> 1`` zooms out).
    noise_sd : float
        Standard deviation of the additive noise.
    """

    max_shift: float = 0.1
    scale: tuple[float, float] = (0.9, 1.1)
    noise_sd: float = 0.05

    def __post_init__(self) -> None:
        if not (0.0 <= float(self.max_shift) <= 1.0):
            raise ValueError(f"max_shift must be in [0, 1]; got {self.max_shift!r}")
        lo, hi = (float(v) for v in self.scale)
        if not (0.0 < lo <= hi):
            raise ValueError(f"scale must satisfy 0 < low <= high; got {self.scale!r}")
        if float(self.noise_sd) < 0:
            raise ValueError(f"noise_sd must be >= 0; got {self.noise_sd!r}")


#: MNIST-1D views: shift up to 10% of the half-length, time scale 0.9-1.1, noise sd 0.05.
MNIST1D = SignalViewParams()


@dataclass(frozen=True)
class SampledViewParams:
    """The random parameters one call of :func:`augment_images` drew (for tests and logging).

    Attributes
    ----------
    boxes : Tensor, shape (n, 4)
        Crop boxes ``(top, left, height, width)`` as fractions of the image height/width.
    flip : Tensor, shape (n,), bool
        Which samples were flipped.
    jitter : Tensor, shape (n,), bool
        Which samples were colour-jittered.
    factors : Tensor, shape (n, 4)
        Brightness, contrast, saturation factors and hue shift (drawn for every sample; used only where
        ``jitter``).
    order : Tensor, shape (n, 4), int64
        The order of the four jitter operations (0 brightness, 1 contrast, 2 saturation, 3 hue).
    gray : Tensor, shape (n,), bool
        Which samples were converted to grayscale.
    """

    boxes: torch.Tensor
    flip: torch.Tensor
    jitter: torch.Tensor
    factors: torch.Tensor
    order: torch.Tensor
    gray: torch.Tensor


# ----------------------------------------------------------------------------------------------------
# helpers
# ----------------------------------------------------------------------------------------------------
def _check_images(x, name: str = "x") -> torch.Tensor:
    if not isinstance(x, torch.Tensor):
        raise TypeError(f"{name} must be a torch.Tensor of shape (n, C, H, W); got {type(x).__name__}")
    if x.ndim != 4:
        raise ValueError(f"{name} must have shape (n, C, H, W); got shape {tuple(x.shape)}")
    if not x.is_floating_point():
        raise TypeError(f"{name} must be a floating tensor with values in [0, 1]; got dtype {x.dtype}")
    return x


def _check_generator(generator) -> torch.Generator:
    if not isinstance(generator, torch.Generator):
        raise TypeError(f"generator must be a torch.Generator; got {type(generator).__name__}")
    return generator


def _uniform(n: int, low: float, high: float, generator, dtype=torch.float64) -> torch.Tensor:
    u = torch.rand(n, generator=generator, dtype=dtype, device=generator.device)
    return low + (high - low) * u


def _bernoulli(n: int, p: float, generator) -> torch.Tensor:
    return torch.rand(n, generator=generator, dtype=torch.float64, device=generator.device) < p


def _per_sample(factor, x: torch.Tensor) -> torch.Tensor:
    f = torch.as_tensor(factor, dtype=x.dtype, device=x.device)
    if f.ndim == 0:
        f = f.expand(x.shape[0])
    if f.shape != (x.shape[0],):
        raise ValueError(f"factor must be a scalar or have shape ({x.shape[0]},); got {tuple(f.shape)}")
    return f.view(-1, 1, 1, 1)


def _check_rgb(x: torch.Tensor) -> None:
    _check_images(x)
    if x.shape[1] != 3:
        raise ValueError(f"x must have 3 (RGB) channels; got shape {tuple(x.shape)}")


# ----------------------------------------------------------------------------------------------------
# crops
# ----------------------------------------------------------------------------------------------------
def sample_crop_boxes(
    n: int,
    height: int,
    width: int,
    generator: torch.Generator,
    *,
    scale: tuple[float, float] = (0.2, 1.0),
    ratio: tuple[float, float] = (3.0 / 4.0, 4.0 / 3.0),
    n_trials: int = 10,
) -> torch.Tensor:
    """Random resized crop boxes, torchvision's rule, for ``n`` samples at once.

    Each sample proposes ``n_trials`` boxes of area fraction :math:`s \\sim U(\\text{scale})` and aspect
    ratio :math:`r = w/h` with :math:`\\log r \\sim U(\\log \\text{ratio})`, i.e. (in pixels)

    .. math::
        w = \\sqrt{s H W r}, \\qquad h = \\sqrt{s H W / r},

    and keeps the first that fits (``w <= W``, ``h <= H``); its top-left corner is uniform over the
    positions that keep it inside. A sample with no fitting proposal gets torchvision's fallback: the
    largest centred crop whose ratio is the input's clamped to ``ratio``. Box sides are continuous
    (not rounded to pixels): the resampling is bilinear anyway.

    Parameters
    ----------
    n : int
        Number of boxes.
    height, width : int
        Image size in pixels.
    generator : torch.Generator
    scale, ratio : tuple of float
    n_trials : int

    Returns
    -------
    Tensor, shape (n, 4), float64
        ``(top, left, h, w)`` as fractions of ``height`` and ``width``.
    """
    generator = _check_generator(generator)
    dev = generator.device
    area = float(height * width)
    s = _uniform(n * n_trials, scale[0], scale[1], generator).view(n, n_trials)
    log_r = _uniform(n * n_trials, math.log(ratio[0]), math.log(ratio[1]), generator).view(n, n_trials)
    r = torch.exp(log_r)
    w = torch.sqrt(s * area * r)
    h = torch.sqrt(s * area / r)
    ok = (w <= width) & (h <= height)
    first = torch.argmax(ok.to(torch.int8), dim=1)  # first True (0 if none; fixed below)
    any_ok = ok.any(dim=1)
    rows = torch.arange(n, device=dev)
    w_sel, h_sel = w[rows, first], h[rows, first]
    # fallback (torchvision): whole image with its ratio clamped into the range
    in_ratio = width / height
    if in_ratio < ratio[0]:
        fw, fh = float(width), width / ratio[0]
    elif in_ratio > ratio[1]:
        fw, fh = height * ratio[1], float(height)
    else:
        fw, fh = float(width), float(height)
    w_sel = torch.where(any_ok, w_sel, torch.full_like(w_sel, fw))
    h_sel = torch.where(any_ok, h_sel, torch.full_like(h_sel, fh))
    u_top = torch.rand(n, generator=generator, dtype=torch.float64, device=dev)
    u_left = torch.rand(n, generator=generator, dtype=torch.float64, device=dev)
    top = torch.where(any_ok, u_top * (height - h_sel), (height - h_sel) / 2)
    left = torch.where(any_ok, u_left * (width - w_sel), (width - w_sel) / 2)
    return torch.stack([top / height, left / width, h_sel / height, w_sel / width], dim=1)


def _crop_flip(x: torch.Tensor, boxes: torch.Tensor | None, flip: torch.Tensor) -> torch.Tensor:
    """Resample every image on its box (bilinear, to the input size), mirrored where ``flip``."""
    n = x.shape[0]
    if boxes is None:
        boxes = torch.tensor([[0.0, 0.0, 1.0, 1.0]], dtype=torch.float64, device=x.device).expand(n, 4)
    top, left, h, w = boxes.to(x.device).unbind(1)
    # output coordinate t in [-1, 1] -> input coordinate c + half_size * t (normalised, align_corners=False)
    cx = 2 * left + w - 1
    cy = 2 * top + h - 1
    sx = torch.where(flip.to(x.device), -w, w)
    theta = torch.zeros(n, 2, 3, dtype=x.dtype, device=x.device)
    theta[:, 0, 0] = sx.to(x.dtype)
    theta[:, 0, 2] = cx.to(x.dtype)
    theta[:, 1, 1] = h.to(x.dtype)
    theta[:, 1, 2] = cy.to(x.dtype)
    grid = F.affine_grid(theta, list(x.shape), align_corners=False)
    return F.grid_sample(x, grid, mode="bilinear", padding_mode="border", align_corners=False)


# ----------------------------------------------------------------------------------------------------
# colour (batched, per-sample factors; the formulas of torchvision.transforms.functional)
# ----------------------------------------------------------------------------------------------------
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
    return (x * _per_sample(factor, x)).clamp(0.0, 1.0)


def adjust_contrast(x: torch.Tensor, factor) -> torch.Tensor:
    """:math:`\\operatorname{clip}(c\\,x + (1 - c)\\,\\bar L, 0, 1)`, :math:`\\bar L` the image's mean luma.

    For one-channel images the mean of the channel is used.
    """
    _check_images(x)
    c = _per_sample(factor, x)
    gray = rgb_to_grayscale(x) if x.shape[1] == 3 else x
    mean = gray.mean(dim=(1, 2, 3), keepdim=True)
    return (c * x + (1 - c) * mean).clamp(0.0, 1.0)


def adjust_saturation(x: torch.Tensor, factor) -> torch.Tensor:
    """:math:`\\operatorname{clip}(s\\,x + (1 - s)\\,L, 0, 1)`, :math:`L` the pixel's luma (RGB only)."""
    _check_rgb(x)
    s = _per_sample(factor, x)
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
    sh = _per_sample(shift, x).squeeze(1)
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


# ----------------------------------------------------------------------------------------------------
# the channel
# ----------------------------------------------------------------------------------------------------
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
