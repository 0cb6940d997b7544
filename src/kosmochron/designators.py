"""Identifiers as people type them: COSPAR designators in any written style, GCAT's
JCATs and launch tags, satellite numbers.

The parser reads a designator as the chronology writes it (:func:`kosmochron.values.cospar`);
a search box gets it in every style catalogs and people use, and each must find the
same payload:

    >>> read_designator("1962 B IOT 1").gcat
    '1962 B IOT 1'
    >>> read_designator("1962-B-Iota-1").gcat, read_designator("1962 β ι 1").gcat
    ('1962 B IOT 1', '1962 B IOT 1')
    >>> d = read_designator("1971-49a"); (d.launch, d.piece, d.gcat)
    ('1971-049', 'A', '1971-049A')
    >>> read_designator("1971 049").gcat is None      # a launch, no piece
    True
    >>> read_designator("f601010a").gcat
    'F601010A'
    >>> read_jcat("s5252"), launch_tag_spellings("1960 f12")
    ('S05252', ['1960 F12', '1960-F12'])

A :class:`Designator`'s ``launch`` is the launch's designator in GCAT's spelling
(``1971-049``, ``1962 B IOT``; ``F601010`` for a failure designator), which is
also GCAT's launch tag for modern and Greek-letter launches.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from .values import GCAT_GREEK, GREEK

#: Greek letters written as letters: α → Alpha (both cases; final sigma too).
_GREEK_CHARS = {chr(0x3B1 + n): name for n, name in enumerate(GREEK[:17])}
_GREEK_CHARS.update({chr(0x3C3 + n): name for n, name in enumerate(GREEK[17:])})
_GREEK_CHARS.update({c.upper(): name for c, name in list(_GREEK_CHARS.items())})
_GREEK_CHARS["ς"] = "Sigma"
#: Every way to write a Greek letter, casefolded -> its name.
_LETTERS = {**{name.casefold(): name for name in GREEK},
            **{abbrev.casefold(): name for name, abbrev in GCAT_GREEK.items()},
            **{char: name for char, name in _GREEK_CHARS.items()}}
#: 1961-62's prefixes (more than 24 launches a year): A = Alpha, B = Beta.
_PREFIXES = {"a": "A", "b": "B", "alpha": "A", "beta": "B", "α": "A", "β": "B"}

_SEPARATORS = re.compile(r"[\s\-_./]+")
_NUMBER_PIECE = re.compile(r"(\d{1,3})([A-Za-z]{0,3})")
_FAILURE = re.compile(r"F(\d{6})([A-Z]{0,3})", re.IGNORECASE)
_JCAT = re.compile(r"(?:JCAT:?\s*)?([A-Z])(\d{1,5})", re.IGNORECASE)
_TAG = re.compile(r"(\d{4})[\s-]+(\d{3}|[A-Z]{1,2}\d{1,4}|[A-Z]+(?:[\s-]+[A-Z]+)*)",
                  re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Designator:
    """A designator read from user text: its kind, the launch and the piece (if any)."""

    kind: Literal["modern", "greek", "failure"]
    #: The launch in GCAT's spelling: ``1971-049``, ``1962 B IOT``, ``F601010``.
    launch: str
    #: ``A``, ``AB`` or (Greek-letter designators) ``1``; None for the launch itself.
    piece: str | None

    @property
    def gcat(self) -> str | None:
        """The payload's designator in GCAT's spelling (the stored ``cospar_gcat``), or
        None when no piece was given."""
        if self.piece is None:
            return None
        return f"{self.launch} {self.piece}" if self.kind == "greek" else self.launch + self.piece


def _year(token: str) -> int | None:
    return int(token) if token.isdigit() and len(token) == 4 and 1957 <= int(token) <= 2199 \
        else None


def _modern(year: int, rest: list[str]) -> Designator | None:
    if not 1 <= len(rest) <= 2:
        return None
    m = _NUMBER_PIECE.fullmatch(rest[0])
    if m is None or (len(rest) == 2 and (m.group(2) or not re.fullmatch(r"[A-Za-z]{1,3}",
                                                                         rest[1]))):
        return None
    piece = (m.group(2) or (rest[1] if len(rest) == 2 else "")).upper() or None
    return Designator("modern", f"{year}-{int(m.group(1)):03d}", piece)


def _greek(year: int, rest: list[str]) -> Designator | None:
    prefix = None
    if len(rest) >= 2 and rest[0].casefold() in _PREFIXES and rest[1].casefold() in _LETTERS:
        prefix, rest = _PREFIXES[rest[0].casefold()], rest[1:]
    if not 1 <= len(rest) <= 2 or rest[0].casefold() not in _LETTERS:
        return None
    if len(rest) == 2 and not rest[1].isdigit():
        return None
    letter = GCAT_GREEK[_LETTERS[rest[0].casefold()]]
    launch = " ".join([str(year), *([prefix] if prefix else []), letter])
    return Designator("greek", launch, str(int(rest[1])) if len(rest) == 2 else None)


def read_designator(text: str) -> Designator | None:
    """A COSPAR designator in any common spelling (``1971-045A``, ``1971 45 a``,
    ``1962-B-Iota-1``, ``1962 B IOT 1``, ``1962 Beta Iota 1``, ``F601010A``), or None."""
    compact = text.strip()
    m = _FAILURE.fullmatch(_SEPARATORS.sub("", compact))
    if m is not None and compact[:1] in "Ff":
        return Designator("failure", f"F{m.group(1)}", m.group(2).upper() or None)
    tokens = [t for t in _SEPARATORS.split(compact) if t]
    # "1962 BIOT1" and other joined forms are not read: they are names as often.
    if len(tokens) < 2:
        return None
    year = _year(tokens[0])
    if year is None:
        return None
    return _modern(year, tokens[1:]) or _greek(year, tokens[1:])


def read_jcat(text: str) -> str | None:
    """GCAT's catalog number (``S05252``, ``A00123``; ``s5252`` and ``jcat:S05252`` too)."""
    m = _JCAT.fullmatch(text.strip())
    if m is None:
        return None
    return f"{m.group(1).upper()}{int(m.group(2)):05d}"


def launch_tag_spellings(text: str) -> list[str]:
    """The ways GCAT may spell the launch tag ``text`` names (``1960-F12``, ``1965-A245``,
    ``1957 ALP``, ``1971-049``), upper case, separators as typed and as GCAT has them."""
    m = _TAG.fullmatch(text.strip())
    if m is None:
        return []
    year, rest = m.group(1), " ".join(_SEPARATORS.split(m.group(2).upper()))
    return list(dict.fromkeys([f"{year} {rest}", f"{year}-{rest}"]))
