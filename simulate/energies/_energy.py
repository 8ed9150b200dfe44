"""An energy of particles as one object: value, and value and gradient (:class:`Energy`)."""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch import Tensor

from simulate.energies._common import PhiAndGrad, _check_alpha
from simulate.energies._others import _check_q, _check_z, free_energy, surrogate_jq
from simulate.energies._phi import phi, phi_and_grad
from theory._validation import check_real

# --------------------------------------------------------------------------------------------------
# value and gradient of any energy
# --------------------------------------------------------------------------------------------------


class Energy:
    """An energy of particles: value, and value-and-gradient (analytic/streaming or by autograd).

    .. math::
        E : \\mathbb R^{N \\times d} \\to \\mathbb R, \\qquad x \\mapsto (E(x), \\nabla_x E(x)).

    Parameters
    ----------
    fn : callable
        ``fn(x) -> Tensor`` of shape ``()``, differentiable by autograd.
    value_and_grad : callable, optional
        ``value_and_grad(x) -> (value, grad)``; default: autograd through ``fn``.
    manifold : {"sphere", "euclidean"}
        Where the particles live (points of the sphere, or unnormalised particles).
    name : str
        Label for trajectories.
    alpha : float, optional
        Inverse temperature of the Phi term (for the recorded Phi gap).
    config : dict, optional
        Every parameter of the energy (JSON-able); a checkpointed run compares it on resume. Default
        ``{"energy": name}``.

    Use the constructors :meth:`phi`, :meth:`surrogate_jq`, :meth:`free_energy` for the streaming
    (no N x N matrix) versions.
    """

    def __init__(
        self,
        fn: Callable[[Tensor], Tensor],
        value_and_grad: Callable[[Tensor], tuple[Tensor, Tensor]] | None = None,
        *,
        manifold: str = "sphere",
        name: str = "energy",
        alpha: float | None = None,
        config: dict | None = None,
    ):
        if not callable(fn):
            raise TypeError(f"fn must be callable; got {type(fn).__name__}")
        if manifold not in ("sphere", "euclidean"):
            raise ValueError(f"manifold must be 'sphere' or 'euclidean'; got {manifold!r}")
        self.fn = fn
        self._vg = value_and_grad
        self.manifold = manifold
        self.name = name
        self.alpha = alpha
        self.config = dict(config) if config is not None else {"energy": str(name)}

    def __call__(self, x: Tensor) -> Tensor:
        return self.fn(x)

    def value_and_grad(self, x: Tensor) -> PhiAndGrad:
        """``(value, grad)`` at ``x`` (both detached)."""
        if self._vg is not None:
            v, g = self._vg(x)
            return PhiAndGrad(v.detach(), g.detach())
        with torch.enable_grad():
            xx = x.detach().requires_grad_(True)
            v = self.fn(xx)
            (g,) = torch.autograd.grad(v, xx)
        return PhiAndGrad(v.detach(), g)

    def __repr__(self) -> str:
        return f"Energy({self.name}, manifold={self.manifold!r})"

    # constructors --------------------------------------------------------------------------------

    @classmethod
    def phi(cls, alpha, *, weights=None, block_size=None, method: str = "auto") -> Energy:
        """:math:`\\Phi` of the particles' empirical measure (streaming value and gradient)."""
        alpha = _check_alpha(alpha)

        def fn(x):
            return phi(x, alpha, weights, block_size=block_size, method=method)

        def vg(x):
            return phi_and_grad(x, alpha, weights=weights, block_size=block_size, method=method)

        config = {"energy": "phi", "alpha": alpha, "weights": _digest(weights), "method": method}
        return cls(fn, vg, manifold="sphere", name=f"phi(alpha={alpha:g})", alpha=alpha, config=config)

    @classmethod
    def surrogate_jq(cls, alpha, q, *, block_size=None) -> Energy:
        """:math:`J_q = \\Phi - q\\lVert m\\rVert^2`; gradient :math:`\\nabla\\Phi - 2 q m / N` per row."""
        alpha = _check_alpha(alpha)
        q = _check_q(q)

        def fn(x):
            return surrogate_jq(x, alpha, q, block_size=block_size)

        def vg(x):
            v, g = phi_and_grad(x, alpha, block_size=block_size)
            m = x.mean(dim=0)
            return v - q * (m * m).sum(), g - (2.0 * q / x.shape[0]) * m[None, :]

        config = {"energy": "surrogate_jq", "alpha": alpha, "q": q}
        return cls(
            fn, vg, manifold="sphere", name=f"J_q(alpha={alpha:g}, q={q:g})", alpha=alpha, config=config
        )

    @classmethod
    def free_energy(cls, alpha, q, beta, lam, *, block_size=None) -> Energy:
        """The regularised objective :func:`free_energy` of unnormalised particles (streaming Phi)."""
        alpha = _check_alpha(alpha)
        q = _check_q(q)
        beta = check_real(beta, "beta", low=0.0, low_open=True)
        lam = check_real(lam, "lam", low=0.0, low_open=True)

        def fn(z):
            return free_energy(z, alpha, q, beta, lam, block_size=block_size)

        def vg(z):
            z = _check_z(z)
            N = z.shape[0]
            nz = torch.linalg.vector_norm(z, dim=1, keepdim=True)
            u = z / nz
            m = u.mean(dim=0)
            val = beta * lam * (z * z).sum(dim=1).mean() - q * (m * m).sum()
            gu = (-2.0 * q / N) * m[None, :].expand_as(u)
            if alpha > 0:
                v, g = phi_and_grad(u, alpha, block_size=block_size)
                val = val + v
                gu = gu + g
            # chain rule through u = z/|z|: (I - u u^T) g / |z|
            gz = (gu - (gu * u).sum(dim=1, keepdim=True) * u) / nz + (2.0 * beta * lam / N) * z
            return val, gz

        return cls(
            fn,
            vg,
            manifold="euclidean",
            name=f"F(alpha={alpha:g}, q={q:g}, beta={beta:g}, lam={lam:g})",
            alpha=alpha,
            config={"energy": "free_energy", "alpha": alpha, "q": q, "beta": beta, "lam": lam},
        )


def _digest(weights) -> str | None:
    """A short SHA-256 of the weights' values (``None`` for equal weights), for :attr:`Energy.config`."""
    import hashlib

    if weights is None:
        return None
    w = torch.as_tensor(weights).detach().to("cpu", torch.float64).contiguous()
    return hashlib.sha256(w.numpy().tobytes()).hexdigest()[:16]
