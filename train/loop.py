"""The training loop: ``fit(config) -> run directory``.

One run trains the encoder of a :class:`~train.config.RunConfig` with Adam (PyTorch defaults besides
``lr`` and ``weight_decay``; paper: lr 1e-3) and evaluates it on held-out data at epoch 0 (untrained, the
control every Table-1 row needs) and every ``eval_every`` epochs (:func:`train.evaluate.evaluate`).

The run directory holds

- ``config.json``: the configuration;
- ``metrics.jsonl``: one line per evaluation (the :class:`~train.evaluate.EvalResult` fields, the epoch's
  mean training loss and the global step); deterministic, so two runs with the same seed give identical
  files; wall times go to ``timing.jsonl``;
- ``checkpoint.pt``: written atomically after every epoch: model, optimizer, the RNG states of torch,
  numpy, python and the run's ``torch.Generator`` (batch order and views), epoch and step. ``fit(config,
  resume=True)`` continues from it: a run killed at any point (SIGKILL included) ends with the same
  ``metrics.jsonl`` as an uninterrupted one;
- ``embeddings_epoch0000.npy`` and ``embeddings_final.npy``: held-out embeddings for the figures;
- ``fig_metrics.png`` (CV, AD / DP pass over epochs, alignment against the Prop. 1 bound),
  ``fig_norms.png`` (norm histograms), ``fig_qq.png`` (QQ plots of a few coordinates): the paper's Fig. 3/4
  kind.

When ``WORLD_SIZE > 1`` (``torchrun``) the loop runs data-parallel through :mod:`train.distributed`: every
rank draws the same global batch and views (same generator), keeps its contiguous slice of ``N / world``
pairs, the InfoNCE loss is Eq. 2 over the global batch (negatives gathered across ranks), and the
gradients are summed across ranks, so the update equals the one-process update on the whole batch.
"""

from __future__ import annotations

import io
import json
import os
import random
import time
from pathlib import Path

import numpy as np
import torch

from theory._io import atomic_savefig, atomic_write_bytes, atomic_write_json, atomic_write_text, to_jsonable
from train.config import RunConfig
from train.data import PairData, make_data
from train.evaluate import evaluate
from train.models import make_model
from train.objectives import barlow_twins, infonce, infonce_symmetric, supervised_ce, vicreg

__all__ = ["build", "fit", "run_dir_for"]


def run_dir_for(config: RunConfig) -> Path:
    """Default run directory: ``<out_dir>/<name>-<objective>-d<d>-N<N>-seed<seed>``."""
    return (
        Path(config.out_dir) / f"{config.name}-{config.objective}-d{config.d}-N{config.N}-seed{config.seed}"
    )


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


def _read_metrics(path: Path) -> list[dict]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def _write_metrics(path: Path, records: list[dict]) -> None:
    atomic_write_text(path, "".join(json.dumps(r, allow_nan=False) + "\n" for r in records))


def _checkpoint(path: Path, model, head, opt, gen, epoch: int, step: int, config: RunConfig) -> None:
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
        "config": config.to_dict(),
    }
    buf = io.BytesIO()
    torch.save(state, buf)
    atomic_write_bytes(path, buf.getvalue())


def fit(
    config: RunConfig,
    *,
    resume: bool = False,
    run_dir: str | os.PathLike | None = None,
    data: PairData | None = None,
    figures: bool = True,
) -> Path:
    """Train ``config`` and return its run directory (see the module docstring for its contents).

    Parameters
    ----------
    config : RunConfig
    resume : bool
        Continue from ``checkpoint.pt`` in the run directory if present (metrics recorded after the
        checkpoint's epoch are dropped and recomputed). Without it an existing run directory with a
        checkpoint is an error (nothing is overwritten).
    run_dir : path, optional
        Defaults to :func:`run_dir_for`.
    data : PairData, optional
        A prebuilt data set (must equal ``make_data(config.data, **config.data_params)``; saves its cost
        when several runs share it).
    figures : bool
        Write the PNG figures at the end.

    Returns
    -------
    pathlib.Path
    """
    if not isinstance(config, RunConfig):
        raise TypeError(f"config must be a RunConfig; got {type(config).__name__}")
    threads = torch.get_num_threads()
    torch.set_num_threads(config.threads)
    try:
        return _fit(config, resume=resume, run_dir=run_dir, data=data, figures=figures)
    finally:
        torch.set_num_threads(threads)


def _fit(config, *, resume, run_dir, data, figures) -> Path:
    dist = None
    if int(os.environ.get("WORLD_SIZE", "1")) > 1:
        from train import distributed

        dist = distributed.init_from_env()
        if config.N % dist.world_size:
            raise ValueError(f"N = {config.N} must be divisible by WORLD_SIZE = {dist.world_size}")
    rank0 = dist is None or dist.rank == 0
    run = Path(run_dir) if run_dir is not None else run_dir_for(config)
    ckpt_path, metrics_path = run / "checkpoint.pt", run / "metrics.jsonl"
    if ckpt_path.exists() and not resume:
        raise FileExistsError(
            f"{run} already holds a run; pass resume=True (--resume) or choose another out_dir"
        )
    if rank0:
        run.mkdir(parents=True, exist_ok=True)
        cfg_path = run / "config.json"
        if cfg_path.exists() and resume:
            old = json.loads(cfg_path.read_text())
            if old != config.to_dict():
                raise ValueError(f"cannot resume {run}: its config.json differs from the given configuration")
        atomic_write_json(cfg_path, config.to_dict())
    data, model, head, opt = build(config, data)
    n_train, N = data.n_train, config.N
    if N > n_train:
        raise ValueError(f"N = {N} exceeds n_train = {n_train}")
    steps_per_epoch = n_train // N
    gen = torch.Generator().manual_seed(config.seed)
    start, step = 0, 0
    records: list[dict] = []
    if resume and ckpt_path.exists():
        state = torch.load(ckpt_path, map_location=config.device, weights_only=False)
        model.load_state_dict(state["model"])
        if head is not None:
            head.load_state_dict(state["head"])
        opt.load_state_dict(state["optimizer"])
        torch.set_rng_state(state["torch_rng"])
        np.random.set_state(state["numpy_rng"])  # noqa: NPY002
        random.setstate(state["python_rng"])
        gen.set_state(state["generator"])
        start, step = int(state["epoch"]), int(state["step"])
        records = [r for r in _read_metrics(metrics_path) if r["epoch"] <= start]
        if rank0:
            _write_metrics(metrics_path, records)

    def record(epoch: int, train_loss: float | None) -> None:
        t0 = time.perf_counter()
        res = evaluate(
            model,
            data,
            epoch=epoch,
            alpha=config.alpha,
            N=N,
            n_eval=config.n_eval,
            n_projections=config.n_projections,
            n_phi=config.n_phi,
            seed=config.seed,
            device=config.device,
        )
        rec = {**res.to_dict(), "train_loss": train_loss, "step": step}
        records.append(to_jsonable(rec))
        _write_metrics(metrics_path, records)
        with open(run / "timing.jsonl", "a") as fh:
            fh.write(
                json.dumps({"epoch": epoch, "eval_s": time.perf_counter() - t0, "time": time.time()}) + "\n"
            )

    if start == 0 and rank0:
        record(0, None)
        from train.evaluate import embed

        _save_npy(
            run / "embeddings_epoch0000.npy", embed(model, data.x_test[: config.n_eval], device=config.device)
        )
        _checkpoint(ckpt_path, model, head, opt, gen, 0, 0, config)
    if dist is not None:
        from train import distributed

        distributed.barrier()

    params = [p for group in opt.param_groups for p in group["params"]]
    from tqdm.auto import tqdm

    bar = tqdm(
        range(start + 1, config.epochs + 1),
        desc=f"{config.name}/{config.objective}",
        leave=False,
        disable=(not config.progress or not rank0) or None,
    )
    for epoch in bar:
        t_epoch = time.perf_counter()
        perm = torch.randperm(n_train, generator=gen)
        total = 0.0
        for b in range(steps_per_epoch):
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
            loss = _loss(config, model, head, xa, xb, labels, dist)
            loss.backward()
            if dist is not None:
                import torch.distributed as tdist

                for p in params:
                    if p.grad is not None:
                        tdist.all_reduce(p.grad)
                        # sum over ranks of each rank's share = gradient of the global loss
                lv = loss.detach().clone()
                tdist.all_reduce(lv)
                total += float(lv)
            else:
                total += float(loss.detach())
            opt.step()
            step += 1
        train_loss = total / steps_per_epoch
        if rank0:
            with open(run / "timing.jsonl", "a") as fh:
                fh.write(json.dumps({"epoch": epoch, "train_s": time.perf_counter() - t_epoch}) + "\n")
            if epoch % config.eval_every == 0 or epoch == config.epochs:
                record(epoch, train_loss)
            _checkpoint(ckpt_path, model, head, opt, gen, epoch, step, config)
        bar.set_postfix(loss=f"{train_loss:.4f}")
    bar.close()
    if rank0:
        from train.evaluate import embed

        if not (run / "embeddings_final.npy").exists() or start < config.epochs:
            _save_npy(
                run / "embeddings_final.npy", embed(model, data.x_test[: config.n_eval], device=config.device)
            )
        if figures:
            write_figures(run)
    if dist is not None:
        from train import distributed

        distributed.barrier()
    return run


def write_figures(run: str | os.PathLike) -> list[Path]:
    """The paper's Fig. 3/4 kind from a run directory: metrics over epochs, norm histograms, QQ plots."""
    from matplotlib.figure import Figure
    from scipy import stats

    run = Path(run)
    recs = _read_metrics(run / "metrics.jsonl")
    out = []
    if recs:
        ep = [r["epoch"] for r in recs]
        fig = Figure(figsize=(12, 3.2))
        axes = fig.subplots(1, 4)
        axes[0].plot(ep, [r["cv"] for r in recs], "o-")
        axes[0].set(title="CV of norms", xlabel="epoch")
        axes[1].plot(ep, [r["ad_pass"] for r in recs], "o-", label="AD pass")
        axes[1].plot(ep, [r["dp_pass"] for r in recs], "s-", label="DP pass")
        axes[1].axhline(0.95, color="gray", ls=":", label="Gaussian null")
        axes[1].set(title="pass rates (unnormalised)", xlabel="epoch", ylim=(-0.02, 1.02))
        axes[1].legend(fontsize=7)
        axes[2].plot(ep, [r["ad_mean"] for r in recs], "o-", label="AD mean")
        axes[2].axhline(0.752, color="gray", ls=":", label="0.752")
        axes[2].set(title="AD mean", xlabel="epoch")
        axes[2].legend(fontsize=7)
        axes[3].errorbar(
            ep,
            [r["alignment"] for r in recs],
            yerr=[r["alignment_se"] for r in recs],
            fmt="o-",
            label="E[u.v]",
        )
        if recs[0].get("bound") is not None:
            axes[3].plot(ep, [r["bound"] for r in recs], "k--", label="Prop. 1 bound")
        axes[3].set(title="alignment", xlabel="epoch")
        axes[3].legend(fontsize=7)
        fig.suptitle(run.name, fontsize=9)
        out.append(atomic_savefig(fig, run / "fig_metrics.png"))
    e0, ef = run / "embeddings_epoch0000.npy", run / "embeddings_final.npy"
    if e0.exists() and ef.exists():
        z0, zf = np.load(e0).astype(np.float64), np.load(ef).astype(np.float64)
        fig = Figure(figsize=(8, 3.2))
        axes = fig.subplots(1, 2)
        for ax, z, lab in ((axes[0], z0, "epoch 0"), (axes[1], zf, "final")):
            nrm = np.linalg.norm(z, axis=1)
            ax.hist(nrm, bins=50)
            ax.set(title=f"{lab}: ||z||, CV = {nrm.std() / nrm.mean():.3f}", xlabel="||z||")
        out.append(atomic_savefig(fig, run / "fig_norms.png"))
        k = min(4, zf.shape[1])
        fig = Figure(figsize=(3 * k, 5.6))
        axes = fig.subplots(2, k, squeeze=False)
        for row, (z, lab) in enumerate(((z0, "epoch 0"), (zf, "final"))):
            for j in range(k):
                (osm, osr), (slope, icpt, _) = stats.probplot(z[:, j], dist="norm")
                ax = axes[row][j]
                ax.plot(osm, osr, ".", ms=2)
                ax.plot(osm, slope * osm + icpt, "r-", lw=1)
                ax.set(title=f"{lab}, coordinate {j}", xlabel="normal quantile")
        out.append(atomic_savefig(fig, run / "fig_qq.png"))
    return out
