"""The ring kernel, the harmonic ratios of exp(alpha u.v) and the quadrature of sigma's t-marginal (private).

Part of :mod:`theory.zonal`; the derivation of the ring formula is in the package docstring.
"""

from __future__ import annotations

import numpy as np
from scipy import special as sp

from theory._validation import as_real_array, check_int
from theory.special import _as_nonneg_array, _check_conc, _check_d, log_iv, log_iv_normalized

__all__ = ["harmonic_ratio", "log_g", "log_ring_kernel"]


def _log_g(d: int, b: np.ndarray) -> np.ndarray:
    """``log G_d(b)`` for validated ``d >= 2`` and ``b >= 0`` (no checks)."""
    if d == 2:
        # S^0 = {-1, +1}: E e^{b c} = cosh b, written without overflow
        return b + np.log1p(np.exp(-2.0 * b)) - np.log(2.0)
    return np.asarray(log_iv_normalized(0.5 * (d - 3), b), dtype=np.float64)


def log_g(d: int, b):
    """``log G_d(b)``, the log of the moment generating function of the cosine between two uniform
    points of :math:`S^{d-2}`.

    .. math::
        G_d(b) = \\mathbb E\\, e^{b\\,\\xi^\\top\\eta}
        = \\Gamma(\\nu+1)\\Big(\\frac{2}{b}\\Big)^{\\nu} I_\\nu(b), \\qquad \\nu = \\frac{d-3}{2},

    (:math:`\\Phi(\\sigma)` of :math:`S^{d-2}` at inverse temperature ``b``); ``G_3 = I_0`` (the circle)
    and ``G_2(b) = cosh b`` (:math:`S^0 = \\{\\pm1\\}`, the formula's :math:`\\nu = -1/2`).

    Parameters
    ----------
    d : int
        Ambient dimension of the sphere :math:`S^{d-1}`, ``d >= 2``.
    b : float or ndarray
        ``b >= 0``.

    Returns
    -------
    float or ndarray
        Same shape as ``b``.
    """
    d = _check_d(d)
    b = _as_nonneg_array(b, "b")
    out = _log_g(d, b)
    return float(out) if np.ndim(out) == 0 else out


def _log_kernel(d: int, alpha: float, t_s, sin_s, t_t, sin_t) -> np.ndarray:
    """``log K(s, t)`` from latitudes and their sines (outer product of the two vectors)."""
    t_s, sin_s, t_t, sin_t = (np.asarray(x, dtype=np.float64) for x in (t_s, sin_s, t_t, sin_t))
    return alpha * np.multiply.outer(t_s, t_t) + _log_g(d, alpha * np.multiply.outer(sin_s, sin_t))


def _sin_of(t: np.ndarray) -> np.ndarray:
    """``sqrt(1 - t^2)`` as ``sqrt((1 - t)(1 + t))`` (no cancellation near the poles)."""
    return np.sqrt(np.maximum((1.0 - t) * (1.0 + t), 0.0))


def log_ring_kernel(d: int, alpha, s, t):
    """Log of the ring formula: ``log E exp(alpha u.v)`` for ``u`` on the ring at latitude ``s`` and ``v``
    uniform on the ring at latitude ``t`` (about the same axis).

    .. math::
        \\log \\mathbb E\\, e^{\\alpha u^\\top v} = \\alpha s t
        + \\log G_d\\big(\\alpha\\sqrt{(1-s^2)(1-t^2)}\\big)

    (see :mod:`theory.zonal` for the derivation).

    Parameters
    ----------
    d : int
        ``d >= 2``.
    alpha : float
        ``0 <= alpha <= KAPPA_MAX``.
    s, t : float or ndarray
        Latitudes in ``[-1, 1]``, broadcast against each other.

    Returns
    -------
    float or ndarray
        The broadcast shape of ``s`` and ``t``.
    """
    d = _check_d(d)
    alpha = _check_conc(alpha, "alpha")
    s = as_real_array(s, "s", low=-1.0, high=1.0)
    t = as_real_array(t, "t", low=-1.0, high=1.0)
    s, t = np.broadcast_arrays(s, t)
    out = alpha * s * t + _log_g(d, alpha * _sin_of(s) * _sin_of(t))
    return float(out) if np.ndim(out) == 0 else out


def harmonic_ratio(d: int, alpha, degree: int):
    """``r_l = lambda_l / lambda_0``: the eigenvalues of the kernel ``exp(alpha u.v)`` on the spherical
    harmonics of degree ``l`` (Funk-Hecke), relative to the constant one.

    .. math::
        r_l = \\frac{I_{l + d/2 - 1}(\\alpha)}{I_{d/2-1}(\\alpha)} \\in (0, 1], \\qquad
        r_1 = A_d(\\alpha).

    Parameters
    ----------
    d : int
        ``d >= 2``.
    alpha : float or ndarray
        ``0 < alpha <= KAPPA_MAX``.
    degree : int
        ``l >= 0``.

    Returns
    -------
    float or ndarray
    """
    d = _check_d(d)
    degree = check_int(degree, "degree", low=0)
    a = _as_nonneg_array(alpha, "alpha")
    if np.any(a <= 0):
        raise ValueError(f"alpha must be > 0; got {alpha!r}")
    nu = 0.5 * d - 1.0
    out = np.exp(log_iv(nu + degree, a) - log_iv(nu, a))
    return float(out) if np.ndim(out) == 0 else out


def composite_nodes(d: int, edges: np.ndarray, per_cell: int) -> tuple[np.ndarray, np.ndarray]:
    """Gauss-Legendre nodes in ``theta`` on each cell ``[edges[k], edges[k+1]]`` of ``[0, pi]`` and the
    log of their weights times sigma's unnormalised density :math:`\\sin^{d-2}\\theta` (``(n_cells *
    per_cell,)`` each, cell by cell)."""
    x, w = np.polynomial.legendre.leggauss(per_cell)
    half = 0.5 * np.diff(edges)
    mid = 0.5 * (edges[1:] + edges[:-1])
    theta = (mid[:, None] + half[:, None] * x[None, :]).ravel()
    logw = (np.log(half)[:, None] + np.log(w)[None, :]).ravel() + (d - 2) * np.log(np.sin(theta))
    return theta, logw


def uniform_nodes(d: int, n_panels: int, per_panel: int) -> tuple[np.ndarray, np.ndarray]:
    """Nodes (colatitudes ``theta``) and log-weights of sigma's law of ``theta = arccos(u.w)``.

    Composite Gauss-Legendre in ``theta`` on ``n_panels`` equal panels of ``[0, pi]``; the weight
    :math:`\\sin^{d-2}\\theta` is smooth in ``theta`` (also at the poles, and for ``d = 2``), so the rule
    is spectrally accurate for smooth integrands. Log-weights are normalised (``logsumexp = 0``).
    """
    n_panels = check_int(n_panels, "n_panels", low=1)
    per_panel = check_int(per_panel, "per_panel", low=1)
    theta, logw = composite_nodes(d, np.linspace(0.0, np.pi, n_panels + 1), per_panel)
    return theta, logw - sp.logsumexp(logw)
