"""Shared pieces of the tests' mpmath references (independent of the code under test)."""

from __future__ import annotations

import mpmath as mp


def sign_change_roots(fun, top, n: int) -> list:
    """The roots of ``fun`` on (0, top) found by sign changes on ``n`` midpoints of a uniform grid, each
    refined by mpmath's ``findroot`` (Anderson's bracketing method) at the working precision."""
    grid = [top * (i + mp.mpf(1) / 2) / n for i in range(n)]
    vals = [fun(s) for s in grid]
    return [
        mp.findroot(fun, (grid[i], grid[i + 1]), solver="anderson")
        for i in range(n - 1)
        if (vals[i] > 0) != (vals[i + 1] > 0)
    ]
