"""Atomic file writes (an interrupted run never leaves a half-written result) and the one JSON encoder.

:func:`to_jsonable` is the project's single conversion of results to strict JSON: dataclasses (the
frozen result objects of every package) become dicts, numpy scalars and arrays become Python numbers and
lists, enums their values, and non-finite floats ``null`` (strict parsers reject ``NaN``/``Infinity``).
:class:`ResultMixin` gives a result dataclass its ``to_dict()`` through it.
"""

from __future__ import annotations

import csv
import json
import os
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

__all__ = [
    "ResultMixin",
    "atomic_savefig",
    "atomic_write_bytes",
    "atomic_write_json",
    "atomic_write_text",
    "git_commit",
    "load_matrix",
    "refuse_overwrite",
    "repo_root",
    "to_jsonable",
]


def repo_root() -> Path:
    """The source checkout when running from one (an editable install), else the working directory.

    Commands write their default outputs (``paper_checks.md``, ``results/``, ``docs/data/``) there.
    """
    root = Path(__file__).resolve().parent.parent
    return root if (root / "pyproject.toml").is_file() else Path.cwd()


def git_commit(root: str | os.PathLike | None = None) -> str | None:
    """The commit of the checkout at ``root`` (default :func:`repo_root`), with ``+dirty`` when tracked
    files have uncommitted changes; ``None`` outside a git checkout. Recorded beside committed results."""
    import subprocess

    root = Path(root) if root is not None else repo_root()
    try:
        head = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True, text=True, timeout=10
        )
        if head.returncode != 0 or not head.stdout.strip():
            return None
        dirty = subprocess.run(
            ["git", "-C", str(root), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            timeout=10,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return head.stdout.strip() + ("+dirty" if dirty else "")


def atomic_write_bytes(path: str | os.PathLike, data: bytes) -> Path:
    """Write ``data`` to ``path`` through a temporary file in the same folder and ``os.replace``.

    A symbolic link is written *through*: its target is replaced atomically and the link is kept (a
    dangling link's target is created). A reader never sees a half-written file, and a run killed at any
    moment leaves either the old content or the new one.
    """
    path = Path(path)
    if path.is_symlink():
        path = Path(os.path.realpath(path))
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.is_dir():
        raise IsADirectoryError(f"{path} is a directory; give a file name")
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        # mkstemp creates 0600; give the file the mode a plain open() would (0666 less the umask)
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return path


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def refuse_overwrite(out: str | os.PathLike, inputs, *, what: str = "output") -> None:
    """Raise ``ValueError`` if ``out`` is the same file as any of ``inputs`` (a command never writes over
    one of its inputs). Paths are compared after resolving links; missing files compare by path."""
    out_p = Path(out)
    for inp in inputs:
        if inp is None:
            continue
        inp_p = Path(inp)
        same = False
        try:
            same = out_p.exists() and inp_p.exists() and os.path.samefile(out_p, inp_p)
        except OSError:
            same = False
        if same or out_p.resolve() == inp_p.resolve():
            raise ValueError(f"{what} {out_p} is an input of this command; refusing to write over it")


def atomic_write_text(path: str | os.PathLike, text: str) -> Path:
    """Atomically write UTF-8 text."""
    return atomic_write_bytes(path, text.encode("utf-8"))


def to_jsonable(obj: Any) -> Any:
    """Convert a result to strict-JSON-ready Python objects.

    Dataclasses become dicts of their fields (plus the names in a class attribute ``_json_extra``, for
    derived properties), mappings and sequences are converted item by item, numpy scalars and arrays
    become Python numbers and (nested) lists, enums their ``value``, paths and sympy expressions strings,
    and every
    non-finite float (NaN, +-inf) becomes ``None``: write the reason beside it where it matters.
    """
    import dataclasses
    import enum
    import math

    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        out = {f.name: to_jsonable(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
        for name in getattr(obj, "_json_extra", ()):
            out[name] = to_jsonable(getattr(obj, name))
        return out
    if isinstance(obj, enum.Enum):
        return to_jsonable(obj.value)
    if isinstance(obj, dict):
        return {str(k): to_jsonable(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple | set | frozenset):
        return [to_jsonable(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return to_jsonable(obj.tolist())
    if isinstance(obj, np.generic):
        return to_jsonable(obj.item())
    if isinstance(obj, os.PathLike):
        return os.fspath(obj)
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if obj is None or isinstance(obj, str | int | bool):
        return obj
    if hasattr(obj, "to_dict"):
        return to_jsonable(obj.to_dict())
    if type(obj).__module__.split(".")[0] == "sympy":  # symbols and expressions: their printed form
        return str(obj)
    raise TypeError(f"not JSON serialisable: {type(obj).__name__}")


class ResultMixin:
    """``to_dict()`` for frozen result dataclasses, through the one encoder :func:`to_jsonable`."""

    def to_dict(self) -> dict[str, Any]:
        """Every field as strict-JSON-ready Python objects (arrays as lists, non-finite as ``None``)."""
        return to_jsonable(self)


def atomic_write_json(path: str | os.PathLike, obj: Any) -> Path:
    """Atomically write ``obj`` as strict, indented JSON (through :func:`to_jsonable`; no NaN/Infinity)."""
    return atomic_write_text(path, json.dumps(to_jsonable(obj), indent=2, allow_nan=False) + "\n")


def atomic_savefig(fig, path: str | os.PathLike, **kwargs) -> Path:
    """Save a matplotlib figure as PNG atomically (``dpi=150`` unless given)."""
    import io

    buf = io.BytesIO()
    kwargs.setdefault("dpi", 150)
    kwargs.setdefault("bbox_inches", "tight")
    fig.savefig(buf, format="png", **kwargs)
    return atomic_write_bytes(path, buf.getvalue())


def _is_number(s: str) -> bool:
    try:
        float(s)
    except ValueError:
        return False
    return True


def load_matrix(path, *, key: str | None = None) -> np.ndarray:
    """Read a numeric matrix of shape ``(n, d)`` (embeddings, samples, a table) from a file.

    Parameters
    ----------
    path : str or PathLike
        ``.npy``: one array; ``.npz``: the array ``key`` (optional when the archive holds a single
        array); ``.csv``: numbers separated by ``,`` ``;`` or tabs, an optional non-numeric header
        line.
    key : str, optional
        Array name inside a ``.npz``.

    Returns
    -------
    ndarray, shape (n, d)
        Not yet validated for finiteness or size (the caller does that).
    """
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"no such file: {path}")
    if not path.is_file():
        raise ValueError(f"{path} is not a file")
    suffix = path.suffix.lower()
    if key is not None and suffix != ".npz":
        raise ValueError(f"--key only applies to .npz files; got {path.name}")
    try:
        if suffix == ".npy":
            arr = np.load(path, allow_pickle=False)
        elif suffix == ".npz":
            with np.load(path, allow_pickle=False) as npz:
                keys = list(npz.files)
                if key is None:
                    if len(keys) != 1:
                        raise ValueError(
                            f"{path.name} holds {len(keys)} arrays; choose one with --key (keys: "
                            + (", ".join(keys) or "none")
                            + ")"
                        )
                    key = keys[0]
                elif key not in keys:
                    raise ValueError(f"{path.name} has no array {key!r}; keys: {', '.join(keys) or 'none'}")
                arr = npz[key]
        elif suffix == ".csv":
            arr = _load_csv(path)
        else:
            raise ValueError(f"unsupported file type {suffix or '(none)'!r}: use .npy, .npz or .csv")
    except (OSError, EOFError) as exc:
        raise ValueError(f"cannot read {path.name}: {exc}") from exc
    except ValueError as exc:
        if "allow_pickle" in str(exc) and suffix in (".npy", ".npz") and _npy_is_object(path, key):
            raise ValueError(f"{path.name} holds an object array; save a numeric array instead") from exc
        if "allow_pickle" in str(exc) or "header" in str(exc).lower() or "magic" in str(exc).lower():
            raise ValueError(
                f"{path.name} is not a readable {suffix} file (corrupt or truncated?): {exc}"
            ) from exc
        raise
    if arr.ndim != 2:
        hint = " (reshape a single coordinate to (n, 1))" if arr.ndim == 1 else ""
        raise ValueError(f"{path.name}: expected an array of shape (n, d); got shape {arr.shape}{hint}")
    return arr


def _npy_is_object(path: Path, key: str | None) -> bool:
    """True if the (first) array of a well-formed .npy/.npz header has an object dtype."""
    import zipfile

    from numpy.lib import format as npf

    def header_dtype(fh):
        version = npf.read_magic(fh)
        read = npf.read_array_header_1_0 if version == (1, 0) else npf.read_array_header_2_0
        return read(fh)[2]

    try:
        if path.suffix.lower() == ".npy":
            with open(path, "rb") as fh:
                return header_dtype(fh).hasobject
        with zipfile.ZipFile(path) as zf:
            names = [n for n in zf.namelist() if n.endswith(".npy")]
            name = f"{key}.npy" if key is not None else (names[0] if names else None)
            if name is None:
                return False
            with zf.open(name) as fh:
                return header_dtype(fh).hasobject
    except Exception:  # any failure means: not a well-formed object array
        return False


def _load_csv(path: Path) -> np.ndarray:
    """Read a numeric CSV; say what was guessed, refuse what cannot be read unambiguously.

    - a first line with a non-numeric field is a header only if *every* field of it is non-numeric (or
      empty, as pandas writes above an index); a first line mixing numbers and words is refused;
    - a leading column that is exactly ``0, 1, 2, ...`` (a pandas index) under an empty or ``Unnamed``
      header field is dropped, with a ``UserWarning`` saying so;
    - every row must have the same number of fields, every field must be a number.
    """
    import warnings

    with open(path, newline="", encoding="utf-8") as fh:
        text = fh.read()
    lines = [ln for ln in text.splitlines() if ln.strip()]
    if not lines:
        raise ValueError(f"{path.name} is empty")
    first = lines[0]
    delim = next((c for c in (",", ";", "\t") if c in first), None)
    rows = list(csv.reader(lines, delimiter=delim)) if delim else [ln.split() for ln in lines]
    header = None
    numeric = [_is_number(c.strip()) for c in rows[0]]
    if not all(numeric):
        if any(numeric):
            bad = [c for c, ok in zip(rows[0], numeric, strict=True) if not ok]
            raise ValueError(
                f"{path.name}: the first line mixes numbers and text ({bad[:3]}); it is neither a header "
                "nor a data row: fix or remove it"
            )
        header, rows = rows[0], rows[1:]
    if not rows:
        raise ValueError(f"{path.name} has a header but no data rows")
    width = len(rows[0])
    for i, row in enumerate(rows):
        if len(row) != width:
            raise ValueError(f"{path.name}: data row {i + 1} has {len(row)} fields, expected {width}")
    try:
        arr = np.array([[float(c) for c in row] for row in rows], dtype=np.float64)
    except ValueError as exc:
        raise ValueError(f"{path.name} has a non-numeric entry: {exc}") from exc
    if header is not None and width >= 2:
        h0 = header[0].strip()
        if (h0 == "" or h0.lower().startswith("unnamed")) and np.array_equal(
            arr[:, 0], np.arange(arr.shape[0], dtype=np.float64)
        ):
            warnings.warn(
                f"{path.name}: the first column (empty header, values 0..{arr.shape[0] - 1}) is a row "
                "index (as pandas writes); it was dropped",
                UserWarning,
                stacklevel=3,
            )
            arr = arr[:, 1:]
    return arr
