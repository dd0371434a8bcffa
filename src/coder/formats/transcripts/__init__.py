"""Transcript files to :class:`~coder.model.ParsedTranscript`.

One entry point, :func:`read_transcript`, picks the reader by file extension.
Every reader returns the final stored text (NFC, ``\\n`` newlines) and turns
that index into it; segmentation into sentences happens later, in
:mod:`coder.segmentation`, so reading a file never pays for spaCy.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from coder.errors import InputFormatError
from coder.formats.transcripts.decoding import read_decoded
from coder.formats.transcripts.docx import read_docx
from coder.formats.transcripts.subtitles import read_srt, read_vtt
from coder.formats.transcripts.text import parse_text
from coder.model import ParsedTranscript

__all__ = ["SUPPORTED_EXTENSIONS", "parse_text", "read_transcript"]


def _read_txt(path: Path) -> ParsedTranscript:
    """A plain-text transcript."""
    return parse_text(read_decoded(path), str(path), "txt")


def _read_md(path: Path) -> ParsedTranscript:
    """A Markdown transcript."""
    return parse_text(read_decoded(path), str(path), "md")


_READERS: dict[str, Callable[[Path], ParsedTranscript]] = {
    ".txt": _read_txt,
    ".md": _read_md,
    ".docx": read_docx,
    ".vtt": read_vtt,
    ".srt": read_srt,
}

SUPPORTED_EXTENSIONS: tuple[str, ...] = tuple(_READERS)


def read_transcript(path: Path) -> ParsedTranscript:
    """Read a transcript file of any supported format (by extension, any case)."""
    reader = _READERS.get(path.suffix.lower())
    if reader is None:
        supported = ", ".join(SUPPORTED_EXTENSIONS)
        raise InputFormatError(
            f"{path}: unsupported transcript format '{path.suffix or '(no extension)'}'"
            f" (supported: {supported})",
            hint="save the transcript as one of the supported formats",
        )
    if not path.is_file():
        raise InputFormatError(f"cannot read {path}: no such file")
    return reader(path)
