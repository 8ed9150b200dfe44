"""The one validator of points of the sphere, generators, and device-agnostic random draws."""

from __future__ import annotations

import numbers

import torch
from torch import Tensor

from theory._validation import UNIT_ATOL

# --------------------------------------------------------------------------------------------------
# validation
# --------------------------------------------------------------------------------------------------


def _check_tensor(x, name: str) -> Tensor:
    if not isinstance(x, Tensor):
        raise TypeError(f"{name} must be a torch.Tensor of shape (N, d); got {type(x).__name__}")
    if not x.is_floating_point():
        raise TypeError(f"{name} must be a floating-point tensor of shape (N, d); got dtype {x.dtype}")
    if x.ndim != 2:
        raise ValueError(f"{name} must have shape (N, d); got a tensor with shape {tuple(x.shape)}")
    if x.shape[0] < 1 or x.shape[1] < 1:
        raise ValueError(f"{name} must have at least one row and one column; got shape {tuple(x.shape)}")
    bad = ~torch.isfinite(x).all(dim=1)
    if bool(bad.any()):
        rows = torch.nonzero(bad).flatten()[:10].tolist()
        raise ValueError(
            f"{name} has {int(bad.sum())} row(s) with NaN or inf values (rows {rows}); drop or repair them"
        )
    return x


def check_points(x, name: str = "points", *, atol: float = UNIT_ATOL) -> Tensor:
    """Validate points of the sphere: a finite floating tensor of shape ``(N, d)`` with unit rows.

    The one validator of points in :mod:`simulate` (the torch twin of
    :func:`theory._validation.as_unit_rows`).

    .. math::
        \\big|\\, \\lVert x_i \\rVert - 1 \\big| \\le \\mathrm{atol} \\quad \\text{for every row } i.

    Parameters
    ----------
    x : Tensor, shape (N, d)
        Candidate points (float32 or float64, any device).
    name : str
        Argument name used in error messages.
    atol : float
        Tolerance on the row norms (default ``theory._validation.UNIT_ATOL``).

    Returns
    -------
    Tensor, shape (N, d)
        ``x`` itself (not copied, not renormalised).

    Raises
    ------
    TypeError
        Not a floating tensor.
    ValueError
        Wrong shape, NaN/inf values, or rows off the sphere (the first offending rows are named).
    """
    x = _check_tensor(x, name)
    norms = torch.linalg.vector_norm(x, dim=1)
    bad = (norms - 1.0).abs() > atol
    if bool(bad.any()):
        rows = torch.nonzero(bad).flatten()
        first = int(rows[0])
        raise ValueError(
            f"{name} must have unit-norm rows (points of the sphere, tolerance {atol:g}); "
            f"{rows.numel()} row(s) are not (rows {rows[:10].tolist()}; row {first} has norm "
            f"{float(norms[first]):.6g}). Normalise them first (simulate.sphere.project)."
        )
    return x


def as_generator(generator, device=None) -> torch.Generator:
    """Return a :class:`torch.Generator` on ``device`` from ``None`` (fresh, random seed), an int seed,
    or a generator (returned as is).

    Parameters
    ----------
    generator : None, int or torch.Generator
    device : torch.device or str, optional
        Device of a generator built here (default CPU).
    """
    if isinstance(generator, torch.Generator):
        return generator
    dev = torch.device("cpu") if device is None else torch.device(device)
    if generator is None:
        g = torch.Generator(device=dev)
        g.seed()
        return g
    if isinstance(generator, numbers.Integral) and not isinstance(generator, bool):
        if generator < 0:
            raise ValueError(f"generator must be a non-negative int seed; got {generator}")
        g = torch.Generator(device=dev)
        g.manual_seed(int(generator))
        return g
    raise TypeError(f"generator must be None, a non-negative int or a torch.Generator; got {generator!r}")


def _device_of(generator, device):
    if device is not None:
        return torch.device(device)
    if isinstance(generator, torch.Generator):
        return generator.device
    return torch.device("cpu")


def _randn(shape, generator: torch.Generator, device, dtype) -> Tensor:
    """Standard normals drawn on the generator's device, then moved (so any generator works anywhere)."""
    z = torch.randn(shape, generator=generator, device=generator.device, dtype=dtype)
    return z.to(device)


def _rand(shape, generator: torch.Generator, device, dtype) -> Tensor:
    z = torch.rand(shape, generator=generator, device=generator.device, dtype=dtype)
    return z.to(device)
