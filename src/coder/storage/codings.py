"""Codings of every coder layer, and the quote rows exports read."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from coder.errors import UnknownIdError
from coder.model import (
    Coding,
)
from coder.storage._base import StoreBase, new_guid, now


class CodingQueries(StoreBase):
    """Codings."""

    # -- codings --------------------------------------------------------------

    _CODING_COLS = "id, guid, coder, transcript_id, start, end, code_id, memo, key_quote, created_at, flagged"

    @staticmethod
    def _coding(r: Sequence[Any]) -> Coding:
        return Coding(
            r[0],
            r[1],
            r[2],
            r[3],
            r[4],
            r[5],
            r[6],
            r[7] or "",
            bool(r[8]),
            r[9] or "",
            r[10],
        )

    def add_coding(
        self,
        coder: str,
        transcript_id: str,
        start: int,
        end: int,
        code_id: str,
        memo: str = "",
        key_quote: bool = False,
        guid: str | None = None,
    ) -> Coding:
        """Insert one coding and return it."""
        created = now()
        guid = guid or new_guid()
        row_id = (
            self.db.table("codings")
            .insert(
                {
                    "guid": guid,
                    "coder": coder,
                    "transcript_id": transcript_id,
                    "start": start,
                    "end": end,
                    "code_id": code_id,
                    "memo": memo,
                    "key_quote": int(key_quote),
                    "created_at": created,
                }
            )
            .last_pk
        )
        return Coding(
            int(row_id or 0),
            guid,
            coder,
            transcript_id,
            start,
            end,
            code_id,
            memo,
            key_quote,
            created,
        )

    def add_codings(self, rows: Iterable[dict[str, Any]]) -> int:
        """Bulk insert codings given as dicts (coder, transcript_id, start, end, code_id, memo)."""
        created = now()
        prepared = [
            {
                "guid": r.get("guid") or new_guid(),
                "coder": r["coder"],
                "transcript_id": r["transcript_id"],
                "start": r["start"],
                "end": r["end"],
                "code_id": r["code_id"],
                "memo": r.get("memo", ""),
                "key_quote": int(r.get("key_quote", False)),
                "created_at": r.get("created_at") or created,
                "flagged": r.get("flagged"),
            }
            for r in rows
        ]
        # One prepared statement for all rows: sqlite-utils' insert_all builds
        # each chunk's SQL in Python, which dominated a 50,000-coding merge.
        columns = ("guid", "coder", "transcript_id", "start", "end", "code_id", "memo", "key_quote",
                   "created_at", "flagged")  # fmt: skip
        names = ", ".join(f'"{c}"' for c in columns)
        self.db.conn.executemany(
            f"insert into codings ({names}) values ({', '.join('?' * len(columns))})",
            ([row[c] for c in columns] for row in prepared),
        )
        return len(prepared)

    def coding_by_guid(self, guid: str) -> Coding | None:
        """One coding by GUID, if it exists."""
        row = self.db.execute(f"select {self._CODING_COLS} from codings where guid = ?", [guid]).fetchone()
        return self._coding(row) if row else None

    def get_coding(self, coding_id: int) -> Coding:
        """One coding by row id, or UnknownIdError."""
        sql = f"select {self._CODING_COLS} from codings where id = ?"
        row = self.db.execute(sql, [coding_id]).fetchone()
        if row is None:
            raise UnknownIdError(f"no coding with id {coding_id}")
        return self._coding(row)

    def codings(
        self,
        coder: str | None = None,
        transcript_id: str | None = None,
        code_ids: Iterable[str] | None = None,
    ) -> list[Coding]:
        """Codings filtered by coder, transcript and codes, in text order."""
        where, args = _equal_to(coder=coder, transcript_id=transcript_id)
        if code_ids is not None:
            ids = list(code_ids)
            where += f" and code_id in ({', '.join('?' * len(ids))})"
            args.extend(ids)
        sql = f"select {self._CODING_COLS} from codings where {where} order by transcript_id, start, end, id"
        return [self._coding(r) for r in self.db.execute(sql, args)]

    def coding_spans(self, coder: str) -> list[tuple[str, int, int, str]]:
        """(transcript, start, end, code) of one coder, cheap for large projects."""
        sql = "select transcript_id, start, end, code_id from codings where coder = ?"
        return [tuple(r) for r in self.db.execute(sql, [coder])]

    def update_coding(self, coding_id: int, **fields: Any) -> Coding:
        """Change fields of a coding (start, end, code_id, memo, key_quote, flagged)."""
        if "key_quote" in fields:
            fields["key_quote"] = int(fields["key_quote"])
        self.db.table("codings").update(coding_id, fields)
        return self.get_coding(coding_id)

    def delete_coding(self, coding_id: int) -> None:
        """Remove one coding."""
        self.db.execute("delete from codings where id = ?", [coding_id])

    def restore_coding(self, coding: Coding) -> None:
        """Put a deleted coding back with its original id and GUID (undo)."""
        self.db.table("codings").insert(
            {
                "id": coding.id,
                "guid": coding.guid,
                "coder": coding.coder,
                "transcript_id": coding.transcript_id,
                "start": coding.start,
                "end": coding.end,
                "code_id": coding.code_id,
                "memo": coding.memo,
                "key_quote": int(coding.key_quote),
                "created_at": coding.created_at,
                "flagged": coding.flagged,
            }
        )

    def move_codings(self, from_code: str, to_code: str) -> int:
        """Point every coding of ``from_code`` at ``to_code``; returns how many."""
        cur = self.db.execute("update codings set code_id = ? where code_id = ?", [to_code, from_code])
        return cur.rowcount

    def delete_codings(self, coder: str | None = None, code_id: str | None = None) -> int:
        """Delete codings of a coder layer and/or a code; returns how many."""
        where, args = _equal_to(coder=coder, code_id=code_id)
        cur = self.db.execute(f"delete from codings where {where}", args)
        return cur.rowcount

    # -- exports --------------------------------------------------------------

    def quote_rows(self, coder: str, with_text: bool = True) -> list[tuple[Any, ...]]:
        """One coder layer's codings for exports, in one query, by transcript and offset.

        Rows are (coding id, transcript, start, end, code, key quote, memo[, text]).
        ``text`` is ``substr`` of the stored text, which counts code points as
        Python does, so it is exactly ``text[start:end]``.
        """
        text = ", substr(t.text, c.start + 1, c.end - c.start)" if with_text else ""
        sql = (
            "select c.id, c.transcript_id, c.start, c.end, c.code_id, c.key_quote, coalesce(c.memo, '')"
            f"{text} from codings c join transcripts t on t.id = c.transcript_id "
            "where c.coder = ? order by c.transcript_id, c.start, c.end, c.id"
        )
        return [tuple(r) for r in self.db.execute(sql, [coder])]

    def turn_spans(
        self, transcript_ids: Iterable[str] | None = None
    ) -> dict[str, list[tuple[int, int, str | None]]]:
        """(start, end, speaker) of every turn, per transcript, in text order."""
        wanted = set(transcript_ids) if transcript_ids is not None else None
        sql = "select transcript_id, start, end, speaker from segments where kind = 'turn' order by transcript_id, idx"
        found: dict[str, list[tuple[int, int, str | None]]] = {}
        for tid, start, end, speaker in self.db.execute(sql):
            if wanted is None or tid in wanted:
                found.setdefault(tid, []).append((start, end, speaker))
        return found


def _equal_to(**columns: str | None) -> tuple[str, list[Any]]:
    """A where clause matching every column given a value (None: no filter)."""
    given = {name: value for name, value in columns.items() if value is not None}
    clause = " and ".join(["1 = 1", *(f"{name} = ?" for name in given)])
    return clause, list(given.values())
