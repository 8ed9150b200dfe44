"""The beyond-zonal experiment's summaries (per case, ``f`` and ``N``; per case and ``f``) and its figure."""

from __future__ import annotations

EXACT_TOL = 1e-9
"""An exact J below the zonal value by more than this (rounding) is a counterexample."""


def summarise(units: dict, sig: dict, z: dict, q: float, ps: float, N: int, selfw: float, p: dict) -> dict:
    """One (case, f, N): references, starts, the best, and the comparisons."""
    starts = {k: v for k, v in units.items() if k != "ring-ref"}
    j_sig = sig["phi"] - q * sig["shape"]["m_norm"] ** 2
    ring = units.get("ring-ref")
    j_ring = ring["J"] if ring is not None else None
    j_ref = min(j_sig, j_ring) if j_ring is not None else j_sig
    best = min(starts, key=lambda k: starts[k]["J"])
    b = starts[best]
    mn = b["shape"]["m_norm"]
    ref_aniso = (ring or sig)["shape"]["perp_anisotropy"]
    return {
        "self_pair_over_N": selfw / N,
        "J_sigma_ref": j_sig,
        "J_ring_ref": j_ring,
        "ring_ref_latitudes": ring["latitudes"] if ring is not None else None,
        "ring_ref_counts": ring["counts"] if ring is not None else None,
        "ring_ref_anisotropy": ring["shape"]["perp_anisotropy"] if ring is not None else None,
        "J_zonal_ref": j_ref,
        "starts": {k: {"J": v["J"], "n_evals": v["n_evals"], **v["shape"]} for k, v in starts.items()},
        "best_start": best,
        "J_best": b["J"],
        "phi_best": b["phi"],
        "best_shape": b["shape"],
        "ratio_best": (b["phi"] - ps) / mn**2 if mn > p["tilt_m_norm"] else None,
        "excess_best": b["J"] - z["J"],
        "excess_zonal_ref": j_ref - z["J"],
        "advantage": j_ref - b["J"],
        "below_zonal_exact": bool(b["J"] < z["J"] - EXACT_TOL),
        "below_same_N": bool(j_ref - b["J"] > p["tol_J"]),
        "best_non_zonal": bool(
            mn > p["tilt_m_norm"] and b["shape"]["perp_anisotropy"] > p["anisotropy_factor"] * ref_aniso
        ),
        "best_points": b["points"] if b["J"] < z["J"] - EXACT_TOL else None,
    }


def judge(by_N: dict) -> dict:
    """Per (case, f): an exact counterexample (any N), or a like-with-like candidate (an advantage at the
    largest N that is no smaller than at the smallest, from a non-zonal best shape); whether the excess
    of the best over Z shrinks with N."""
    Ns = sorted(by_N, key=int)
    exact = next((by_N[n] for n in Ns if by_N[n]["below_zonal_exact"]), None)
    lo, hi = by_N[Ns[0]], by_N[Ns[-1]]
    return {
        "exact_counterexample": None
        if exact is None
        else {
            "N": int(next(n for n in Ns if by_N[n]["below_zonal_exact"])),
            "J": exact["J_best"],
            "phi": exact["phi_best"],
            "m_norm": exact["best_shape"]["m_norm"],
            "points": exact["best_points"],
        },
        "candidate": bool(hi["below_same_N"] and hi["best_non_zonal"] and hi["advantage"] >= lo["advantage"]),
        "excess_shrinks": bool(hi["excess_best"] < lo["excess_best"]),
        "excess_by_N": {n: by_N[n]["excess_best"] for n in Ns},
        "advantage_by_N": {n: by_N[n]["advantage"] for n in Ns},
    }


def _plot_beyond_zonal(res: dict):
    from matplotlib import colormaps
    from matplotlib.figure import Figure

    fig = Figure(figsize=(13, 5.2), layout="constrained")
    ax = fig.subplots(1, 2)
    cmap = colormaps["tab20"]
    for i, c in enumerate(res["cases"]):
        col = cmap(i % 20)
        for r in c["by_f"]:
            Ns = sorted(r["by_N"], key=int)
            n = [int(x) for x in Ns]
            ls = "-" if r["f"] == 1.0 else "--"
            lab = f"d={c['d']}, alpha={c['alpha']:g}" if r is c["by_f"][0] else None
            ax[0].loglog(
                n, [max(r["by_N"][x]["excess_best"], 1e-12) for x in Ns], ls, marker="o", color=col, label=lab
            )
            ax[0].loglog(
                n, [max(r["by_N"][x]["excess_zonal_ref"], 1e-12) for x in Ns], ":", marker="x", color=col
            )
            ax[1].plot(
                n,
                [r["by_N"][x]["J_best"] - r["by_N"][x]["J_zonal_ref"] for x in Ns],
                ls,
                marker="o",
                color=col,
            )
    ax[0].set_xlabel("N")
    ax[0].set_ylabel("J_q(best particles) - Z(q)   (x: same-N zonal reference)")
    ax[0].set_title(
        "finite-N excess over the zonal value (exact J of the discrete measure)\n"
        "solid q = q_c^zonal, dashed 1.1 q_c^zonal; below 0 would be a counterexample"
    )
    ax[0].legend(fontsize=6, ncol=2)
    ax[1].axhline(0.0, color="k", lw=0.8)
    ax[1].set_xscale("log")
    ax[1].set_yscale("symlog", linthresh=1e-7)
    ax[1].set_xlabel("N")
    ax[1].set_ylabel("J_q(best particles) - J_q(same-N zonal reference)")
    ax[1].set_title("like with like: below 0 = free particles beat N points on the zonal rings")
    return fig
