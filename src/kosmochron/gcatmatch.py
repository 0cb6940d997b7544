"""Which GCAT payload row a chronology payload is: every key scored, the best row chosen.

A payload and a row of GCAT's payload catalog (psatcat) can agree or disagree on four
keys: the satellite-catalog **number**, the international **designator** (in GCAT's
spelling, ``1962 B IOT 1``), the launch **date** (GCAT's day inside the interval the
entry's date denotes) and, loosely, the **name** (one contains the other once case,
spaces and punctuation are dropped, against the payload's name or its ``Payload``
field; GCAT's brackets are not part of a name).  A key either side lacks is not
compared.

A row is a candidate when it agrees on the number, on the designator, or on both the
date and the name; the best candidate agrees on the most keys (ties: the number's
agreement first, then the designator's, then GCAT's order).  So a payload whose
satellite number is mistyped is still linked to its own row, found by designator,
date and name, and the one key that disagrees is reported, rather than the row of
the payload whose number it wrongly carries with three disagreements.

Pure functions over plain values: the validator (:func:`kosmochron.validate.rule_gcat`)
and the store's linking (:mod:`kosmochron.store.crosswalk`) share them.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from .model import Cospar, Entry, Item

KEYS = ("number", "designator", "date", "name")


def name_key(name: str) -> str:
    """A name for loose comparison: lower case, letters and digits only."""
    return re.sub(r"[^a-z0-9]", "", name.lower())


@dataclass(frozen=True, slots=True)
class Ours:
    """What a chronology payload says of itself, for the comparison."""

    satcat: int | None
    piece: str | None
    launch_start: dt.date | None
    launch_end: dt.date | None
    names: tuple[str, ...]

    @classmethod
    def from_item(cls, entry: Entry, item: Item) -> Ours:
        satcat = item.typed("USAF Sat Cat")
        cospar = item.typed("COSPAR")
        piece = cospar.gcat if isinstance(cospar, Cospar) and cospar.kind != "placeholder" \
            else None
        return cls(satcat if isinstance(satcat, int) else None, piece, entry.date.start,
                   entry.date.end, tuple(n for n in (item.name, item.value("Payload")) if n))

    @property
    def launched(self) -> tuple[dt.date, dt.date] | None:
        """The launch interval, when there is one to look rows up by."""
        if self.launch_start is None or self.launch_end is None:
            return None
        return self.launch_start, self.launch_end


@dataclass(frozen=True, slots=True)
class GcatMatch:
    """A GCAT row and, per key, whether it agrees (True), disagrees (False) or cannot
    be compared (None)."""

    row: Mapping[str, Any]
    keys: Mapping[str, bool | None]

    @property
    def agreeing(self) -> tuple[str, ...]:
        return tuple(k for k in KEYS if self.keys[k] is True)

    @property
    def disagreeing(self) -> tuple[str, ...]:
        return tuple(k for k in KEYS if self.keys[k] is False)

    @property
    def candidate(self) -> bool:
        """Whether the row may be this payload's at all."""
        keys = self.keys
        return bool(keys["number"] or keys["designator"] or (keys["date"] and keys["name"]))

    def rank(self) -> tuple[int, bool, bool]:
        return len(self.agreeing), self.keys["number"] is True, self.keys["designator"] is True

    @property
    def matched_by(self) -> str:
        """How the link was made, in the store's words: ``satcat+piece``, ``satcat``,
        ``designator`` or ``date+name``."""
        number, designator = self.keys["number"] is True, self.keys["designator"] is True
        if number and designator:
            return "satcat+piece"
        if number:
            return "satcat"
        return "designator" if designator else "date+name"


def _gcat_name(row: Mapping[str, Any]) -> str | None:
    name = (row.get("name") or "").strip().strip("[]")
    return None if name in ("", "-") else name


def compare(row: Mapping[str, Any], ours: Ours) -> GcatMatch:
    """The row's agreement with ``ours``, key by key."""
    number = None if ours.satcat is None or row.get("satcat") is None \
        else row["satcat"] == ours.satcat
    designator = None if ours.piece is None or not row.get("piece") \
        else row["piece"] == ours.piece
    day = row.get("launch_date")
    date = None if not isinstance(day, dt.date) or ours.launched is None \
        else ours.launched[0] <= day <= ours.launched[1]
    theirs = _gcat_name(row)
    name = None
    if theirs is not None and ours.names:
        key = name_key(theirs)
        mine = {name_key(n) for n in ours.names} - {""}
        name = bool(key) and any(key in m or m in key for m in mine)
    return GcatMatch(row, {"number": number, "designator": designator, "date": date,
                           "name": name})


def best_match(rows: Iterable[Mapping[str, Any]], ours: Ours) -> GcatMatch | None:
    """The candidate row agreeing on the most keys (see the module's docstring), or None."""
    best: GcatMatch | None = None
    for row in rows:
        match = compare(row, ours)
        if not match.candidate:
            continue
        if best is None or match.rank() > best.rank() or (
                match.rank() == best.rank() and str(row.get("jcat")) < str(best.row.get("jcat"))):
            best = match
    return best


def describe(match: GcatMatch, ours: Ours, entry_date: str, item_name: str) -> list[str]:
    """Each disagreement in words, with both values."""
    row, problems = match.row, []
    for key in match.disagreeing:
        if key == "number":
            problems.append(f"satellite number {ours.satcat} here, {row.get('satcat')} in GCAT")
        elif key == "designator":
            problems.append(f"designator {ours.piece} here, {row.get('piece')} in GCAT")
        elif key == "date":
            problems.append(f"launch {entry_date} here, {row.get('launch_date_text')} in GCAT")
        else:
            problems.append(f"named {item_name!r} here, {_gcat_name(row)!r} in GCAT")
    return problems
