"""The one validator of points of the sphere; devices, dtypes, sizes and generators; random draws."""

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
        if not 0 <= generator < 2**64:
            raise ValueError(f"generator must be an int seed in [0, 2**64); got {generator}")
        g = torch.Generator(device=dev)
        g.manual_seed(int(generator))
        return g
    raise TypeError(f"generator must be None, a non-negative int or a torch.Generator; got {generator!r}")


def _device_of(generator, device):
    if device is not None:
        return as_device(device)
    if isinstance(generator, torch.Generator):
        return generator.device
    return torch.device("cpu")


DTYPES = (torch.float32, torch.float64)
"""The floating dtypes of particles: float64 is the reference precision, float32 the fast path."""


def as_dtype(dtype, name: str = "dtype") -> torch.dtype:
    """``torch.float32`` or ``torch.float64`` (also given as ``"float32"`` / ``"float64"``).

    Raises
    ------
    TypeError
        Any other dtype (integer, complex, half precision) or object, naming ``name`` and the value.
    """
    if isinstance(dtype, str):
        dtype = {"float32": torch.float32, "float64": torch.float64}.get(dtype, dtype)
    if isinstance(dtype, torch.dtype) and dtype in DTYPES:
        return dtype
    raise TypeError(
        f"{name} must be torch.float32 or torch.float64 (or 'float32' / 'float64'); got {dtype!r}"
    )


def as_device(device, name: str = "device") -> torch.device:
    """A torch device that exists on this machine and holds data.

    Accepts a ``torch.device`` or a string (``"cpu"``, ``"cuda"``, ``"cuda:1"``, ``"mps"``, ...). A
    one-element allocation probes the device, so an accelerator that torch knows but this machine lacks is
    refused here, by name, rather than deep inside a computation.

    Raises
    ------
    TypeError
        Not a string or ``torch.device``.
    ValueError
        Not a device name, the ``meta`` device (no data), or a device this machine does not have.
    """
    if not isinstance(device, str | torch.device):
        raise TypeError(f"{name} must be a torch.device or a string such as 'cpu' or 'cuda'; got {device!r}")
    try:
        dev = torch.device(device)
    except (RuntimeError, ValueError):
        raise ValueError(
            f"{name} {str(device)!r} is not a torch device (e.g. 'cpu', 'cuda', 'cuda:1')"
        ) from None
    if dev.type == "meta":
        raise ValueError(f"{name} 'meta' holds no data; give 'cpu' or an accelerator of this machine")
    if dev.type == "cpu":
        return dev
    if dev.type == "cuda" and not torch.cuda.is_available():
        raise ValueError(f"{name} {str(dev)!r}: CUDA is not available on this machine")
    try:
        torch.empty(1, device=dev)
    except (RuntimeError, AssertionError, ValueError) as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ValueError(f"{name} {str(dev)!r} is not available on this machine ({reason})") from None
    return dev


def _memory_bytes(device: torch.device) -> int | None:
    """Memory of ``device`` (physical memory for CPU, free memory for CUDA); ``None`` if unknown."""
    import os

    try:
        if device.type == "cpu":
            return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
        if device.type == "cuda":
            return int(torch.cuda.mem_get_info(device)[0])
    except (ValueError, OSError, RuntimeError, AttributeError):
        return None
    return None


def check_size(N: int, d: int, dtype: torch.dtype, device, *, copies: int = 1, name: str = "N x d") -> None:
    """Refuse ``copies`` tensors of shape ``(N, d)`` that cannot fit in ``device``'s memory.

    Raises
    ------
    ValueError
        Naming the sizes, the bytes needed and the memory of the device.
    """
    dev = torch.device("cpu") if device is None else torch.device(device)
    need = N * d * torch.empty((), dtype=dtype).element_size() * copies
    have = _memory_bytes(dev)
    if have is not None and need > have:
        raise ValueError(
            f"{name} = {N} x {d} needs {need / 2**30:.3g} GiB ({copies} array(s) of {dtype}), more than "
            f"the {have / 2**30:.3g} GiB of memory of {dev}; reduce N or d"
        )


def _randn(shape, generator: torch.Generator, device, dtype) -> Tensor:
    """Standard normals drawn on the generator's device, then moved (so any generator works anywhere)."""
    z = torch.randn(shape, generator=generator, device=generator.device, dtype=dtype)
    return z.to(device)


def _rand(shape, generator: torch.Generator, device, dtype) -> Tensor:
    z = torch.rand(shape, generator=generator, device=generator.device, dtype=dtype)
    return z.to(device)
