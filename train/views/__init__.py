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

Layout (private parts behind this ``__init__``, which re-exports every public name):

- ``_params``: :class:`ImageViewParams`, :class:`SignalViewParams`, :class:`SampledViewParams` and the
  named parameter sets :data:`SIMCLR`, :data:`DIGITS`, :data:`MNIST1D`;
- ``_common``: argument checks and the per-sample random draws;
- ``_crop``: :func:`sample_crop_boxes` and the batched crop-and-flip resampling;
- ``_color``: grayscale, brightness, contrast, saturation, HSV and hue (batched, per-sample factors);
- ``_channel``: :func:`augment_images`, :func:`augment_signals` and the view channels
  :class:`ImageViews`, :class:`SignalViews`.
"""

from __future__ import annotations

from train.views._channel import ImageViews, SignalViews, augment_images, augment_signals
from train.views._color import (
    adjust_brightness,
    adjust_contrast,
    adjust_hue,
    adjust_saturation,
    hsv_to_rgb,
    rgb_to_grayscale,
    rgb_to_hsv,
)
from train.views._crop import _crop_flip as _crop_flip  # the resampling the tests compare against
from train.views._crop import sample_crop_boxes
from train.views._params import (
    DIGITS,
    MNIST1D,
    SIMCLR,
    ImageViewParams,
    SampledViewParams,
    SignalViewParams,
)

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
