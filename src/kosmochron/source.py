"""Reading chronology files: encodings, byte-order marks, hashing and the bundled seed.

Files are read line by line as bytes and decoded per line, so a 100 MB file is
streamed, its SHA-256 is computed on the way, and a decoding error can name
the exact byte offset, line and column.
"""

from __future__ import annotations

import codecs
import hashlib
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable
from itertools import repeat
from pathlib import Path
from typing import IO

from .model import Diagnostic, Document, Entry, Source, Text
from .parser import DiagnosticLog, ParseState, parse_lines, split_lines

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

    def __reduce__(self) -> tuple[type[SourceDecodeError], tuple[str, str, int, int, int, int]]:
        # Pickled whole (an ingest parses in a process of its own and sends it back).
        return (SourceDecodeError,
                (self.path, self.encoding, self.offset, self.line, self.column, self.byte))

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
    try:
        return "\n".encode(encoding) == b"\n" and b"\n" in "a\nb".encode(encoding)
    except UnicodeError:  # a codec that cannot even encode that (idna, punycode)
        return False


#: Encodings whose byte-order mark says the byte order: the file is read in the order its
#: mark gives and written back in the same (Python's plain ``utf-16`` would write its own).
_BYTE_ORDERS = {"utf-16": ((codecs.BOM_UTF16_BE, "utf-16-be"), (codecs.BOM_UTF16_LE, "utf-16-le")),
                "utf-32": ((codecs.BOM_UTF32_BE, "utf-32-be"), (codecs.BOM_UTF32_LE, "utf-32-le"))}


def text_encoding(name: str) -> str:
    """The codec name for ``--encoding``; SourceError (status 2) for an unknown codec or
    one that is not a text encoding (rot13, hex, base64 transform bytes or text, not one
    into the other).  ``utf-8-sig`` is read as UTF-8, whose byte-order mark is kept (or
    not) as the file has it, so that writing back adds none the input did not have."""
    try:
        info = codecs.lookup(name)
    except LookupError:
        raise SourceError(f"unknown encoding {name!r}; try utf-8 or latin-1") from None
    if not getattr(info, "_is_text_encoding", True):
        raise SourceError(f"{name!r} is not a text encoding (it transforms bytes or text, "
                          "it does not decode a file); try utf-8 or latin-1")
    return "utf-8" if info.name == "utf-8-sig" else info.name


class SourceReader:
    """Yields ``(content, eol)`` lines of a file and, once read, its hash and BOM."""

    def __init__(self, path: str | Path | Traversable, encoding: str = "utf-8",
                 display: str | None = None) -> None:
        self.encoding = text_encoding(encoding)
        #: Whether each decoded line is encoded again and compared (all but UTF-8, which
        #: decodes strictly and so always round-trips).
        self._verify = self.encoding != "utf-8"
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
                yield from self._whole(f.read())
                return
            if self._verify:
                yield from self._verified_lines(f)
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

    def _verified_lines(self, f: IO[bytes]) -> Iterator[tuple[str, str]]:
        """:meth:`lines` in an encoding other than UTF-8: each line is decoded with its
        line ending and must encode back to the same bytes."""
        offset = 0
        for number, raw in enumerate(f, 1):
            self._hash.update(raw)
            start, offset = offset, offset + len(raw)
            self.bytes_read = offset
            text = self._decode_verified(raw, start, number)
            eol = "\r\n" if text.endswith("\r\n") else "\n" if text.endswith("\n") else ""
            yield text[:len(text) - len(eol)], eol

    def _whole(self, data: bytes) -> Iterator[tuple[str, str]]:
        """The lines of a file whose encoding is not ASCII-compatible (UTF-16, UTF-32),
        decoded at once; a byte-order mark fixes the byte order it is written back in."""
        self._hash.update(data)
        self.bytes_read = len(data)
        for mark, ordered in _BYTE_ORDERS.get(self.encoding, ()):
            if data.startswith(mark):
                self.encoding = ordered
                break
        else:
            if self.encoding in _BYTE_ORDERS:  # no mark: the order Python reads it in
                self.encoding += "-le" if sys.byteorder == "little" else "-be"
        text = self._decode_verified(data, 0, 1)
        if text.startswith("\ufeff"):
            self.bom, text = True, text[1:]
        yield from split_lines(text)

    def _decode_verified(self, data: bytes, offset: int, line: int) -> str:
        """:meth:`_decode`, refusing text that would not encode back to the same bytes (a
        stateful or escaping codec): the model must render the input byte for byte."""
        text = self._decode(data, offset, line)
        try:
            same = text.encode(self.encoding) == data
            text.encode("utf-8")  # an escaping codec can give lone surrogates: not text
        except UnicodeError:
            same = False
        if not same:
            raise SourceError(
                f"{self.display}:{line}: error: this text does not encode back to the same "
                f"bytes in {self.encoding}, so it could not be rendered byte for byte; "
                "use an encoding that round-trips, e.g. --encoding utf-8 or latin-1")
        return text

    def _decode(self, data: bytes, offset: int, line: int) -> str:
        try:
            return data.decode(self.encoding)
        except UnicodeDecodeError as exc:
            if not exc.object:  # a codec that reports no position
                raise SourceError(f"{self.display}:{line}: error: not valid "
                                  f"{self.encoding}: {exc.reason}") from None
            column = len(data[:exc.start].decode(self.encoding, errors="replace")) + 1
            raise SourceDecodeError(self.display, self.encoding, offset + exc.start, line,
                                    column, data[min(exc.start, len(data) - 1)]) from None
        except UnicodeError as exc:  # codecs with rules of their own (idna, punycode)
            raise SourceError(f"{self.display}:{line}: error: not valid {self.encoding}: "
                              f"{exc}; try --encoding utf-8 or latin-1") from None


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
    def diagnostics(self) -> DiagnosticLog:
        return self.state.diagnostics

    def end(self) -> StreamEnd:
        """What the stream knows once read to its end, without the stream (to send
        back from a process that parsed the file for another)."""
        return StreamEnd(self.source, self.diagnostics, self.reader.bytes_read)

    def adopt(self, end: StreamEnd) -> None:
        """Take the end of this same file read by another stream (in another process)
        as if this one had read it."""
        self._source = end.source
        self.state.diagnostics = end.diagnostics
        self.state.title = end.source.title
        self.reader.bom = end.source.bom
        self.reader.bytes_read = end.bytes_read


@dataclass(frozen=True, slots=True)
class StreamEnd:
    """A stream read to its end: its source, its diagnostics, the bytes it read."""

    source: Source
    diagnostics: DiagnosticLog
    bytes_read: int


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
