"""Monte Carlo of a randomly initialised linear encoder of Binary inputs, diagnosed as in Table 1."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from theory._io import ResultMixin
from theory._validation import as_int, as_real
from theory.encoders._ceiling import pass_rates
from theory.encoders._norms import EntryLaw, _entry
from theory.gaussianity import coefficient_of_variation

__all__ = ["EncoderSimulation", "simulate_linear_encoder"]


@dataclass(frozen=True, eq=False)
class EncoderSimulation(ResultMixin):
    """Table 1's diagnostics of randomly initialised linear encoders (one value per initialisation).

    Attributes
    ----------
    p : float
    D, d, n_samples, n_init, seed : int
    weight, bias : EntryLaw
    cv, ad_mean, ad_pass, dp_mean, dp_pass : ndarray, shape (n_init,)
        CV of the row norms, mean AD statistic, AD pass fraction, mean DP p-value, DP pass fraction over
        the ``d`` coordinates of each encoder (means over non-constant coordinates).
    """

    p: float
    D: int
    d: int
    n_samples: int
    n_init: int
    seed: int
    weight: EntryLaw
    bias: EntryLaw
    cv: np.ndarray
    ad_mean: np.ndarray
    ad_pass: np.ndarray
    dp_mean: np.ndarray
    dp_pass: np.ndarray


def simulate_linear_encoder(
    p, *, D=1024, d=256, n_samples=2000, weight=None, bias=None, n_init=4, seed=0
) -> EncoderSimulation:
    """Draw ``n_init`` encoders :math:`z = Wx + b` from an initialisation, embed ``n_samples`` Binary inputs
    each, and compute the paper's CV, AD and DP diagnostics (Sec. 5, Table 1 at epoch 0).

    Parameters
    ----------
    p : float in (0, 1)
        Sparsity.
    D, d : int
        Input and embedding dimensions.
    n_samples : int >= 20
        Inputs per encoder (the evaluation size).
    weight, bias : EntryLaw, optional
        Default :meth:`EntryLaw.torch_default` for both (``nn.Linear``); :meth:`EntryLaw.zero` for no bias.
    n_init : int >= 1
    seed : int >= 0

    Returns
    -------
    EncoderSimulation
    """
    p = as_real(p, "p", low=0.0, high=1.0, low_open=True, high_open=True)
    D = as_int(D, "D", low=1)
    d = as_int(d, "d", low=1)
    n = as_int(n_samples, "n_samples", low=20)
    n_init = as_int(n_init, "n_init", low=1)
    seed = as_int(seed, "seed", low=0)
    weight = EntryLaw.torch_default(D) if weight is None else _entry(weight, "weight")
    bias = EntryLaw.torch_default(D) if bias is None else _entry(bias, "bias")
    out = np.zeros((5, n_init))
    for i, ss in enumerate(np.random.SeedSequence(seed).spawn(n_init)):
        rng = np.random.default_rng(ss)
        W = weight.sample((D, d), rng)
        b = bias.sample(d, rng)
        Z = (rng.random((n, D)) < p).astype(np.float64) @ W + b
        r = pass_rates(Z)
        out[:, i] = (coefficient_of_variation(Z), r.ad_mean, r.ad_pass, r.dp_mean, r.dp_pass)
    return EncoderSimulation(
        p=p, D=D, d=d, n_samples=n, n_init=n_init, seed=seed, weight=weight, bias=bias,
        cv=out[0], ad_mean=out[1], ad_pass=out[2], dp_mean=out[3], dp_pass=out[4],
    )  # fmt: skip
