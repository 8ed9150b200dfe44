"""Where results go, how they are keyed, and how published results are read back.

Every command of the project writes to ``results/`` (or to the paths it is given). The *published*
results that ``paper_checks.md`` cites live in ``docs/data/`` (JSON) and ``docs/figures/`` (PNG); they
change only through a command's explicit ``--publish`` option, which refuses smoke (``--quick``) sizes
and explicit output paths. ``python -m claims`` reads only published files, through
:func:`load_published`, which refuses a file marked quick, a file whose configuration differs from the
one the reading row names (the differing fields are named), and a corrupt file (named).

The pieces:

- :func:`config_key`: a stable 16-hex-digit key of a configuration (SHA-256 of its canonical JSON), the
  name of a sweep point's or grid point's file and of a default run directory;
- :func:`output_path`: the default path of a command's output (``results/`` or, with ``publish``,
  ``docs/data`` / ``docs/figures``);
- :func:`check_outputs`: every output validated *before* the work (a file name, not a folder; distinct
  from every other output and from every input; a writable folder; inside ``docs/data`` or
  ``docs/figures`` only when publishing);
- :func:`provenance`: the record written beside every result (command, configuration and its key, seed,
  commit, wall time, ``quick``), with repository-relative paths;
- :func:`read_json` / :func:`load_published`: strict JSON reads whose errors name the file.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import os
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from theory._io import git_commit, repo_root, to_jsonable

__all__ = [
    "PUBLISHED_DATA",
    "PUBLISHED_FIGURES",
    "RESULTS",
    "PublishedResultError",
    "canonical_json",
    "check_outputs",
    "config_key",
    "is_published_path",
    "load_published",
    "output_path",
    "provenance",
    "read_json",
    "refuse_quick_publish",
    "repo_relative",
]

PUBLISHED_DATA = Path("docs") / "data"
"""Published JSON results, relative to the repository root."""

PUBLISHED_FIGURES = Path("docs") / "figures"
"""Published figures, relative to the repository root."""

RESULTS = Path("results")
"""Default folder of every command's outputs, relative to the repository root."""

_KINDS = {"data": (PUBLISHED_DATA, ".json"), "figures": (PUBLISHED_FIGURES, ".png")}


class PublishedResultError(ValueError):
    """A published result that a report may not read: missing, corrupt, quick, or for another configuration.

    Attributes
    ----------
    path : str
        The file, repository-relative where it lies inside the checkout.
    reason : str
        Why it is refused.
    """

    def __init__(self, path: str | os.PathLike, reason: str):
        self.path = repo_relative(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")


def canonical_json(obj: Any) -> str:
    """Canonical strict JSON of ``obj`` (through :func:`theory._io.to_jsonable`; sorted keys, no spaces).

    Raises
    ------
    TypeError
        If ``obj`` is not JSON-able or holds a non-finite float (which would collide with ``null``).
    """
    if _has_nonfinite(obj):
        raise TypeError(f"{obj!r} is not JSON-able: it holds a non-finite float")
    try:
        return json.dumps(to_jsonable(obj), sort_keys=True, separators=(",", ":"), allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{obj!r} is not JSON-able: {exc}") from exc


def _has_nonfinite(obj: Any) -> bool:
    import math

    if isinstance(obj, float):
        return not math.isfinite(obj)
    if isinstance(obj, Mapping):
        return any(_has_nonfinite(v) for v in obj.values())
    if isinstance(obj, list | tuple):
        return any(_has_nonfinite(v) for v in obj)
    return False


def config_key(config: Mapping) -> str:
    """Stable 16-hex-digit key of a configuration: SHA-256 of its canonical JSON.

    The same configuration gives the same key in every process and on every machine (no Python
    ``hash``); any change of any field (or of a field's type, ``1`` against ``1.0``) changes it.

    Parameters
    ----------
    config : mapping
        JSON-able values (numbers, strings, lists, nested mappings, dataclasses).
    """
    if not isinstance(config, Mapping):
        raise TypeError(f"config must be a mapping of JSON-able values; got {type(config).__name__}")
    return hashlib.sha256(canonical_json(dict(config)).encode("utf-8")).hexdigest()[:16]


def repo_relative(path: str | os.PathLike) -> str:
    """``path`` relative to the repository root (POSIX separators) when it lies inside it, else as given.

    Published results carry only such paths (``--publish`` writes inside the checkout and refuses explicit
    paths), never a path of the machine that produced them; error messages name a file outside the
    checkout by the path the user gave.
    """
    p = Path(path)
    root = repo_root().resolve()
    try:
        return p.resolve().relative_to(root).as_posix()
    except (ValueError, OSError):
        return p.as_posix()


def is_published_path(path: str | os.PathLike) -> bool:
    """True when ``path`` lies inside the checkout's ``docs/data`` or ``docs/figures``."""
    p = Path(path).resolve()
    root = repo_root().resolve()
    for folder in (PUBLISHED_DATA, PUBLISHED_FIGURES):
        base = (root / folder).resolve()
        if p == base or base in p.parents:
            return True
    return False


def refuse_quick_publish(publish: bool, quick: bool, *, option: str = "--publish") -> None:
    """Raise ``ValueError`` when a smoke run (``quick``) is asked to publish: it never replaces a result."""
    if publish and quick:
        raise ValueError(
            f"{option} refuses --quick: a smoke run is never published (docs/data and docs/figures hold "
            "full-size results only)"
        )


def output_path(
    name: str,
    kind: str = "data",
    *,
    publish: bool = False,
    quick: bool = False,
    given: str | os.PathLike | None = None,
    option: str = "--json",
) -> Path:
    """The path a command writes its ``kind`` output ``name`` to.

    Parameters
    ----------
    name : str
        Stem of the file (``"table1"``, ``"rates"``, ``"t1"``).
    kind : {"data", "figures"}
        JSON result (``.json``) or figure (``.png``).
    publish : bool
        Write the published copy: ``docs/data/<name>.json`` or ``docs/figures/<name>.png``.
    quick : bool
        A smoke run: ``results/<name>-quick.<ext>``; refused with ``publish``.
    given : path, optional
        An explicit path (``--json`` / ``--png`` / ``--out``); refused with ``publish`` (publishing means
        the one published place) and inside the published folders without it.
    option : str
        The option's name, for the error messages.

    Returns
    -------
    pathlib.Path
        Absolute for the defaults (under :func:`theory._io.repo_root`); ``given`` as given.
    """
    if kind not in _KINDS:
        raise ValueError(f"kind must be one of {', '.join(_KINDS)}; got {kind!r}")
    refuse_quick_publish(publish, quick)
    folder, ext = _KINDS[kind]
    if given is not None:
        if publish:
            raise ValueError(f"--publish writes to {folder.as_posix()}/ alone; drop {option} {given}")
        return Path(given)
    root = repo_root()
    if publish:
        return root / folder / f"{name}{ext}"
    return root / RESULTS / f"{name}{'-quick' if quick else ''}{ext}"


def check_outputs(
    outputs: Mapping[str, str | os.PathLike | None],
    *,
    inputs: Mapping[str, str | os.PathLike | None] | None = None,
    publish: bool = False,
) -> None:
    """Validate every output path before any work is done.

    Each output (a mapping ``option name -> path``; ``None`` entries are skipped) must be a file name
    (not an existing folder, not ending in a separator), inside a folder that exists and is writable or
    can be created, distinct from every other output and from every input (compared after resolving
    links), and inside ``docs/data`` / ``docs/figures`` only when ``publish`` is true (those hold the
    published results that ``python -m claims`` reads; nothing else writes there).

    Raises
    ------
    ValueError
        Naming the option and the path, and what is wrong with it.
    """
    inputs = dict(inputs or {})
    seen: dict[Path, str] = {}
    resolved_inputs = {
        _resolve(Path(p)): name for name, p in inputs.items() if p is not None and str(p) != "-"
    }
    for name, raw in outputs.items():
        if raw is None:
            continue
        text = os.fspath(raw)
        if not text or text.endswith(("/", os.sep)):
            raise ValueError(f"{name} must name a file; got {text!r}")
        p = Path(text)
        if p.is_dir():
            raise ValueError(f"{name} {p} is a directory; give a file name")
        r = _resolve(p)
        if r in seen:
            raise ValueError(f"{name} and {seen[r]} are the same file ({p}); give each output its own path")
        if r in resolved_inputs:
            raise ValueError(f"{name} {p} is the input {resolved_inputs[r]}; refusing to write over an input")
        if not publish and is_published_path(p):
            raise ValueError(
                f"{name} {p} is inside docs/data or docs/figures, which change only through --publish"
            )
        _check_writable_folder(name, p)
        seen[r] = name


def _resolve(p: Path) -> Path:
    try:
        return p.resolve()
    except OSError:
        return p.absolute()


def _check_writable_folder(name: str, p: Path) -> None:
    parent = p.absolute().parent
    probe = parent
    while not probe.exists():
        if probe.parent == probe:
            break
        probe = probe.parent
    if not probe.is_dir():
        raise ValueError(f"{name} {p}: {probe} is not a directory")
    if not os.access(probe, os.W_OK | os.X_OK):
        raise ValueError(f"{name} {p}: the folder {probe} is not writable")
    if p.exists() and not os.access(p, os.W_OK) and not os.access(parent, os.W_OK):
        raise ValueError(f"{name} {p} is not writable")


def provenance(
    *,
    config: Mapping | None = None,
    seed: int | None = None,
    quick: bool = False,
    wall_seconds: float | None = None,
    argv: Iterable[str] | None = None,
    command: str | None = None,
) -> dict[str, Any]:
    """The record written beside every result: what produced it, with which configuration, when.

    Parameters
    ----------
    config : mapping, optional
        The full configuration of the result (every field that changes its numbers).
    seed : int, optional
    quick : bool
        A smoke run (never published, refused by :func:`load_published`).
    wall_seconds : float, optional
    argv : iterable of str, optional
        The command's arguments (default ``sys.argv``); paths inside the checkout become
        repository-relative.
    command : str, optional
        The command line to record (default: built from ``argv``, e.g. ``python -m train table1``).

    Returns
    -------
    dict
        ``command``, ``config``, ``config_key``, ``seed``, ``quick``, ``commit``, ``version``,
        ``wall_seconds``, ``finished_utc``: strict-JSON-ready.
    """
    from theory import __version__

    if command is None:
        args = list(sys.argv if argv is None else argv)
        if args:
            head = Path(args[0])
            if head.name == "__main__.py":
                args[0] = f"python -m {head.parent.name}"
            elif head.is_absolute():  # a program: repository-relative inside the checkout, else its name
                rel = repo_relative(head)
                args[0] = rel if not Path(rel).is_absolute() else head.name
        command = " ".join([args[0], *(_relative_arg(a) for a in args[1:])]) if args else ""
    cfg = to_jsonable(dict(config)) if config is not None else None
    return {
        "command": command,
        "config": cfg,
        "config_key": config_key(cfg) if cfg is not None else None,
        "seed": seed,
        "quick": bool(quick),
        "commit": git_commit(),
        "version": __version__,
        "wall_seconds": None if wall_seconds is None else float(wall_seconds),
        "finished_utc": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
    }


def _relative_arg(arg: str) -> str:
    if os.path.isabs(arg):
        return repo_relative(arg)
    if arg.startswith("--") and "=" in arg:
        opt, val = arg.split("=", 1)
        return f"{opt}={repo_relative(val)}" if os.path.isabs(val) else arg
    return arg


def read_json(path: str | os.PathLike, *, what: str = "result file") -> Any:
    """Read strict JSON (no ``NaN``/``Infinity``); any failure is a ``ValueError`` naming the file.

    Raises
    ------
    FileNotFoundError
        When the file does not exist (naming it).
    ValueError
        When it cannot be read or is not strict JSON (naming it and the position).
    """
    p = Path(path)
    if not p.exists():
        raise FileNotFoundError(f"{what} {repo_relative(p)} does not exist")
    if not p.is_file():
        raise ValueError(f"{what} {repo_relative(p)} is not a file")

    def bad_constant(name: str):
        raise ValueError(f"non-strict JSON constant {name}")

    try:
        return json.loads(p.read_text(encoding="utf-8"), parse_constant=bad_constant)
    except UnicodeDecodeError as exc:
        raise ValueError(f"{what} {repo_relative(p)} is not UTF-8 text: {exc}") from None
    except json.JSONDecodeError as exc:
        raise ValueError(
            f"{what} {repo_relative(p)} is not valid JSON (corrupt or truncated?): {exc.msg} at line "
            f"{exc.lineno} column {exc.colno}"
        ) from None
    except ValueError as exc:
        raise ValueError(f"{what} {repo_relative(p)} is not strict JSON: {exc}") from None
    except OSError as exc:
        raise ValueError(f"cannot read {what} {repo_relative(p)}: {exc.strerror or exc}") from None


def _flatten(obj: Any, prefix: str = "") -> dict[str, Any]:
    if isinstance(obj, Mapping):
        out: dict[str, Any] = {}
        for k, v in obj.items():
            out.update(_flatten(v, f"{prefix}{k}."))
        return out
    return {prefix[:-1]: obj}


def load_published(
    path: str | os.PathLike,
    *,
    config: Mapping | None = None,
    config_field: str = "config",
    exact: bool = False,
) -> dict:
    """Read a published result for a report, refusing what a report may not cite.

    Parameters
    ----------
    path : str or PathLike
        The published JSON (``docs/data/<name>.json``).
    config : mapping, optional
        The configuration the reading row names. Every field given here (nested mappings compared field
        by field, dotted names in the message) must equal the file's recorded configuration; fields the
        row does not name are not compared.
    config_field : str
        Where the file records its configuration.
    exact : bool
        ``config`` is the full configuration: a field the file records beyond it is a difference too.

    Returns
    -------
    dict
        The file's content.

    Raises
    ------
    PublishedResultError
        Missing, corrupt or not strict JSON; not a JSON object; marked ``"quick": true`` (a smoke run);
        with no ``quick`` field (its provenance is unknown); or recording a configuration that differs
        from ``config`` (the differing fields, with both values, are named).
    """
    try:
        rec = read_json(path, what="published result")
    except (FileNotFoundError, ValueError) as exc:
        reason = str(exc).replace(f"published result {repo_relative(path)} ", "", 1)
        raise PublishedResultError(path, reason) from None
    if not isinstance(rec, dict):
        raise PublishedResultError(path, f"expected a JSON object; got {type(rec).__name__}")
    if "quick" not in rec:
        raise PublishedResultError(path, "records no 'quick' field: its provenance is unknown")
    if rec["quick"] is not False:
        raise PublishedResultError(
            path, "is a smoke (--quick) result; publish the full-size run (its command with --publish)"
        )
    if config is not None:
        have = rec.get(config_field)
        if not isinstance(have, Mapping):
            raise PublishedResultError(path, f"records no '{config_field}' to compare with the row's")
        want_flat = _flatten(to_jsonable(dict(config)))
        have_flat = _flatten(have)
        diff = [
            f"{k} = {have_flat.get(k, '(missing)')!r}, expected {v!r}"
            for k, v in want_flat.items()
            if have_flat.get(k, _MISSING) != v
        ]
        if exact:
            diff += [f"{k} = {have_flat[k]!r}, not expected" for k in have_flat if k not in want_flat]
        if diff:
            raise PublishedResultError(
                path, f"its configuration differs from the one this row names: {'; '.join(diff)}"
            )
    return rec


_MISSING = object()
