"""The published results the checks read, each held against the configuration its row names.

A check never reads ``docs/data/`` directly: it calls :func:`published`, which goes through
:func:`theory._results.load_published` with the configuration that the producing command writes at full
size (``simulate.experiments.experiment_config``, ``simulate.rates.study_config``,
``theory.studies.zonal_map.zonal_map_config``,
``train.tables.table1_config`` / ``grid_config``, ``train.table2.table2_config``). A file that is corrupt,
marked quick, without provenance, or recorded under another configuration is refused with a
:class:`theory._results.PublishedResultError` naming the file and the fields that differ;
``python -m claims`` turns that into one line and exit status 2, and checks every file the selected rows
read before any check runs (:func:`verify`). A file that is not there at all is not an error: the row
says it is not published yet.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from theory._io import repo_root
from theory._results import PUBLISHED_DATA, load_published

__all__ = ["EXPECTED_CONFIG", "data_path", "declared_reads", "published", "read", "verify"]


def _experiment(name: str) -> Callable[[], dict]:
    def config() -> dict:
        from simulate.experiments import experiment_config

        return experiment_config(name)

    return config


def _rates() -> dict:
    from simulate.rates import study_config

    return study_config()


def _table1() -> dict:
    from train.tables import table1_config

    return table1_config()


def _grid() -> dict:
    from train.tables import grid_config

    return grid_config()


def _zonal_map() -> dict:
    from theory.studies.zonal_map import zonal_map_config

    return zonal_map_config()


def _binary_study() -> dict:
    from train.tables import binary_study_config

    return binary_study_config()


def _table2() -> dict:
    from train.table2 import table2_config

    return table2_config()


EXPECTED_CONFIG: dict[str, Callable[[], dict]] = {
    "t1": _experiment("t1"),
    "c1": _experiment("c1"),
    "langevin": _experiment("langevin"),
    "langevin-n": _experiment("langevin-n"),
    "beyond-vmf": _experiment("beyond-vmf"),
    "beyond-zonal": _experiment("beyond-zonal"),
    "zonal-map": _zonal_map,
    "rates": _rates,
    "table1": _table1,
    "grid": _grid,
    "binary-study": _binary_study,
    "table2": _table2,
}
"""Published name -> the configuration its reading rows name (the producer's full-size configuration)."""


_DECLARED: contextvars.ContextVar[tuple[str, tuple[str, ...]] | None] = contextvars.ContextVar(
    "declared_reads", default=None
)


@contextlib.contextmanager
def declared_reads(claim_id: str, names: Iterable[str]) -> Iterator[None]:
    """Within this block (one claim's check), reading a published result not in ``names`` is an error:
    the registry's ``reads`` field, which the command verifies up front, stays complete."""
    token = _DECLARED.set((claim_id, tuple(names)))
    try:
        yield
    finally:
        _DECLARED.reset(token)


def data_path(name: str, data_dir: str | Path | None = None) -> Path:
    """``docs/data/<name>.json`` of the checkout (or of ``data_dir``)."""
    folder = repo_root() / PUBLISHED_DATA if data_dir is None else Path(data_dir)
    return folder / f"{name}.json"


def published(name: str, data_dir: str | Path | None = None) -> dict | None:
    """The published result ``name``, checked against the configuration its rows name.

    Parameters
    ----------
    name : str
        A key of :data:`EXPECTED_CONFIG` (``"t1"``, ``"rates"``, ``"table1"``, ...).
    data_dir : path, optional
        Read from this folder instead of the checkout's ``docs/data`` (tests).

    Returns
    -------
    dict or None
        The file's content; ``None`` when the file does not exist (not published yet).

    Raises
    ------
    theory._results.PublishedResultError
        Corrupt, quick, without provenance, or recorded under another configuration.
    KeyError
        ``name`` is not a known published result.
    """
    if name not in EXPECTED_CONFIG:
        raise KeyError(f"unknown published result {name!r}; known: {', '.join(EXPECTED_CONFIG)}")
    _check_declared(name)
    path = data_path(name, data_dir)
    if not path.exists():
        return None
    return load_published(path, config=EXPECTED_CONFIG[name](), exact=True)


def read(name: str, path: str | Path | None = None) -> dict | None:
    """:func:`published` ``name``, or, when a caller names a ``path`` of its own (tests, a user's own
    run), that file through :func:`theory._results.load_published` without the configuration comparison
    (the caller chose the file; corrupt or quick files are still refused). ``None`` when it is missing."""
    if path is None:
        return published(name)
    _check_declared(name)
    path = Path(path)
    return load_published(path) if path.exists() else None


def _check_declared(name: str) -> None:
    declared = _DECLARED.get()
    if declared is not None and name not in declared[1]:
        raise RuntimeError(
            f"the check of {declared[0]} reads docs/data/{name}.json but its registry entry declares "
            f"reads={declared[1]!r}: add it there"
        )


def verify(names: Iterable[str], data_dir: str | Path | None = None) -> None:
    """Read every published result in ``names`` (each once) and raise on the first one refused."""
    for name in dict.fromkeys(names):
        published(name, data_dir)
