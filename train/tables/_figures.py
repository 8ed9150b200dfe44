"""The summary figures of the Table-1 rows and of the d x N grid (``Figure`` objects; no global state)."""

from __future__ import annotations

import numpy as np


def _table1_figure(result: dict):
    from matplotlib.figure import Figure

    rows = [r for r in result["rows"] if r["id"] != "Tab1-Bin50"] + [
        r for r in result["image_rows"] if "trained" in r
    ]
    fig = Figure(figsize=(12, 3.8), layout="constrained")
    axes = fig.subplots(1, 3)
    x = np.arange(len(rows))
    for ax, key, title in zip(axes, ("cv", "ad_pass", "dp_pass"), ("CV", "AD pass", "DP pass"), strict=True):
        e0 = [r["epoch0"][key] for r in rows]
        tr = [r["trained"][key] for r in rows]
        ct = [next(iter(r["controls"].values()))[key] if r["controls"] else np.nan for r in rows]
        ax.bar(x - 0.27, e0, 0.27, label="epoch 0 (untrained)")
        ax.bar(x, tr, 0.27, label="InfoNCE trained")
        ax.bar(x + 0.27, ct, 0.27, label="control objective")
        ax.set_xticks(
            x, [r["id"].replace("Tab1-", "").replace("images-", "") for r in rows], rotation=30, fontsize=7
        )
        ax.set_title(title)
        if key != "cv":
            ax.axhline(0.95, color="gray", ls=":")
    axes[0].legend(fontsize=7)
    fig.suptitle("Table 1 rows with their controls (CPU scale)", fontsize=9)
    return fig


def _grid_figure(result: dict):
    from matplotlib.figure import Figure

    pts = result["points"]
    ds = sorted({p["d"] for p in pts})
    Ns = sorted({p["N"] for p in pts})
    fig = Figure(figsize=(13, 7.5), layout="constrained")
    axes = fig.subplots(2, 3)
    for col, key, title in ((0, "cv", "CV"), (1, "ad_pass", "AD pass"), (2, "dp_pass", "DP pass")):
        for row, (var, vals) in enumerate((("d", ds), ("N", Ns))):
            ax = axes[row][col]
            for which, style in (("trained", "o-"), ("epoch0", "s--")):
                m = [np.mean([p[which][key] for p in pts if p[var] == v]) for v in vals]
                e = [np.std([p[which][key] for p in pts if p[var] == v]) for v in vals]
                lab = "InfoNCE trained" if which == "trained" else "epoch 0 (untrained)"
                ax.errorbar(vals, m, yerr=e, fmt=style, capsize=2, label=lab)
            ax.set_xscale("log", base=2)
            if key == "cv":
                ax.set_yscale("log")
                f = result["fits"]["trained"]["log_cv"]
                slope = f[f"slope_{var}"]
                pred = -1.0 if var == "d" else -0.5
                v = np.array(vals, float)
                ref = np.exp(np.mean(np.log(m))) * (v / np.exp(np.mean(np.log(v)))) ** pred
                ax.plot(v, ref, "k:", label=f"predicted slope {pred:g}")
                lo, hi = f[f"slope_{var}_ci"]
                s0 = result["fits"]["epoch0"]["log_cv"][f"slope_{var}"]
                ax.set_title(
                    f"{title} vs {var}: trained slope {slope:+.2f} [{lo:+.2f}, {hi:+.2f}], epoch 0 {s0:+.2f}",
                    fontsize=8,
                )
            else:
                ax.axhline(0.95, color="gray", ls=":", label="Gaussian null 0.95")
                f = result["fits"]["trained"][key]
                ax.set_title(f"{title} vs {var}: slope {f[f'slope_{var}']:+.3f} per e-fold", fontsize=8)
            ax.set_xlabel(var + " (mean and sd over the other variable)")
            ax.legend(fontsize=6)
    fig.suptitle(f"Laplace d x N grid ({result['reduced']})", fontsize=9)
    return fig
