"""The pieces of a run: building the model and optimizer, one optimizer step, checkpoint and metrics
writes, and the up-front checks of the device and the run directory."""

from __future__ import annotations

import io
import json
import os
import random
from pathlib import Path

import numpy as np
import torch

from theory._io import atomic_write_bytes, atomic_write_text
from train.config import RunConfig
from train.data import PairData, make_data
from train.models import make_model
from train.objectives import barlow_twins, infonce, infonce_symmetric, supervised_ce, vicreg

__all__ = ["build"]


def _seed_all(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed % 2**32)  # noqa: NPY002 (the global stream user code may draw from)
    torch.manual_seed(seed)


def build(config: RunConfig, data: PairData | None = None):
    """Data, encoder, supervised head (or ``None``) and optimizer of a run, initialised from ``config.seed``.

    The encoder is built right after seeding, so every objective starts from the same initialisation
    (the supervised twin's head is built after it).
    """
    if data is None:
        data = make_data(config.data, **config.data_params)
    _seed_all(config.seed)
    kwargs = {"hidden": config.hidden} if config.model == "mlp" else {}
    if config.model == "cnn":
        kwargs = {"width": config.hidden}
    if config.model == "linear":
        kwargs = {"bias": config.bias, "init": config.init}
    model = make_model(config.model, data.input_shape, config.d, **kwargs).to(config.device)
    head = None
    if config.objective == "supervised":
        if data.y_train is None:
            raise ValueError(f"objective 'supervised' needs labels; data set {data.name!r} has none")
        head = torch.nn.Linear(config.d, data.n_classes).to(config.device)
    params = list(model.parameters()) + ([] if head is None else list(head.parameters()))
    opt = torch.optim.Adam(params, lr=config.lr, weight_decay=config.weight_decay)
    return data, model, head, opt


def _loss(config: RunConfig, model, head, xa, xb, labels, dist) -> torch.Tensor:
    if config.objective == "supervised":
        return supervised_ce(head(model(xa)), labels)
    z1, z2 = model(xa), model(xb)
    if dist is not None:
        from train import distributed

        if config.objective == "infonce":
            return distributed.infonce_global(z1, z2, config.alpha)
        raise ValueError(f"distributed training supports objective 'infonce' only; got {config.objective!r}")
    if config.objective == "infonce":
        return infonce(z1, z2, config.alpha)
    if config.objective == "infonce_sym":
        return infonce_symmetric(z1, z2, config.alpha)
    if config.objective == "vicreg":
        return vicreg(z1, z2)
    if config.objective == "barlow":
        return barlow_twins(z1, z2)
    raise ValueError(f"unknown objective {config.objective!r}")


def _save_npy(path: Path, arr: np.ndarray) -> None:
    buf = io.BytesIO()
    np.save(buf, arr.astype(np.float32))
    atomic_write_bytes(path, buf.getvalue())


def _write_metrics(path: Path, records: list[dict]) -> None:
    atomic_write_text(path, "".join(json.dumps(r, allow_nan=False) + "\n" for r in records))


def _checkpoint(path, model, head, opt, gen, epoch: int, step: int, config: RunConfig, partial=None) -> None:
    state = {
        "model": model.state_dict(),
        "head": None if head is None else head.state_dict(),
        "optimizer": opt.state_dict(),
        "torch_rng": torch.get_rng_state(),
        "numpy_rng": np.random.get_state(),  # noqa: NPY002
        "python_rng": random.getstate(),
        "generator": gen.get_state(),
        "epoch": epoch,
        "step": step,
        "partial": partial,
        "config": config.to_dict(),
    }
    buf = io.BytesIO()
    torch.save(state, buf)
    atomic_write_bytes(path, buf.getvalue())


def _check_device(device: str) -> None:
    if device.startswith("cuda"):
        if not torch.cuda.is_available():
            raise ValueError(
                f"device {device!r} needs CUDA, which this machine or torch build ({torch.__version__}) does "
                "not have; use device=cpu"
            )
        index = int(device.partition(":")[2] or 0)
        if index >= torch.cuda.device_count():
            raise ValueError(
                f"device {device!r}: this machine has {torch.cuda.device_count()} CUDA device(s)"
            )


def _prepare_dir(run: Path) -> None:
    """Create the run directory, or say in one line why it cannot be one (a file, read-only, ...)."""
    if run.exists() and not run.is_dir():
        raise ValueError(f"run directory {run} exists and is not a directory")
    probe = run
    while not probe.exists() and probe.parent != probe:
        probe = probe.parent
    if not probe.is_dir():
        raise ValueError(f"run directory {run}: {probe} is a file, not a folder")
    try:
        run.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ValueError(f"cannot create run directory {run}: {exc.strerror or exc}") from None
    if not os.access(run, os.W_OK | os.X_OK):
        raise ValueError(f"run directory {run} is not writable")


def _step(config, model, head, opt, data, perm, b, gen, params, dist, epoch, step) -> float:
    """One optimizer step on batch ``b`` of ``perm``; returns its (global) loss."""
    N = config.N
    idx = perm[b * N : (b + 1) * N]
    x0 = data.x_train[idx]
    xa, xb = data.views(x0, gen)
    labels = None if data.y_train is None else data.y_train[idx]
    if dist is not None:
        per = N // dist.world_size
        sl = slice(dist.rank * per, (dist.rank + 1) * per)
        xa, xb = xa[sl], xb[sl]
        labels = None if labels is None else labels[sl]
    xa, xb = xa.to(config.device), xb.to(config.device)
    labels = None if labels is None else labels.to(config.device)
    opt.zero_grad(set_to_none=True)
    try:
        loss = _loss(config, model, head, xa, xb, labels, dist)
    except ValueError as exc:
        raise ValueError(
            f"epoch {epoch}, step {step + 1}: {exc} (training diverged? the checkpoint of epoch {epoch - 1} "
            "is kept)"
        ) from None
    loss.backward()
    if dist is not None:
        import torch.distributed as tdist

        for p in params:
            if p.grad is not None:
                tdist.all_reduce(p.grad)
                # sum over ranks of each rank's share = gradient of the global loss
        lv = loss.detach().clone()
        tdist.all_reduce(lv)
        value = float(lv)
    else:
        value = float(loss.detach())
    opt.step()
    return value


def _append_jsonl(path: Path, record: dict) -> None:
    """Append one JSON line; a partial last line (a process killed mid-append) is dropped first."""
    if path.exists() and path.stat().st_size:
        with open(path, "rb+") as fh:
            fh.seek(-1, os.SEEK_END)
            if fh.read(1) != b"\n":
                fh.seek(0)
                data = fh.read()
                fh.seek(data.rfind(b"\n") + 1)
                fh.truncate()
    with open(path, "a", encoding="utf-8") as fh:
        fh.write(json.dumps(record) + "\n")
