"""Shared test fixtures: the bundled seed, the Saturn V page and the hand-made chronologies.

Tests read only files inside the repository: the seed through the installed
package and everything else from ``tests/fixtures``.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from kosmochron import Document, Entry, Item, parse_file, seed_path

#: A leaf of the rendered text: its raw text and where the parser says it starts
#: (``None`` for line endings, which carry no position).
Leaf = tuple[str, int | None, int | None]
PositionCheck = Callable[[str, Document], None]

FIXTURES = Path(__file__).parent / "fixtures"
#: Absolute URLs in API answers come from the configured base URL, never from the Host
#: header; the tests' clients (Starlette's TestClient) call themselves testserver.
os.environ.setdefault("KOSMOCHRON_BASE_URL", "http://testserver")
#: A real Encyclopedia Astronautica page, scraped once and copied here.
SATURN_PATH = FIXTURES / "astronautix-saturn-v-page.txt"
#: Hand-made chronology exercising the header, item and field variants.
VARIANTS_PATH = FIXTURES / "format-variants.txt"


def fixture_path(name: str) -> Path:
    """The path of a file in ``tests/fixtures``."""
    return FIXTURES / name


@pytest.fixture(scope="session")
def seed_bytes() -> bytes:
    return seed_path().read_bytes()


@pytest.fixture(scope="session")
def seed_text(seed_bytes: bytes) -> str:
    return seed_bytes.decode("utf-8")


@pytest.fixture(scope="session")
def saturn_path() -> Path:
    return SATURN_PATH


@pytest.fixture(scope="session")
def saturn_bytes() -> bytes:
    return SATURN_PATH.read_bytes()


@pytest.fixture(scope="session")
def saturn_text(saturn_bytes: bytes) -> str:
    return saturn_bytes.decode("utf-8")


@pytest.fixture(scope="session")
def variants_text() -> str:
    return VARIANTS_PATH.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def seed_doc() -> Document:
    """The bundled seed, parsed once per session (tests must not mutate it)."""
    return parse_file()


@pytest.fixture(scope="session")
def saturn_doc() -> Document:
    """The Saturn V page, parsed once per session (tests must not mutate it)."""
    return parse_file(SATURN_PATH)


@pytest.fixture(scope="session")
def variants_doc() -> Document:
    """The format-variants fixture, parsed once per session (tests must not mutate it)."""
    return parse_file(VARIANTS_PATH)


def leaves(doc: Document) -> Iterator[Leaf]:
    """Every raw piece of ``doc`` in rendering order, with its claimed position."""
    for node in doc.nodes:
        if not isinstance(node, Entry):
            yield node.raw, node.line, node.column
            continue
        yield node.head, node.line, 1
        for f in node.fields:
            yield f.raw, f.line, f.column
        if node.header_rest is not None:
            yield node.header_rest.raw, node.header_rest.line, node.header_rest.column
        yield node.eol, None, None
        for child in node.body:
            if not isinstance(child, Item):
                yield child.raw, child.line, child.column
                continue
            yield child.head, child.line, 1
            for part in child.parts:
                yield part.raw, part.line, part.column
            yield child.eol, None, None
            for text in child.tail:
                yield text.raw, text.line, text.column


def assert_positions(text: str, doc: Document) -> None:
    """Check every node's line and column by walking the text: a node must start
    exactly where the pieces before it end (columns count code points from 1;
    only ``\\n`` starts a new line).  ``text`` is the document without its BOM."""
    line, column = 1, 1
    rendered: list[str] = []
    for raw, at_line, at_column in leaves(doc):
        if raw and at_line is not None:
            assert (at_line, at_column) == (line, column), f"{raw[:40]!r} is misplaced"
        rendered.append(raw)
        newlines = raw.count("\n")
        if newlines:
            line += newlines
            column = len(raw) - raw.rindex("\n")
        else:
            column += len(raw)
    assert "".join(rendered) == text


@pytest.fixture(scope="session")
def check_positions() -> PositionCheck:
    """``check_positions(text, doc)``: every node of ``doc`` starts where it says."""
    return assert_positions
