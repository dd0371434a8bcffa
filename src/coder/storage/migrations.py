"""The schema, as an append-only list of sqlite-utils migrations.

A released migration is never edited: a schema change is a new function at
the end. Every table that another tool or another coder's copy may refer to
carries a stable ``guid`` (REFI-QDA exchange and project merging match on it).
"""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

migrations = Migrations("coder")


@migrations()
def m001_initial(db: Database) -> None:
    """Project settings, transcripts, segments, codes, codings, memos, audit."""
    db["project"].create({"key": str, "value": str}, pk="key")
    db["coders"].create({"name": str, "guid": str, "kind": str, "created_at": str}, pk="name")
    db["transcripts"].create(
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
    db["transcript_history"].create(
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
    db["segments"].create(
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
    db["segments"].create_index(["transcript_id", "kind", "idx"], unique=True)
    db["codes"].create(
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
    db["codes"].add_foreign_key("parent_id", "codes", "id")
    db["codings"].create(
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
    db["codings"].create_index(["coder", "transcript_id"])
    db["codings"].create_index(["code_id"])
    db["codings"].create_index(["guid"], unique=True)
    db["memos"].create(
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
    db["memos"].create_index(["coder", "target_kind", "target_id"], unique=True)
    db["transcript_status"].create(
        {"transcript_id": str, "coder": str, "done": int, "updated_at": str},
        pk=("transcript_id", "coder"),
    )
    db["surveys"].create(
        {"name": str, "kind": str, "source_file": str, "data": str, "imported_at": str},
        pk="name",
    )
    db["links"].create(
        {"code_id": str, "survey": str, "item": str},
        pk=("code_id", "survey", "item"),
    )
    db["audit"].create(
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
