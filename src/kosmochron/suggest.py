"""Did you mean: the known values nearest to one that names nothing.

    >>> nearest("Protn", ["R-7", "Proton", "Molniya"])
    ['Proton']
    >>> nearest("baikonur lc-1", ["Baikonur LC1", "Baikonur LC81"])
    ['Baikonur LC1', 'Baikonur LC81']

Values are compared folded (case, accents and punctuation ignored): a value that
folds to a known one comes first, then the close ones by similarity
(:class:`difflib.SequenceMatcher`), then known values that contain it or that it
begins with.  Used for every filter a user can mistype: CLI options, web facets,
API parameters.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable

_NOT_ALNUM = re.compile(r"[\W_]+")


def fold(text: str) -> str:
    """``text`` without case, accents or punctuation: ``"Baïkonur LC-1"`` → ``"baikonurlc1"``."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return _NOT_ALNUM.sub("", "".join(c for c in decomposed if not unicodedata.combining(c)))


def nearest(value: str, known: Iterable[str], n: int = 5, cutoff: float = 0.6) -> list[str]:
    """Up to ``n`` of ``known`` nearest to ``value``, best first (none if none is near)."""
    folded: dict[str, list[str]] = {}
    for name in known:
        folded.setdefault(fold(name), []).append(name)
    key = fold(value)
    found: list[str] = []
    if key in folded:
        found.extend(folded[key])
    found.extend(name for close in difflib.get_close_matches(key, list(folded), n, cutoff)
                 for name in folded[close])
    if key:
        found.extend(name for f, names in folded.items() if key in f or f.startswith(key)
                     for name in names)
    return list(dict.fromkeys(found))[:n]


def did_you_mean(suggestions: list[str]) -> str:
    """``"; did you mean 'A' or 'B'?"`` (empty without suggestions)."""
    if not suggestions:
        return ""
    quoted = [repr(s) for s in suggestions]
    listed = quoted[0] if len(quoted) == 1 else f"{', '.join(quoted[:-1])} or {quoted[-1]}"
    return f"; did you mean {listed}?"
