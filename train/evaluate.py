"""Evaluate an encoder on held-out data with the theory's metrics.

Embeds the held-out base samples (the unnormalised ``z = f(x)``, as the paper's Table 1) and, for the
alignment, one pair of views of each held-out sample drawn with a fixed evaluation generator (so that
evaluation never touches the training randomness). Every number comes from :mod:`theory`:

- CV, AD / DP means and pass rates on the unnormalised and on the normalised embeddings, the pass counts
  calibrated against exact Gaussianity (about 95% pass, not 100%), and the same tests on random unit
  projections (:func:`theory.gaussianity.diagnose`, :func:`~theory.gaussianity.calibrate_passes`);
- the alignment :math:`E[u\\cdot v]`, :math:`\\lVert m\\rVert^2` and the Prop. 1 bound
  :math:`\\eta^2 + (1 - \\eta^2)\\lVert m \\rVert^2` (:func:`theory.alignment.estimate_alignment`), with a
  flag when the bound is violated beyond sampling error (slack below -3 standard errors);
- :math:`\\Phi` of the normalised test embeddings (:func:`theory.uniformity.phi_estimate`) against
  :math:`\\Phi(\\sigma)` (:func:`theory.uniformity.phi_uniform`);
- class-conditional Gaussianity (per-class AD / DP, averaged over classes) where labels exist.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from theory._io import ResultMixin
from theory.alignment import estimate_alignment
from theory.gaussianity import calibrate_passes, diagnose, null_pass_rates
from theory.uniformity import infonce_loss, phi_estimate, phi_uniform
from train.data.base import PairData

__all__ = ["EvalResult", "embed", "evaluate"]

#: Slack below this many standard errors flags a violation of Prop. 1.
VIOLATION_Z = 3.0

#: Held-out views of at most this many bytes (both together) are kept in an evaluation ``cache``.
VIEWS_CACHE_BYTES = 1 << 27


@dataclass(frozen=True)
class EvalResult(ResultMixin):
    """Metrics of one evaluation (strict-JSON-able through ``to_dict()``).

    Attributes
    ----------
    epoch : int
    n, d : int
        Evaluated samples and embedding dimension.
    cv : float
        Std / mean of the row norms of the unnormalised embeddings.
    ad_mean, ad_pass, dp_mean, dp_pass : float
        Paper's statistics on the unnormalised embeddings (pass rates in [0, 1]).
    ad_pass_z, dp_pass_z : float
        Pass counts against the Gaussian null (z-scores; about 0 for exactly Gaussian coordinates).
    ad_null, dp_null : float
        Null pass probabilities.
    gaussian : bool
        Paper's verdict ``ad_mean < 0.752 and dp_mean > 0.05`` (unnormalised).
    norm_ad_mean, norm_ad_pass, norm_dp_mean, norm_dp_pass : float
        The same on the normalised embeddings.
    proj_ad_mean, proj_ad_pass, proj_dp_mean, proj_dp_pass : float or None
        The same on random unit projections (unnormalised), ``None`` without projections.
    alignment, alignment_se : float
        :math:`E[u\\cdot v]` on held-out view pairs and its standard error.
    mean_sq_norm, mean_sq_norm_se : float
        Unbiased :math:`\\lVert m\\rVert^2` and its standard error.
    eta2 : float or None
    bound, slack, slack_se : float or None
        Prop. 1 bound, slack (bound - alignment, >= 0 under Prop. 1) and its standard error.
    bound_violated : bool or None
        ``slack < -3 slack_se``.
    phi, phi_se : float
        Jackknife estimate of :math:`\\Phi(\\mu)` of the normalised test embeddings (``n_phi`` of them).
    phi_uniform : float
        :math:`\\Phi(\\sigma)` on :math:`S^{d-1}`.
    phi_gap : float
        ``phi - phi_uniform`` (>= 0 by Lemma 2, up to sampling error).
    test_loss : float or None
        Eq. 2 on held-out pairs in batches of ``N`` (``theory.uniformity.infonce_loss``), mean over batches;
        ``None`` when fewer than ``N`` held-out samples are evaluated.
    class_ad_mean, class_ad_pass, class_dp_mean, class_dp_pass : float or None
        Class-conditional statistics averaged over classes with at least 20 samples; ``None`` without labels.
    n_classes_evaluated : int
    train_cv, train_ad_mean, train_ad_pass, train_dp_mean, train_dp_pass : float
        CV, AD and DP on the first ``n`` *training* base samples (unnormalised; ``n`` as held out, at
        most ``n_train``): beside the held-out numbers, a rise here alone is memorisation.
    n_train_evaluated : int
    n_zero_embeddings, n_zero_views : int
        Held-out inputs embedded at exactly 0 (left out of Phi), and view pairs with a view at 0 (left out
        of the alignment and the test loss): a bias-free linear encoder maps the all-zero Binary input
        there.
    """

    epoch: int
    n: int
    d: int
    cv: float
    ad_mean: float
    ad_pass: float
    dp_mean: float
    dp_pass: float
    ad_pass_z: float
    dp_pass_z: float
    ad_null: float
    dp_null: float
    gaussian: bool
    norm_ad_mean: float
    norm_ad_pass: float
    norm_dp_mean: float
    norm_dp_pass: float
    proj_ad_mean: float | None
    proj_ad_pass: float | None
    proj_dp_mean: float | None
    proj_dp_pass: float | None
    alignment: float
    alignment_se: float
    mean_sq_norm: float
    mean_sq_norm_se: float
    eta2: float | None
    bound: float | None
    slack: float | None
    slack_se: float | None
    bound_violated: bool | None
    phi: float
    phi_se: float
    phi_uniform: float
    phi_gap: float
    test_loss: float | None
    class_ad_mean: float | None
    class_ad_pass: float | None
    class_dp_mean: float | None
    class_dp_pass: float | None
    n_classes_evaluated: int
    train_cv: float | None = None
    train_ad_mean: float | None = None
    train_ad_pass: float | None = None
    train_dp_mean: float | None = None
    train_dp_pass: float | None = None
    n_train_evaluated: int = 0
    n_zero_embeddings: int = 0
    n_zero_views: int = 0


@torch.no_grad()
def embed(
    model: torch.nn.Module, x: torch.Tensor, *, batch_size: int = 1024, device: str = "cpu"
) -> np.ndarray:
    """Unnormalised embeddings ``f(x)`` in float64, shape (n, d) (model in eval mode, restored after).

    Parameters
    ----------
    model : torch.nn.Module
    x : torch.Tensor, shape (n, *input_shape), floating, n >= 1
    batch_size : int
    device : str
        Where the model lives (``cpu``, ``cuda[:k]``).

    Raises
    ------
    ValueError, TypeError
        A model that is not a module, ``x`` of another type, dtype or shape than the model takes, a
        device the model is not on, or embeddings that are not finite (NaN input, a diverged model).
    """
    from theory._validation import check_int

    if not isinstance(model, torch.nn.Module):
        raise TypeError(f"model must be a torch.nn.Module; got {type(model).__name__}")
    if not isinstance(x, torch.Tensor) or not x.is_floating_point():
        what = f"a {x.dtype} tensor" if isinstance(x, torch.Tensor) else type(x).__name__
        raise TypeError(f"x must be a floating torch.Tensor of shape (n, *input_shape); got {what}")
    if x.ndim < 2 or x.shape[0] < 1:
        raise ValueError(f"x must have shape (n, *input_shape) with n >= 1; got {tuple(x.shape)}")
    batch_size = check_int(batch_size, "batch_size", low=1)
    was_training = model.training
    model.eval()
    try:
        out = [
            model(x[s : s + batch_size].to(device)).double().cpu() for s in range(0, x.shape[0], batch_size)
        ]
    except RuntimeError as exc:
        msg = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ValueError(f"the model cannot embed x of shape {tuple(x.shape)} on {device!r}: {msg}") from None
    finally:
        model.train(was_training)
    z = torch.cat(out).numpy()
    if not np.isfinite(z).all():
        raise ValueError("the embeddings hold NaN or inf values (non-finite x, or a diverged model)")
    return z


def _eval_views(data: PairData, x0: torch.Tensor, seed: int, cache: dict | None):
    """The held-out view pairs of ``x0`` (drawn with the fixed evaluation generator), from ``cache`` when
    it holds those of the same data, samples and seed."""
    key = (x0.shape[0], seed)
    hit = None if cache is None else cache.get("views")
    if hit is not None and hit[0] is data and hit[1] == key:
        return hit[2]
    g = torch.Generator().manual_seed(seed + 7919)
    xa, xb = data.views(x0, g)
    if cache is not None:
        nbytes = sum(t.numel() * t.element_size() for t in (xa, xb) if isinstance(t, torch.Tensor))
        if nbytes <= VIEWS_CACHE_BYTES:
            cache["views"] = (data, key, (xa, xb))
    return xa, xb


def _unit(z: np.ndarray) -> np.ndarray:
    n = np.linalg.norm(z, axis=1, keepdims=True)
    return z / np.where(n > 0, n, 1.0)


def _class_conditional(z: np.ndarray, labels: np.ndarray | None) -> tuple:
    if labels is None:
        return None, None, None, None, 0
    stats = []
    for c in np.unique(labels):
        zc = z[labels == c]
        if zc.shape[0] < 20 or np.any(zc.std(axis=0) == 0):
            continue
        r = diagnose(zc, extras=False)
        stats.append((r.ad_mean, r.ad_pass, r.dp_mean, r.dp_pass))
    if not stats:
        return None, None, None, None, 0
    a = np.mean(stats, axis=0)
    return float(a[0]), float(a[1]), float(a[2]), float(a[3]), len(stats)


def evaluate(
    model: torch.nn.Module,
    data: PairData,
    *,
    epoch: int,
    alpha: float,
    N: int,
    n_eval: int = 2000,
    n_projections: int = 16,
    n_phi: int = 1000,
    seed: int = 0,
    device: str = "cpu",
    cache: dict | None = None,
) -> EvalResult:
    """Embed the first ``n_eval`` held-out samples and compute every metric (see the module docstring).

    Parameters
    ----------
    model : torch.nn.Module
        The encoder (unnormalised output).
    data : PairData
    epoch : int
        Recorded in the result.
    alpha : float
        Inverse temperature for Phi and the test loss.
    N : int
        Batch size of the held-out InfoNCE loss.
    n_eval, n_projections, n_phi : int
    seed : int
        Seed of the evaluation views and projections (fixed across epochs: the same pairs every time).
    device : str
    cache : dict, optional
        A dict the caller keeps across evaluations (the training loop keeps one per run): the held-out
        views, a function of ``data``, ``n_eval`` and ``seed`` only, are drawn once and kept in it (when
        both take at most :data:`VIEWS_CACHE_BYTES`), so later evaluations reuse the same pairs instead
        of drawing them again. The numbers are those of an evaluation without it.

    Returns
    -------
    EvalResult
    """
    from theory._validation import check_int, check_real

    if not isinstance(model, torch.nn.Module):
        raise TypeError(f"model must be a torch.nn.Module; got {type(model).__name__}")
    if not isinstance(data, PairData):
        raise TypeError(f"data must be a train.data.PairData; got {type(data).__name__}")
    epoch = check_int(epoch, "epoch", low=0)
    alpha = check_real(alpha, "alpha", low=0.0, low_open=True)
    N = check_int(N, "N", low=1)
    n_eval = check_int(n_eval, "n_eval", low=20)
    n_projections = check_int(n_projections, "n_projections", low=0)
    n_phi = check_int(n_phi, "n_phi", low=3)
    seed = check_int(seed, "seed", low=0)
    if cache is not None and not isinstance(cache, dict):
        raise TypeError(f"cache must be a dict or None; got {type(cache).__name__}")
    n = min(int(n_eval), data.n_test)
    if n < 20:
        raise ValueError(f"the held-out set has {data.n_test} samples; the tests need at least 20")
    x0 = data.x_test[:n]
    z = embed(model, x0, device=device)
    d = z.shape[1]
    xa, xb = _eval_views(data, x0, int(seed), cache)
    za, zb = embed(model, xa, device=device), embed(model, xb, device=device)
    # a view embedded at 0 (a bias-free encoder of an all-zero input) has no direction: such pairs
    # count as ``n_zero_views`` and leave the alignment and the loss (training normalises them to 0)
    keep = (np.linalg.norm(za, axis=1) > 0) & (np.linalg.norm(zb, axis=1) > 0)
    u, v = _unit(za[keep]), _unit(zb[keep])
    nz = np.linalg.norm(z, axis=1) > 0

    diag = diagnose(z, n_projections=n_projections, seed=int(seed), extras=False)
    norm = diagnose(z, normalize=True, extras=False)
    proj = diag.projections
    null = null_pass_rates(n)
    cal_ad = calibrate_passes(round(diag.ad_pass * d), d, null.ad, test="AD")
    cal_dp = calibrate_passes(round(diag.dp_pass * d), d, null.dp, test="DP")
    al = estimate_alignment(u, v, data.eta2)
    if data.eta2 is not None:
        bound, slack, slack_se = al.bound, al.slack, al.slack_se
        violated = bool(slack < -VIOLATION_Z * slack_se) if slack_se > 0 else bool(slack < 0)
    else:
        bound = slack = slack_se = violated = None
    rng = np.random.default_rng(int(seed) + 104729)
    sub = _unit(z[nz])[rng.permutation(int(nz.sum()))[: min(n_phi, int(nz.sum()))]]
    pe = phi_estimate(sub, alpha)
    pu = float(phi_uniform(d, alpha))
    losses = [infonce_loss(u[s : s + N], v[s : s + N], alpha) for s in range(0, u.shape[0] - N + 1, N)]
    test_loss = float(np.mean(losses)) if losses else None  # fewer than N held-out samples
    labels = None if data.y_test is None else data.y_test[:n].cpu().numpy()
    cam, cap, cdm, cdp, ncls = _class_conditional(z, labels)
    n_tr = min(n, data.n_train)
    tr = diagnose(embed(model, data.x_train[:n_tr], device=device), extras=False) if n_tr >= 20 else None
    return EvalResult(
        epoch=int(epoch),
        n=n,
        d=d,
        cv=diag.cv,
        ad_mean=diag.ad_mean,
        ad_pass=diag.ad_pass,
        dp_mean=diag.dp_mean,
        dp_pass=diag.dp_pass,
        ad_pass_z=cal_ad.z,
        dp_pass_z=cal_dp.z,
        ad_null=null.ad,
        dp_null=null.dp,
        gaussian=diag.gaussian,
        norm_ad_mean=norm.ad_mean,
        norm_ad_pass=norm.ad_pass,
        norm_dp_mean=norm.dp_mean,
        norm_dp_pass=norm.dp_pass,
        proj_ad_mean=None if proj is None else proj.ad_mean,
        proj_ad_pass=None if proj is None else proj.ad_pass,
        proj_dp_mean=None if proj is None else proj.dp_mean,
        proj_dp_pass=None if proj is None else proj.dp_pass,
        alignment=al.alignment,
        alignment_se=al.alignment_se,
        mean_sq_norm=al.mean_sq_norm,
        mean_sq_norm_se=al.mean_sq_norm_se,
        eta2=data.eta2,
        bound=bound,
        slack=slack,
        slack_se=slack_se,
        bound_violated=violated,
        phi=pe.value,
        phi_se=pe.se,
        phi_uniform=pu,
        phi_gap=pe.value - pu,
        test_loss=test_loss,
        class_ad_mean=cam,
        class_ad_pass=cap,
        class_dp_mean=cdm,
        class_dp_pass=cdp,
        n_classes_evaluated=ncls,
        train_cv=None if tr is None else tr.cv,
        train_ad_mean=None if tr is None else tr.ad_mean,
        train_ad_pass=None if tr is None else tr.ad_pass,
        train_dp_mean=None if tr is None else tr.dp_mean,
        train_dp_pass=None if tr is None else tr.dp_pass,
        n_train_evaluated=n_tr if tr is not None else 0,
        n_zero_embeddings=int((~nz).sum()),
        n_zero_views=int((~keep).sum()),
    )
