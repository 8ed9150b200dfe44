"""A disk cache for values that take seconds to compute and are a pure function of their parameters.

:func:`cached` returns ``compute()`` and keeps it on disk under a key made of

- the value's ``name`` and its ``params`` (a JSON-able mapping: every argument the value depends on);
- the package version (:data:`theory.__version__`) and the versions of the numerical libraries in
  ``libs`` (numpy and scipy by default; add torch for values that torch computes);
- a SHA-256 digest of the source of the packages and modules in ``sources`` (every ``.py`` file of a
  package: the code that computes the value and everything it can call): any edit of that code changes
  the key, so a value computed by other code is never served.

The cache lives in ``results/cache/`` of the checkout (an editable install), else in the user cache
folder (``$XDG_CACHE_HOME/infonce-gaussian`` or ``~/.cache/infonce-gaussian``). The environment variable
``INFONCE_GAUSSIAN_CACHE`` names another folder, or turns the cache off (``off``, ``0`` or empty): every
value is then computed. Deleting the folder is always safe. Values are pickled (the exact object: numpy
scalars, arrays, frozen dataclasses), written atomically, and each file records its own key; a file
that cannot be read, or holds another key, is recomputed and replaced, and a folder that cannot be
written only costs the recomputation. Every call returns its own object (unpickled or just computed), so
a caller may mutate it.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import importlib.util
import os
import pickle
import re
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any, TypeVar

__all__ = ["CACHE_ENV", "cache_dir", "cache_key", "cached", "source_digest"]

T = TypeVar("T")

CACHE_ENV = "INFONCE_GAUSSIAN_CACHE"
"""Environment variable: the cache folder, or ``off`` / ``0`` / empty to compute every value."""

_OFF = {"", "0", "off", "no", "false", "none"}


def cache_dir() -> Path | None:
    """The cache folder (see the module docstring), or ``None`` when the cache is off."""
    env = os.environ.get(CACHE_ENV)
    if env is not None:
        return None if env.strip().lower() in _OFF else Path(env).expanduser()
    root = Path(__file__).resolve().parent.parent
    if (root / "pyproject.toml").is_file():
        return root / "results" / "cache"
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "infonce-gaussian"


@functools.cache
def source_digest(sources: tuple[str, ...]) -> str:
    """SHA-256 (hex) of the source of the importable packages and modules named in ``sources``.

    A package contributes every ``.py`` file below its folder, a module its own file; each file enters by
    its path relative to the package's folder (its name for a module) and its bytes, in sorted order, so
    the digest changes with any edit, addition, removal or rename of a source file, and with nothing
    else. Computed once per process and per tuple (the code a process runs is the code it imported).

    Raises
    ------
    ValueError
        If a name is neither an importable package nor a module with a source file.
    """
    h = hashlib.sha256()
    for name in sources:
        try:
            spec = importlib.util.find_spec(name)
        except (ImportError, ValueError):
            spec = None
        if spec is not None and spec.submodule_search_locations:
            files = []
            for folder in spec.submodule_search_locations:
                root = Path(folder)
                files += [(p.relative_to(root).as_posix(), p) for p in root.rglob("*.py")]
        elif spec is not None and spec.origin and spec.origin.endswith(".py"):
            files = [(Path(spec.origin).name, Path(spec.origin))]
        else:
            raise ValueError(
                f"sources: {name!r} is neither an importable package nor a module with a source file"
            )
        h.update(f"source {name}\n".encode())
        for rel, path in sorted(files):
            if "__pycache__" in path.parts:
                continue
            data = path.read_bytes()
            h.update(f"{rel}\n{len(data)}\n".encode())
            h.update(data)
    return h.hexdigest()


def _lib_version(lib: str) -> str:
    try:
        return importlib.metadata.version(lib)
    except importlib.metadata.PackageNotFoundError:
        return "absent"


def cache_key(
    name: str,
    params: Mapping,
    *,
    sources: Iterable[str] = ("theory",),
    libs: Iterable[str] = ("numpy", "scipy"),
) -> str:
    """The key of ``name`` at ``params``: SHA-256 (hex) of the name, the parameters, the package
    version, the versions of ``libs`` and :func:`source_digest` of ``sources``.

    Parameters
    ----------
    name : str
        What the value is (e.g. ``"theory.hgr.eta2_laplace_channel"``).
    params : mapping
        Every argument the value depends on, JSON-able (see :func:`theory._results.canonical_json`).
    sources : iterable of str
        The packages and modules whose source computes the value.
    libs : iterable of str
        Distributions whose versions enter the key.
    """
    from theory import __version__
    from theory._results import canonical_json

    if not isinstance(name, str) or not name:
        raise TypeError(f"name must be a non-empty string; got {name!r}")
    if not isinstance(params, Mapping):
        raise TypeError(f"params must be a mapping of JSON-able values; got {type(params).__name__}")
    sources = tuple(sorted(set(sources)))
    ident = {
        "name": name,
        "params": dict(params),
        "version": __version__,
        "libs": {lib: _lib_version(lib) for lib in sorted(set(libs))},
        "source": source_digest(sources),
    }
    return hashlib.sha256(canonical_json(ident).encode("utf-8")).hexdigest()


def _file(folder: Path, name: str, key: str) -> Path:
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "_", name)[:80] or "value"
    return folder / safe / f"{key[:32]}.pkl"


_MISSING = object()


def _read(path: Path, key: str) -> Any:
    try:
        record = pickle.loads(path.read_bytes())
    except Exception:  # a missing, truncated or foreign file is recomputed
        return _MISSING
    if not isinstance(record, dict) or record.get("key") != key or "value" not in record:
        return _MISSING
    return record["value"]


def cached(
    name: str,
    params: Mapping,
    compute: Callable[[], T],
    *,
    sources: Iterable[str] = ("theory",),
    libs: Iterable[str] = ("numpy", "scipy"),
) -> T:
    """``compute()``, read from the disk cache when this exact value was computed before.

    Parameters
    ----------
    name, params, sources, libs
        The value's identity (:func:`cache_key`): ``params`` must hold every argument ``compute``
        depends on, and ``sources`` the code it runs.
    compute : callable
        No arguments; returns a picklable value.

    Returns
    -------
    object
        ``compute()``'s value: the object just computed, or a fresh copy unpickled from the cache.
    """
    if not callable(compute):
        raise TypeError(f"compute must be callable; got {type(compute).__name__}")
    folder = cache_dir()
    if folder is None:
        return compute()
    key = cache_key(name, params, sources=sources, libs=libs)
    path = _file(folder, name, key)
    value = _read(path, key)
    if value is not _MISSING:
        return value
    value = compute()
    record = {"key": key, "name": name, "params": dict(params), "value": value}
    try:
        from theory._io import atomic_write_bytes

        atomic_write_bytes(path, pickle.dumps(record, protocol=pickle.HIGHEST_PROTOCOL))
    except OSError:
        pass  # a read-only or full disk costs the recomputation next time, nothing else
    return value
