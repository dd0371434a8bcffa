"""The rules a merge follows beyond matching: same study, the audit log, memos, both versions.

* A merge refuses a different study (another name and no transcript or code
  GUID in common) unless forced: the numbers of two studies must not mix.
* The audit log is respected: a code the lead merged into another is mapped
  to its target, a code the lead deleted stays deleted (its codings are left
  out and counted), so merging a coder's old copy resurrects nothing.
* Two versions of a memo are joined, never one dropped: when one text holds
  the other the longer is kept, else both are kept, one after the other.
* With a common ancestor (``coder sync`` passes the merge base) a change made
  on one side only is taken; a change on both sides is a conflict, reported
  with both versions and left as it is here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from coder.errors import CoderError
from coder.formats.qdpx import norm_guid
from coder.model import Coding
from coder.storage import Store
from coder.storage.rows import RECORD_TABLES, insert_rows, replace_rows, row_key, study_counts, table_rows

# Tables where a row changed on both sides keeps the more recently updated one.
NEWEST_WINS = {"transcript_status": "updated_at", "disagreements": "updated_at"}


@dataclass
class Retired:
    """Codes this project's audit log says are gone: merged (→ target) or deleted."""

    merged: dict[str, str] = field(default_factory=dict)
    deleted: set[str] = field(default_factory=set)

    def target(self, guid: str, code_id: str, live: set[str]) -> str | None:
        """Where a retired code now lives ('' when deleted), or None when it is not retired."""
        seen: set[str] = set()
        key = (
            norm_guid(guid) if norm_guid(guid) in self.merged or norm_guid(guid) in self.deleted else code_id
        )
        if key not in self.merged and key not in self.deleted:
            return None
        while key in self.merged and key not in seen:
            seen.add(key)
            key = self.merged[key]
            if key in live:
                return key
        return ""


def retired_codes(store: Store) -> Retired:
    """Merged and deleted codes from the audit log, by GUID and by id."""
    retired = Retired()
    for entry in store.audit_entries():
        before = entry.before if isinstance(entry.before, dict) else {}
        keys = [entry.target, norm_guid(str(before.get("guid") or ""))]
        if entry.action == "code.merge" and isinstance(entry.after, dict):
            retired.merged.update({k: str(entry.after.get("into")) for k in keys if k})
        elif entry.action == "code.delete":
            retired.deleted.update(k for k in keys if k)
    return retired


def check_same_study(
    store: Store, name: str, transcript_guids: Iterable[str], code_guids: Iterable[str], label: str
) -> None:
    """Refuse to mix another study into a project that already holds one."""
    if not any(study_counts(store).values()):
        return
    here_name = store.get_setting("name") or store.root.name
    ours = {norm_guid(t.guid) for t in store.transcripts()} | {
        norm_guid(c.guid) for c in store.codebook().codes
    }
    theirs = {norm_guid(g) for g in (*transcript_guids, *code_guids) if g}
    if (name and name == here_name) or ours & theirs:
        return
    raise CoderError(
        f"{label} is another study ({name or 'no name'!r}, no transcript or code in common with {here_name!r})",
        "merge copies of the same study only; to combine two studies anyway, add --force",
    )


def join_memos(here: str, theirs: str) -> str:
    """Both versions of a memo, without repeating a text the other already holds."""
    a, b = here.strip(), theirs.strip()
    if b in a:
        return here
    if a in b:
        return theirs
    return f"{here.rstrip()}\n\n{theirs.lstrip()}"


def content(c: Coding) -> tuple[Any, ...]:
    """What a coding says (beyond its identity): compared to find edits."""
    return (c.start, c.end, c.code_id, c.memo, c.key_quote, c.flagged)


def version(c: Coding) -> dict[str, Any]:
    """One side of a conflict, as reported."""
    return {"start": c.start, "end": c.end, "code": c.code_id, "memo": c.memo, "key_quote": c.key_quote}


def merge_records(
    store: Store, records: dict[str, list[dict[str, Any]]], codes: dict[str, str]
) -> dict[str, int]:
    """Insert the record rows this project lacks (by key); returns how many per table.

    Links follow the code map (a link of a retired code goes with it, or is
    dropped with a deleted code); a settings key is only added, never changed.
    """
    added: dict[str, int] = {}
    for table, rows in records.items():
        if table == "links":
            rows = [{**r, "code_id": codes[r["code_id"]]} for r in rows if codes.get(r["code_id"])]
        here = {row_key(table, r): r for r in table_rows(store, table)}
        new, newer = [], []
        for row in rows:
            row = {c: row.get(c) for c in RECORD_TABLES[table].columns}
            old = here.get(row_key(table, row))
            if old is None:
                new.append(row)
                here[row_key(table, row)] = row
            elif table in NEWEST_WINS and old != row:
                stamp = NEWEST_WINS[table]
                if str(row.get(stamp) or "") > str(old.get(stamp) or ""):
                    newer.append(row)
        insert_rows(store, table, new)
        replace_rows(store, table, newer)
        if new or newer:
            added[table] = len(new) + len(newer)
    return added
