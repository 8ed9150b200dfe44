"""The exact law of a Binary-input coordinate :math:`z = w \\cdot x + b`, :math:`x \\sim \\mathrm{Bern}(p)^D`.

Two routes:

- :func:`binary_coordinate_law`: enumeration of :math:`\\{0, 1\\}^D` (``D <= 20``), the law as atoms and
  probabilities (exact up to the rounding of the sums);
- :func:`binary_lattice_law`: for any ``D``, the row is rounded to a lattice :math:`w_j \\approx h n_j`
  and the law of :math:`\\sum_j n_j x_j` is built by exact convolution of the two-point laws, on the window
  of sums reachable with at most :math:`k_{\\max}` active inputs, where
  :math:`P(K > k_{\\max}) \\le` ``tail`` for :math:`K \\sim \\mathrm{Bin}(D, p)`. A row on the lattice (e.g.
  :func:`~theory.encoders.floor_row` with ``step = 1``) has its law exactly (less a mass of at most
  ``tail`` dropped outside the window); any other row gets a rigorous two-sided bound on its CDF.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

from theory._io import ResultMixin
from theory._validation import as_int, as_real, as_rng, as_vector
from theory.encoders._cumulants import CoordinateCumulants, _as_p, _result, as_points

__all__ = ["DiscreteLaw", "LatticeLaw", "binary_coordinate_law", "binary_lattice_law"]

#: Largest D enumerated by :func:`binary_coordinate_law` (2^20 atoms).
MAX_ENUMERATION_D = 20


def _moments_result(values: np.ndarray, probs: np.ndarray) -> CoordinateCumulants:
    probs = probs / probs.sum()
    mean = float(probs @ values)
    c = values - mean
    m2, m3, m4 = (float(probs @ c**k) for k in (2, 3, 4))
    return _result("binary", mean, m2, m3, m4 - 3.0 * m2 * m2)


@dataclass(frozen=True, eq=False)
class DiscreteLaw(ResultMixin):
    """A law on finitely many atoms.

    Attributes
    ----------
    values : ndarray, shape (m,)
        The atoms, increasing and distinct.
    probs : ndarray, shape (m,)
        Their probabilities (summing to 1 up to rounding).
    """

    values: np.ndarray
    probs: np.ndarray

    def cdf(self, t) -> np.ndarray:
        """:math:`P(z \\le t)`, same shape as ``t``."""
        t = as_points(t, "t")
        cum = np.concatenate([[0.0], np.cumsum(self.probs)])
        return np.minimum(cum[np.searchsorted(self.values, t, side="right")], 1.0)

    def cumulants(self) -> CoordinateCumulants:
        """The first four cumulants, from the central moments of the atoms."""
        return _moments_result(self.values, self.probs)

    def sample(self, n_samples: int, seed=None) -> np.ndarray:
        """``n_samples`` independent draws, shape (n_samples,)."""
        n_samples = as_int(n_samples, "n_samples", low=1)
        rng = as_rng(seed)
        cum = np.cumsum(self.probs)
        idx = np.searchsorted(cum, rng.random(n_samples) * cum[-1], side="right")
        return self.values[np.minimum(idx, self.values.size - 1)]


def binary_coordinate_law(w, p, bias=0.0) -> DiscreteLaw:
    """The law of :math:`z = w \\cdot x + b`, :math:`x \\sim \\mathrm{Bern}(p)^D`, by enumeration.

    .. math::
        P(z = t) = \\sum_{x \\in \\{0,1\\}^D:\\ w \\cdot x + b = t} p^{|x|} (1 - p)^{D - |x|}.

    Atoms whose floating sums coincide exactly are merged.

    Parameters
    ----------
    w : array_like, shape (D,)
        Weight row, ``D <= 20``.
    p : float in (0, 1)
    bias : float

    Returns
    -------
    DiscreteLaw
    """
    w = as_vector(w, "w")
    if w.size > MAX_ENUMERATION_D:
        raise ValueError(
            f"w must have at most {MAX_ENUMERATION_D} entries for enumeration; got D = {w.size} "
            "(use binary_lattice_law for larger D)"
        )
    p = _as_p(p)
    b = as_real(bias, "bias")
    values = np.array([b])
    probs = np.array([1.0])
    for wj in w:
        values = np.concatenate([values, values + wj])
        probs = np.concatenate([probs * (1.0 - p), probs * p])
    uniq, inv = np.unique(values, return_inverse=True)
    return DiscreteLaw(values=uniq, probs=np.bincount(inv, weights=probs, minlength=uniq.size))


@dataclass(frozen=True, eq=False)
class LatticeLaw(ResultMixin):
    """The law of :math:`b + h \\sum_j n_j x_j` on a window of the lattice :math:`b + h\\mathbb{Z}`.

    Attributes
    ----------
    origin : float
        The value of the window's first point.
    step : float
        Lattice step :math:`h`.
    pmf : ndarray, shape (M,)
        Probabilities of the window's points; they sum to ``1 - deficit``.
    deficit : float
        Mass dropped outside the window (at most ``tail``): only sums of more than ``k_max`` inputs can
        leave it.
    k_max : int
        Number of active inputs the window covers.
    tail : float
        :math:`P(K > k_{\\max})`, :math:`K \\sim \\mathrm{Bin}(D, p)`.
    shift : float
        :math:`k_{\\max} \\max_j |w_j - h n_j|`: on :math:`\\{K \\le k_{\\max}\\}` the original row's
        coordinate differs from the lattice row's by at most this (0 when the row is on the lattice).
    row : ndarray, shape (D,)
        The lattice row :math:`h n_j`, whose law ``pmf`` is.
    """

    origin: float
    step: float
    pmf: np.ndarray
    deficit: float
    k_max: int
    tail: float
    shift: float
    row: np.ndarray

    @property
    def values(self) -> np.ndarray:
        """The window's points, shape (M,)."""
        return self.origin + self.step * np.arange(self.pmf.size)

    def cdf(self, t) -> np.ndarray:
        """:math:`\\sum_{\\text{points} \\le t}` ``pmf``: the lattice row's CDF, less at most ``deficit``."""
        t = as_points(t, "t")
        cum = np.concatenate([[0.0], np.cumsum(self.pmf)])
        idx = np.floor((t - self.origin) / self.step).astype(np.int64) + 1
        return np.minimum(cum[np.clip(idx, 0, self.pmf.size)], 1.0)

    def cdf_bounds(self, t) -> tuple[np.ndarray, np.ndarray]:
        """Rigorous bounds on the original row's CDF :math:`F(t) = P(w \\cdot x + b \\le t)`.

        With :math:`\\tilde F` the window's CDF (:meth:`cdf`), :math:`s` = ``shift``,
        :math:`\\varepsilon` = ``tail``, :math:`\\delta` = ``deficit``:

        .. math::
            \\tilde F(t - s) - \\varepsilon \\le F(t) \\le \\tilde F(t + s) + \\delta + \\varepsilon

        (on :math:`\\{K \\le k_{\\max}\\}` the two coordinates differ by at most :math:`s`; the window
        holds the lattice law less :math:`\\delta`). For a row on the lattice (:math:`s = 0`) the bounds
        are :math:`\\tilde F(t) \\le F(t) \\le \\tilde F(t) + \\delta`. Points within rounding of an atom
        fall on either side of it.

        Returns
        -------
        lower, upper : ndarray
            Same shape as ``t``.
        """
        t = as_points(t, "t")
        if self.shift == 0.0:
            lo = self.cdf(t)
            return lo, np.minimum(lo + self.deficit, 1.0)
        lo = np.maximum(self.cdf(t - self.shift) - self.tail, 0.0)
        hi = np.minimum(self.cdf(t + self.shift) + self.deficit + self.tail, 1.0)
        return lo, hi

    def cumulants(self) -> CoordinateCumulants:
        """Cumulants of the lattice row's law (the window renormalised: off by at most ``deficit`` in TV)."""
        keep = self.pmf > 0
        return _moments_result(self.values[keep], self.pmf[keep])

    def sample(self, n_samples: int, seed=None) -> np.ndarray:
        """``n_samples`` independent draws from the lattice row's law (the window renormalised)."""
        n_samples = as_int(n_samples, "n_samples", low=1)
        rng = as_rng(seed)
        cum = np.cumsum(self.pmf)
        idx = np.searchsorted(cum, rng.random(n_samples) * cum[-1], side="right")
        return self.origin + self.step * np.minimum(idx, self.pmf.size - 1)


def _k_max(D: int, p: float, tail: float) -> tuple[int, float]:
    """Smallest k with P(Bin(D, p) > k) <= tail, and that probability."""
    k = np.arange(D + 1)
    sf = stats.binom.sf(k, D, p)
    i = int(np.argmax(sf <= tail))
    return i, float(sf[i])


def binary_lattice_law(w, p, bias=0.0, *, step=None, tail=1e-12, max_points: int = 2**22) -> LatticeLaw:
    """The law of a Binary-input coordinate on a lattice, by exact convolution (any D).

    With :math:`n_j = \\operatorname{round}(w_j / h)`, the law of :math:`S = \\sum_j n_j x_j` is built one
    input at a time,

    .. math::
        P_{j}(s) = (1 - p)\\, P_{j-1}(s) + p\\, P_{j-1}(s - n_j),

    on the window :math:`[L, U]`, :math:`L` (:math:`U`) the sum of the :math:`k_{\\max}` most negative
    (positive) :math:`n_j`, which holds every sum of at most :math:`k_{\\max}` inputs. Work
    :math:`O(D (U - L))`.

    Parameters
    ----------
    w : array_like, shape (D,)
        Weight row, not all zero.
    p : float in (0, 1)
    bias : float
    step : float > 0, optional
        Lattice step :math:`h`; default :math:`10^{-3} \\sqrt{pq \\sum w^2}` (a thousandth of the
        coordinate's standard deviation). Pass the row's own spacing (``1`` for
        :func:`~theory.encoders.floor_row`) to get its law exactly.
    tail : float in (0, 0.5)
        Mass allowed beyond :math:`k_{\\max}` active inputs.
    max_points : int
        Largest window accepted (a ``ValueError`` suggests a coarser step).

    Returns
    -------
    LatticeLaw
    """
    w = as_vector(w, "w")
    p = _as_p(p)
    b = as_real(bias, "bias")
    tail = as_real(tail, "tail", low=0.0, high=0.5, low_open=True, high_open=True)
    max_points = as_int(max_points, "max_points", low=2)
    sd = float(np.sqrt(p * (1.0 - p) * (w**2).sum()))
    if not sd > 0:
        raise ValueError("w must have a non-zero entry (the coordinate would be constant)")
    h = 1e-3 * sd if step is None else as_real(step, "step", low=0.0, low_open=True)
    n = np.rint(w / h).astype(np.int64)
    k_max, tail_mass = _k_max(w.size, p, tail)
    srt = np.sort(n)
    L = int(srt[srt < 0][:k_max].sum())
    U = int(srt[srt > 0][::-1][:k_max].sum())
    M = U - L + 1
    if M > max_points:
        raise ValueError(
            f"step = {h:.3g} needs a window of {M} lattice points (more than max_points = {max_points}); "
            "pass a coarser step or a larger max_points"
        )
    pmf = np.zeros(M)
    pmf[-L] = 1.0
    q = 1.0 - p
    tmp = np.empty(M)  # in place: fresh arrays of this size per input cost ten times more (page faults)
    for nj in n:
        # |n_j| < M always: the window holds every single input (k_max >= 1)
        if nj >= 0:
            np.multiply(pmf[: M - nj], p, out=tmp[: M - nj])
            pmf *= q
            pmf[nj:] += tmp[: M - nj]
        else:
            np.multiply(pmf[-nj:], p, out=tmp[: M + nj])
            pmf *= q
            pmf[:nj] += tmp[: M + nj]
    shift = float(k_max * np.abs(w - h * n).max())
    return LatticeLaw(
        origin=b + h * L,
        step=h,
        pmf=pmf,
        deficit=max(0.0, 1.0 - float(pmf.sum())),
        k_max=k_max,
        tail=tail_mass,
        shift=shift,
        row=h * n,
    )
