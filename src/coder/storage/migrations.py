"""The schema, as an append-only list of sqlite-utils migrations.

A released migration is never edited: a schema change is a new function at
the end. Every table that another tool or another coder's copy may refer to
carries a stable ``guid`` (REFI-QDA exchange and project merging match on it).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlite_utils import Database
    from sqlite_utils.migrations import Migrations


class _Registry:
    """The list of migrations, registered as with sqlite-utils' ``Migrations``.

    sqlite-utils (and with it pandas) is imported only when a migration is
    pending: opening an up-to-date project checks the applied names with the
    standard library. Attribute access other than registering goes to a real
    ``Migrations`` object.
    """

    def __init__(self, name: str) -> None:
        self.name = name
        self.functions: list[Callable[[Database], None]] = []
        self._real: Migrations | None = None

    def __call__(self) -> Callable[[Callable[[Database], None]], Callable[[Database], None]]:
        def register(fn: Callable[[Database], None]) -> Callable[[Database], None]:
            self.functions.append(fn)
            return fn

        return register

    def __getattr__(self, attr: str) -> Any:
        if self._real is None:
            from sqlite_utils.migrations import Migrations

            self._real = Migrations(self.name)
            for fn in self.functions:
                self._real()(fn)
        return getattr(self._real, attr)

    def is_current(self, conn: sqlite3.Connection) -> bool:
        """Whether every registered migration is applied (standard library only)."""
        try:
            sql = "select name from _sqlite_migrations where migration_set = ?"
            applied = {r[0] for r in conn.execute(sql, [self.name])}
        except sqlite3.OperationalError:
            return False
        return all(fn.__name__ in applied for fn in self.functions)


migrations = _Registry("coder")


def migrate(conn: sqlite3.Connection) -> None:
    """Apply the pending migrations, if any."""
    if not migrations.is_current(conn):
        from coder.storage.locking import LockingDatabase

        # Under the write lock, so that two processes opening a new project
        # cannot both apply the same migration.
        db = LockingDatabase(conn)
        with db.atomic():
            migrations.apply(db)


@migrations()
def m001_initial(db: Database) -> None:
    """Project settings, transcripts, segments, codes, codings, memos, audit."""
    db.table("project").create({"key": str, "value": str}, pk="key")
    db.table("coders").create({"name": str, "guid": str, "kind": str, "created_at": str}, pk="name")
    db.table("transcripts").create(
        {
            "id": str,
            "guid": str,
            "source_file": str,
            "sha256": str,
            "language": str,
            "attributes": str,
            "text": str,
            "imported_at": str,
            "version": int,
        },
        pk="id",
        not_null={"guid", "text", "sha256", "language"},
    )
    db.table("transcript_history").create(
        {
            "id": int,
            "transcript_id": str,
            "version": int,
            "sha256": str,
            "text": str,
            "replaced_at": str,
        },
        pk="id",
        foreign_keys=[("transcript_id", "transcripts", "id")],
    )
    db.table("segments").create(
        {
            "id": int,
            "transcript_id": str,
            "kind": str,
            "idx": int,
            "start": int,
            "end": int,
            "speaker": str,
            "lemmas": str,
            "meta": str,
        },
        pk="id",
        foreign_keys=[("transcript_id", "transcripts", "id")],
    )
    db.table("segments").create_index(["transcript_id", "kind", "idx"], unique=True)
    db.table("codes").create(
        {
            "id": str,
            "guid": str,
            "parent_id": str,
            "name": str,
            "description": str,
            "color": str,
            "keywords": str,
            "links": str,
            "origin": str,
            "created_by": str,
            "position": int,
            "created_at": str,
        },
        pk="id",
        not_null={"guid", "name"},
    )
    db.table("codes").add_foreign_key("parent_id", "codes", "id")
    db.table("codings").create(
        {
            "id": int,
            "guid": str,
            "coder": str,
            "transcript_id": str,
            "start": int,
            "end": int,
            "code_id": str,
            "memo": str,
            "key_quote": int,
            "created_at": str,
            "flagged": str,
        },
        pk="id",
        foreign_keys=[
            ("coder", "coders", "name"),
            ("transcript_id", "transcripts", "id"),
            ("code_id", "codes", "id"),
        ],
        not_null={"guid", "coder", "transcript_id", "start", "end", "code_id"},
    )
    db.table("codings").create_index(["coder", "transcript_id"])
    db.table("codings").create_index(["code_id"])
    db.table("codings").create_index(["guid"], unique=True)
    db.table("memos").create(
        {
            "id": int,
            "guid": str,
            "coder": str,
            "target_kind": str,
            "target_id": str,
            "text": str,
            "updated_at": str,
        },
        pk="id",
    )
    db.table("memos").create_index(["coder", "target_kind", "target_id"], unique=True)
    db.table("transcript_status").create(
        {"transcript_id": str, "coder": str, "done": int, "updated_at": str},
        pk=("transcript_id", "coder"),
    )
    db.table("surveys").create(
        {"name": str, "kind": str, "source_file": str, "data": str, "imported_at": str},
        pk="name",
    )
    db.table("links").create(
        {"code_id": str, "survey": str, "item": str},
        pk=("code_id", "survey", "item"),
    )
    db.table("audit").create(
        {
            "id": int,
            "at": str,
            "actor": str,
            "action": str,
            "target": str,
            "before": str,
            "after": str,
        },
        pk="id",
    )


@migrations()
def m002_reconciliation(db: Database) -> None:
    """Reconciliation: the review queue with its decisions, consensus provenance, frozen code trees.

    ``disagreements`` keeps one row per disagreement of a consensus layer,
    keyed stably by the GUIDs of the codings involved, so rerunning
    ``coder reconcile`` finds the decisions already taken. ``consensus_sources``
    remembers which codings of a consensus layer reconcile wrote (and why), so
    a rerun updates exactly those and leaves hand-made codings alone.
    """
    db.table("disagreements").create(
        {
            "id": int,
            "layer": str,
            "key": str,
            "coder_a": str,
            "coder_b": str,
            "transcript_id": str,
            "start": int,
            "end": int,
            "items": str,
            "status": str,
            "choice": str,
            "note": str,
            "result": str,
            "verdicts": str,
            "decided_by": str,
            "decided_at": str,
            "created_at": str,
            "updated_at": str,
        },
        pk="id",
        not_null={"layer", "key", "transcript_id", "status"},
    )
    db.table("disagreements").create_index(["layer", "key"], unique=True)
    db.table("disagreements").create_index(["layer", "status"])
    db.table("consensus_sources").create(
        {"guid": str, "layer": str, "transcript_id": str, "source": str},
        pk="guid",
    )
    db.table("consensus_sources").create_index(["layer", "transcript_id"])
    db.table("codebook_versions").create(
        {
            "label": str,
            "guid": str,
            "name": str,
            "created_at": str,
            "created_by": str,
            "note": str,
            "codes": str,
        },
        pk="label",
        not_null={"guid", "codes"},
    )


@migrations()
def m004_integrity(db: Database) -> None:
    """A flagged coding keeps the words it had: ``codings.flagged_text``.

    When a transcript is replaced and a coding's words are gone, the coding
    keeps a span in the new text (for the lead to re-anchor) but its quote is
    the old text, kept here until the flag is resolved.
    """
    db.table("codings").add_column("flagged_text", str)


@migrations()
def m006_assist(db: Database) -> None:
    """Assisted coding: the stored similarity index and the suggestions a coder dismissed.

    ``suggest_index`` holds one serialized term-count matrix per segment kind
    (built once, updated per transcript on import), so that suggestions do not
    re-read every segment. ``suggestion_dismissals`` remembers, per coder and
    code, the passages a coder turned down, so they are not proposed again.
    """
    db.table("suggest_index").create({"kind": str, "data": bytes, "updated_at": str}, pk="kind")
    db.table("suggestion_dismissals").create(
        {"coder": str, "code_id": str, "transcript_id": str, "start": int, "end": int, "at": str},
        pk=("coder", "code_id", "transcript_id", "start", "end"),
    )
