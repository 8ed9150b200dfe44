"""The R-d and R-N studies: their points, summaries, slope verdicts and the driver :func:`rates_study`."""

from __future__ import annotations

import math
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from simulate.rates._config import check_config
from simulate.rates._fit import PowerLawFit, fit_power_law
from simulate.rates._points import rd_point, rn_point, sw_floor
from theory._io import ResultMixin, git_commit
from theory._validation import check_real

# --------------------------------------------------------------------------------------------------
# studies
# --------------------------------------------------------------------------------------------------


def rn_points(cfg: dict) -> list[dict]:
    """The independent points of the R-N study (both kinds, every N, every seed); ``cfg`` overrides
    :data:`RN_DEFAULTS` (checked by :func:`check_config`)."""
    cfg = check_config("rn", cfg, where="cfg")
    return [
        {
            "kind": kind,
            "N": int(n),
            "d": int(cfg["d"]),
            "alpha": float(cfg["alpha"]),
            "seed": int(s),
            "kappa_pair": float(cfg["kappa_pair"]),
            "n_projections": int(cfg["n_projections"]),
            "n_batches": int(cfg["n_batches"]),
            **({"tol": float(cfg["tol"]), "max_steps": int(cfg["max_steps"])} if kind == "flow" else {}),
        }
        for kind in ("iid", "flow")
        for n in (cfg["Ns"] if kind == "iid" else cfg["Ns_flow"])
        for s in range(int(cfg["seeds"] if kind == "iid" else cfg["seeds_flow"]))
    ]


def rd_points(cfg: dict) -> list[dict]:
    """The independent points of the R-d study (i.i.d. per (d, k, seed); flow per (d, seed)); ``cfg``
    overrides :data:`RD_DEFAULTS` (checked by :func:`check_config`)."""
    cfg = check_config("rd", cfg, where="cfg")
    pts = [
        {"kind": "iid", "d": int(d), "k": int(k), "N": int(cfg["n_samples"]), "seed": int(s)}
        for d in cfg["ds"]
        for k in cfg["ks"]
        for s in range(int(cfg["seeds"]))
    ]
    pts += [
        {
            "kind": "flow",
            "d": int(d),
            "k": 1,
            "N": int(cfg["n_particles"]),
            "seed": int(s),
            "alpha": float(cfg["alpha"]),
            "tol": float(cfg["tol"]),
            "max_steps": int(cfg["max_steps"]),
        }
        for d in cfg.get("ds_flow", cfg["ds"])
        for s in range(int(cfg["seeds"]))
    ]
    return pts


def _grid(points: list[dict], results: list[dict], select: dict, axis: str, key: str):
    """Arrange ``results[key]`` of the points matching ``select`` as (x values, (m, seeds) array)."""
    rows: dict[Any, list] = {}
    for p, r in zip(points, results, strict=True):
        if all(p.get(a) == b for a, b in select.items()):
            rows.setdefault(p[axis], []).append((p["seed"], r[key]))
    xs = sorted(rows)
    return np.array(xs, dtype=np.float64), np.array([[v for _, v in sorted(rows[x_])] for x_ in xs])


def _check_records(points, results) -> None:
    """Points and their results, one each, as lists of mappings."""
    for name, seq in (("points", points), ("results", results)):
        if not isinstance(seq, list | tuple) or not all(isinstance(p, dict) for p in seq):
            raise TypeError(f"{name} must be a list of dicts; got {type(seq).__name__}")
    if len(points) != len(results) or not points:
        raise ValueError(f"points and results must pair up one to one; got {len(points)} and {len(results)}")


def summarize_rn(points: list[dict], results: list[dict], cfg: dict) -> dict:
    """Fits and verdicts of the four R-N readings (slopes against N with bootstrap CIs over seeds)."""
    _check_records(points, results)
    cfg = check_config("rn", cfg, where="cfg")
    out: dict[str, Any] = {"readings": {}}
    specs = {
        "i_phi_gap": ("phi_gap", "mean", "Phi(mu_N) - Phi(sigma)"),
        "ii_mmd": ("mmd", "mean", "MMD(mu_N, sigma), kernel exp(alpha u.v)"),
        "iii_sw": ("sw", "mean", "spherical sliced W2(mu_N, sigma)"),
        "iv_infonce_bias": ("infonce_batches", "bias", "E[L_N - log N] - L"),
        "iv_infonce_spread": ("infonce_batches", "std", "sd(L_N - log N) over batches"),
    }
    from theory.uniformity import infonce_bias_first_order

    b1 = infonce_bias_first_order(int(cfg["d"]), float(cfg["alpha"]), float(cfg["kappa_pair"]))
    out["infonce_b1"] = b1
    for name, (key, stat, label) in specs.items():
        entry: dict[str, Any] = {"label": label}
        for kind in ("iid", "flow"):
            x, y = _grid(points, results, {"kind": kind}, "N", key)
            y = y.reshape(y.shape[0], -1)  # batches of all seeds pooled
            if stat == "bias":
                _, lim = _grid(points, results, {"kind": kind}, "N", "infonce_limit")
                y = y - lim[:, :1]
                fit = fit_power_law(x, y, statistic="abs_mean", reference=-0.5)
                entry[f"{kind}_signed_bias"] = y.mean(axis=1).tolist()
                entry["first_order_b1_over_N"] = [b1 / n for n in x]
            else:
                fit = fit_power_law(x, y, statistic="std" if stat == "std" else "mean", reference=-0.5)
            entry[kind] = fit.to_dict()
            if key == "sw" and kind == "iid":
                entry["floor"] = [sw_floor(int(n)) for n in x]
            if stat == "std":
                entry[f"{kind}_se"] = None
            else:
                entry[f"{kind}_se"] = (y.std(axis=1, ddof=1) / math.sqrt(y.shape[1])).tolist()
        out["readings"][name] = entry
    _, conv = _grid(points, results, {"kind": "flow"}, "N", "converged")
    _, grad = _grid(points, results, {"kind": "flow"}, "N", "grad_rms")
    out["flow_converged"] = bool(np.all(conv))
    out["flow_max_grad_rms"] = float(np.max(grad))
    return out


def summarize_rd(points: list[dict], results: list[dict], cfg: dict) -> dict:
    """Fits of the R-d study against the reference slope -1."""
    from theory.sphere import tv_constant

    _check_records(points, results)
    cfg = check_config("rd", cfg, where="cfg")
    out: dict[str, Any] = {"by_k": {}}
    for k in cfg["ks"]:
        x, tv = _grid(points, results, {"kind": "iid", "k": k}, "d", "tv_mc")
        _, se = _grid(points, results, {"kind": "iid", "k": k}, "d", "tv_mc_se")
        _, ex = _grid(points, results, {"kind": "iid", "k": k}, "d", "tv_exact")
        out["by_k"][str(k)] = {
            "d": x.tolist(),
            "tv_exact": ex[:, 0].tolist(),
            "c_k_over_d": [tv_constant(int(k)) / dd for dd in x],
            "tv_mc_mean": tv.mean(axis=1).tolist(),
            "tv_mc_se_of_mean": (np.sqrt((se**2).sum(axis=1)) / se.shape[1]).tolist(),
            "fit_exact": fit_power_law(x, ex[:, 0], reference=-1.0).to_dict(),
            "local_slope_exact_last": float(np.log(ex[-1, 0] / ex[-2, 0]) / np.log(x[-1] / x[-2])),
            "max_abs_z_mc_vs_exact": float(np.max(np.abs(tv - ex) / se)),
            "fit_mc": fit_power_law(x, tv, reference=-1.0).to_dict(),
        }
    x, ks_iid = _grid(points, results, {"kind": "iid", "k": cfg["ks"][0]}, "d", "ks")
    _, ks_ex = _grid(points, results, {"kind": "iid", "k": cfg["ks"][0]}, "d", "ks_exact")
    _, ks_floor = _grid(points, results, {"kind": "iid", "k": cfg["ks"][0]}, "d", "ks_floor")
    xf, ks_flow = _grid(points, results, {"kind": "flow"}, "d", "ks_flow")
    _, ks_pool = _grid(points, results, {"kind": "flow"}, "d", "ks_iid_pooled")
    _, pool_floor = _grid(points, results, {"kind": "flow"}, "d", "ks_floor")
    _, conv = _grid(points, results, {"kind": "flow"}, "d", "converged")
    out["ks"] = {
        "d": x.tolist(),
        "ks_exact": ks_ex[:, 0].tolist(),
        "iid_first_coordinate": ks_iid.mean(axis=1).tolist(),
        "iid_floor": ks_floor[:, 0].tolist(),
        "d_flow": xf.tolist(),
        "flow_pooled": ks_flow.mean(axis=1).tolist(),
        "iid_pooled": ks_pool.mean(axis=1).tolist(),
        "pooled_floor": pool_floor[:, 0].tolist(),
        "fit_flow_pooled": fit_power_law(xf, ks_flow, reference=-1.0).to_dict(),
        "fit_iid_pooled": fit_power_law(xf, ks_pool, reference=-1.0).to_dict(),
        "flow_converged": bool(np.all(conv)),
    }
    return out


@dataclass(frozen=True)
class RateStudy(ResultMixin):
    """The R-d and R-N studies: configuration, fitted slopes, verdicts and provenance.

    Attributes
    ----------
    rd : dict
        :func:`summarize_rd`.
    rn : dict
        :func:`summarize_rn` plus ``verdicts`` (one sentence per reading).
    config : dict
        ``{"rd": ..., "rn": ...}`` (sizes, seeds, alpha, d).
    command : str
    commit : str
    wall_seconds : float
    points : int
        Number of sweep points.
    records : dict
        ``{"rd": [...], "rn": [...]}``: every point with its result (what a check recomputes a slice of).
    """

    rd: dict
    rn: dict
    config: dict
    command: str
    commit: str
    wall_seconds: float
    points: int
    records: dict = field(default_factory=dict, repr=False)


SLOPE_MARGIN = 0.05
"""Allowance for pre-asymptotic curvature when a fitted slope is held against a reference slope."""


def _check_fit(fit) -> dict:
    """A fitted slope with its interval (a :class:`PowerLawFit` or its ``to_dict()``)."""
    f = fit.to_dict() if isinstance(fit, PowerLawFit) else fit
    if not isinstance(f, dict):
        raise TypeError(f"fit must be a PowerLawFit or its dict; got {type(fit).__name__}")
    missing = [k for k in ("slope", "ci_low", "ci_high") if k not in f]
    if missing:
        raise ValueError(f"fit lacks {', '.join(missing)} (a PowerLawFit or its to_dict())")
    for k in ("slope", "ci_low", "ci_high"):
        if not isinstance(f[k], int | float) or isinstance(f[k], bool) or f[k] != f[k]:
            raise ValueError(f"fit[{k!r}] must be a number; got {f[k]!r}")
    return f


def classify_slope(fit: dict | PowerLawFit, reference: float = -0.5, margin: float = SLOPE_MARGIN) -> str:
    """``"fits"``, ``"faster"`` or ``"slower"``: the slope's CI against ``reference`` +- ``margin``.

    .. math::
        \\text{fits} \\iff [s_{lo}, s_{hi}] \\cap [r - \\epsilon, r + \\epsilon] \\ne \\emptyset,
        \\quad \\text{faster} \\iff s_{hi} < r - \\epsilon,
        \\quad \\text{slower} \\iff s_{lo} > r + \\epsilon.

    The margin (default 0.05) allows the O(1/N) corrections of a finite range of N; it is stated beside
    every verdict that uses it.
    """
    f = _check_fit(fit)
    reference = check_real(reference, "reference")
    margin = check_real(margin, "margin", low=0.0)
    if f["ci_high"] < reference - margin:
        return "faster"
    if f["ci_low"] > reference + margin:
        return "slower"
    return "fits"


def slope_verdict(fit: dict | PowerLawFit, reference: float = -0.5, margin: float = SLOPE_MARGIN) -> str:
    """The verdict of :func:`classify_slope` in words, with the margin and the interval it was decided by.

    ``"fits -1/2 within the stated 0.05 margin (its 95% interval meets [-0.55, -0.45])"``,
    ``"faster than -1/2 (its 95% interval lies below -0.55)"`` (adding whether it fits -1 within the same
    margin) or ``"SLOWER than -1/2 (its 95% interval lies above -0.45)"``.
    """
    f = _check_fit(fit)
    names = {-0.5: "-1/2", -1.0: "-1"}
    ref = names.get(reference, f"{reference:g}")
    lo, hi = reference - margin, reference + margin
    level = f"{100 * f['level']:g}% interval" if f.get("level") is not None else "interval"
    c = classify_slope(f, reference, margin)
    if c == "fits":
        return f"fits {ref} within the stated {margin:g} margin (its {level} meets [{lo:.2f}, {hi:.2f}])"
    if c == "slower":
        return f"SLOWER than {ref} (its {level} lies above {hi:.2f}, the stated {margin:g} margin)"
    word = f"faster than {ref} (its {level} lies below {lo:.2f}, the stated {margin:g} margin)"
    if reference == -0.5 and classify_slope(f, -1.0, margin) == "fits":
        word += f"; fits -1 within the same margin (meets [{-1 - margin:.2f}, {-1 + margin:.2f}])"
    return word


def _verdicts(rn: dict) -> dict:
    """One verdict per reading and kind: the slope against -1/2 (and -1) with :data:`SLOPE_MARGIN`."""
    out = {}
    for name, e in rn["readings"].items():
        parts = []
        for kind in ("iid", "flow"):
            f = e[kind]
            word = slope_verdict(f)
            parts.append(f"{kind}: slope {f['slope']:.3f} [{f['ci_low']:.3f}, {f['ci_high']:.3f}] {word}")
        out[name] = "; ".join(parts)
    return out


def rates_study(
    rd_cfg: dict | None = None,
    rn_cfg: dict | None = None,
    *,
    out_dir: str | os.PathLike = "results/rates",
    executor: str = "local",
    progress: bool = True,
    command: str = "",
    **executor_options,
) -> RateStudy:
    """Run (or resume) the R-d and R-N sweeps and summarise them.

    Parameters
    ----------
    rd_cfg, rn_cfg : dict, optional
        Overrides of :data:`RD_DEFAULTS` / :data:`RN_DEFAULTS` (checked by :func:`check_config`: unknown
        keys and values out of range are refused).
    out_dir : path
        Sweep folder (one result file per point; a rerun resumes).
    executor : {"debug", "local", "slurm"}
    progress : bool
    command : str
        The command line, recorded.
    **executor_options
        Passed to :func:`simulate.sweep.run_sweep`.

    Returns
    -------
    RateStudy
    """
    from simulate.sweep import run_sweep

    rd_cfg = check_config("rd", rd_cfg or {}, where="rd_cfg")
    rn_cfg = check_config("rn", rn_cfg or {}, where="rn_cfg")
    t0 = time.perf_counter()
    rdp, rnp = rd_points(rd_cfg), rn_points(rn_cfg)
    out_dir = Path(out_dir)
    rd_res = run_sweep(
        rd_point, rdp, out_dir / "rd", executor=executor, progress=progress, **executor_options
    )
    rn_res = run_sweep(
        rn_point, rnp, out_dir / "rn", executor=executor, progress=progress, **executor_options
    )
    rd = summarize_rd(rdp, rd_res, rd_cfg)
    rn = summarize_rn(rnp, rn_res, rn_cfg)
    rn["verdicts"] = _verdicts(rn)
    return RateStudy(
        rd=rd,
        rn=rn,
        config={"rd": rd_cfg, "rn": rn_cfg},
        command=command,
        commit=git_commit(),
        wall_seconds=time.perf_counter() - t0,
        points=len(rdp) + len(rnp),
        records={
            "rd": [{"point": p, "result": r} for p, r in zip(rdp, rd_res, strict=True)],
            "rn": [{"point": p, "result": r} for p, r in zip(rnp, rn_res, strict=True)],
        },
    )
