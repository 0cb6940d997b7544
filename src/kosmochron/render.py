"""Write the parsed model back as chronology text, byte for byte.

Rendering only concatenates the raw text each node kept, in node order; the
round-trip tests prove that the nodes cover every byte of the input.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import BinaryIO

from .model import Document, Entry, Field, Item, Source, Text


def render_item(item: Item) -> str:
    parts = [item.head]
    parts.extend(p.raw for p in item.parts)
    parts.append(item.eol)
    parts.extend(t.raw for t in item.tail)
    return "".join(parts)


def render_entry(entry: Entry) -> str:
    parts = [entry.head]
    parts.extend(f.raw for f in entry.fields)
    if entry.header_rest is not None:
        parts.append(entry.header_rest.raw)
    parts.append(entry.eol)
    parts.extend(render_item(n) if isinstance(n, Item) else n.raw for n in entry.body)
    return "".join(parts)


def render_node(node: Entry | Text | Item | Field) -> str:
    if isinstance(node, Entry):
        return render_entry(node)
    if isinstance(node, Item):
        return render_item(node)
    return node.raw


def render(nodes: Iterable[Entry | Text]) -> str:
    """The text of the nodes, without the file's byte-order mark."""
    return "".join(render_node(n) for n in nodes)


def render_document(document: Document) -> str:
    """The text of a document, with its byte-order mark if it had one."""
    return ("\ufeff" if document.source.bom else "") + render(document.nodes)


def write_nodes(nodes: Iterable[Entry | Text], out: BinaryIO, encoding: str = "utf-8",
                bom: bool = False) -> None:
    """Stream nodes to a binary file in the source's encoding."""
    if bom:
        out.write("\ufeff".encode(encoding))
    for node in nodes:
        out.write(render_node(node).encode(encoding))


def encode_document(document: Document) -> bytes:
    source: Source = document.source
    return render_document(document).encode(source.encoding)
