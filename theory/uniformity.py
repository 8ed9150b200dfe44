"""The uniformity potential Phi, the InfoNCE functional and the von Mises-Fisher laboratory.

Paper reference (``shared/paper.md``): the population objective (Sec. 2, Wang & Isola 2020 Thm 1)

.. math::
    \\mathcal L(\\mu, \\pi) = -\\alpha\\, \\mathbb E_\\pi[u^\\top v] + \\Phi(\\mu), \\qquad
    \\Phi(\\mu) = \\mathbb E_{u\\sim\\mu} \\log \\mathbb E_{v\\sim\\mu} e^{\\alpha u^\\top v},

Lemma 2 (T1: :math:`\\Phi(\\mu) \\ge \\Phi(\\sigma)`), Corollary 1 (C1, the plateau route), and the
empirical loss of Eq. 2 (one direction, the positive inside the denominator).

Exact laboratory: the vMF law :math:`f(u) = C_d(\\kappa) e^{\\kappa w^\\top u}` (density w.r.t. surface
measure, see :mod:`theory.special`). Two identities make everything one-dimensional:

.. math::
    \\mathbb E_{v\\sim \\mathrm{vMF}(w,\\kappa)} e^{\\alpha u^\\top v}
    = \\frac{C_d(\\kappa)}{C_d(\\lVert \\kappa w + \\alpha u \\rVert)}
    = \\exp\\big(\\psi_d(\\lVert\\kappa w + \\alpha u\\rVert) - \\psi_d(\\kappa)\\big),
    \\qquad \\psi_d(x) := \\Phi(\\sigma)\\big|_{\\alpha = x} = \\log\\big[\\Gamma(d/2)(2/x)^{d/2-1}
    I_{d/2-1}(x)\\big],

and :math:`\\mathrm{KL}(\\mathrm{vMF}_\\kappa\\Vert\\sigma) = \\kappa A_d(\\kappa) - \\psi_d(\\kappa)`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy import optimize
from scipy import special as sp

from theory._validation import as_matrix, as_vector, check_int, check_real, make_rng
from theory.special import log_iv_normalized
from theory.sphere import sample_uniform

__all__ = [
    "DiscreteSearch",
    "InfoNCEConvergence",
    "PhiEstimate",
    "infonce_bias_first_order",
    "infonce_convergence",
    "infonce_loss",
    "kl_vmf_uniform",
    "log_inner_vmf_mixture",
    "mean_resultant_length",
    "minimise_phi_discrete",
    "phi",
    "phi_estimate",
    "phi_uniform",
    "phi_uniform_sympy_d3",
    "phi_vmf",
    "phi_vmf_mixture",
    "population_loss",
    "population_loss_vmf_coupling",
    "sample_vmf",
]

_BLOCK = 1024


def _check_alpha(alpha, name: str = "alpha") -> float:
    return check_real(alpha, name, low=0.0)


def _check_kappa_array(kappa, name: str = "kappa") -> np.ndarray:
    if isinstance(kappa, np.ndarray) and kappa.ndim == 0:
        kappa = kappa.item()
    if np.ndim(kappa) == 0:
        return np.asarray(check_real(kappa, name, low=0.0), dtype=np.float64)
    arr = np.asarray(kappa, dtype=np.float64)
    if not np.all(np.isfinite(arr)) or np.any(arr < 0):
        raise ValueError(f"{name} must hold finite values >= 0")
    return arr


# --------------------------------------------------------------------------------------------------
# Phi of discrete measures and of samples
# --------------------------------------------------------------------------------------------------


def _unit_rows(x, name: str) -> np.ndarray:
    x = as_matrix(x, name)
    norms = np.linalg.norm(x, axis=1)
    if not np.allclose(norms, 1.0, atol=1e-6):
        worst = int(np.argmax(np.abs(norms - 1.0)))
        raise ValueError(
            f"{name} must have rows on the unit sphere (norm 1); row {worst} has norm {norms[worst]:.6g}"
        )
    return x / norms[:, None]


def phi(points, alpha: float, weights=None) -> float:
    """Phi of the discrete probability measure with atoms ``points`` (self-pairs included).

    .. math::
        \\Phi(\\mu) = \\sum_i w_i \\log \\sum_j w_j e^{\\alpha x_i^\\top x_j},
        \\qquad \\mu = \\sum_i w_i \\delta_{x_i}

    (the definition of Sec. 2 applied to a discrete :math:`\\mu`; the ``j = i`` term is part of it).
    Log-sum-exp in blocks, so ``alpha`` up to ``1e3`` and ``N`` in the tens of thousands are fine.

    Parameters
    ----------
    points : array_like, shape (N, d)
        Atoms on the unit sphere (rows of norm 1 up to ``1e-6``; renormalised).
    alpha : float
        Inverse temperature ``alpha = 1/tau >= 0``.
    weights : array_like, shape (N,), optional
        Non-negative weights with positive sum (normalised); default uniform ``1/N``.

    Returns
    -------
    float
    """
    x = _unit_rows(points, "points")
    alpha = _check_alpha(alpha)
    n = x.shape[0]
    if weights is None:
        w = np.full(n, 1.0 / n)
    else:
        w = as_vector(weights, "weights")
        if w.shape[0] != n:
            raise ValueError(f"weights must have shape ({n},) to match points; got {w.shape}")
        if np.any(w < 0) or w.sum() <= 0:
            raise ValueError("weights must be non-negative with a positive sum")
        w = w / w.sum()
    keep = w > 0
    x, w = x[keep], w[keep]
    logw = np.log(w)
    total = 0.0
    for s in range(0, x.shape[0], _BLOCK):
        g = alpha * (x[s : s + _BLOCK] @ x.T) + logw[None, :]
        total += float(w[s : s + _BLOCK] @ sp.logsumexp(g, axis=1))
    return total


@dataclass(frozen=True)
class PhiEstimate:
    """An estimate of Phi(mu) from a sample of mu.

    Attributes
    ----------
    value : float
        Jackknife bias-corrected estimate.
    se : float
        Standard error (jackknife).
    plugin : float
        Plug-in estimate with self-pairs excluded (bias O(1/N)).
    n : int
        Sample size.
    method : str
    """

    value: float
    se: float
    plugin: float
    n: int
    method: str = "leave-one-out jackknife over the sample (self-pairs excluded)"


def phi_estimate(samples, alpha: float) -> PhiEstimate:
    """Estimate Phi(mu) from an i.i.d. sample of mu, self-pairs excluded, with a jackknife SE.

    .. math::
        \\hat\\Phi = \\frac1N \\sum_i \\log \\frac{1}{N-1}\\sum_{j\\ne i} e^{\\alpha u_i^\\top u_j},
        \\qquad \\hat\\Phi_{\\rm J} = N\\hat\\Phi - (N-1)\\overline{\\hat\\Phi_{(-k)}},\\qquad
        \\widehat{\\rm SE}^2 = \\frac{N-1}{N}\\sum_k
        \\big(\\hat\\Phi_{(-k)} - \\overline{\\hat\\Phi_{(-k)}}\\big)^2,

    where :math:`\\hat\\Phi_{(-k)}` is the plug-in on the sample without point ``k``. Keeping the
    self-pairs would add a bias of order :math:`e^{\\alpha}/N`; excluding them leaves the Jensen bias
    :math:`O(1/N)` of the log, which the jackknife removes to first order. All leave-one-out values
    are obtained in :math:`O(N^2 d)` from the row log-sums (the largest term of each row is removed
    exactly, the others through ``log1p``).

    Parameters
    ----------
    samples : array_like, shape (N, d)
        Points on the unit sphere, ``N >= 3``.
    alpha : float
        Inverse temperature, ``alpha >= 0``.

    Returns
    -------
    PhiEstimate
    """
    x = _unit_rows(samples, "samples")
    alpha = _check_alpha(alpha)
    n = x.shape[0]
    if n < 3:
        raise ValueError(f"samples must have at least 3 rows for the jackknife; got N = {n}")
    log_s = np.empty(n)
    log_s_wo_max = np.empty(n)
    argmax = np.empty(n, dtype=np.int64)
    # first pass: row log-sums without the diagonal
    for s in range(0, n, _BLOCK):
        rows = np.arange(s, min(n, s + _BLOCK))
        g = alpha * (x[rows] @ x.T)
        g[np.arange(rows.size), rows] = -np.inf
        log_s[rows] = sp.logsumexp(g, axis=1)
        am = np.argmax(g, axis=1)
        argmax[rows] = am
        g[np.arange(rows.size), am] = -np.inf
        log_s_wo_max[rows] = sp.logsumexp(g, axis=1) if n > 2 else -np.inf
    # second pass: column sums of log(S_i - K_ik) - log S_i over i != k
    col = np.zeros(n)
    for s in range(0, n, _BLOCK):
        rows = np.arange(s, min(n, s + _BLOCK))
        g = alpha * (x[rows] @ x.T) - log_s[rows, None]
        r = np.arange(rows.size)
        g[r, argmax[rows]] = -np.inf  # handled exactly below
        g[r, rows] = -np.inf
        m = np.log1p(-np.exp(g))
        m[r, argmax[rows]] = log_s_wo_max[rows] - log_s[rows]
        m[r, rows] = 0.0
        col += m.sum(axis=0)
    sum_l = log_s.sum()
    plugin = sum_l / n - np.log(n - 1)
    loo = (sum_l - log_s + col) / (n - 1) - np.log(n - 2)
    loo_mean = float(loo.mean())
    value = n * plugin - (n - 1) * loo_mean
    se = float(np.sqrt((n - 1) / n * np.sum((loo - loo_mean) ** 2)))
    return PhiEstimate(value=float(value), se=se, plugin=float(plugin), n=n)


# --------------------------------------------------------------------------------------------------
# The uniform law
# --------------------------------------------------------------------------------------------------


def phi_uniform(d: int, alpha):
    """Phi(sigma) of the uniform law on S^{d-1} in closed form (log-space Bessel).

    .. math::
        \\Phi(\\sigma) = \\log \\mathbb E_{v\\sim\\sigma} e^{\\alpha u^\\top v}
        = \\log\\Big[\\Gamma(d/2) \\Big(\\frac{2}{\\alpha}\\Big)^{d/2-1} I_{d/2-1}(\\alpha)\\Big]
        = \\log\\Gamma(d/2) + \\log I_{d/2-1}(\\alpha) - (d/2-1)\\log(\\alpha/2),

    (T1's closed form in ``shared/paper.md``; :math:`\\to 0` as :math:`\\alpha\\to 0`, and
    :math:`\\log(\\sinh\\alpha/\\alpha)` for ``d = 3``). Uses :func:`theory.special.log_iv_normalized`, so
    small ``alpha`` keeps full relative accuracy (:math:`\\approx \\alpha^2/(2d)`), and ``d`` up to
    ``1e5`` with ``alpha`` up to ``1e3`` (and beyond) is stable.

    Parameters
    ----------
    d : int
        Dimension, ``d >= 2``.
    alpha : float or ndarray
        ``alpha >= 0``.

    Returns
    -------
    float or ndarray
    """
    d = check_int(d, "d", low=2)
    a = _check_kappa_array(alpha, "alpha")
    out = log_iv_normalized(0.5 * d - 1.0, a)
    return float(out) if np.ndim(out) == 0 else out


def phi_uniform_sympy_d3():
    """Sympy derivation of Phi(sigma) for d = 3 (returns ``(alpha_symbol, expression)``).

    .. math::
        \\Phi(\\sigma) = \\log \\tfrac12 \\int_{-1}^{1} e^{\\alpha t}\\,dt
        = \\log\\frac{\\sinh \\alpha}{\\alpha},

    since ``t = u.v`` is uniform on ``[-1, 1]`` for ``v ~ sigma`` on S^2 (Archimedes).
    """
    import sympy as sy

    a, t = sy.symbols("alpha t", positive=True)
    expr = sy.log(sy.simplify(sy.integrate(sy.exp(a * t), (t, -1, 1)) / 2))
    return a, expr


# --------------------------------------------------------------------------------------------------
# InfoNCE
# --------------------------------------------------------------------------------------------------


def infonce_loss(u, v, alpha: float) -> float:
    """Empirical InfoNCE of Eq. 2 (one direction; the positive ``j = i`` inside the denominator).

    .. math::
        L_N = -\\frac1N \\sum_{i=1}^N \\log
        \\frac{e^{\\alpha u_i^\\top v_i}}{\\sum_{j=1}^N e^{\\alpha u_i^\\top v_j}}.

    Parameters
    ----------
    u, v : array_like, shape (N, d)
        Paired normalised embeddings (rows of norm 1).
    alpha : float
        ``alpha = 1/tau >= 0``.

    Returns
    -------
    float
    """
    u = _unit_rows(u, "u")
    v = _unit_rows(v, "v")
    if u.shape != v.shape:
        raise ValueError(f"u and v must have the same shape (N, d); got {u.shape} and {v.shape}")
    alpha = _check_alpha(alpha)
    g = alpha * (u @ v.T)
    return float(np.mean(sp.logsumexp(g, axis=1) - np.diag(g)))


def population_loss(alignment: float, phi_mu: float, alpha: float) -> float:
    """Population InfoNCE functional from its two parts.

    .. math::
        \\mathcal L(\\mu, \\pi) = -\\alpha\\, \\mathbb E_\\pi[u^\\top v] + \\Phi(\\mu).

    Parameters
    ----------
    alignment : float
        ``E_pi[u.v]`` in ``[-1, 1]``.
    phi_mu : float
        ``Phi(mu)`` (e.g. from :func:`phi_uniform`, :func:`phi_vmf`).
    alpha : float
    """
    alignment = check_real(alignment, "alignment", low=-1.0, high=1.0)
    phi_mu = check_real(phi_mu, "phi_mu")
    alpha = _check_alpha(alpha)
    return -alpha * alignment + phi_mu


def population_loss_vmf_coupling(d: int, alpha: float, kappa_pair: float) -> float:
    """Exact L(mu, pi) for u ~ sigma and v | u ~ vMF(u, kappa_pair) (``inf`` means v = u).

    .. math::
        \\mathcal L = -\\alpha A_d(\\kappa_{\\rm pair}) + \\Phi(\\sigma),

    as both marginals are uniform and :math:`\\mathbb E[u^\\top v] = A_d(\\kappa_{\\rm pair})`
    (:math:`A = 1` when ``v = u``, :math:`A = 0` for independent views).
    """
    d = check_int(d, "d", low=2)
    alpha = _check_alpha(alpha)
    if kappa_pair == np.inf:
        a = 1.0
    else:
        a = float(mean_resultant_length(d, check_real(kappa_pair, "kappa_pair", low=0.0)))
    return -alpha * a + phi_uniform(d, alpha)


def infonce_bias_first_order(d: int, alpha: float, kappa_pair: float) -> float:
    """First-order coefficient ``b1`` of the InfoNCE bias, ``E[L_N] - log N - L = b1/N + O(N^-2)``.

    .. math::
        b_1 = \\frac{\\mathbb E_\\pi e^{\\alpha u^\\top v}}{c} - 1
        - \\frac12\\Big(\\frac{c(2\\alpha)}{c(\\alpha)^2} - 1\\Big), \\qquad c(x) = e^{\\psi_d(x)},\\quad
        \\mathbb E_\\pi e^{\\alpha u^\\top v}
        = e^{\\psi_d(\\kappa_{\\rm pair}+\\alpha) - \\psi_d(\\kappa_{\\rm pair})},

    for the vMF coupling (positive term in the denominator, minus the delta-method Jensen gap of the log
    of the average over the N - 1 negatives); ``kappa_pair = inf`` gives :math:`e^{\\alpha}/c - \\dots`.
    """
    d = check_int(d, "d", low=2)
    alpha = _check_alpha(alpha)
    psi_a = phi_uniform(d, alpha)
    if kappa_pair == np.inf:
        log_pos = alpha
    else:
        kp = check_real(kappa_pair, "kappa_pair", low=0.0)
        log_pos = phi_uniform(d, kp + alpha) - phi_uniform(d, kp)
    return float(np.exp(log_pos - psi_a) - 1.0 - 0.5 * np.expm1(phi_uniform(d, 2.0 * alpha) - 2.0 * psi_a))


@dataclass(frozen=True)
class InfoNCEConvergence:
    """E[L_N] - log N against the population value L, as N grows.

    ``shared/paper.md`` writes "the N -> infinity limit of L + log N"; since the denominator of Eq. 2
    is a *sum* of N terms, :math:`L_N = \\log N + (\\text{a quantity with a finite limit})`, so the
    limit is that of :math:`L_N - \\log N` (Wang & Isola 2020, Thm 1: ``lim L - log M``).

    Attributes
    ----------
    N : ndarray, shape (m,)
    mean : ndarray, shape (m,)
        Average of ``L_N - log N`` over the replicates.
    se : ndarray, shape (m,)
        Its standard error.
    spread : ndarray, shape (m,)
        Standard deviation of ``L_N - log N`` across replicates.
    bias : ndarray, shape (m,)
        ``mean - L``.
    L : float
        The exact population value.
    rate : float
        Least-squares slope of ``log |bias|`` on ``log N`` (``-1`` means O(1/N)).
    spread_rate : float
        Same for the spread: ``-1/2`` in general, ``-1`` when ``mu = sigma`` and ``v = u`` (then the
        first-order Hoeffding projection of the V-statistic is constant, since :math:`K\\sigma` is).
    """

    N: np.ndarray
    mean: np.ndarray
    se: np.ndarray
    spread: np.ndarray
    bias: np.ndarray
    L: float
    rate: float
    spread_rate: float
    data: dict = field(default_factory=dict)


def infonce_convergence(
    d: int,
    alpha: float,
    kappa_pair: float,
    Ns=(16, 32, 64, 128, 256, 512),
    n_rep: int = 200,
    seed=0,
    progress: bool = False,
) -> InfoNCEConvergence:
    """Measure E[L_N] - log N -> L(mu, pi) for the vMF coupling u ~ sigma, v | u ~ vMF(u, kappa_pair).

    .. math::
        \\mathbb E[L_N] - \\log N \\xrightarrow[N\\to\\infty]{} -\\alpha A_d(\\kappa_{\\rm pair})
        + \\Phi(\\sigma) \\quad\\text{(Wang \\& Isola 2020, Thm 1)},

    (the paper's "L + log N" has the sign of the log N shift reversed; see :class:`InfoNCEConvergence`).
    To first order the bias is ``b1 / N`` (:func:`infonce_bias_first_order`: the positive in the
    denominator minus the Jensen gap of the log), i.e. O(1/N).

    Parameters
    ----------
    d : int
    alpha : float
    kappa_pair : float
        Pair concentration (``0``: independent views; ``np.inf``: ``v = u``).
    Ns : sequence of int
        Batch sizes.
    n_rep : int
        Replicates per batch size.
    seed : None, int or Generator
    progress : bool
        tqdm progress bar.
    """
    from tqdm.auto import tqdm

    d = check_int(d, "d", low=2)
    alpha = _check_alpha(alpha)
    n_rep = check_int(n_rep, "n_rep", low=2)
    Ns = np.array([check_int(n, "Ns[i]", low=2) for n in Ns])
    rng = make_rng(seed)
    L = population_loss_vmf_coupling(d, alpha, kappa_pair)
    means, ses, spreads = [], [], []
    for n in tqdm(Ns, disable=not progress, desc="InfoNCE N"):
        vals = np.empty(n_rep)
        for r in range(n_rep):
            u = sample_uniform(n, d, rng)
            v = u.copy() if kappa_pair == np.inf else sample_vmf(n, u, kappa_pair, seed=rng)
            vals[r] = infonce_loss(u, v, alpha) - np.log(n)
        means.append(vals.mean())
        spreads.append(vals.std(ddof=1))
        ses.append(vals.std(ddof=1) / np.sqrt(n_rep))
    mean, se, spread = np.array(means), np.array(ses), np.array(spreads)
    bias = mean - L
    ln = np.log(Ns)
    rate = float(np.polyfit(ln, np.log(np.abs(bias) + 1e-300), 1)[0])
    spread_rate = float(np.polyfit(ln, np.log(spread), 1)[0])
    return InfoNCEConvergence(Ns, mean, se, spread, bias, L, rate, spread_rate)


# --------------------------------------------------------------------------------------------------
# von Mises-Fisher family
# --------------------------------------------------------------------------------------------------


def mean_resultant_length(d: int, kappa):
    """Mean resultant length :math:`A_d(\\kappa) = \\lVert m(\\mathrm{vMF}_\\kappa)\\rVert`.

    .. math::
        A_d(\\kappa) = \\frac{I_{d/2}(\\kappa)}{I_{d/2-1}(\\kappa)} = \\psi_d'(\\kappa),

    computed as a difference of scaled log-Bessel values (:math:`A_d(0) = 0`,
    :math:`A_d(\\kappa) \\approx \\kappa/d` for small ``kappa``).

    Parameters
    ----------
    d : int
        ``d >= 2``.
    kappa : float or ndarray
        ``kappa >= 0``.
    """
    d = check_int(d, "d", low=2)
    k = _check_kappa_array(kappa)
    nu = 0.5 * d - 1.0
    with np.errstate(divide="ignore"):
        # I_{nu+1}/I_nu = (k/2)/(nu+1) * 0F1(nu+2)/0F1(nu+1)
        la = log_iv_normalized(nu + 1.0, k) - log_iv_normalized(nu, k) + np.log(0.5 * k / (nu + 1.0))
    out = np.exp(la)
    return float(out) if np.ndim(out) == 0 else out


def kl_vmf_uniform(d: int, kappa):
    """KL(vMF_kappa || sigma) in closed form.

    .. math::
        \\mathrm{KL}(\\mathrm{vMF}_\\kappa \\Vert \\sigma)
        = \\log\\big(C_d(\\kappa) |S^{d-1}|\\big) + \\kappa A_d(\\kappa)
        = \\kappa A_d(\\kappa) - \\psi_d(\\kappa),

    with :math:`\\psi_d = ` :func:`phi_uniform` ``(d, .)``; :math:`\\approx \\kappa^2/(2d)` at small
    ``kappa`` (both terms keep full relative accuracy there).

    Parameters
    ----------
    d : int
        ``d >= 2``.
    kappa : float or ndarray
        ``kappa >= 0``.
    """
    d = check_int(d, "d", low=2)
    k = _check_kappa_array(kappa)
    out = k * mean_resultant_length(d, k) - phi_uniform(d, k)
    out = np.maximum(out, 0.0)
    return float(out) if np.ndim(out) == 0 else out


def _sample_w(n: int, d: int, kappa: float, rng: np.random.Generator) -> np.ndarray:
    """Wood (1994) rejection sampler for t = w.u under vMF(w, kappa) on S^{d-1}."""
    m1 = d - 1.0
    b = m1 / (2.0 * kappa + np.sqrt(4.0 * kappa * kappa + m1 * m1))
    x0 = (1.0 - b) / (1.0 + b)
    c = kappa * x0 + m1 * np.log1p(-x0 * x0)
    out = np.empty(n)
    filled = 0
    while filled < n:
        k = max(16, int(1.3 * (n - filled)))
        z = rng.beta(m1 / 2.0, m1 / 2.0, size=k)
        w = (1.0 - (1.0 + b) * z) / (1.0 - (1.0 - b) * z)
        logu = np.log(rng.uniform(size=k))
        acc = kappa * w + m1 * np.log1p(-x0 * w) - c >= logu
        take = w[acc][: n - filled]
        out[filled : filled + take.size] = take
        filled += take.size
    return out


def sample_vmf(N: int, mean, kappa: float, seed=None) -> np.ndarray:
    """Draw ``N`` points from vMF(mean, kappa) on S^{d-1} (Wood's algorithm, 1994).

    .. math::
        f(u) = C_d(\\kappa) e^{\\kappa\\, w^\\top u}, \\qquad
        u = t\\, w + \\sqrt{1 - t^2}\\, \\xi, \\; \\xi \\perp w \\text{ uniform},

    with ``t`` drawn by Wood's rejection step (density :math:`\\propto e^{\\kappa t}(1-t^2)^{(d-3)/2}`).

    Parameters
    ----------
    N : int
        Number of points.
    mean : array_like, shape (d,) or (N, d)
        Unit mean direction(s); one per row if 2-D (then ``N`` must match).
    kappa : float
        Concentration ``kappa >= 0``.
    seed : None, int or Generator

    Returns
    -------
    ndarray, shape (N, d)
    """
    N = check_int(N, "N", low=1)
    kappa = check_real(kappa, "kappa", low=0.0)
    rng = make_rng(seed)
    mean = np.asarray(mean, dtype=np.float64)
    if mean.ndim == 1:
        mu = _unit_rows(mean[None, :], "mean")
        mu = np.broadcast_to(mu, (N, mu.shape[1]))
    else:
        mu = _unit_rows(mean, "mean")
        if mu.shape[0] != N:
            raise ValueError(f"mean must have shape (d,) or ({N}, d); got {mean.shape}")
    d = mu.shape[1]
    if d < 2:
        raise ValueError(f"mean must have dimension d >= 2; got d = {d}")
    t = _sample_w(N, d, kappa, rng)
    xi = rng.standard_normal((N, d))
    xi -= np.sum(xi * mu, axis=1, keepdims=True) * mu
    nrm = np.linalg.norm(xi, axis=1, keepdims=True)
    xi /= np.maximum(nrm, 1e-300)
    return t[:, None] * mu + np.sqrt(np.maximum(0.0, 1.0 - t * t))[:, None] * xi


def _t_grid(d: int, kappa: float, n: int = 2001) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Nodes ``t = tanh(s)``, ``1 + t`` and normalised weights for the law of t = w.u, u ~ vMF_kappa.

    In ``s`` the density is :math:`\\propto \\exp(\\kappa\\tanh s)\\,\\cosh(s)^{-(d-1)}` (unimodal,
    mode :math:`\\sinh 2s^* = 2\\kappa/(d-1)`); the trapezoid rule over the region within ``e^{-45}``
    of the mode is spectrally accurate.
    """
    m1 = d - 1.0

    def logg(s):
        return kappa * np.tanh(s) - m1 * (np.logaddexp(s, -s) - np.log(2.0))

    s0 = 0.5 * np.arcsinh(2.0 * kappa / m1)
    top = logg(s0)
    drop = 45.0

    def f(s):
        return logg(s) - top + drop

    step = 1.0
    lo = s0 - step
    while f(lo) > 0:
        step *= 2.0
        lo = s0 - step
    hi_step = 1.0
    hi = s0 + hi_step
    while f(hi) > 0:
        hi_step *= 2.0
        hi = s0 + hi_step
    s_lo = optimize.brentq(f, lo, s0)
    s_hi = optimize.brentq(f, s0, hi)
    s = np.linspace(s_lo, s_hi, n)
    lw = logg(s)
    w = np.exp(lw - lw.max())
    w[0] *= 0.5
    w[-1] *= 0.5
    w /= w.sum()
    one_plus_t = 2.0 * sp.expit(2.0 * s)
    return np.tanh(s), one_plus_t, w


def phi_vmf(d: int, kappa: float, alpha: float, n_nodes: int = 2001) -> float:
    """Phi(vMF_kappa) exactly (1-D quadrature over t = w.u of a closed-form inner expectation).

    .. math::
        \\Phi(\\mathrm{vMF}_\\kappa) = \\mathbb E_{t}\\Big[\\psi_d\\big(\\sqrt{\\kappa^2 + \\alpha^2
        + 2\\kappa\\alpha t}\\big)\\Big] - \\psi_d(\\kappa), \\qquad
        t \\sim \\propto e^{\\kappa t}(1-t^2)^{(d-3)/2} \\text{ on } [-1, 1],

    because :math:`\\mathbb E_{v\\sim\\mathrm{vMF}}e^{\\alpha u^\\top v} = C_d(\\kappa)/C_d(\\lVert\\kappa w
    + \\alpha u\\rVert)` and :math:`\\log C_d(r) = -\\log|S^{d-1}| - \\psi_d(r)`. At ``kappa = 0`` it is
    :func:`phi_uniform`.

    Parameters
    ----------
    d : int
        ``d >= 2``.
    kappa : float
        ``kappa >= 0``.
    alpha : float
        ``alpha >= 0``.
    n_nodes : int
        Trapezoid nodes in ``s = atanh(t)``.

    Returns
    -------
    float
    """
    d = check_int(d, "d", low=2)
    kappa = check_real(kappa, "kappa", low=0.0)
    alpha = _check_alpha(alpha)
    n_nodes = check_int(n_nodes, "n_nodes", low=101)
    if kappa == 0.0:
        return phi_uniform(d, alpha)
    _, one_plus_t, w = _t_grid(d, kappa, n_nodes)
    r2 = (kappa - alpha) ** 2 + 2.0 * kappa * alpha * one_plus_t
    r = np.sqrt(np.maximum(r2, 0.0))
    return float(w @ phi_uniform(d, r) - phi_uniform(d, kappa))


def log_inner_vmf_mixture(u, weights, means, kappas, alpha: float) -> np.ndarray:
    """Exact ``log E_{v ~ mixture} exp(alpha u.v)`` for a mixture of vMF laws, at each row of ``u``.

    .. math::
        \\log \\sum_k \\pi_k
        \\exp\\big(\\psi_d(\\lVert\\kappa_k w_k + \\alpha u\\rVert) - \\psi_d(\\kappa_k)\\big).

    Parameters
    ----------
    u : array_like, shape (n, d)
    weights : array_like, shape (K,)
    means : array_like, shape (K, d)
    kappas : array_like, shape (K,)
    alpha : float

    Returns
    -------
    ndarray, shape (n,)
    """
    u = _unit_rows(u, "u")
    pi, mu, kap = _check_mixture(weights, means, kappas, u.shape[1])
    alpha = _check_alpha(alpha)
    d = u.shape[1]
    vec = kap[None, :, None] * mu[None, :, :] + alpha * u[:, None, :]
    r = np.linalg.norm(vec, axis=2)
    terms = phi_uniform(d, r) - phi_uniform(d, kap)[None, :] + np.log(pi)[None, :]
    return sp.logsumexp(terms, axis=1)


def _check_mixture(weights, means, kappas, d: int | None = None):
    pi = as_vector(weights, "weights")
    if np.any(pi <= 0):
        raise ValueError("weights must be positive")
    pi = pi / pi.sum()
    mu = _unit_rows(means, "means")
    kap = as_vector(kappas, "kappas")
    if np.any(kap < 0):
        raise ValueError("kappas must be >= 0")
    if not (pi.shape[0] == mu.shape[0] == kap.shape[0]):
        raise ValueError(
            f"weights, means and kappas must have K rows each; got {pi.shape[0]}, {mu.shape[0]}, "
            f"{kap.shape[0]}"
        )
    if d is not None and mu.shape[1] != d:
        raise ValueError(f"means must have d = {d} columns; got {mu.shape[1]}")
    if mu.shape[1] < 2:
        raise ValueError("means must have d >= 2 columns")
    return pi, mu, kap


def phi_vmf_mixture(weights, means, kappas, alpha: float, n: int = 20000, seed=None) -> PhiEstimate:
    """Phi of a vMF mixture: outer expectation by Monte Carlo, inner one exact.

    .. math::
        \\Phi(\\mu) \\approx \\frac1n \\sum_{i=1}^n \\log \\mathbb E_{v\\sim\\mu}e^{\\alpha u_i^\\top v},
        \\qquad u_i \\sim \\mu = \\sum_k \\pi_k \\mathrm{vMF}(w_k, \\kappa_k),

    unbiased, with standard error ``std / sqrt(n)`` (the inner expectation is the closed form of
    :func:`log_inner_vmf_mixture`).

    Parameters
    ----------
    weights : array_like, shape (K,)
    means : array_like, shape (K, d)
    kappas : array_like, shape (K,)
    alpha : float
    n : int
        Monte Carlo sample size.
    seed : None, int or Generator

    Returns
    -------
    PhiEstimate
        ``value == plugin`` (no bias to correct), ``se`` the Monte Carlo standard error.
    """
    pi, mu, kap = _check_mixture(weights, means, kappas)
    n = check_int(n, "n", low=2)
    rng = make_rng(seed)
    comp = rng.choice(pi.shape[0], size=n, p=pi)
    u = np.empty((n, mu.shape[1]))
    for k in range(pi.shape[0]):
        idx = np.flatnonzero(comp == k)
        if idx.size:
            u[idx] = sample_vmf(idx.size, mu[k], float(kap[k]), seed=rng)
    vals = log_inner_vmf_mixture(u, pi, mu, kap, alpha)
    m = float(vals.mean())
    return PhiEstimate(
        value=m,
        se=float(vals.std(ddof=1) / np.sqrt(n)),
        plugin=m,
        n=n,
        method="Monte Carlo over u with the exact inner expectation",
    )


# --------------------------------------------------------------------------------------------------
# T1: adversarial search over discrete measures
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DiscreteSearch:
    """Result of :func:`minimise_phi_discrete`.

    Attributes
    ----------
    gap : float
        ``min Phi(mu_N) - Phi(sigma)`` found (T1 predicts ``>= 0``).
    points : ndarray, shape (N, d)
        The minimising configuration.
    weights : ndarray, shape (N,)
        Its weights (``1/N`` unless optimised).
    """

    gap: float
    points: np.ndarray
    weights: np.ndarray


def minimise_phi_discrete(
    N: int, d: int, alpha: float, n_starts: int = 3, seed=0, optimise_weights: bool = False
) -> DiscreteSearch:
    """Adversarial search for a counterexample to T1 among N-atom discrete measures.

    .. math::
        \\min_{x_1..x_N \\in S^{d-1},\\ w \\in \\Delta_N} \\sum_i w_i \\log\\sum_j w_j
        e^{\\alpha x_i^\\top x_j} - \\Phi(\\sigma)

    by L-BFGS on unnormalised coordinates (and softmax logits of the weights when
    ``optimise_weights``; otherwise ``w_i = 1/N``), analytic gradient, from ``n_starts`` random starts.
    The returned gap is re-evaluated with :func:`phi` and :func:`phi_uniform`.

    Parameters
    ----------
    N : int
        Number of atoms.
    d : int
        Dimension, ``d >= 2``.
    alpha : float
    n_starts : int
    seed : None, int or Generator
    optimise_weights : bool
        Also optimise the weights.

    Returns
    -------
    DiscreteSearch
    """
    N = check_int(N, "N", low=1)
    d = check_int(d, "d", low=2)
    alpha = _check_alpha(alpha)
    n_starts = check_int(n_starts, "n_starts", low=1)
    rng = make_rng(seed)
    nd = N * d

    def unpack(p):
        Y = p[:nd].reshape(N, d)
        nr = np.linalg.norm(Y, axis=1, keepdims=True)
        if optimise_weights:
            lw = p[nd:] - sp.logsumexp(p[nd:])
        else:
            lw = np.full(N, -np.log(N))
        return Y, nr, Y / nr, lw

    def fg(p):
        _, nr, X, logw = unpack(p)
        w = np.exp(logw)
        G = alpha * (X @ X.T)
        L = sp.logsumexp(G + logw[None, :], axis=1)
        P = np.exp(G + logw[None, :] - L[:, None]) * w[:, None]  # w_i w_j e^{G_ij} / S_i
        gX = alpha * (P @ X + P.T @ X)
        gY = (gX - np.sum(gX * X, axis=1, keepdims=True) * X) / nr
        val = float(w @ L)
        if not optimise_weights:
            return val, gY.ravel()
        dw = L + P.sum(axis=0) / w
        return val, np.concatenate([gY.ravel(), w * (dw - w @ dw)])

    best, best_p = np.inf, None
    for _ in range(n_starts):
        p0 = rng.standard_normal(nd + (N if optimise_weights else 0))
        r = optimize.minimize(fg, p0, jac=True, method="L-BFGS-B", options={"maxiter": 2000})
        if r.fun < best:
            best, best_p = float(r.fun), r.x
    _, _, X, logw = unpack(best_p)
    w = np.exp(logw)
    return DiscreteSearch(gap=phi(X, alpha, w) - phi_uniform(d, alpha), points=X, weights=w)
