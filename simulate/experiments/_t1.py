"""T1: Phi flows from several starts stay above Phi(sigma)."""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

from simulate.experiments._starts import flow_phi, start_points

# --------------------------------------------------------------------------------------------------
# T1
# --------------------------------------------------------------------------------------------------


def t1_starts(
    *, quick: bool = False, seed: int = 0, device=None, dtype=torch.float64, progress=False
) -> dict:
    """T1: Phi flows from several starts; the gap Phi - Phi(sigma) stays >= 0 and falls to the same-N floor.

    .. math::
        \\Phi(\\mu_N(t)) - \\Phi(\\sigma) \\ge 0 \\quad\\text{for every step } t \\text{ and start}.

    Returns
    -------
    dict
        Per ``(d, start)``: the recorded steps, the gap, ``||m||^2``, the minimum gap over the run, the
        final gap; and the i.i.d. reference gap at the same N.
    """
    from simulate.observables import phi_gap
    from simulate.sphere import sample_uniform

    cfgs = [(3, 4.0), (16, 8.0)] if not quick else [(3, 4.0)]
    N = 64 if quick else 256
    n_steps = 60 if quick else 300
    out: dict[str, Any] = {"N": N, "n_steps": n_steps, "runs": {}}
    for d, alpha in cfgs:
        iid = [phi_gap(sample_uniform(N, d, generator=seed + 100 + r), alpha) for r in range(5)]
        for kind in ("clustered", "vmf", "antipodal", "uniform"):
            x0 = start_points(kind, N, d, seed=seed, kappa=20.0, device=device, dtype=dtype)
            tr = flow_phi(
                x0, alpha, lr=0.05, n_steps=n_steps, record_every=max(1, n_steps // 60), progress=progress
            )
            out["runs"][f"d={d},{kind}"] = {
                "d": d,
                "alpha": alpha,
                "start": kind,
                "step": tr.step,
                "phi_gap": tr.phi_gap,
                "mean_sq_norm": tr.mean_sq_norm,
                "min_gap": float(np.min(tr.phi_gap)),
                "final_gap": float(tr.phi_gap[-1]),
                "iid_gap_mean": float(np.mean(iid)),
            }
    gaps = [r["min_gap"] for r in out["runs"].values()]
    out["min_gap_over_all"] = float(min(gaps))
    out["all_above"] = bool(min(gaps) >= 0.0)
    return out


def _plot_t1(res: dict):
    from matplotlib.figure import Figure

    fig = Figure(figsize=(7, 4.5), layout="constrained")
    ax = fig.subplots()
    for i, (name, r) in enumerate(res["runs"].items()):
        ls = "-" if r["d"] == 3 else "--"
        ax.semilogy(r["step"], np.maximum(r["phi_gap"], 1e-16), ls, color=f"C{i % 4}", label=name)
    ax.set_xlabel("step")
    ax.set_ylabel("Phi(mu_N) - Phi(sigma)")
    ax.set_title(f"T1: Phi flows from four starts stay above Phi(sigma) (N={res['N']})")
    ax.legend(fontsize=7)
    return fig
