"""The chronology parser: an ordered table of line rules over a stream of lines.

Each rule is a short function that looks at one line and either consumes it
(adding nodes to the state) or declines.  The first rule that consumes a line
wins, like markdown-it's block rules.  Entries are yielded as soon as the next
top-level line closes them, so a 100 MB file is parsed in constant memory.

Nothing is dropped: a line no rule understands becomes a :class:`Text` node,
and every problem becomes a :class:`Diagnostic` rather than an exception.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator

from .dates import MONTHS, SEASONS, DateError, parse_vague_date
from .fields import KEY, TRAILER, has_trailer, scan_fields
from .model import Diagnostic, Entry, Field, Item, Text, VagueDate

#: ``1971 May 19 - . 16:22 GMT - . `` — date, separator, optional time, separator.
HEADER = re.compile(
    r"(?P<date>\d{4}(?: [^ .]+){0,2}?)"
    r"(?: - \.(?: +|$)| (?=\d{1,2}:\d{2}))"
    r"(?:(?P<time>\d{1,2}:\d{2}(?::\d{2})?)(?: GMT| UTC)?(?: - \.(?: +|$))?)?"
)
#: Header keys that make a line with an unreadable date still a header.
HEADER_KEYS = ("Launch Site:", "Launch Complex:", "LV Family:", "Launch Vehicle:",
               "LV Configuration:", "Launch Platform:")
#: ``· Title - . `` — optional bullet (maybe indented), the title, the ``- .`` separator.
BULLET = re.compile(r"[ \t]*[·•] *")
_BULLETS = "·•"
TITLE_SEPARATOR = re.compile(r" - \.(?: +|$)")
#: Encyclopedia Astronautica navigation and copyright lines.
FURNITURE = re.compile(r"Home - Search - Browse|A- B- C- D- |© ")
_FURNITURE_STARTS = frozenset("HA©")
#: A site banner that older page layouts put above the page name (never the title).
BANNER = re.compile(r"(?:Encyclopedia Astronautica|(?:www\.)?astronautix(?:\.com)?)\.?",
                    re.IGNORECASE)
#: A title's trailing periods are the source's punctuation, not the name's; one that
#: closes an initialism ("U.S.") is kept.
_NAME_END = re.compile(r"(?<!\.[A-Z])\.+$")
#: First three letters of every month and season, and the "no month" dash.
_MONTH_PREFIXES = frozenset(w[:3] for w in [*MONTHS, *SEASONS, "-"])
#: A day or a day range, as the third word of a date.
_DAY_WORD = re.compile(r"\d{1,2}(?:-\d{1,2})?")


#: Bounds on what one entry costs, whatever the input: a line longer than
#: :data:`LONG_LINE` characters is kept as text without being read for a header, an item
#: or fields; after :data:`ENTRY_LINES` lines an entry (or the text before the first) is
#: kept as raw text up to the next dated header; a file's diagnostics after the first
#: :data:`MAX_DIAGNOSTICS` are counted, not kept.  Real pages stay far below all three.
LONG_LINE = 256 * 1024
ENTRY_LINES = 5000
MAX_DIAGNOSTICS = 10_000


class DiagnosticLog(list[Diagnostic]):
    """A file's diagnostics: the first ``limit`` kept, the rest only counted, so that a
    file with a million bad values is reported in bounded memory (:meth:`close` adds
    one diagnostic that says how many more there were)."""

    def __init__(self, limit: int | None = None) -> None:
        super().__init__()
        self.limit = MAX_DIAGNOSTICS if limit is None else limit
        #: Every diagnostic's severity, kept or not.
        self.counts = {"error": 0, "warning": 0}
        self.first_dropped: Diagnostic | None = None

    def append(self, diag: Diagnostic) -> None:
        self.counts[diag.severity] += 1
        if len(self) < self.limit:
            super().append(diag)
        elif self.first_dropped is None:
            self.first_dropped = diag

    def close(self) -> None:
        first = self.first_dropped
        if first is None:
            return
        self.first_dropped = None
        errors = self.counts["error"] - sum(d.severity == "error" for d in self)
        warnings = self.counts["warning"] - sum(d.severity == "warning" for d in self)
        super().append(Diagnostic(
            "error" if errors else "warning", first.source, first.line, first.column,
            f"{errors + warnings:,} more diagnostics from here on are not listed ({errors:,} "
            f"errors, {warnings:,} warnings); only the first {self.limit:,} are kept"))


class ParseState:
    """What the rules build: the open entry and item, and the diagnostics."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.diagnostics: DiagnosticLog = DiagnosticLog()
        #: The line from which the open entry (or the text before the first) is kept as
        #: raw text rather than parsed (:data:`ENTRY_LINES`), and that text so far.
        self.spill_at = ENTRY_LINES + 1
        self.spill: list[str] | None = None
        self.spill_line = 0
        self.entry: Entry | None = None
        self.item: Item | None = None
        #: Top-level text lines not yet emitted (joined into one node).
        self.loose: list[Text] = []
        self.in_furniture = False
        self.title: str | None = None
        self.done: list[Entry | Text] = []

    def add_text(self, node: Text) -> None:
        """A text line where it stands: after the open item, in the open entry's body, or
        among the top-level lines not yet emitted."""
        if self.item is not None:
            self.item.tail.append(node)
        elif self.entry is not None:
            self.entry.body.append(node)
        else:
            self.loose.append(node)

    def close_entry(self) -> None:
        self.end_spill()
        if self.entry is not None:
            self.done.append(self.entry)
        self.entry = None
        self.item = None

    def end_spill(self) -> None:
        """The raw text kept since :attr:`spill_at` as one text node, where it was."""
        if self.spill is None:
            return
        raw = "".join(self.spill)
        self.spill = None
        node = Text(raw, self.spill_line, 1, raw)
        if self.entry is not None:
            self.entry.body.append(node)
        else:
            self.loose.append(node)

    def flush_loose(self) -> None:
        if self.loose:
            first = self.loose[0]
            raw = "".join(t.raw for t in self.loose)
            text = "\n".join(t.text for t in self.loose).strip("\n")
            self.done.append(Text(text, first.line, 1, raw))
            self.loose = []

    def error(self, line: int, column: int, message: str, severity: str = "error") -> Diagnostic:
        diag = Diagnostic("error" if severity == "error" else "warning",
                          self.source, line, column, message)
        self.diagnostics.append(diag)
        return diag


Rule = Callable[[ParseState, str, str, int], bool]


def rule_blank(state: ParseState, content: str, eol: str, line: int) -> bool:
    if content.strip():
        return False
    state.add_text(Text("", line, 1, content + eol))
    return True


def rule_furniture(state: ParseState, content: str, eol: str, line: int) -> bool:
    if content[:1] not in _FURNITURE_STARTS or not FURNITURE.match(content):
        return False
    state.close_entry()
    state.spill_at = line + ENTRY_LINES
    state.in_furniture = True
    state.loose.append(Text(content.strip(), line, 1, content + eol))
    return True


def rule_header(state: ParseState, content: str, eol: str, line: int) -> bool:
    if not content[:1].isdigit():
        return False
    m = HEADER.match(content)
    if m is None:
        return False
    date_text = m.group("date")
    time = m.group("time")
    rest_at = m.end()
    date: VagueDate
    date_error: DateError | None = None
    try:
        date = parse_vague_date(date_text)
    except DateError as exc:
        # A time only vouches for the date when the " - ." separator is there
        # too: "1969 at 12:30 GMT the crew woke." is narrative.
        timed = time is not None and content.startswith(" - .", m.end("date"))
        if not (timed or _meant_as_date(date_text.split())
                or content.startswith(HEADER_KEYS, rest_at)):
            return False  # e.g. an item titled "1962 Mars attempt - . Nation: …"
        date, date_error = exc.date, exc

    state.close_entry()
    state.flush_loose()
    state.in_furniture = False
    state.spill_at = line + ENTRY_LINES
    entry = Entry(date, _normal_time(time), [], [], line, content[:rest_at], None, eol)
    if date_error is not None:
        kept = "its date unread" if date.start is None else "the year it gives"
        entry.diagnostics.append(state.error(line, 1, f"{date_error}; the entry is kept "
                                             f"with {kept}"))
    if time is not None:
        hours, minutes = time.split(":")[:2]
        if int(hours) > 23 or int(minutes) > 59:
            entry.diagnostics.append(state.error(
                line, m.start("time") + 1, f"time {time!r} is not a time of day (00:00-23:59)"))
    before = len(state.diagnostics)
    parts = scan_fields(content[rest_at:], line, rest_at + 1, state.source, state.diagnostics,
                        header=True)
    for part in parts:
        if isinstance(part, Field):
            entry.fields.append(part)
        else:
            entry.header_rest = part
            if part.text:
                state.error(line, part.column, "header text is not a 'Key: Value.' field; "
                            "it is kept as raw text", "warning")
    entry.diagnostics.extend(state.diagnostics[before:])
    state.entry = entry
    return True


def _meant_as_date(words: list[str]) -> bool:
    """Whether an unreadable date is still meant as one (``1965 Novembr 16``, a
    misspelt month) rather than an item title that starts with a year
    (``1962 Mars attempt``): the second word starts like a month or season and
    a third word, if any, is a day."""
    if len(words) < 2 or words[1][:3] not in _MONTH_PREFIXES:
        return False
    return len(words) == 2 or _DAY_WORD.fullmatch(words[2]) is not None


def _normal_time(time: str | None) -> str | None:
    """``4:05`` as ``04:05``, so times sort and compare as text; seconds are kept."""
    if time is None:
        return None
    if time[2:3] == ":":  # two-digit hours already
        return time
    hours, rest = time.split(":", 1)
    return f"{int(hours):02d}:{rest}"


def _bulleted(content: str) -> bool:
    """Whether the line starts with a bullet, maybe after spaces or tabs."""
    first = content[:1]
    if first in _BULLETS:
        return True
    return first in " \t" and content.lstrip(" \t")[:1] in _BULLETS


def item_name(title: str) -> str:
    """An item's name: its title without the trailing period the source closes it with
    (``Mars probe 1M s/n 1 failure.``); the item's raw head keeps the period."""
    return _NAME_END.sub("", title) if title.endswith(".") else title


def _item_head(content: str) -> tuple[int, int, int] | None:
    """(title start, title end, fields start) of an item line, or None."""
    bullet = BULLET.match(content)
    title_at = bullet.end() if bullet else 0
    sep = TITLE_SEPARATOR.search(content, title_at)
    while sep is not None:
        # Without a bullet the separator must lead into a field, so that prose
        # containing " - . " stays prose.
        if bullet or sep.end() == len(content) or KEY.match(content, sep.end()):
            return title_at, sep.start(), sep.end()
        sep = TITLE_SEPARATOR.search(content, sep.end())
    if bullet:
        return title_at, len(content.rstrip()), len(content.rstrip())
    return None


def rule_item(state: ParseState, content: str, eol: str, line: int) -> bool:
    if state.entry is None:
        return False
    if " - ." not in content and not _bulleted(content):
        return False
    head = _item_head(content)
    if head is None:
        return False
    title_at, title_end, fields_at = head
    before = len(state.diagnostics)
    parts = scan_fields(content[fields_at:], line, fields_at + 1, state.source,
                        state.diagnostics)
    item = Item(item_name(content[title_at:title_end]), parts, line, content[:fields_at], eol)
    state.entry.diagnostics.extend(state.diagnostics[before:])
    state.entry.body.append(item)
    state.item = item
    return True


def rule_stray_item(state: ParseState, content: str, eol: str, line: int) -> bool:
    """A payload record before any dated entry (a bulleted line, or ``Name - . Key:
    Value.`` without a bullet): kept as raw text, with a warning, and never taken as
    the document's title."""
    if state.entry is not None or not _is_record(content):
        return False
    state.error(line, 1, "payload record before any dated entry; kept as raw text "
                "(add a dated header like '1971 May 19 - . Launch Vehicle: …' above it)",
                "warning")
    state.loose.append(Text(content.strip(), line, 1, content + eol))
    return True


def _is_record(content: str) -> bool:
    """A bulleted line, or a title, the ``- .`` separator and a ``Key:`` field."""
    if _bulleted(content):
        return True
    if " - ." not in content:
        return False
    sep = TITLE_SEPARATOR.search(content)
    return sep is not None and sep.start() > 0 and KEY.match(content, sep.end()) is not None


def rule_item_paragraph(state: ParseState, content: str, eol: str, line: int) -> bool:
    """A paragraph of an item's narrative that ends in fields (``… Additional
    Details: here....``): the text, then the fields, then the line ending."""
    item = state.item
    if item is None or state.in_furniture or not has_trailer(content):
        return False
    trailer = TRAILER.search(content)
    if trailer is None:
        return False
    cut = trailer.start()
    if cut:
        item.tail.append(Text(content[:cut].strip(), line, 1, content[:cut]))
    before = len(state.diagnostics)
    item.tail.extend(scan_fields(content[cut:], line, cut + 1, state.source, state.diagnostics))
    assert state.entry is not None
    state.entry.diagnostics.extend(state.diagnostics[before:])
    item.tail.append(Text("", line, len(content) + 1, eol))
    return True


def rule_paragraph(state: ParseState, content: str, eol: str, line: int) -> bool:
    node = Text(content.strip(), line, 1, content + eol)
    if state.in_furniture or state.entry is None:
        if state.title is None and node.text and not BANNER.fullmatch(node.text):
            state.title = node.text
        state.loose.append(node)
    elif state.item is not None:
        state.item.tail.append(node)
    else:
        state.entry.body.append(node)
    return True


#: The line rules, in the order they are tried.
RULES: list[Rule] = [rule_blank, rule_furniture, rule_header, rule_item, rule_stray_item,
                     rule_item_paragraph, rule_paragraph]


def parse_lines(
    lines: Iterable[tuple[str, str]],
    source: str,
    state: ParseState | None = None,
    first_line: int = 1,
) -> Iterator[Entry | Text]:
    """Parse ``(content, eol)`` pairs; yield top-level nodes as they complete.

    Diagnostics accumulate on ``state`` (pass one in to read them afterwards).
    ``first_line`` numbers the lines of a fragment cut from a larger file, such
    as one entry's stored text.
    """
    state = state or ParseState(source)
    state.spill_at = first_line + ENTRY_LINES
    rules = RULES
    done = state.done
    for line, (content, eol) in enumerate(lines, first_line):
        # One test for the rare lines that need more than the rules (bounded cost).
        if line >= state.spill_at or len(content) > LONG_LINE or "\x00" in content:
            _unusual_line(state, content, eol, line)
        else:
            for rule in rules:
                if rule(state, content, eol, line):
                    break
        if done:
            yield from done
            done.clear()
    state.close_entry()
    state.flush_loose()
    state.diagnostics.close()
    yield from done
    done.clear()


def _unusual_line(state: ParseState, content: str, eol: str, line: int) -> None:
    """A line past its entry's :data:`ENTRY_LINES` or longer than :data:`LONG_LINE`, kept
    as text without being read; any other line read by the rules.  A NUL character is
    an error either way."""
    if line >= state.spill_at:
        if not (rule_furniture(state, content, eol, line)
                or (content[:1].isdigit() and rule_header(state, content, eol, line))):
            if state.spill is None:  # not a new header or page furniture: keep it raw
                state.error(line, 1, f"more than {ENTRY_LINES:,} lines in one entry: the "
                            "lines from here to the next dated header are kept as raw text, "
                            "not read", "warning")
                state.spill, state.spill_line, state.item = [], line, None
            state.spill.append(content + eol)
    elif len(content) > LONG_LINE:
        state.error(line, 1, f"line of {len(content):,} characters (over {LONG_LINE:,}): kept "
                    "as text, not read for a header, a payload or fields", "warning")
        state.add_text(Text(content, line, 1, content + eol))
    else:
        for rule in RULES:
            if rule(state, content, eol, line):
                break
    nul = content.find("\x00")
    if nul >= 0:
        diag = state.error(line, nul + 1, "NUL character (U+0000): kept in the text, but it is "
                           "not text; the database stores it as U+FFFD in values and names")
        if state.entry is not None:
            state.entry.diagnostics.append(diag)


def split_lines(text: str) -> Iterator[tuple[str, str]]:
    """``(content, eol)`` for each line of ``text``; the eol is ``\\r\\n``, ``\\n`` or ``""``."""
    start = 0
    size = len(text)
    while start < size:
        nl = text.find("\n", start)
        if nl < 0:
            yield text[start:], ""
            return
        if nl > start and text[nl - 1] == "\r":
            yield text[start:nl - 1], "\r\n"
        else:
            yield text[start:nl], "\n"
        start = nl + 1
