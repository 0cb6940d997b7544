"""Text as the databases can hold it: the same on SQLite and PostgreSQL.

PostgreSQL's ``text`` and ``jsonb`` cannot hold a NUL character, which the parser
accepts (with an error: it is kept, so a file renders back byte for byte).  So
that both databases store and answer the same, whatever the input:

* the raw text of the text nodes between entries (what renders a source back with
  the entries' text, which is stored packed, NUL and all: :mod:`.packing`) is stored
  with NUL escaped, reversibly (:class:`RawText`, a column type that unescapes on
  the way out; the bulk writers call :func:`escape` themselves);
* every other value (names, field values, narratives, diagnostics) is stored with
  NUL as U+FFFD, the replacement character (:func:`clean`): a value with a NUL is
  an error in the record, and the raw text keeps the original.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy.engine import Dialect
from sqlalchemy.types import Text, TypeDecorator

NUL = "\x00"
#: The escape character: a noncharacter (U+10FFFE) that no real text uses.  In raw text
#: ESC ESC stands for ESC and ESC "0" for NUL; text with neither is stored as it is.
ESC = "\U0010fffe"
_ESCAPED = re.compile(ESC + "(.)", re.DOTALL)


def escape(raw: str) -> str:
    """``raw`` as stored: without NUL, reversibly (:func:`unescape`)."""
    if NUL not in raw and ESC not in raw:  # nearly always: no copy
        return raw
    return raw.replace(ESC, ESC + ESC).replace(NUL, ESC + "0")


def unescape(stored: str) -> str:
    if ESC not in stored:
        return stored
    return _ESCAPED.sub(lambda m: NUL if m.group(1) == "0" else ESC, stored)


def clean(value: Any) -> Any:
    """A value as stored outside raw text: NUL as U+FFFD (other values as they are)."""
    return value.replace(NUL, "\ufffd") if isinstance(value, str) else value


class RawText(TypeDecorator[str]):
    """A text column holding raw source text, NUL included (see the module)."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        return None if value is None else escape(value)

    def process_result_value(self, value: str | None, dialect: Dialect) -> str | None:
        return None if value is None else unescape(value)
