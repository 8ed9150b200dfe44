"""The figure of the two rate studies."""

from __future__ import annotations

import numpy as np

from simulate.rates._study import RateStudy


def plot_rates(study: RateStudy | dict):
    """The two rates side by side: R-d (TV and KS against d) and R-N (the four readings against N).

    Returns
    -------
    matplotlib.figure.Figure
    """
    s = study.to_dict() if isinstance(study, RateStudy) else study
    if not isinstance(s, dict) or not {"rd", "rn", "config"} <= s.keys():
        raise TypeError(
            f"study must be a RateStudy or its dict (keys rd, rn, config); got {type(study).__name__}"
        )
    from matplotlib.figure import Figure

    fig = Figure(figsize=(13, 5.2), layout="constrained")
    ax = fig.subplots(1, 2)
    rd = s["rd"]
    colors = ["C0", "C1", "C2"]
    for i, (k, e) in enumerate(rd["by_k"].items()):
        d = np.array(e["d"])
        ax[0].loglog(d, e["tv_exact"], "-", color=colors[i], label=f"exact TV, k={k}")
        ax[0].errorbar(
            d,
            e["tv_mc_mean"],
            yerr=2 * np.array(e["tv_mc_se_of_mean"]),
            fmt="o",
            ms=4,
            color=colors[i],
            label=f"MC TV (i.i.d.), k={k}: slope {e['fit_mc']['slope']:.3f}",
        )
    ks = rd["ks"]
    d = np.array(ks["d"])
    ax[0].loglog(d, ks["ks_exact"], "--", color="C3", label="exact KS of sqrt(d) U_1")
    df = np.array(ks["d_flow"])
    ax[0].loglog(
        df,
        ks["flow_pooled"],
        "s",
        color="C3",
        ms=4,
        label=f"KS, Phi-minimising particles (pooled): slope {ks['fit_flow_pooled']['slope']:.2f}",
    )
    ax[0].loglog(df, ks["iid_pooled"], "x", color="C4", label="KS, i.i.d. particles (pooled)")
    ax[0].loglog(df, ks["pooled_floor"], ":", color="C4", label="KS floor 0.87/sqrt(N d)")
    ax[0].loglog(d, ks["iid_first_coordinate"], "^", color="C5", ms=4, label="KS of sqrt(d) U_1, i.i.d.")
    ax[0].loglog(d, ks["iid_floor"], ":", color="C5", label="KS floor 0.87/sqrt(n)")
    ax[0].set_xlabel("d")
    ax[0].set_ylabel("distance to N(0, I_k)")
    ax[0].set_title("R-d: sqrt(d)-projections of the sphere (reference slope -1)")
    ax[0].legend(fontsize=7)
    rn = s["rn"]["readings"]
    styles = {
        "i_phi_gap": ("C0", "(i) Phi gap"),
        "ii_mmd": ("C1", "(ii) MMD"),
        "iii_sw": ("C2", "(iii) sliced W2"),
        "iv_infonce_bias": ("C3", "(iv) |InfoNCE bias|"),
        "iv_infonce_spread": ("C4", "(iv) InfoNCE spread"),
    }
    for name, (c, lab) in styles.items():
        e = rn[name]
        N = np.array(e["iid"]["x"])
        ax[1].loglog(N, e["iid"]["y"], "o-", color=c, ms=4, label=f"{lab} i.i.d.: {e['iid']['slope']:.2f}")
        ax[1].loglog(
            e["flow"]["x"],
            e["flow"]["y"],
            "s--",
            color=c,
            ms=4,
            label=f"{lab} minimiser: {e['flow']['slope']:.2f}",
        )
        if "floor" in e:
            ax[1].loglog(N, e["floor"], ":", color=c, label="sliced W2 floor 1/(sqrt(12) N)")
    N = np.array(rn["ii_mmd"]["iid"]["x"])
    y0 = rn["ii_mmd"]["iid"]["y"][0]
    ax[1].loglog(N, y0 * (N / N[0]) ** -0.5, "k-", lw=0.8, label="N^-1/2")
    ax[1].loglog(N, y0 * (N / N[0]) ** -1.0, "k:", lw=0.8, label="N^-1")
    ax[1].set_xlabel("N")
    cfg = s["config"]["rn"]
    ax[1].set_title(f"R-N: four readings (d={cfg['d']}, alpha={cfg['alpha']:g}; fitted slopes)")
    ax[1].legend(fontsize=6.5, ncol=2)
    return fig
