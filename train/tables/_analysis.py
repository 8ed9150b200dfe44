"""What a trained encoder's row can and cannot show: rotations, basis-free tests, and the exact law.

For one encoder (a run's trained weights, or the same network at its initialisation):

- **rotations**: InfoNCE sees only inner products, so :math:`z \\mapsto Qz` leaves the loss unchanged
  (the held-out loss before and after each rotation is recorded, and their largest difference); the
  coordinate statistics of :math:`ZQ` over Haar rotations (:func:`theory.gaussianity.rotation_spread`)
  show how much of the paper's coordinate-wise reading belongs to the basis;
- **basis-free** diagnostics (:func:`theory.gaussianity.diagnose`): AD / DP on random unit projections,
  Henze-Zirkler and Mardia, sliced W2 to the fitted Gaussian against its null;
- **the exact law** of a linear encoder's coordinates (:mod:`theory.encoders`): on Binary inputs each
  coordinate's skewness and excess kurtosis follow from its weight row
  (:func:`~theory.encoders.binary_rows_cumulants`), hence a predicted DP pass rate
  (:func:`~theory.encoders.dp_pass_asymptotic`, leading order in n) beside the measured one, and the
  ceiling no linear encoder passes (:func:`~theory.encoders.pass_rate_ceiling`); on Laplace and GMM
  inputs the same from :func:`~theory.encoders.laplace_coordinate_cumulants` and
  :func:`~theory.encoders.gmm_coordinate_cumulants`.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch

from train.config import RunConfig

__all__ = ["analyse_encoder", "binary_ceiling", "linear_prediction"]

#: Rotations drawn per encoder, random projections, and the seed of both.
N_ROTATIONS = 32
N_PROJECTIONS = 64


def _unit(z: np.ndarray) -> np.ndarray:
    return z / np.maximum(np.linalg.norm(z, axis=1, keepdims=True), 1e-300)


def _models(config: RunConfig, data, run: Path | None):
    """The encoder at its initialisation (seeded as in the run) and, with ``run``, its trained weights."""
    from train.loop import build, load_checkpoint

    _, init, _, _ = build(config, data)
    trained = None
    if run is not None:
        _, trained, _, _ = build(config, data)
        state = load_checkpoint(run / "checkpoint.pt")
        trained.load_state_dict(state["model"])
    return init, trained


def linear_prediction(model: torch.nn.Module, config: RunConfig, data, n: int) -> dict | None:
    """The exact cumulants of every coordinate of a linear encoder, and the DP pass rate they predict.

    Binary: :math:`\\gamma_2(z_k) = \\frac{1 - 6pq}{pq} \\frac{\\sum_i W_{ki}^4}{(\\sum_i W_{ki}^2)^2}`
    (and :math:`\\gamma_1` likewise); Laplace: :math:`\\gamma_2 = 3 \\sum W^4 / (\\sum W^2)^2`; GMM: the
    mixture's cumulants along each row. ``None`` for other encoders or data.

    Returns
    -------
    dict or None
        ``dp_pass_predicted`` (mean over coordinates of the leading-order DP pass probability at ``n``),
        ``row_ratio_mean`` (mean :math:`\\sum W^4 / (\\sum W^2)^2` over rows), mean and largest
        :math:`|\\gamma_1|`, :math:`|\\gamma_2|`.
    """
    from theory.encoders import (
        binary_rows_cumulants,
        dp_pass_asymptotic,
        gmm_coordinate_cumulants,
        laplace_coordinate_cumulants,
    )

    if config.model != "linear" or config.data not in ("binary", "laplace", "gmm"):
        return None
    W = next(m for m in model.modules() if isinstance(m, torch.nn.Linear)).weight.detach().double().numpy()
    ratio = (W**4).sum(axis=1) / (W**2).sum(axis=1) ** 2
    if config.data == "binary":
        c = binary_rows_cumulants(W, data.meta["sparsity"])
        g1, g2 = c.skewness, c.excess_kurtosis
    elif config.data == "laplace":
        cs = [laplace_coordinate_cumulants(w) for w in W]
        g1, g2 = np.array([c.skewness for c in cs]), np.array([c.excess_kurtosis for c in cs])
    else:
        means = data.views.means.double().cpu().numpy()
        cs = [gmm_coordinate_cumulants(w, means, data.meta["sigma"]) for w in W]
        g1, g2 = np.array([c.skewness for c in cs]), np.array([c.excess_kurtosis for c in cs])
    dp = np.array([dp_pass_asymptotic(a, b, n) for a, b in zip(g1, g2, strict=True)])
    return {
        "dp_pass_predicted": float(dp.mean()),
        "row_ratio_mean": float(ratio.mean()),
        "abs_skewness_mean": float(np.abs(g1).mean()),
        "abs_excess_kurtosis_mean": float(np.abs(g2).mean()),
        "abs_excess_kurtosis_max": float(np.abs(g2).max()),
        "inputs": config.data,
    }


def binary_ceiling(p: float, n: int, *, D: int = 1024, n_columns: int = 400, seed: int = 0) -> dict:
    """The pass rates no linear encoder of i.i.d. Bernoulli(p) inputs exceeds (DP; AD best found) at n.

    :func:`theory.encoders.pass_rate_ceiling` (Monte Carlo under the exact law, ``n_columns`` columns,
    floor row and two jittered rows), in a JSON-ready summary.
    """
    from theory.encoders import pass_rate_ceiling

    c = pass_rate_ceiling(p, D, n, n_columns=n_columns, seed=seed, epsilons=(0.3, 0.6))
    return {
        "p": c.p, "D": c.D, "lam": c.lam, "n_samples": c.n_samples, "n_columns": c.n_columns,
        "kurtosis_floor": c.floor.kurtosis, "dp_ceiling": c.dp_ceiling, "dp_ceiling_se": c.dp_ceiling_se,
        "dp_asymptotic": c.dp_asymptotic, "ad_best": c.ad_best, "ad_best_se": c.ad_best_se,
    }  # fmt: skip


def _basis_free(z: np.ndarray, seed: int) -> dict:
    from theory.gaussianity import diagnose

    r = diagnose(z, n_projections=N_PROJECTIONS, seed=seed, extras=True)
    p, mv, sw = r.projections, r.multivariate, r.sliced_wasserstein
    return {
        "proj_ad_mean": p.ad_mean, "proj_ad_pass": p.ad_pass, "proj_dp_mean": p.dp_mean,
        "proj_dp_pass": p.dp_pass, "n_projections": N_PROJECTIONS,
        "hz": None if mv is None else mv.hz, "hz_pvalue": None if mv is None else mv.hz_pvalue,
        "mardia_kurtosis_z": None if mv is None else mv.mardia_kurtosis_z,
        "mardia_skewness_pvalue": None if mv is None else mv.mardia_skewness_pvalue,
        "sw2_excess_z": None if sw is None else sw.excess_z,
        "notes": list(r.notes),
    }  # fmt: skip


@torch.no_grad()
def _one(model, config: RunConfig, data, n: int, seed: int) -> dict:
    from theory.gaussianity import haar_rotation, rotation_spread
    from theory.uniformity import infonce_loss
    from train.evaluate import embed

    x0 = data.x_test[:n]
    z = embed(model, x0, device=config.device)
    g = torch.Generator().manual_seed(int(config.seed) + 7919)  # the evaluation's views (train.evaluate)
    xa, xb = data.views(x0, g)
    za, zb = embed(model, xa, device=config.device), embed(model, xb, device=config.device)
    N = min(config.N, n)
    rng = np.random.default_rng(seed)

    keep = (np.linalg.norm(za, axis=1) > 0) & (np.linalg.norm(zb, axis=1) > 0)  # as train.evaluate
    za, zb = za[keep], zb[keep]

    def loss(a, b) -> float:
        u, v = _unit(a), _unit(b)
        return float(np.mean([infonce_loss(u[s : s + N], v[s : s + N], config.alpha)
                              for s in range(0, u.shape[0] - N + 1, N)]))  # fmt: skip

    before = loss(za, zb)
    after = []
    for _ in range(4):
        Q = haar_rotation(z.shape[1], rng)
        after.append(loss(za @ Q, zb @ Q))
    spread = rotation_spread(z, n_rotations=N_ROTATIONS, seed=seed)
    return {
        "loss": {
            "before": before,
            "after": after,
            "max_abs_difference": float(np.max(np.abs(np.array(after) - before))),
        },
        "rotations": {k: v for k, v in spread.to_dict().items() if k not in ("n", "d")},
        "basis_free": _basis_free(z, seed),
        "prediction": linear_prediction(model, config, data, n),
    }


def analyse_encoder(config: RunConfig, data, run: Path, *, seed: int = 0) -> dict:
    """Rotations, basis-free diagnostics and exact-law predictions of a run's encoder, trained and at init.

    Parameters
    ----------
    config : RunConfig
        The run's configuration.
    data : PairData
    run : pathlib.Path
        Its run directory (``checkpoint.pt`` holds the trained weights).
    seed : int
        Rotations and projections.

    Returns
    -------
    dict
        ``trained`` and ``epoch0``, each with ``loss`` (held-out InfoNCE before and after 4 rotations),
        ``rotations`` (:class:`~theory.gaussianity.RotationSpread` fields), ``basis_free`` and
        ``prediction`` (:func:`linear_prediction`); ``n``, the evaluated held-out samples.
    """
    n = min(config.n_eval, data.n_test)
    init, trained = _models(config, data, run)
    return {
        "n": n,
        "n_rotations": N_ROTATIONS,
        "trained": _one(trained, config, data, n, seed),
        "epoch0": _one(init, config, data, n, seed),
    }
