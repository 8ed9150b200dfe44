"""Beyond zonal measures: free particle flows of J_q from non-zonal starts against the zonal threshold."""

from __future__ import annotations

import math
import time
from pathlib import Path
from typing import Any

import torch

from simulate.experiments._config import params
from simulate.experiments._starts import run_args

VERSION = 1
"""Version of a unit's computation; part of every unit's key (a changed computation never reuses)."""


def _map_points() -> tuple[dict, dict]:
    """``{(d, alpha): threshold record}`` of the published zonal map, and the map's provenance."""
    from theory.studies.zonal_map import published_zonal_map

    rec = published_zonal_map()
    pts = {(p["threshold"]["d"], float(p["threshold"]["alpha"])): p["threshold"] for p in rec["points"]}
    meta = {k: rec.get(k) for k in ("command", "config_key", "commit")}
    return pts, meta


def _zonal_at(d: int, alpha: float, q: float, thr: dict, f: float, n_panels: int) -> dict:
    """The zonal minimiser of J_q used as the value Z(q): at ``f = 1`` the map's measure (a tie with sigma),
    else :func:`theory.zonal.minimize_jq`; Z(q) = min(Phi(sigma), J_q(measure)), exact for that measure."""
    from theory.uniformity import phi_uniform
    from theory.zonal import ZonalMeasure, minimize_jq

    ps = float(phi_uniform(d, alpha))
    if f == 1.0 and thr["attained_by"] == "rings":
        lat, w = list(thr["latitudes"]), list(thr["weights"])
    else:
        mj = minimize_jq(d, alpha, q, n_panels=n_panels)
        lat, w = [float(t) for t in mj.latitudes], [float(p) for p in mj.weights]
    meas = ZonalMeasure.rings(d, lat, w)
    j = float(meas.surrogate_jq(alpha, q))
    tilted = meas.mean_norm() > 1e-3 and j <= ps + 1e-12  # a tie with sigma at f = 1 counts
    return {
        "latitudes": lat,
        "weights": w,
        "J": min(j, ps),
        "J_measure": j,
        "mean_norm": float(meas.mean_norm()),
        "tilted": bool(tilted),
    }


def _cached(cache: Path, cfg: dict, compute) -> dict:
    """A unit's result from ``cache/<key>.json`` when it records ``cfg``, else computed and written."""
    from theory._io import atomic_write_json
    from theory._results import config_key, read_json

    path = cache / f"{config_key(cfg)}.json"
    if path.exists():
        try:
            rec = read_json(path, what="beyond-zonal unit")
        except ValueError:
            rec = None
        if isinstance(rec, dict) and rec.get("config") == cfg:
            return rec["result"]
    t0 = time.perf_counter()
    res = compute()
    res["seconds"] = time.perf_counter() - t0
    atomic_write_json(path, {"config": cfg, "config_key": config_key(cfg), "result": res})
    return res


def _unit_seed(seed: int, cfg: dict) -> int:
    from theory._results import config_key

    return (seed + int(config_key({k: v for k, v in cfg.items() if k != "seed"})[:8], 16)) % 2**31


def _free_unit(cfg: dict, zonal: dict) -> dict:
    from simulate.experiments._starts import flow_phi
    from simulate.experiments._zonal_parts import nonzonal_start, polish_jq, shape

    x0 = nonzonal_start(
        cfg["role"],
        cfg["N"],
        cfg["d"],
        zonal["latitudes"],
        zonal["weights"],
        seed=cfg["seed"],
        noise=cfg["noise"],
    )
    tr = flow_phi(
        x0,
        cfg["alpha"],
        q=cfg["q"],
        lr=cfg["flow_lr"],
        n_steps=cfg["flow_steps"],
        record_every=cfg["flow_steps"],
    )
    res = polish_jq(tr.final_state.points.detach(), cfg["alpha"], cfg["q"], iters=cfg["iters"])
    x = res.pop("points")
    return {**res, "shape": shape(x), "points": x.numpy()}


def _ring_unit(cfg: dict, zonal: dict) -> dict:
    from simulate.experiments._zonal_parts import ring_reference, shape

    res = ring_reference(
        cfg["N"],
        cfg["d"],
        cfg["alpha"],
        cfg["q"],
        zonal["latitudes"],
        zonal["weights"],
        seed=cfg["seed"],
        iters=cfg["iters"],
    )
    x = res.pop("points")
    return {**res, "shape": shape(x)}


def _sigma_unit(cfg: dict) -> dict:
    from simulate.experiments._zonal_parts import polish_jq, shape
    from simulate.sphere import sample_uniform

    x0 = sample_uniform(cfg["N"], cfg["d"], generator=torch.Generator().manual_seed(cfg["seed"]))
    res = polish_jq(x0, cfg["alpha"], 0.0, iters=cfg["iters"])
    x = res.pop("points")
    return {**res, "shape": shape(x)}


def _unit(cache: Path, cfg: dict, meas: dict, bar) -> dict:
    """One unit (a reference or a free flow), from the cache or computed; the bar advances."""
    if bar is not None:
        bar.set_postfix_str(
            f"d={cfg['d']} alpha={cfg['alpha']:g} N={cfg['N']} {cfg['role']}"
            + (f" q={cfg['q']:.4g}" if "q" in cfg else "")
        )
    cfg["seed"] = _unit_seed(cfg["seed"], cfg)
    if cfg["role"] == "sigma-ref":
        res = _cached(cache, cfg, lambda: _sigma_unit(cfg))
    elif cfg["role"] == "ring-ref":
        res = _cached(cache, cfg, lambda: _ring_unit(cfg, meas))
    else:
        res = _cached(cache, cfg, lambda: _free_unit(cfg, meas))
    if bar is not None:
        bar.update(1)
    return res


def _run_case(d, alpha, thr, zon, start_meas, p, seed, cache, bar) -> dict:
    """Every unit of one case (a point of the map), summarised per ``f`` and ``N``."""
    from simulate.experiments._zonal_report import judge, summarise
    from theory.uniformity import phi_uniform

    ps = float(phi_uniform(d, alpha))
    case: dict[str, Any] = {
        "d": d,
        "alpha": alpha,
        "phi_sigma": ps,
        "q_c_zonal": thr["q_c"],
        "q_c_vmf": thr["q_c_vmf"],
        "q_c_loc": thr["q_c_loc"],
        "attained_by": thr["attained_by"],
        "self_pair_weight": math.exp(alpha - ps),
        "by_f": [],
    }
    head = {"experiment": "beyond-zonal", "version": VERSION, "d": d, "alpha": alpha}
    units_all: list[dict] = []
    sig = {
        N: _unit(cache, {**head, "role": "sigma-ref", "N": N, "iters": p["iters"], "seed": seed}, {}, bar)
        for N in p["Ns"]
    }
    units_all += sig.values()
    common = {k: p[k] for k in ("iters", "flow_steps", "flow_lr", "noise")}
    for f, z in zon.items():
        q = f * thr["q_c"]
        meas = z if z["tilted"] else start_meas
        row: dict[str, Any] = {
            "f": f,
            "q": q,
            "zonal": z,
            "start_measure": {k: meas[k] for k in ("latitudes", "weights")},
            "by_N": {},
        }
        for N in p["Ns"]:
            base = {
                **head,
                "N": N,
                "q": q,
                "latitudes": meas["latitudes"],
                "weights": meas["weights"],
                **common,
            }
            units = {
                role: _unit(cache, {**base, "role": role, "seed": seed}, meas, bar) for role in p["starts"]
            }
            units["ring-ref"] = (
                _unit(cache, {**base, "role": "ring-ref", "seed": seed}, meas, bar) if z["tilted"] else None
            )
            units_all += [u for u in units.values() if u is not None]
            row["by_N"][str(N)] = summarise(units, sig[N], z, q, ps, N, case["self_pair_weight"], p)
        row.update(judge(row["by_N"]))
        case["by_f"].append(row)
    case["units_seconds"] = sum(u["seconds"] for u in units_all)
    return case


def beyond_zonal(
    *, quick: bool = False, seed: int = 0, device=None, dtype=torch.float64, progress=False, cache_dir=None
) -> dict:
    """Do particle measures find anything below the zonal threshold? Free flows of J_q from non-zonal starts.

    .. math::
        J_q(\\mu_N) = \\frac1N\\sum_i \\log\\frac1N\\sum_j e^{\\alpha u_i^\\top u_j} - q\\lVert m\\rVert^2,
        \\qquad q = f\\, q_c^{\\rm zonal},

    the exact J_q of the discrete measure :math:`\\mu_N` (the ``j = i`` self-pair, :math:`e^{\\alpha}/N`
    inside each log, is part of it). Since :math:`\\mu_N` is a measure, :math:`J_q(\\mu_N)` is an upper
    bound on the infimum over *all* measures: a value below the zonal value :math:`Z(q)` (the exact J_q of
    the zonal minimiser, :math:`= \\Phi(\\sigma)` at ``f = 1``) is a counterexample to "zonal laws
    suffice", with no N-correction. The converse needs the finite-N correction, made explicit by two
    same-N zonal references computed with the same energy: N points on the rings of the zonal minimiser,
    latitudes and positions optimised (:func:`~simulate.experiments._zonal_parts.ring_reference`: for one
    ring :math:`\\Phi(\\mu_N) = \\alpha t_0^2 + \\Phi_{S^{d-2}}(\\nu_N; \\alpha(1-t_0^2))`, the ring's
    closed form plus the excess of N points one dimension down), and the Phi-minimising configuration
    (sigma's). Like with like: ``advantage = min(J_ring, J_sigma) - J_best`` at each N, and the excess
    ``J - Z`` of both shrinking with N.

    For every case (a point of the published zonal map), ``f`` and ``N``: the starts
    (:data:`~simulate.experiments._zonal_parts.NONZONAL_STARTS`) flow by Riemannian Adam
    (:func:`simulate.experiments.flow_phi`, ``flow_steps``) and are polished by L-BFGS; every unit is kept
    in ``cache_dir`` (default ``results/beyond-zonal-points``) keyed by its configuration, so a killed run
    resumes.

    Returns
    -------
    dict
        ``cases`` (per case: the map's thresholds, the self-pair weight :math:`e^{\\alpha-\\Phi(\\sigma)}`,
        and per ``f``: the zonal measure and ``Z``, and per ``N`` the references, every start's ``J`` and
        shape, the best, ``excess``, ``advantage``, ``below_zonal_exact``, ``below_same_N``), ``findings``
        (exact counterexamples, with their points), ``candidates`` (like-with-like advantages that do not
        shrink with N from a non-zonal shape), ``map`` (the zonal map's provenance).
    """
    quick, seed, device, dtype = run_args(quick, seed, device, dtype)
    from theory._io import repo_root
    from theory._results import RESULTS

    if torch.device(device or "cpu").type != "cpu" or dtype != torch.float64:
        raise ValueError("beyond-zonal minimises in float64 on the CPU; --device, --dtype do not apply")
    p = params("beyond-zonal", quick)
    cache = (
        Path(cache_dir)
        if cache_dir is not None
        else repo_root() / RESULTS / ("beyond-zonal-points-quick" if quick else "beyond-zonal-points")
    )
    cache.mkdir(parents=True, exist_ok=True)
    pts, map_meta = _map_points()
    plan = []
    for c in p["cases"]:
        d, alpha = int(c["d"]), float(c["alpha"])
        if (d, alpha) not in pts:
            raise ValueError(f"case d={d}, alpha={alpha:g} is not a point of the published zonal map")
        thr = pts[(d, alpha)]
        zon = {f: _zonal_at(d, alpha, f * thr["q_c"], thr, f, p["zonal_n_panels"]) for f in p["q_factors"]}
        tilted = [f for f in sorted(zon) if zon[f]["tilted"]]
        start_meas = zon[tilted[0]] if tilted else zon[max(zon)]
        plan.append((d, alpha, thr, zon, start_meas))
    n_units = sum(
        len(p["Ns"]) * (1 + sum(len(p["starts"]) + z["tilted"] for z in zon.values())) for *_, zon, _ in plan
    )
    bar = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(total=n_units, desc="beyond-zonal", unit="flow")
    out: dict[str, Any] = {"cases": [], "map": map_meta}
    try:
        for d, alpha, thr, zon, start_meas in plan:
            out["cases"].append(_run_case(d, alpha, thr, zon, start_meas, p, seed, cache, bar))
    finally:
        if bar is not None:
            bar.close()
    out["units_seconds"] = sum(c["units_seconds"] for c in out["cases"])
    out["findings"] = [
        {"d": c["d"], "alpha": c["alpha"], "f": r["f"], **r["exact_counterexample"]}
        for c in out["cases"]
        for r in c["by_f"]
        if r["exact_counterexample"] is not None
    ]
    out["candidates"] = [
        {"d": c["d"], "alpha": c["alpha"], "f": r["f"]}
        for c in out["cases"]
        for r in c["by_f"]
        if r["candidate"]
    ]
    return out
