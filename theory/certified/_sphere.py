"""Maxwell-Poincare / Diaconis-Freedman certified: exact TV(d, k) below 2(k+3)/(d-k-3) for every integer d
in a range, and the sharp constant c_k (private part of :mod:`theory.certified`)."""

from __future__ import annotations

import math
import time

from tqdm.auto import tqdm

from theory._validation import check_int
from theory.certified._core import PREC, Certificate, ConstantEnclosure, interval, require_flint

__all__ = ["certify_diaconis_freedman", "projection_tv_ball", "tv_constant_ball"]

_D_MAX = 10**7  # beyond, the float crossing radii that seed the root isolation lose too many digits


def _log_ratio(s, d: int, k: int, c):
    """``L(s) = log(p_d/phi_k)`` of the squared radii: ``c + a log(1 - s/d) + s/2``, ``a = (d-k-2)/2``."""
    return c + (d - k - 2) * (1 - s / d).log() / 2 + s / 2


def _isolate(s_float: float, d: int, k: int, c, increasing: bool):
    """A ball around the crossing near ``s_float``: ``L`` changes sign across it (``None`` if not shown)."""
    arb = require_flint().arb
    for rel in (1e-13, 1e-10, 1e-7, 1e-4):
        eps = rel * max(s_float, 1.0)
        lo, hi = arb(s_float - eps), arb(s_float + eps)
        l_lo, l_hi = _log_ratio(lo, d, k, c), _log_ratio(hi, d, k, c)
        if (l_lo < 0 < l_hi) if increasing else (l_lo > 0 > l_hi):
            return lo.union(hi)
    return None


def projection_tv_ball(d: int, k: int):
    """A ball containing the exact total variation between ``sqrt(d)(U_1..U_k)`` and ``N(0, I_k)``.

    .. math::
        d_{TV} = [G_k(s_1) - F(s_1)] + [F(s_2) - G_k(s_2)],
        \\qquad F(s) = I_{s/d}\\bigl(\\tfrac k2, \\tfrac{d-k}2\\bigr),
        \\quad G_k(s) = P\\bigl(\\tfrac k2, \\tfrac s2\\bigr),

    (Lemma 3 / Theorem 2; ``(U_1..U_k)`` has density proportional to ``(1 - |x|^2)^{(d-k-2)/2}``), where
    ``s_1 < k + 2 < s_2`` are the zeros of the log density ratio of the squared radii
    ``L(s) = c + a log(1 - s/d) + s/2`` (``a = (d-k-2)/2 > 0``). ``L`` is strictly concave with its
    maximum at ``s = k + 2``, so it has at most one zero on each side; each zero is isolated in a ball
    whose ends give ``L`` opposite signs in ball arithmetic (seeded by the float crossings of
    :mod:`theory.sphere`), and Arb's regularised incomplete beta and gamma functions are evaluated on
    those balls. ``s_1`` is absent (``D_1 = 0``) when ``L(0) = c >= 0``.

    Parameters
    ----------
    d : int
        ``k + 4 <= d <= 1e7``.
    k : int
        ``k >= 1``.

    Returns
    -------
    flint.arb or None
        The ball, or ``None`` where a crossing could not be isolated (a failure to report).
    """
    k = check_int(k, "k", low=1)
    d = check_int(d, "d", low=k + 4, high=_D_MAX)
    from theory.sphere._numerics import _consts, _crossings

    fl = require_flint()
    arb = fl.arb
    old = fl.ctx.prec
    fl.ctx.prec = PREC
    try:
        h, x = arb(k) / 2, arb(d - k) / 2
        c = (x + h).lgamma() - x.lgamma() + h * (arb(2) / d).log()
        if not _log_ratio(arb(k + 2), d, k, c) > 0:
            return None
        s_lo, s_hi = _crossings(_consts(d, k))
        if c > 0:
            d1 = arb(0)
        elif c < 0:
            s1 = _isolate(s_lo, d, k, c, increasing=True)
            if s1 is None:
                return None
            d1 = (s1 / 2).gamma_lower(h, regularized=1) - (s1 / d).beta_lower(h, x, regularized=1)
        else:
            return None
        s2 = _isolate(s_hi, d, k, c, increasing=False)
        if s2 is None:
            return None
        d2 = (s2 / d).beta_lower(h, x, regularized=1) - (s2 / 2).gamma_lower(h, regularized=1)
        return d1 + d2
    finally:
        fl.ctx.prec = old


def certify_diaconis_freedman(k: int, d_max: int, d_min: int | None = None, progress: bool = False):
    """Certify Theorem 2 (Diaconis-Freedman) for the exact TV at every integer ``d`` in ``[d_min, d_max]``.

    .. math::
        d_{TV}\\bigl(\\sqrt d(U_1..U_k), N(0, I_k)\\bigr) \\le \\frac{2(k+3)}{d-k-3},
        \\qquad d = d_{\\min}, \\dots, d_{\\max}.

    One piece per ``d``: the margin ``2(k+3)/(d-k-3) - TV`` is a ball (:func:`projection_tv_ball`),
    certified positive when its lower end is. About 0.3 ms per ``d``.

    Parameters
    ----------
    k : int
        ``k >= 1``.
    d_max : int
        ``d_min <= d_max <= 1e7``.
    d_min : int, optional
        Default ``k + 4`` (the theorem's smallest ``d``).
    progress : bool
        Show a progress bar.

    Returns
    -------
    Certificate
        ``worst_margin`` is the margin at the ``d`` where its lower end is smallest (the largest ``d``:
        the bound and the TV both fall like ``1/d``); ``details`` holds the worst relative margin
        ``1 - TV/bound``.
    """
    k = check_int(k, "k", low=1)
    d_min = k + 4 if d_min is None else check_int(d_min, "d_min", low=k + 4)
    d_max = check_int(d_max, "d_max", low=d_min, high=_D_MAX)
    if not isinstance(progress, bool):
        raise TypeError(f"progress must be a bool; got {type(progress).__name__} {progress!r}")
    fl = require_flint()
    arb = fl.arb
    start = time.perf_counter()
    worst, worst_d, worst_rel, failures = None, None, math.inf, []
    for d in tqdm(range(d_min, d_max + 1), disable=not progress, desc=f"DF k={k}"):
        tv = projection_tv_ball(d, k)
        if tv is None:
            failures.append(f"d = {d}: crossing radius not isolated")
            continue
        bound = arb(2 * (k + 3)) / (d - k - 3)
        margin = bound - tv
        if not margin > 0:
            m_lo, m_hi = interval(margin)
            failures.append(f"d = {d}: margin in [{m_lo:.6g}, {m_hi:.6g}]")
        if worst is None or margin.lower() < worst.lower():
            worst, worst_d = margin, d
        worst_rel = min(worst_rel, interval(margin / bound)[0])
    return Certificate(
        statement=f"TV(sqrt(d)(U_1..U_{k}), N(0, I_{k})) <= 2({k}+3)/(d-{k}-3)",
        box=f"k = {k}, every integer d in [{d_min}, {d_max}]",
        pieces=d_max - d_min + 1,
        worst_margin=interval(worst),
        worst_piece=f"d = {worst_d}",
        holds=not failures,
        failures=tuple(failures),
        seconds=time.perf_counter() - start,
        method="exact TV from Arb's incomplete beta / gamma at ball-isolated crossing radii",
        parameters={"k": k, "d_min": d_min, "d_max": d_max},
        details={"worst_relative_margin_lower": worst_rel, "worst_d": worst_d},
    )


def tv_constant_ball(k: int, prec: int = 256) -> ConstantEnclosure:
    """The sharp constant ``c_k = lim d TV`` enclosed in ball arithmetic.

    .. math::
        c_k = \\frac{\\sqrt{2(k+2)}}{2}\\bigl[s_+ g_k(s_+) + s_- g_k(s_-)\\bigr],
        \\qquad s_\\pm = k + 2 \\pm \\sqrt{2(k+2)},\\quad
        g_k(s) = \\frac{s^{k/2-1} e^{-s/2}}{2^{k/2}\\Gamma(k/2)},

    the closed form of :func:`theory.sphere.tv_constant` (derived in
    :func:`theory.symbolic.tv_constant_expr`), evaluated at ``prec`` bits.

    Parameters
    ----------
    k : int
        ``1 <= k <= 1e6``.
    prec : int
        Working precision in bits, ``64 <= prec <= 4096``.

    Returns
    -------
    ConstantEnclosure
    """
    k = check_int(k, "k", low=1, high=10**6)
    prec = check_int(prec, "prec", low=64, high=4096)
    fl = require_flint()
    arb = fl.arb
    old = fl.ctx.prec
    fl.ctx.prec = prec
    try:
        h = arb(k) / 2
        w = (2 * arb(k + 2)).sqrt()

        def s_g(s):  # s g_k(s) = (s/2)^h e^{-s/2} / Gamma(h)
            return ((s / 2).log() * h - s / 2 - h.lgamma()).exp()

        c = w / 2 * (s_g(k + 2 + w) + s_g(k + 2 - w))
        digits = max(int(c.rel_accuracy_bits() * math.log10(2)), 0)
        lo, hi = interval(c)
        return ConstantEnclosure(
            name=f"c_{k} = lim_d d TV(sqrt(d)(U_1..U_{k}), N(0, I_{k}))",
            lower=lo,
            upper=hi,
            digits=digits,
            text=c.str(min(digits, 60), radius=True),
        )
    finally:
        fl.ctx.prec = old
