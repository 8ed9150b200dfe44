"""The rate studies of Sec. 6: R-d (a fixed-k projection is O(1/d) from the Gaussian) and R-N (O(N^-1/2)).

Every point of a study is independent (a dimension or a particle count, and a seed) and runs through
:func:`simulate.sweep.run_sweep`; the summaries fit power laws :math:`y = C x^{s}` by least squares in
log-log with percentile-bootstrap confidence intervals over the seeds (:func:`fit_power_law`) and hold
each slope against its reference.

R-d
    :math:`\\sqrt d\\,(U_1..U_k)` against :math:`N(0, I_k)`: theory's exact TV
    (:func:`theory.sphere.projection_tv`, :math:`\\approx c_k/d`) beside two Monte Carlo estimates:
    the unbiased TV estimator :func:`theory.sphere.mc_projection_tv` on i.i.d. uniform samples (it uses
    the exact density ratio, so it is valid only for samples of the uniform law; its standard error is
    proportional to the TV itself, so it has no floor in d), and the Kolmogorov-Smirnov distance of the
    pooled coordinates :math:`\\sqrt d\\, x_{ij}` of Phi-minimising particles (and of i.i.d. particles of
    the same size) to :math:`N(0,1)`, whose floor is the KS of a sample of that size,
    :math:`\\approx 0.8687/\\sqrt n` (Kolmogorov's law: :math:`E \\sup|F_n - F| \\to \\sqrt{\\pi/2}\\log 2`).

R-N, four readings of "the empirical minimiser approaches the population one at rate O(N^-1/2)"
    (i) :math:`\\Phi(\\mu_N^*) - \\Phi(\\sigma)` for the minimiser over N atoms (self-pairs included);
    (ii) the MMD between N particles and :math:`\\sigma` with the kernel :math:`e^{\\alpha u^\\top v}`:
    since :math:`\\mathbb E_{v\\sim\\sigma} e^{\\alpha u^\\top v} = e^{\\Phi(\\sigma)}` for every ``u``,
    :math:`\\mathrm{MMD}^2 = \\frac1{N^2}\\sum_{ij} e^{\\alpha x_i^\\top x_j} - e^{\\Phi(\\sigma)}`;
    (iii) the spherical sliced W2 to :math:`\\sigma` (POT ``sliced_wasserstein_sphere_unif``), beside
    its floor :math:`1/(\\sqrt{12} N)`: every projection of N equal atoms to a circle is N atoms, whose W2
    to the uniform circle law (circumference 1) is at least that of the equispaced set;
    (iv) the batch-N InfoNCE :math:`L_N - \\log N` for pairs :math:`v | u \\sim \\mathrm{vMF}(u,
    \\kappa_{pair})` against its population limit (Wang & Isola; :func:`theory.uniformity.
    population_loss_vmf_coupling`): bias and spread. i.i.d. uniform samples of the same N are the
    reference line of each; Phi-minimising particles are measured beside them.
"""

from __future__ import annotations

import math
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from theory._io import ResultMixin, git_commit
from theory._validation import as_int, as_real, as_vector, make_rng

__all__ = [
    "KS_FLOOR",
    "RD_DEFAULTS",
    "RN_DEFAULTS",
    "SLOPE_MARGIN",
    "MinimizeResult",
    "PowerLawFit",
    "RateStudy",
    "classify_slope",
    "fit_power_law",
    "minimize_phi_particles",
    "plot_rates",
    "rates_study",
    "rd_point",
    "rd_points",
    "rn_point",
    "rn_points",
    "summarize_rd",
    "summarize_rn",
    "sw_floor",
]

KS_FLOOR = math.sqrt(math.pi / 2.0) * math.log(2.0)
"""Kolmogorov: :math:`\\sqrt n\\, E\\sup_t|F_n - F| \\to \\sqrt{\\pi/2}\\log 2 \\approx 0.8687`."""


# --------------------------------------------------------------------------------------------------
# power laws
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PowerLawFit(ResultMixin):
    """A fitted power law :math:`y = C x^{s}` with a confidence interval for the slope.

    Attributes
    ----------
    slope : float
        Least-squares slope of ``log y`` on ``log x`` (``y`` the statistic over replicates at each x).
    intercept : float
        ``log C``.
    ci_low, ci_high : float
        Confidence interval of the slope at ``level``: percentile bootstrap over replicates when there
        are at least 2 per x, otherwise the OLS t-interval (``None``/null with only two x values).
    level : float
    method : str
        ``"bootstrap"`` or ``"ols-t"``.
    reference : float or None
        The slope the statement predicts, if any.
    contains_reference : bool or None
        Whether the interval holds ``reference``.
    x : list of float
    y : list of float
        The fitted statistic at each x.
    """

    slope: float
    intercept: float
    ci_low: float
    ci_high: float
    level: float
    method: str
    reference: float | None
    contains_reference: bool | None
    x: list
    y: list

    def contains(self, slope: float) -> bool:
        """Whether ``slope`` lies in the confidence interval."""
        return bool(self.ci_low <= slope <= self.ci_high)


def _slopes(lx: np.ndarray, ly: np.ndarray) -> np.ndarray:
    """OLS slopes of rows of ``ly`` (shape (..., m)) on ``lx`` (shape (m,))."""
    xc = lx - lx.mean()
    return ((ly - ly.mean(axis=-1, keepdims=True)) * xc).sum(axis=-1) / (xc * xc).sum()


def fit_power_law(
    x,
    y,
    *,
    statistic: str = "mean",
    reference: float | None = None,
    level: float = 0.95,
    n_boot: int = 4000,
    seed=0,
) -> PowerLawFit:
    """Fit :math:`y = C x^{s}` in log-log with a confidence interval for ``s``.

    .. math::
        \\hat s = \\frac{\\sum_i (\\ell_i - \\bar\\ell)(\\log \\bar y_i - \\overline{\\log \\bar y})}
        {\\sum_i (\\ell_i - \\bar\\ell)^2}, \\qquad \\ell_i = \\log x_i,

    ``\\bar y_i`` the statistic of the replicates at ``x_i``; the interval is the percentile bootstrap
    (replicates resampled independently at each x) or, with one replicate, the OLS t-interval.

    Parameters
    ----------
    x : array_like, shape (m,)
        Positive abscissae (``d`` or ``N``), at least 2 distinct.
    y : array_like, shape (m,) or (m, r)
        Values, ``r`` replicates (seeds) per x.
    statistic : {"mean", "abs_mean", "std"}
        What is fitted at each x: the mean, its absolute value (a bias of either sign), or the standard
        deviation across replicates (a spread; needs ``r >= 2``).
    reference : float, optional
        The predicted slope, recorded with whether the interval contains it.
    level : float
        Confidence level in (0, 1).
    n_boot : int
        Bootstrap resamples.
    seed : None, int or numpy Generator

    Returns
    -------
    PowerLawFit
    """
    x = as_vector(x, "x", min_len=2)
    if np.any(x <= 0):
        raise ValueError("x must be positive (a power law is fitted in log-log)")
    if np.unique(x).size < 2:
        raise ValueError("x must hold at least two distinct values")
    y = np.asarray(y, dtype=np.float64)
    if y.ndim == 1:
        y = y[:, None]
    if y.ndim != 2 or y.shape[0] != x.size:
        raise ValueError(f"y must have shape ({x.size},) or ({x.size}, r); got {np.shape(y)}")
    if not np.all(np.isfinite(y)):
        raise ValueError("y must be finite")
    level = as_real(level, "level", low=0.0, high=1.0, low_open=True, high_open=True)
    n_boot = as_int(n_boot, "n_boot", low=10)
    funcs = {
        "mean": lambda a: a.mean(axis=-1),
        "abs_mean": lambda a: np.abs(a.mean(axis=-1)),
        "std": lambda a: a.std(axis=-1, ddof=1),
    }
    if statistic not in funcs:
        raise ValueError(f"statistic must be one of {', '.join(funcs)}; got {statistic!r}")
    r = y.shape[1]
    if statistic == "std" and r < 2:
        raise ValueError("statistic='std' needs at least 2 replicates per x")
    f = funcs[statistic]
    ybar = f(y)
    if np.any(ybar <= 0):
        raise ValueError(f"the {statistic} of y must be positive at every x to fit a power law; got {ybar}")
    lx, ly = np.log(x), np.log(ybar)
    slope = float(_slopes(lx, ly))
    intercept = float(ly.mean() - slope * lx.mean())
    tail = (1.0 - level) / 2.0
    if r >= 2:
        rng = make_rng(seed)
        idx = rng.integers(0, r, size=(n_boot, x.size, r))
        yb = f(y[np.arange(x.size)[None, :, None], idx])
        with np.errstate(divide="ignore", invalid="ignore"):
            sb = _slopes(lx, np.log(yb))
        sb = sb[np.isfinite(sb)]
        lo, hi = (float(v) for v in np.quantile(sb, [tail, 1.0 - tail]))
        method = "bootstrap"
    elif x.size > 2:
        from scipy import stats

        res = ly - (intercept + slope * lx)
        se = math.sqrt((res @ res) / (x.size - 2) / ((lx - lx.mean()) ** 2).sum())
        t = stats.t.ppf(1.0 - tail, x.size - 2)
        lo, hi = slope - t * se, slope + t * se
        method = "ols-t"
    else:
        lo, hi, method = -math.inf, math.inf, "ols-t"
    ref = None if reference is None else float(reference)
    return PowerLawFit(
        slope=slope,
        intercept=intercept,
        ci_low=lo,
        ci_high=hi,
        level=level,
        method=method,
        reference=ref,
        contains_reference=None if ref is None else bool(lo <= ref <= hi),
        x=x.tolist(),
        y=ybar.tolist(),
    )


# --------------------------------------------------------------------------------------------------
# the particle minimiser and the readings
# --------------------------------------------------------------------------------------------------


def _torch_dtype(dtype):
    import torch

    if isinstance(dtype, torch.dtype):
        return dtype
    table = {"float64": torch.float64, "float32": torch.float32}
    if dtype not in table:
        raise ValueError(f"dtype must be 'float64' or 'float32'; got {dtype!r}")
    return table[dtype]


@dataclass(frozen=True)
class MinimizeResult(ResultMixin):
    """Particles that (approximately) minimise Phi on the sphere.

    Attributes
    ----------
    points : Tensor, shape (N, d)
        Not serialised (``to_dict`` skips it).
    phi : float
        Phi of the particles' empirical measure (self-pairs included).
    grad_rms : float
        Root mean square over particles of :math:`N \\lVert \\operatorname{grad}_i \\Phi\\rVert`
        (Riemannian), the per-particle force at the end.
    n_steps : int
    converged : bool
        ``grad_rms <= tol``.
    """

    points: Any = field(repr=False)
    phi: float
    grad_rms: float
    n_steps: int
    converged: bool

    def to_dict(self) -> dict:
        from theory._io import to_jsonable

        return {k: to_jsonable(getattr(self, k)) for k in ("phi", "grad_rms", "n_steps", "converged")}


def minimize_phi_particles(x0, alpha: float, *, tol: float = 1e-9, max_steps: int = 5000) -> MinimizeResult:
    """Minimise Phi over N particles on the sphere: L-BFGS on directions :math:`x_i = y_i/\\lVert y_i\\rVert`.

    .. math::
        \\min_{y \\in \\mathbb R^{N\\times d}}
        \\Phi\\Big(\\frac1N\\sum_i \\delta_{y_i/\\lVert y_i\\rVert}\\Big),
        \\qquad \\nabla_{y_i} = \\frac{\\nabla_{x_i}\\Phi - \\langle\\nabla_{x_i}\\Phi, x_i\\rangle x_i}
        {\\lVert y_i\\rVert},

    (scipy's L-BFGS-B; the value and the Euclidean gradient from the streaming
    :func:`simulate.energies.phi_and_grad`, so the radial invariance costs nothing). The stopping test is
    the RMS per-particle Riemannian force :math:`N\\lVert\\operatorname{grad}_i\\Phi\\rVert`, which is
    O(alpha) away from a stationary point whatever N.

    Parameters
    ----------
    x0 : Tensor, shape (N, d)
        Start (points of the sphere).
    alpha : float
    tol : float
        Target RMS per-particle force.
    max_steps : int
        L-BFGS iterations.

    Returns
    -------
    MinimizeResult
    """
    import torch
    from scipy.optimize import minimize

    from simulate.energies import phi_and_grad
    from simulate.sphere import check_points, tangent

    x0 = check_points(x0, "x0")
    alpha = as_real(alpha, "alpha", low=0.0, low_open=True)
    tol = as_real(tol, "tol", low=0.0)
    max_steps = as_int(max_steps, "max_steps", low=0)
    N, d = x0.shape
    dtype, device = x0.dtype, x0.device

    def fg(flat):
        y = torch.as_tensor(flat.reshape(N, d), dtype=dtype, device=device)
        r = torch.linalg.vector_norm(y, dim=1, keepdim=True)
        x = y / r
        val, g = phi_and_grad(x, alpha)
        gy = tangent(x, g) / r
        return float(val), gy.detach().cpu().numpy().astype(np.float64).ravel()

    res = minimize(
        fg,
        x0.detach().cpu().numpy().astype(np.float64).ravel(),
        jac=True,
        method="L-BFGS-B",
        options={
            "maxiter": max_steps,
            "maxcor": 30,
            "ftol": 0.0,
            "gtol": tol / N * 1e-3,
            "maxfun": 4 * max_steps,
        },
    )
    y = torch.as_tensor(res.x.reshape(N, d), dtype=dtype, device=device)
    x = y / torch.linalg.vector_norm(y, dim=1, keepdim=True)
    val, g = phi_and_grad(x, alpha)
    rms = float((tangent(x, g) * N).pow(2).sum().div(N).sqrt())
    return MinimizeResult(points=x, phi=float(val), grad_rms=rms, n_steps=int(res.nit), converged=rms <= tol)


def sw_floor(N: int) -> float:
    """Floor of the spherical sliced W2 of N equal atoms to :math:`\\sigma`: :math:`1/(\\sqrt{12} N)`.

    .. math::
        W_2^2\\Big(\\tfrac1N\\sum_i \\delta_{\\theta_i}, \\mathrm{Unif}[0,1)\\Big) \\ge
        N\\int_{-1/(2N)}^{1/(2N)} t^2\\,dt = \\frac1{12 N^2},

    attained by equispaced atoms; POT parametrises each great circle by ``[0, 1)``.
    """
    N = as_int(N, "N", low=1)
    return 1.0 / (math.sqrt(12.0) * N)


def _particles(point: dict):
    """The particles of an R-N / R-d point: i.i.d. uniform, or Phi-minimising from an i.i.d. start."""
    import torch

    from simulate.sphere import sample_uniform

    g = torch.Generator().manual_seed(int(point["seed"]))
    x = sample_uniform(int(point["N"]), int(point["d"]), generator=g, dtype=torch.float64)
    info: dict = {}
    if point["kind"] == "flow":
        res = minimize_phi_particles(
            x,
            float(point["alpha"]),
            tol=float(point.get("tol", 1e-8)),
            max_steps=int(point.get("max_steps", 20000)),
        )
        x = res.points
        info = res.to_dict()
    elif point["kind"] != "iid":
        raise ValueError(f"point kind must be 'iid' or 'flow'; got {point['kind']!r}")
    return x, g, info


def rn_point(point: dict) -> dict:
    """One R-N point: the four readings for one particle set.

    Parameters
    ----------
    point : dict
        ``{"kind": "iid"|"flow", "N", "d", "alpha", "seed", "kappa_pair", "n_projections", "n_batches"}``
        (optional ``tol``, ``max_steps`` for the flow; ``threads``, default 1: points run in parallel).

    Returns
    -------
    dict
        ``phi_gap`` (i), ``mmd`` and ``mmd2`` (ii), ``sw`` and ``sw_floor`` (iii), ``infonce`` =
        :math:`L_N - \\log N` and ``infonce_limit`` (iv), and the flow's ``phi``, ``grad_rms``,
        ``n_steps``, ``converged`` for ``kind = "flow"``.
    """
    import torch

    torch.set_num_threads(int(point.get("threads", 1)))  # points run in parallel; one thread each
    from simulate.observables import mmd_uniform, phi_gap, sliced_w2_uniform
    from simulate.sphere import sample_uniform, sample_vmf
    from theory.uniformity import infonce_loss, population_loss_vmf_coupling

    x, g, info = _particles(point)
    alpha, d, N = float(point["alpha"]), int(point["d"]), int(point["N"])
    gap = phi_gap(x, alpha)
    m2 = mmd_uniform(x, alpha)
    sw = sliced_w2_uniform(x, n_projections=int(point["n_projections"]), seed=int(point["seed"]) + 7919)
    kp = float(point["kappa_pair"])
    reps = []
    for _ in range(int(point.get("n_batches", 1))):
        u = x if point["kind"] == "flow" else sample_uniform(N, d, generator=g, dtype=torch.float64)
        v = sample_vmf(N, u, kp, generator=g, dtype=torch.float64)
        reps.append(infonce_loss(u.cpu().numpy(), v.cpu().numpy(), alpha) - math.log(N))
    return {
        "phi_gap": gap,
        "mmd2": m2,
        "mmd": math.sqrt(max(m2, 0.0)),
        "sw": sw,
        "sw_floor": sw_floor(N),
        "infonce": float(np.mean(reps)),
        "infonce_batches": reps,
        "infonce_limit": population_loss_vmf_coupling(d, alpha, kp),
        **info,
    }


def rd_point(point: dict) -> dict:
    """One R-d point.

    Parameters
    ----------
    point : dict
        ``{"kind": "iid"|"flow", "d", "k", "N", "seed", "alpha"}``. ``iid``: ``N`` uniform samples, the
        unbiased TV estimate (:func:`theory.sphere.mc_projection_tv`) for ``k`` and the KS of the first
        coordinate; ``flow``: ``N`` Phi-minimising particles and ``N`` i.i.d. ones (same seed), the KS
        of their pooled coordinates :math:`\\sqrt d\\, x_{ij}` (``N d`` values) to :math:`N(0, 1)`.

    Returns
    -------
    dict
    """
    import torch

    torch.set_num_threads(int(point.get("threads", 1)))  # points run in parallel; one thread each
    from simulate.sphere import sample_uniform
    from theory.sphere import ks_distance, mc_projection_tv, projection_ks, projection_tv

    d, k, N = int(point["d"]), int(point["k"]), int(point["N"])
    out = {"tv_exact": projection_tv(d, k), "ks_exact": projection_ks(d, 1) / 2.0}
    if point["kind"] == "iid":
        g = torch.Generator().manual_seed(int(point["seed"]))
        chunks = []
        for i in range(0, N, 20_000):
            u = sample_uniform(min(20_000, N - i), d, generator=g, dtype=torch.float64)
            chunks.append((math.sqrt(d) * u[:, :k]).numpy())
        y = np.concatenate(chunks)
        tv = mc_projection_tv(d, k, samples=y)
        ks = ks_distance(y[:, :1])
        out.update(
            tv_mc=tv.estimate, tv_mc_se=tv.stderr, ks=ks.statistic, n=N, ks_floor=KS_FLOOR / math.sqrt(N)
        )
    else:
        x, _, info = _particles({**point, "kind": "flow"})
        ref, _, _ = _particles({**point, "kind": "iid"})
        n = N * d
        out.update(
            ks_flow=ks_distance(math.sqrt(d) * x.cpu().numpy().reshape(-1, 1)).statistic,
            ks_iid_pooled=ks_distance(math.sqrt(d) * ref.cpu().numpy().reshape(-1, 1)).statistic,
            n=n,
            ks_floor=KS_FLOOR / math.sqrt(n),
            **info,
        )
    return out


# --------------------------------------------------------------------------------------------------
# studies
# --------------------------------------------------------------------------------------------------

RN_DEFAULTS = {
    "Ns": [16, 32, 64, 128, 256, 512, 1024],
    "Ns_flow": [16, 32, 64, 128],
    "d": 3,
    "alpha": 10.0,
    "kappa_pair": 10.0,
    "n_projections": 400,
    "n_batches": 64,
    "seeds": 8,
    "seeds_flow": 3,
    "tol": 1e-6,
    "max_steps": 800,
}
RD_DEFAULTS = {
    "ds": [8, 16, 32, 64, 128, 256, 512],
    "ds_flow": [8, 16, 32, 64, 128, 256, 512],
    "ks": [1, 2],
    "n_samples": 100_000,
    "n_particles": 256,
    "alpha": 4.0,
    "seeds": 3,
    "max_steps": 500,
    "tol": 1e-6,
}


def rn_points(cfg: dict) -> list[dict]:
    """The independent points of the R-N study (both kinds, every N, every seed)."""
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
    """The independent points of the R-d study (i.i.d. per (d, k, seed); flow per (d, seed))."""
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


def summarize_rn(points: list[dict], results: list[dict], cfg: dict) -> dict:
    """Fits and verdicts of the four R-N readings (slopes against N with bootstrap CIs over seeds)."""
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


def classify_slope(fit: dict | PowerLawFit, reference: float = -0.5, margin: float = SLOPE_MARGIN) -> str:
    """``"fits"``, ``"faster"`` or ``"slower"``: the slope's CI against ``reference`` +- ``margin``.

    .. math::
        \\text{fits} \\iff [s_{lo}, s_{hi}] \\cap [r - \\epsilon, r + \\epsilon] \\ne \\emptyset,
        \\quad \\text{faster} \\iff s_{hi} < r - \\epsilon,
        \\quad \\text{slower} \\iff s_{lo} > r + \\epsilon.

    The margin (default 0.05) allows the O(1/N) corrections of a finite range of N; it is stated beside
    every verdict that uses it.
    """
    f = fit.to_dict() if isinstance(fit, PowerLawFit) else fit
    if f["ci_high"] < reference - margin:
        return "faster"
    if f["ci_low"] > reference + margin:
        return "slower"
    return "fits"


def _verdicts(rn: dict) -> dict:
    """One verdict per reading and kind: the slope against -1/2 (and -1) with :data:`SLOPE_MARGIN`."""
    out = {}
    for name, e in rn["readings"].items():
        parts = []
        for kind in ("iid", "flow"):
            f = e[kind]
            c = classify_slope(f)
            word = {"fits": "fits -1/2", "faster": "faster than -1/2", "slower": "SLOWER than -1/2"}[c]
            if c == "faster" and classify_slope(f, -1.0) == "fits":
                word = "fits -1 (faster than -1/2)"
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
        Overrides of :data:`RD_DEFAULTS` / :data:`RN_DEFAULTS`.
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

    rd_cfg = {**RD_DEFAULTS, **(rd_cfg or {})}
    rn_cfg = {**RN_DEFAULTS, **(rn_cfg or {})}
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


def plot_rates(study: RateStudy | dict):
    """The two rates side by side: R-d (TV and KS against d) and R-N (the four readings against N).

    Returns
    -------
    matplotlib.figure.Figure
    """
    from matplotlib.figure import Figure

    s = study.to_dict() if isinstance(study, RateStudy) else study
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
