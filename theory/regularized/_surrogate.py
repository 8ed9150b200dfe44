"""The Appendix D surrogate J_q(mu) = Phi(mu) - q ||m(mu)||^2 of arXiv 2602.24012 on the vMF family.

With :math:`q = \\alpha(1-\\eta^2)` (the regularized objective at the exact bound of Prop. 1 and
``beta = 0``), App. D describes stationary points near uniform and near a vMF tilt. Here: the local
threshold :math:`q_c^{\\rm loc}` (small-kappa expansion, numeric and symbolic) and the global one
:math:`q_c^{\\rm glob}` over the vMF family.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

from theory._io import ResultMixin, to_jsonable
from theory._validation import check_real
from theory.regularized._common import check_alpha, kappa_grid, phi_gap_grid
from theory.special import KAPPA_MAX, _as_nonneg_array, _check_d
from theory.uniformity import phi_vmf
from theory.vmf import mean_resultant_length

__all__ = [
    "QcSymbolic",
    "SurrogateThreshold",
    "qc_local",
    "qc_symbolic",
    "surrogate_threshold",
    "surrogate_vmf",
]


def surrogate_vmf(d: int, kappa: float, alpha: float, q: float) -> float:
    """Appendix D surrogate on the vMF family.

    .. math::
        J_q(\\kappa) = \\Phi(\\mathrm{vMF}_\\kappa) - q A_d(\\kappa)^2.

    Parameters
    ----------
    d : int
        ``d >= 2``.
    kappa, alpha : float
        ``>= 0``.
    q : float
        ``q = alpha (1 - eta2) >= 0``.

    Returns
    -------
    float
    """
    q = check_real(q, "q", low=0.0)
    return phi_vmf(d, kappa, alpha) - q * mean_resultant_length(d, kappa) ** 2


def qc_local(d: int, alpha):
    """Local-instability threshold of the uniform law for J_q (small-kappa expansion).

    .. math::
        \\Phi(\\mathrm{vMF}_\\kappa) = \\Phi(\\sigma) + \\frac{a(2-a)}{2d}\\kappa^2 + O(\\kappa^4),\\quad
        A_d(\\kappa)^2 = \\frac{\\kappa^2}{d^2} + O(\\kappa^4),\\quad
        q_c = \\frac{d\\,a(2-a)}{2}, \\quad a = A_d(\\alpha).

    Uniform is a strict local minimizer of J_q along the vMF family iff ``q < q_c``.

    Parameters
    ----------
    d : int
        ``d >= 2``.
    alpha : float or ndarray
        ``0 <= alpha <= KAPPA_MAX``.

    Returns
    -------
    float or ndarray
    """
    d = _check_d(d)
    alpha = _as_nonneg_array(alpha, "alpha", high=KAPPA_MAX)
    a = mean_resultant_length(d, alpha)
    return d * a * (2.0 - a) / 2.0


@dataclass(frozen=True)
class QcSymbolic(ResultMixin):
    """The symbolic small-kappa expansion of J_q on the vMF family (result of :func:`qc_symbolic`).

    Attributes
    ----------
    coef : sympy.Expr
        :math:`c_2` in :math:`\\Phi(\\mathrm{vMF}_\\kappa) - \\Phi(\\sigma) = c_2\\kappa^2 + O(\\kappa^4)`,
        a function of :attr:`a` and :attr:`d`.
    qc : sympy.Expr
        :math:`q_c^{\\rm loc} = d^2 c_2`.
    a : sympy.Symbol
        :math:`A_d(\\alpha)`.
    d : sympy.Symbol
        The dimension.
    alpha : sympy.Symbol
        The inverse temperature.
    kappa : sympy.Symbol
        The concentration.
    """

    coef: object
    qc: object
    a: object
    d: object
    alpha: object
    kappa: object

    def qc_value(self, d: int, alpha: float) -> float:
        """:attr:`qc` evaluated at ``d`` and ``alpha`` (with ``a = A_d(alpha)``)."""
        d = _check_d(d)
        alpha = check_real(alpha, "alpha", low=0.0)
        a_val = mean_resultant_length(d, alpha)
        return float(self.qc.subs({self.a: a_val, self.d: d, self.alpha: alpha}))

    def to_dict(self) -> dict:
        """Every field as text (sympy's ``str``)."""
        return to_jsonable({f.name: str(getattr(self, f.name)) for f in fields(self)})

    def __getitem__(self, key: str):
        """Deprecated dict access of the former result (``["coef"]``, ``["qc"]``, ``["symbols"]``)."""
        import warnings

        warnings.warn(
            "qc_symbolic() returns a QcSymbolic; use its attributes (coef, qc, a, d, alpha, kappa)",
            DeprecationWarning,
            stacklevel=2,
        )
        if key == "symbols":
            return (self.a, self.d, self.alpha, self.kappa)
        if key in ("coef", "qc"):
            return getattr(self, key)
        raise KeyError(key)


def qc_symbolic() -> QcSymbolic:
    """Sympy derivation of the small-kappa coefficient of J_q on the vMF family.

    .. math::
        J_q(\\kappa) - J_q(0) = \\Big(\\frac{a(2-a)}{2d} - \\frac{q}{d^2}\\Big)\\kappa^2 + O(\\kappa^4),
        \\qquad a = A_d(\\alpha).

    Writes :math:`\\Phi(\\kappa) = \\mathbb E_t[\\psi(r)] - \\psi(\\kappa)`, :math:`r = \\sqrt{\\alpha^2 +
    \\kappa^2 + 2\\alpha\\kappa t}`, with :math:`\\psi = \\Phi(\\sigma)(\\cdot)`, :math:`\\psi' = A_d`,
    :math:`\\psi'' = 1 - A_d^2 - (d-1)A_d/x` (Bessel recurrences), :math:`\\psi(\\kappa) = \\kappa^2/(2d) +
    O(\\kappa^4)`, and the moments :math:`\\mathbb E t = \\kappa/d + O(\\kappa^3)`, :math:`\\mathbb E t^2 =
    1/d + O(\\kappa^2)` of :math:`t \\propto e^{\\kappa t}(1-t^2)^{(d-3)/2}`; expands to second order.

    Returns
    -------
    QcSymbolic
        ``.coef`` = :math:`c_2`, ``.qc`` = :math:`d^2 c_2` and the symbols ``.a`` (= :math:`A_d(\\alpha)`),
        ``.d``, ``.alpha``, ``.kappa``, with
        :math:`J_q(\\kappa) - J_q(0) = (c_2 - q/d^2)\\kappa^2 + O(\\kappa^4)`.
    """
    import sympy as sy

    a, d, al, k, t = sy.symbols("a d alpha kappa t", positive=True)
    r = sy.sqrt(al**2 + k**2 + 2 * al * k * t)
    dr = sy.series(r, k, 0, 3).removeO()  # alpha + kappa t + kappa^2 (1 - t^2)/(2 alpha)
    h = sy.expand(dr - al)
    psi1 = a
    psi2 = 1 - a**2 - (d - 1) * a / al
    # psi(r) - psi(alpha) to second order in kappa
    expansion = sy.expand(psi1 * h + psi2 * h**2 / 2)
    expansion = sy.series(expansion, k, 0, 3).removeO()
    poly = sy.Poly(sy.expand(expansion), t)
    moments = {0: sy.Integer(1), 1: k / d, 2: 1 / d}
    mean = sum(c * moments[m[0]] for m, c in zip(poly.monoms(), poly.coeffs(), strict=True))
    phi_k = sy.expand(mean - k**2 / (2 * d))
    c2 = sy.simplify(sy.series(phi_k, k, 0, 3).removeO().coeff(k, 2))
    return QcSymbolic(coef=c2, qc=sy.factor(sy.simplify(d**2 * c2)), a=a, d=d, alpha=al, kappa=k)


@dataclass(frozen=True)
class SurrogateThreshold(ResultMixin):
    """Where the uniform law stops minimising J_q on the vMF family.

    Attributes
    ----------
    qc_local : float
        Small-kappa (local instability) threshold :math:`d a(2-a)/2`.
    qc_global : float
        :math:`\\inf_\\kappa [\\Phi(\\kappa) - \\Phi(\\sigma)]/A_d(\\kappa)^2` on the grid: sigma is the
        minimiser over the vMF family iff ``q <= qc_global``.
    kappa_at_global : float
        Where the infimum sits (a grid end near 0 means the transition is continuous).
    first_order : bool
        ``qc_global < qc_local`` beyond numerical noise: a vMF tilt wins before uniform goes unstable.
    kappas : ndarray, shape (m,)
        The grid of concentrations.
    ratio : ndarray, shape (m,)
        :math:`[\\Phi(\\kappa) - \\Phi(\\sigma)]/A_d(\\kappa)^2` on the grid.
    """

    qc_local: float
    qc_global: float
    kappa_at_global: float
    first_order: bool
    kappas: np.ndarray
    ratio: np.ndarray

    @property
    def data(self) -> dict:
        """Deprecated: ``{"kappas": ..., "ratio": ...}``; use the attributes."""
        import warnings

        warnings.warn(
            "SurrogateThreshold.data is deprecated; use .kappas and .ratio", DeprecationWarning, stacklevel=2
        )
        return {"kappas": self.kappas, "ratio": self.ratio}


def surrogate_threshold(d: int, alpha: float, kappas=None, rtol: float = 1e-4) -> SurrogateThreshold:
    """Local and global thresholds q_c(alpha, d) of J_q on the vMF family.

    .. math::
        q_c^{\\rm glob} = \\inf_{\\kappa>0}
        \\frac{\\Phi(\\mathrm{vMF}_\\kappa)-\\Phi(\\sigma)}{A_d(\\kappa)^2}
        \\;\\le\\; \\lim_{\\kappa\\to0}(\\cdot) = q_c^{\\rm loc}.

    Parameters
    ----------
    d : int
        ``d >= 2``.
    alpha : float
        ``alpha > 0``.
    kappas : array_like, shape (m,), optional
        Positive grid (default ``logspace(-3, 5, 161)``).
    rtol : float
        Relative margin below ``qc_local`` that counts as a first-order transition, in ``[0, 1)``.

    Returns
    -------
    SurrogateThreshold
    """
    d = _check_d(d)
    alpha = check_alpha(alpha, positive=True)
    kappas = kappa_grid(kappas)
    rtol = check_real(rtol, "rtol", low=0.0, high=1.0, high_open=True)
    ratio = phi_gap_grid(d, alpha, kappas) / mean_resultant_length(d, kappas) ** 2
    i = int(np.argmin(ratio))
    qloc = float(qc_local(d, alpha))
    qglob = min(float(ratio[i]), qloc)
    return SurrogateThreshold(
        qc_local=qloc,
        qc_global=qglob,
        kappa_at_global=float(kappas[i]),
        first_order=bool(qglob < qloc * (1.0 - rtol)),
        kappas=kappas,
        ratio=ratio,
    )
