"""Kosmochron: space-launch chronologies parsed losslessly into a typed, checkable record.

    >>> import kosmochron as kc
    >>> doc = kc.parse_file()            # the bundled Soviet Mars chronology
    >>> [e.date.text for e in doc.entries][:2]
    ['1960 October 10', '1960 October 14']
    >>> kc.render_document(doc) == kc.seed_path().read_text(encoding="utf-8")
    True
"""

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
    "open_stream",
    "parse_file",
    "parse_text",
    "parse_vague_date",
    "render",
    "render_document",
    "seed_path",
]
__version__ = "0.1.0"
