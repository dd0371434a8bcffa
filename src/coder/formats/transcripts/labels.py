"""Speaker labels and the turns they open.

Transcribers mark speakers in a handful of ways: ``I:``/``R:``, ``Interviewer:``,
``Jan de Vries:``, ``[00:01:02] Jan:``, ``00:01:02 Jan:``, ``Jan (00:01:02):``,
``**Jan:**`` / ``**Jan**:`` in Markdown, and the caption-tool style of a line
``Speaker 1  0:03`` with the words on the lines below. All of them are a short
name (one to four words, at most 40 characters, starting with a letter) at the
start of a line followed by a colon and a space or the end of the line.

That shape also fits ordinary prose ("Dat is het punt: we ..."), so a candidate
only counts as a speaker label when

* its name occurs as a label at least twice in the file (real speakers
  recur; a sentence with a colon almost never repeats word for word), or
* its name is a well-known role: I, R, Q, A, Int, Interviewer, Respondent,
  Geïnterviewde, Deelnemer, Participant, Spreker, Speaker, Moderator, ...,
  optionally numbered ("Respondent 2", "P1") or annotated ("Interviewer (Anna)").

A speaker who speaks only once under a personal name is therefore not
recognised; their words stay in the text and fall into the previous turn.

A turn spans what was said after the label, up to the next label; unlabelled
paragraphs in between belong to it. Text before the first label, and every
paragraph of a file without labels, is a turn of its own with no speaker.
A Markdown heading (``# ...``) ends a turn and is a speaker-less turn itself.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from coder.model import Turn

_TIME = r"\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?"
_WORD = r"[\w.'\u2019()&/-]+"
_NAME = rf"[^\W\d_][\w.'\u2019()&/-]*(?:[ \t]+{_WORD}){{0,3}}"

_COLON_LABEL = re.compile(
    rf"""[ \t]*
    (?:[\[(]?(?P<lead>{_TIME})[\])]?[ \t]+)?
    (?P<open>\*\*)?
    (?P<name>{_NAME})
    (?:[ \t]*[\[(](?P<trail>{_TIME})[\])])?
    [ \t]*(?P<close1>\*\*)?:(?P<close2>\*\*)?
    (?=[ \t]|$)[ \t]*""",
    re.VERBOSE,
)
_NAME_TIME_LINE = re.compile(rf"[ \t]*(?P<name>{_NAME})[ \t]+[\[(]?(?P<trail>{_TIME})[\])]?[ \t]*$")
_HEADING = re.compile(r"#{1,6}[ \t]")
_MAX_NAME = 40

_ROLES = (
    "i|r|q|a|iv|int|interviewer|interviewster|interviewee|onderzoeker|researcher|"
    "respondent|resp|geïnterviewde|geinterviewde|deelnemer|participant|moderator|"
    "gespreksleider|facilitator|spreker|speaker|vraag|antwoord|question|answer"
)
_ROLE = re.compile(rf"(?:{_ROLES})\.?(?: ?\d{{1,3}}| [a-z])?(?: ?\(.*\))?|[a-z]\d{{1,3}}")


@dataclass(frozen=True)
class LabelMatch:
    """A speaker-label candidate at the start of a line.

    ``content_start`` is the index in the line where the spoken words begin
    (the line's length when they start on a later line).
    """

    name: str
    content_start: int
    time: str | None = None


def match_label(line: str) -> LabelMatch | None:
    """The speaker-label candidate that ``line`` starts with, if any."""
    match = _COLON_LABEL.match(line)
    if match is not None and _balanced_bold(match):
        time = match["lead"] or match["trail"]
        return _candidate(match["name"], match.end(), time)
    match = _NAME_TIME_LINE.match(line)
    if match is not None:
        return _candidate(match["name"], len(line), match["trail"])
    return None


def _balanced_bold(match: re.Match[str]) -> bool:
    """``**Name:**`` or ``**Name**:`` or no markup at all."""
    closes = (match["close1"] is not None) + (match["close2"] is not None)
    return closes == (1 if match["open"] else 0)


def _candidate(raw_name: str, content_start: int, time: str | None) -> LabelMatch | None:
    """A candidate with a clean name, or None if the name is too long."""
    name = " ".join(raw_name.split())
    if not name or len(name) > _MAX_NAME:
        return None
    return LabelMatch(name=name, content_start=content_start, time=time)


def speaker_key(name: str) -> str:
    """The key under which spellings of one speaker's label are the same."""
    return " ".join(name.casefold().split())


def is_role(name: str) -> bool:
    """Whether ``name`` is a well-known interview role label."""
    return _ROLE.fullmatch(speaker_key(name)) is not None


def accepted_speakers(candidates: Iterable[LabelMatch]) -> dict[str, str]:
    """Speaker key -> display name for the candidates that count as labels.

    The display name is the first spelling met, so "I" and "i" are one speaker.
    """
    candidates = list(candidates)
    counts = Counter(speaker_key(c.name) for c in candidates)
    accepted: dict[str, str] = {}
    for candidate in candidates:
        key = speaker_key(candidate.name)
        if key not in accepted and (counts[key] >= 2 or is_role(candidate.name)):
            accepted[key] = candidate.name
    return accepted


@dataclass
class _TurnBuilder:
    """Collects turns line by line; one open turn at a time."""

    turns: list[Turn] = field(default_factory=list)
    is_open: bool = False
    labelled: bool = False
    start: int | None = None
    end: int = 0
    speaker: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)

    def open_labelled(self, speaker: str, meta: dict[str, Any]) -> None:
        """Start a speaker's turn; its words follow on this or later lines."""
        self.close()
        self.is_open, self.labelled, self.speaker, self.meta = True, True, speaker, meta

    def extend(self, offset: int, line: str) -> None:
        """Add a non-blank piece of a line, opening a speaker-less turn if needed."""
        if not self.is_open:
            self.is_open, self.labelled, self.speaker, self.meta = True, False, None, {}
        if self.start is None:
            self.start = offset + len(line) - len(line.lstrip())
        self.end = offset + len(line.rstrip())

    def blank(self) -> None:
        """A blank line ends a speaker-less paragraph, not a speaker's turn."""
        if not self.labelled:
            self.close()

    def close(self) -> None:
        """Emit the open turn if it has any words."""
        if self.is_open and self.start is not None:
            self.turns.append(Turn(self.start, self.end, self.speaker, self.meta))
        self.is_open, self.labelled, self.start = False, False, None


def find_turns(text: str) -> list[Turn]:
    """Speaker turns of ``text`` (already normalised), in order."""
    lines = _lines_with_offsets(text)
    candidates = {i: m for i, (_, line) in enumerate(lines) if (m := match_label(line)) is not None}
    speakers = accepted_speakers(candidates.values())
    builder = _TurnBuilder()
    for i, (offset, line) in enumerate(lines):
        label = candidates.get(i)
        if label is not None and speaker_key(label.name) in speakers:
            meta = {"time": label.time} if label.time else {}
            builder.open_labelled(speakers[speaker_key(label.name)], meta)
            rest = line[label.content_start :]
            if rest.strip():
                builder.extend(offset + label.content_start, rest)
        elif _HEADING.match(line):
            builder.close()
            builder.extend(offset, line)
            builder.close()
        elif line.strip():
            builder.extend(offset, line)
        else:
            builder.blank()
    builder.close()
    return builder.turns


def _lines_with_offsets(text: str) -> list[tuple[int, str]]:
    """Each line of ``text`` with the offset of its first character."""
    result: list[tuple[int, str]] = []
    offset = 0
    for line in text.split("\n"):
        result.append((offset, line))
        offset += len(line) + 1
    return result
