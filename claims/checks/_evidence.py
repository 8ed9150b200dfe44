"""Attach evidence from other packages' committed studies to a row's own check (one place for it)."""

from __future__ import annotations

import dataclasses
from typing import Any

from claims.registry import ClaimResult


def attach(
    res: ClaimResult,
    *,
    note: str = "",
    key: str | None = None,
    data: Any = None,
    figures: tuple[str, ...] = (),
) -> ClaimResult:
    """``res`` with ``note`` appended, ``data`` stored under ``key`` and ``figures`` added (scope, verdict
    and measured numbers unchanged: the evidence informs the reader, it does not move the verdict)."""
    new_data = dict(res.data)
    if key is not None:
        new_data[key] = data
    new_note = f"{res.note} {note}".strip() if note else res.note
    return dataclasses.replace(res, note=new_note, data=new_data, figures=(*res.figures, *figures))
