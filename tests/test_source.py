"""Reading files (``kosmochron.source``): lines, hashes, byte-order marks and decoding
errors are the same whatever the size of the blocks the file is read in."""

from __future__ import annotations

import codecs
import hashlib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kosmochron import source
from kosmochron.parser import split_lines
from kosmochron.source import SourceDecodeError, SourceReader

LINE_PARTS = st.lists(st.sampled_from(["a", "é", "·", "€", "𝛼", " ", "\r", "\n", "\r\n", "x."]),
                      max_size=40).map("".join)


def _read(path: Path, block: int, monkeypatch: pytest.MonkeyPatch,
          encoding: str = "utf-8") -> tuple[list[tuple[str, str]], SourceReader]:
    monkeypatch.setattr(source, "CHUNK_BYTES", block)
    reader = SourceReader(path, encoding)
    return list(reader.lines()), reader


@settings(max_examples=150, deadline=None)
@given(text=LINE_PARTS, bom=st.booleans(), block=st.integers(1, 12))
def test_lines_do_not_depend_on_the_block_size(tmp_path_factory: pytest.TempPathFactory,
                                               text: str, bom: bool, block: int) -> None:
    data = (codecs.BOM_UTF8 if bom else b"") + text.encode("utf-8")
    path = tmp_path_factory.mktemp("lines") / "t.txt"
    path.write_bytes(data)
    with pytest.MonkeyPatch.context() as monkeypatch:
        lines, reader = _read(path, block, monkeypatch)
    assert lines == list(split_lines(text))
    assert reader.bom is bom
    assert reader.sha256 == hashlib.sha256(data).hexdigest()
    assert reader.bytes_read == len(data)


@pytest.mark.parametrize("block", [1, 5, 64, 1 << 20])
def test_a_bad_byte_stops_at_its_line_after_the_lines_before(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, block: int) -> None:
    good = "".join(f"line {n} é\n" for n in range(1, 9))
    path = tmp_path / "bad.txt"
    path.write_bytes(good.encode() + b"ab\xffc\r\nnever read\n")
    monkeypatch.setattr(source, "CHUNK_BYTES", block)
    reader = SourceReader(path)
    seen = []
    with pytest.raises(SourceDecodeError) as caught:
        for line in reader.lines():
            seen.append(line)
    assert seen == list(split_lines(good))
    error = caught.value
    assert (error.line, error.column, error.offset, error.byte) == (
        9, 3, len(good.encode()) + 2, 0xFF)


def test_a_bad_byte_on_a_last_line_without_a_newline(tmp_path: Path) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(codecs.BOM_UTF8 + b"first\nsecond \xc3")
    with pytest.raises(SourceDecodeError) as caught:
        list(SourceReader(path).lines())
    assert (caught.value.line, caught.value.column, caught.value.offset) == (2, 8, 16)


def test_latin_1_reads_every_byte(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = bytes(range(256)) * 3
    path = tmp_path / "latin.txt"
    path.write_bytes(data)
    lines, _ = _read(path, 100, monkeypatch, "latin-1")
    assert lines == list(split_lines(data.decode("latin-1")))
