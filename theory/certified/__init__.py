"""Statements of the paper proved over boxes of parameters in ball arithmetic (python-flint's Arb).

A floating-point check holds a statement at sampled parameters. Here every operation returns a ball
(an interval) guaranteed to contain the exact value, and a box of parameters is split into pieces until
the statement's margin is positive on every piece: a computer-assisted proof over that box, returned as
a :class:`Certificate` (the statement, the box, the number of pieces, the worst margin as an interval,
``holds``). Where a piece fails, the certificate names it and its margin interval.

- :func:`certify_diaconis_freedman`: MP / DF, the exact TV(d, k) <= 2(k+3)/(d-k-3) for every integer d
  in a range; :func:`tv_constant_ball` the sharp constant ``c_k`` to certified digits;
- :func:`certify_lemma1`: L1 at its best constant ``d/(2(d-1))`` for ``kappa`` in ``(0, K]``;
- :func:`certify_theorem1`: T2's margin at ``beta0`` for ``kappa`` in ``(0, K]``.

python-flint is a dependency of the package; where it is missing every function raises ``ImportError``
saying how to install it.
"""

from theory.certified._core import Certificate, ConstantEnclosure, interval
from theory.certified._sphere import certify_diaconis_freedman, projection_tv_ball, tv_constant_ball
from theory.certified._vmf import certify_lemma1, certify_theorem1, lemma1_margin_ball

__all__ = [
    "Certificate",
    "ConstantEnclosure",
    "certify_diaconis_freedman",
    "certify_lemma1",
    "certify_theorem1",
    "interval",
    "lemma1_margin_ball",
    "projection_tv_ball",
    "tv_constant_ball",
]
