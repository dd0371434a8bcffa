"""Caption files (WebVTT ``.vtt`` and SubRip ``.srt``) as transcripts.

Both formats are a list of timed cues, parsed here directly (they are small
and strict, and a malformed file should be reported by line, which the
libraries do not do). Cues become a readable stored text: consecutive cues of
one speaker are merged into a turn written as a ``Name: words`` paragraph, the
turns separated by a blank line; the cues' own line breaks become spaces.

The speaker of a cue is its WebVTT voice (``<v Name>``) or a ``Name:`` prefix
in the cue text accepted by the same rule as in text transcripts (a recurring
or role-like name). A cue without a speaker continues the previous speaker's
turn. Each turn keeps its timing in ``meta``: ``begin`` and ``end`` of its
first and last cue, and ``cues``, a list of ``[offset, begin, end]`` with the
offset of each cue's words in the stored text. Times are ``HH:MM:SS.mmm``.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass
from itertools import groupby
from pathlib import Path

from coder.errors import InputFormatError
from coder.formats.transcripts.decoding import normalise_newlines, read_decoded
from coder.formats.transcripts.labels import accepted_speakers, match_label, speaker_key
from coder.model import ParsedTranscript, Turn

_VTT_TIME = r"(?:\d{2,}:)?\d{2}:\d{2}\.\d{3}"
_SRT_TIME = r"\d{1,3}:\d{2}:\d{2}[,.]\d{1,3}"
_VTT_TIMING = re.compile(rf"[ \t]*({_VTT_TIME})[ \t]+-->[ \t]+({_VTT_TIME})(?:[ \t].*)?")
_SRT_TIMING = re.compile(rf"[ \t]*({_SRT_TIME})[ \t]*-->[ \t]*({_SRT_TIME})(?:[ \t].*)?")
_VTT_HEADER = re.compile(r"WEBVTT(?:[ \t].*)?")
_VTT_SKIPPED_BLOCK = re.compile(r"(?:NOTE|STYLE|REGION)(?:[ \t].*)?")
_VOICE = re.compile(r"<v(?:\.[^\s>]*)?[ \t]+([^>]+)>")
_TAG = re.compile(r"<[^>]*>|\{\\[^}]*\}")


@dataclass(frozen=True)
class Cue:
    """One cue's words with its timing and, when known, its speaker."""

    begin: str
    end: str
    text: str
    speaker: str | None = None


def read_vtt(path: Path) -> ParsedTranscript:
    """Read a WebVTT caption file."""
    lines = _read_lines(path)
    return build_transcript(parse_vtt(lines, str(path)), str(path), "vtt")


def read_srt(path: Path) -> ParsedTranscript:
    """Read a SubRip caption file."""
    lines = _read_lines(path)
    return build_transcript(parse_srt(lines, str(path)), str(path), "srt")


def _read_lines(path: Path) -> list[str]:
    """The file's decoded, normalised lines."""
    return normalise_newlines(read_decoded(path)).split("\n")


def parse_vtt(lines: list[str], name: str) -> list[Cue]:
    """Cues of a WebVTT file; NOTE, STYLE and REGION blocks are skipped."""
    if not _VTT_HEADER.fullmatch(lines[0]):
        raise InputFormatError(
            f"{name} line 1: a WebVTT file must start with 'WEBVTT'",
            hint="check that the file really is WebVTT (.vtt)",
        )
    cues: list[Cue] = []
    for lineno, block in _blocks(lines)[1:]:
        if _VTT_SKIPPED_BLOCK.fullmatch(block[0]):
            continue
        at = 0 if "-->" in block[0] else 1
        if at == 1 and (len(block) < 2 or "-->" not in block[1]):
            at = 0  # neither an identifier + timing nor a timing line: report the block
        begin, end = _timing(block, at, lineno, _VTT_TIMING, name, "00:00:01.000 --> 00:00:04.000")
        cues.extend(_vtt_cues(block[at + 1 :], begin, end))
    return cues


def parse_srt(lines: list[str], name: str) -> list[Cue]:
    """Cues of a SubRip file."""
    cues: list[Cue] = []
    for lineno, block in _blocks(lines):
        at = 1 if block[0].strip().isdigit() else 0
        begin, end = _timing(block, at, lineno, _SRT_TIMING, name, "00:00:01,000 --> 00:00:04,000")
        text = _clean(" ".join(block[at + 1 :]))
        if text:
            cues.append(Cue(begin, end, text))
    return cues


def _blocks(lines: list[str]) -> list[tuple[int, list[str]]]:
    """Blank-line separated blocks, each with the 1-based number of its first line."""
    blocks: list[tuple[int, list[str]]] = []
    current: list[str] = []
    for number, line in enumerate(lines, start=1):
        if line.strip():
            if not current:
                blocks.append((number, current))
            current.append(line)
        else:
            current = []
    return blocks


def _timing(
    block: list[str], at: int, lineno: int, pattern: re.Pattern[str], name: str, example: str
) -> tuple[str, str]:
    """The normalised begin and end of the cue whose timing line is ``block[at]``."""
    match = pattern.fullmatch(block[at]) if at < len(block) else None
    if match is None:
        raise InputFormatError(
            f"{name} line {lineno + min(at, len(block) - 1)}: expected a cue timing line like '{example}'",
            hint="the file is damaged or not a caption file; export it again",
        )
    return _normal_time(match[1]), _normal_time(match[2])


def _normal_time(stamp: str) -> str:
    """``HH:MM:SS.mmm`` from a WebVTT or SubRip timestamp."""
    clock, _, fraction = stamp.replace(",", ".").partition(".")
    parts = clock.split(":")
    if len(parts) == 2:
        parts.insert(0, "0")
    hours, minutes, seconds = parts
    return f"{int(hours):02d}:{minutes}:{seconds}.{fraction.ljust(3, '0')[:3]}"


def _vtt_cues(payload: list[str], begin: str, end: str) -> list[Cue]:
    """One cue per run of payload lines spoken by one voice."""
    pieces: list[Cue] = []
    voice: str | None = None
    for line in payload:
        found = _VOICE.search(line)
        if found is not None:
            voice = " ".join(found[1].split())
        text = unicodedata.normalize("NFC", " ".join(html.unescape(_TAG.sub("", line)).split()))
        if text:
            pieces.append(Cue(begin, end, text, voice))
    return pieces


def _clean(text: str) -> str:
    """Cue text without markup, on one line."""
    return " ".join(_TAG.sub("", text).split())


def build_transcript(cues: list[Cue], name: str, source_format: str) -> ParsedTranscript:
    """Merge cues into speaker turns and write them as the stored text."""
    cues = _with_speakers(cues)
    if not cues:
        raise InputFormatError(f"{name} is empty", hint="the file has no cues with text")
    paragraphs: list[str] = []
    turns: list[Turn] = []
    position = 0
    for speaker, run in groupby(cues, key=lambda cue: cue.speaker):
        paragraph, turn = _turn(list(run), speaker, position)
        paragraphs.append(paragraph)
        turns.append(turn)
        position += len(paragraph) + 2
    return ParsedTranscript(text="\n\n".join(paragraphs), turns=turns, source_format=source_format)


def _with_speakers(cues: list[Cue]) -> list[Cue]:
    """Cues with ``Name:`` prefixes resolved and speakers carried forward."""
    labels = [match_label(cue.text) if cue.speaker is None else None for cue in cues]
    accepted = accepted_speakers(label for label in labels if label is not None)
    resolved: list[Cue] = []
    current: str | None = None
    for cue, label in zip(cues, labels, strict=True):
        text, speaker = cue.text, cue.speaker
        if label is not None and speaker_key(label.name) in accepted:
            speaker = accepted[speaker_key(label.name)]
            text = text[label.content_start :].strip()
        current = speaker or current
        if text:
            resolved.append(Cue(cue.begin, cue.end, text, current))
    return resolved


def _turn(run: list[Cue], speaker: str | None, position: int) -> tuple[str, Turn]:
    """The paragraph for one speaker's run of cues and its turn."""
    prefix = f"{speaker}: " if speaker else ""
    start = position + len(prefix)
    offsets: list[list[object]] = []
    cursor = start
    for cue in run:
        offsets.append([cursor, cue.begin, cue.end])
        cursor += len(cue.text) + 1
    body = " ".join(cue.text for cue in run)
    meta = {"begin": run[0].begin, "end": run[-1].end, "cues": offsets}
    return prefix + body, Turn(start, start + len(body), speaker, meta)
