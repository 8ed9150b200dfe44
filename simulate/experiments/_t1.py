"""T1: Phi flows from several starts stay above Phi(sigma)."""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

from simulate.experiments._config import params
from simulate.experiments._starts import flow_phi, run_args, start_points

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
    quick, seed, device, dtype = run_args(quick, seed, device, dtype)
    from simulate.observables import phi_gap
    from simulate.sphere import sample_uniform

    p = params("t1", quick)
    N, n_steps = p["N"], p["n_steps"]
    out: dict[str, Any] = {"N": N, "n_steps": n_steps, "runs": {}}
    for case in p["cases"]:
        d, alpha = case["d"], case["alpha"]
        reps = range(p["iid_replicates"])
        iid = [phi_gap(sample_uniform(N, d, generator=seed + 100 + r), alpha) for r in reps]
        for kind in p["starts"]:
            x0 = start_points(kind, N, d, seed=seed, kappa=p["kappa"], device=device, dtype=dtype)
            tr = flow_phi(
                x0,
                alpha,
                optimizer=p["optimizer"],
                lr=p["lr"],
                n_steps=n_steps,
                record_every=p["record_every"],
                progress=progress,
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
