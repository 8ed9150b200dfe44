"""Particle experiments of issue 10, each a command with a figure (docs/figures) and JSON (docs/data).

- ``t1``: Phi flows from clustered, vMF, antipodal and random starts approach Phi(sigma) from above (T1);
- ``c1``: N positive pairs with the alignment held at a plateau ``a`` (penalty), the marginal's Phi
  minimised, then :math:`\\sqrt d`-projections of the result against :math:`N(0, I_k)` (C1);
- ``beyond-vmf``: J_q = Phi - q ||m||^2 minimised over particle measures from uniform, vMF, ring (zonal)
  and multi-cap starts on both sides of the vMF thresholds q_c^loc, q_c^glob (App. D, row D), against
  the same-N reference (the Phi-minimising configuration) and extrapolated in N;
- ``langevin``: mean-field Langevin particles in R^d for the regularised free energy; the stationary law
  against :math:`N(0, (2\\lambda)^{-1} I_d)` (radius against the chi law, projections; T2/C2 route).

``python -m simulate experiment NAME [--quick]`` runs one (:func:`run_experiment`).
"""

from __future__ import annotations

import math
import time
from pathlib import Path
from typing import Any

import numpy as np
import torch

from theory._io import atomic_savefig, atomic_write_json
from theory._validation import as_int, as_real

__all__ = [
    "EXPERIMENTS",
    "beyond_vmf",
    "c1_plateau",
    "flow_phi",
    "langevin_route",
    "run_experiment",
    "start_points",
    "t1_starts",
]

STARTS = ("uniform", "vmf", "clustered", "antipodal", "ring", "caps")


def start_points(
    kind: str, N: int, d: int, *, seed: int = 0, kappa: float = 20.0, device=None, dtype=torch.float64
) -> torch.Tensor:
    """Initial particles on :math:`S^{d-1}`.

    Parameters
    ----------
    kind : {"uniform", "vmf", "clustered", "antipodal", "ring", "caps"}
        ``uniform``: i.i.d. sigma; ``vmf``: vMF(e_1, kappa); ``clustered``: a mixture of 4 vMF(kappa)
        at random means; ``antipodal``: half at vMF(e_1, kappa), half at vMF(-e_1, kappa); ``ring``:
        the zonal band :math:`u_1 = 0.5` (uniform on the great sub-sphere, tilted); ``caps``: three vMF
        caps of unequal weights 0.5/0.3/0.2 at random means.
    N, d : int
    seed : int
    kappa : float
    device, dtype : torch device and dtype

    Returns
    -------
    Tensor, shape (N, d)
    """
    from simulate.sphere import sample_mixture, sample_uniform, sample_vmf

    N = as_int(N, "N", low=1)
    d = as_int(d, "d", low=2)
    kappa = as_real(kappa, "kappa", low=0.0)
    g = torch.Generator().manual_seed(int(seed))
    e1 = torch.zeros(d, dtype=torch.float64)
    e1[0] = 1.0
    if kind == "uniform":
        x = sample_uniform(N, d, generator=g)
    elif kind == "vmf":
        x = sample_vmf(N, e1, kappa, generator=g)
    elif kind in ("clustered", "caps"):
        C = 4 if kind == "clustered" else 3
        means = sample_uniform(C, d, generator=g)
        w = [1.0] * C if kind == "clustered" else [0.5, 0.3, 0.2]
        x = sample_mixture(N, means, [kappa] * C, w, generator=g)
    elif kind == "antipodal":
        x = torch.cat(
            [sample_vmf(N - N // 2, e1, kappa, generator=g), sample_vmf(N // 2, -e1, kappa, generator=g)]
        )
    elif kind == "ring":
        y = sample_uniform(N, d, generator=g)
        y[:, 0] = 0.0
        y = y / torch.linalg.vector_norm(y, dim=1, keepdim=True)
        x = 0.5 * e1[None, :] + math.sqrt(0.75) * y
    else:
        raise ValueError(f"start kind must be one of {', '.join(STARTS)}; got {kind!r}")
    return x.to(device=device or "cpu", dtype=dtype)


def flow_phi(
    x0,
    alpha: float,
    *,
    q: float = 0.0,
    optimizer: str = "adam",
    lr: float = 0.05,
    n_steps: int = 500,
    record_every: int = 10,
    tol: float | None = None,
    observables=None,
    progress: bool = False,
):
    """A flow of Phi (``q = 0``) or of :math:`J_q = \\Phi - q\\lVert m\\rVert^2` on the sphere.

    .. math::
        x_i \\leftarrow R_{x_i}\\big(-\\eta\\, N \\operatorname{grad}_{x_i} J_q\\big)
        \\quad\\text{(Riemannian GD, or Riemannian Adam)}.

    Returns
    -------
    simulate.flows.Trajectory
    """
    from simulate.energies import Energy
    from simulate.flows import adam_flow, gradient_flow, run

    energy = Energy.phi(alpha) if q == 0 else Energy.surrogate_jq(alpha, q)
    if optimizer == "adam":
        init, step = adam_flow(energy, lr=lr)
    elif optimizer == "gd":
        init, step = gradient_flow(energy, lr=lr)
    else:
        raise ValueError(f"optimizer must be 'adam' or 'gd'; got {optimizer!r}")
    return run(
        init,
        step,
        x0,
        n_steps=n_steps,
        record_every=record_every,
        tol=tol,
        energy=energy,
        alpha=alpha,
        observables=observables,
        progress=progress,
    )


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
    from simulate.energies import Energy, phi
    from simulate.flows import adam_flow, run
    from simulate.observables import gaussianity, phi_gap
    from simulate.sphere import sample_uniform, sample_vmf
    from theory.sphere import projection_tv

    d, N, alpha, a, rho = (16, 128, 8.0, 0.5, 100.0) if quick else (32, 512, 10.0, 0.5, 100.0)
    k = 8
    n_steps = 80 if quick else 300
    g = torch.Generator().manual_seed(seed)
    u0 = sample_uniform(N, d, generator=g)
    v0 = sample_vmf(N, u0, 40.0, generator=g)
    x0 = torch.cat([u0, v0]).to(device=device or "cpu", dtype=dtype)

    def energy_fn(x):
        u, v = x[:N], x[N:]
        align = (u * v).sum(dim=1).mean()
        return phi(x, alpha) + rho * (align - a) ** 2

    energy = Energy(energy_fn, manifold="sphere", name="C1 plateau", alpha=alpha)
    init, step = adam_flow(energy, lr=0.03)
    tr = run(
        init,
        step,
        x0,
        n_steps=n_steps,
        record_every=max(1, n_steps // 50),
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


# --------------------------------------------------------------------------------------------------
# beyond the vMF family (App. D surrogate J_q)
# --------------------------------------------------------------------------------------------------


def _minimize_jq(x0: torch.Tensor, alpha: float, q: float, *, max_steps: int, tol: float):
    """L-BFGS on directions for J_q (as :func:`simulate.rates.minimize_phi_particles`)."""
    from scipy.optimize import minimize

    from simulate.energies import phi_and_grad
    from simulate.sphere import tangent

    N, d = x0.shape

    def fg(flat):
        y = torch.as_tensor(flat.reshape(N, d), dtype=torch.float64)
        r = torch.linalg.vector_norm(y, dim=1, keepdim=True)
        x = y / r
        val, g = phi_and_grad(x, alpha)
        m = x.mean(0)
        val = val - q * (m * m).sum()
        g = g - (2.0 * q / N) * m[None, :]
        return float(val), (tangent(x, g) / r).numpy().ravel()

    res = minimize(
        fg,
        x0.double().numpy().ravel(),
        jac=True,
        method="L-BFGS-B",
        options={"maxiter": max_steps, "maxcor": 30, "ftol": 0.0, "gtol": tol / N * 1e-3},
    )
    y = torch.as_tensor(res.x.reshape(N, d), dtype=torch.float64)
    x = y / torch.linalg.vector_norm(y, dim=1, keepdim=True)
    return x, float(res.fun), int(res.nit)


def _shape(x: torch.Tensor) -> dict:
    """Describe a configuration: ||m||, the law of t = <u, m/||m||> (zonal?), caps by clustering."""
    m = x.mean(0)
    mn = float(torch.linalg.vector_norm(m))
    out: dict[str, Any] = {"m_norm": mn}
    if mn > 1e-6:
        t = (x @ (m / mn)).numpy()
        out.update(
            t_mean=float(t.mean()),
            t_std=float(t.std()),
            t_quantiles=np.quantile(t, [0.05, 0.25, 0.5, 0.75, 0.95]),
        )
        # zonal: the component orthogonal to m has no preferred direction (its mean norm ~ 0)
        perp = x - torch.as_tensor(t)[:, None] * (m / mn)[None, :]
        out["perp_mean_norm"] = float(torch.linalg.vector_norm(perp.mean(0)))
    return out


def beyond_vmf(
    *, quick: bool = False, seed: int = 0, device=None, dtype=torch.float64, progress=False
) -> dict:
    """App. D over particle measures: minimise J_q from many starts at q around the vMF thresholds.

    .. math::
        J_q(\\mu) = \\Phi(\\mu) - q\\lVert m(\\mu)\\rVert^2, \\qquad
        q_c^{\\rm glob} = \\inf_\\kappa \\frac{\\Phi(\\kappa) - \\Phi(\\sigma)}{A_d(\\kappa)^2}
        \\le q_c^{\\rm loc} = \\frac{d\\,a(2-a)}{2}.

    For each ``(d, alpha)`` and ``q = f q_c^glob`` (``f`` in a grid around 1), the particles start from
    uniform, vMF tilts, a ring (zonal band) and several caps; the best J_q found is compared with the
    same-N reference ``J_q`` of the Phi-minimising configuration (``||m|| ~ 0``), so the finite-N excess
    of Phi (O(1/N) for i.i.d., smaller for minimisers) cancels. A tilted winner (||m|| > 0.05 and J_q
    below the reference) at ``f < 1`` beats the vMF family; the particle threshold is the smallest such
    ``q``. Repeated at two N to extrapolate.
    """
    from simulate.rates import minimize_phi_particles
    from theory.regularized import surrogate_threshold
    from theory.uniformity import phi_uniform

    cases = [(3, 4.0), (3, 10.0), (8, 10.0)] if not quick else [(3, 4.0)]
    Ns = (32, 64) if not quick else (32,)
    fs = (0.8, 0.95, 1.05, 1.25) if not quick else (0.8, 1.25)
    starts = ("vmf", "ring", "caps") if not quick else ("uniform", "vmf")
    max_steps = 400 if quick else 500
    out: dict[str, Any] = {"cases": []}
    for d, alpha in cases:
        st = surrogate_threshold(d, alpha)
        case: dict[str, Any] = {
            "d": d,
            "alpha": alpha,
            "qc_local": st.qc_local,
            "qc_global": st.qc_global,
            "kappa_at_global": st.kappa_at_global,
            "first_order_vmf": st.first_order,
            "by_N": {},
        }
        ps = phi_uniform(d, alpha)
        for N in Ns:
            x_ref = minimize_phi_particles(
                start_points("uniform", N, d, seed=seed + 999), alpha, max_steps=max_steps
            ).points
            phi_ref = float(
                __import__("simulate.energies", fromlist=["phi_and_grad"]).phi_and_grad(x_ref, alpha)[0]
            )
            m_ref = float((x_ref.mean(0) ** 2).sum())
            rows = []
            for f in fs:
                q = f * st.qc_global
                jref = phi_ref - q * m_ref
                best = None
                for kind in starts:
                    kap = 2.0 * st.kappa_at_global if kind == "vmf" else 10.0
                    x0 = start_points(kind, N, d, seed=seed, kappa=max(kap, 1.0))
                    x, j, nit = _minimize_jq(x0, alpha, q, max_steps=max_steps, tol=1e-7)
                    if best is None or j < best["J"]:
                        best = {"J": j, "start": kind, "x": x, "n_steps": nit}
                x = best.pop("x")
                sh = _shape(x)
                rows.append(
                    {
                        "f": f,
                        "q": q,
                        "J_best_minus_ref": best["J"] - jref,
                        "J_ref_minus_sigma": jref - ps,
                        "phi_gap_best": float(best["J"] + q * sh["m_norm"] ** 2 - ps),
                        "best_start": best["start"],
                        **sh,
                        "tilted_wins": bool(sh["m_norm"] > 0.05 and best["J"] < jref - 1e-9),
                        "points": x.numpy() if (sh["m_norm"] > 0.05 and f < 1.0) else None,
                    }
                )
            wins = [r["q"] for r in rows if r["tilted_wins"]]
            case["by_N"][str(N)] = {
                "phi_ref_gap": phi_ref - ps,
                "rows": rows,
                "qc_particles": min(wins) if wins else None,
                "qc_particles_upper": min(wins) if wins else None,
                "qc_particles_lower": max(
                    [r["q"] for r in rows if not r["tilted_wins"] and (not wins or r["q"] < min(wins))],
                    default=None,
                ),
            }
        out["cases"].append(case)
    out["finding_beats_vmf"] = [
        {"d": c["d"], "alpha": c["alpha"], "N": N, "f": r["f"], "m_norm": r["m_norm"]}
        for c in out["cases"]
        for N, b in c["by_N"].items()
        for r in b["rows"]
        if r["tilted_wins"] and r["f"] < 1.0
    ]
    return out


def _plot_beyond(res: dict):
    from matplotlib.figure import Figure

    fig = Figure(figsize=(11, 4.5), layout="constrained")
    ax = fig.subplots(1, 2)
    for i, c in enumerate(res["cases"]):
        for j, (N, b) in enumerate(c["by_N"].items()):
            f = [r["f"] for r in b["rows"]]
            ax[0].plot(
                f,
                [r["m_norm"] for r in b["rows"]],
                "o-" if j else "s--",
                color=f"C{i}",
                label=f"d={c['d']}, alpha={c['alpha']:g}, N={N}",
            )
            ax[1].plot(f, [r["J_best_minus_ref"] for r in b["rows"]], "o-" if j else "s--", color=f"C{i}")
    ax[0].axvline(1.0, color="k", lw=0.8)
    ax[0].set_xlabel("q / q_c^glob (vMF)")
    ax[0].set_ylabel("||m|| of the best configuration")
    ax[0].set_title("App. D over particle measures: where the tilt appears")
    ax[0].legend(fontsize=7)
    ax[1].axvline(1.0, color="k", lw=0.8)
    ax[1].axhline(0.0, color="k", lw=0.8)
    ax[1].set_xlabel("q / q_c^glob (vMF)")
    ax[1].set_ylabel("J_q(best) - J_q(same-N reference)")
    ax[1].set_yscale("symlog", linthresh=1e-6)
    ax[1].set_title("below 0: a tilted measure beats the same-N uniform-like one")
    return fig


# --------------------------------------------------------------------------------------------------
# regularised route: Langevin in R^d
# --------------------------------------------------------------------------------------------------


def _langevin_run(alpha, q, beta, lam, N, d, *, seed, n_steps, dt, progress):
    """Euclidean mean-field Langevin for the free energy from z0 ~ N(0, (2 lam)^-1 I_d) (one seed)."""
    from simulate.energies import Energy
    from simulate.flows import langevin_flow, run

    energy = Energy.free_energy(alpha, q, beta, lam)
    g = torch.Generator().manual_seed(seed)
    z0 = torch.randn(N, d, generator=g, dtype=torch.float64) / math.sqrt(2 * lam)
    init, step = langevin_flow(energy, dt=dt, beta=beta, manifold="euclidean", generator=seed)
    return run(
        init,
        step,
        z0,
        n_steps=n_steps,
        record_every=max(1, n_steps // 30),
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
    from scipy import stats

    from simulate.observables import gaussianity
    from theory.regularized import beta_threshold_vmf

    d, N, alpha, eta2, lam = (8, 256, 10.0, 0.5, 0.5) if quick else (8, 512, 10.0, 0.5, 0.5)
    q = alpha * (1.0 - eta2)
    bstar, kstar = beta_threshold_vmf(d, alpha, eta2)
    n_steps = 300 if quick else 2000
    dt = 0.01
    rows = []
    for fb in (0.5, 2.0) if quick else (0.25, 0.5, 0.8, 1.25, 2.0, 4.0):
        beta = max(fb * bstar, 1e-3) if bstar > 0 else fb
        tr = _langevin_run(alpha, q, beta, lam, N, d, seed=seed, n_steps=n_steps, dt=dt, progress=progress)
        z = tr.final_state.points.detach().double()
        r = torch.linalg.vector_norm(z, dim=1).numpy() * math.sqrt(2 * lam)
        ks = stats.kstest(r, stats.chi(d).cdf)
        u = z / torch.linalg.vector_norm(z, dim=1, keepdim=True)
        diag = gaussianity(u, min(4, d)).to_dict()
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
    from theory.regularized import beta_threshold_vmf
    from theory.uniformity import phi_uniform

    d, alpha, eta2, lam, dt = 8, 10.0, 0.5, 0.5, 0.01
    q = alpha * (1.0 - eta2)
    bstar, _ = beta_threshold_vmf(d, alpha, eta2)
    Ns = (256, 512) if quick else (512, 1024, 2048)
    fbs = (1.25,) if quick else (1.25, 1.6)
    n_steps = 300 if quick else 1500
    rows = []
    for fb in fbs:
        beta = fb * bstar
        for N in Ns:
            tr = _langevin_run(
                alpha, q, beta, lam, N, d, seed=seed, n_steps=n_steps, dt=dt, progress=progress
            )
            tail = np.asarray(tr.mean_sq_norm)[-8:]
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


EXPERIMENTS = {
    "t1": (t1_starts, "Phi flows from four starts approach Phi(sigma) from above", _plot_t1),
    "c1": (
        c1_plateau,
        "pairs at an alignment plateau, marginal Phi minimised, projections vs N(0, I_k)",
        _plot_c1,
    ),
    "beyond-vmf": (beyond_vmf, "J_q over particle measures around the vMF thresholds q_c", _plot_beyond),
    "langevin": (langevin_route, "Langevin in R^d: stationary law vs N(0, (2 lam)^-1 I)", _plot_langevin),
    "langevin-n": (langevin_finite_n, "Langevin tilt above the vMF beta* against N", _plot_langevin_n),
}


def run_experiment(
    name: str,
    *,
    quick: bool = False,
    seed: int = 0,
    device=None,
    dtype: str = "float64",
    json_path=None,
    png_path=None,
    progress: bool = False,
    command: str = "",
    threads: int | None = 1,
) -> str:
    """Run one experiment, write its JSON (with command, config, seed, commit, wall time) and figure.

    ``threads`` sets ``torch.set_num_threads`` (default 1: the particle problems here are small, and on
    a shared machine intra-op barriers cost more than they save; ``None`` leaves torch's default).

    Returns
    -------
    str
        A one-line summary.
    """
    from simulate.rates import _torch_dtype
    from theory._io import git_commit

    if name not in EXPERIMENTS:
        raise ValueError(f"experiment must be one of {', '.join(EXPERIMENTS)}; got {name!r}")
    fn, desc, plot = EXPERIMENTS[name]
    if threads is not None:
        torch.set_num_threads(as_int(threads, "threads", low=1))
    t0 = time.perf_counter()
    res = fn(quick=quick, seed=seed, device=device, dtype=_torch_dtype(dtype), progress=progress)
    wall = time.perf_counter() - t0
    record = {
        "experiment": name,
        "description": desc,
        "command": command,
        "quick": quick,
        "seed": seed,
        "dtype": dtype,
        "threads": torch.get_num_threads(),
        "commit": git_commit(),
        "wall_seconds": wall,
        "result": res,
    }
    if json_path is not None:
        atomic_write_json(json_path, record)
        Path(json_path).chmod(0o644)
    if png_path is not None:
        atomic_savefig(plot(res), png_path)
        Path(png_path).chmod(0o644)
    return f"{name}: {desc} ({wall:.0f} s)"
