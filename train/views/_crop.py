"""Random resized crops (torchvision's rule) and the batched crop-and-flip resampling."""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F

from train.views._common import _check_generator, _uniform


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
    from theory._validation import check_int
    from train.views._params import _pair

    generator = _check_generator(generator)
    n = check_int(n, "n", low=1)
    height, width = check_int(height, "height", low=1), check_int(width, "width", low=1)
    n_trials = check_int(n_trials, "n_trials", low=1)
    scale, ratio = _pair(scale, "scale"), _pair(ratio, "ratio")
    if not 0.0 < scale[0] <= scale[1] <= 1.0:
        raise ValueError(f"scale must satisfy 0 < low <= high <= 1; got {scale!r}")
    if not 0.0 < ratio[0] <= ratio[1]:
        raise ValueError(f"ratio must satisfy 0 < low <= high; got {ratio!r}")
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
