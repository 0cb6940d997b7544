"""Kosmochron: space-launch chronologies parsed losslessly into a typed, checkable record.

    >>> import kosmochron as kc
    >>> doc = kc.parse_file()            # the bundled Soviet Mars chronology
    >>> [e.date.text for e in doc.entries][:2]
    ['1960 October 10', '1960 October 14']
    >>> kc.render_document(doc) == kc.seed_path().read_text(encoding="utf-8")
    True
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .dates import parse_vague_date
from .export import document_json, entry_json, item_json
from .model import (
    Cospar,
    Diagnostic,
    Distance,
    Document,
    Entry,
    Field,
    Item,
    Mass,
    Source,
    Text,
    VagueDate,
)
from .render import render, render_document
from .source import (
    ChronologyStream,
    SourceDecodeError,
    SourceError,
    open_stream,
    parse_file,
    parse_text,
    seed_path,
)
from .values import cospar

if TYPE_CHECKING:
    from .store import Store


def open(db: str | None = None) -> Store:
    """The chronology database (the store): ``db`` is an SQLite path or a PostgreSQL URL,
    else ``$KOSMOCHRON_DB``, else a file in the user's data directory, created and
    filled from the bundled chronology on first use.  Imported lazily, so parsing
    alone never loads SQLAlchemy."""
    from .store import open_store

    return open_store(db)


__all__ = [
    "ChronologyStream",
    "Cospar",
    "Diagnostic",
    "Distance",
    "Document",
    "Entry",
    "Field",
    "Item",
    "Mass",
    "Source",
    "SourceDecodeError",
    "SourceError",
    "Text",
    "VagueDate",
    "cospar",
    "document_json",
    "entry_json",
    "item_json",
    "open",
    "open_stream",
    "parse_file",
    "parse_text",
    "parse_vague_date",
    "render",
    "render_document",
    "seed_path",
]
__version__ = "0.1.0"
