"""Bytes to the one stored text: decoding, newlines, Unicode normal form.

Every importer funnels its raw bytes through here so that all formats agree on
what a transcript's text is: NFC, ``\\n`` newlines, no leading blank lines and
no trailing whitespace. Offsets are computed on that text only, so nothing may
change it afterwards.

Decoding is deliberately conservative. UTF-8 (with or without a BOM) and
UTF-16 with a BOM are taken as they are. Anything else is tried as cp1252 — the
encoding Word and Notepad use for "plain text" on Western Windows — and that
guess is kept only when the result reads like Western European text; otherwise
the user is asked to save the file as UTF-8. General-purpose detectors guess
wildly on short Dutch text (``"één café"`` in cp1252 comes back as Arabic or
Mac Latin-2), and a wrong guess would store mojibake, which is worse than a
clear refusal.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from coder.errors import InputFormatError

_UTF8_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")

# File signatures of formats people save by mistake under a text extension.
_BINARY_MAGIC = (b"PK\x03\x04", b"%PDF-", b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"\xd0\xcf\x11\xe0")

# Letters and punctuation that Western European text (Dutch, English, German,
# French, Spanish, Scandinavian, Portuguese) actually uses above ASCII.
_WESTERN = frozenset(
    "àáâäåæçèéêëìíîïñòóôöøùúûüýÿßãõœ"
    "ÀÁÂÄÅÆÇÈÉÊËÌÍÎÏÑÒÓÔÖØÙÚÛÜÝŸÕŒ"
    "\u2018\u2019\u201c\u201d\u201e\u2013\u2014…•€°§«»·\u00a0©®£½¼¾¿¡²³ºª™\u00d7"
)

# UTF-8 multi-byte sequences read as cp1252: a sign of a damaged UTF-8 file.
_UTF8_MOJIBAKE = re.compile(
    "[ÂÃ][\u00a0-\u00bf€\u201aƒ\u201e…†‡\u02c6‰Š\u2039ŒŽ\u2018\u2019\u201c\u201d•\u2013\u2014\u02dc™š\u203aœžŸ]|â€"
)

_WORD = re.compile(r"[^\W\d_]{2,}")
_LEADING_BLANK_LINES = re.compile(r"\A(?:[ \t]*\n)+")


def read_decoded(path: Path) -> str:
    """A text file's content as ``str`` (see :func:`decode_bytes`)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputFormatError(f"cannot read {path}: {exc.strerror or exc}") from exc
    return decode_bytes(data, str(path))


def decode_bytes(data: bytes, name: str) -> str:
    """Decode a text file's bytes, refusing binary, empty and unknown input.

    ``name`` is the file as the user named it, used in error messages.
    """
    if data.startswith(_UTF8_BOM):
        data = data[len(_UTF8_BOM) :]
    elif data.startswith(_UTF16_BOMS):
        return _check_not_empty(data.decode("utf-16"), name)
    if b"\x00" in data or data.startswith(_BINARY_MAGIC):
        raise InputFormatError(
            f"{name} looks binary, not a transcript",
            hint="save the transcript as .txt (UTF-8) or import the .docx itself",
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        text = _decode_legacy(data, name, exc)
    return _check_not_empty(text, name)


def _decode_legacy(data: bytes, name: str, utf8_error: UnicodeDecodeError) -> str:
    """cp1252 when it reads as Western text, else a clear refusal."""
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        text = None
    if text is not None and looks_like_western_text(text):
        return text
    line = data.count(b"\n", 0, utf8_error.start) + 1
    raise InputFormatError(
        f"{name} is not UTF-8 text and its encoding could not be detected; save it as UTF-8",
        hint=f"the first byte that is not UTF-8 is on line {line}",
    )


def looks_like_western_text(text: str) -> bool:
    """Whether ``text`` (decoded as cp1252) reads as Western European text.

    Rejects C0 control characters; the tell-tale pairs of UTF-8 read as
    cp1252; more than 10% of characters above ASCII outside the usual Western
    letters and punctuation (Central European or DOS bytes read as cp1252 come
    out as symbols such as ``¿ ³ ¶ ‚``); and text in which most words have no
    ASCII letter at all (Cyrillic or Greek read as cp1252 is all accented
    letters, while Western words are mostly plain ASCII with an accent here
    and there).
    """
    if any(ord(c) < 32 and c not in "\t\n\r\f" for c in text):
        return False
    if _UTF8_MOJIBAKE.search(text):
        return False
    high = [c for c in text if ord(c) > 127]
    if not high:
        return True
    unusual = sum(1 for c in high if c not in _WESTERN)
    if unusual > 0.1 * len(high):
        return False
    words = _WORD.findall(text)
    foreign = sum(1 for word in words if not any(c.isascii() for c in word))
    return len(words) < 3 or foreign <= 0.5 * len(words)


def _check_not_empty(text: str, name: str) -> str:
    """Refuse a file with nothing but whitespace in it."""
    if not text.strip():
        raise InputFormatError(f"{name} is empty", hint="check that you picked the right file")
    return text


def normalise_newlines(text: str) -> str:
    """``\\r\\n`` and lone ``\\r`` become ``\\n``; NFC; nothing else changes."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", text)


def trim_blank_edges(text: str) -> str:
    """Drop blank lines at the top and all whitespace at the end."""
    return _LEADING_BLANK_LINES.sub("", text).rstrip()
