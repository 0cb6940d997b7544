"""The run-in field scanner: ``Key: Value. Key: Value. narrative…`` into nodes.

Every byte of the scanned text ends up in a :class:`~kosmochron.model.Field`
(``raw`` keeps the key, the value, the terminator and the spacing after it) or
in a :class:`~kosmochron.model.Text` narrative node, so the parts concatenate
back to the input exactly.

Where a value ends is the one real decision, made by a small rule per kind of
field (see :data:`VALUE_END_RULES`):

* a plain item field ends at its first terminator, ``.`` or `` .`` followed by
  spaces or the end of the line (``USAF Sat Cat: 443 .``), but not inside an
  initialism like ``U.S.``;
* free-text fields (``FAILURE``, ``Summary``) end at the double period the
  source uses to close them (``…13.32 s of burning.. Failed Stage``), else at
  the first terminator followed by another key;
* header fields hold no narrative: a value runs on over a sentence only when
  another field follows; text after the last field is kept raw, with a warning.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from .model import Diagnostic, Field, Text, Typed
from .values import CONVERTERS

_WORD = r"[A-Z][A-Za-z0-9/&'+\-]*"
#: A key: up to four capitalised words, then a colon.  Lower-case words keep
#: sentences like ``Announced mission: …`` in the narrative.
KEY = re.compile(rf"({_WORD}(?: {_WORD}){{0,3}}):(?: +|(?=\.|$))")
#: A value terminator: a period (optionally after a space) then spaces or the end.
TERMINATOR = re.compile(r" ?(?<!\.[A-Z])\.(?: +|$)")
DOUBLE_PERIOD = re.compile(r"\.\.(?: +|$)")
#: Fields that may follow the narrative at the end of an item's text.
TRAILER = re.compile(r"(?:(?<=\. )|^)(?:Additional Details|References): ")

FREE_TEXT_KEYS = frozenset({"FAILURE", "Summary"})


def has_trailer(text: str) -> bool:
    """A cheap test before :data:`TRAILER`'s search (substring search is far faster)."""
    return "Additional Details: " in text or "References: " in text

#: (value end, raw end) for a value starting at ``start`` of ``text``.
ValueEnd = Callable[[str, int], tuple[int, int]]


def _end_of_text(text: str) -> tuple[int, int]:
    stripped = text.rstrip()
    value_end = len(stripped) - 1 if stripped.endswith(".") else len(stripped)
    return value_end, len(text)


def _followed_by_key(text: str, start: int, *, or_end: bool = True) -> tuple[int, int] | None:
    """The first terminator followed by a key (or, if ``or_end``, by the end)."""
    for m in TERMINATOR.finditer(text, start):
        if (or_end and m.end() == len(text)) or KEY.match(text, m.end()):
            return m.start(), m.end()
    return None


def end_plain(text: str, start: int) -> tuple[int, int]:
    m = TERMINATOR.search(text, start)
    if m is None:
        return _end_of_text(text)
    return m.start(), m.end()


def end_free_text(text: str, start: int) -> tuple[int, int]:
    m = DOUBLE_PERIOD.search(text, start)
    if m is not None:
        return m.start() + 1, m.end()
    return _followed_by_key(text, start) or end_plain(text, start)


def end_header(text: str, start: int) -> tuple[int, int]:
    """A header value may hold a sentence when another field follows it
    (``Agency: Korolev. Later OKB-1. Program: …``); text after the last field
    (``Launch Vehicle: R-7. Decision taken.``) is not the value's but the header's
    leftover, kept as raw text with a warning."""
    return _followed_by_key(text, start, or_end=False) or end_plain(text, start)


VALUE_END_RULES: dict[str, ValueEnd] = {key: end_free_text for key in FREE_TEXT_KEYS}


#: The fast path: a plain field in one regular expression, and a run of them.
#: A value runs to a period followed by a space or the end of the text; periods
#: inside numbers (``T+300.9``) and initialisms (``U.S. Air Force``) do not end it.
_FAST_KEY = rf"(?!FAILURE:|Summary:){_WORD}(?: {_WORD}){{0,3}}"
_FAST_VALUE = r"[^.]*(?:(?:\.(?=[^ ])|(?<=\.[A-Z])\. )[^.]*)*"
_FAST_FIELD = rf"({_FAST_KEY}): +({_FAST_VALUE})\.(?: +|$)"
FAST_FIELD = re.compile(rf"({_FAST_FIELD})")
FAST_RUN = re.compile(rf"(?:{_FAST_FIELD})*")
#: Both in one pass: ``findall`` from a position gives each plain field of the run,
#: then one match of everything after it with empty groups (so the matches are
#: contiguous, and the scan stops there; ``(?s:.+)`` jumps to the end at once where
#: ``[\s\S]+`` would step through the narrative).
#: (Its keys may be ``FAILURE`` or ``Summary``: the scan stops there for their own rule.)
FAST_SCAN = re.compile(
    rf"(({_WORD}(?: {_WORD}){{0,3}}): +({_FAST_VALUE})\.(?: +|$))|(?s:.+)")

#: Typed readings are immutable, and the same values recur all through a
#: chronology ("Mass: 890 kg (1,960 lb)"), so conversions are memoised.
_CONVERSIONS: dict[tuple[str, str], tuple[Typed | None, str | None]] = {}
_CONVERSIONS_MAX = 200_000


def scan_fields(
    text: str,
    line: int,
    column: int,
    source: str,
    diagnostics: list[Diagnostic],
    *,
    header: bool = False,
) -> list[Field | Text]:
    """Split ``text`` (which starts at ``line``:``column``) into fields and narrative.

    In a header every run of text is scanned for fields; in an item the fields
    stop at the first sentence that is not ``Key: Value``, and the rest is
    narrative, except for trailing fields like ``Additional Details: here``.
    """
    parts: list[Field | Text] = []
    pos = _scan_run(text, 0, line, column, source, diagnostics, parts, header)
    if pos < len(text):
        rest = text[pos:]
        trailer = TRAILER.search(rest) if not header and has_trailer(rest) else None
        cut = len(text) if trailer is None else pos + trailer.start()
        if cut > pos:
            chunk = text[pos:cut]
            parts.append(Text(chunk.strip(), line, column + pos, chunk))
        if cut < len(text):
            end = _scan_run(text, cut, line, column, source, diagnostics, parts, header)
            if end < len(text):
                chunk = text[end:]
                parts.append(Text(chunk.strip(), line, column + end, chunk))
    return parts


def _scan_run(
    text: str,
    pos: int,
    line: int,
    column: int,
    source: str,
    diagnostics: list[Diagnostic],
    parts: list[Field | Text],
    header: bool,
) -> int:
    """Scan consecutive fields from ``pos``; return where the run ends."""
    size = len(text)
    while pos < size:
        # Fast path: the whole run of plain fields in one pass of one regex.
        col = column + pos
        for raw, key, value in FAST_SCAN.findall(text, pos):
            if not raw or key in FREE_TEXT_KEYS:
                break
            value = value.rstrip(" ")
            if key not in CONVERTERS:
                parts.append(Field(key, value, None, line, col, raw))
            elif (known := _CONVERSIONS.get((key, value))) is not None and known[1] is None:
                parts.append(Field(key, value, known[0], line, col, raw))
            else:
                parts.append(_field(key, value, raw, line, col, col + len(key) + 2, source,
                                    diagnostics))
            col += len(raw)
        pos = col - column
        if pos >= size:
            break
        # Slow path: one field the fast path declined (free text, no terminator,
        # an empty value), by the rule for its key.
        m = KEY.match(text, pos)
        if m is None:
            if not (header and parts and isinstance(parts[-1], Field)):
                break
            extended = _extend_header_value(text, pos, line, column, source, diagnostics,
                                            parts)
            if extended == pos:
                break
            # The extended value ends before the next key, so scan on from there.
            pos = extended
            continue
        key = m.group(1)
        start = m.end()
        rule = VALUE_END_RULES.get(key) or (end_header if header else end_plain)
        value_end, raw_end = rule(text, start)
        value = text[start:max(start, value_end)].rstrip(" ")
        parts.append(_field(key, value, text[pos:raw_end], line, column + pos,
                            column + start, source, diagnostics))
        pos = raw_end
    return pos


def _extend_header_value(
    text: str,
    pos: int,
    line: int,
    column: int,
    source: str,
    diagnostics: list[Diagnostic],
    parts: list[Field | Text],
) -> int:
    """A header value may hold sentences (``Agency: Korolev. Later OKB-1.``): when
    text that is not a field follows the last field, re-read that field by the
    header rule, which runs to the next key or the end."""
    last = parts[-1]
    assert isinstance(last, Field)
    start = last.column - column
    m = KEY.match(text, start)
    if m is None:
        return pos
    value_end, raw_end = end_header(text, m.end())
    if raw_end <= pos:
        return pos
    parts[-1] = _field(last.key, text[m.end():value_end].rstrip(" "), text[start:raw_end], line,
                       last.column, column + m.end(), source, diagnostics)
    return raw_end


def _field(
    key: str,
    value: str,
    raw: str,
    line: int,
    column: int,
    value_column: int,
    source: str,
    diagnostics: list[Diagnostic],
) -> Field:
    cache_key = (key, value)
    conversion = _CONVERSIONS.get(cache_key)
    if conversion is None:
        convert = CONVERTERS.get(key)
        if convert is None:
            return Field(key, value, None, line, column, raw)
        try:
            conversion = (convert(value), None)
        except ValueError as exc:
            conversion = (None, f"bad {key} value {value!r}: {exc}; the raw text is kept")
        if len(_CONVERSIONS) >= _CONVERSIONS_MAX:
            _CONVERSIONS.clear()
        _CONVERSIONS[cache_key] = conversion
    typed, error = conversion
    if error is not None:
        diagnostics.append(Diagnostic("error", source, line, value_column, error))
    return Field(key, value, typed, line, column, raw)
