"""The regularized route over dimensions: Lemma 1's C(d), Theorem 1's beta0, the exact beta*, App. D's q_c.

Table (:func:`route_study`) and figure (:func:`plot_route`) of the quantities of
:mod:`theory.regularized` (arXiv 2602.24012: Lemma 1, Theorem 1, App. D) for a list of dimensions, on the
von Mises-Fisher family. The figure is a :class:`matplotlib.figure.Figure` built without pyplot;
matplotlib is imported only when a figure is drawn.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from theory._io import ResultMixin
from theory.regularized import beta0, beta_threshold_vmf, lemma1_constant, surrogate_threshold
from theory.regularized._common import check_alpha, check_eta2, kappa_grid
from theory.special import _check_d

__all__ = ["RouteRow", "RouteStudy", "plot_route", "route_study"]


@dataclass(frozen=True)
class RouteRow(ResultMixin):
    """One dimension of :func:`route_study`.

    Attributes
    ----------
    d : int
        The dimension.
    C : float
        Lemma 1's best constant :math:`C(d)` (:func:`theory.regularized.lemma1_constant`).
    beta0 : float
        Theorem 1's threshold :math:`\\alpha(1-\\eta^2)/(C(d)(d-1))`.
    beta_star : float
        The exact threshold on the vMF family (:func:`theory.regularized.beta_threshold_vmf`).
    kappa_star : float
        The grid point attaining the supremum that defines ``beta_star``.
    q : float
        :math:`q = \\alpha(1-\\eta^2)`.
    qc_local : float
        App. D's local threshold :math:`d\\,a(2-a)/2`, :math:`a = A_d(\\alpha)`.
    qc_global : float
        The global threshold over the vMF family.
    kappa_global : float
        Where the global threshold is attained.
    first_order : bool
        ``qc_global < qc_local``: a vMF tilt beats uniform while uniform is still locally stable.
    """

    d: int
    C: float
    beta0: float
    beta_star: float
    kappa_star: float
    q: float
    qc_local: float
    qc_global: float
    kappa_global: float
    first_order: bool


@dataclass(frozen=True)
class RouteStudy(ResultMixin):
    """Result of :func:`route_study`.

    Attributes
    ----------
    alpha : float
        Inverse temperature.
    eta2 : float
        :math:`\\eta^2`.
    rows : tuple of RouteRow
        One per dimension, in the order given.
    """

    alpha: float
    eta2: float
    rows: tuple[RouteRow, ...]


def route_study(ds, alpha: float, eta2: float, kappas=None, progress: bool = False) -> RouteStudy:
    """Per dimension: C(d), beta0, beta*, q = alpha (1 - eta2), and the thresholds q_c (loc / glob).

    .. math::
        \\beta_0 = \\frac{\\alpha(1-\\eta^2)}{C(d)(d-1)}, \\qquad
        \\beta^* = \\sup_\\kappa \\frac{\\alpha(1-\\eta^2)A_d^2 - [\\Phi(\\kappa)-\\Phi(\\sigma)]}
        {\\mathrm{KL}(\\kappa)}, \\qquad q_c^{\\rm loc} = \\frac{d\\,a(2-a)}{2}.

    Parameters
    ----------
    ds : sequence of int
        Dimensions, each ``>= 2``; at least one.
    alpha : float
        ``alpha > 0``.
    eta2 : float
        :math:`\\eta^2 \\in [0, 1]`.
    kappas : array_like, shape (m,), optional
        Positive grid of concentrations (default ``logspace(-3, 5, 161)``).
    progress : bool
        tqdm progress bar over the dimensions.

    Returns
    -------
    RouteStudy
    """
    from tqdm.auto import tqdm

    alpha = check_alpha(alpha, positive=True)
    eta2 = check_eta2(eta2)
    kappas = kappa_grid(kappas)
    if isinstance(ds, str | bytes) or not isinstance(ds, Iterable):
        raise TypeError(f"ds must be a sequence of dimensions; got {ds!r}")
    ds = [_check_d(d, "ds[i]") for d in ds]
    if not ds:
        raise ValueError("ds must hold at least one dimension")
    rows = []
    for d in tqdm(ds, disable=not progress, desc="dimensions"):
        c = lemma1_constant(d).C
        b0 = beta0(alpha, eta2, d, C=c)
        bt = beta_threshold_vmf(d, alpha, eta2, kappas=kappas)
        st = surrogate_threshold(d, alpha, kappas=kappas)
        rows.append(
            RouteRow(
                d=d,
                C=c,
                beta0=b0,
                beta_star=bt.beta_star,
                kappa_star=bt.kappa_star,
                q=alpha * (1.0 - eta2),
                qc_local=st.qc_local,
                qc_global=st.qc_global,
                kappa_global=st.kappa_at_global,
                first_order=st.first_order,
            )
        )
    return RouteStudy(alpha=alpha, eta2=eta2, rows=tuple(rows))


def plot_route(study: RouteStudy):
    """Figure of :func:`route_study`: the App. D surrogate ratio on the vMF family, and beta*/beta0.

    .. math::
        \\kappa \\mapsto \\frac{\\Phi(\\mathrm{vMF}_\\kappa) - \\Phi(\\sigma)}{A_d(\\kappa)^2\\, q_c^{loc}}
        \\quad\\text{(a dip below 1 = first-order transition)}, \\qquad d \\mapsto \\beta^*/\\beta_0.

    Parameters
    ----------
    study : RouteStudy
        Output of :func:`route_study`.

    Returns
    -------
    matplotlib.figure.Figure
        Built without pyplot (no global state); save it with ``theory._io.atomic_savefig``.
    """
    if not isinstance(study, RouteStudy):
        raise TypeError(f"study must be a RouteStudy (from route_study); got {type(study).__name__}")
    from matplotlib.figure import Figure

    alpha, eta2, rows = study.alpha, study.eta2, study.rows
    fig = Figure(figsize=(11, 4.5), layout="constrained")
    ax = fig.subplots(1, 2)
    kap = np.logspace(-2, 4, 81)
    for r in rows:
        st = surrogate_threshold(r.d, alpha, kappas=kap)
        ax[0].semilogx(kap, st.ratio / st.qc_local, label=f"d={r.d}")
    ax[0].axhline(1.0, color="k", lw=0.8)
    ax[0].set_xlabel("kappa")
    ax[0].set_ylabel("[Phi(vMF) - Phi(sigma)] / A^2 / q_c^loc")
    ax[0].set_title(f"App. D surrogate on vMF (alpha={alpha:g})\na dip below 1 = first-order transition")
    ax[0].legend(fontsize=7)
    ds = [r.d for r in rows]
    ax[1].semilogx(ds, [r.beta_star / r.beta0 for r in rows], "s-")
    ax[1].set_ylim(-0.05, 1.05)
    ax[1].set_xlabel("d")
    ax[1].set_ylabel("beta* / beta0")
    ax[1].set_title(f"exact beta* on vMF / Theorem 1's beta0\n(alpha={alpha:g}, eta2={eta2:g})")
    return fig


# ------------------------------------------------------------------------------------------------------
# the former API of theory.regularized (reached through its deprecated module attributes)
# ------------------------------------------------------------------------------------------------------


def _legacy_route_study(ds, alpha: float, eta2: float, kappas=None, progress: bool = False) -> list[dict]:
    """Deprecated ``theory.regularized.route_study``: :func:`route_study` as a list of dicts."""
    study = route_study(ds, alpha, eta2, kappas=kappas, progress=progress)
    return [
        {
            "d": r.d,
            "C": r.C,
            "beta0": r.beta0,
            "beta_star": r.beta_star,
            "kappa_star": r.kappa_star,
            "q": r.q,
            "qc_local": r.qc_local,
            "qc_global": r.qc_global,
            "kappa_global": r.kappa_global,
            "first_order": r.first_order,
        }
        for r in study.rows
    ]


def _legacy_plot_route(rows: Sequence[Mapping], alpha: float, eta2: float):
    """Deprecated ``theory.regularized.plot_route(rows, alpha, eta2)`` with the list of dicts."""
    alpha = check_alpha(alpha, positive=True)
    eta2 = check_eta2(eta2)
    study = RouteStudy(alpha=alpha, eta2=eta2, rows=tuple(RouteRow(**dict(r)) for r in rows))
    return plot_route(study)
