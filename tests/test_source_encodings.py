"""Reading files (issue 16): every encoding either round-trips byte for byte or is
refused with status 2, and line numbers break only at ``\\n``."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from kosmochron import parse_file
from kosmochron.cli import main
from kosmochron.render import encode_document
from kosmochron.source import SourceError, text_encoding

SEED_LIKE = ("Soviet Mars Chronology\n\n1971 May 19 - . 16:22 GMT - . Launch Site: Baïkonur. "
             "LV Family: Proton.\n\n· Mars 2 - . Payload: M-71. Nation: USSR.\n")


def render(capsysbinary: pytest.CaptureFixture[bytes], path: Path,
           encoding: str) -> tuple[int, bytes, str]:
    status = main(["render", "--encoding", encoding, str(path)])
    out, err = capsysbinary.readouterr()
    return status, out, err.decode("utf-8")


@pytest.mark.parametrize(("encoding", "data"), [
    # Big-endian with its mark: read big-endian, written back big-endian with one mark.
    ("utf-16", codecs.BOM_UTF16_BE + SEED_LIKE.encode("utf-16-be")),
    ("utf-16", codecs.BOM_UTF16_LE + SEED_LIKE.encode("utf-16-le")),
    ("utf-16", SEED_LIKE.encode("utf-16-le")),  # no mark: none is added
    ("utf-16-be", codecs.BOM_UTF16_BE + SEED_LIKE.encode("utf-16-be")),
    ("utf-32", codecs.BOM_UTF32_BE + SEED_LIKE.encode("utf-32-be")),
    ("utf-8-sig", SEED_LIKE.encode("utf-8")),  # no mark in, none out
    ("utf-8-sig", codecs.BOM_UTF8 + SEED_LIKE.encode("utf-8")),
    ("latin-1", SEED_LIKE.encode("latin-1")),
    ("cp1252", SEED_LIKE.replace("\n", "\r\n").encode("cp1252")),
])
def test_encodings_round_trip_byte_for_byte(capsysbinary: pytest.CaptureFixture[bytes],
                                            tmp_path: Path, encoding: str, data: bytes) -> None:
    path = tmp_path / "page.txt"
    path.write_bytes(data)
    status, out, err = render(capsysbinary, path, encoding)
    assert (status, err) == (0, "")
    assert out == data
    doc = parse_file(path, encoding)
    assert encode_document(doc) == data
    assert doc.entries[0].items[0].name == "Mars 2"


@pytest.mark.parametrize(("encoding", "message"), [
    ("rot13", "'rot13' is not a text encoding"),
    ("hex", "'hex' is not a text encoding"),
    ("base64", "'base64' is not a text encoding"),
    ("zlib", "'zlib' is not a text encoding"),
    ("klingon", "unknown encoding 'klingon'"),
])
def test_codecs_that_are_not_text_encodings_are_usage_errors(
        capsysbinary: pytest.CaptureFixture[bytes], tmp_path: Path, encoding: str,
        message: str) -> None:
    path = tmp_path / "page.txt"
    path.write_bytes(SEED_LIKE.encode("utf-8"))
    for command in ("render", "parse"):
        status = main([command, "--encoding", encoding, str(path)])
        out, err = capsysbinary.readouterr()
        assert status == 2 and out == b""
        assert message in err.decode() and "internal error" not in err.decode()
    with pytest.raises(SourceError, match=message):
        text_encoding(encoding)


@pytest.mark.parametrize(("encoding", "data"), [
    ("utf-7", "Caf+AOk-\n".encode("ascii")),  # "Café", which utf-7 writes back without "-"
    ("unicode-escape", b"Caf\\xe9\n"),  # decodes, but encodes to other bytes
    ("raw-unicode-escape", b"\\ud800 x\n"),  # a lone surrogate: not text
])
def test_text_that_would_not_render_back_is_refused_with_status_2(
        capsysbinary: pytest.CaptureFixture[bytes], tmp_path: Path, encoding: str,
        data: bytes) -> None:
    path = tmp_path / "page.txt"
    path.write_bytes(data)
    status, out, err = render(capsysbinary, path, encoding)
    assert status == 2 and out == b""
    assert "does not encode back to the same bytes" in err and "page.txt:1:" in err


def test_line_numbers_break_only_at_newline(tmp_path: Path) -> None:
    """``str.splitlines`` also splits at form feeds, U+2028 and others; the format's
    lines end only at ``\\n``, so what follows them keeps its line number."""
    text = ("Title\x0cpage two\u2028still line one\x1c\x1d\x1e\x85\n\n"
            "1971 May 19 - . Launch Site: Baikonur\x0c.\n\n· Mars 2 - . Payload: M\u2029.\n")
    path = tmp_path / "page.txt"
    path.write_bytes(text.encode("utf-8"))
    doc = parse_file(path)
    (entry,) = doc.entries
    assert (entry.line, entry.items[0].line) == (3, 5)
    assert encode_document(doc) == path.read_bytes()
