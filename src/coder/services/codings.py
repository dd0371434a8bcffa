"""Codings: applying, changing and removing codes one at a time.

Reading and writing whole files of codings lives in ``codings_rows`` (its
functions are re-exported here).
"""

from __future__ import annotations

from typing import Any

from coder.errors import CoderError
from coder.model import Coding
from coder.services.codings_rows import ROW_FIELDS, export_codings, import_codings
from coder.storage import Store

__all__ = [
    "ROW_FIELDS",
    "apply_code",
    "export_codings",
    "import_codings",
    "remove_coding",
    "restore_coding",
    "update_coding",
]


def apply_code(store: Store, coder: str, transcript_id: str, start: int, end: int, code_id: str) -> Coding:
    """One coder applies a code to a span (one transaction, logged)."""
    transcript = store.get_transcript(transcript_id)
    if not 0 <= start < end <= len(transcript.text):
        raise CoderError(f"span {start}-{end} is outside {transcript_id!r}")
    store.get_code(code_id)
    with store.transaction():
        store.ensure_coder(coder)
        coding = store.add_coding(coder, transcript_id, start, end, code_id)
        store.log(
            coder,
            "coding.add",
            coding.guid,
            after={"transcript": transcript_id, "start": start, "end": end, "code": code_id},
        )
    return coding


def remove_coding(store: Store, coder: str, coding_id: int) -> Coding:
    """Remove one of the coder's own codings; returns it (for undo)."""
    coding = store.get_coding(coding_id)
    if coding.coder != coder:
        raise CoderError(f"coding {coding_id} belongs to another coder")
    with store.transaction():
        store.delete_coding(coding_id)
        store.log(
            coder,
            "coding.remove",
            coding.guid,
            before={"code": coding.code_id, "start": coding.start, "end": coding.end},
        )
    return coding


def restore_coding(store: Store, coding: Coding) -> None:
    """Put a removed coding back exactly as it was (undo of a removal)."""
    with store.transaction():
        store.restore_coding(coding)
        store.log(coding.coder, "coding.restore", coding.guid)


def update_coding(store: Store, coder: str, coding_id: int, **fields: Any) -> Coding:
    """Change a coder's own coding (span, memo, key-quote flag)."""
    coding = store.get_coding(coding_id)
    if coding.coder != coder:
        raise CoderError(f"coding {coding_id} belongs to another coder")
    if {"start", "end"} & fields.keys() and coding.flagged:
        # Re-anchored by hand: the coder has put it on the words it belongs to.
        fields = {**fields, "flagged": None, "flagged_text": None}
    with store.transaction():
        updated = store.update_coding(coding_id, **fields)
        store.log(
            coder, "coding.edit", coding.guid, before={k: getattr(coding, k) for k in fields}, after=fields
        )
    return updated
