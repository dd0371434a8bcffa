"""The audit log as rows: who did what, when, with the state before and after.

Every service writes its entries inside its own transaction (``Store.log``);
this module only reads them back, filtered, for the ``coder log`` command, the
log screen and a CSV a team can archive with its study.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from coder.outfile import atomic_output
from coder.storage import Store

COLUMNS = ("id", "at", "actor", "action", "target", "before", "after")


def log_rows(
    store: Store, action: str | None = None, actor: str | None = None, target: str | None = None
) -> list[dict[str, Any]]:
    """Audit entries oldest first; ``action`` matches a prefix (``review`` finds ``review.decide``)."""
    rows = []
    for e in store.audit_entries():
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
                "before": e.before,
                "after": e.after,
            }
        )
    return rows


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
