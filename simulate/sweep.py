"""A study is a set of independent points: run them through submitit's executors, one result file each.

:func:`run_sweep` hashes every point (a JSON-able mapping) to a stable file name
``<out_dir>/<key>.json``, skips the points whose file already exists and is valid, and submits the
others to a ``submitit.AutoExecutor`` (``"debug"``: in this process, for tests; ``"local"``: sub-processes
on this machine; ``"slurm"``: a cluster, with ``partition``, ``timeout_min``, ``gpus_per_node``,
``cpus_per_task``, ...). Each job writes its own result file atomically (strict JSON), so a sweep killed at
any moment keeps every finished point and a rerun computes only the missing ones. No job system of our
own: submitit does the submitting, the pickling and the logs (in ``<out_dir>/_submitit``).

A result file holds ``{"key", "point", "result", "seconds", "finished_utc"}``; ``result`` is whatever
``fn(point)`` returned, converted by :func:`theory._io.to_jsonable`.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import subprocess
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from theory._io import atomic_write_json, to_jsonable
from theory._results import canonical_json, config_key
from theory._validation import as_int

__all__ = [
    "EXECUTORS",
    "LOCAL_TIMEOUT_MIN",
    "SweepError",
    "check_executor",
    "executor_parameters",
    "load_result",
    "point_key",
    "result_path",
    "run_sweep",
]

EXECUTORS = ("debug", "local", "slurm")
"""The submitit clusters :func:`run_sweep` accepts."""

LOCAL_TIMEOUT_MIN = 24 * 60
"""Time limit of a ``local`` job unless ``time``/``timeout_min`` is given (submitit's own is 2 minutes)."""

_ALIASES = {
    "partition": "slurm_partition",
    "time": "timeout_min",
    "time_min": "timeout_min",
    "cpus": "cpus_per_task",
    "gpus": "gpus_per_node",
    "mem": "mem_gb",
    "account": "slurm_account",
    "qos": "slurm_qos",
    "constraint": "slurm_constraint",
    "array_parallelism": "slurm_array_parallelism",
}


class SweepError(RuntimeError):
    """Some points of a sweep failed; the finished ones are on disk and a rerun computes only the rest.

    Attributes
    ----------
    failed : dict
        ``{key: (point, message)}`` of the points that raised.
    """

    def __init__(self, failed: dict[str, tuple[dict, str]], n_points: int):
        self.failed = failed
        first = next(iter(failed.values()))
        super().__init__(
            f"{len(failed)} of {n_points} sweep point(s) failed (finished points are kept; rerun to "
            f"retry the rest); first: point {first[0]}: {first[1]}"
        )


def _canonical(point: Mapping) -> str:
    if not isinstance(point, Mapping):
        raise TypeError(f"a sweep point must be a mapping of JSON-able values; got {type(point).__name__}")
    try:
        return canonical_json(dict(point))
    except TypeError as exc:
        raise TypeError(f"sweep point {point!r} is not JSON-able: {exc}") from exc


def point_key(point: Mapping) -> str:
    """Stable 16-hex-digit key of a point: :func:`theory._results.config_key` (SHA-256 of its canonical
    JSON, sorted keys, no spaces).

    The same point gives the same key in every process and on every machine (no Python ``hash``), so
    the key names the point's result file across reruns.
    """
    _canonical(point)
    return config_key(point)


def result_path(out_dir: str | os.PathLike, point: Mapping) -> Path:
    """The result file ``<out_dir>/<point_key(point)>.json`` of a point."""
    return Path(out_dir) / f"{point_key(point)}.json"


def _strict_loads(text: str) -> Any:
    def bad_constant(name: str):
        raise ValueError(f"non-strict JSON constant {name}")

    return json.loads(text, parse_constant=bad_constant)


def load_result(path: str | os.PathLike, point: Mapping | None = None) -> dict | None:
    """Read a point's result file; ``None`` when it is missing, not strict JSON, or for another point.

    Parameters
    ----------
    path : str or PathLike
    point : mapping, optional
        When given, the file must record exactly this point (its canonical JSON).

    Returns
    -------
    dict or None
        ``{"key", "point", "result", "seconds", "finished_utc"}``.
    """
    if not isinstance(path, str | os.PathLike):
        raise TypeError(f"path must be a file path; got {type(path).__name__}")
    if point is not None:
        _canonical(point)
    path = Path(path)
    try:
        rec = _strict_loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, UnicodeDecodeError):
        return None
    if not isinstance(rec, dict) or not {"key", "point", "result"} <= rec.keys():
        return None
    if point is not None and (
        rec["key"] != point_key(point)
        or json.dumps(rec["point"], sort_keys=True, separators=(",", ":")) != _canonical(point)
    ):
        return None
    return rec


def _run_point(fn: Callable[[dict], Any], point: dict, path: str) -> dict:
    """Job body: compute ``fn(point)`` and write the record atomically (runs inside the executor).

    An exception of ``fn`` comes back as ``{"error": message}`` and writes no file (submitit's debug
    executor would otherwise open a post-mortem debugger on it).
    """
    t0 = time.perf_counter()
    try:
        result = fn(dict(point))
    except Exception as exc:
        return {"error": f"{type(exc).__name__}: {exc}"}
    rec = {
        "key": point_key(point),
        "point": to_jsonable(point),
        "result": to_jsonable(result),
        "seconds": time.perf_counter() - t0,
        "finished_utc": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
    }
    atomic_write_json(path, rec)
    os.chmod(path, 0o644)
    return rec


def check_executor(executor: str) -> str:
    """``executor`` if it is one of :data:`EXECUTORS` and can run here.

    Raises
    ------
    ValueError
        An unknown executor, or ``"slurm"`` on a machine without SLURM (no ``sbatch`` on ``PATH``).
    """
    import shutil

    if executor not in EXECUTORS:
        raise ValueError(f"executor must be one of {', '.join(EXECUTORS)}; got {executor!r}")
    if executor == "slurm" and shutil.which("sbatch") is None:
        raise ValueError(
            "executor 'slurm': no SLURM was found on this machine (no sbatch on PATH); run on a cluster's "
            "login node, or use the 'local' or 'debug' executor"
        )
    return executor


def executor_parameters(executor: str, **options) -> dict[str, Any]:
    """Translate friendly options to ``AutoExecutor.update_parameters`` names.

    ``partition`` -> ``slurm_partition``, ``time``/``time_min`` (minutes) -> ``timeout_min``, ``cpus`` ->
    ``cpus_per_task``, ``gpus`` -> ``gpus_per_node``, ``mem`` (GB) -> ``mem_gb``, ``account``, ``qos``,
    ``constraint``, ``array_parallelism`` -> their ``slurm_`` names; every other name is passed through
    (submitit rejects unknown ones). ``None`` values are dropped. SLURM-only options are dropped for the
    ``debug`` and ``local`` executors, so the same command runs everywhere.
    """
    if executor not in EXECUTORS:
        raise ValueError(f"executor must be one of {', '.join(EXECUTORS)}; got {executor!r}")
    out = {}
    for name, value in options.items():
        if value is None:
            continue
        name = _ALIASES.get(name, name)
        if executor != "slurm" and name.startswith("slurm_"):
            continue
        out[name] = value
    return out


def run_sweep(
    fn: Callable[[dict], Any],
    points: Sequence[Mapping],
    out_dir: str | os.PathLike,
    *,
    executor: str = "local",
    max_parallel: int | None = None,
    progress: bool = True,
    poll_s: float = 0.2,
    **executor_options,
) -> list[Any]:
    """Run ``fn`` on every point through a submitit executor; one atomic result file per point.

    Parameters
    ----------
    fn : callable
        ``fn(point: dict) -> result``; the result must be JSON-able through
        :func:`theory._io.to_jsonable` (numbers, arrays, dataclasses, dicts). Submitit pickles it with
        cloudpickle, so it must be importable (or picklable by value) in the executor's processes.
    points : sequence of mapping
        Independent points (JSON-able mappings, e.g. ``{"N": 64, "seed": 3}``); duplicates are run once.
    out_dir : str or PathLike
        Folder of the result files ``<point_key>.json``; submitit's logs go to ``out_dir/_submitit``.
    executor : {"debug", "local", "slurm"}
        ``debug`` runs in this process (tests), ``local`` in sub-processes of this machine, ``slurm`` on
        a cluster.
    max_parallel : int, optional
        At most this many jobs in flight (default: the number of CPUs for ``local``; all for ``slurm``,
        whose ``array_parallelism`` option limits the cluster side).
    progress : bool
        tqdm progress bar over points (finished ones count from the start).
    poll_s : float
        Seconds between polls of running jobs.
    **executor_options
        See :func:`executor_parameters` (``partition``, ``time``, ``gpus_per_node``, ``cpus``, ...).

    Returns
    -------
    list
        The results, in the order of ``points`` (finished ones read from disk).

    Raises
    ------
    SweepError
        After every other point has finished, when some points raised; their files are not written, so a
        rerun retries exactly them.
    """
    import submitit
    from tqdm.auto import tqdm

    check_executor(executor)
    if not callable(fn):
        raise TypeError(f"fn must be callable; got {type(fn).__name__}")
    if isinstance(points, Mapping | str | bytes) or not isinstance(points, Sequence):
        raise TypeError(f"points must be a sequence of mappings; got {type(points).__name__}")
    for i, p in enumerate(points):
        if not isinstance(p, Mapping):
            raise TypeError(f"points[{i}] must be a mapping of JSON-able values; got {type(p).__name__}")
    points = [dict(p) for p in points]
    keys = [point_key(p) for p in points]
    out_dir = Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise ValueError(f"out_dir {out_dir} is a file; give a folder for the point files")
    out_dir.mkdir(parents=True, exist_ok=True)
    records: dict[str, dict] = {}
    todo: dict[str, dict] = {}
    for key, p in zip(keys, points, strict=True):
        if key in records or key in todo:
            continue
        rec = load_result(out_dir / f"{key}.json", p)
        if rec is not None:
            records[key] = rec
        else:
            todo[key] = p
    n_unique = len(records) + len(todo)
    if max_parallel is None:
        max_parallel = (os.cpu_count() or 1) if executor == "local" else max(1, len(todo))
    max_parallel = as_int(max_parallel, "max_parallel", low=1)
    failed: dict[str, tuple[dict, str]] = {}
    bar = tqdm(total=n_unique, initial=len(records), disable=not progress, desc="sweep", unit="point")
    try:
        if todo:
            ex = submitit.AutoExecutor(folder=out_dir / "_submitit", cluster=executor)
            params = executor_parameters(executor, **executor_options)
            params.setdefault("name", getattr(fn, "__name__", "sweep"))
            if executor == "local":  # submitit's local default kills a job after 2 minutes
                params.setdefault("timeout_min", LOCAL_TIMEOUT_MIN)
            ex.update_parameters(**params)
            pending = list(todo.items())
            if executor == "slurm":  # one array submission; the cluster throttles
                try:
                    with ex.batch():
                        jobs = [
                            (k, p, ex.submit(_run_point, fn, p, str(out_dir / f"{k}.json")))
                            for k, p in pending
                        ]
                except (OSError, subprocess.SubprocessError, submitit.core.utils.FailedJobError) as exc:
                    msg = str(exc).strip().splitlines()
                    raise RuntimeError(
                        f"SLURM refused the submission: {msg[0] if msg else type(exc).__name__}"
                    ) from exc
                pending = []
                running = jobs
            else:
                running = []
            while pending or running:
                while pending and len(running) < max_parallel:
                    k, p = pending.pop(0)
                    running.append((k, p, ex.submit(_run_point, fn, p, str(out_dir / f"{k}.json"))))
                still = []
                for k, p, job in running:
                    if executor != "debug" and not job.done():
                        still.append((k, p, job))
                        continue
                    try:
                        rec = job.result()
                    except Exception as exc:  # the job died (killed, out of memory): report at the end
                        msg = str(exc).strip().splitlines()
                        rec = {"error": msg[-1] if msg else type(exc).__name__}
                    if "error" in rec:
                        failed[k] = (p, rec["error"])
                    else:
                        records[k] = rec
                    bar.update(1)
                running = still
                if running:
                    time.sleep(poll_s)
    finally:
        bar.close()
    if failed:
        raise SweepError(failed, n_unique)
    return [records[k]["result"] for k in keys]
