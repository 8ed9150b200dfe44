"""One point of each rate study: the R-N readings (:func:`rn_point`), the R-d distances (:func:`rd_point`)."""

from __future__ import annotations

import math

import numpy as np

from simulate.rates._minimize import minimize_phi_particles
from theory._validation import as_int

KS_FLOOR = math.sqrt(math.pi / 2.0) * math.log(2.0)
"""Kolmogorov: :math:`\\sqrt n\\, E\\sup_t|F_n - F| \\to \\sqrt{\\pi/2}\\log 2 \\approx 0.8687`."""


def sw_floor(N: int) -> float:
    """Floor of the spherical sliced W2 of N equal atoms to :math:`\\sigma`: :math:`1/(\\sqrt{12} N)`.

    .. math::
        W_2^2\\Big(\\tfrac1N\\sum_i \\delta_{\\theta_i}, \\mathrm{Unif}[0,1)\\Big) \\ge
        N\\int_{-1/(2N)}^{1/(2N)} t^2\\,dt = \\frac1{12 N^2},

    attained by equispaced atoms; POT parametrises each great circle by ``[0, 1)``.
    """
    N = as_int(N, "N", low=1)
    return 1.0 / (math.sqrt(12.0) * N)


_RN_KEYS = ("kind", "N", "d", "alpha", "seed", "kappa_pair", "n_projections", "n_batches")
_RD_KEYS = ("kind", "d", "k", "N", "seed")


def _check_point(point, required: tuple[str, ...], what: str) -> dict:
    """A point of a rate study with its keys present and every value in range (errors name ``point``)."""
    from collections.abc import Mapping

    from theory._validation import check_int, check_real
    from theory.special import KAPPA_MAX

    if not isinstance(point, Mapping):
        raise TypeError(f"point must be a mapping (a {what} point); got {type(point).__name__}")
    missing = [k for k in required if k not in point]
    if point.get("kind") == "flow":
        missing += [k for k in ("alpha", "tol", "max_steps") if k not in point and k not in missing]
    if missing:
        raise ValueError(f"point lacks {', '.join(missing)} (a {what} point has {', '.join(required)})")
    if point["kind"] not in ("iid", "flow"):
        raise ValueError(f"point['kind'] must be 'iid' or 'flow'; got {point['kind']!r}")
    lows = {
        "N": 1,
        "d": 2,
        "seed": 0,
        "k": 1,
        "n_projections": 1,
        "n_batches": 1,
        "max_steps": 0,
        "threads": 1,
    }
    for key, low in lows.items():
        if key in point:
            check_int(point[key], f"point[{key!r}]", low=low)
    if "alpha" in point:
        check_real(point["alpha"], "point['alpha']", low=0.0, low_open=True, high=KAPPA_MAX)
    if "kappa_pair" in point:
        check_real(point["kappa_pair"], "point['kappa_pair']", low=0.0, high=KAPPA_MAX)
    if "tol" in point:
        check_real(point["tol"], "point['tol']", low=0.0)
    if "k" in point and point["k"] >= point["d"]:
        raise ValueError(f"point['k'] must be < point['d']; got k = {point['k']}, d = {point['d']}")
    return dict(point)


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

    point = _check_point(point, _RN_KEYS, "R-N")
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

    point = _check_point(point, _RD_KEYS, "R-d")
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
