"""The paper's Fig. 3/4 kind from a run directory: metrics over epochs, norm histograms, QQ plots."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from theory._io import atomic_savefig
from train.loop._rundir import read_metrics

__all__ = ["write_figures"]


def write_figures(run: str | os.PathLike) -> list[Path]:
    """The paper's Fig. 3/4 kind from a run directory: metrics over epochs, norm histograms, QQ plots."""
    from matplotlib.figure import Figure
    from scipy import stats

    run = Path(run)
    if not run.is_dir():
        raise ValueError(f"run directory {run} does not exist or is not a directory")
    recs = read_metrics(run / "metrics.jsonl")
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
