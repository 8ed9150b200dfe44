"""The environment of a subprocess that must import this checkout."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def checkout_env(**extra: str) -> dict[str, str]:
    """``os.environ`` with this checkout first on ``PYTHONPATH`` (the caller's entries kept after it).

    Replacing ``PYTHONPATH`` outright would drop packages the caller's interpreter finds only through it
    (a ``pip install --target`` folder, say), and the subprocess would fail to import them.
    """
    path = os.environ.get("PYTHONPATH")
    return {**os.environ, "PYTHONPATH": str(ROOT) + (os.pathsep + path if path else ""), **extra}
