"""Certificates and interval helpers shared by the certified statements (private part of
:mod:`theory.certified`)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from theory._io import ResultMixin

try:  # python-flint: ball arithmetic (Arb) with rigorous error bounds
    import flint
except ImportError:  # pragma: no cover - exercised where python-flint is absent
    flint = None

PREC = 128
"""Working precision in bits of the ball computations (raised locally where a piece needs more)."""


def require_flint():
    """Return the ``flint`` module, or raise ``ImportError`` saying how to install it."""
    if flint is None:
        raise ImportError(
            "certified statements need python-flint (ball arithmetic): pip install python-flint"
        )
    return flint


def interval(x) -> tuple[float, float]:
    """The ball ``x`` as a float interval ``(lo, hi)`` rounded outward (``lo <= x <= hi`` for sure).

    Parameters
    ----------
    x : flint.arb
        A ball.

    Returns
    -------
    tuple of float
        ``(-inf, inf)`` for a ball that is not finite.
    """
    arb = require_flint().arb
    if not x.is_finite():
        return (-math.inf, math.inf)
    lo_b, hi_b = x.lower(), x.upper()
    lo, hi = float(lo_b), float(hi_b)
    if arb(lo) > lo_b:
        lo = math.nextafter(lo, -math.inf)
    if arb(hi) < hi_b:
        hi = math.nextafter(hi, math.inf)
    return (lo, hi)


@dataclass(frozen=True)
class Certificate(ResultMixin):
    """A statement proved over a box of parameters by ball arithmetic.

    Every quantity is a ball (interval) guaranteed to contain the exact value; the box is split into
    pieces until the statement's margin is positive on each (or a piece is found where it is not).

    Attributes
    ----------
    statement : str
        What is proved, as a formula in words.
    box : str
        The parameter box it is proved over.
    pieces : int
        How many pieces the box was split into.
    worst_margin : tuple of float
        ``(lo, hi)``: an outward-rounded interval containing the margin (bound minus value, ``> 0``
        where the statement holds) on the piece where its lower end is smallest.
    worst_piece : str
        That piece.
    holds : bool
        Whether the margin is certified positive on every piece.
    failures : tuple of str
        Each piece where positivity could not be certified, with its margin interval (empty if none).
    seconds : float
        Wall time of the certification.
    method : str
        How each piece's margin is enclosed, and which facts (outside the computation) it uses.
    parameters : dict
        The box in machine-readable form.
    details : dict
        Further certified numbers (e.g. the constant of the margin near a tight end of the box).
    """

    statement: str
    box: str
    pieces: int
    worst_margin: tuple[float, float]
    worst_piece: str
    holds: bool
    failures: tuple[str, ...]
    seconds: float
    method: str
    parameters: dict[str, Any] = field(default_factory=dict)
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def scope_text(self) -> str:
        """``"certified over <box>"`` (the scope word of ``python -m claims``)."""
        return f"certified over {self.box}"


@dataclass(frozen=True)
class ConstantEnclosure(ResultMixin):
    """A constant enclosed by ball arithmetic.

    Attributes
    ----------
    name : str
        What the constant is.
    lower, upper : float
        Outward-rounded bounds: ``lower <= value <= upper`` is certain.
    digits : int
        Number of correct significant decimal digits certified (Arb's ``rel_accuracy_bits``).
    text : str
        The ball in Arb's ``[mid +/- rad]`` notation, to about ``digits`` digits.
    """

    name: str
    lower: float
    upper: float
    digits: int
    text: str
