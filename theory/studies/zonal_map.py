"""The map of the true thresholds over zonal laws against the vMF family, on a (d, alpha) grid.

For each ``(d, alpha)``: :func:`theory.zonal.threshold` (App. D's ``q_c`` over zonal laws beside the vMF
and local values, and the measure that attains it) and :func:`theory.zonal.beta_threshold` (Theorem 1's
``beta*`` over zonal densities beside the vMF value), each point kept in its own file keyed by its full
configuration, so that an interrupted map resumes where it stopped. :func:`plot_zonal_map` colours the
plane by which family holds the extremum. Used by ``python -m theory zonal-threshold``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from theory._io import ResultMixin, atomic_write_json
from theory._results import config_key, read_json
from theory.zonal import DEFAULT_MEAN_NORMS, beta_threshold, threshold

__all__ = [
    "MAP_ALPHAS",
    "MAP_DIMENSIONS",
    "MAP_ETA2",
    "QUICK_SIZES",
    "SIZES",
    "ZonalMap",
    "plot_zonal_map",
    "point_config",
    "published_zonal_map",
    "zonal_map",
    "zonal_map_config",
]

MAP_DIMENSIONS = (3, 4, 5, 6, 8, 12, 16, 32, 64)
"""The dimensions of the published map."""

MAP_ALPHAS = (0.5, 1.0, 2.0, 5.0, 10.0, 20.0)
"""The inverse temperatures of the published map."""

SIZES = {
    "n_panels": 64,
    "per_panel": 4,
    "mean_norms": [float(x) for x in DEFAULT_MEAN_NORMS],
    "max_rings": 4,
    "beta_degree": 16,
    "beta_n_panels": 64,
    "beta_per_panel": 8,
}
"""Full search sizes (the latitude grid of the ring search, the profile, the density family)."""

QUICK_SIZES = {
    "n_panels": 24,
    "per_panel": 4,
    "mean_norms": [0.1, 0.4, 0.7],
    "max_rings": 3,
    "beta_degree": 6,
    "beta_n_panels": 24,
    "beta_per_panel": 6,
}
"""Smoke-run sizes (never published)."""

ALGORITHM = "zonal-search-4"
"""Version of the search; part of every point's key (a changed search never reuses old points)."""


MAP_ETA2 = 0.36
"""The :math:`\\eta^2` of the published map's ``beta*`` part."""


def zonal_map_config() -> dict:
    """The configuration the published map records (``docs/data/zonal-map.json``'s ``config``).

    Returns
    -------
    dict
        ``{"dimensions", "alphas", "eta2", "sizes"}``: :data:`MAP_DIMENSIONS`, :data:`MAP_ALPHAS`,
        :data:`MAP_ETA2` and the full search sizes :data:`SIZES`, as ``python -m theory zonal-threshold
        --publish`` writes them.
    """
    return {
        "dimensions": list(MAP_DIMENSIONS),
        "alphas": list(MAP_ALPHAS),
        "eta2": MAP_ETA2,
        "sizes": {k: (list(v) if isinstance(v, list | tuple) else v) for k, v in SIZES.items()},
    }


def published_zonal_map(path=None) -> dict:
    """The published map, read through :func:`theory._results.load_published` with
    :func:`zonal_map_config` (a smoke file, another configuration or a corrupt file is refused, named).

    Parameters
    ----------
    path : path, optional
        Default ``docs/data/zonal-map.json`` of the checkout.

    Returns
    -------
    dict
        The file's content: provenance, ``points`` (one per ``(d, alpha)``, each with ``threshold`` and
        ``beta``).
    """
    from theory._io import repo_root
    from theory._results import PUBLISHED_DATA, load_published

    path = repo_root() / PUBLISHED_DATA / "zonal-map.json" if path is None else path
    return load_published(path, config=zonal_map_config())


def point_config(d: int, alpha: float, eta2: float, sizes: Mapping) -> dict:
    """The full configuration of one map point (what its key hashes)."""
    return {"algorithm": ALGORITHM, "d": int(d), "alpha": float(alpha), "eta2": float(eta2), **dict(sizes)}


def _compute_point(cfg: dict, progress: Callable | None) -> dict:
    t0 = time.perf_counter()
    thr = threshold(
        cfg["d"],
        cfg["alpha"],
        mean_norms=cfg["mean_norms"],
        n_panels=cfg["n_panels"],
        per_panel=cfg["per_panel"],
        max_rings=cfg["max_rings"],
        progress=progress,
    )
    beta = beta_threshold(
        cfg["d"],
        cfg["alpha"],
        cfg["eta2"],
        degree=cfg["beta_degree"],
        n_panels=cfg["beta_n_panels"],
        per_panel=cfg["beta_per_panel"],
        ring_latitudes=[
            float(thr.latitudes[i]) for i in np.argsort(-thr.weights)[:3] if abs(thr.latitudes[i]) < 0.999
        ],
    )
    if progress is not None:
        progress(1)
    return {
        "config": cfg,
        "config_key": config_key(cfg),
        "threshold": thr.to_dict(),
        "beta": beta.to_dict(),
        "wall_seconds": time.perf_counter() - t0,
    }


@dataclass(frozen=True)
class ZonalMap(ResultMixin):
    """The map (result of :func:`zonal_map`).

    Attributes
    ----------
    dimensions : tuple of int
    alphas : tuple of float
    eta2 : float
        :math:`\\eta^2` of the ``beta*`` part (``q = alpha (1 - eta2)``).
    sizes : dict
        The search sizes.
    points : tuple of dict
        One per ``(d, alpha)``, row by row: ``config``, ``config_key``, ``threshold``
        (:class:`theory.zonal.ZonalThreshold` as a dict), ``beta``
        (:class:`theory.zonal.ZonalBetaThreshold` as a dict), ``wall_seconds``, ``reused`` (read from
        its file).
    """

    dimensions: tuple
    alphas: tuple
    eta2: float
    sizes: dict
    points: tuple

    def point(self, d: int, alpha: float) -> dict:
        """The point at ``(d, alpha)``."""
        for p in self.points:
            if p["config"]["d"] == d and p["config"]["alpha"] == float(alpha):
                return p
        raise KeyError(f"no point at d={d}, alpha={alpha} in this map")

    def table(self) -> str:
        """One line per point: the three q_c, who holds the infimum, the shape; beta* zonal vs vMF."""
        head = (
            f"{'d':>3} {'alpha':>5} {'q_c_loc':>9} {'q_c_vmf':>9} {'q_c_zonal':>9} {'zon/vmf':>8} "
            f"{'q_c by':>11} {'beta*_vmf':>9} {'beta*_zon':>9} {'beta by':>11}  shape"
        )
        lines = [head]
        for p in self.points:
            t, b = p["threshold"], p["beta"]
            shape = t["shape"] if t["attained_by"] == "rings" else ""
            lines.append(
                f"{t['d']:>3} {t['alpha']:>5g} {t['q_c_loc']:>9.5f} {t['q_c_vmf']:>9.5f} {t['q_c']:>9.5f} "
                f"{t['q_c'] / t['q_c_vmf']:>8.5f} {t['attained_by']:>11} {b['beta_vmf']:>9.5f} "
                f"{b['beta_star']:>9.5f} {b['attained_by']:>11}  {shape}"
            )
        return "\n".join(lines)


def zonal_map(
    dimensions: Sequence[int],
    alphas: Sequence[float],
    eta2: float = 0.36,
    sizes: Mapping | None = None,
    cache_dir: str | Path | None = None,
    progress: bool = False,
) -> ZonalMap:
    """Thresholds over zonal laws on the ``dimensions x alphas`` grid, resumable through ``cache_dir``.

    .. math::
        q_c^{\\rm zonal} \\le q_c^{\\rm vMF} \\le q_c^{\\rm loc}, \\qquad
        \\beta^*_{\\rm zonal} \\ge \\beta^*_{\\rm vMF}.

    Parameters
    ----------
    dimensions : sequence of int
        ``d >= 2`` each.
    alphas : sequence of float
        ``0 < alpha <= 300`` each.
    eta2 : float
        :math:`\\eta^2` of the ``beta*`` part.
    sizes : mapping, optional
        Search sizes (default :data:`SIZES`; keys as there).
    cache_dir : path, optional
        Where each point is written as ``<config_key>.json`` once computed, and read back (when its
        recorded configuration equals the requested one) instead of being recomputed.
    progress : bool
        A tqdm bar over the profile steps of every point.

    Returns
    -------
    ZonalMap
    """
    sizes = dict(SIZES if sizes is None else sizes)
    missing = set(SIZES) - set(sizes)
    if missing:
        raise ValueError(f"sizes lacks {sorted(missing)}; give every key of SIZES")
    cfgs = [point_config(d, a, eta2, sizes) for d in dimensions for a in alphas]
    cache = Path(cache_dir) if cache_dir is not None else None
    points: list[dict | None] = [None] * len(cfgs)
    todo = []
    for i, cfg in enumerate(cfgs):
        f = cache / f"{config_key(cfg)}.json" if cache is not None else None
        if f is not None and f.exists():
            rec = read_json(f, what="map point")
            if rec.get("config") == cfg:
                points[i] = {**rec, "reused": True}
                continue
        todo.append(i)
    steps = 2 * len(sizes["mean_norms"])  # the profile's up and down sweeps, then beta*
    bar = None
    if progress and todo:
        from tqdm.auto import tqdm

        bar = tqdm(total=steps * len(todo), desc="zonal map", unit="step")
    try:
        for i in todo:
            cfg = cfgs[i]
            if bar is not None:
                bar.set_postfix_str(f"d={cfg['d']} alpha={cfg['alpha']:g}")
            rec = _compute_point(cfg, bar.update if bar is not None else None)
            if cache is not None:
                atomic_write_json(cache / f"{rec['config_key']}.json", rec)
            points[i] = {**rec, "reused": False}
    finally:
        if bar is not None:
            bar.close()
    return ZonalMap(
        dimensions=tuple(int(d) for d in dimensions),
        alphas=tuple(float(a) for a in alphas),
        eta2=float(eta2),
        sizes=sizes,
        points=tuple(points),
    )


_QC_CLASSES = {"local limit": 0, "vMF": 1, "rings": 2}
_QC_LABELS = (
    "second order: q_c^loc (vMF family, as ||m|| -> 0)",
    "a vMF tilt (first order)",
    "rings beat vMF",
)
_BETA_CLASSES = {"zero": 0, "local limit": 1, "vMF": 2, "density": 3}
_BETA_LABELS = ("beta* = 0", "beta*_loc (KL -> 0)", "a vMF tilt", "a zonal density beats vMF")


def plot_zonal_map(zmap: ZonalMap):
    """Figure of a :class:`ZonalMap`: the (d, alpha) plane coloured by who holds the extremum.

    .. math::
        \\text{left: } q_c^{\\rm zonal}/q_c^{\\rm vMF}, \\qquad
        \\text{right: } \\beta^*_{\\rm zonal} - \\beta^*_{\\rm vMF} \\text{ (in each cell)}.

    Returns
    -------
    matplotlib.figure.Figure
        Built without pyplot (no global state).
    """
    if not isinstance(zmap, ZonalMap):
        raise TypeError(f"zmap must be a ZonalMap (from zonal_map); got {type(zmap).__name__}")
    from matplotlib.colors import ListedColormap
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch

    ds, als = zmap.dimensions, zmap.alphas
    fig = Figure(figsize=(13, 6.2), layout="constrained")
    axes = fig.subplots(1, 2)
    for ax, part, classes, labels, colours in (
        (axes[0], "threshold", _QC_CLASSES, _QC_LABELS, ("#d9d9d9", "#9ecae1", "#de2d26")),
        (axes[1], "beta", _BETA_CLASSES, _BETA_LABELS, ("#ffffff", "#d9d9d9", "#9ecae1", "#de2d26")),
    ):
        grid = np.zeros((len(ds), len(als)))
        for i, d in enumerate(ds):
            for j, a in enumerate(als):
                rec = zmap.point(d, a)[part]
                grid[i, j] = classes[rec["attained_by"]]
                if part == "threshold":
                    text = f"{rec['q_c'] / rec['q_c_vmf']:.4f}"
                    if rec["attained_by"] == "rings":
                        text += f"\n{_short_shape(rec)}"
                else:
                    text = f"{rec['beta_star']:.3g}\n(vMF {rec['beta_vmf']:.3g})"
                ax.text(j, i, text, ha="center", va="center", fontsize=6.5)
        cmap = ListedColormap(colours)
        ax.imshow(grid, cmap=cmap, vmin=-0.5, vmax=len(labels) - 0.5, aspect="auto", origin="lower")
        ax.set_xticks(range(len(als)), [f"{a:g}" for a in als])
        ax.set_yticks(range(len(ds)), [str(d) for d in ds])
        ax.set_xlabel("alpha = 1/tau")
        ax.set_ylabel("d")
        ax.legend(
            handles=[Patch(facecolor=colours[k], edgecolor="k", label=lab) for k, lab in enumerate(labels)],
            loc="upper center",
            bbox_to_anchor=(0.5, -0.1),
            fontsize=7,
            ncol=2,
        )
    axes[0].set_title("App. D threshold q_c over zonal laws\ncell: q_c^zonal / q_c^vMF (and the minimiser)")
    axes[1].set_title(
        f"Theorem 1's beta* over zonal densities (eta2 = {zmap.eta2:g})\ncell: beta*_zonal (vMF)"
    )
    return fig


def _short_shape(rec: Mapping) -> str:
    """``"1 ring t=0.60"``, ``"2 rings"``, ``"ring + pole"``: a cell label for the minimiser."""
    t = np.asarray(rec["latitudes"], dtype=np.float64)
    p = np.asarray(rec["weights"], dtype=np.float64)
    big = p >= 1e-3
    poles = int(np.sum(big & (np.abs(t) >= 0.999)))
    rings = int(np.sum(big & (np.abs(t) < 0.999)))
    if rings == 1 and poles == 0:
        return f"ring t={t[big][0]:.2f}"
    return f"{rings} ring{'s' if rings != 1 else ''}" + (f" + {poles} pole" if poles else "")
