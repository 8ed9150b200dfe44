"""The law of :math:`\\lVert z \\rVert` for a linear encoder of Binary inputs, its CV, and the sparsity a
CV fixes.

For :math:`z = W x + b`, :math:`W \\in \\mathbb{R}^{d \\times D}` with i.i.d. symmetric entries (variance
:math:`s^2`, fourth moment :math:`\\mu_4`) and :math:`x \\in \\{0,1\\}^D` with :math:`K = |x| \\sim
\\mathrm{Bin}(D, p)` active inputs, :math:`z = \\sum_{j \\in S} W_{:, j} + b` depends on :math:`x` only
through its active set :math:`S`. The CV of Sec. 5 is :math:`\\operatorname{std} \\lVert z \\rVert /
E \\lVert z \\rVert` over the inputs, for one encoder.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import special

from theory._io import ResultMixin
from theory._validation import as_int, as_real, as_rng

__all__ = [
    "EntryLaw",
    "NormCV",
    "binary_norm_cv",
    "cv_floor",
    "norm_moments_given_k",
]


@dataclass(frozen=True)
class EntryLaw(ResultMixin):
    """The law of the i.i.d. entries of a weight matrix or bias at initialisation (symmetric about 0).

    Attributes
    ----------
    name : str
        ``"uniform"``, ``"normal"`` or ``"zero"``.
    scale : float
        Bound :math:`a` of :math:`U(-a, a)`, or standard deviation of :math:`N(0, \\sigma^2)`; 0 for zero.
    var : float
        :math:`E w^2` (:math:`a^2/3`, :math:`\\sigma^2`).
    m4 : float
        :math:`E w^4` (:math:`a^4/5`, :math:`3\\sigma^4`).
    """

    name: str
    scale: float
    var: float
    m4: float

    @classmethod
    def uniform(cls, bound) -> EntryLaw:
        """:math:`U(-a, a)`."""
        a = as_real(bound, "bound", low=0.0, low_open=True)
        return cls("uniform", a, a * a / 3.0, a**4 / 5.0)

    @classmethod
    def normal(cls, sd) -> EntryLaw:
        """:math:`N(0, \\sigma^2)`."""
        s = as_real(sd, "sd", low=0.0, low_open=True)
        return cls("normal", s, s * s, 3.0 * s**4)

    @classmethod
    def zero(cls) -> EntryLaw:
        """No bias (every entry 0)."""
        return cls("zero", 0.0, 0.0, 0.0)

    @classmethod
    def torch_default(cls, D) -> EntryLaw:
        """PyTorch's ``nn.Linear`` initialisation of both weight and bias: :math:`U(-1/\\sqrt D, 1/\\sqrt D)`.

        (``kaiming_uniform_(a=sqrt(5))`` gives the bound :math:`\\sqrt{6 / ((1 + 5) D)} = 1/\\sqrt D`; the
        bias uses :math:`1/\\sqrt{\\text{fan\\_in}}`.)
        """
        return cls.uniform(1.0 / math.sqrt(as_int(D, "D", low=1)))

    def sample(self, shape, seed=None) -> np.ndarray:
        """Draws of this law with the given shape."""
        rng = as_rng(seed)
        if self.name == "uniform":
            return rng.uniform(-self.scale, self.scale, shape)
        if self.name == "normal":
            return rng.normal(0.0, self.scale, shape)
        return np.zeros(shape)


def _entry(law, name: str) -> EntryLaw:
    if not isinstance(law, EntryLaw):
        raise TypeError(
            f"{name} must be an EntryLaw (EntryLaw.uniform(...), .normal(...), .zero()); got {law!r}"
        )
    return law


def norm_moments_given_k(
    K, d, weight: EntryLaw, bias_sq_norm=0.0, *, D=None
) -> tuple[np.ndarray, np.ndarray]:
    """Mean and variance of :math:`\\lVert z \\rVert^2` given :math:`K` active inputs.

    For a fixed bias :math:`b` (:math:`B = \\lVert b \\rVert^2`) and :math:`W` with i.i.d. symmetric
    entries, each coordinate is :math:`Y_c = \\sum_{j \\in S} W_{cj} + b_c`, independent over :math:`c`,
    and :math:`\\operatorname{Var}(T + \\beta)^2 = \\operatorname{Var} T^2 + 4\\beta^2 \\operatorname{Var} T`
    for a symmetric sum :math:`T` with :math:`\\operatorname{Var} T^2 = K\\mu_4 + (2K^2 - 3K)s^4`. Over a
    random initialisation *and* a random active set (``D=None``):

    .. math::
        m_K = E[\\lVert z \\rVert^2 \\mid K] = d K s^2 + B, \\qquad
        v_K^{\\mathrm{init}} = d \\big(K \\mu_4 + (2K^2 - 3K) s^4\\big) + 4 K s^2 B.

    For *one* encoder (the CV of Sec. 5 is over inputs, for a fixed :math:`W`) the variance is over the
    active set :math:`S`, a uniform :math:`K`-subset of the :math:`D` inputs; its expectation over
    initialisations (``D`` given) removes the variance of the conditional mean
    :math:`E_S \\lVert z \\rVert^2 = \\frac{K}{D} A + \\frac{K(K-1)}{D(D-1)} C + \\frac{2K}{D} L + B`, with
    :math:`A = \\sum_j \\lVert w_j \\rVert^2`, :math:`C = \\sum_{i \\ne j} w_i \\cdot w_j`,
    :math:`L = \\sum_j b \\cdot w_j` uncorrelated (odd moments vanish):

    .. math::
        E_W \\operatorname{Var}_S = v_K^{\\mathrm{init}} - \\frac{K^2}{D} d(\\mu_4 - s^4)
            - \\frac{2 K^2 (K-1)^2}{D(D-1)} d s^4 - \\frac{4 K^2}{D} s^2 B,

    which is 0 at :math:`K = D` and :math:`(1 - 1/D)` times the one-column variance at :math:`K = 1`. The
    correction is of relative order :math:`K/D`; for one fixed :math:`W` the conditional mean itself
    moves by relative order :math:`\\sqrt{2/d}\\, K/D` (the inner products :math:`C`).

    Parameters
    ----------
    K : int or array_like of int
        Active inputs, ``0 <= K`` (``<= D`` when ``D`` is given).
    d : int
        Embedding dimension.
    weight : EntryLaw
        Law of the weight entries.
    bias_sq_norm : float >= 0
        :math:`B = \\lVert b \\rVert^2`.
    D : int, optional
        Number of inputs: the variance for one fixed encoder, averaged over initialisations. ``None``: the
        variance over initialisations and inputs together.

    Returns
    -------
    mean, var : ndarray
        Shape of ``K``.
    """
    K = np.asarray(K)
    if not np.issubdtype(K.dtype, np.integer) or np.any(K < 0):
        raise ValueError(f"K must be non-negative integers; got {K!r}")
    K = K.astype(np.float64)
    d = as_int(d, "d", low=1)
    weight = _entry(weight, "weight")
    B = as_real(bias_sq_norm, "bias_sq_norm", low=0.0)
    s2, m4 = weight.var, weight.m4
    mean = d * K * s2 + B
    var = d * (K * m4 + (2.0 * K * K - 3.0 * K) * s2 * s2) + 4.0 * K * s2 * B
    if D is not None:
        D = as_int(D, "D", low=2)
        if np.any(K > D):
            raise ValueError(f"K must be at most D = {D}; got {K.max():g}")
        var = var - K * K / D * (d * (m4 - s2 * s2) + 4.0 * s2 * B)
        var = var - 2.0 * K * K * (K - 1.0) ** 2 / (D * (D - 1.0)) * d * s2 * s2
    return mean, np.maximum(var, 0.0)


@dataclass(frozen=True)
class NormCV(ResultMixin):
    """The law of :math:`\\lVert z \\rVert` of a randomly initialised linear encoder on Binary inputs.

    Attributes
    ----------
    p : float
        Sparsity.
    D, d : int
        Input and embedding dimensions.
    lam : float
        :math:`pD`.
    weight, bias : EntryLaw
        Initialisation laws (``bias.name == "zero"``: no bias).
    bias_sq_norm : float
        :math:`B` used (the expectation :math:`d\\, E b_c^2` unless given).
    mean_sq_norm : float
        :math:`E \\lVert z \\rVert^2` (exact).
    mean_norm : float
        :math:`E \\lVert z \\rVert` (second-order expansion of the square root given K; error
        :math:`O(d^{-2})` relative).
    cv : float
        :math:`\\sqrt{E\\lVert z\\rVert^2 / (E\\lVert z\\rVert)^2 - 1}`.
    p_zero : float
        :math:`P(K = 0) = (1-p)^D`, the mass of the input :math:`x = 0` (mapped to :math:`b`).
    """

    p: float
    D: int
    d: int
    lam: float
    weight: EntryLaw
    bias: EntryLaw
    bias_sq_norm: float
    mean_sq_norm: float
    mean_norm: float
    cv: float
    p_zero: float


def _cv_core(
    p: float, D: int, d: int, weight: EntryLaw, B: float, fixed: bool = True
) -> tuple[float, float, float]:
    K = np.arange(D + 1)
    logc = special.gammaln(D + 1.0) - special.gammaln(K + 1.0) - special.gammaln(D - K + 1.0)
    pk = np.exp(logc + K * math.log(p) + (D - K) * math.log1p(-p))  # Bin(D, p), 20x faster than scipy.stats
    keep = pk > 1e-300
    K, pk = K[keep], pk[keep]
    m, v = norm_moments_given_k(K, d, weight, B, D=D if fixed and D > 1 else None)
    root = np.sqrt(m)
    safe = np.where(m > 0, m, 1.0)
    mean_norm_k = np.where(m > 0, root * (1.0 - v / (8.0 * safe * safe)), 0.0)
    e2 = float(pk @ m)
    e1 = float(pk @ mean_norm_k)
    return e2, e1, math.sqrt(max(e2 / (e1 * e1) - 1.0, 0.0))


def _cv_args(p, D, d, weight, bias, bias_sq_norm):
    p = as_real(p, "p", low=0.0, high=1.0, low_open=True, high_open=True)
    D = as_int(D, "D", low=1)
    d = as_int(d, "d", low=1)
    weight = EntryLaw.torch_default(D) if weight is None else _entry(weight, "weight")
    bias = EntryLaw.torch_default(D) if bias is None else _entry(bias, "bias")
    B = d * bias.var if bias_sq_norm is None else as_real(bias_sq_norm, "bias_sq_norm", low=0.0)
    return p, D, d, weight, bias, B


def binary_norm_cv(
    p, D=1024, d=256, *, weight=None, bias=None, bias_sq_norm=None, fixed_encoder: bool = True
) -> NormCV:
    """CV of :math:`\\lVert z \\rVert`, :math:`z = Wx + b` at initialisation, Bernoulli(p) inputs.

    With :math:`m_K, v_K` from :func:`norm_moments_given_k` (:math:`v_K` the variance over inputs of one
    encoder whose conditional means are the :math:`m_K`, averaged over initialisations) and
    :math:`K \\sim \\mathrm{Bin}(D, p)`,

    .. math::
        E\\lVert z \\rVert^2 = \\sum_K P(K)\\, m_K, \\qquad
        E\\lVert z \\rVert \\approx \\sum_K P(K) \\sqrt{m_K}\\Big(1 - \\frac{v_K}{8 m_K^2}\\Big), \\qquad
        \\mathrm{CV} = \\sqrt{\\frac{E\\lVert z\\rVert^2}{(E\\lVert z\\rVert)^2} - 1}.

    For large :math:`d` the CV is set by :math:`K`: :math:`\\lVert z \\rVert^2 \\approx d s^2 (K + \\beta^2)`
    with :math:`\\beta^2 = B/(d s^2)`; without bias :math:`\\mathrm{CV} \\approx \\mathrm{CV}(\\sqrt K)`,
    about :math:`1/(2\\sqrt\\lambda)` for large :math:`\\lambda`; with PyTorch's default bias
    (:math:`\\beta^2 = 1`) the all-zero input maps to :math:`b` and the CV vanishes as :math:`p \\to 0`.
    Sec. 5 of the paper defines the CV; App. E.1 and Table 1 give its epoch-0 value for Binary (0.36).

    Parameters
    ----------
    p : float in (0, 1)
    D, d : int
        Input and embedding dimensions (App. E.1: 1024 and 256).
    weight : EntryLaw, optional
        Default :meth:`EntryLaw.torch_default` (``nn.Linear``).
    bias : EntryLaw, optional
        Default :meth:`EntryLaw.torch_default`; :meth:`EntryLaw.zero` for no bias.
    bias_sq_norm : float, optional
        :math:`\\lVert b \\rVert^2` of a given encoder; default its expectation :math:`d\\, E b_c^2`.
    fixed_encoder : bool
        ``True``: the CV over inputs of one encoder (Sec. 5). ``False``: over initialisations and inputs
        together (larger by the spread between encoders, relative order :math:`K/D`); then
        ``mean_norm`` is :math:`E_{W,x}\\lVert z \\rVert`.

    Returns
    -------
    NormCV
    """
    if not isinstance(fixed_encoder, bool):
        raise TypeError(f"fixed_encoder must be True or False; got {fixed_encoder!r}")
    p, D, d, weight, bias, B = _cv_args(p, D, d, weight, bias, bias_sq_norm)
    e2, e1, cv = _cv_core(p, D, d, weight, B, fixed_encoder)
    return NormCV(
        p=p, D=D, d=d, lam=p * D, weight=weight, bias=bias, bias_sq_norm=B,
        mean_sq_norm=e2, mean_norm=e1, cv=cv, p_zero=float((1.0 - p) ** D),
    )  # fmt: skip


def cv_floor(p, D) -> float:
    """Lower bound on the CV of :math:`\\lVert z \\rVert` for *every* bias-free linear encoder of Binary
    inputs.

    The input :math:`x = 0` has probability :math:`\\pi_0 = (1-p)^D` and maps to :math:`z = 0`. For
    :math:`Y = \\lVert z \\rVert \\ge 0` with :math:`P(Y = 0) \\ge \\pi_0`, Cauchy-Schwarz on
    :math:`\\{Y > 0\\}` gives :math:`(E Y)^2 \\le P(Y > 0)\\, E Y^2`, so

    .. math::
        \\mathrm{CV}^2 = \\frac{E Y^2}{(E Y)^2} - 1 \\ge \\frac{\\pi_0}{1 - \\pi_0}, \\qquad
        \\pi_0 = (1 - p)^D \\approx e^{-\\lambda},

    whatever :math:`W` (trained or not). A bias removes the bound (:math:`x = 0` maps to :math:`b`).

    Parameters
    ----------
    p : float in (0, 1)
    D : int >= 1

    Returns
    -------
    float
    """
    p = as_real(p, "p", low=0.0, high=1.0, low_open=True, high_open=True)
    D = as_int(D, "D", low=1)
    pi0 = math.exp(D * math.log1p(-p))
    return math.sqrt(pi0 / (1.0 - pi0))
