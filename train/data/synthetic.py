"""The paper's synthetic data sets with their view channels (App. E.1): Laplace, GMM, Binary.

Each maker returns a :class:`~train.data.base.PairData` whose base samples are drawn once from a numpy
generator seeded by ``seed`` (so the data set is a fixed function of its parameters) and whose view
channel draws from the ``torch.Generator`` it is given (so training is reproducible and resumable).
``eta2`` is the channel's squared HGR maximal correlation from :mod:`theory.hgr`.

- **Laplace**: :math:`X_0 \\sim \\mathrm{Laplace}(0, 1)^{D}`, ``D = 1024``; a view is
  :math:`X = S \\cdot M \\odot (A X_0 + \\sqrt{1 - A^2}\\,\\varepsilon + 0.2\\,\\xi)`,
  :math:`\\varepsilon, \\xi \\sim N(0, I_D)`, :math:`M_k \\sim \\mathrm{Bernoulli}(0.9)/0.9` (feature
  dropout ``p = 0.1``, inverted as in ``torch.nn.Dropout``), :math:`\\log S \\sim N(0, 0.1^2)` (one scale
  per view). :math:`\\eta^2` from :func:`theory.hgr.eta2_laplace_channel` (0.561 at ``A = 0.6``, not
  :math:`A^2 = 0.36`: the base is Laplace, not Gaussian, and the jitter is part of the channel).
- **GMM**: 25 equally likely components with means :math:`\\mu_k \\sim N(0, s_\\mu^2 I_D)` drawn once
  (``mean_scale`` :math:`s_\\mu`), shared covariance :math:`\\sigma^2 I_D`; the base variable is the
  component :math:`K`, a base row is a draw :math:`\\mu_K + \\sigma Z`, and the two views are two fresh
  independent draws from the same component. :math:`\\eta^2` from :func:`theory.hgr.eta2_gmm_pairing`.
- **Binary**: :math:`X_0 \\in \\{0, 1\\}^D` with i.i.d. Bernoulli(``sparsity``) entries (the paper does not
  state the sparsity; default 0.01, about 10 ones per vector); each view flips every zero entry to one
  independently with probability ``flip = 0.001`` (ones stay). :math:`\\eta^2` from
  :func:`theory.hgr.eta2_binary_pairing` (exact).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from theory._validation import check_int, check_real
from train.data._common import DIM, _normal, _sizes, _uniform, one_thread_below, small_on_one_thread
from train.data._laplace import LaplaceViews, laplace_eta2, make_laplace
from train.data.base import PairData

__all__ = [
    "BinaryViews",
    "GMMViews",
    "LaplaceViews",
    "laplace_eta2",
    "make_binary",
    "make_gmm",
    "make_laplace",
]


# --------------------------------------------------------------------------------------------------
# GMM
# --------------------------------------------------------------------------------------------------
def _row_keys(x: torch.Tensor) -> torch.Tensor:
    """An exact int64 key per row: the bit pattern of its first two float32 coordinates."""
    return x[:, :2].to(torch.float32).contiguous().view(torch.int64).reshape(-1)


class GMMViews:
    """Two independent draws from the component of each base row (a picklable callable).

    The base variable of this channel is the component :math:`K`; a base row is one draw of it. The
    component of a row of the data set is read from an exact lookup table (the bit pattern of the row's
    first two coordinates); a row outside the data set gets the component of highest posterior.

    Parameters
    ----------
    means : torch.Tensor, shape (K, D)
    sigma : float
    x_all : torch.Tensor, shape (n, D)
        Every base row of the data set.
    labels : torch.Tensor, shape (n,)
        Their components.
    """

    def __init__(self, means: torch.Tensor, sigma: float, x_all: torch.Tensor, labels: torch.Tensor):
        self.means = means
        self.sigma = float(sigma)
        keys = _row_keys(x_all)
        order = torch.argsort(keys)
        self._keys = keys[order]
        self._labels = labels[order]

    def component(self, x0: torch.Tensor) -> torch.Tensor:
        """Component of each row of ``x0``, shape (n,)."""
        keys = _row_keys(x0)
        pos = torch.searchsorted(self._keys, keys).clamp(max=self._keys.numel() - 1)
        found = self._keys[pos] == keys
        lab = self._labels[pos].clone()
        if not bool(found.all()):
            d2 = torch.cdist(x0[~found].to(self.means.dtype), self.means)
            lab[~found] = torch.argmin(d2, dim=1)
        return lab

    def draw(self, k: torch.Tensor, g: torch.Generator) -> torch.Tensor:
        """One draw :math:`\\mu_k + \\sigma Z` per entry of ``k``."""
        mu = self.means[k]
        with one_thread_below(mu.numel(), mu.device):
            return mu + self.sigma * _normal(mu.shape, g, mu)

    @small_on_one_thread
    def __call__(self, x0: torch.Tensor, g: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
        """Two fresh independent draws from each row's component, shape (n, D) each."""
        k = self.component(x0)
        return self.draw(k, g), self.draw(k, g)


def make_gmm(
    *,
    n_train: int = 5000,
    n_test: int = 2000,
    dim: int = DIM,
    n_components: int = 25,
    mean_scale: float = 0.07,
    sigma: float = 1.0,
    seed: int = 0,
    eta2: bool = True,
) -> PairData:
    """The 25-component Gaussian mixture of App. E.1 with its pairing channel.

    Means :math:`\\mu_k \\sim N(0, s_\\mu^2 I_D)` (fixed by ``seed``), covariance :math:`\\sigma^2 I_D`.
    The paper gives neither :math:`s_\\mu` nor :math:`\\sigma`; the default :math:`s_\\mu = 0.07,\\ \\sigma =
    1` puts the pairing at :math:`\\eta^2 \\approx 0.50` (near the Laplace channel's 0.56), i.e. the
    components overlap: the label is not readable from one draw.

    Parameters
    ----------
    n_train, n_test : int
        Base rows (paper: 10000 in all).
    dim, n_components : int
    mean_scale, sigma : float
    seed : int
    eta2 : bool
        Compute :math:`\\eta^2` (Monte Carlo, 20000 draws).

    Returns
    -------
    PairData
        Labels are the components.
    """
    n_train, n_test, dim, seed = _sizes(n_train, n_test, dim, seed)
    n_components = check_int(n_components, "n_components", low=2)
    mean_scale = check_real(mean_scale, "mean_scale", low=0.0, low_open=True)
    sigma = check_real(sigma, "sigma", low=0.0, low_open=True)
    rng = np.random.default_rng(seed)
    means = mean_scale * rng.standard_normal((n_components, dim))
    n = n_train + n_test
    lab = rng.integers(0, n_components, n)
    x = (means[lab] + sigma * rng.standard_normal((n, dim))).astype(np.float32)
    xt, yt = torch.from_numpy(x), torch.from_numpy(lab.astype(np.int64))
    mt = torch.from_numpy(means.astype(np.float32))
    if eta2:
        from theory.hgr import eta2_gmm_pairing

        r = eta2_gmm_pairing(means, sigma, seed=seed)
        e2, note = float(r.eta2), f"theory.hgr.eta2_gmm_pairing: {r.method}, se {r.details['se']:.2g}"
    else:
        e2, note = None, "not computed (eta2=False)"
    return PairData(
        name="gmm",
        x_train=xt[:n_train],
        x_test=xt[n_train:],
        y_train=yt[:n_train],
        y_test=yt[n_train:],
        views=GMMViews(mt, sigma, xt, yt),
        eta2=e2,
        eta2_note=note,
        input_shape=(dim,),
        meta={
            "n_train": n_train,
            "n_test": n_test,
            "dim": dim,
            "n_components": n_components,
            "mean_scale": mean_scale,
            "sigma": sigma,
            "seed": seed,
        },
    )


# --------------------------------------------------------------------------------------------------
# Binary
# --------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class BinaryViews:
    """Each zero entry flips to one independently with probability ``flip``; ones stay.

    .. math::
        X_k = \\max(X_{0,k}, B_k), \\qquad B_k \\sim \\mathrm{Bernoulli}(q).

    Attributes
    ----------
    flip : float
        :math:`q` (paper: 0.1% = 0.001).
    """

    flip: float = 0.001

    @small_on_one_thread
    def one(self, x0: torch.Tensor, g: torch.Generator) -> torch.Tensor:
        """One view of the batch ``x0``."""
        b = (_uniform(x0.shape, g, x0) < self.flip).to(x0.dtype)
        return torch.maximum(x0, b)

    def __call__(self, x0: torch.Tensor, g: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
        """Two conditionally independent views of ``x0``, shape (n, D) each."""
        return self.one(x0, g), self.one(x0, g)


def make_binary(
    *,
    n_train: int = 5000,
    n_test: int = 2000,
    dim: int = DIM,
    sparsity: float = 0.01,
    flip: float = 0.001,
    seed: int = 0,
) -> PairData:
    """The sparse Binary data set of App. E.1 with its flip channel.

    Parameters
    ----------
    n_train, n_test, dim : int
    sparsity : float in (0, 1)
        :math:`P(X_{0,k} = 1)`. Not stated by the paper; default 0.01 (about 10 ones among 1024).
    flip : float in [0, 1)
        Zero-to-one flip probability per view (paper: 0.001).
    seed : int

    Returns
    -------
    PairData
        ``eta2`` is exact (:func:`theory.hgr.eta2_binary_pairing`).
    """
    from theory.hgr import eta2_binary_pairing

    n_train, n_test, dim, seed = _sizes(n_train, n_test, dim, seed)
    sparsity = check_real(sparsity, "sparsity", low=0.0, high=1.0, low_open=True, high_open=True)
    flip = check_real(flip, "flip", low=0.0, high=1.0, high_open=True)
    rng = np.random.default_rng(seed)
    x = (rng.random((n_train + n_test, dim)) < sparsity).astype(np.float32)
    xt = torch.from_numpy(x)
    return PairData(
        name="binary",
        x_train=xt[:n_train],
        x_test=xt[n_train:],
        y_train=None,
        y_test=None,
        views=BinaryViews(flip),
        eta2=float(eta2_binary_pairing(sparsity, flip)),
        eta2_note="theory.hgr.eta2_binary_pairing: exact (binary coordinates, tensorisation)",
        input_shape=(dim,),
        meta={
            "n_train": n_train,
            "n_test": n_test,
            "dim": dim,
            "sparsity": sparsity,
            "flip": flip,
            "seed": seed,
        },
    )
