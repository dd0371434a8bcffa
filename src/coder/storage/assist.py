"""The similarity index blobs and dismissed suggestions (assisted coding)."""

from __future__ import annotations

from coder.storage._base import StoreBase, new_guid, now


class AssistQueries(StoreBase):
    """Reads and writes for suggestions: index blobs, segment lemmas, dismissals."""

    def segment_lemma_rows(
        self, kind: str, transcript_ids: list[str] | None = None
    ) -> list[tuple[str, int, int, str]]:
        """(transcript, start, end, lemmas) of every segment of ``kind``, in text order."""
        where, args = "kind = ?", [kind]
        if transcript_ids is not None:
            where += f" and transcript_id in ({', '.join('?' * len(transcript_ids))})"
            args.extend(transcript_ids)
        sql = f"select transcript_id, start, end, lemmas from segments where {where} order by transcript_id, idx"
        return [(r[0], r[1], r[2], r[3] or "") for r in self.conn.execute(sql, args)]

    def index_blob(self, kind: str) -> bytes | None:
        """The stored similarity index of one segment kind, if built."""
        row = self.conn.execute("select data from suggest_index where kind = ?", [kind]).fetchone()
        return bytes(row[0]) if row else None

    def save_index_blob(self, kind: str, data: bytes) -> None:
        """Store (replace) the similarity index of one segment kind."""
        # The stamp must change on every write (the in-memory cache is keyed on it): time plus a GUID.
        stamp = f"{now()} {new_guid()}"
        self._upsert("suggest_index", {"kind": kind, "data": data, "updated_at": stamp}, pk=("kind",))

    def dismiss_suggestion(self, coder: str, code_id: str, transcript_id: str, start: int, end: int) -> None:
        """Remember that ``coder`` turned down this passage for ``code_id``."""
        row = {"coder": coder, "code_id": code_id, "transcript_id": transcript_id, "start": start, "end": end}
        self._upsert(
            "suggestion_dismissals",
            {**row, "at": now()},
            pk=("coder", "code_id", "transcript_id", "start", "end"),
        )

    def dismissed_suggestions(self, coder: str, code_id: str) -> set[tuple[str, int, int]]:
        """(transcript, start, end) of the passages ``coder`` dismissed for ``code_id``."""
        sql = "select transcript_id, start, end from suggestion_dismissals where coder = ? and code_id = ?"
        return {(r[0], r[1], r[2]) for r in self.conn.execute(sql, [coder, code_id])}

    def index_stamp(self, kind: str) -> str | None:
        """When the similarity index of ``kind`` was last written (None: never built)."""
        row = self.conn.execute("select updated_at from suggest_index where kind = ?", [kind]).fetchone()
        return str(row[0]) if row else None
