"""Lemma 1 and Theorem 1 certified on the von Mises-Fisher family over a box of concentrations
(private part of :mod:`theory.certified`).

Both rest on the margin function of Lemma 1 at its best constant ``C(d) = d / (2(d-1))``,

.. math::
    h(\\kappa) = \\mathrm{KL}(\\mathrm{vMF}_\\kappa\\Vert\\sigma) - \\tfrac d2 A_d(\\kappa)^2,
    \\qquad h(0) = 0, \\qquad h'(\\kappa) = A_d'(\\kappa)\\,q(\\kappa),\\quad
    q(\\kappa) = \\kappa - d A_d(\\kappa) = \\kappa \\frac{I_{d/2+1}(\\kappa)}{I_{d/2-1}(\\kappa)},

(``KL = kappa A - psi``, ``psi' = A``, and the Bessel recurrence), with the Riccati equation
``A' = 1 - A^2 - (d-1) A / kappa``. Facts used outside the computation: ``A_d`` is increasing
(``A_d' = Var(u.mu) > 0`` under vMF_kappa). With them:

- on ``(0, kappa_0]``, ``h(kappa) = int_0^kappa A'(s) s^3 g(s) ds`` with
  ``g = 0F1(; d/2+2; s^2/4) / (d (d+2) 0F1(; d/2; s^2/4))`` and
  ``A' = [F_1/F_0 + s^2 (F_2/((d+2) F_0) - F_1^2/(d F_0^2))]/d`` (``F_j = 0F1(; d/2 + j; s^2/4)``):
  a ball for ``A' g`` over ``s in [0, kappa_0]`` (no 0/0) gives ``h in [lo, hi] kappa^4 / 4``;
- on a piece ``[a, b]`` of ``[kappa_0, K]``, ``h(kappa) = h(a) + int_a^kappa A' q`` with ``h(a)`` a
  point ball and ``A' q`` enclosed from ``A in [A(a), A(b)]`` and ``kappa in [a, b]``.

(The same two facts give ``h' > 0`` for every ``kappa``, so the statements hold beyond ``K`` too: that
argument is analytic, not part of the certificate, whose box is ``(0, K]``.)
"""

from __future__ import annotations

import itertools
import math
import time

from theory._validation import check_int, check_real
from theory.certified._core import PREC, Certificate, interval, require_flint

__all__ = ["certify_lemma1", "certify_theorem1", "lemma1_margin_ball"]

_MAX_PIECES = 200_000
_METHOD = (
    "h = KL - (d/2) A^2 with h' = A' (kappa - d A): near 0 a ball for A' q / kappa^3 by 0F1 series on "
    "[0, kappa_0], beyond h(a) + (b - a) [A' q] on pieces [a, b] with A in [A(a), A(b)]; uses A' > 0"
)


def _zero_to(width: float, x):
    """The set ``{t y : t in [0, width], y in x}`` as a ball (keeps its sign, unlike a ball product)."""
    arb = require_flint().arb
    lo, hi = x.lower() * width, x.upper() * width
    return arb(0).union(lo).union(hi)


def _point(kappa, d: int):
    """``(A, h)`` at a point ``kappa`` (a ball of radius 0), from scaled Bessel functions."""
    arb = require_flint().arb
    nu = arb(d) / 2 - 1
    i0 = kappa.bessel_i(nu, scaled=True)
    a = kappa.bessel_i(nu + 1, scaled=True) / i0
    psi = (arb(d) / 2).lgamma() - nu * (kappa / 2).log() + i0.log() + kappa
    return a, kappa * a - psi - arb(d) / 2 * a * a


def _near_zero(d: int, kappa0: float, n_sub: int = 16):
    """Balls for ``A' g``, ``A' F_1/F_0`` and ``F_1/F_0`` over ``s in [0, kappa0]``.

    (``q = s^3 g`` and ``A = s F_1/(d F_0)``.)

    ``[0, kappa0]`` is cut into ``n_sub`` sub-intervals, each evaluated as one ball (the union is
    returned), which keeps the dependency overestimate of ball arithmetic small.
    """
    arb = require_flint().arb
    apg = apr = r1 = None
    for i in range(n_sub):
        s = arb(kappa0 * i / n_sub).union(arb(kappa0 * (i + 1) / n_sub))
        z = s * s / 4
        f0, f1, f2 = (z.hypgeom_0f1(arb(d) / 2 + j) for j in range(3))
        ratio = f1 / f0
        ap = (ratio + s * s * (f2 / ((d + 2) * f0) - ratio * ratio / d)) / d
        piece, piece_r = ap * f2 / (d * (d + 2) * f0), ap * ratio
        apg = piece if apg is None else apg.union(piece)
        apr = piece_r if apr is None else apr.union(piece_r)
        r1 = ratio if r1 is None else r1.union(ratio)
    return apg, apr, r1


def lemma1_margin_ball(d: int, kappa: float):
    """A ball containing ``h(kappa) = KL(vMF_kappa || sigma) - (d/2) A_d(kappa)^2`` (Lemma 1's margin).

    .. math::
        h(\\kappa) = \\kappa A_d(\\kappa) - \\psi_d(\\kappa) - \\tfrac d2 A_d(\\kappa)^2,
        \\qquad \\psi_d(\\kappa) = \\log\\Bigl[\\Gamma\\bigl(\\tfrac d2\\bigr)
        \\bigl(\\tfrac 2\\kappa\\bigr)^{d/2-1} I_{d/2-1}(\\kappa)\\Bigr].

    Parameters
    ----------
    d : int
        ``d >= 2``.
    kappa : float
        ``kappa > 0`` (taken exactly as the binary float given).

    Returns
    -------
    flint.arb
    """
    d = check_int(d, "d", low=2)
    kappa = check_real(kappa, "kappa", low=0.0, low_open=True)
    fl = require_flint()
    old = fl.ctx.prec
    fl.ctx.prec = PREC
    try:
        return _point(fl.arb(kappa), d)[1]
    finally:
        fl.ctx.prec = old


def _pieces(d: int, kappa_max: float, kappa0: float, e):
    """Enclose ``h_C = KL - (d - e)/2 A^2`` on pieces of ``[kappa0, kappa_max]`` (``h_C' = A' (q + e A)``)."""
    arb = require_flint().arb
    edges = [kappa0]
    while edges[-1] < kappa_max:
        edges.append(min(edges[-1] * 1.5, kappa_max))
    cache: dict[float, tuple] = {}

    def at(x: float):
        if x not in cache:
            a, h = _point(arb(x), d)
            cache[x] = (a, h + e / 2 * a * a)
        return cache[x]

    out, stack = [], list(itertools.pairwise(edges))[::-1]
    while stack:
        if len(out) + len(stack) > _MAX_PIECES:
            raise RuntimeError(f"more than {_MAX_PIECES} pieces at d = {d}; narrow the box")
        lo, hi = stack.pop()
        (a_lo, h_lo), (a_hi, _) = at(lo), at(hi)
        a_rng, k_rng = a_lo.union(a_hi), arb(lo).union(arb(hi))
        deriv = (1 - a_rng * a_rng - (d - 1) * a_rng / k_rng) * (k_rng - (d - e) * a_rng)
        h = h_lo + _zero_to(hi - lo, deriv)
        if not h > 0 and not h_lo < 0 and hi - lo > 1e-9 * hi:  # unproved, not disproved: split
            mid = 0.5 * (lo + hi)
            stack += [(mid, hi), (lo, mid)]
            continue
        out.append((lo, hi, h, (d - 1) * a_rng * a_rng))
    return out


def _certificate(d, kappa_max, kappa0, e, scale, statement, start, parameters):
    """Shared body: pieces, the near-zero piece, the worst margin, the failures."""
    worst, worst_piece, worst_bounds, failures = None, "", None, []
    pieces = _pieces(d, kappa_max, kappa0, e)
    for lo, hi, h, den in pieces:
        m = scale(h, den)
        if not m > 0:
            m_lo, m_hi = interval(m)
            failures.append(f"kappa in [{lo:.17g}, {hi:.17g}]: margin in [{m_lo:.6g}, {m_hi:.6g}]")
        if worst is None or m.lower() < worst.lower():
            worst, worst_piece, worst_bounds = m, f"kappa in [{lo:.6g}, {hi:.6g}]", (lo, hi)
    # (0, kappa0]: h_C(kappa) = int_0^kappa A'(s) (s^3 g(s) + e s F1/(d F0)) ds,
    # so h_C / kappa^2 lies in e [A' F1/F0]/(2d) + [0, kappa^2] [A' g]/4, and A / kappa in [F1/F0]/d.
    apg, apr, r1 = _near_zero(d, kappa0)
    h_over_k2 = e * apr / (2 * d) + _zero_to(kappa0**2, apg) / 4
    near = scale(h_over_k2, (d - 1) * r1 * r1 / (d * d))
    if e == 0:  # the bound is attained as kappa -> 0: the margin vanishes there like kappa^2 (kappa^4)
        ok = apg > 0
        c = scale(apg / 4, (d - 1) * r1 * r1 / (d * d))
        order = "kappa^2" if parameters.get("kind") == "L1" else "kappa^4"
        near_c = interval(c)
        near_text = f"on (0, {kappa0:g}]: margin = c {order}, c in [{near_c[0]:.6g}, {near_c[1]:.6g}]"
    else:
        ok = near > 0
        near_c = interval(near)
        p = 0 if parameters.get("kind") == "L1" else 2
        near_text = f"on (0, {kappa0:g}]: margin / kappa^{p} in [{near_c[0]:.6g}, {near_c[1]:.6g}]"
    if not ok:
        failures.append(near_text)
    return Certificate(
        statement=statement,
        box=f"d = {d}, kappa in (0, {kappa_max:g}]",
        pieces=len(pieces) + 1,
        worst_margin=interval(worst) if worst is not None else (math.nan, math.nan),
        worst_piece=worst_piece,
        holds=not failures,
        failures=tuple(failures),
        seconds=time.perf_counter() - start,
        method=_METHOD,
        parameters={"d": d, "kappa_max": kappa_max, "kappa0": kappa0, **parameters},
        details={"near_zero": near_text, "near_zero_c": near_c, "worst_piece_kappa": worst_bounds},
    )


def _check_box(d, kappa_max, kappa0):
    d = check_int(d, "d", low=2, high=10**5)
    kappa_max = check_real(kappa_max, "kappa_max", low=0.0, low_open=True, high=1e6)
    if kappa0 is None:
        kappa0 = min(16.0, max(1.0, d / 64.0), kappa_max)
    kappa0 = check_real(kappa0, "kappa0", low=0.0, low_open=True, high=64.0)
    if kappa0 > kappa_max:
        raise ValueError(f"kappa0 must be <= kappa_max = {kappa_max}; got {kappa0}")
    return d, kappa_max, kappa0


def certify_lemma1(d: int, kappa_max: float = 1e3, C: float | None = None, kappa0: float | None = None):
    """Certify Lemma 1 on the vMF family for every ``kappa`` in ``(0, kappa_max]``.

    .. math::
        \\frac{\\mathrm{KL}(\\mathrm{vMF}_\\kappa\\Vert\\sigma)}{(d-1)A_d(\\kappa)^2} \\ge C,
        \\qquad \\text{margin} = \\frac{\\mathrm{KL}}{(d-1)A_d^2} - C
        = \\frac{h_C(\\kappa)}{(d-1)A_d(\\kappa)^2},\\quad h_C = \\mathrm{KL} - C(d-1)A_d^2,

    at the best constant ``C = C(d) = d/(2(d-1))`` by default (the ``kappa -> 0`` limit of the ratio,
    so the margin tends to 0 there: on ``(0, kappa0]`` the certificate gives ``margin = c kappa^2``
    with ``c`` in a certified interval, ``details['near_zero_c']``, whose limit is
    ``1/(4(d+2)(d-1))``). A larger ``C`` makes the statement false near 0, and the certificate says so
    (``holds = False``, the failing piece named). ``worst_margin`` is over the pieces of
    ``[kappa0, kappa_max]``.

    Parameters
    ----------
    d : int
        ``2 <= d <= 1e5``.
    kappa_max : float
        ``0 < kappa_max <= 1e6``: the box is ``(0, kappa_max]``.
    C : float, optional
        The constant, ``C > 0`` (default: exactly ``d/(2(d-1))``).
    kappa0 : float, optional
        End of the series piece, ``0 < kappa0 <= min(64, kappa_max)`` (default
        ``min(16, max(1, d/64))``).

    Returns
    -------
    Certificate
    """
    d, kappa_max, kappa0 = _check_box(d, kappa_max, kappa0)
    fl = require_flint()
    arb = fl.arb
    old, start = fl.ctx.prec, time.perf_counter()
    fl.ctx.prec = PREC
    try:
        if C is None:
            e, c_text = arb(0), "d/(2(d-1))"
        else:
            C = check_real(C, "C", low=0.0, low_open=True)
            e, c_text = d - 2 * arb(C) * (d - 1), f"{C!r}"
        return _certificate(
            d,
            kappa_max,
            kappa0,
            e,
            lambda h, den: h / den,
            f"KL(vMF_kappa || sigma) / ((d-1) A_d(kappa)^2) >= C = {c_text} at d = {d}",
            start,
            {"kind": "L1", "C": C},
        )
    finally:
        fl.ctx.prec = old


def certify_theorem1(
    d: int,
    alpha: float,
    eta2: float,
    kappa_max: float = 1e4,
    beta: float | None = None,
    kappa0: float | None = None,
) -> Certificate:
    """Certify Theorem 1's margin at ``beta0`` (``C = C(d) = d/(2(d-1))``) on the vMF family.

    .. math::
        \\tilde J(\\kappa) - \\tilde J(\\sigma) = [\\Phi(\\kappa) - \\Phi(\\sigma)]
        - \\alpha(1-\\eta^2) A_d^2 + \\beta\\,\\mathrm{KL}
        \\ \\ge\\ \\beta\\,\\mathrm{KL} - \\alpha(1-\\eta^2) A_d^2 \\ \\ge 0,
        \\qquad \\beta = \\beta_0 = \\frac{\\alpha(1-\\eta^2)}{C(d)(d-1)} = \\frac{2\\alpha(1-\\eta^2)}{d},

    (``delta = 0``). The first inequality is T1 (Lemma 2: ``Phi(mu) >= Phi(sigma)`` for every ``mu``),
    used, not certified here; the certified margin is the lower bound
    ``beta KL - alpha (1 - eta2) A^2`` (``c kappa^4`` near 0 at ``beta0``). A ``beta`` below ``beta0``
    makes that lower bound negative near 0, and the certificate says so.

    Parameters
    ----------
    d : int
        ``2 <= d <= 1e5``.
    alpha : float
        ``0 < alpha <= 1e6``.
    eta2 : float
        ``0 <= eta2 < 1``.
    kappa_max : float
        The box ``(0, kappa_max]``, as in :func:`certify_lemma1`.
    beta : float, optional
        ``beta > 0`` (default: exactly ``beta0``).
    kappa0 : float, optional
        End of the series piece, as in :func:`certify_lemma1`.

    Returns
    -------
    Certificate
    """
    d, kappa_max, kappa0 = _check_box(d, kappa_max, kappa0)
    alpha = check_real(alpha, "alpha", low=0.0, low_open=True, high=1e6)
    eta2 = check_real(eta2, "eta2", low=0.0, high=1.0, high_open=True)
    fl = require_flint()
    arb = fl.arb
    old, start = fl.ctx.prec, time.perf_counter()
    fl.ctx.prec = PREC
    try:
        q = arb(alpha) * (1 - arb(eta2))
        if beta is None:
            b, e, b_text = 2 * q / d, arb(0), "beta0 = alpha(1-eta2)/(C(d)(d-1))"
        else:
            beta = check_real(beta, "beta", low=0.0, low_open=True)
            # beta KL - q A^2 = beta [KL - (d - e)/2 A^2] with d - e = 2 q / beta
            b, e, b_text = arb(beta), d - 2 * q / beta, f"beta = {beta!r}"
        return _certificate(
            d,
            kappa_max,
            kappa0,
            e,
            lambda h, den: b * h,
            f"J~(vMF_kappa) - J~(sigma) >= 0 at {b_text}, d = {d}, alpha = {alpha:g}, eta2 = {eta2:g} "
            "(Align = Prop. 1 bound, delta = 0; Phi(kappa) >= Phi(sigma) by T1)",
            start,
            {"kind": "T2", "alpha": alpha, "eta2": eta2, "beta": float(b.mid())},
        )
    finally:
        fl.ctx.prec = old
