"""claims: the paper's statements, one quick check each, and the report that writes ``paper_checks.md``.

The only package allowed to import :mod:`theory`, :mod:`simulate` and :mod:`train` together. The
registry (:mod:`claims.registry`) names, for each statement of Betser, Gofer, Levi & Gilboa, *InfoNCE
Induces Gaussian Distribution* (ICLR 2026, arXiv 2602.24012), where it stands in the paper, the code
that encodes it, the scope of what its check can show, and the check itself (:mod:`claims.checks`).
:mod:`claims.report` writes ``paper_checks.md`` and ``results/paper_checks.json``; ``python -m claims``
is the command.
"""

from claims.registry import CLAIMS, Claim, ClaimResult, Verdict, get_claim, run_check

__all__ = ["CLAIMS", "Claim", "ClaimResult", "Verdict", "get_claim", "run_check"]
