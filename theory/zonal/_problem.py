"""Fast evaluators of Phi, ||m|| and KL on a fixed latitude grid, and their optimisers (private).

Part of :mod:`theory.zonal`. :class:`RingGrid` holds the kernel matrix of a grid of latitudes once;
its masses ``p`` are parametrised by logits ``z`` (``p = softmax(z)``), with the mean fixed by an
exponential tilt where a profile at fixed ``||m||`` is wanted (the KL projection onto
``{E t = r}`` is a tilt, so the parametrisation covers every law of the grid with that mean).
"""

from __future__ import annotations

import numpy as np
from scipy import optimize

from theory.uniformity import phi_uniform
from theory.zonal._kernel import _log_kernel, uniform_nodes

_LAM_MAX = 1e8
_EXCHANGE_RTOL = 1e-6
_LBFGS = {"maxiter": 4000, "ftol": 1e-15, "gtol": 1e-11, "maxcor": 30}


def softmax(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - z.max())
    return e / e.sum()


class RingGrid:
    """Phi and its gradient over ring mixtures on a fixed grid of latitudes (the quadrature nodes of sigma).

    The grid is sigma's composite Gauss-Legendre rule in ``theta``, so the law ``p = W`` is sigma to
    quadrature accuracy and every ring mixture on the grid is an exact zonal measure.

    ``alpha <= 300`` is assumed: a row of ``log K`` spans up to ``2 alpha``, so ``exp(log K - row max)``
    stays above ``exp(-600)`` (no entry underflows to 0). The public grid searches check it on entry
    (``_check_grid_args`` in :mod:`theory.zonal._search`).
    """

    def __init__(self, d: int, alpha: float, n_panels: int, per_panel: int):
        self.d, self.alpha = d, alpha
        theta, self.logw = uniform_nodes(d, n_panels, per_panel)
        self.t, self.sin = np.cos(theta), np.sin(theta)
        lk = _log_kernel(d, alpha, self.t, self.sin, self.t, self.sin)
        self.c = lk.max(axis=1)
        self.E = np.exp(lk - self.c[:, None])
        self.ET = np.ascontiguousarray(self.E.T)
        self.phi_sigma = float(phi_uniform(d, alpha))

    @property
    def n(self) -> int:
        return self.t.size

    def phi_grad(self, p: np.ndarray) -> tuple[float, np.ndarray]:
        """``Phi(p)`` and ``dPhi/dp_k = log(Kp)_k + (K^T (p / Kp))_k`` (the first variation at the nodes)."""
        ep = self.E @ p
        log_kp = self.c + np.log(ep)
        return float(p @ log_kp), log_kp + self.ET @ (p / ep)

    # ------------------------------------------------------------------ objectives of the masses p

    def ratio_p(self, p: np.ndarray) -> tuple[float, np.ndarray]:
        """``(Phi(p) - Phi(sigma)) / m^2`` and its gradient in ``p``."""
        phi, g = self.phi_grad(p)
        m = p @ self.t
        m2 = max(m * m, 1e-300)
        val = (phi - self.phi_sigma) / m2
        return val, (g - 2.0 * val * m * self.t) / m2

    def jq_p(self, q: float):
        """``p -> (Phi(p) - q m^2, gradient)``."""

        def f(p):
            phi, g = self.phi_grad(p)
            m = p @ self.t
            return phi - q * m * m, g - 2.0 * q * m * self.t

        return f

    # ------------------------------------------------------------------ logits and the constraint

    def tilt(self, z: np.ndarray, r: float, lam: float) -> tuple[np.ndarray, float]:
        """``p = softmax(z + lam t)`` with ``lam`` solved so that ``E_p t = r`` (safeguarded Newton)."""
        t = self.t
        lo, hi = -np.inf, np.inf
        for _ in range(200):
            p = softmax(z + lam * t)
            m = p @ t
            v = p @ (t * t) - m * m
            if abs(m - r) <= 1e-14:
                break
            if m < r:
                lo = lam
            else:
                hi = lam
            new = lam + (r - m) / v if v > 1e-300 else np.nan
            bracketed = np.isfinite(lo) and np.isfinite(hi)
            # a Newton step longer than the expanding step, before a bracket exists, comes from a tiny
            # variance (the masses on one node), not from an unreachable mean: expand instead
            far = not bracketed and abs(new - lam) > max(1.0, 2.0 * abs(lam))
            if not (lo < new < hi) or far:
                if bracketed:
                    new = 0.5 * (lo + hi)
                else:
                    step = max(1.0, 2.0 * abs(lam))
                    new = lam + step if m < r else lam - step
            if np.isfinite(lo) and np.isfinite(hi) and hi - lo <= 1e-15 * max(1.0, abs(lam)):
                break
            if abs(new) > _LAM_MAX:  # the mean r is out of reach of this z: stay at the bracket's end
                break
            lam = new
        return p, lam

    def masses(self, z: np.ndarray, r: float | None, state: dict) -> np.ndarray:
        if r is None:
            return softmax(z)
        p, state["lam"] = self.tilt(z, r, state.get("lam", 0.0))
        return p

    def reduced(self, dp: np.ndarray, p: np.ndarray, r: float | None) -> np.ndarray:
        """The gradient in ``p`` less its component along the constraint (``E t = r``) when there is one."""
        if r is None:
            return dp
        m = p @ self.t
        var = max(p @ (self.t * self.t) - m * m, 1e-300)
        beta = (p @ (dp * self.t) - (p @ dp) * m) / var
        return dp - beta * self.t

    def minimize(self, fun_p, z0: np.ndarray, r: float | None = None, rounds: int = 6, maxiter=None):
        """Minimise ``fun_p`` (value and gradient in ``p``) over the masses, ``E t = r`` if ``r`` is given.

        L-BFGS on the logits ``z``, then exchange steps: where the reduced gradient is below its
        ``p``-mean by more than ``1e-6`` (relative) somewhere, mass added there lowers the objective to
        first order (the logits' gradient cannot see it when the mass is ~0): ``1e-3`` of the mass moves
        there and L-BFGS runs again. ``rounds`` caps the L-BFGS runs and ``maxiter`` the iterations of
        each (default ``4000``); after the last round an exchange step found is still taken.
        Returns ``(value, p, z)``.
        """
        state: dict = {}

        def f(z):
            p = self.masses(z, r, state)
            val, dp = fun_p(p)
            h = self.reduced(dp, p, r)
            return val, p * (h - p @ h)

        z = z0
        for _ in range(rounds):
            z = lbfgs(f, z, maxiter)
            p = self.masses(z, r, state)
            _, dp = fun_p(p)
            h = self.reduced(dp, p, r)
            k = int(np.argmin(h))
            if h[k] >= p @ h - _EXCHANGE_RTOL * max(1.0, abs(p @ h)):
                break
            p = 0.999 * p
            p[k] += 1e-3
            z = np.log(np.maximum(p, 1e-300))
            if r is not None:
                state["lam"] = 0.0
        p = self.masses(z, r, state)
        return fun_p(p)[0], p, z


def lbfgs(fun, z0: np.ndarray, maxiter: int | None = None) -> np.ndarray:
    """Minimise ``fun`` (value and gradient) from ``z0`` with L-BFGS; the final logits."""
    opts = dict(_LBFGS)
    if maxiter is not None:
        opts["maxiter"] = maxiter
    res = optimize.minimize(fun, z0, jac=True, method="L-BFGS-B", options=opts)
    return res.x
