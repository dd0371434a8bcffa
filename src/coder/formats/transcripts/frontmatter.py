"""Front matter: ``key: value`` attributes at the top of a text transcript.

The block is the Markdown/Jekyll convention — a ``---`` line, simple YAML, a
closing ``---`` line — so researchers can keep a transcript's attributes (site,
role, date) in the file itself. It is cut from the stored text: attributes are
data about the interview, not words that were spoken.

A first line ``---`` alone does not make front matter: a text may open with a
rule. Only when the next non-blank line looks like ``key: value`` is the block
taken as front matter, and from then on an unclosed or malformed block is an
error with its line number rather than a silent guess.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import yaml

from coder.errors import InputFormatError
from coder.formats.safe_yaml import load_yaml

_FENCE = re.compile(r"[ \t]*---[ \t]*")
_LIST_LINE = re.compile(r"[ \t]*-[ \t]+\S")
_KEY_LINE = re.compile(r"[ \t]*[^\s:#][^:]*:(?:[ \t]|$)")


def split_front_matter(text: str, name: str) -> tuple[dict[str, str], str]:
    """Return the front-matter attributes and the text without the block.

    ``text`` is already newline-normalised; line numbers in errors count from
    the top of the file. The blank lines after the closing fence go too.
    """
    lines = text.split("\n")
    first = _first_content_line(lines)
    if first is None or not _FENCE.fullmatch(lines[first]):
        return {}, text
    if not _opens_mapping(lines, first + 1):
        _refuse_fenced_list(lines, first, name)
        return {}, text
    close = next((i for i in range(first + 1, len(lines)) if _FENCE.fullmatch(lines[i])), None)
    if close is None:
        raise InputFormatError(
            f"{name} line {first + 1}: front matter opened with '---' is never closed",
            hint="end the attribute block with a line '---'",
        )
    block = "\n".join(lines[first + 1 : close])
    attributes = _parse_block(block, name, first_line=first + 2)
    return attributes, "\n".join(lines[close + 1 :])


def _refuse_fenced_list(lines: list[str], first: int, name: str) -> None:
    """A ``---`` block of ``- item`` lines is front matter written as a list, not spoken words."""
    body = next((i for i in range(first + 1, len(lines)) if lines[i].strip()), None)
    if body is None or not _LIST_LINE.match(lines[body]):
        return
    if any(_FENCE.fullmatch(line) for line in lines[body + 1 :]):
        raise InputFormatError(
            f"{name} line {body + 1}: front matter is a list, not 'key: value' lines",
            hint="write each attribute as 'key: value' (e.g. 'gemeente: Zwolle')",
        )


def _first_content_line(lines: list[str]) -> int | None:
    """Index of the first line that is not blank."""
    return next((i for i, line in enumerate(lines) if line.strip()), None)


def _opens_mapping(lines: list[str], start: int) -> bool:
    """Whether the first non-blank line from ``start`` looks like ``key: value``."""
    for line in lines[start:]:
        if line.strip():
            return bool(_KEY_LINE.match(line))
    return False


def _parse_block(block: str, name: str, first_line: int) -> dict[str, str]:
    """YAML-parse the block into flat string attributes."""
    try:
        data = load_yaml(block)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = first_line + (mark.line if mark is not None else 0)
        problem = getattr(exc, "problem", None) or "not valid YAML"
        raise InputFormatError(
            f"{name} line {line}: front matter is malformed ({problem})",
            hint="write one 'key: value' per line",
        ) from exc
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise InputFormatError(
            f"{name} line {first_line}: front matter must be 'key: value' lines",
            hint="write one 'key: value' per line",
        )
    lines = block.split("\n")
    return {
        str(key): _as_text(key, value, name, _line_of(lines, str(key), first_line))
        for key, value in data.items()
    }


def _line_of(lines: list[str], key: str, first_line: int) -> int:
    """File line number where ``key`` is defined (the block's first line if unsure)."""
    for offset, line in enumerate(lines):
        if line.lstrip().startswith(f"{key}:"):
            return first_line + offset
    return first_line


def _as_text(key: Any, value: Any, name: str, line: int) -> str:
    """A front-matter value as the attribute string a researcher would write."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, list) and all(not isinstance(v, list | dict) for v in value):
        return ", ".join(_as_text(key, v, name, line) for v in value)
    if isinstance(value, dict | list):
        raise InputFormatError(
            f"{name} line {line}: front matter value of '{key}' is nested",
            hint="attributes are flat 'key: value' lines",
        )
    return str(value)
