"""Entry text stored deflated: about half the bytes, read back whole.

An entry's source text (``entries.raw``) is read whole, to re-parse it or render its
source back, and never searched in SQL (the search has its own index over the
payloads' columns), so it is kept deflated with zlib and a preset dictionary of the
format's own words (its field keys and separators: short texts compress far better
with one).  A packed value is one version byte and the raw deflate stream; the
dictionary of a version never changes (a new dictionary is a new version), so
every stored value stays readable.  Text stored before packing (a ``str``) reads
as it is.

:class:`PackedText` does this for SQLAlchemy Core, so a query that selects
``entries.c.raw`` gets text; writers that bypass SQLAlchemy (the bulk ``COPY`` and
``executemany`` of ingest) call :func:`pack` themselves.
"""

from __future__ import annotations

import zlib
from typing import Any

from sqlalchemy import LargeBinary, Text
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator, TypeEngine

#: Version 1's dictionary: the words entries are made of, most frequent last (zlib
#: finds the nearest copy of a string, and the end of the dictionary is nearest).
#: Never edit it: stored values depend on it byte for byte.
_DICTIONARY_1 = "".join(reversed([
    "Launch Site: ", "Launch Complex: ", "LV Family: ", "Launch Vehicle: ",
    "LV Configuration: ", "FAILURE: ", "Failed Stage: ", "Payload: ", "Mass: ", " kg (",
    " lb). ", "Nation: ", "Agency: ", "Program: ", "Class: ", "Type: ", "Spacecraft: ",
    "Decay Date: ", "USAF Sat Cat: ", "COSPAR: ", "Apogee: ", " km (", " mi). ",
    "Perigee: ", "Inclination: ", " deg. ", "Period: ", " min. ", "Summary: ", " GMT - . ",
    " - . ", "\n\n", "\n· "])).encode("utf-8")
_VERSION_1 = b"\x01"
_LEVEL = 6


def pack(text: str) -> bytes:
    """``text`` as stored: the version byte, then its UTF-8 deflated."""
    packer = zlib.compressobj(_LEVEL, zlib.DEFLATED, -15, 9, zlib.Z_DEFAULT_STRATEGY,
                              _DICTIONARY_1)
    return _VERSION_1 + packer.compress(text.encode("utf-8", "surrogatepass")) + packer.flush()


def unpack(value: bytes | memoryview | str) -> str:
    """The text of a stored value (text stored before packing is returned as it is)."""
    if isinstance(value, str):
        return value
    data = bytes(value)
    if data[:1] != _VERSION_1:
        raise ValueError(f"not packed text (version byte {data[:1]!r})")
    unpacker = zlib.decompressobj(-15, _DICTIONARY_1)
    return (unpacker.decompress(data[1:]) + unpacker.flush()).decode("utf-8", "surrogatepass")


class PackedText(TypeDecorator[str]):
    """A text column stored packed (:func:`pack`), read back as text.  ``bytea`` in
    PostgreSQL; in SQLite the column stays declared ``TEXT`` (it held the text before
    it was packed, and changing a declared type copies the table) and holds BLOBs,
    which SQLite keeps as they are."""

    impl = LargeBinary
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        return dialect.type_descriptor(Text() if dialect.name == "sqlite" else LargeBinary())

    def process_bind_param(self, value: Any, dialect: Dialect) -> bytes | None:
        return None if value is None else pack(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> str | None:
        return None if value is None else unpack(value)
