"""The regularised route: mean-field Langevin particles in R^d, and the same at larger N."""

from __future__ import annotations

import math

import numpy as np
import torch

from simulate.experiments._config import params
from simulate.experiments._starts import run_args

# --------------------------------------------------------------------------------------------------
# regularised route: Langevin in R^d
# --------------------------------------------------------------------------------------------------


def _langevin_run(alpha, q, beta, lam, N, d, *, seed, n_steps, dt, record_every, progress, device, dtype):
    """Euclidean mean-field Langevin for the free energy from z0 ~ N(0, (2 lam)^-1 I_d) (one seed)."""
    from simulate.energies import Energy
    from simulate.flows import langevin_flow, run

    energy = Energy.free_energy(alpha, q, beta, lam)
    g = torch.Generator().manual_seed(seed)
    z0 = torch.randn(N, d, generator=g, dtype=torch.float64) / math.sqrt(2 * lam)
    z0 = z0.to(device=device or "cpu", dtype=dtype)
    init, step = langevin_flow(energy, dt=dt, beta=beta, manifold="euclidean", generator=seed)
    return run(
        init,
        step,
        z0,
        n_steps=n_steps,
        record_every=record_every,
        energy=energy,
        alpha=alpha,
        progress=progress,
    )


def langevin_route(
    *, quick: bool = False, seed: int = 0, device=None, dtype=torch.float64, progress=False
) -> dict:
    """Mean-field Langevin particles in R^d for the free energy; stationary law against N(0, (2 lam)^-1 I).

    .. math::
        dz_i = -N\\nabla_{z_i} F\\,dt + \\sqrt{2\\beta}\\,dW_i, \\qquad
        F = \\Phi(\\mu) - q\\lVert m\\rVert^2 + \\beta\\lambda \\tfrac1N\\sum_i \\lVert z_i\\rVert^2,

    whose stationary law minimises :math:`F - \\beta H`; Prop. 3 / Cor. 2 predict the radius
    :math:`\\lVert z\\rVert \\sim \\chi_d / \\sqrt{2\\lambda}` and uniform directions when sigma is optimal
    (``beta`` above beta*). The radius is tested against the chi law (KS), the directions by ``||m||^2``
    and the projections :math:`\\sqrt{2\\lambda}\\, z_k` against N(0, 1) by theory.gaussianity.
    """
    quick, seed, device, dtype = run_args(quick, seed, device, dtype)
    from scipy import stats

    from simulate.observables import gaussianity
    from theory.regularized import beta_threshold_vmf

    p = params("langevin", quick)
    d, N, alpha, eta2, lam = p["d"], p["N"], p["alpha"], p["eta2"], p["lam"]
    q = alpha * (1.0 - eta2)
    bstar, kstar = beta_threshold_vmf(d, alpha, eta2)
    n_steps, dt = p["n_steps"], p["dt"]
    run_opts = {"n_steps": n_steps, "dt": dt, "record_every": p["record_every"], "progress": progress}
    rows = []
    for fb in p["beta_factors"]:
        beta = max(fb * bstar, 1e-3) if bstar > 0 else fb
        tr = _langevin_run(alpha, q, beta, lam, N, d, seed=seed, device=device, dtype=dtype, **run_opts)
        z = tr.final_state.points.detach().double()
        r = torch.linalg.vector_norm(z, dim=1).numpy() * math.sqrt(2 * lam)
        ks = stats.kstest(r, stats.chi(d).cdf)
        u = z / torch.linalg.vector_norm(z, dim=1, keepdim=True)
        diag = gaussianity(u, min(p["k"], d)).to_dict()
        rows.append(
            {
                "beta": beta,
                "beta_over_beta_star": beta / bstar if bstar > 0 else None,
                "radius_ks": float(ks.statistic),
                "radius_ks_pvalue": float(ks.pvalue),
                "mean_sq_norm_directions": float((u.mean(0) ** 2).sum()),
                "iid_mean_sq_norm": 1.0 / N,
                "mean_sq_norm_trajectory": tr.mean_sq_norm,
                "step": tr.step,
                "ad_pass": diag.get("ad_pass"),
                "dp_pass": diag.get("dp_pass"),
            }
        )
    return {
        "d": d,
        "N": N,
        "alpha": alpha,
        "eta2": eta2,
        "lam": lam,
        "q": q,
        "beta_star_vmf": bstar,
        "kappa_star": kstar,
        "dt": dt,
        "n_steps": n_steps,
        "rows": rows,
    }


def langevin_finite_n(
    *, quick: bool = False, seed: int = 0, device=None, dtype=torch.float64, progress=False
) -> dict:
    """Is a tilted Langevin stationary law above the vMF beta* a finite-N effect? Repeat it at larger N.

    .. math::
        \frac1N\\sum_j e^{\alpha x_i^\top x_j} \ni \frac{e^{\alpha}}{N} \\ \text{(the self-pair)},

    a weight that weakens the repulsion by a relative :math:`e^{\alpha - \\Phi(\\sigma)}/N`; the
    mean-field (N -> infinity) question is whether :math:`N\\lVert m\rVert^2` stays O(N) (a tilt) or
    falls to O(1) as N grows at fixed ``beta/beta*``. Same settings as :func:`langevin_route`.
    """
    quick, seed, device, dtype = run_args(quick, seed, device, dtype)
    from theory.regularized import beta_threshold_vmf
    from theory.uniformity import phi_uniform

    p = params("langevin-n", quick)
    d, alpha, eta2, lam, dt = p["d"], p["alpha"], p["eta2"], p["lam"], p["dt"]
    q = alpha * (1.0 - eta2)
    bstar, _ = beta_threshold_vmf(d, alpha, eta2)
    n_steps = p["n_steps"]
    run_opts = {"n_steps": n_steps, "dt": dt, "record_every": p["record_every"], "progress": progress}
    rows = []
    for fb in p["beta_factors"]:
        beta = fb * bstar
        for N in p["Ns"]:
            tr = _langevin_run(alpha, q, beta, lam, N, d, seed=seed, device=device, dtype=dtype, **run_opts)
            tail = np.asarray(tr.mean_sq_norm)[-p["tail"] :]
            rows.append(
                {
                    "beta_over_beta_star": fb,
                    "beta": beta,
                    "N": N,
                    "N_m2_tail_mean": float(N * tail.mean()),
                    "m2_tail_mean": float(tail.mean()),
                    "self_pair_weight": math.exp(alpha - phi_uniform(d, alpha)) / N,
                    "step": tr.step,
                    "mean_sq_norm": tr.mean_sq_norm,
                }
            )
    return {
        "d": d,
        "alpha": alpha,
        "eta2": eta2,
        "lam": lam,
        "q": q,
        "beta_star_vmf": bstar,
        "dt": dt,
        "n_steps": n_steps,
        "rows": rows,
    }


def _plot_langevin_n(res: dict):
    from matplotlib.figure import Figure

    fig = Figure(figsize=(7, 4.5), layout="constrained")
    ax = fig.subplots()
    for i, r in enumerate(res["rows"]):
        ax.semilogy(
            r["step"],
            np.asarray(r["mean_sq_norm"]) * r["N"],
            color=f"C{i}",
            label=f"beta/beta*={r['beta_over_beta_star']:g}, N={r['N']}",
        )
    ax.axhline(1.0, color="k", ls=":", label="N||m||^2 = 1 (i.i.d. uniform)")
    ax.set_xlabel("step")
    ax.set_ylabel("N ||m||^2")
    ax.set_title("Langevin tilt above the vMF beta*: does it survive larger N?")
    ax.legend(fontsize=7)
    return fig


def _plot_langevin(res: dict):
    from matplotlib.figure import Figure

    fig = Figure(figsize=(7, 4.5), layout="constrained")
    ax = fig.subplots()
    for i, r in enumerate(res["rows"]):
        ax.semilogy(r["step"], r["mean_sq_norm_trajectory"], color=f"C{i}", label=f"beta={r['beta']:.3g}")
    ax.axhline(1.0 / res["N"], color="k", ls=":", label="1/N (i.i.d. uniform directions)")
    ax.set_xlabel("step")
    ax.set_ylabel("||m||^2 of the directions")
    ax.set_title(
        f"Langevin in R^d (d={res['d']}, alpha={res['alpha']:g}, vMF beta*={res['beta_star_vmf']:.3g})"
    )
    ax.legend(fontsize=7)
    return fig
