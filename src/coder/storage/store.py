"""The Store: every read and write of a project database, as model objects.

Services call these methods inside ``store.transaction()`` so that one command
is one transaction; the methods themselves never commit on their own when a
transaction is open. JSON columns hold small dict/list values (attributes,
keywords, metadata) so that the schema stays flat and portable.
"""

from __future__ import annotations

import dataclasses
import json
import uuid
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from coder.errors import UnknownIdError
from coder.model import (
    AuditEntry,
    Code,
    Codebook,
    Coding,
    Memo,
    Segment,
    Transcript,
)
from coder.reconcile import CodebookVersion, Piece, ReviewItem
from coder.reconcile import Item as ReconcileItem


def new_guid() -> str:
    """A fresh GUID in the 8-4-4-4-12 form REFI-QDA expects."""
    return str(uuid.uuid4())


def now() -> str:
    """The current UTC time as an ISO 8601 string with seconds."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def _loads(value: str | None, default: Any) -> Any:
    return json.loads(value) if value else default


_ENCODE = json.JSONEncoder(ensure_ascii=False, sort_keys=True).encode


def _dumps(value: Any) -> str:
    return _ENCODE(value)


class Store:
    """A project's database (``coder.db``) and its folder."""

    def __init__(self, db: Database, root: Path) -> None:
        self.db = db
        self.root = root

    # -- transactions -------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[Store]:
        """One unit of work: all of it is committed, or none of it."""
        with self.db.atomic():
            yield self

    def close(self) -> None:
        """Close the connection."""
        self.db.close()

    def in_transaction(self) -> bool:
        """Whether changes are pending (not yet committed) on this connection."""
        return self.db.conn.in_transaction

    # -- settings -------------------------------------------------------------

    def get_setting(self, key: str, default: str | None = None) -> str | None:
        """A project setting (study name, language, last coder ...)."""
        row = self.db.execute("select value from project where key = ?", [key]).fetchone()
        return row[0] if row else default

    def set_setting(self, key: str, value: str) -> None:
        """Store a project setting."""
        self.db.table("project").upsert({"key": key, "value": value}, pk="key")

    # -- coders -------------------------------------------------------------

    def ensure_coder(self, name: str, kind: str = "coder") -> None:
        """Register a coder layer (a person, a second round, or a consensus)."""
        if not self.db.execute("select 1 from coders where name = ?", [name]).fetchone():
            self.db.table("coders").insert(
                {"name": name, "guid": new_guid(), "kind": kind, "created_at": now()}
            )

    def add_coder(self, name: str, guid: str, kind: str = "coder") -> None:
        """Register a new coder layer under a known GUID (from another project or a REFI-QDA user)."""
        self.db.table("coders").insert({"name": name, "guid": guid, "kind": kind, "created_at": now()})

    def coders(self) -> list[dict[str, str]]:
        """All coder layers with their kind and GUID."""
        rows = self.db.execute("select name, guid, kind from coders order by name")
        return [{"name": r[0], "guid": r[1], "kind": r[2]} for r in rows]

    # -- transcripts --------------------------------------------------------

    def _transcript(self, row: dict[str, Any]) -> Transcript:
        return Transcript(
            id=row["id"],
            guid=row["guid"],
            text=row["text"],
            language=row["language"],
            attributes=_loads(row["attributes"], {}),
            source_file=row["source_file"] or "",
            sha256=row["sha256"],
            imported_at=row["imported_at"] or "",
            version=row["version"] or 1,
        )

    def has_transcript(self, transcript_id: str) -> bool:
        """Whether a transcript with this id exists."""
        sql = "select 1 from transcripts where id = ?"
        return self.db.execute(sql, [transcript_id]).fetchone() is not None

    def get_transcript(self, transcript_id: str) -> Transcript:
        """One transcript, or UnknownIdError."""
        rows = list(self.db.table("transcripts").rows_where("id = ?", [transcript_id]))
        if not rows:
            raise UnknownIdError(
                f"no transcript with id {transcript_id!r}",
                "list them with `coder transcripts`",
            )
        return self._transcript(rows[0])

    def transcripts(self) -> list[Transcript]:
        """All transcripts, by id."""
        rows = self.db.table("transcripts").rows_where(order_by="id")
        return [self._transcript(r) for r in rows]

    def transcript_ids(self) -> list[str]:
        """All transcript ids, sorted."""
        return [r[0] for r in self.db.execute("select id from transcripts order by id")]

    def transcript_texts(self, ids: Iterable[str] | None = None) -> dict[str, str]:
        """Stored texts by transcript id (all, or the ids given)."""
        rows = self.db.execute("select id, text from transcripts")
        wanted = set(ids) if ids is not None else None
        return {r[0]: r[1] for r in rows if wanted is None or r[0] in wanted}

    def transcript_attributes(self) -> dict[str, dict[str, str]]:
        """Attributes by transcript id, without loading the texts."""
        rows = self.db.execute("select id, attributes from transcripts order by id")
        return {r[0]: _loads(r[1], {}) for r in rows}

    def transcript_languages(self) -> dict[str, str]:
        """Language by transcript id, without loading the texts."""
        return dict(self.db.execute("select id, language from transcripts order by id").fetchall())

    def add_transcript(self, transcript: Transcript, segments: Sequence[Segment]) -> None:
        """Insert a new transcript and its segments."""
        self.db.table("transcripts").insert(
            {
                "id": transcript.id,
                "guid": transcript.guid,
                "source_file": transcript.source_file,
                "sha256": transcript.sha256,
                "language": transcript.language,
                "attributes": _dumps(transcript.attributes),
                "text": transcript.text,
                "imported_at": transcript.imported_at,
                "version": transcript.version,
            }
        )
        self._insert_segments(transcript.id, segments)

    def replace_transcript(self, transcript: Transcript, segments: Sequence[Segment]) -> None:
        """Keep the old text in the history, store the new one and its segments."""
        old = self.get_transcript(transcript.id)
        self.db.table("transcript_history").insert(
            {
                "transcript_id": old.id,
                "version": old.version,
                "sha256": old.sha256,
                "text": old.text,
                "replaced_at": now(),
            }
        )
        self.db.execute("delete from segments where transcript_id = ?", [old.id])
        self.db.table("transcripts").update(
            old.id,
            {
                "source_file": transcript.source_file,
                "sha256": transcript.sha256,
                "language": transcript.language,
                "attributes": _dumps(transcript.attributes),
                "text": transcript.text,
                "imported_at": transcript.imported_at,
                "version": old.version + 1,
            },
        )
        self._insert_segments(old.id, segments)

    def set_transcript_attributes(self, transcript_id: str, attributes: dict[str, str]) -> None:
        """Replace a transcript's attributes."""
        self.get_transcript(transcript_id)
        self.db.table("transcripts").update(transcript_id, {"attributes": _dumps(attributes)})

    def _insert_segments(self, transcript_id: str, segments: Sequence[Segment]) -> None:
        # Plain executemany: a large import writes ~100,000 rows per million
        # words, and per-row query building would cost more than segmenting.
        self.db.conn.executemany(
            "insert into segments (transcript_id, kind, idx, start, end, speaker, lemmas, meta) "
            "values (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                (
                    transcript_id,
                    s.kind,
                    s.index,
                    s.start,
                    s.end,
                    s.speaker,
                    s.lemmas,
                    _dumps(s.meta) if s.meta else None,
                )
                for s in segments
            ),
        )

    def segments(self, transcript_id: str, kind: str | None = None) -> list[Segment]:
        """A transcript's segments, turns and/or sentences, in text order."""
        where, args = "transcript_id = ?", [transcript_id]
        if kind is not None:
            where += " and kind = ?"
            args.append(kind)
        sql = (
            "select kind, idx, start, end, speaker, lemmas, meta from segments "
            f"where {where} order by start, kind desc"
        )
        return [
            Segment(r[0], r[1], r[2], r[3], r[4], r[5] or "", _loads(r[6], {}))
            for r in self.db.execute(sql, args)
        ]

    def segment_outline(self, transcript_id: str) -> list[Segment]:
        """A transcript's turns and sentences without lemmas or metadata (cheap for long ones)."""
        sql = (
            "select kind, idx, start, end, speaker from segments "
            "where transcript_id = ? order by start, kind desc"
        )
        return [Segment(r[0], r[1], r[2], r[3], r[4]) for r in self.db.execute(sql, [transcript_id])]

    def segment_bounds(self, kind: str, transcript_id: str | None = None) -> dict[str, list[tuple[int, int]]]:
        """(start, end) of every segment of ``kind``, per transcript, in order."""
        where, args = "kind = ?", [kind]
        if transcript_id is not None:
            where, args = "kind = ? and transcript_id = ?", [kind, transcript_id]
        sql = f"select transcript_id, start, end from segments where {where} order by transcript_id, idx"
        found: dict[str, list[tuple[int, int]]] = {}
        for tid, start, end in self.db.execute(sql, args):
            found.setdefault(tid, []).append((start, end))
        return found

    def search_segments(
        self,
        terms: Sequence[str],
        kind: str = "sentence",
        transcript_id: str | None = None,
    ) -> list[tuple[str, int, int, int]]:
        """Segments whose lemmas contain every term: (transcript, index, start, end)."""
        where = ["kind = ?"]
        args: list[Any] = [kind]
        for term in terms:
            where.append("(' ' || lemmas || ' ') like ?")
            args.append(f"% {term} %")
        if transcript_id is not None:
            where.append("transcript_id = ?")
            args.append(transcript_id)
        sql = (
            "select transcript_id, idx, start, end from segments where "
            + " and ".join(where)
            + " order by transcript_id, idx"
        )
        return [tuple(r) for r in self.db.execute(sql, args)]  # type: ignore[misc]

    def transcript_summaries(self) -> list[dict[str, Any]]:
        """Per transcript: words, turns, sentences, attributes, codings per coder."""
        seg_counts: dict[tuple[str, str], int] = {}
        sql = "select transcript_id, kind, count(*) from segments group by 1, 2"
        for tid, kind, n in self.db.execute(sql):
            seg_counts[(tid, kind)] = n
        coded: dict[str, dict[str, int]] = {}
        sql = "select transcript_id, coder, count(*) from codings group by 1, 2"
        for tid, coder, n in self.db.execute(sql):
            coded.setdefault(tid, {})[coder] = n
        done: dict[str, list[str]] = {}
        sql = "select transcript_id, coder from transcript_status where done = 1"
        for tid, coder in self.db.execute(sql):
            done.setdefault(tid, []).append(coder)
        sql = "select id, language, attributes, text from transcripts order by id"
        return [
            {
                "id": tid,
                "language": lang,
                "words": len(text.split()),
                "characters": len(text),
                "turns": seg_counts.get((tid, "turn"), 0),
                "sentences": seg_counts.get((tid, "sentence"), 0),
                "attributes": _loads(attrs, {}),
                "coded": coded.get(tid, {}),
                "done": sorted(done.get(tid, [])),
            }
            for tid, lang, attrs, text in self.db.execute(sql)
        ]

    def set_done(self, transcript_id: str, coder: str, done: bool) -> None:
        """Mark a transcript done (or not) for one coder."""
        self.db.table("transcript_status").upsert(
            {
                "transcript_id": transcript_id,
                "coder": coder,
                "done": int(done),
                "updated_at": now(),
            },
            pk=("transcript_id", "coder"),
        )

    def is_done(self, transcript_id: str, coder: str) -> bool:
        """Whether the coder marked the transcript done."""
        sql = "select done from transcript_status where transcript_id = ? and coder = ?"
        row = self.db.execute(sql, [transcript_id, coder]).fetchone()
        return bool(row and row[0])

    # -- codes ----------------------------------------------------------------

    def _code(self, r: dict[str, Any]) -> Code:
        return Code(
            id=r["id"],
            guid=r["guid"],
            name=r["name"],
            parent_id=r["parent_id"],
            description=r["description"] or "",
            color=r["color"],
            keywords=tuple(_loads(r["keywords"], [])),
            links=tuple(_loads(r["links"], [])),
            origin=r["origin"] or "concept",
            created_by=r["created_by"],
            position=r["position"] or 0,
        )

    def codebook(self) -> Codebook:
        """The working code tree."""
        codes = [self._code(r) for r in self.db.table("codes").rows_where(order_by="position, id")]
        name = self.get_setting("codebook_name", "") or ""
        return Codebook(name=name, codes=tuple(Codebook(name, tuple(codes)).tree_order()))

    def has_code(self, code_id: str) -> bool:
        """Whether a code with this id exists."""
        return self.db.execute("select 1 from codes where id = ?", [code_id]).fetchone() is not None

    def get_code(self, code_id: str) -> Code:
        """One code, or UnknownIdError."""
        rows = list(self.db.table("codes").rows_where("id = ?", [code_id]))
        if not rows:
            raise UnknownIdError(f"no code with id {code_id!r}", "see `coder codebook show`")
        return self._code(rows[0])

    def _code_row(self, code: Code) -> dict[str, Any]:
        return {
            "id": code.id,
            "guid": code.guid,
            "parent_id": code.parent_id,
            "name": code.name,
            "description": code.description,
            "color": code.color,
            "keywords": _dumps(list(code.keywords)),
            "links": _dumps(list(code.links)),
            "origin": code.origin,
            "created_by": code.created_by,
            "position": code.position,
            "created_at": now(),
        }

    def save_code(self, code: Code) -> None:
        """Insert or update one code (parents must exist first)."""
        row = self._code_row(code)
        if self.has_code(code.id):
            row.pop("created_at")
            self.db.table("codes").update(code.id, row)
        else:
            self.db.table("codes").insert(row)

    def delete_code(self, code_id: str) -> None:
        """Remove a code; callers move or delete its codings and children first."""
        self.db.execute("delete from links where code_id = ?", [code_id])
        self.db.execute("delete from codes where id = ?", [code_id])

    def next_code_position(self, parent_id: str | None) -> int:
        """A position after the last sibling under ``parent_id``."""
        sql = "select coalesce(max(position), -1) + 1 from codes where parent_id is ?"
        return int(self.db.execute(sql, [parent_id]).fetchone()[0])

    def code_counts(self, coder: str) -> dict[str, int]:
        """How many codings each code has in one coder's layer."""
        sql = "select code_id, count(*) from codings where coder = ? group by code_id"
        return dict(self.db.execute(sql, [coder]).fetchall())

    def recent_code_ids(self, coder: str, limit: int = 9) -> list[str]:
        """The codes one coder applied most recently, latest first."""
        sql = "select code_id from codings where coder = ? group by code_id order by max(id) desc limit ?"
        return [r[0] for r in self.db.execute(sql, [coder, limit])]

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
            int(row_id),
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
        self.db.table("codings").insert_all(prepared, batch_size=2000)
        return len(prepared)

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
        where, args = ["1 = 1"], []
        if coder is not None:
            where.append("coder = ?")
            args.append(coder)
        if transcript_id is not None:
            where.append("transcript_id = ?")
            args.append(transcript_id)
        if code_ids is not None:
            ids = list(code_ids)
            where.append(f"code_id in ({', '.join('?' * len(ids))})")
            args.extend(ids)
        sql = (
            f"select {self._CODING_COLS} from codings where {' and '.join(where)} "
            "order by transcript_id, start, end, id"
        )
        return [self._coding(r) for r in self.db.execute(sql, args)]

    def coding_spans(self, coder: str) -> list[tuple[str, int, int, str]]:
        """(transcript, start, end, code) of one coder, cheap for large projects."""
        sql = "select transcript_id, start, end, code_id from codings where coder = ?"
        return [tuple(r) for r in self.db.execute(sql, [coder])]  # type: ignore[misc]

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
        where, args = ["1 = 1"], []
        if coder is not None:
            where.append("coder = ?")
            args.append(coder)
        if code_id is not None:
            where.append("code_id = ?")
            args.append(code_id)
        cur = self.db.execute(f"delete from codings where {' and '.join(where)}", args)
        return cur.rowcount

    # -- memos ----------------------------------------------------------------

    def set_memo(self, coder: str, target_kind: str, target_id: str, text: str) -> None:
        """Write (or clear, with empty text) a memo on a transcript, code or project."""
        if not text.strip():
            self.db.execute(
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
            self.db.table("memos").update(existing.id, row)
        else:
            self.db.table("memos").insert({**row, "guid": new_guid()})

    def memo(self, coder: str, target_kind: str, target_id: str) -> Memo | None:
        """One coder's memo on a target, if any."""
        rows = list(
            self.db.table("memos").rows_where(
                "coder = ? and target_kind = ? and target_id = ?",
                [coder, target_kind, target_id],
            )
        )
        return self._memo(rows[0]) if rows else None

    def memos(self, coder: str | None = None) -> list[Memo]:
        """All memos, or one coder's."""
        where, args = ("coder = ?", [coder]) if coder else (None, None)
        return [self._memo(r) for r in self.db.table("memos").rows_where(where, args, order_by="id")]

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

    # -- surveys and links ----------------------------------------------------

    def save_survey(self, name: str, kind: str, source_file: str, data: dict[str, Any]) -> None:
        """Store (or replace) a survey's records under ``name``."""
        self.db.table("surveys").upsert(
            {
                "name": name,
                "kind": kind,
                "source_file": source_file,
                "data": _dumps(data),
                "imported_at": now(),
            },
            pk="name",
        )

    def survey_data(self, name: str) -> dict[str, Any]:
        """A stored survey's records, or UnknownIdError."""
        row = self.db.execute("select data from surveys where name = ?", [name]).fetchone()
        if row is None:
            raise UnknownIdError(
                f"no survey named {name!r}",
                "import it with `coder survey import FILE --name NAME`",
            )
        return dict(json.loads(row[0]))

    def survey_names(self) -> list[str]:
        """Names of the stored surveys."""
        return [r[0] for r in self.db.execute("select name from surveys order by name")]

    def add_link(self, code_id: str, survey: str, item: str) -> None:
        """Link a code to a survey item (idempotent)."""
        self.db.table("links").upsert(
            {"code_id": code_id, "survey": survey, "item": item},
            pk=("code_id", "survey", "item"),
        )

    def links(self) -> list[tuple[str, str, str]]:
        """All (code, survey, item) links."""
        return [tuple(r) for r in self.db.execute("select code_id, survey, item from links order by 1, 2, 3")]  # type: ignore[misc]

    def remove_link(self, code_id: str, survey: str, item: str) -> bool:
        """Delete a link made with ``add_link``; whether there was one."""
        sql = "delete from links where code_id = ? and survey = ? and item = ?"
        return self.db.execute(sql, [code_id, survey, item]).rowcount > 0

    def codebook_links(self) -> list[tuple[str, str, str]]:
        """(code, survey, item) links written in the codebook (``links:`` per code)."""
        found: set[tuple[str, str, str]] = set()
        for code_id, links in self.db.execute("select id, links from codes where links is not null"):
            for link in _loads(links, []):
                survey, _, item = str(link).partition(":")
                found.add((code_id, survey, item))
        return sorted(found)

    def survey_summaries(self) -> list[dict[str, str]]:
        """Stored surveys: name, kind, source file and import time (no data)."""
        sql = "select name, kind, source_file, imported_at from surveys order by name"
        keys = ("name", "kind", "source_file", "imported_at")
        return [dict(zip(keys, r, strict=True)) for r in self.db.execute(sql)]

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
        rows = self.db.table("disagreements").rows_where(
            " and ".join(where), args, order_by="layer, transcript_id, start, end, id"
        )
        return [self._review_item(r) for r in rows]

    def get_review_item(self, item_id: int) -> ReviewItem:
        """One disagreement by id, or UnknownIdError."""
        rows = list(self.db.table("disagreements").rows_where("id = ?", [item_id]))
        if not rows:
            raise UnknownIdError(f"no disagreement with id {item_id}", "list them with `coder review list`")
        return self._review_item(rows[0])

    def add_review_item(self, **fields: Any) -> int:
        """Insert a disagreement (layer, key, coders, transcript_id, start, end, items, status ...)."""
        stamp = now()
        row = self._review_row({"note": "", "created_at": stamp, "updated_at": stamp, **fields})
        row_id = self.db.table("disagreements").insert(row).last_pk
        assert row_id is not None
        return int(row_id)

    def update_review_item(self, item_id: int, **fields: Any) -> None:
        """Change fields of a disagreement (items, status, choice, note, result, verdicts ...)."""
        self.db.table("disagreements").update(item_id, self._review_row({**fields, "updated_at": now()}))

    def consensus_sources(self, layer: str, transcript_id: str | None = None) -> dict[str, str]:
        """GUID -> source of the codings reconcile wrote into a consensus layer."""
        sql, args = "select guid, source from consensus_sources where layer = ?", [layer]
        if transcript_id is not None:
            sql += " and transcript_id = ?"
            args.append(transcript_id)
        return dict(self.db.execute(sql, args).fetchall())

    def set_consensus_source(self, guid: str, layer: str, transcript_id: str, source: str) -> None:
        """Remember that reconcile wrote coding ``guid`` into ``layer`` because of ``source``."""
        self.db.table("consensus_sources").upsert(
            {"guid": guid, "layer": layer, "transcript_id": transcript_id, "source": source}, pk="guid"
        )

    def drop_consensus_source(self, guid: str) -> None:
        """Forget a consensus coding's provenance (after deleting the coding)."""
        self.db.execute("delete from consensus_sources where guid = ?", [guid])

    def coding_by_guid(self, guid: str) -> Coding | None:
        """One coding by GUID, if it exists."""
        row = self.db.execute(f"select {self._CODING_COLS} from codings where guid = ?", [guid]).fetchone()
        return self._coding(row) if row else None

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
        self.db.table("codebook_versions").insert(
            {
                "label": label,
                "guid": new_guid(),
                "name": codebook.name,
                "created_at": now(),
                "created_by": actor,
                "note": note,
                "codes": _dumps([dataclasses.asdict(c) for c in codebook.tree_order()]),
            }
        )
        return self.codebook_version(label)

    def has_codebook_version(self, label: str) -> bool:
        """Whether a frozen code tree has this label."""
        sql = "select 1 from codebook_versions where label = ?"
        return self.db.execute(sql, [label]).fetchone() is not None

    def codebook_version(self, label: str) -> CodebookVersion:
        """A frozen code tree by label, or UnknownIdError."""
        rows = list(self.db.table("codebook_versions").rows_where("label = ?", [label]))
        if not rows:
            raise UnknownIdError(
                f"no code tree version {label!r}", "list them with `coder codebook versions`"
            )
        return self._codebook_version(rows[0])

    def codebook_versions(self) -> list[CodebookVersion]:
        """All frozen code trees, oldest first."""
        rows = self.db.table("codebook_versions").rows_where(order_by="created_at, rowid")
        return [self._codebook_version(r) for r in rows]

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
        self.db.table("audit").insert(
            {
                "at": now(),
                "actor": actor,
                "action": action,
                "target": target,
                "before": _dumps(before) if before is not None else None,
                "after": _dumps(after) if after is not None else None,
            }
        )

    def audit_entries(self, action: str | None = None) -> list[AuditEntry]:
        """The audit log, oldest first."""
        where, args = ("action = ?", [action]) if action else (None, None)
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
            for r in self.db.table("audit").rows_where(where, args, order_by="id")
        ]
