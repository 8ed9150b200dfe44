"""The Laplace data set of App. E.1 and its view channel (see :mod:`train.data.synthetic`)."""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np
import torch

from theory._validation import check_real
from train.data._common import DIM, _normal, _sizes, _uniform, small_on_one_thread
from train.data.base import PairData

__all__ = ["LaplaceViews", "laplace_eta2", "make_laplace"]


# --------------------------------------------------------------------------------------------------
# Laplace
# --------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class LaplaceViews:
    """The Laplace view channel of App. E.1 (a picklable callable).

    .. math::
        X = S \\cdot M \\odot \\big(A X_0 + \\sqrt{1 - A^2}\\,\\varepsilon + s_j \\xi\\big), \\quad
        M_k \\sim \\frac{\\mathrm{Bernoulli}(1 - p)}{1 - p}, \\quad \\log S \\sim N(0, s_s^2).

    Attributes
    ----------
    A : float
        Channel coefficient in [-1, 1] (paper: 0.6).
    jitter_sd : float
        :math:`s_j`, sd of the additive jitter (0.2).
    dropout : float
        :math:`p`, feature dropout probability (0.1).
    scale_sd : float
        :math:`s_s`, sd of the log scale (0.1).
    """

    A: float = 0.6
    jitter_sd: float = 0.2
    dropout: float = 0.1
    scale_sd: float = 0.1

    @small_on_one_thread
    def channel(self, x0: torch.Tensor, g: torch.Generator) -> torch.Tensor:
        """One view before the jitter: :math:`A x_0 + \\sqrt{1 - A^2}\\,\\varepsilon`."""
        return self._channel(self.A * x0, g)

    @small_on_one_thread
    def jitter(self, x: torch.Tensor, g: torch.Generator) -> torch.Tensor:
        """The independent jitter: additive noise, then feature dropout, then one scale per row."""
        return self._jitter_(x.clone(), g)

    def _channel(self, ax0: torch.Tensor, g: torch.Generator) -> torch.Tensor:
        # A x0 + c eps, computed as (c eps) + (A x0): the same roundings (IEEE addition commutes)
        return _normal(ax0.shape, g, ax0).mul_(math.sqrt(1.0 - self.A**2)).add_(ax0)

    def _jitter_(self, x: torch.Tensor, g: torch.Generator) -> torch.Tensor:
        # in place, with the roundings of x = x + s_j xi; x = x * keep / (1 - p); x = x * S
        x.add_(_normal(x.shape, g, x).mul_(self.jitter_sd))
        if self.dropout > 0:
            keep = _uniform(x.shape, g, x).ge_(self.dropout)  # 1.0 where kept, 0.0 where dropped
            x.mul_(keep).div_(1.0 - self.dropout)
        scale = _normal((x.shape[0],) + (1,) * (x.ndim - 1), g, x).mul_(self.scale_sd).exp_()
        return x.mul_(scale)

    @small_on_one_thread
    def __call__(self, x0: torch.Tensor, g: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
        """Two conditionally independent views of the batch ``x0``, shape (n, D) each.

        Draws: channel noise, jitter noise, dropout uniforms, log scale of the first view, then the
        second's; the arithmetic runs in place (the published runs' bits; most of the cost is the draws).
        """
        ax0 = self.A * x0
        first = self._jitter_(self._channel(ax0, g), g)
        return first, self._jitter_(self._channel(ax0, g), g)


@functools.lru_cache(maxsize=32)
def laplace_eta2(A: float, jitter_sd: float, dropout: float, scale_sd: float) -> tuple[float, float, str]:
    """eta^2 of the Laplace channel (upper end, lower end, method): :func:`theory.hgr.eta2_laplace_channel`.

    Cached in memory and on disk (:func:`theory._cache.cached`: keyed by the parameters, the version and
    the source of :mod:`theory` and of this module), as the grid operator costs 3 to 13 s.
    """
    from theory._cache import cached
    from theory.hgr import eta2_laplace_channel

    def compute() -> tuple[float, float, str]:
        r = eta2_laplace_channel(A, jitter_sd=jitter_sd, dropout=dropout, scale_sd=scale_sd)
        return float(r.eta2), float(r.eta2_low), r.method

    params = {"A": A, "jitter_sd": jitter_sd, "dropout": dropout, "scale_sd": scale_sd}
    return cached(
        "train.data.synthetic.laplace_eta2", params, compute, sources=("theory", "train.data._laplace")
    )


def make_laplace(
    *,
    n_train: int = 5000,
    n_test: int = 2000,
    dim: int = DIM,
    A: float = 0.6,
    jitter_sd: float = 0.2,
    dropout: float = 0.1,
    scale_sd: float = 0.1,
    seed: int = 0,
    eta2: bool = True,
) -> PairData:
    """The Laplace data set of App. E.1 with its view channel.

    Parameters
    ----------
    n_train, n_test : int
        Base samples (paper: 20000 / 5000).
    dim : int
        Input dimension D (paper: 1024).
    A, jitter_sd, dropout, scale_sd : float
        Channel and jitter parameters (:class:`LaplaceViews`).
    seed : int
        Seed of the base samples.
    eta2 : bool
        Compute :math:`\\eta^2` (about 3 s the first time; ``False`` leaves it ``None``).

    Returns
    -------
    PairData
    """
    n_train, n_test, dim, seed = _sizes(n_train, n_test, dim, seed)
    A = check_real(A, "A", low=-1.0, high=1.0)
    jitter_sd = check_real(jitter_sd, "jitter_sd", low=0.0)
    dropout = check_real(dropout, "dropout", low=0.0, high=1.0, high_open=True)
    scale_sd = check_real(scale_sd, "scale_sd", low=0.0)
    rng = np.random.default_rng(seed)
    x = rng.laplace(0.0, 1.0, size=(n_train + n_test, dim)).astype(np.float32)
    views = LaplaceViews(A, jitter_sd, dropout, scale_sd)
    if eta2:
        hi, lo, method = laplace_eta2(A, jitter_sd, dropout, scale_sd)
        note = f"theory.hgr.eta2_laplace_channel: {method}; bracket [{lo:.4f}, {hi:.4f}], upper end used"
    else:
        hi, lo, note = None, None, "not computed (eta2=False)"
    xt = torch.from_numpy(x)
    return PairData(
        name="laplace",
        x_train=xt[:n_train],
        x_test=xt[n_train:],
        y_train=None,
        y_test=None,
        views=views,
        eta2=hi,
        eta2_note=note,
        input_shape=(dim,),
        meta={
            "n_train": n_train,
            "n_test": n_test,
            "dim": dim,
            "A": A,
            "jitter_sd": jitter_sd,
            "dropout": dropout,
            "scale_sd": scale_sd,
            "seed": seed,
            "eta2_low": lo,
        },
    )
