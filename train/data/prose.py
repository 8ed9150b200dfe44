"""General English prose shipped by a package: the fortune cookies of Debian's ``fortunes`` package.

The Table 2 analogue's first corpus (Python documentation and docstrings) is narrow and technical. A
second corpus of general prose comes from the data files of Debian's ``fortunes`` package (``apt-get
install fortunes``: quotations, aphorisms, literature, jokes in English, under
``/usr/share/games/fortunes``; the offensive collection is a separate package and is not read). Each
file holds fortunes separated by lines ``%``; a fortune's attribution lines (``-- Author``) are
dropped, its lines joined, and its sentences kept by the filter of :func:`prose_sentences` (6 to 60
words, ending in ``.``, ``?`` or ``!``, mostly letters). Nothing is downloaded at run time.
"""

from __future__ import annotations

import re
from pathlib import Path

__all__ = ["FORTUNES_DIR", "fortune_sentences", "prose_sentences"]

#: Where Debian's ``fortunes`` package installs its data files.
FORTUNES_DIR = Path("/usr/share/games/fortunes")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"'(])")
_ATTRIBUTION = re.compile(r"^\s*(--|-- |\u2014)")


def prose_sentences(text: str) -> list[str]:
    """Sentences of one fortune: attribution lines dropped, lines joined, each sentence filtered.

    Parameters
    ----------
    text : str

    Returns
    -------
    list of str
    """
    lines = [ln.strip() for ln in text.splitlines() if ln.strip() and not _ATTRIBUTION.match(ln)]
    out = []
    for s in _SENTENCE_END.split(" ".join(lines)):
        s = " ".join(s.split())
        n_words = len(s.split())
        if not (6 <= n_words <= 60) or not s.endswith((".", "?", "!")):
            continue
        if sum(c.isalpha() for c in s) < 0.6 * len(s) or "\t" in s:
            continue
        out.append(s)
    return out


def fortune_sentences(root: str | Path = FORTUNES_DIR) -> list[str]:
    """Every sentence of the fortune files under ``root`` (files without an extension; sorted order).

    Raises
    ------
    FileNotFoundError
        ``root`` is not there (the message names ``apt-get install fortunes``).
    """
    root = Path(root)
    files = sorted(p for p in root.glob("*") if p.is_file() and not p.suffix) if root.is_dir() else []
    if not files:
        raise FileNotFoundError(
            f"no fortune files under {root}: the prose corpus needs Debian's fortunes package "
            "(apt-get install fortunes)"
        )
    out: list[str] = []
    for f in files:
        text = f.read_text(encoding="utf-8", errors="replace")
        for fortune in re.split(r"(?m)^%\s*$", text):
            out.extend(prose_sentences(fortune))
    return out
