"""Codings of every coder layer, and the quote rows exports read."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from coder.errors import UnknownIdError
from coder.model import (
    Coding,
)
from coder.storage._base import StoreBase, new_guid, new_guids, now


class CodingQueries(StoreBase):
    """Codings."""

    # -- codings --------------------------------------------------------------

    _CODING_COLS = "id, guid, coder, transcript_id, start, end, code_id, memo, key_quote, created_at, flagged, flagged_text"

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
            r[11],
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
        row_id = self._insert(
            "codings",
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
            },
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
        """Bulk insert codings given as dicts (coder, transcript_id, start, end, code_id, memo).

        One ``executemany`` of plain tuples; GUIDs for rows without one come
        from one batch of random bytes (see ``new_guids``).
        """
        rows = list(rows)
        created = now()
        guids = iter(new_guids(sum(1 for r in rows if not r.get("guid"))))
        values = [
            (
                r.get("guid") or next(guids),
                r["coder"],
                r["transcript_id"],
                r["start"],
                r["end"],
                r["code_id"],
                r.get("memo", ""),
                int(r.get("key_quote", False)),
                r.get("created_at") or created,
                r.get("flagged"),
                r.get("flagged_text"),
            )
            for r in rows
        ]
        sql = (
            'insert into codings (guid, coder, transcript_id, start, "end", code_id, memo, key_quote, created_at, '
            "flagged, flagged_text) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        )
        if self.conn.in_transaction:
            self.conn.executemany(sql, values)
        else:
            with self.transaction():
                self.conn.executemany(sql, values)
        return len(values)

    def coding_by_guid(self, guid: str) -> Coding | None:
        """One coding by GUID, if it exists."""
        row = self.conn.execute(f"select {self._CODING_COLS} from codings where guid = ?", [guid]).fetchone()
        return self._coding(row) if row else None

    def get_coding(self, coding_id: int) -> Coding:
        """One coding by row id, or UnknownIdError."""
        sql = f"select {self._CODING_COLS} from codings where id = ?"
        row = self.conn.execute(sql, [coding_id]).fetchone()
        if row is None:
            raise UnknownIdError(f"no coding with id {coding_id}")
        return self._coding(row)

    def codings(
        self,
        coder: str | None = None,
        transcript_id: str | None = None,
        code_ids: Iterable[str] | None = None,
        flagged: bool | None = None,
    ) -> list[Coding]:
        """Codings filtered by coder, transcript, codes and review flag (None: either), in text order."""
        where, args = _equal_to(coder=coder, transcript_id=transcript_id)
        if flagged is not None:
            where += f" and flagged is {'not ' if flagged else ''}null"
        if code_ids is not None:
            ids = list(code_ids)
            where += f" and code_id in ({', '.join('?' * len(ids))})"
            args.extend(ids)
        sql = f"select {self._CODING_COLS} from codings where {where} order by transcript_id, start, end, id"
        return [self._coding(r) for r in self.conn.execute(sql, args)]

    def coding_memos(
        self, coder: str, transcript_ids: Sequence[str]
    ) -> dict[tuple[str, int, int, str], tuple[int, str]]:
        """(transcript, start, end, code) -> (id, memo) of one coder's codings in the transcripts given."""
        marks = ", ".join("?" * len(transcript_ids))
        sql = (
            "select transcript_id, start, end, code_id, id, coalesce(memo, '') from codings"
            f" where coder = ? and transcript_id in ({marks}) order by id"
        )
        found: dict[tuple[str, int, int, str], tuple[int, str]] = {}
        for t, s, e, code, cid, memo in self.conn.execute(sql, [coder, *transcript_ids]):
            found.setdefault((t, s, e, code), (cid, memo))
        return found

    def set_coding_memos(self, memos: Sequence[tuple[int, str]]) -> None:
        """Set the memo of several codings: (id, memo) pairs, one executemany."""
        self.conn.executemany("update codings set memo = ? where id = ?", [(m, i) for i, m in memos])

    def delete_coder_codings(self, coder: str, transcript_ids: Sequence[str]) -> int:
        """Delete one coder's codings in the transcripts given; returns how many."""
        marks = ", ".join("?" * len(transcript_ids))
        sql = f"delete from codings where coder = ? and transcript_id in ({marks})"
        return self.conn.execute(sql, [coder, *transcript_ids]).rowcount

    def coding_spans(self, coder: str) -> list[tuple[str, int, int, str]]:
        """(transcript, start, end, code) of one coder, cheap for large projects.

        Flagged codings (their words are gone) are left out: they count in no
        agreement, matrix or reconciliation until they are resolved.
        """
        sql = "select transcript_id, start, end, code_id from codings where coder = ? and flagged is null"
        return [tuple(r) for r in self.conn.execute(sql, [coder])]

    def update_coding(self, coding_id: int, **fields: Any) -> Coding:
        """Change fields of a coding (start, end, code_id, memo, key_quote, flagged)."""
        if "key_quote" in fields:
            fields["key_quote"] = int(fields["key_quote"])
        self._update("codings", {"id": coding_id}, fields)
        return self.get_coding(coding_id)

    def delete_coding(self, coding_id: int) -> None:
        """Remove one coding."""
        self.conn.execute("delete from codings where id = ?", [coding_id])

    def restore_coding(self, coding: Coding) -> None:
        """Put a deleted coding back with its original id and GUID (undo)."""
        self._insert(
            "codings",
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
                "flagged_text": coding.flagged_text,
            },
        )

    def move_codings(self, from_code: str, to_code: str) -> int:
        """Point every coding of ``from_code`` at ``to_code``; returns how many."""
        cur = self.conn.execute("update codings set code_id = ? where code_id = ?", [to_code, from_code])
        return cur.rowcount

    def delete_codings(self, coder: str | None = None, code_id: str | None = None) -> int:
        """Delete codings of a coder layer and/or a code; returns how many."""
        where, args = _equal_to(coder=coder, code_id=code_id)
        cur = self.conn.execute(f"delete from codings where {where}", args)
        return cur.rowcount

    # -- exports --------------------------------------------------------------

    def quote_rows(self, coder: str, with_text: bool = True) -> list[tuple[Any, ...]]:
        """One coder layer's codings for exports, in one query, by transcript and offset.

        Rows are (coding id, transcript, start, end, code, key quote, memo[, text]).
        ``text`` is ``substr`` of the stored text, which counts code points as
        Python does, so it is exactly ``text[start:end]``. Flagged codings are
        left out: their span no longer holds their words.
        """
        text = ", substr(t.text, c.start + 1, c.end - c.start)" if with_text else ""
        sql = (
            "select c.id, c.transcript_id, c.start, c.end, c.code_id, c.key_quote, coalesce(c.memo, '')"
            f"{text} from codings c join transcripts t on t.id = c.transcript_id "
            "where c.coder = ? and c.flagged is null order by c.transcript_id, c.start, c.end, c.id"
        )
        return [tuple(r) for r in self.conn.execute(sql, [coder])]

    def turn_spans(
        self, transcript_ids: Iterable[str] | None = None
    ) -> dict[str, list[tuple[int, int, str | None]]]:
        """(start, end, speaker) of every turn, per transcript, in text order."""
        wanted = set(transcript_ids) if transcript_ids is not None else None
        sql = "select transcript_id, start, end, speaker from segments where kind = 'turn' order by transcript_id, idx"
        found: dict[str, list[tuple[int, int, str | None]]] = {}
        for tid, start, end, speaker in self.conn.execute(sql):
            if wanted is None or tid in wanted:
                found.setdefault(tid, []).append((start, end, speaker))
        return found


def _equal_to(**columns: str | None) -> tuple[str, list[Any]]:
    """A where clause matching every column given a value (None: no filter)."""
    given = {name: value for name, value in columns.items() if value is not None}
    clause = " and ".join(["1 = 1", *(f"{name} = ?" for name in given)])
    return clause, list(given.values())
