"""The audit log as rows: who did what, when, with the state before and after.

Every service writes its entries inside its own transaction (``Store.log``);
this module only reads them back, filtered, for the ``coder log`` command, the
log screen and a CSV a team can archive with its study.
"""

from __future__ import annotations

import csv
import json
from bisect import bisect_right
from pathlib import Path
from typing import Any

from coder.errors import CoderError
from coder.formats.outfile import atomic_output
from coder.model import AuditEntry
from coder.storage import Store

COLUMNS = ("id", "at", "actor", "action", "target", "what", "before", "after")


def log_rows(
    store: Store, action: str | None = None, actor: str | None = None, target: str | None = None
) -> list[dict[str, Any]]:
    """Audit entries oldest first; ``action`` matches a prefix (``review`` finds ``review.decide``)."""
    rows = []
    entries = store.audit_entries()
    places = Places(store, entries)
    for e in entries:
        if action and not (e.action == action or e.action.startswith(action.rstrip(".") + ".")):
            continue
        if (actor and e.actor != actor) or (target and e.target != target):
            continue
        rows.append(
            {
                "id": e.id,
                "at": e.at,
                "actor": e.actor,
                "action": e.action,
                "target": e.target,
                "what": places.describe(e),
                "before": e.before,
                "after": e.after,
            }
        )
    return rows


class Places:
    """Says where an entry's target is, as a reader names it: "R01 · sentence 14 · Werkdruk".

    A coding is named by its transcript, sentence and code, not its GUID: the
    coding as it is now, or, once removed, as its ``coding.add`` entry
    recorded it. A review decision is named by its disagreement's passage.
    Other targets (a code, a transcript, a file) are already readable.
    """

    def __init__(self, store: Store, entries: list[AuditEntry]) -> None:
        self.store = store
        self.names = {c.id: c.name for c in store.codebook().codes}
        self.added = {e.target: e.after for e in entries if e.action == "coding.add" and e.after}
        self._sentences: dict[str, list[int]] = {}

    def describe(self, entry: AuditEntry) -> str:
        """The readable place of ``entry``'s target ("" when the target says it already)."""
        if entry.action.startswith("coding."):
            return self._coding(entry)
        if entry.action.startswith("review.") and "#" in entry.target:
            return self._review(entry.target.rpartition("#")[2])
        return ""

    def _coding(self, entry: AuditEntry) -> str:
        coding = self.store.coding_by_guid(entry.target)
        if coding is not None:
            return self.place(coding.transcript_id, coding.start, coding.end, coding.code_id)
        known = {**(entry.before or {}), **self.added.get(entry.target, {})}
        if {"transcript", "start", "end", "code"} <= known.keys():
            return self.place(known["transcript"], known["start"], known["end"], known["code"])
        code = str(known.get("code", ""))
        return self.names.get(code, code)

    def _review(self, item_id: str) -> str:
        try:
            item = self.store.get_review_item(int(item_id))
        except (CoderError, ValueError):
            return ""
        codes = dict.fromkeys(i.code for i in item.items)
        return self.place(item.transcript_id, item.start, item.end, *codes)

    def place(self, transcript_id: str, start: int, end: int, *codes: str) -> str:
        """ "R01 · sentence 14 · Werkdruk" (sentences 14–15 for a span over two)."""
        if transcript_id not in self._sentences:
            bounds = self.store.segment_bounds("sentence", transcript_id).get(transcript_id, [])
            self._sentences[transcript_id] = [b[0] for b in bounds]
        starts = self._sentences[transcript_id]
        first, last = (max(1, bisect_right(starts, at)) for at in (start, max(start, end - 1)))
        where = f"sentence {first}" if first == last else f"sentences {first}–{last}"
        names = ", ".join(self.names.get(c, c) for c in codes)
        return " · ".join(x for x in (transcript_id, where if starts else "", names) if x)


def summary(value: Any, width: int = 60) -> str:
    """A one-line rendering of a before/after value for tables."""
    if value is None:
        return ""
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, sort_keys=True)
    return text if len(text) <= width else text[: width - 1] + "…"


def write_log_csv(rows: list[dict[str, Any]], path: Path) -> int:
    """Write audit rows as CSV (before/after as JSON text); returns how many."""
    with atomic_output(path) as tmp, tmp.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=COLUMNS)
        writer.writeheader()
        for row in rows:
            writer.writerow(
                {
                    **row,
                    "before": "" if row["before"] is None else json.dumps(row["before"], ensure_ascii=False),
                    "after": "" if row["after"] is None else json.dumps(row["after"], ensure_ascii=False),
                }
            )
    return len(rows)
