"""Kosmochron: space-launch chronologies parsed losslessly into a typed, checkable record.

    >>> import kosmochron as kc
    >>> doc = kc.parse_file()            # the bundled Soviet Mars chronology
    >>> [e.date.text for e in doc.entries][:2]
    ['1960 October 10', '1960 October 14']
    >>> kc.render_document(doc) == kc.seed_path().read_text(encoding="utf-8")
    True
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

# Eager, unlike the rest: the function shares its name with its module, and importing
# the module later would otherwise leave the module where the function should be.
from .render import render, render_document

if TYPE_CHECKING:
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
    from .source import (
        ChronologyStream,
        SourceDecodeError,
        SourceError,
        open_stream,
        parse_file,
        parse_text,
        seed_path,
    )
    from .store import Store
    from .values import cospar

#: Where each public name lives: imported on first use, so ``kosmochron --version``
#: and the commands load only the modules they need.
_EXPORTS = {
    "parse_vague_date": "dates",
    "document_json": "export", "entry_json": "export", "item_json": "export",
    **dict.fromkeys(("Cospar", "Diagnostic", "Distance", "Document", "Entry", "Field", "Item",
                     "Mass", "Source", "Text", "VagueDate"), "model"),
    **dict.fromkeys(("ChronologyStream", "SourceDecodeError", "SourceError", "open_stream",
                     "parse_file", "parse_text", "seed_path"), "source"),
    "cospar": "values",
}


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


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
