"""Reading chronology files: encodings, byte-order marks, hashing and the bundled seed.

Files are read line by line as bytes and decoded per line, so a 100 MB file is
streamed, its SHA-256 is computed on the way, and a decoding error can name
the exact byte offset, line and column.
"""

from __future__ import annotations

import codecs
import hashlib
from collections.abc import Iterator
from importlib import resources
from importlib.resources.abc import Traversable
from itertools import repeat
from pathlib import Path
from typing import IO

from .model import Diagnostic, Document, Entry, Source, Text
from .parser import ParseState, parse_lines, split_lines

SEED_NAME = "soviet-mars-chronology.txt"
UTF8_BOM = codecs.BOM_UTF8
#: How much of a file is read, hashed and decoded at a time.
CHUNK_BYTES = 1 << 20


class SourceError(Exception):
    """A file that cannot be read at all (missing, unreadable, wrong encoding)."""


class SourceDecodeError(SourceError):
    def __init__(self, path: str, encoding: str, offset: int, line: int, column: int,
                 byte: int) -> None:
        self.path, self.encoding, self.offset = path, encoding, offset
        self.line, self.column, self.byte = line, column, byte
        super().__init__(
            f"{path}:{line}:{column}: error: byte 0x{byte:02x} at byte offset {offset} is not "
            f"valid {encoding}; if the file uses another encoding, pass it with --encoding "
            "(e.g. --encoding latin-1)")

    @property
    def diagnostic(self) -> Diagnostic:
        """The error as a diagnostic, for outputs that list them."""
        where = f"{self.path}:{self.line}:{self.column}: error: "
        return Diagnostic("error", self.path, self.line, self.column,
                          str(self).removeprefix(where))


def seed_path() -> Traversable:
    """The bundled Soviet Mars chronology, the default dataset of every command."""
    return resources.files("kosmochron") / "data" / SEED_NAME


def _ascii_compatible(encoding: str) -> bool:
    """Whether ``\\n`` is the byte 0x0a in this encoding (so lines can be split as bytes)."""
    return "\n".encode(encoding) == b"\n" and "\n".encode(encoding) in "a\nb".encode(encoding)


class SourceReader:
    """Yields ``(content, eol)`` lines of a file and, once read, its hash and BOM."""

    def __init__(self, path: str | Path | Traversable, encoding: str = "utf-8",
                 display: str | None = None) -> None:
        try:
            self.encoding = codecs.lookup(encoding).name
        except LookupError:
            raise SourceError(f"unknown encoding {encoding!r}; try utf-8 or latin-1") from None
        self.path = path
        self.display = display or str(path)
        self.bom = False
        #: Bytes of the lines handed out so far (for progress bars; the whole file's
        #: size once read to its end).
        self.bytes_read = 0
        self._hash = hashlib.sha256()

    @property
    def sha256(self) -> str:
        """The hash of what has been read so far (the whole file once read to its end)."""
        return self._hash.hexdigest()

    def file_sha256(self) -> str:
        """The whole file's hash, read separately (before parsing, or after a stop)."""
        digest = hashlib.sha256()
        with self._open() as f:
            while chunk := f.read(1 << 20):
                digest.update(chunk)
        return digest.hexdigest()

    def _open(self) -> IO[bytes]:
        try:
            if isinstance(self.path, (str, Path)):
                return open(self.path, "rb")
            return self.path.open("rb")
        except FileNotFoundError:
            raise SourceError(f"{self.display}: error: no such file") from None
        except IsADirectoryError:
            raise SourceError(f"{self.display}: error: is a directory, not a file") from None
        except OSError as exc:
            raise SourceError(f"{self.display}: error: cannot read: {exc.strerror}") from None

    def lines(self) -> Iterator[tuple[str, str]]:
        with self._open() as f:
            if not _ascii_compatible(self.encoding):
                data = f.read()
                self._hash.update(data)
                self.bytes_read = len(data)
                yield from split_lines(self._decode(data, 0, 1))
                return
            yield from self._chunked_lines(f)

    def _chunked_lines(self, f: IO[bytes]) -> Iterator[tuple[str, str]]:
        """Lines of an ASCII-compatible file, read, hashed and decoded a megabyte of
        whole lines at a time (a line at a time cost a tenth of the parse); a bad
        byte still stops the reading at its own line, after the lines before it."""
        update = self._hash.update
        number = 0  # lines decoded so far
        offset = 0  # file offset of ``pending``
        pending = b""
        bom_checked = self.encoding != "utf-8"
        while chunk := f.read(CHUNK_BYTES):
            update(chunk)
            data = pending + chunk if pending else chunk
            if not bom_checked:
                if len(data) < len(UTF8_BOM) and UTF8_BOM.startswith(data):
                    pending = data
                    continue
                bom_checked = True
                if data.startswith(UTF8_BOM):
                    self.bom = True
                    data, offset = data[len(UTF8_BOM):], len(UTF8_BOM)
            cut = data.rfind(b"\n") + 1
            if cut == 0:
                pending = data
                continue
            pending = data[cut:]
            texts, error = self._decode_lines(data[:cut], offset, number)
            texts.pop()  # the empty text after the block's last newline
            if b"\r" in data:
                for content in texts:
                    if content[-1:] == "\r":
                        yield content[:-1], "\r\n"
                    else:
                        yield content, "\n"
            else:
                yield from zip(texts, repeat("\n"))
            if error is not None:
                raise error
            number += len(texts)
            offset += cut
            self.bytes_read = offset  # the lines handed out so far, for progress bars
        if pending:
            texts, error = self._decode_lines(pending, offset, number)
            if error is not None:
                raise error
            yield texts[0], ""
        self.bytes_read = offset + len(pending)

    def _decode_lines(self, block: bytes, offset: int,
                      number: int) -> tuple[list[str], SourceDecodeError | None]:
        """The texts of ``block`` (whole lines at byte ``offset`` of the file, the first
        of them line ``number + 1``) split at newlines; at a bad byte, the lines before
        its line (and an empty last text, as after a newline) and its error."""
        try:
            return block.decode(self.encoding).split("\n"), None
        except UnicodeDecodeError as exc:
            start = block.rfind(b"\n", 0, exc.start) + 1
            end = block.find(b"\n", exc.start)
            texts = block[:start].decode(self.encoding).split("\n") if start else [""]
            line = number + len(texts)
            try:
                self._decode(block[start:len(block) if end < 0 else end].removesuffix(b"\r"),
                             offset + start, line)
            except SourceDecodeError as error:
                return texts, error
            raise AssertionError("the line holds the bad byte") from None

    def _decode(self, data: bytes, offset: int, line: int) -> str:
        try:
            return data.decode(self.encoding)
        except UnicodeDecodeError as exc:
            column = len(data[:exc.start].decode(self.encoding, errors="replace")) + 1
            raise SourceDecodeError(self.display, self.encoding, offset + exc.start, line,
                                    column, data[exc.start]) from None


class ChronologyStream:
    """Parse a file entry by entry.  Iterate for the nodes; afterwards ``source``
    and ``diagnostics`` describe the whole file."""

    def __init__(self, reader: SourceReader) -> None:
        self.reader = reader
        self.state = ParseState(reader.display)
        self._source: Source | None = None

    def __iter__(self) -> Iterator[Entry | Text]:
        yield from parse_lines(self.reader.lines(), self.reader.display, self.state)
        self._source = Source(self.reader.display, self.reader.sha256, self.state.title,
                              self.reader.encoding, self.reader.bom)

    def entries(self) -> Iterator[Entry]:
        return (node for node in self if isinstance(node, Entry))

    @property
    def source(self) -> Source:
        if self._source is None:
            raise RuntimeError("the stream has not been read to its end yet")
        return self._source

    @property
    def diagnostics(self) -> list[Diagnostic]:
        return self.state.diagnostics


def open_stream(path: str | Path | None = None, encoding: str = "utf-8") -> ChronologyStream:
    """A stream over ``path``, or over the bundled seed when ``path`` is None."""
    if path is None:
        return ChronologyStream(SourceReader(seed_path(), encoding, display=SEED_NAME))
    return ChronologyStream(SourceReader(path, encoding))


def parse_file(path: str | Path | None = None, encoding: str = "utf-8") -> Document:
    """Parse a whole file (the bundled seed when ``path`` is None) into a :class:`Document`."""
    stream = open_stream(path, encoding)
    nodes = list(stream)
    return Document(stream.source, nodes, stream.diagnostics)


def parse_text(text: str, path: str = "<string>") -> Document:
    """Parse chronology text already in memory."""
    bom = text.startswith("\ufeff")
    body = text[1:] if bom else text
    state = ParseState(path)
    nodes = list(parse_lines(split_lines(body), path, state))
    digest = hashlib.sha256(text.encode("utf-8", errors="surrogatepass")).hexdigest()
    return Document(Source(path, digest, state.title, "utf-8", bom), nodes, state.diagnostics)
