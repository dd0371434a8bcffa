"""Domain objects shared by every layer.

Frozen dataclasses, so a value read from the store cannot be changed behind
the store's back; every change goes through a service and is one transaction.
Offsets are Python ``str`` indices (code points) into a transcript's stored
text, end exclusive, exactly as REFI-QDA counts them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

SegmentKind = Literal["turn", "sentence"]
CodeOrigin = Literal["concept", "coder"]


@dataclass(frozen=True)
class Turn:
    """A speaker turn found by an importer: the span of what was said."""

    start: int
    end: int
    speaker: str | None
    meta: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ParsedTranscript:
    """What an importer makes of a file, before segmentation.

    ``text`` is the final stored text (NFC, ``\\n`` newlines, front matter
    removed); ``turns`` index into it; ``attributes`` come from front matter.
    """

    text: str
    turns: list[Turn]
    attributes: dict[str, str] = field(default_factory=dict)
    source_format: str = "txt"


@dataclass(frozen=True)
class Segment:
    """A turn or sentence of a stored transcript, with lemmas for search."""

    kind: SegmentKind
    index: int
    start: int
    end: int
    speaker: str | None = None
    lemmas: str = ""
    meta: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Transcript:
    """An imported interview: its stored text never changes after import."""

    id: str
    guid: str
    text: str
    language: str
    attributes: dict[str, str]
    source_file: str
    sha256: str
    imported_at: str
    version: int = 1

    @property
    def n_words(self) -> int:
        """Whitespace-separated words in the stored text."""
        return len(self.text.split())


@dataclass(frozen=True)
class Code:
    """A node of the code tree.

    ``id`` is a slug unique in the whole tree; ``parent_id`` None is a theme.
    ``origin`` says whether the code came from the concept codebook or was
    added by a coder while coding (then ``created_by`` names that coder).
    """

    id: str
    guid: str
    name: str
    parent_id: str | None = None
    description: str = ""
    color: str | None = None
    keywords: tuple[str, ...] = ()
    links: tuple[str, ...] = ()
    origin: CodeOrigin = "concept"
    created_by: str | None = None
    position: int = 0


@dataclass(frozen=True)
class Codebook:
    """A named code tree, codes listed parents before children."""

    name: str
    codes: tuple[Code, ...]

    def by_id(self) -> dict[str, Code]:
        """Codes keyed by id."""
        return {code.id: code for code in self.codes}

    def children(self, code_id: str | None) -> list[Code]:
        """Direct children of ``code_id`` (None: the themes), in tree order."""
        kids = [c for c in self.codes if c.parent_id == code_id]
        return sorted(kids, key=lambda c: c.position)

    def path(self, code_id: str) -> str:
        """The ``/``-joined id path from the theme down to ``code_id``."""
        codes = self.by_id()
        parts: list[str] = []
        current: str | None = code_id
        while current is not None:
            parts.append(current)
            current = codes[current].parent_id
        return "/".join(reversed(parts))

    def descendants(self, code_id: str) -> set[str]:
        """``code_id`` and every code below it."""
        found = {code_id}
        for child in self.children(code_id):
            found |= self.descendants(child.id)
        return found

    def tree_order(self) -> list[Code]:
        """Depth-first, parents before children, siblings by position."""
        ordered: list[Code] = []

        def visit(parent: str | None) -> None:
            for child in self.children(parent):
                ordered.append(child)
                visit(child.id)

        visit(None)
        return ordered


@dataclass(frozen=True)
class Coding:
    """One coder's application of one code to a span of a transcript."""

    id: int
    guid: str
    coder: str
    transcript_id: str
    start: int
    end: int
    code_id: str
    memo: str = ""
    key_quote: bool = False
    created_at: str = ""
    flagged: str | None = None
    flagged_text: str | None = None


@dataclass(frozen=True)
class Memo:
    """A memo on a transcript, a code or the project, by one coder."""

    id: int
    guid: str
    coder: str
    target_kind: Literal["transcript", "code", "project"]
    target_id: str
    text: str
    updated_at: str


@dataclass(frozen=True)
class AuditEntry:
    """One recorded action: who did what, when, with before/after state."""

    id: int
    at: str
    actor: str
    action: str
    target: str
    before: Any
    after: Any


def slugify(text: str) -> str:
    """A code id from a name: lowercase ASCII, words joined by ``-``.

    Here, below both the YAML codebook and the REFI-QDA readers, so that
    neither imports the other for it.
    """
    import re
    import unicodedata

    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug or "code"
