"""Argument checks and per-sample random draws shared by the view channels."""

from __future__ import annotations

import torch

_LUMA = (0.299, 0.587, 0.114)


def _check_images(x, name: str = "x") -> torch.Tensor:
    if not isinstance(x, torch.Tensor):
        raise TypeError(f"{name} must be a torch.Tensor of shape (n, C, H, W); got {type(x).__name__}")
    if x.ndim != 4 or min(x.shape) < 1:
        raise ValueError(f"{name} must have shape (n, C, H, W), every size >= 1; got shape {tuple(x.shape)}")
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


def _per_sample(factor, x: torch.Tensor, name: str = "factor", low=None, high=None) -> torch.Tensor:
    import math
    import numbers

    if isinstance(factor, numbers.Real) and not isinstance(factor, bool):
        v = float(factor)
        if not math.isfinite(v) or (low is not None and v < low) or (high is not None and v > high):
            rng = f"in [{low}, {high}]" if high is not None else f">= {low}" if low is not None else "finite"
            raise ValueError(f"{name} must be a finite real number {rng}; got {factor!r}")
    elif not isinstance(factor, torch.Tensor):
        raise TypeError(
            f"{name} must be a real number or a tensor of shape (n,); got {type(factor).__name__}"
        )
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
