"""Initial particle laws and the Phi / J_q flow the experiments share."""

from __future__ import annotations

import math

import torch

from theory._validation import as_int, as_real

STARTS = ("uniform", "vmf", "clustered", "antipodal", "ring", "caps")


def run_args(quick, seed, device, dtype) -> tuple[bool, int, torch.device, torch.dtype]:
    """``quick`` (a bool), the seed (``0 <= seed < 2**63``), device and dtype of an experiment, checked
    before any work."""
    from simulate.sphere import as_device, as_dtype

    if not isinstance(quick, bool):
        raise TypeError(f"quick must be True or False; got {quick!r}")
    seed = as_int(seed, "seed", low=0, high=2**63 - 1)
    return quick, seed, as_device(device if device is not None else "cpu"), as_dtype(dtype)


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
    from simulate.sphere import check_size, sample_mixture, sample_uniform, sample_vmf

    if kind not in STARTS:
        raise ValueError(f"start kind must be one of {', '.join(STARTS)}; got {kind!r}")
    N = as_int(N, "N", low=1)
    d = as_int(d, "d", low=2)
    kappa = as_real(kappa, "kappa", low=0.0)
    _, seed, device, dtype = run_args(False, seed, device, dtype)
    check_size(N, d, torch.float64, device, copies=4)
    g = torch.Generator().manual_seed(seed)
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
