"""Reconciliation: the review queue, consensus provenance, frozen code trees."""

from __future__ import annotations

import dataclasses
from typing import Any

from coder.analysis.reconcile import CodebookVersion, Piece, ReviewItem
from coder.analysis.reconcile import Item as ReconcileItem
from coder.errors import UnknownIdError
from coder.model import (
    Code,
    Codebook,
)
from coder.storage._base import StoreBase, _dumps, _loads, new_guid, now


class ReviewQueries(StoreBase):
    """Review items and code tree versions."""

    # -- reconciliation: review queue, consensus provenance, frozen trees -------

    @staticmethod
    def _review_item(r: dict[str, Any]) -> ReviewItem:
        return ReviewItem(
            id=r["id"],
            layer=r["layer"],
            key=r["key"],
            coders=(r["coder_a"], r["coder_b"]),
            transcript_id=r["transcript_id"],
            start=r["start"],
            end=r["end"],
            items=tuple(ReconcileItem(**i) for i in _loads(r["items"], [])),
            status=r["status"],
            choice=r["choice"],
            note=r["note"] or "",
            result=tuple(Piece(**p) for p in _loads(r["result"], [])),
            verdicts=_loads(r["verdicts"], {}),
            decided_by=r["decided_by"],
            decided_at=r["decided_at"],
        )

    @staticmethod
    def _review_row(fields: dict[str, Any]) -> dict[str, Any]:
        row = dict(fields)
        for name in ("items", "result"):
            if name in row:
                row[name] = _dumps([dataclasses.asdict(x) for x in row[name]])
        if "verdicts" in row:
            row["verdicts"] = _dumps(dict(row["verdicts"] or {}))
        if "coders" in row:
            row["coder_a"], row["coder_b"] = row.pop("coders")
        return row

    def review_items(
        self, layer: str | None = None, status: str | None = None, transcript_id: str | None = None
    ) -> list[ReviewItem]:
        """Disagreements of a consensus layer in text order, filtered by status and transcript."""
        where, args = ["1 = 1"], []
        for column, value in (("layer", layer), ("status", status), ("transcript_id", transcript_id)):
            if value is not None:
                where.append(f"{column} = ?")
                args.append(value)
        rows = self._rows(
            f"select * from disagreements where {' and '.join(where)} "
            "order by layer, transcript_id, start, end, id",
            args,
        )
        return [self._review_item(r) for r in rows]

    def get_review_item(self, item_id: int) -> ReviewItem:
        """One disagreement by id, or UnknownIdError."""
        rows = list(self._rows("select * from disagreements where id = ?", [item_id]))
        if not rows:
            raise UnknownIdError(f"no disagreement with id {item_id}", "list them with `coder review list`")
        return self._review_item(rows[0])

    def add_review_item(self, **fields: Any) -> int:
        """Insert a disagreement (layer, key, coders, transcript_id, start, end, items, status ...)."""
        stamp = now()
        row = self._review_row({"note": "", "created_at": stamp, "updated_at": stamp, **fields})
        return self._insert("disagreements", row)

    def update_review_item(self, item_id: int, **fields: Any) -> None:
        """Change fields of a disagreement (items, status, choice, note, result, verdicts ...)."""
        self._update("disagreements", {"id": item_id}, self._review_row({**fields, "updated_at": now()}))

    def consensus_sources(self, layer: str, transcript_id: str | None = None) -> dict[str, str]:
        """GUID -> source of the codings reconcile wrote into a consensus layer."""
        sql, args = "select guid, source from consensus_sources where layer = ?", [layer]
        if transcript_id is not None:
            sql += " and transcript_id = ?"
            args.append(transcript_id)
        return dict(self.conn.execute(sql, args).fetchall())

    def set_consensus_source(self, guid: str, layer: str, transcript_id: str, source: str) -> None:
        """Remember that reconcile wrote coding ``guid`` into ``layer`` because of ``source``."""
        self._upsert(
            "consensus_sources",
            {"guid": guid, "layer": layer, "transcript_id": transcript_id, "source": source},
            pk=["guid"],
        )

    def drop_consensus_source(self, guid: str) -> None:
        """Forget a consensus coding's provenance (after deleting the coding)."""
        self.conn.execute("delete from consensus_sources where guid = ?", [guid])

    def _codebook_version(self, r: dict[str, Any]) -> CodebookVersion:
        codes = []
        for c in _loads(r["codes"], []):
            c.update(keywords=tuple(c.get("keywords") or ()), links=tuple(c.get("links") or ()))
            codes.append(Code(**c))
        return CodebookVersion(
            r["label"],
            r["guid"],
            r["created_at"],
            r["created_by"] or "",
            r["note"] or "",
            Codebook(r["name"] or "", tuple(codes)),
        )

    def save_codebook_version(
        self, label: str, codebook: Codebook, actor: str, note: str = ""
    ) -> CodebookVersion:
        """Freeze a copy of a code tree under a new label."""
        self._insert(
            "codebook_versions",
            {
                "label": label,
                "guid": new_guid(),
                "name": codebook.name,
                "created_at": now(),
                "created_by": actor,
                "note": note,
                "codes": _dumps([dataclasses.asdict(c) for c in codebook.tree_order()]),
            },
        )
        return self.codebook_version(label)

    def has_codebook_version(self, label: str) -> bool:
        """Whether a frozen code tree has this label."""
        sql = "select 1 from codebook_versions where label = ?"
        return self.conn.execute(sql, [label]).fetchone() is not None

    def codebook_version(self, label: str) -> CodebookVersion:
        """A frozen code tree by label, or UnknownIdError."""
        rows = list(self._rows("select * from codebook_versions where label = ?", [label]))
        if not rows:
            raise UnknownIdError(
                f"no code tree version {label!r}", "list them with `coder codebook versions`"
            )
        return self._codebook_version(rows[0])

    def codebook_versions(self) -> list[CodebookVersion]:
        """All frozen code trees, oldest first."""
        rows = self._rows("select * from codebook_versions order by created_at, rowid")
        return [self._codebook_version(r) for r in rows]
