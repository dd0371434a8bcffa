"""Memos and the audit log."""

from __future__ import annotations

from typing import Any

from coder.model import (
    AuditEntry,
    Memo,
)
from coder.storage._base import StoreBase, _dumps, _loads, new_guid, now


class RecordQueries(StoreBase):
    """Memos and the audit log."""

    # -- memos ----------------------------------------------------------------

    def set_memo(self, coder: str, target_kind: str, target_id: str, text: str) -> None:
        """Write (or clear, with empty text) a memo on a transcript, code or project."""
        if not text.strip():
            self.conn.execute(
                "delete from memos where coder = ? and target_kind = ? and target_id = ?",
                [coder, target_kind, target_id],
            )
            return
        existing = self.memo(coder, target_kind, target_id)
        row = {
            "coder": coder,
            "target_kind": target_kind,
            "target_id": target_id,
            "text": text,
            "updated_at": now(),
        }
        if existing:
            self._update("memos", {"id": existing.id}, row)
        else:
            self._insert("memos", {**row, "guid": new_guid()})

    def memo(self, coder: str, target_kind: str, target_id: str) -> Memo | None:
        """One coder's memo on a target, if any."""
        rows = list(
            self._rows(
                "select * from memos where coder = ? and target_kind = ? and target_id = ?",
                [coder, target_kind, target_id],
            )
        )
        return self._memo(rows[0]) if rows else None

    def memos(self, coder: str | None = None) -> list[Memo]:
        """All memos, or one coder's."""
        where, args = ("where coder = ?", [coder]) if coder else ("", [])
        return [self._memo(r) for r in self._rows(f"select * from memos {where} order by id", args)]

    @staticmethod
    def _memo(r: dict[str, Any]) -> Memo:
        return Memo(
            r["id"],
            r["guid"],
            r["coder"],
            r["target_kind"],
            r["target_id"],
            r["text"],
            r["updated_at"],
        )

    # -- audit ----------------------------------------------------------------

    def log(
        self,
        actor: str,
        action: str,
        target: str,
        before: Any = None,
        after: Any = None,
    ) -> None:
        """Record an action in the audit log (inside the caller's transaction)."""
        self._insert(
            "audit",
            {
                "at": now(),
                "actor": actor,
                "action": action,
                "target": target,
                "before": _dumps(before) if before is not None else None,
                "after": _dumps(after) if after is not None else None,
            },
        )

    def audit_entries(self, action: str | None = None) -> list[AuditEntry]:
        """The audit log, oldest first."""
        where, args = ("where action = ?", [action]) if action else ("", [])
        return [
            AuditEntry(
                r["id"],
                r["at"],
                r["actor"],
                r["action"],
                r["target"],
                _loads(r["before"], None),
                _loads(r["after"], None),
            )
            for r in self._rows(f"select * from audit {where} order by id", args)
        ]
