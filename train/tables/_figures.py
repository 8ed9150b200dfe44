"""The summary figures of the Table-1 rows and of the d x N grid (``Figure`` objects; no global state)."""

from __future__ import annotations

import numpy as np


def _table1_figure(result: dict):
    from matplotlib.figure import Figure

    rows = [r for r in result["rows"] if r["id"] != "Tab1-Bin50"] + [
        r for r in result["image_rows"] if "trained" in r
    ]
    fig = Figure(figsize=(16, 3.8), layout="constrained")
    axes = fig.subplots(1, 4)
    x = np.arange(len(rows))
    _rotation_panel(axes[3], rows, x)
    for ax, key, title in zip(
        axes[:3], ("cv", "ad_pass", "dp_pass"), ("CV", "AD pass", "DP pass"), strict=True
    ):
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
            ax.plot(x, [r["trained"].get(f"train_{key}", np.nan) for r in rows], "g^", ms=4,
                    label="trained, training set")  # fmt: skip
        if key == "dp_pass":
            ceil = [(r.get("ceiling") or {}).get("dp_ceiling", np.nan) for r in rows]
            ax.plot(x, ceil, "_", color="purple", ms=14, mew=2, label="ceiling of a linear encoder")
        ax.legend(fontsize=6)
    fig.suptitle("Table 1 rows with their controls (CPU scale)", fontsize=9)
    return fig


def _rotation_panel(ax, rows: list[dict], x) -> None:
    """AD pass of the trained encoders: given basis, over random rotations (box), random projections."""
    data = [r["analysis"]["trained"]["rotations"]["ad_pass"] if r.get("analysis") else [np.nan] for r in rows]
    ax.boxplot(data, positions=x, widths=0.5, showfliers=False)
    ax.plot(x, [r["trained"]["ad_pass"] for r in rows], "o", color="C1", ms=5, label="given basis")
    proj = [
        r["analysis"]["trained"]["basis_free"]["proj_ad_pass"] if r.get("analysis") else np.nan for r in rows
    ]
    ax.plot(x, proj, "s", color="C2", ms=4, label="64 random projections")
    ax.axhline(0.95, color="gray", ls=":")
    ax.set_xticks(
        x, [r["id"].replace("Tab1-", "").replace("images-", "") for r in rows], rotation=30, fontsize=7
    )
    ax.set_title("trained AD pass: over 32 rotations (box)", fontsize=9)
    ax.legend(fontsize=6)


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


def _binary_figure(result: dict):
    """Pass rates of every Binary study point (epoch 0 and trained, mean over seeds, each seed a dot)
    beside the ceiling of a linear encoder at the point's sparsity, and the predicted DP pass rate."""
    from matplotlib.figure import Figure

    names = list(result["points"])
    fig = Figure(figsize=(13, 7), layout="constrained")
    axes = fig.subplots(2, 1)
    x = np.arange(len(names))
    for ax, key, title in zip(axes, ("ad_pass", "dp_pass"), ("AD pass rate", "DP pass rate"), strict=True):
        for off, which, lab in (
            (-0.2, "epoch0", "epoch 0 (untrained)"),
            (0.2, "trained", "trained (last epoch)"),
        ):
            m = [result["summary"][n][which].get(key, np.nan) for n in names]
            ax.bar(x + off, m, 0.36, label=lab, alpha=0.8)
            for i, n in enumerate(names):
                v = [r[which][key] for r in result["points"][n]["runs"]]
                ax.plot([i + off] * len(v), v, "k.", ms=3)
            if key == "dp_pass":
                pred = [result["summary"][n][which].get("dp_pass_predicted") for n in names]
                ax.plot(x + off, [np.nan if p is None else p for p in pred], "rx", ms=6,
                        label=f"predicted from the weight rows ({which})" if off > 0 else None)  # fmt: skip
        tr = [result["summary"][n]["trained"].get(f"train_{key}", np.nan) for n in names]
        ax.plot(x + 0.2, tr, "g^", ms=5, label="trained, on the training set")
        ceil_key = "dp_ceiling" if key == "dp_pass" else "ad_best"
        for i, n in enumerate(names):
            c = result["ceilings"][f"{result['points'][n]['sparsity']:g}"][ceil_key]
            ax.hlines(c, i - 0.45, i + 0.45, color="purple", lw=2,
                      label=("ceiling of any linear encoder" if key == "dp_pass" else "best linear row found")
                      if i == 0 else None)  # fmt: skip
        ax.axhline(0.95, color="gray", ls=":", lw=1, label="Gaussian null 0.95")
        ax.axhline(0.8, color="gray", ls="--", lw=1, label="our rule: 80%")
        ax.set_xticks(x, names, rotation=20, fontsize=8)
        ax.set_ylim(0, 1.02)
        ax.set_title(title, fontsize=9)
        ax.legend(fontsize=6, ncol=3)
    fig.suptitle("Binary study: one factor at a time around the calibrated base (p = 0.00292, no bias)",
                 fontsize=9)  # fmt: skip
    return fig
