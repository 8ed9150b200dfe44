"""Deprecated keyword names of :mod:`theory.sphere` (private).

``N`` for a sample count became ``n_samples`` and ``alpha`` for a significance level became ``level``
(one name per concept: ``N`` is a batch size or particle count, ``alpha`` the inverse temperature).
"""

from __future__ import annotations

import functools
import warnings


def renamed_kwargs(**renames: str):
    """Decorator: accept the old keyword ``old=`` for ``new=`` with a ``DeprecationWarning``."""

    def wrap(fn):
        @functools.wraps(fn)
        def inner(*args, **kwargs):
            for old, new in renames.items():
                if old in kwargs:
                    if new in kwargs:
                        raise TypeError(f"{fn.__name__}() got both {old!r} (deprecated) and {new!r}")
                    warnings.warn(
                        f"{fn.__name__}({old}=...) is deprecated; use {new}=...",
                        DeprecationWarning,
                        stacklevel=2,
                    )
                    kwargs[new] = kwargs.pop(old)
            return fn(*args, **kwargs)

        return inner

    return wrap
