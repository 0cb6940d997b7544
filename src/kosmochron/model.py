"""The typed model of a chronology: documents, entries, items, fields and text.

Every node keeps the exact source text it was parsed from (``raw``) and where
it starts (``line``/``column``, 1-based).  Those are kept out of equality
(``field(compare=False)``), so two nodes are equal when they *mean* the same,
and :mod:`kosmochron.render` can still give back the input byte for byte by
concatenating the raw text of the nodes in order.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Literal

Severity = Literal["error", "warning"]
EntryKind = Literal["launch", "event"]
Outcome = Literal["success", "failure"]
Precision = Literal["day", "day-range", "month", "season", "year", "unknown"]
CosparKind = Literal["modern", "greek", "failure", "placeholder"]


@dataclass(slots=True, frozen=True)
class Diagnostic:
    """A problem found in the source, in the ``FILE:LINE:COL: severity: message`` form."""

    severity: Severity
    source: str
    line: int
    column: int
    message: str

    def __str__(self) -> str:
        return f"{self.source}:{self.line}:{self.column}: {self.severity}: {self.message}"


@dataclass(slots=True, frozen=True)
class VagueDate:
    """A date as written, its precision and the closed interval of days it denotes.

    ``1959 June 25-26`` is ``day-range`` from 1959-06-25 to 1959-06-26; ``1961 May``
    is ``month`` from 1961-05-01 to 1961-05-31.  An unreadable date has precision
    ``unknown`` and no interval.
    """

    text: str
    precision: Precision
    start: dt.date | None
    end: dt.date | None


@dataclass(slots=True, frozen=True)
class Mass:
    kg: float
    lb: float | None


@dataclass(slots=True, frozen=True)
class Distance:
    km: float
    mi: float | None


@dataclass(slots=True, frozen=True)
class Cospar:
    """An international designator, classified, with the normal forms catalogs use."""

    text: str
    kind: CosparKind
    year: int | None = None
    #: ``1962 Beta Iota 1`` for a Greek-letter designator, else the modern form.
    normalized: str | None = None
    #: GCAT's spelling: ``1962 B IOT 1``, ``1971-045A``.
    gcat: str | None = None
    #: For a failure designator ``F601010A``: the launch date it encodes.
    launch_date: dt.date | None = None
    piece: str | None = None


#: What a typed field value can be.
Typed = Mass | Distance | Cospar | float | int | dt.date | str


@dataclass(slots=True)
class Field:
    """A run-in ``Key: Value.`` fact; ``raw`` includes its terminator and spacing."""

    key: str
    value: str
    typed: Typed | None = None
    line: int = field(default=0, compare=False)
    column: int = field(default=0, compare=False)
    raw: str = field(default="", compare=False, repr=False)

    @property
    def end_column(self) -> int:
        return self.column + len(self.raw)


@dataclass(slots=True)
class Text:
    """Free text: narrative, a paragraph, a blank line or unrecognised page furniture."""

    text: str
    line: int = field(default=0, compare=False)
    column: int = field(default=1, compare=False)
    raw: str = field(default="", compare=False, repr=False)

    @property
    def end_line(self) -> int:
        return self.line + self.raw.count("\n") - (1 if self.raw.endswith("\n") else 0)


def _first(fields: list[Field], key: str) -> Field | None:
    for f in fields:
        if f.key == key:
            return f
    return None


@dataclass(slots=True)
class Item:
    """A payload (or, in an event entry, a titled note) under an entry header.

    ``head`` is the raw bullet, title and ``- .`` separator; ``parts`` the fields
    and narrative runs of the item line in source order; ``eol`` that line's
    ending; ``tail`` the paragraphs and blank lines that follow it, and fields
    that close a paragraph (``… Additional Details: here....``).
    """

    name: str
    parts: list[Field | Text]
    line: int = field(default=0, compare=False)
    head: str = field(default="", compare=False, repr=False)
    eol: str = field(default="", compare=False, repr=False)
    tail: list[Text | Field] = field(default_factory=list, compare=False, repr=False)

    @property
    def fields(self) -> list[Field]:
        """Every field in source order: the item line's, then those closing paragraphs."""
        found = [p for p in self.parts if isinstance(p, Field)]
        found.extend(t for t in self.tail if isinstance(t, Field))
        return found

    def field(self, key: str) -> Field | None:
        # The rules ask this many times per item: no list of the fields is built.
        for part in self.parts:
            if isinstance(part, Field) and part.key == key:
                return part
        for node in self.tail:
            if isinstance(node, Field) and node.key == key:
                return node
        return None

    def value(self, key: str) -> str | None:
        f = self.field(key)
        return None if f is None else f.value

    def typed(self, key: str) -> Typed | None:
        f = self.field(key)
        return None if f is None else f.typed

    @property
    def narrative(self) -> str:
        """Inline narrative and following paragraphs, paragraphs separated by a blank line."""
        texts = [p.text for p in self.parts if isinstance(p, Text) and p.text]
        inline = " ".join(texts)
        paragraphs = [t.text for t in self.tail if isinstance(t, Text) and t.text]
        return "\n\n".join([inline, *paragraphs] if inline else paragraphs)

    @property
    def end_line(self) -> int:
        last = self.line
        for t in self.tail:
            if isinstance(t, Field):
                last = t.line
            elif t.text:
                last = t.end_line
        return last


@dataclass(slots=True)
class Entry:
    """One dated entry: a launch or another event, its header fields and its items.

    ``head`` is the raw date/time prefix of the header line, ``header_rest`` any
    header text that is not a field, ``eol`` the header line's ending and
    ``body`` every node after the header line in order (items and the text
    between them).
    """

    date: VagueDate
    time_utc: str | None
    fields: list[Field]
    body: list[Item | Text]
    line: int = field(default=0, compare=False)
    head: str = field(default="", compare=False, repr=False)
    header_rest: Text | None = field(default=None, compare=False, repr=False)
    eol: str = field(default="", compare=False, repr=False)
    diagnostics: list[Diagnostic] = field(default_factory=list, compare=False, repr=False)

    @property
    def items(self) -> list[Item]:
        return [n for n in self.body if isinstance(n, Item)]

    def field(self, key: str) -> Field | None:
        return _first(self.fields, key)

    def value(self, key: str) -> str | None:
        f = self.field(key)
        return None if f is None else f.value

    @property
    def site(self) -> str | None:
        return self.value("Launch Site")

    @property
    def complex(self) -> str | None:
        return self.value("Launch Complex")

    @property
    def lv_family(self) -> str | None:
        return self.value("LV Family")

    @property
    def vehicle(self) -> str | None:
        return self.value("Launch Vehicle")

    @property
    def configuration(self) -> str | None:
        return self.value("LV Configuration")

    @property
    def failure(self) -> str | None:
        return self.value("FAILURE")

    @property
    def failed_stage(self) -> str | None:
        return self.value("Failed Stage")

    @property
    def kind(self) -> EntryKind:
        """A launch has a launch time, or a payload with launch facts (a payload, a
        designator, a catalog number, or orbit or trajectory fields: a missile or
        sounding rocket has an apogee but no payload), or is a bare site/complex
        header with no items.  Everything else is another event (a
        contract, a test, a decision) that only names a vehicle."""
        if self.time_utc is not None:
            return "launch"
        for item in self.items:
            for f in item.parts:
                if isinstance(f, Field) and f.key in LAUNCH_ITEM_KEYS:
                    return "launch"
        if not self.items and (self.site or self.complex):
            return "launch"
        return "event"

    @property
    def outcome(self) -> Outcome | None:
        if self.kind != "launch":
            return None
        return "failure" if self.field("FAILURE") or self.field("Failed Stage") else "success"

    def carrier_of(self, item: Item) -> Item | None:
        """The payload that carried ``item`` aboard, if ``item`` was never catalogued on
        its own (see :func:`carriers`)."""
        items = self.items
        index = next((k for k, it in enumerate(items) if it is item), None)
        if index is None:
            return None
        keys = [(it.typed("COSPAR"), it.typed("USAF Sat Cat")) for it in items]
        carrier = carriers(keys)[index]
        return None if carrier is None else items[carrier]

    @property
    def end_line(self) -> int:
        last = self.line
        for node in self.body:
            if isinstance(node, Item) or node.text:
                last = node.end_line
        return last

    @property
    def has_errors(self) -> bool:
        return any(d.severity == "error" for d in self.diagnostics)


def carriers(keys: Sequence[tuple[object, object]]) -> list[int | None]:
    """For the payloads of one entry, given as (COSPAR, satellite number) typed values,
    the index of the payload each was carried aboard, or None.

    A lander, a penetrator or a lunar module never catalogued on its own is written
    with a placeholder designator of its launch (``1988-059xx`` beside ``1988-059A``)
    or, without a designator of its own, with its carrier's satellite number.  Its
    carrier is the first other payload with a catalogued designator that has that
    satellite number or, failing a number, belongs to that launch."""
    found: list[int | None] = []
    for k, (cospar, satcat) in enumerate(keys):
        placeholder = isinstance(cospar, Cospar) and cospar.kind == "placeholder"
        number = satcat if isinstance(satcat, int) else None
        if not placeholder and (cospar is not None or number is None):
            found.append(None)
            continue
        launch = cospar.text[:8] if isinstance(cospar, Cospar) and placeholder else ""
        # Another catalogued payload, of this launch if the placeholder names one, with
        # this number if there is one.
        matching = [j for j, (theirs, their_number) in enumerate(keys) if j != k
                    and isinstance(theirs, Cospar) and theirs.kind != "placeholder"
                    and (len(launch) != 8 or theirs.text.startswith(launch))
                    and (number is None or their_number == number)]
        found.append(matching[0] if matching and (number is not None or len(launch) == 8)
                     else None)
    return found


#: Item fields that only a launched object has (an orbit's or a trajectory's too).
LAUNCH_ITEM_KEYS = frozenset({"Payload", "COSPAR", "USAF Sat Cat", "Apogee", "Perigee",
                              "Inclination", "Period"})


@dataclass(slots=True, frozen=True)
class Source:
    path: str
    sha256: str
    title: str | None
    encoding: str = "utf-8"
    bom: bool = False


@dataclass(slots=True)
class Document:
    """A whole parsed file: its source facts, its nodes in order and its diagnostics."""

    source: Source
    nodes: list[Entry | Text]
    diagnostics: list[Diagnostic]

    @property
    def entries(self) -> list[Entry]:
        return [n for n in self.nodes if isinstance(n, Entry)]

    def launches(self) -> Iterator[Entry]:
        return (e for e in self.entries if e.kind == "launch")

    @property
    def has_errors(self) -> bool:
        return any(d.severity == "error" for d in self.diagnostics)
