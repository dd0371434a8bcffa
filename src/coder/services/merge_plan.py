"""What a merge or import carries in (:class:`Incoming`), decides (:class:`Plan`) and reports."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from coder.model import Code, Codebook, Coding, Memo, Segment, Transcript

# import: a REFI-QDA project; merge: another copy of this study (coder.db or
# .qdpx); snapshot: a snapshot folder, which carries the whole study.
Mode = Literal["import", "merge", "snapshot"]


@dataclass
class Incoming:
    """Another project's content, in this project's model.

    ``segments_of`` gives the stored segments of a transcript when the source
    has them (another coder.db); otherwise new transcripts are segmented here.
    ``origins_known`` says whether ``Code.origin`` is real (coder.db) or a
    default (REFI-QDA has no such field). ``study`` is the source's study
    name, compared before a merge.
    """

    label: str
    codebook: Codebook
    coders: list[dict[str, str]]
    transcripts: list[Transcript]
    codings: list[Coding]
    memos: list[Memo] = field(default_factory=list)
    origins_known: bool = False
    segments_of: Callable[[str], list[Segment]] | None = None
    skipped_transcripts: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    study: str = ""


@dataclass
class MergeReport:
    """What an import or merge added, matched and skipped."""

    source: str
    dry_run: bool = False
    transcripts_added: list[str] = field(default_factory=list)
    transcripts_matched: list[str] = field(default_factory=list)
    transcripts_skipped: list[str] = field(default_factory=list)
    codes_added: list[str] = field(default_factory=list)
    codes_matched: int = 0
    codes_mapped: dict[str, str] = field(default_factory=dict)
    coders_added: list[str] = field(default_factory=list)
    codings_added: dict[str, int] = field(default_factory=dict)
    codings_present: int = 0
    codings_duplicate: int = 0
    codings_changed: list[str] = field(default_factory=list)
    codings_updated: int = 0
    codings_dropped: int = 0
    codings_retired: int = 0
    codings_memos_joined: int = 0
    codings_deleted: int = 0
    conflicts: list[dict[str, Any]] = field(default_factory=list)
    memos_added: int = 0
    memos_present: int = 0
    memos_joined: int = 0
    memo_conflicts: list[str] = field(default_factory=list)
    records_added: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        """Whether the merge added or changed any transcript, code, coding or memo."""
        return bool(
            self.transcripts_added or self.codes_added or self.codings_added or self.codings_updated
            or self.codings_memos_joined or self.codings_deleted or self.memos_added or self.memos_joined
        )  # fmt: skip

    def as_dict(self) -> dict[str, object]:
        """The JSON document of `coder merge --json` / `coder import-qdpx --json`."""
        return {
            "source": self.source,
            "dry_run": self.dry_run,
            "transcripts": {
                "added": self.transcripts_added,
                "matched": self.transcripts_matched,
                "skipped": self.transcripts_skipped,
            },
            "codes": {"added": self.codes_added, "matched": self.codes_matched, "mapped": self.codes_mapped},
            "coders": {"added": self.coders_added},
            "codings": {
                "added": sum(self.codings_added.values()),
                "added_by_coder": self.codings_added,
                "already_present": self.codings_present,
                "duplicates": self.codings_duplicate,
                "changed": self.codings_changed,
                "updated": self.codings_updated,
                "dropped": self.codings_dropped,
                "of_retired_codes": self.codings_retired,
                "memos_joined": self.codings_memos_joined,
                "deleted": self.codings_deleted,
            },
            "conflicts": self.conflicts,
            "memos": {
                "added": self.memos_added,
                "already_present": self.memos_present,
                "joined": self.memos_joined,
                "conflicts": self.memo_conflicts,
            },
            "records_added": self.records_added,
            "warnings": self.warnings,
        }


@dataclass
class Plan:
    """Everything to write, decided before the transaction opens."""

    transcripts: list[tuple[Transcript, list[Segment] | None]] = field(default_factory=list)
    codes: list[Code] = field(default_factory=list)
    code_map: dict[str, str] = field(default_factory=dict)
    missing_concept: dict[str, Code] = field(default_factory=dict)
    retired: set[str] = field(default_factory=set)
    coders: list[dict[str, str]] = field(default_factory=list)
    coder_map: dict[str, str] = field(default_factory=dict)
    codings: list[dict[str, object]] = field(default_factory=list)
    updates: list[tuple[str, dict[str, object]]] = field(default_factory=list)
    deletions: list[str] = field(default_factory=list)
    memos: list[Memo] = field(default_factory=list)
    memo_texts: list[tuple[int, str]] = field(default_factory=list)
