"""Plain-text and Markdown transcripts.

The file's text is kept as written (labels, Markdown markup and all) after the
shared normalisation; only front matter is cut. Turns come from the speaker
labels in :mod:`coder.formats.transcripts.labels`, so ``.txt`` and ``.md`` differ only in
the ``source_format`` they report.
"""

from __future__ import annotations

from coder.errors import InputFormatError
from coder.formats.transcripts.decoding import normalise_newlines, trim_blank_edges
from coder.formats.transcripts.frontmatter import split_front_matter
from coder.formats.transcripts.labels import find_turns
from coder.model import ParsedTranscript


def parse_text(raw: str, name: str, source_format: str = "txt") -> ParsedTranscript:
    """Parse decoded text: normalise, cut front matter, find turns.

    ``name`` is the file as the user named it, for error messages.
    """
    attributes, body = split_front_matter(normalise_newlines(raw), name)
    text = trim_blank_edges(body)
    if not text:
        raise InputFormatError(f"{name} is empty", hint="it holds front matter but no transcript text")
    return ParsedTranscript(
        text=text, turns=find_turns(text), attributes=attributes, source_format=source_format
    )
