"""C1: pairs at an alignment plateau, the marginal's Phi minimised, projections against N(0, I_k)."""

from __future__ import annotations

import numpy as np
import torch

from simulate.experiments._starts import run_args

# --------------------------------------------------------------------------------------------------
# C1
# --------------------------------------------------------------------------------------------------


def c1_plateau(
    *, quick: bool = False, seed: int = 0, device=None, dtype=torch.float64, progress=False
) -> dict:
    """C1: pairs with the alignment held at a plateau ``a``; Phi of the marginal minimised; projections.

    .. math::
        \\min_{u, v}\\ \\Phi\\Big(\\frac1{2N}\\sum_i \\delta_{u_i} + \\delta_{v_i}\\Big)
        + \\rho\\Big(\\frac1N\\sum_i u_i^\\top v_i - a\\Big)^2,

    (a penalty with ``rho = 100``), by Riemannian Adam; then :math:`\\sqrt d` times ``k`` coordinates of
    the ``u`` against :math:`N(0, I_k)` by :func:`theory.gaussianity.diagnose` (AD, DP pass rates, CV)
    beside the same diagnostics of i.i.d. uniform points of the same size, and the exact projection TV.
    """
    quick, seed, device, dtype = run_args(quick, seed, device, dtype)
    from simulate.energies import Energy, phi
    from simulate.experiments._config import params
    from simulate.flows import adam_flow, run
    from simulate.observables import gaussianity, phi_gap
    from simulate.sphere import sample_uniform, sample_vmf
    from theory.sphere import projection_tv

    p = params("c1", quick)
    d, N, alpha, a, rho, k = p["d"], p["N_pairs"], p["alpha"], p["plateau"], p["penalty"], p["k"]
    n_steps = p["n_steps"]
    g = torch.Generator().manual_seed(seed)
    u0 = sample_uniform(N, d, generator=g)
    v0 = sample_vmf(N, u0, p["kappa_pair"], generator=g)
    x0 = torch.cat([u0, v0]).to(device=device or "cpu", dtype=dtype)

    def energy_fn(x):
        u, v = x[:N], x[N:]
        align = (u * v).sum(dim=1).mean()
        return phi(x, alpha) + rho * (align - a) ** 2

    energy = Energy(energy_fn, manifold="sphere", name="C1 plateau", alpha=alpha)
    if p["optimizer"] != "adam":
        raise ValueError(f"c1 runs Riemannian Adam; got optimizer {p['optimizer']!r}")
    init, step = adam_flow(energy, lr=p["lr"])
    tr = run(
        init,
        step,
        x0,
        n_steps=n_steps,
        record_every=p["record_every"],
        energy=energy,
        alpha=alpha,
        progress=progress,
    )
    x = tr.final_state.points.detach()
    u, v = x[:N], x[N:]
    align = float((u * v).sum(dim=1).mean())
    diag = gaussianity(u, k).to_dict()
    ref = gaussianity(sample_uniform(N, d, generator=seed + 1), k).to_dict()

    def pick(dd):
        keys = ("cv", "ad_mean", "ad_pass", "dp_mean", "dp_pass", "gaussian")
        return {kk: dd.get(kk) for kk in keys if kk in dd} or {
            kk: v for kk, v in dd.items() if not isinstance(v, list)
        }

    return {
        "d": d,
        "N_pairs": N,
        "alpha": alpha,
        "plateau": a,
        "penalty": rho,
        "k": k,
        "alignment": align,
        "phi_gap_marginal": phi_gap(x, alpha),
        "phi_gap_iid_same_size": phi_gap(sample_uniform(2 * N, d, generator=seed + 2), alpha),
        "mean_sq_norm": float((x.mean(0) ** 2).sum()),
        "diagnosis": pick(diag),
        "diagnosis_iid": pick(ref),
        "exact_tv_k1": projection_tv(d, 1),
        "trajectory": {"step": tr.step, "objective": tr.objective, "phi_gap": tr.phi_gap},
        "diagnosis_full": diag,
    }


def _plot_c1(res: dict):
    from matplotlib.figure import Figure

    fig = Figure(figsize=(7, 4.5), layout="constrained")
    ax = fig.subplots()
    t = res["trajectory"]
    ax.semilogy(t["step"], np.maximum(t["phi_gap"], 1e-16), label="Phi(marginal) - Phi(sigma)")
    ax.axhline(res["phi_gap_iid_same_size"], color="k", ls=":", label="i.i.d. uniform, same size")
    ax.set_xlabel("step")
    ax.set_title(
        f"C1: pairs at alignment {res['alignment']:.3f} (plateau {res['plateau']}), d={res['d']}, "
        f"N={res['N_pairs']} pairs"
    )
    ax.legend(fontsize=8)
    return fig
