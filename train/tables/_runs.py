"""The runs of a table, trained before it is read: several at once, each in a worker process on one
thread (:func:`_train_all`), with the encoder analyses the table reads."""

from __future__ import annotations

import json
from pathlib import Path

from train.config import RunConfig
from train.tables._rows import _train


def _data(config: RunConfig, cache: dict):
    """The run's data set, built once per (name, parameters) and kept in ``cache``."""
    from train.data import make_data

    key = (config.data, json.dumps(config.data_params, sort_keys=True))
    if key not in cache:
        cache[key] = make_data(config.data, **config.data_params)
    return cache[key]


def _run_task(config: RunConfig, folder: str, analyse: bool) -> dict:
    """Train one run of the table in ``folder`` (resumed where present; its figures drawn where it has
    none) and, with ``analyse``, analyse its encoder on one thread; in a worker process or here.

    Returns
    -------
    dict
        ``key``; ``analysis`` (:func:`~train.tables._analysis.analyse_encoder`) with ``analyse``.
    """
    from train.loop._fit import held_threads
    from train.tables._analysis import analyse_encoder

    data = _data(config, {})
    _, _, run = _train(config, Path(folder), data, figures=None)
    out = {"key": config.key}
    if analyse:
        with held_threads(1):
            out["analysis"] = analyse_encoder(config, data, run, seed=config.seed)
    return out


def _train_all(tasks: list[tuple[RunConfig, Path, bool]], workers: int) -> dict[str, dict]:
    """Run :func:`_run_task` on every ``(config, folder, analyse)``, ``workers`` at once (in this
    process for one), the longest first; the results by configuration key.

    Every run is independent (its own seed, generator and directory) and holds one thread, so the
    runs are the same bits whether trained here or in a worker.
    """
    from tqdm.auto import tqdm

    unique: dict[str, tuple[RunConfig, Path, bool]] = {}
    for cfg, folder, analyse in tasks:
        prev = unique.get(cfg.key)
        unique[cfg.key] = (cfg, folder, analyse or (prev is not None and prev[2]))
    order = sorted(unique.values(), key=lambda t: -_steps(t[0]))
    done: dict[str, dict] = {}
    bar = tqdm(total=len(order), desc="table1 runs", unit="run", leave=False)
    try:
        if workers == 1 or len(order) == 1:
            for cfg, folder, analyse in order:
                bar.set_postfix_str(f"{cfg.name}/{cfg.objective}")
                done[cfg.key] = _run_task(cfg, str(folder), analyse)
                bar.update()
        else:
            import concurrent.futures as cf

            from theory._pool import process_pool

            with process_pool(min(workers, len(order))) as pool:
                futures = [pool.submit(_run_task, cfg, str(f), analyse) for cfg, f, analyse in order]
                for fut in cf.as_completed(futures):
                    r = fut.result()
                    done[r["key"]] = r
                    bar.update()
    finally:
        bar.close()
    return done


def _steps(config: RunConfig) -> float:
    """Steps of training (epochs x batches): the cost by which the runs are ordered."""
    from train.data import data_parameters

    param = data_parameters(config.data).get("n_train")
    default = param.default if param is not None and isinstance(param.default, int) else config.N
    return config.epochs * int(config.data_params.get("n_train", default)) / config.N
