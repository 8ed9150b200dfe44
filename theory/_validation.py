"""Input validation shared by every module of :mod:`theory`.

Every public function validates its arguments with these helpers so that bad input fails early with a
``ValueError`` or ``TypeError`` naming the argument and the expected form (never a bare ``assert``,
never a silent NaN). Statistics are computed in float64 whatever the input dtype.
"""

from __future__ import annotations

import numbers

import numpy as np

__all__ = [
    "PROB_ATOL",
    "as_channel",
    "as_int",
    "as_matrix",
    "as_prob_vector",
    "as_real",
    "as_real_array",
    "as_rng",
    "as_unit_rows",
    "as_vector",
    "check_int",
    "check_real",
    "make_rng",
]


def _finite_report(arr: np.ndarray, name: str) -> None:
    bad = ~np.isfinite(arr)
    if bad.any():
        if arr.ndim == 2:
            rows = np.flatnonzero(bad.any(axis=1))
            shown = ", ".join(str(r) for r in rows[:10]) + (", ..." if rows.size > 10 else "")
            raise ValueError(
                f"{name} has {rows.size} row(s) with NaN or inf values (rows {shown}); "
                "drop or repair them first"
            )
        idx = np.flatnonzero(bad)
        shown = ", ".join(str(i) for i in idx[:10]) + (", ..." if idx.size > 10 else "")
        raise ValueError(f"{name} has {idx.size} NaN or inf value(s) (at {shown})")


def as_matrix(x, name: str, *, min_rows: int = 1, min_cols: int = 1) -> np.ndarray:
    """Return ``x`` as a finite float64 array of shape ``(n, d)``.

    Parameters
    ----------
    x : array_like, shape (n, d)
        The input; float32 is accepted and promoted.
    name : str
        Argument name used in error messages.
    min_rows, min_cols : int
        Minimum accepted ``n`` and ``d``.
    """
    try:
        arr = np.asarray(x)
    except (ValueError, TypeError) as exc:  # ragged nested sequences
        msg = f"{name} must be array_like of shape (n, d); got a ragged or invalid sequence"
        raise ValueError(msg) from exc
    if arr.dtype == object or not (np.issubdtype(arr.dtype, np.number) or np.issubdtype(arr.dtype, np.bool_)):
        raise TypeError(f"{name} must be a numeric array of shape (n, d); got dtype {arr.dtype}")
    if np.iscomplexobj(arr):
        raise TypeError(f"{name} must be real; got dtype {arr.dtype}")
    if arr.ndim != 2:
        raise ValueError(f"{name} must have shape (n, d); got an array with shape {arr.shape}")
    n, d = arr.shape
    if n < min_rows:
        raise ValueError(f"{name} must have at least {min_rows} rows (samples); got n = {n}")
    if d < min_cols:
        raise ValueError(f"{name} must have at least {min_cols} columns; got d = {d}")
    arr = arr.astype(np.float64, copy=False)
    _finite_report(arr, name)
    return arr


def as_vector(x, name: str, *, min_len: int = 1) -> np.ndarray:
    """Return ``x`` as a finite float64 array of shape ``(n,)``."""
    try:
        arr = np.asarray(x)
    except (ValueError, TypeError) as exc:  # ragged nested sequences
        msg = f"{name} must be array_like of shape (n,); got a ragged or invalid sequence"
        raise ValueError(msg) from exc
    if arr.dtype == object or not (np.issubdtype(arr.dtype, np.number) or np.issubdtype(arr.dtype, np.bool_)):
        raise TypeError(f"{name} must be a numeric array of shape (n,); got dtype {arr.dtype}")
    if np.iscomplexobj(arr):
        raise TypeError(f"{name} must be real; got dtype {arr.dtype}")
    if arr.ndim != 1:
        raise ValueError(f"{name} must have shape (n,); got an array with shape {arr.shape}")
    if arr.shape[0] < min_len:
        raise ValueError(f"{name} must have at least {min_len} entries; got {arr.shape[0]}")
    arr = arr.astype(np.float64, copy=False)
    _finite_report(arr, name)
    return arr


def check_int(value, name: str, *, low: int | None = None, high: int | None = None) -> int:
    """Return ``value`` as ``int`` after checking its type and range ``low <= value <= high``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer; got {type(value).__name__} {value!r}")
    value = int(value)
    if low is not None and value < low:
        raise ValueError(f"{name} must be >= {low}; got {value}")
    if high is not None and value > high:
        raise ValueError(f"{name} must be <= {high}; got {value}")
    return value


def check_real(
    value,
    name: str,
    *,
    low: float | None = None,
    high: float | None = None,
    low_open: bool = False,
    high_open: bool = False,
) -> float:
    """Return ``value`` as a finite ``float`` in the given (closed or open) interval."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number; got {type(value).__name__} {value!r}")
    try:
        value = float(value)
    except OverflowError:  # an int beyond the float range
        raise ValueError(f"{name} must be finite; got an integer of {len(str(abs(value)))} digits") from None
    if not np.isfinite(value):
        raise ValueError(f"{name} must be finite; got {value}")
    if low is not None and (value <= low if low_open else value < low):
        raise ValueError(f"{name} must be {'>' if low_open else '>='} {low}; got {value}")
    if high is not None and (value >= high if high_open else value > high):
        raise ValueError(f"{name} must be {'<' if high_open else '<='} {high}; got {value}")
    return value


def make_rng(seed) -> np.random.Generator:
    """Return a :class:`numpy.random.Generator` from ``None``, an int, or a Generator."""
    if isinstance(seed, np.random.Generator):
        return seed
    if seed is None or (isinstance(seed, numbers.Integral) and not isinstance(seed, bool)):
        if seed is not None and seed < 0:
            raise ValueError(f"seed must be a non-negative integer; got {seed}")
        return np.random.default_rng(seed)
    raise TypeError(f"seed must be None, a non-negative int or a numpy Generator; got {seed!r}")


# The names of ARCHITECTURE.md (``as_int`` / ``as_real`` / ``as_rng``); the ``check_*`` / ``make_rng``
# spellings stay for the modules that use them.
as_int = check_int
as_real = check_real
as_rng = make_rng

UNIT_ATOL = 1e-5
"""Tolerance on | ||x|| - 1 | for points said to lie on the unit sphere (float32 input passes)."""


def as_unit_rows(x, name: str, *, min_rows: int = 1, atol: float = UNIT_ATOL) -> np.ndarray:
    """Return ``x`` as a float64 array of shape ``(n, d)`` whose rows lie on the unit sphere.

    The one place that validates points of :math:`S^{d-1}` (as geoopt's ``_check_point_on_manifold``):
    a row whose norm differs from 1 by more than ``atol`` is an error naming the row; rows within
    ``atol`` are returned renormalised to unit norm in float64.
    """
    arr = as_matrix(x, name, min_rows=min_rows, min_cols=1)
    norms = np.linalg.norm(arr, axis=1)
    bad = np.flatnonzero(np.abs(norms - 1.0) > atol)
    if bad.size:
        shown = ", ".join(str(i) for i in bad[:10]) + (", ..." if bad.size > 10 else "")
        raise ValueError(
            f"{name} must have unit-norm rows (points of the sphere, tolerance {atol:g}); "
            f"{bad.size} row(s) are not (rows {shown}; first norm {norms[bad[0]]:.6g}). "
            "Normalise them first (theory.sphere.project)."
        )
    return arr / norms[:, None]


# ----------------------------------------------------------------------------------------------------
# probability vectors, row-stochastic channels, real arrays (appended: shared by theory.hgr and
# theory.alignment)
# ----------------------------------------------------------------------------------------------------
PROB_ATOL = 1e-6
"""Tolerance on | sum - 1 | for probability vectors and the rows of channels (float32 input passes)."""


def _refuse_bool_array(arr: np.ndarray, name: str, form: str) -> None:
    if arr.dtype == np.bool_:
        raise TypeError(f"{name} must be {form} of real numbers; got a boolean array")


def as_prob_vector(p, name: str, *, size: int | None = None, atol: float = PROB_ATOL) -> np.ndarray:
    """Return ``p`` as a float64 probability vector of shape ``(n,)``.

    .. math::
        p_i \\ge 0, \\qquad \\Big| \\sum_i p_i - 1 \\Big| \\le \\text{atol},

    returned divided by its sum (so it sums to 1 in float64). NaN, inf, negative entries, a sum off
    1 by more than ``atol``, a wrong length, strings and booleans are errors naming ``name``.

    Parameters
    ----------
    p : array_like, shape (n,)
    name : str
        Argument name used in error messages.
    size : int, optional
        Required length.
    atol : float
        Tolerance on the sum (default :data:`PROB_ATOL`, so float32 input passes).
    """
    arr = as_vector(p, name)
    _refuse_bool_array(np.asarray(p), name, "a probability vector")
    if size is not None and arr.size != size:
        raise ValueError(f"{name} must have {size} entries; got {arr.size}")
    if np.any(arr < 0):
        raise ValueError(
            f"{name} must be a probability vector (non-negative entries summing to 1); "
            f"found a negative entry {arr.min():.6g}"
        )
    total = float(arr.sum())
    if not abs(total - 1.0) <= atol:
        raise ValueError(
            f"{name} must be a probability vector (non-negative entries summing to 1, tolerance {atol:g}); "
            f"got sum {total:.10g}"
        )
    return arr / total


def as_channel(
    K,
    name: str,
    *,
    n_rows: int | None = None,
    rows_of: str | None = None,
    min_cols: int = 1,
    atol: float = PROB_ATOL,
) -> np.ndarray:
    """Return ``K`` as a float64 row-stochastic matrix of shape ``(n_rows, n)``.

    .. math::
        K_{ij} \\ge 0, \\qquad \\Big| \\sum_j K_{ij} - 1 \\Big| \\le \\text{atol} \\ \\text{for every row } i.

    The entries are returned as given (converted to float64, not rescaled). NaN, inf, negative
    entries, a row sum off 1 by more than ``atol``, a wrong number of rows, strings and booleans are
    errors naming ``name`` (and the first offending row).

    Parameters
    ----------
    K : array_like, shape (n_rows, n)
    name : str
    n_rows : int, optional
        Required number of rows (one per value of the conditioning variable).
    rows_of : str, optional
        Name of the argument that fixes ``n_rows`` (e.g. ``"p0"``), for the error message.
    min_cols : int
        Minimum number of columns.
    atol : float
        Tolerance on each row sum (default :data:`PROB_ATOL`).
    """
    arr = as_matrix(K, name, min_cols=min_cols)
    _refuse_bool_array(np.asarray(K), name, "a row-stochastic matrix")
    if n_rows is not None and arr.shape[0] != n_rows:
        per = (
            f"one row per entry of {rows_of}" if rows_of else "one row per value of the conditioning variable"
        )
        raise ValueError(f"{name} must have shape ({n_rows}, n) ({per}); got shape {arr.shape}")
    if np.any(arr < 0):
        i = int(np.flatnonzero((arr < 0).any(axis=1))[0])
        raise ValueError(
            f"{name} must be row-stochastic (non-negative rows summing to 1); row {i} has a negative entry"
        )
    sums = arr.sum(axis=1)
    bad = np.flatnonzero(~(np.abs(sums - 1.0) <= atol))
    if bad.size:
        raise ValueError(
            f"{name} must be row-stochastic (non-negative rows summing to 1, tolerance {atol:g}); "
            f"{bad.size} row(s) do not (row {bad[0]} sums to {sums[bad[0]]:.10g})"
        )
    return arr


def as_real_array(x, name: str, *, low: float | None = None, high: float | None = None) -> np.ndarray:
    """Return a real number or array_like of any shape as a finite float64 array in ``[low, high]``.

    Strings, booleans, complex and object input are a ``TypeError``; NaN, inf or a value outside the
    closed interval a ``ValueError`` naming ``name``.
    """
    if isinstance(x, str | bytes | bool | np.bool_):
        raise TypeError(f"{name} must be a real number or an array of them; got {type(x).__name__} {x!r}")
    try:
        arr = np.asarray(x)
    except Exception as exc:  # ragged input
        raise TypeError(f"{name} must be a real number or an array of them; got {type(x).__name__}") from exc
    if arr.dtype == object or arr.dtype == np.bool_ or not np.issubdtype(arr.dtype, np.number):
        raise TypeError(f"{name} must be a real number or an array of them; got dtype {arr.dtype}")
    if np.iscomplexobj(arr):
        raise TypeError(f"{name} must be real; got dtype {arr.dtype}")
    arr = arr.astype(np.float64, copy=False)
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be finite; got {x!r}")
    if low is not None and np.any(arr < low):
        raise ValueError(f"{name} must be >= {low}; got {arr.min():.10g}")
    if high is not None and np.any(arr > high):
        raise ValueError(f"{name} must be <= {high}; got {arr.max():.10g}")
    return arr
