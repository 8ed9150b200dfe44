"""The registry's types: a statement (:class:`Claim`), what its quick check returns (:class:`ClaimResult`),
and the words of the outcome (:class:`Verdict`, :class:`Scope`, the verdicts each scope admits,
:data:`ALLOWED`). Re-exported by :mod:`claims.registry`."""

from __future__ import annotations

import enum
import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

__all__ = ["ALLOWED", "VERDICT_MEANINGS", "Claim", "ClaimResult", "Scope", "Verdict"]


class Verdict(enum.StrEnum):
    """Outcome of a quick check. The word must fit the check's :class:`Scope` (see :data:`ALLOWED`);
    :data:`VERDICT_MEANINGS` says in one sentence what each word shows and what it does not."""

    CONFIRMED = "confirmed"
    CONFIRMED_IN_FAMILY = "confirmed within family"
    BY_DEFINITION = "holds by definition"
    IMPROBABLE = "improbable under assumption"
    NOT_REPRODUCED = "not reproduced"
    NOT_ATTRIBUTABLE = "reproduced, not attributable to InfoNCE"
    REFUTED = "refuted"
    INCONCLUSIVE = "inconclusive"
    NOT_ENCODED = "not yet encoded"


VERDICT_MEANINGS: dict[Verdict, str] = {
    Verdict.CONFIRMED: "the statement holds over the whole scope of the check (all measures, the stated "
    "parameters, or Monte Carlo / training at the stated sizes, within the stated tolerance)",
    Verdict.CONFIRMED_IN_FAMILY: "holds over a named parametric family only (e.g. von Mises-Fisher); nothing "
    "is shown about measures outside it",
    Verdict.BY_DEFINITION: "an identity true by construction; the check guards the code",
    Verdict.IMPROBABLE: "the paper's number is statistically implausible under a named assumption (which "
    "the paper may not make); not a refutation",
    Verdict.NOT_REPRODUCED: "training at the stated sizes (with our choices where the paper is silent) did "
    "not give the paper's result; not a refutation",
    Verdict.NOT_ATTRIBUTABLE: "the paper's result appears, but the untrained encoder or another objective "
    "shows it too, so InfoNCE is not what makes it",
    Verdict.REFUTED: "the statement is shown false: a counterexample or an exact value contradicts it",
    Verdict.INCONCLUSIVE: "the check could not decide",
    Verdict.NOT_ENCODED: "no check exists yet",
}
"""One sentence per verdict word: what it says and what it does not (the report's header and the README
print these)."""


class Scope(enum.StrEnum):
    """What a check can show: the ground it covers."""

    ALL_MEASURES = "exact, all measures"
    CERTIFIED = "certified over"
    EXACT = "exact at stated parameters"
    FAMILY = "exact within a named family"
    MONTE_CARLO = "Monte Carlo at stated sizes"
    DEFINITION = "holds by definition"
    STATISTICAL = "statistical implausibility under a named assumption"
    TRAINING = "training runs at stated sizes"
    NONE = "-"


ALLOWED: dict[Scope, frozenset[Verdict]] = {
    Scope.ALL_MEASURES: frozenset({Verdict.CONFIRMED, Verdict.REFUTED, Verdict.INCONCLUSIVE}),
    Scope.CERTIFIED: frozenset(
        {Verdict.CONFIRMED, Verdict.CONFIRMED_IN_FAMILY, Verdict.REFUTED, Verdict.INCONCLUSIVE}
    ),
    Scope.EXACT: frozenset({Verdict.CONFIRMED, Verdict.REFUTED, Verdict.INCONCLUSIVE}),
    Scope.FAMILY: frozenset({Verdict.CONFIRMED_IN_FAMILY, Verdict.REFUTED, Verdict.INCONCLUSIVE}),
    Scope.MONTE_CARLO: frozenset({Verdict.CONFIRMED, Verdict.REFUTED, Verdict.INCONCLUSIVE}),
    Scope.DEFINITION: frozenset({Verdict.BY_DEFINITION, Verdict.INCONCLUSIVE}),
    Scope.STATISTICAL: frozenset({Verdict.IMPROBABLE, Verdict.INCONCLUSIVE}),
    Scope.TRAINING: frozenset(
        {Verdict.CONFIRMED, Verdict.NOT_REPRODUCED, Verdict.NOT_ATTRIBUTABLE, Verdict.INCONCLUSIVE}
    ),
    Scope.NONE: frozenset({Verdict.NOT_ENCODED, Verdict.INCONCLUSIVE}),
}
"""The verdict words each scope admits: "refuted" never under a statistical scope (an improbable number
is not a false statement), "confirmed" never over a family only, an identity is "holds by definition"."""


@dataclass
class ClaimResult:
    """What a quick check measured.

    Attributes
    ----------
    measured : str
        Our number(s), human readable (one line; may hold several ``key = value`` items).
    expected : str
        The paper's number or the exact/independent value the measurement is held against.
    verdict : Verdict
        The outcome; must be one of ``ALLOWED[scope]``.
    scope : Scope
        The ground the check covers.
    scope_detail : str
        What exactly: the family's name, the Monte Carlo sizes, the assumption (shown beside the scope).
    note : str
        One sentence of interpretation (finding, caveat).
    data : dict
        Machine-readable numbers (written to the JSON report).
    figures : tuple of str
        Committed figures (paths relative to the repository root) that the report embeds below the table.
    seconds : float
        Wall time of the check (set by :func:`run_check`; JSON only, never in the markdown).
    """

    measured: str
    expected: str
    verdict: Verdict
    scope: Scope = Scope.NONE
    scope_detail: str = ""
    note: str = ""
    data: dict[str, Any] = field(default_factory=dict)
    figures: tuple[str, ...] = ()
    seconds: float = 0.0

    def __post_init__(self) -> None:
        if not isinstance(self.verdict, Verdict):
            raise TypeError(f"verdict must be a Verdict; got {self.verdict!r}")
        if not isinstance(self.scope, Scope):
            raise TypeError(f"scope must be a Scope; got {self.scope!r}")
        if self.verdict not in ALLOWED[self.scope]:
            allowed = ", ".join(sorted(v.value for v in ALLOWED[self.scope]))
            raise ValueError(
                f"verdict {self.verdict.value!r} does not fit scope {self.scope.value!r}; allowed: {allowed}"
            )


@dataclass(frozen=True)
class Claim:
    """One statement of the paper."""

    id: str
    title: str
    statement: str
    where: str
    code: tuple[str, ...] = ()
    check: str | None = None
    reads: tuple[str, ...] = ()
    """The published results (``docs/data/<name>.json``) the check reads; each is verified before any
    check runs, and a check that reads an undeclared one fails (see :mod:`claims.checks._published`)."""

    def check_function(self) -> Callable[[], ClaimResult] | None:
        """Import and return the quick-check function, or ``None`` when not yet encoded."""
        if self.check is None:
            return None
        module, _, name = self.check.partition(":")
        return getattr(importlib.import_module(module), name)
