"""The Table-2 figure: norms, per-coordinate AD and a QQ plot, pretrained beside random init."""

from __future__ import annotations

import numpy as np

__all__ = ["plot_table2"]


def plot_table2(embeddings: dict, rows: dict):
    """Norm histograms, per-coordinate AD histograms and a QQ plot, pretrained beside random init.

    Returns
    -------
    matplotlib.figure.Figure
    """
    from matplotlib.figure import Figure
    from scipy import stats

    fig = Figure(figsize=(13, 3.8))
    axes = fig.subplots(1, 3)
    colors = {"pretrained": "C0", "random_init": "C3"}
    for name, Z in embeddings.items():
        norms = np.linalg.norm(Z, axis=1)
        cv = rows[name]["unnormalized"]["cv"]
        axes[0].hist(
            norms / norms.mean(), bins=50, alpha=0.55, color=colors[name], label=f"{name} (CV {cv:.3f})"
        )
        ad = np.asarray(rows[name]["unnormalized"]["ad"])
        axes[1].hist(
            np.log10(ad),
            bins=40,
            alpha=0.55,
            color=colors[name],
            label=f"{name}: AD {rows[name]['unnormalized']['ad_mean']:.2f}, "
            f"pass {100 * rows[name]['unnormalized']['ad_pass']:.0f}%",
        )
        j = int(np.argsort(ad)[ad.size // 2])  # the median coordinate by AD
        z = Z[:, j]
        z = (z - z.mean()) / z.std()
        q = stats.norm.ppf((np.arange(1, z.size + 1) - 0.5) / z.size)
        axes[2].plot(q, np.sort(z), ".", ms=2, color=colors[name], label=f"{name}, coord {j}")
    axes[0].set_xlabel("||z|| / mean ||z||")
    axes[0].set_ylabel("count")
    axes[0].set_title("norms (unnormalised)")
    axes[1].axvline(np.log10(0.752), color="k", ls="--", lw=1, label="pass: AD < 0.752")
    axes[1].set_xlabel("log10 AD per coordinate")
    axes[1].set_title("Anderson-Darling per coordinate")
    lim = 4.5
    axes[2].plot([-lim, lim], [-lim, lim], "k-", lw=0.8)
    axes[2].set_xlabel("normal quantile")
    axes[2].set_ylabel("standardised coordinate")
    axes[2].set_title("QQ: coordinate of median AD")
    for ax in axes:
        ax.legend(fontsize=7)
    fig.suptitle("all-MiniLM-L6-v2 (contrastive) vs the same network at random init, Python-docs sentences")
    fig.tight_layout()
    return fig
