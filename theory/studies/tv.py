"""The TV-vs-d study of the projections of sigma: a table and a figure (Lemma 3, Theorem 2, Sec. 6).

Paper: Betser, Gofer, Levi, Gilboa, *InfoNCE Induces Gaussian Distribution* (ICLR 2026, arXiv 2602.24012):
Lemma 3 (Maxwell-Poincare), Theorem 2 (Diaconis-Freedman) and the O(1/d) rate of Sec. 6. The exact
total variation between ``sqrt(d)(U_1..U_k)`` and ``N(0, I_k)`` (:func:`theory.sphere.projection_tv`), the
Diaconis-Freedman bound, the asymptote ``c_k/d`` and Monte Carlo points, as a frozen result and as a
:class:`matplotlib.figure.Figure` (no pyplot global state).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from theory._deprecation import renamed_keywords
from theory._io import ResultMixin
from theory._validation import check_int
from theory.sphere import diaconis_freedman_bound, mc_projection_tv, projection_tv, tv_constant

__all__ = ["TVExactRow", "TVMonteCarloRow", "TVvsD", "plot_tv_vs_d", "tv_vs_d_table"]


@dataclass(frozen=True)
class TVExactRow(ResultMixin):
    """One exact point of the TV-vs-d curve.

    Attributes
    ----------
    k : int
        Projection dimension.
    d : int
        Ambient dimension.
    tv : float
        Exact total variation :func:`theory.sphere.projection_tv`.
    df_bound : float or None
        Diaconis-Freedman bound ``2(k+3)/(d-k-3)`` (``None`` outside ``k <= d - 4``).
    c_k_over_d : float
        The asymptote ``c_k / d``.
    """

    k: int
    d: int
    tv: float
    df_bound: float | None
    c_k_over_d: float


@dataclass(frozen=True)
class TVMonteCarloRow(ResultMixin):
    """One Monte Carlo point of the TV-vs-d figure.

    Attributes
    ----------
    k, d : int
        Projection and ambient dimensions.
    tv_mc : float
        Monte Carlo estimate (:func:`theory.sphere.mc_projection_tv`).
    stderr : float
        Its standard error.
    n_samples : int
        Number of samples.
    """

    k: int
    d: int
    tv_mc: float
    stderr: float
    n_samples: int


@dataclass(frozen=True)
class TVvsD(ResultMixin):
    """The numbers of the TV-vs-d figure.

    Attributes
    ----------
    exact : tuple of TVExactRow
        Exact points, by ``k`` then ``d``.
    mc : tuple of TVMonteCarloRow
        Monte Carlo points, by ``k`` then ``d``.
    c_k : dict of int to float
        The constant ``c_k = lim d TV`` for each ``k``.
    """

    exact: tuple[TVExactRow, ...]
    mc: tuple[TVMonteCarloRow, ...]
    c_k: dict[int, float]

    def to_legacy(self) -> dict:
        """The dict of the old ``theory.sphere.tv_vs_d_table``: ``{"exact": [rows], "mc": [rows], "c_k"}``."""
        return {
            "exact": [
                {"k": r.k, "d": r.d, "tv": r.tv, "df_bound": r.df_bound, "c_k_over_d": r.c_k_over_d}
                for r in self.exact
            ],
            "mc": [
                {"k": r.k, "d": r.d, "tv_mc": r.tv_mc, "stderr": r.stderr, "N": r.n_samples} for r in self.mc
            ],
            "c_k": dict(self.c_k),
        }


@renamed_keywords(N="n_samples")
def tv_vs_d_table(
    d_values=None,
    k_values=(1, 2, 3),
    *,
    mc_d=(16, 64, 256, 1024),
    n_samples: int = 100_000,
    seed: int = 0,
    progress: bool = True,
) -> TVvsD:
    """Numbers of the TV-vs-d figure: exact TV, the DF bound, ``c_k/d`` and Monte Carlo points.

    .. math::
        d_{TV}(d, k), \\quad \\frac{2(k+3)}{d-k-3}\\ \\text{(Theorem 2)}, \\quad \\frac{c_k}{d}, \\quad
        \\widehat{d_{TV}} \\pm \\text{s.e.}

    Parameters
    ----------
    d_values : array_like of int, optional
        Default: 60 log-spaced values from 8 to 1e6.
    k_values : sequence of int
        Projection dimensions, each ``>= 1`` (pairs with ``k > d - 1`` are skipped).
    mc_d : sequence of int
        Dimensions of the Monte Carlo points.
    n_samples : int
        Monte Carlo sample size per point (the old keyword ``N`` is deprecated).
    seed : int
        Seed of the Monte Carlo points (point ``j`` of ``k`` uses ``seed + 1000 k + j``).
    progress : bool
        Show a progress bar.

    Returns
    -------
    TVvsD
    """
    from tqdm.auto import tqdm

    if d_values is None:
        d_values = np.unique(np.geomspace(8, 1e6, 60).astype(np.int64))
    d_values = [check_int(d, "d_values entry", low=2) for d in d_values]
    k_values = [check_int(k, "k_values entry", low=1) for k in k_values]
    mc_d = [check_int(d, "mc_d entry", low=2) for d in mc_d]
    n_samples = check_int(n_samples, "n_samples", low=2)
    seed = check_int(seed, "seed", low=0)
    rows, mc_rows = [], []
    for k in tqdm(k_values, desc="TV vs d", disable=not progress):
        for d in d_values:
            if k > d - 1:
                continue
            rows.append(
                TVExactRow(
                    k=k,
                    d=d,
                    tv=projection_tv(d, k),
                    df_bound=diaconis_freedman_bound(d, k) if k <= d - 4 else None,
                    c_k_over_d=tv_constant(k) / d,
                )
            )
        for j, d in enumerate(mc_d):
            est = mc_projection_tv(int(d), k, n_samples, seed=seed + 1000 * k + j)
            mc_rows.append(TVMonteCarloRow(k, int(d), est.estimate, est.stderr, est.n_samples))
    return TVvsD(exact=tuple(rows), mc=tuple(mc_rows), c_k={k: tv_constant(k) for k in k_values})


def _legacy_tv_vs_d_table(*args, **kwargs) -> dict:
    """The deprecated ``theory.sphere.tv_vs_d_table``: :func:`tv_vs_d_table` as the old dict."""
    if "N" in kwargs and "n_samples" not in kwargs:  # the old path keeps its old keyword (warned on access)
        kwargs["n_samples"] = kwargs.pop("N")
    return tv_vs_d_table(*args, **kwargs).to_legacy()


def plot_tv_vs_d(table):
    """Figure: exact TV vs d (log-log) for each k, the Diaconis-Freedman bound, ``c_k/d`` and MC points.

    .. math::
        d \\mapsto d_{TV}\\bigl(\\sqrt d(U_1..U_k), N(0,I_k)\\bigr) \\text{ vs } \\frac{2(k+3)}{d-k-3}.

    Parameters
    ----------
    table : TVvsD or dict
        Output of :func:`tv_vs_d_table` (or the dict of the deprecated ``theory.sphere.tv_vs_d_table``).

    Returns
    -------
    matplotlib.figure.Figure
        Built without pyplot (no global matplotlib state).
    """
    import matplotlib as mpl
    from matplotlib.figure import Figure

    if isinstance(table, TVvsD):
        table = table.to_legacy()
    if not isinstance(table, dict) or not {"exact", "mc", "c_k"} <= set(table):
        raise TypeError(f"table must be a TVvsD from tv_vs_d_table; got {type(table).__name__}")
    fig = Figure(figsize=(7, 5))
    ax = fig.subplots()
    ks = sorted({r["k"] for r in table["exact"]})
    colors = mpl.rcParams["axes.prop_cycle"].by_key()["color"]
    for i, k in enumerate(ks):
        col = colors[i % len(colors)]
        ex = [r for r in table["exact"] if r["k"] == k]
        d = np.array([r["d"] for r in ex], dtype=float)
        ax.loglog(d, [r["tv"] for r in ex], "-", color=col, lw=2, label=f"exact TV, k={k}")
        b = [(r["d"], r["df_bound"]) for r in ex if r["df_bound"] is not None and r["df_bound"] < 10]
        if b:
            ax.loglog(*zip(*b, strict=True), "--", color=col, lw=1, label=f"DF bound 2(k+3)/(d-k-3), k={k}")
        ax.loglog(
            d,
            [r["c_k_over_d"] for r in ex],
            ":",
            color=col,
            lw=1,
            label=f"c_{k}/d, c_{k}={table['c_k'][k]:.4f}",
        )
        mc = [r for r in table["mc"] if r["k"] == k]
        if mc:
            ax.errorbar(
                [r["d"] for r in mc],
                [r["tv_mc"] for r in mc],
                yerr=[2 * r["stderr"] for r in mc],
                fmt="o",
                color=col,
                ms=4,
                capsize=3,
                label=f"Monte Carlo (±2 s.e.), k={k}",
            )
    ax.set_xlabel("dimension d")
    ax.set_ylabel("total variation to N(0, I_k)")
    ax.set_title("sqrt(d) (U_1..U_k), U uniform on S^{d-1}: exact TV vs Diaconis-Freedman")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=7, ncol=2)
    return fig
