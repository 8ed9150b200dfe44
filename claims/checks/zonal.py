"""App. D and Theorem 1 beyond the von Mises-Fisher family: the published zonal map (q_c and beta* over
axially symmetric measures) and the beyond-zonal particle flows, read (never recomputed) for rows D and
T2; and row D's check.

The zonal map (``python -m theory zonal-threshold --publish``, configuration
:func:`theory.studies.zonal_map.zonal_map_config`) gives at 54 points ``(d, alpha)``: q_c over zonal ring
mixtures (the exact ratio of the measure found: an upper bound on the zonal infimum) beside q_c over vMF
and q_c^loc; beta* over zonal densities (a lower bound on the zonal supremum) beside beta* over vMF. The
beyond-zonal experiment (``python -m simulate experiment beyond-zonal --publish``) flows N free particles
from non-zonal starts at ``q = f q_c^zonal``; the exact J_q of an N-point measure (self-pairs included)
is an upper bound on the infimum over all measures, compared with the zonal value and with same-N zonal
references.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from claims.checks._zonal_evidence import (
    COUNTEREXAMPLE,
    ZonalMapEvidence,
    beyond_vmf_winner_ratios,
    particles_beyond_zonal,
    zonal_map_evidence,
)
from claims.registry import ClaimResult, Scope, Verdict

__all__ = [
    "COUNTEREXAMPLE",
    "ZonalMapEvidence",
    "beyond_vmf_winner_ratios",
    "check_D",
    "particles_beyond_zonal",
    "ring_against_vmf",
    "sigma_stationarity",
    "zonal_map_evidence",
]


def sigma_stationarity(cases=((3, 2.0), (8, 1.0), (32, 10.0), (64, 20.0)), n_t: int = 201) -> list[dict]:
    """The uniform law is a stationary point of J_q for every q: its first variation is constant.

    .. math::
        \\frac{\\delta J_q}{\\delta\\mu}\\Big|_\\sigma(u) = \\log K\\sigma(u)
        + \\int \\frac{K(v, u)}{K\\sigma(v)}\\,d\\sigma(v) - 2q\\,m(\\sigma)^\\top u
        = \\log G + 1 \\quad (K\\sigma \\equiv G,\\ m(\\sigma) = 0),

    evaluated with :meth:`theory.zonal.ZonalMeasure.first_variation` on ``n_t`` latitudes (sigma as a
    zonal density, quadrature): the spread ``max - min`` over the sphere.
    """
    from theory.zonal import ZonalMeasure

    t = np.linspace(-1.0, 1.0, n_t)
    out = []
    for d, alpha in cases:
        v = ZonalMeasure.uniform(d).first_variation(alpha, t)
        out.append({"d": d, "alpha": alpha, "spread": float(v.max() - v.min()), "level": float(v.mean())})
    return out


def ring_against_vmf(d: int, alpha: float, q: float) -> dict:
    """The best ring against the best vMF tilt for the App. D surrogate on :math:`S^2`.

    :math:`J_q = \\Phi - q\\|m\\|^2`, d = 3.

    A ring puts all mass uniformly on the circle of latitude :math:`t_0` of :math:`S^2`; by symmetry every
    atom sees the same potential, so in closed form

    .. math::
        \\Phi(\\text{ring}_{t_0}) = \\alpha t_0^2 + \\log I_0(\\alpha (1 - t_0^2)), \\qquad
        \\|m\\|^2 = t_0^2 .

    Both families are minimised over their one parameter (bounded scalar searches); the vMF values come
    from :func:`theory.uniformity.phi_vmf` and :func:`theory.vmf.mean_resultant_length`.
    """
    from scipy import optimize, special

    from theory.uniformity import phi_uniform, phi_vmf
    from theory.vmf import mean_resultant_length

    if d != 3:
        raise ValueError(f"d must be 3 (the ring formula is for S^2); got {d}")

    def ring(t: float) -> float:
        a = alpha * (1.0 - t * t)
        return alpha * t * t + float(np.log(special.ive(0, a)) + a) - q * t * t

    def vmf(log_kappa: float) -> float:
        kappa = float(np.exp(log_kappa))
        return float(phi_vmf(d, kappa, alpha)) - q * float(mean_resultant_length(d, kappa)) ** 2

    r = optimize.minimize_scalar(ring, bounds=(0.0, 1.0), method="bounded", options={"xatol": 1e-12})
    grid = np.linspace(-6.0, 6.0, 241)
    i = int(np.argmin([vmf(x) for x in grid]))
    v = optimize.minimize_scalar(vmf, bounds=(grid[max(i - 1, 0)], grid[min(i + 1, 240)]), method="bounded")
    p0 = float(phi_uniform(d, alpha))
    return {
        "d": d,
        "alpha": alpha,
        "q": q,
        "ring_t0": float(r.x),
        "ring_gap": float(r.fun) - p0,
        "vmf_kappa": float(np.exp(v.x)),
        "vmf_gap": float(v.fun) - p0,
    }


def _d3_recheck(zm: ZonalMapEvidence) -> dict | None:
    """The map's d = 3 ring threshold against :func:`ring_against_vmf` (the circle's closed form, scipy's
    I_0): at ``q = q_c^zonal`` the best ring ties sigma."""
    ring3 = [t for t in zm.data.get("thresholds", []) if t["d"] == 3 and t["attained_by"] == "rings"]
    if not ring3:
        return None
    t = ring3[0]
    full = next(r for r in zm.data["rings_beat_vmf"] if (r["d"], r["alpha"]) == (3, t["alpha"]))
    r = ring_against_vmf(3, float(t["alpha"]), float(t["q_c"]))
    return {**r, "map_t0": full["latitudes"][0]}


def check_D() -> ClaimResult:
    """D as written (sigma is a stationary point of J_q), with q_c over vMF, over zonal ring mixtures and
    over free particles beside it, and the ring that breaks the minimiser reading written out."""
    from claims.checks.particles import particles_D
    from claims.checks.regularized import _check_D_vmf

    vmf = _check_D_vmf()
    stat = sigma_stationarity()
    zm = zonal_map_evidence()
    pz = particles_beyond_zonal()
    pv = particles_D()
    wins = beyond_vmf_winner_ratios(zm)
    d3 = _d3_recheck(zm)
    stat_ok = all(s["spread"] <= 1e-10 for s in stat) and vmf.verdict is Verdict.CONFIRMED_IN_FAMILY
    stat_ok = stat_ok and (
        not d3 or (abs(d3["ring_gap"]) <= 1e-8 and abs(d3["ring_t0"] - d3["map_t0"]) <= 1e-4)
    )
    measured = (
        f"as written: sigma is stationary for J_q at every q (first variation spread "
        f"<= {max(s['spread'] for s in stat):.1e} over the sphere at "
        + ", ".join(f"d={s['d']} a={s['alpha']:g}" for s in stat)
        + f"); {zm.qc}"
        + (
            f" (re-checked at d=3 a={d3['alpha']:g} by the circle's closed form: at q = q_c^zonal, "
            f"min_t J_q(ring_t) - Phi(sigma) = {d3['ring_gap']:.1e} at t = {d3['ring_t0']:.5f}, map "
            f"{d3['map_t0']:.5f})"
            if d3
            else ""
        )
        + f"; particles: {pz.measured}; vMF family: {vmf.measured}"
    )
    note = (
        "Reading checked: the statement as written, an existence claim, holds over all measures because "
        "sigma itself is a stationary point (exactly, by symmetry). The stronger reading App. D relies on "
        "(the minimiser of J_q, hence the threshold q_c, is near uniform or near a vMF tilt, so q_c is the "
        "vMF value) is false"
        + (
            f"; counterexample: {zm.counterexample}: for q between the two values J_q(ring) < J_q(sigma) "
            "< J_q(every vMF tilt), and the ring is neither near uniform nor near a vMF tilt"
            if zm.counterexample
            else " (zonal map not published)"
        )
        + (
            ". Beyond zonal laws, no N-point measure from the free flows went below the zonal value"
            if pz.available and not pz.data["findings"]
            else ". Beyond zonal laws: see the particle findings in the measured column"
        )
        + "; averaging over rotations does not prove zonal laws suffice (Phi is not convex), so q_c^zonal "
        f"stays an upper bound found by search. Earlier particle search (beyond-vmf): {pv.measured}"
        + (
            f"; the exact ratios (Phi(mu_N) - Phi(sigma))/||m||^2 of those tilted winners are "
            f"{min(w['ratio'] for w in wins):.4g}-{max(w['ratio'] for w in wins):.4g}, above q_c^zonal = "
            f"{min(w['q_c_zonal'] for w in wins):.4g}: not below the zonal value"
            if wins
            else ""
        )
        + f". {vmf.note}"
    )
    return dataclasses.replace(
        vmf,
        measured=measured,
        expected="J_q has a stationary point near uniform or near a vMF tilt; App. D's threshold from the "
        f"vMF family ({vmf.expected})",
        verdict=Verdict.CONFIRMED if stat_ok else Verdict.INCONCLUSIVE,
        scope=Scope.ALL_MEASURES,
        scope_detail="as written: sigma's stationarity, exact over all measures; beside it q_c over vMF "
        "(exact), over zonal ring mixtures (upper bound found by search, the "
        f"{zm.data.get('n_points')}-point map), over N-point measures (exact J_q of free flows from "
        "non-zonal starts, N = "
        f"{', '.join(map(str, pz.data.get('Ns', [])))}, {pz.data.get('n_cases')} map points)",
        note=note,
        data={
            **vmf.data,
            "sigma_stationarity": stat,
            "zonal_map": zm.to_dict(),
            "beyond_zonal": pz.to_dict(),
            "beyond_vmf": pv.to_dict(),
            "beyond_vmf_winner_ratios": wins,
        },
        figures=tuple(
            f
            for f, ok in (
                ("docs/figures/zonal-map.png", zm.available),
                ("docs/figures/beyond-zonal.png", pz.available),
                ("docs/figures/beyond-vmf.png", pv.available),
            )
            if ok
        ),
    )
