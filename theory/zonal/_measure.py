"""ZonalMeasure: the law of the latitude t = u.w (rings or a density) and its exact Phi, m, KL, J_q (private).

Part of :mod:`theory.zonal` (the derivations are in the package docstring).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy import special as sp

from theory._io import ResultMixin
from theory._validation import as_real_array, as_vector, check_int, check_real, make_rng
from theory.special import KAPPA_MAX, _check_conc, _check_d
from theory.vmf import sample_vmf
from theory.zonal._kernel import _log_kernel, _sin_of, composite_nodes, uniform_nodes

__all__ = ["ZonalMeasure"]

_ROW_BLOCK = 512
_KINDS = ("rings", "density")


def _check_masses(p, n: int, name: str = "p") -> np.ndarray:
    w = as_vector(p, name)
    if w.shape[0] != n:
        raise ValueError(f"{name} must have shape ({n},) to match the latitudes; got {w.shape}")
    if np.any(w < 0) or w.sum() <= 0:
        raise ValueError(f"{name} must be non-negative with a positive sum; got min {w.min()}, sum {w.sum()}")
    return w / w.sum()


@dataclass(frozen=True, eq=False)
class ZonalMeasure(ResultMixin):
    """A probability measure on :math:`S^{d-1}` symmetric about an axis ``w``, given by the law of the
    latitude ``t = u.w``: a mixture of rings (uniform laws on :math:`\\{u: u^\\top w = t_i\\}`) with masses
    ``p_i``, or a density ``f`` with respect to sigma's law of ``t`` held at quadrature nodes.

    .. math::
        \\mu = \\sum_i p_i\\, \\mathrm{ring}(t_i), \\qquad
        \\Phi(\\mu) = \\sum_i p_i \\log \\sum_j p_j K_d(t_i, t_j), \\qquad
        K_d(s, t) = e^{\\alpha s t} G_d\\big(\\alpha\\sqrt{(1-s^2)(1-t^2)}\\big).

    For a ring mixture every quantity is exact (a finite sum of Bessel terms); for a density the rings
    sit at Gauss-Legendre nodes in ``theta = arccos t`` with masses ``p_i = W_i f(t_i)`` (``W`` sigma's
    quadrature weights), so Phi, ``m`` and KL are quadrature-exact (spectral accuracy for smooth ``f``).
    Build one with :meth:`rings`, :meth:`uniform`, :meth:`vmf`, :meth:`from_density` or
    :meth:`histogram`.

    Attributes
    ----------
    d : int
        Dimension of the ambient space (the sphere is :math:`S^{d-1}`), ``d >= 2``.
    t : ndarray, shape (n,)
        Latitudes of the rings (or quadrature nodes), in ``[-1, 1]``.
    p : ndarray, shape (n,)
        Their masses (positive, summing to 1).
    kind : str
        ``"rings"`` (KL to sigma is infinite) or ``"density"``.
    log_f : ndarray, shape (n,) or None
        For a density: the log of its density with respect to sigma's law of ``t`` at the nodes
        (normalised so that the quadrature masses sum to 1); ``None`` for rings.
    kappa : float or None
        The concentration when the measure is a von Mises-Fisher law (:meth:`vmf`).
    cell_edges : ndarray, shape (k + 1,) or None
        For a histogram density (:meth:`histogram`): the cell edges in ``t``, increasing from -1 to 1.
    cell_mass : ndarray, shape (k,) or None
        For a histogram density: the mass of each cell.
    """

    d: int
    t: np.ndarray
    p: np.ndarray
    kind: str = "rings"
    log_f: np.ndarray | None = None
    kappa: float | None = None
    cell_edges: np.ndarray | None = None
    cell_mass: np.ndarray | None = None

    # ------------------------------------------------------------------ constructors

    @classmethod
    def rings(cls, d: int, t, p=None) -> ZonalMeasure:
        """A mixture of rings at latitudes ``t`` with masses ``p`` (default equal; normalised).

        Parameters
        ----------
        d : int
            ``d >= 2`` (for ``d = 2`` a "ring" is the pair of points at angle ``arccos t`` from ``w``).
        t : array_like, shape (n,)
            Latitudes in ``[-1, 1]``.
        p : array_like, shape (n,), optional
            Non-negative masses with a positive sum.
        """
        d = _check_d(d)
        t = as_real_array(np.atleast_1d(t), "t", low=-1.0, high=1.0).ravel()
        if t.size == 0:
            raise ValueError("t must hold at least one latitude; got an empty array")
        p = np.full(t.size, 1.0 / t.size) if p is None else _check_masses(np.atleast_1d(p), t.size)
        keep = p > 0
        return cls(d=d, t=t[keep].copy(), p=p[keep].copy(), kind="rings")

    @classmethod
    def _from_nodes(cls, d: int, theta: np.ndarray, logw: np.ndarray, log_f: np.ndarray, **extra):
        log_p = logw + log_f
        log_z = sp.logsumexp(log_p)
        log_p = log_p - log_z
        keep = np.isfinite(log_p) & (log_p > -745.0)
        return cls(
            d=d,
            t=np.cos(theta[keep]),
            p=np.exp(log_p[keep]) / np.exp(log_p[keep]).sum(),
            kind="density",
            log_f=(log_f - log_z)[keep],
            **extra,
        )

    @classmethod
    def from_density(
        cls, d: int, log_f: Callable[[np.ndarray], np.ndarray], n_panels: int = 64, per_panel: int = 8
    ) -> ZonalMeasure:
        """A density ``f`` with respect to sigma's law of ``t`` (given by its log, up to a constant).

        .. math::
            \\rho(dt) \\propto f(t)\\,(1 - t^2)^{(d-3)/2}\\,dt.

        Parameters
        ----------
        d : int
            ``d >= 2``.
        log_f : callable
            ``log_f(t)`` for an array ``t`` of latitudes: finite values of the same shape (unnormalised).
        n_panels, per_panel : int
            Composite Gauss-Legendre rule in ``theta = arccos t`` (``n_panels * per_panel`` rings).
        """
        d = _check_d(d)
        if not callable(log_f):
            raise TypeError(f"log_f must be a callable of an array of latitudes; got {log_f!r}")
        theta, logw = uniform_nodes(d, n_panels, per_panel)
        vals = np.asarray(log_f(np.cos(theta)), dtype=np.float64)
        if vals.shape != theta.shape or not np.all(np.isfinite(vals)):
            raise ValueError(
                f"log_f must return finite values of shape {theta.shape}; got shape {vals.shape}"
            )
        return cls._from_nodes(d, theta, logw, vals)

    @classmethod
    def uniform(cls, d: int, n_panels: int = 32, per_panel: int = 8) -> ZonalMeasure:
        """sigma itself (``f = 1``), as a quadrature of its law of ``t``."""
        d = _check_d(d)
        theta, logw = uniform_nodes(d, n_panels, per_panel)
        return cls._from_nodes(d, theta, logw, np.zeros_like(theta))

    @classmethod
    def vmf(cls, d: int, kappa: float, n_panels: int = 64, per_panel: int = 8) -> ZonalMeasure:
        """The von Mises-Fisher law of concentration ``kappa`` about ``w``: ``f(t) ∝ e^{kappa t}``.

        The default rule (512 rings) reproduces Phi and KL of :mod:`theory.vmf` to ``1e-12`` for
        ``kappa`` up to a few hundred (the density's width in ``theta`` is about ``kappa^{-1/2}``).
        """
        d = _check_d(d)
        kappa = _check_conc(kappa, "kappa")
        m = cls.from_density(d, lambda t: kappa * t, n_panels, per_panel)
        return cls(d=m.d, t=m.t, p=m.p, kind="density", log_f=m.log_f, kappa=kappa)

    @classmethod
    def histogram(cls, d: int, edges, masses, per_cell: int = 8) -> ZonalMeasure:
        """A density constant on each cell ``[edges[k], edges[k+1]]`` of ``t``, with cell masses ``masses``.

        .. math::
            f(t) = \\frac{P_k}{\\sigma(\\{t \\in \\text{cell } k\\})} \\quad\\text{on cell } k,
            \\qquad \\mathrm{KL}(\\mu\\Vert\\sigma) = \\sum_k P_k \\log\\frac{P_k}{\\sigma_k}.

        Parameters
        ----------
        d : int
        edges : array_like, shape (k + 1,)
            Strictly increasing, from -1 to 1.
        masses : array_like, shape (k,)
            Non-negative cell masses with a positive sum (normalised).
        per_cell : int
            Gauss-Legendre nodes in ``theta`` per cell.
        """
        d = _check_d(d)
        e = as_vector(edges, "edges", min_len=2)
        if e[0] != -1.0 or e[-1] != 1.0 or np.any(np.diff(e) <= 0):
            raise ValueError(f"edges must increase strictly from -1 to 1; got {e!r}")
        P = _check_masses(masses, e.size - 1, "masses")
        per_cell = check_int(per_cell, "per_cell", low=1)
        theta_edges = np.arccos(e[::-1])  # increasing theta; cell k of theta is cell (K-1-k) of t
        theta, logw = composite_nodes(d, theta_edges, per_cell)
        logw = logw - sp.logsumexp(logw)
        cell = np.repeat(np.arange(e.size - 1)[::-1], per_cell)
        log_s = np.array([sp.logsumexp(logw[cell == k]) for k in range(e.size - 1)])
        with np.errstate(divide="ignore"):
            log_f = np.log(P)[cell] - log_s[cell]
        m = cls._from_nodes(d, theta, logw, np.where(np.isfinite(log_f), log_f, -np.inf))
        return cls(d=m.d, t=m.t, p=m.p, kind="density", log_f=m.log_f, cell_edges=e.copy(), cell_mass=P)

    # ------------------------------------------------------------------ exact functionals

    def _log_kp(self, alpha: float, t_eval: np.ndarray) -> np.ndarray:
        """``log sum_j p_j K(t_eval, t_j)`` in blocks (log space)."""
        log_p = np.log(self.p)
        sin_j = _sin_of(self.t)
        out = np.empty(t_eval.shape[0])
        for s in range(0, t_eval.shape[0], _ROW_BLOCK):
            te = t_eval[s : s + _ROW_BLOCK]
            lk = _log_kernel(self.d, alpha, te, _sin_of(te), self.t, sin_j)
            out[s : s + _ROW_BLOCK] = sp.logsumexp(lk + log_p[None, :], axis=1)
        return out

    def phi(self, alpha: float) -> float:
        """Phi of the measure (exact for rings, quadrature-exact for a density).

        .. math::
            \\Phi(\\mu) = \\mathbb E_{u\\sim\\mu}\\log\\mathbb E_{v\\sim\\mu} e^{\\alpha u^\\top v}
            = \\sum_i p_i \\log \\sum_j p_j K_d(t_i, t_j).

        Parameters
        ----------
        alpha : float
            ``0 <= alpha <= KAPPA_MAX``.
        """
        alpha = _check_conc(alpha, "alpha")
        return float(self.p @ self._log_kp(alpha, self.t))

    def mean_norm(self) -> float:
        """``||m(mu)|| = |E t|`` (the mean is :math:`m = (\\mathbb E\\, t)\\, w`)."""
        return float(abs(self.p @ self.t))

    def kl_uniform(self) -> float:
        """``KL(mu || sigma) = KL(law of t || sigma's law of t)``: ``sum_i p_i log f(t_i)`` for a density,
        ``inf`` for rings (a ring mixture is singular with respect to sigma)."""
        if self.log_f is None:
            return math.inf
        return float(max(self.p @ self.log_f, 0.0))

    def surrogate_jq(self, alpha: float, q: float) -> float:
        """App. D's surrogate :math:`J_q(\\mu) = \\Phi(\\mu) - q\\lVert m(\\mu)\\rVert^2`.

        Parameters
        ----------
        alpha : float
            ``0 <= alpha <= KAPPA_MAX``.
        q : float
            ``q = alpha (1 - eta2) >= 0``.
        """
        q = check_real(q, "q", low=0.0)
        return self.phi(alpha) - q * self.mean_norm() ** 2

    def first_variation(self, alpha: float, t) -> np.ndarray:
        """The first variation of Phi at ``mu``, at latitudes ``t`` (the derivative of Phi along the
        addition of mass on the ring at ``t``).

        .. math::
            V(t) = \\log (K\\mu)(t) + \\int \\frac{K(s, t)}{(K\\mu)(s)}\\,\\mu(ds).

        ``mu`` is stationary for ``Phi - q ||m||^2`` over zonal laws iff ``V(t) - 2 q m t`` is constant on
        its support and not below that constant anywhere.

        Parameters
        ----------
        alpha : float
        t : array_like, shape (k,)
            Latitudes in ``[-1, 1]``.

        Returns
        -------
        ndarray, shape (k,)
        """
        alpha = _check_conc(alpha, "alpha")
        te = as_real_array(np.atleast_1d(t), "t", low=-1.0, high=1.0).ravel()
        log_kp_nodes = self._log_kp(alpha, self.t)
        first = self._log_kp(alpha, te)
        lk = _log_kernel(self.d, alpha, self.t, _sin_of(self.t), te, _sin_of(te))
        second = np.exp(sp.logsumexp(lk + (np.log(self.p) - log_kp_nodes)[:, None], axis=0))
        return first + second

    # ------------------------------------------------------------------ sampling

    def sample(self, n_samples: int, seed=None, axis=None) -> np.ndarray:
        """Points drawn from the measure (rings, histogram densities and vMF laws; exact).

        .. math::
            u = t\\, w + \\sqrt{1-t^2}\\,\\xi, \\qquad t \\sim \\rho, \\;
            \\xi \\text{ uniform on the unit sphere of } w^\\perp.

        A density given by :meth:`from_density` has no exact sampler here (its quadrature rings are an
        approximation of it): a ``ValueError`` says so.

        Parameters
        ----------
        n_samples : int
        seed : None, int or Generator
        axis : array_like, shape (d,), optional
            The axis ``w`` (unit vector; default ``e_1``).

        Returns
        -------
        ndarray, shape (n_samples, d)
        """
        n_samples = check_int(n_samples, "n_samples", low=1)
        rng = make_rng(seed)
        w = np.zeros(self.d)
        w[0] = 1.0
        if axis is not None:
            w = as_vector(axis, "axis")
            if w.shape[0] != self.d or abs(np.linalg.norm(w) - 1.0) > 1e-8:
                raise ValueError(f"axis must be a unit vector of length d = {self.d}; got {axis!r}")
        if self.kappa is not None:
            return sample_vmf(n_samples, w, min(self.kappa, KAPPA_MAX), seed=rng)
        if self.kind == "rings":
            t = self.t[rng.choice(self.t.size, size=n_samples, p=self.p)]
        elif self.cell_edges is not None:
            t = self._sample_histogram(n_samples, rng)
        else:
            raise ValueError(
                "sample needs a ring mixture, a histogram density or a vMF law; this density (from_density) "
                "is known only at its quadrature nodes"
            )
        xi = rng.standard_normal((n_samples, self.d))
        xi -= np.outer(xi @ w, w)
        xi /= np.maximum(np.linalg.norm(xi, axis=1, keepdims=True), 1e-300)
        return t[:, None] * w[None, :] + _sin_of(t)[:, None] * xi

    def _sample_histogram(self, n_samples: int, rng: np.random.Generator) -> np.ndarray:
        """``t`` by cell, then ``theta`` in the cell by rejection from :math:`\\sin^{d-2}\\theta`."""
        e = self.cell_edges
        cell = rng.choice(e.size - 1, size=n_samples, p=self.cell_mass)
        hi_th, lo_th = np.arccos(e[cell]), np.arccos(e[cell + 1])  # theta range of each cell
        smax = np.sin(np.clip(np.pi / 2, lo_th, hi_th))
        out = np.empty(n_samples)
        todo = np.arange(n_samples)
        while todo.size:
            th = rng.uniform(lo_th[todo], hi_th[todo])
            ok = rng.uniform(size=todo.size) <= (np.sin(th) / smax[todo]) ** (self.d - 2)
            out[todo[ok]] = np.cos(th[ok])
            todo = todo[~ok]
        return out
