"""Deprecation helpers: renamed keywords, renamed functions, results that used to be tuples.

A public name that changes keeps working for a while: the old keyword or the old function name still
works and emits a :class:`DeprecationWarning` naming the new one.
"""

from __future__ import annotations

import functools
import warnings
from collections.abc import Callable
from typing import Any

__all__ = ["TupleCompat", "deprecated_alias", "renamed_keywords"]


def renamed_keywords(**renames: str) -> Callable:
    """Decorator: accept each old keyword ``old=`` as the new one (``renamed_keywords(N="n_samples")``).

    Passing both the old and the new keyword is a :class:`TypeError`.
    """

    def deco(fn: Callable) -> Callable:
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            for old, new in renames.items():
                if old in kwargs:
                    if new in kwargs:
                        raise TypeError(f"{fn.__name__}() got both {old!r} (deprecated) and {new!r}")
                    warnings.warn(
                        f"{fn.__name__}({old}=...) is deprecated; use {new}=... "
                        f"(the keyword {old!r} was renamed {new!r})",
                        DeprecationWarning,
                        stacklevel=2,
                    )
                    kwargs[new] = kwargs.pop(old)
            return fn(*args, **kwargs)

        return wrapper

    return deco


def deprecated_alias(fn: Callable, old_name: str, old_module: str) -> Callable:
    """A function ``old_module.old_name`` that warns and calls ``fn``."""

    @functools.wraps(fn)
    def alias(*args, **kwargs):
        warnings.warn(
            f"{old_module}.{old_name} is deprecated; use {fn.__module__}.{fn.__name__}",
            DeprecationWarning,
            stacklevel=2,
        )
        return fn(*args, **kwargs)

    alias.__name__ = old_name
    alias.__qualname__ = old_name
    alias.__module__ = old_module
    alias.__doc__ = f"Deprecated alias of :func:`{fn.__module__}.{fn.__name__}` (same arguments and result)."
    return alias


class TupleCompat:
    """For a result dataclass that used to be a tuple: unpacking still works, with a warning.

    The class attribute ``_tuple_fields`` names the fields, in the order of the former tuple.
    """

    _tuple_fields: tuple[str, ...] = ()

    def _as_tuple(self) -> tuple[Any, ...]:
        warnings.warn(
            f"unpacking {type(self).__name__} as a tuple is deprecated; use its attributes "
            f"({', '.join(self._tuple_fields)})",
            DeprecationWarning,
            stacklevel=3,
        )
        return tuple(getattr(self, f) for f in self._tuple_fields)

    def __iter__(self):
        return iter(self._as_tuple())

    def __getitem__(self, i):
        return self._as_tuple()[i]
