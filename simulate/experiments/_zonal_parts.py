"""Parts of the beyond-zonal experiment: non-zonal starts, the polish of J_q, the same-N zonal references
(N points on rings, and the Phi-minimising configuration), and the shape of a configuration."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import torch

__all__ = [
    "NONZONAL_STARTS",
    "allocate",
    "nonzonal_start",
    "polish_jq",
    "ring_reference",
    "shape",
    "zonal_points",
]

NONZONAL_STARTS = ("two-rings", "cap-noise", "harmonic", "ring-rotated")
"""The starts of the free flows, none of them symmetric about an axis (see :func:`nonzonal_start`)."""

_POLE = 0.999
"""A ring with ``|t| >= _POLE`` is a pole atom (all its points at ``sign(t) w``)."""

_F64 = torch.float64


def _unit(v: torch.Tensor) -> torch.Tensor:
    return v / torch.linalg.vector_norm(v, dim=-1, keepdim=True)


def _proj(x: torch.Tensor, g: torch.Tensor) -> torch.Tensor:
    """Tangent part of ``g`` at the unit rows ``x``."""
    return g - (g * x).sum(1, keepdim=True) * x


def allocate(weights, N: int) -> np.ndarray:
    """Integer counts summing to ``N`` proportional to ``weights`` (largest remainder)."""
    w = np.asarray(weights, dtype=np.float64)
    w = w / w.sum()
    raw = w * N
    n = np.floor(raw).astype(int)
    for i in np.argsort(-(raw - n))[: N - int(n.sum())]:
        n[i] += 1
    return n


def _ring(n: int, t: float, w: torch.Tensor, g: torch.Generator) -> torch.Tensor:
    """``n`` i.i.d. points uniform on the ring ``{u : u.w = t}`` (all at ``sign(t) w`` for a pole)."""
    if abs(t) >= _POLE:
        return math.copysign(1.0, t) * w[None, :].expand(n, -1).clone()
    y = torch.randn(n, w.numel(), generator=g, dtype=_F64)
    y = _unit(y - (y @ w)[:, None] * w[None, :])
    return t * w[None, :] + math.sqrt(1.0 - t * t) * y


def zonal_points(N: int, d: int, latitudes, weights, axis: torch.Tensor, g: torch.Generator) -> torch.Tensor:
    """``N`` points on the rings of a zonal measure about ``axis``, counts by :func:`allocate`."""
    counts = allocate(weights, N)
    parts = [_ring(int(c), float(t), axis, g) for t, c in zip(latitudes, counts, strict=True) if c > 0]
    return torch.cat(parts)


def _random_unit(d: int, g: torch.Generator) -> torch.Tensor:
    return _unit(torch.randn(d, generator=g, dtype=_F64))


def _main_latitude(latitudes, weights) -> float:
    t = np.asarray(latitudes, dtype=np.float64)
    p = np.asarray(weights, dtype=np.float64)
    ok = np.abs(t) < _POLE
    return float(t[ok][np.argmax(p[ok])]) if ok.any() else 0.5


def nonzonal_start(kind: str, N: int, d: int, latitudes, weights, *, seed: int, noise: float) -> torch.Tensor:
    """A start of the free flow that no rotation about one axis leaves invariant.

    Parameters
    ----------
    kind : {"two-rings", "cap-noise", "harmonic", "ring-rotated"}
        ``two-rings``: half the points on the ring at the main latitude ``t0`` of the zonal measure
        about an axis ``w1``, half on the same ring about ``w2`` at 60 degrees from ``w1``;
        ``cap-noise``: 70% a vMF cap at a random mean (``kappa = d t0 / (1 - t0^2)``), 30% uniform, each
        point moved by Gaussian noise of scale ``noise`` and renormalised; ``harmonic``: uniform points
        pushed along a random degree-1 direction ``v`` and a random symmetric traceless matrix ``A``
        (several degree-2 directions), :math:`u \\leftarrow (u + t_0 v + A u)/\\lVert\\cdot\\rVert`;
        ``ring-rotated``: the zonal measure's rings, turned by a random rotation, each point moved by noise.
    N, d : int
    latitudes, weights : sequence of float
        The zonal measure (rings at ``latitudes`` with masses ``weights``).
    seed : int
    noise : float
        Scale of the Gaussian noise.

    Returns
    -------
    Tensor, shape (N, d)
        Unit rows, float64.
    """
    g = torch.Generator().manual_seed(int(seed))
    t0 = _main_latitude(latitudes, weights)
    if kind == "two-rings":
        w1 = _random_unit(d, g)
        v = torch.randn(d, generator=g, dtype=_F64)
        v = _unit(v - (v @ w1) * w1)
        w2 = 0.5 * w1 + math.sqrt(0.75) * v
        x = torch.cat([_ring(N - N // 2, t0, w1, g), _ring(N // 2, t0, w2, g)])
    elif kind == "cap-noise":
        from simulate.sphere import sample_uniform, sample_vmf

        n_cap = round(0.7 * N)
        kappa = d * abs(t0) / max(1.0 - t0 * t0, 1e-3)
        x = torch.cat(
            [
                sample_vmf(n_cap, _random_unit(d, g), kappa, generator=g),
                sample_uniform(N - n_cap, d, generator=g),
            ]
        )
        x = _unit(x + noise * torch.randn(N, d, generator=g, dtype=_F64))
    elif kind == "harmonic":
        from simulate.sphere import sample_uniform

        u = sample_uniform(N, d, generator=g)
        b = torch.randn(d, d, generator=g, dtype=_F64)
        a = (b + b.T) / 2
        a = a - torch.trace(a) / d * torch.eye(d, dtype=_F64)
        a = a / torch.linalg.matrix_norm(a, ord=2)
        x = _unit(u + abs(t0) * _random_unit(d, g)[None, :] + u @ a)
    elif kind == "ring-rotated":
        e1 = torch.zeros(d, dtype=_F64)
        e1[0] = 1.0
        x = zonal_points(N, d, latitudes, weights, e1, g)
        rot, _ = torch.linalg.qr(torch.randn(d, d, generator=g, dtype=_F64))
        x = _unit(x @ rot.T + noise * torch.randn(N, d, generator=g, dtype=_F64))
    else:
        raise ValueError(f"start kind must be one of {', '.join(NONZONAL_STARTS)}; got {kind!r}")
    return x[torch.randperm(N, generator=g)]


def _lbfgs(params: list[torch.Tensor], value_and_grads, iters: int, history: int) -> int:
    """torch's L-BFGS (strong Wolfe line search) on ``params``; ``value_and_grads()`` returns the value
    and fills ``.grad``. Returns the number of evaluations."""
    count = [0]
    opt = torch.optim.LBFGS(
        params,
        lr=1.0,
        max_iter=iters,
        max_eval=int(iters * 1.25) + 1,
        history_size=history,
        tolerance_grad=1e-13,
        tolerance_change=1e-15,
        line_search_fn="strong_wolfe",
    )

    def closure():
        count[0] += 1
        return value_and_grads()

    opt.step(closure)
    return count[0]


def _jq_and_grad(x: torch.Tensor, alpha: float, q: float) -> tuple[float, float, torch.Tensor]:
    """``J_q`` (exact, the discrete measure's Phi with its self-pairs), Phi, and the Euclidean gradient."""
    from simulate.energies import phi_and_grad

    N = x.shape[0]
    phi, grad = phi_and_grad(x, alpha)
    m = x.mean(0)
    return float(phi) - q * float(m @ m), float(phi), grad - (2.0 * q / N) * m[None, :]


def polish_jq(x0: torch.Tensor, alpha: float, q: float, *, iters: int, history: int = 30) -> dict[str, Any]:
    """Minimise :math:`J_q = \\Phi - q\\lVert m\\rVert^2` over N free points (L-BFGS on a product of spheres).

    .. math::
        x_i = y_i / \\lVert y_i \\rVert, \\qquad
        \\nabla_{y_i} J = \\operatorname{proj}_{x_i}(\\nabla_{x_i} J) / \\lVert y_i\\rVert .

    Returns
    -------
    dict
        ``points`` (Tensor (N, d)), ``J``, ``phi``, ``n_evals``.
    """
    y = torch.nn.Parameter(x0.detach().to(_F64).clone())

    def vg():
        with torch.no_grad():
            r = torch.linalg.vector_norm(y, dim=1, keepdim=True)
            x = y / r
            j, _, g = _jq_and_grad(x, alpha, q)
            y.grad = _proj(x, g) / r
        return torch.tensor(j, dtype=_F64)

    n = _lbfgs([y], vg, iters, history)
    x = _unit(y.detach())
    j, phi, _ = _jq_and_grad(x, alpha, q)
    return {"points": x, "J": j, "phi": phi, "n_evals": n}


def ring_reference(
    N: int, d: int, alpha: float, q: float, latitudes, weights, *, seed: int, iters: int, history: int = 30
) -> dict[str, Any]:
    """The same-N zonal reference: N points on the rings of a zonal measure, positions and latitudes free.

    With ``n_k`` points (:func:`allocate`) on ring ``k`` about the axis :math:`e_1`,
    :math:`u_i = t_k e_1 + s_k \\xi_i`, :math:`s_k = \\sqrt{1 - t_k^2}`, :math:`\\xi_i \\in S^{d-2}`
    (a pole, :math:`|t_k| \\ge 0.999`, is an atom at :math:`\\pm e_1`), ``J_q`` of the discrete measure is
    minimised over the :math:`\\xi_i` and the latitudes of the rings. For one ring the value is exact in
    closed form one dimension down,

    .. math::
        \\Phi(\\mu_N) = \\alpha t_0^2 + \\Phi_{S^{d-2}}\\Big(\\tfrac1N\\textstyle\\sum_i\\delta_{\\xi_i};\\
        \\alpha s_0^2\\Big), \\qquad \\lVert m\\rVert^2 = t_0^2 + s_0^2\\lVert\\bar\\xi\\rVert^2,

    (self-pairs included: :math:`e^{\\alpha s_0^2}/N` inside each log), against the ring's
    :math:`\\alpha t_0^2 + \\log G_d(\\alpha s_0^2)`: its finite-N excess is the excess of N points of
    :math:`S^{d-2}` over the uniform law there (>= 0 by T1 one dimension down).

    Returns
    -------
    dict
        ``points``, ``J``, ``phi``, ``latitudes`` (optimised, one per ring with points), ``counts``,
        ``n_evals``.
    """
    g = torch.Generator().manual_seed(int(seed))
    counts = allocate(weights, N)
    lat = [float(t) for t, c in zip(latitudes, counts, strict=True) if c > 0]
    cnt = [int(c) for c in counts if c > 0]
    free = [k for k, t in enumerate(lat) if abs(t) < _POLE]
    theta = torch.nn.Parameter(torch.tensor([math.atanh(lat[k]) for k in free], dtype=_F64))
    n_free = sum(cnt[k] for k in free)
    y = torch.nn.Parameter(torch.randn(max(n_free, 1), d - 1, generator=g, dtype=_F64))
    owner = torch.tensor([i for i, k in enumerate(free) for _ in range(cnt[k])], dtype=torch.long)
    poles = [math.copysign(1.0, lat[k]) for k in range(len(lat)) if k not in free for _ in range(cnt[k])]

    def build():
        t = torch.tanh(theta)[owner]
        s = torch.sqrt(1.0 - t * t)
        r = torch.linalg.vector_norm(y[:n_free], dim=1, keepdim=True)
        xi = y[:n_free] / r
        x = torch.cat([t[:, None], s[:, None] * xi], 1)
        if poles:
            p = torch.zeros(len(poles), d, dtype=_F64)
            p[:, 0] = torch.tensor(poles, dtype=_F64)
            x = torch.cat([x, p])
        return x, t, s, xi, r

    def vg():
        with torch.no_grad():
            x, t, s, xi, r = build()
            j, _, gx = _jq_and_grad(x, alpha, q)
            gf = gx[:n_free]
            gy = torch.zeros_like(y)
            gy[:n_free] = _proj(xi, s[:, None] * gf[:, 1:]) / r
            y.grad = gy
            dt = gf[:, 0] - (t / s) * (gf[:, 1:] * xi).sum(1)
            gt = torch.zeros(len(free), dtype=_F64).index_add_(0, owner, dt)
            theta.grad = gt * (1.0 - torch.tanh(theta) ** 2)
        return torch.tensor(j, dtype=_F64)

    n = _lbfgs([theta, y], vg, iters, history) if n_free > 0 else 0
    with torch.no_grad():
        x = build()[0]
        tt = torch.tanh(theta).tolist()
    j, phi, _ = _jq_and_grad(x, alpha, q)
    out_lat = [tt[free.index(k)] if k in free else lat[k] for k in range(len(lat))]
    return {"points": x, "J": j, "phi": phi, "latitudes": out_lat, "counts": cnt, "n_evals": n}


def shape(x: torch.Tensor) -> dict[str, Any]:
    """The shape of a configuration: ``||m||``, the law of :math:`t = u^\\top \\hat m`, and how far the
    part orthogonal to :math:`\\hat m` is from isotropic (a zonal measure's is isotropic).

    .. math::
        C_\\perp = \\frac1N \\sum_i (u_i - t_i \\hat m)(u_i - t_i \\hat m)^\\top, \\qquad
        \\text{anisotropy} = \\lambda_{\\max}(C_\\perp) / \\overline{\\lambda}(C_\\perp)

    over the ``d - 1`` eigenvalues in :math:`\\hat m^\\perp` (1 for an exactly zonal law; i.i.d. points of
    one also show a finite-N excess, of order :math:`\\sqrt{d/N}`).
    """
    x = x.detach().to(_F64)
    N, d = x.shape
    m = x.mean(0)
    mn = float(torch.linalg.vector_norm(m))
    axis = m / mn if mn > 1e-9 else torch.eye(d, dtype=_F64)[0]
    t = x @ axis
    perp = x - t[:, None] * axis[None, :]
    lam = torch.linalg.eigvalsh(perp.T @ perp / N)[1:]
    tq = np.quantile(t.numpy(), [0.05, 0.25, 0.5, 0.75, 0.95])
    return {
        "m_norm": mn,
        "t_mean": float(t.mean()),
        "t_std": float(t.std()),
        "t_quantiles": [float(v) for v in tq],
        "perp_anisotropy": float(lam.max() / lam.mean()),
    }
