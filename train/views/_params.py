"""Parameters of the view channels: images (SimCLR, digits), 1-D signals, and one call's draws."""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch


def _real(value, name: str) -> float:
    """``value`` as a finite float, or a ``ValueError`` naming the parameter."""
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a real number; got {value!r}") from None
    if isinstance(value, bool) or not math.isfinite(v):
        raise ValueError(f"{name} must be a finite real number; got {value!r}")
    return v


def _pair(value, name: str) -> tuple[float, float]:
    if isinstance(value, str | bytes) or not hasattr(value, "__len__") or len(value) != 2:
        raise ValueError(f"{name} must be a pair (low, high) of real numbers; got {value!r}")
    return _real(value[0], name), _real(value[1], name)


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
        lo, hi = _pair(self.scale, "scale")
        if not (0.0 < lo <= hi <= 1.0):
            raise ValueError(f"scale must satisfy 0 < low <= high <= 1; got {self.scale!r}")
        rlo, rhi = _pair(self.ratio, "ratio")
        if not (0.0 < rlo <= rhi):
            raise ValueError(f"ratio must satisfy 0 < low <= high; got {self.ratio!r}")
        for name in ("flip_p", "jitter_p", "gray_p"):
            p = getattr(self, name)
            if not (0.0 <= _real(p, name) <= 1.0):
                raise ValueError(f"{name} must be a probability in [0, 1]; got {p!r}")
        for name in ("brightness", "contrast", "saturation"):
            if _real(getattr(self, name), name) < 0:
                raise ValueError(f"{name} must be >= 0; got {getattr(self, name)!r}")
        if not (0.0 <= _real(self.hue, "hue") <= 0.5):
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
        if not (0.0 <= _real(self.max_shift, "max_shift") <= 1.0):
            raise ValueError(f"max_shift must be in [0, 1]; got {self.max_shift!r}")
        lo, hi = _pair(self.scale, "scale")
        if not (0.0 < lo <= hi):
            raise ValueError(f"scale must satisfy 0 < low <= high; got {self.scale!r}")
        if _real(self.noise_sd, "noise_sd") < 0:
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
