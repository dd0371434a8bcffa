"""Transcripts, their segments and per-coder progress."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from coder.errors import UnknownIdError
from coder.model import (
    Segment,
    Transcript,
)
from coder.storage._base import StoreBase, _dumps, _loads, now


class TranscriptQueries(StoreBase):
    """Transcripts and segments."""

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
        return self.conn.execute(sql, [transcript_id]).fetchone() is not None

    def get_transcript(self, transcript_id: str) -> Transcript:
        """One transcript, or UnknownIdError."""
        rows = list(self._rows("select * from transcripts where id = ?", [transcript_id]))
        if not rows:
            raise UnknownIdError(
                f"no transcript with id {transcript_id!r}",
                "list them with `coder transcripts`",
            )
        return self._transcript(rows[0])

    def transcripts(self) -> list[Transcript]:
        """All transcripts, by id."""
        rows = self._rows("select * from transcripts order by id")
        return [self._transcript(r) for r in rows]

    def transcript_ids(self) -> list[str]:
        """All transcript ids, sorted."""
        return [r[0] for r in self.conn.execute("select id from transcripts order by id")]

    def transcript_lengths(self) -> dict[str, int]:
        """Text length (in code points, as Python counts) by transcript id, without reading the texts."""
        return dict(self.conn.execute("select id, length(text) from transcripts").fetchall())

    def transcript_texts(self, ids: Iterable[str] | None = None) -> dict[str, str]:
        """Stored texts by transcript id (all, or the ids given)."""
        rows = self.conn.execute("select id, text from transcripts")
        wanted = set(ids) if ids is not None else None
        return {r[0]: r[1] for r in rows if wanted is None or r[0] in wanted}

    def transcript_attributes(self) -> dict[str, dict[str, str]]:
        """Attributes by transcript id, without loading the texts."""
        rows = self.conn.execute("select id, attributes from transcripts order by id")
        return {r[0]: _loads(r[1], {}) for r in rows}

    def transcript_languages(self) -> dict[str, str]:
        """Language by transcript id, without loading the texts."""
        return dict(self.conn.execute("select id, language from transcripts order by id").fetchall())

    def transcript_versions(self) -> dict[str, int]:
        """Text version by transcript id (a re-import with new text raises it)."""
        return {r[0]: r[1] or 1 for r in self.conn.execute("select id, version from transcripts")}

    def add_transcript(self, transcript: Transcript, segments: Sequence[Segment]) -> None:
        """Insert a new transcript and its segments."""
        self._insert(
            "transcripts",
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
            },
        )
        self._insert_segments(transcript.id, segments)

    def replace_transcript(self, transcript: Transcript, segments: Sequence[Segment]) -> None:
        """Keep the old text in the history, store the new one and its segments."""
        old = self.get_transcript(transcript.id)
        self._insert(
            "transcript_history",
            {
                "transcript_id": old.id,
                "version": old.version,
                "sha256": old.sha256,
                "text": old.text,
                "replaced_at": now(),
            },
        )
        self.conn.execute("delete from segments where transcript_id = ?", [old.id])
        self._update(
            "transcripts",
            {"id": old.id},
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
        self._update("transcripts", {"id": transcript_id}, {"attributes": _dumps(attributes)})

    def _insert_segments(self, transcript_id: str, segments: Sequence[Segment]) -> None:
        # Plain executemany: a large import writes ~100,000 rows per million
        # words, and per-row query building would cost more than segmenting.
        self.conn.executemany(
            "insert into segments (transcript_id, kind, idx, start, end, speaker, lemmas, meta) "
            "values (?, ?, ?, ?, ?, ?, ?, ?)",
            (segment_row(transcript_id, s) for s in segments),
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
            for r in self.conn.execute(sql, args)
        ]

    def segment_outline(self, transcript_id: str) -> list[Segment]:
        """A transcript's turns and sentences without lemmas or metadata (cheap for long ones)."""
        sql = (
            "select kind, idx, start, end, speaker from segments "
            "where transcript_id = ? order by start, kind desc"
        )
        return [Segment(r[0], r[1], r[2], r[3], r[4]) for r in self.conn.execute(sql, [transcript_id])]

    def segment_bounds(self, kind: str, transcript_id: str | None = None) -> dict[str, list[tuple[int, int]]]:
        """(start, end) of every segment of ``kind``, per transcript, in order."""
        where, args = "kind = ?", [kind]
        if transcript_id is not None:
            where, args = "kind = ? and transcript_id = ?", [kind, transcript_id]
        sql = f"select transcript_id, start, end from segments where {where} order by transcript_id, idx"
        found: dict[str, list[tuple[int, int]]] = {}
        for tid, start, end in self.conn.execute(sql, args):
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
        return [tuple(r) for r in self.conn.execute(sql, args)]

    def transcript_summaries(self) -> list[dict[str, Any]]:
        """Per transcript: words, turns, sentences, attributes, codings per coder."""
        seg_counts: dict[tuple[str, str], int] = {}
        sql = "select transcript_id, kind, count(*) from segments group by 1, 2"
        for tid, kind, n in self.conn.execute(sql):
            seg_counts[(tid, kind)] = n
        coded: dict[str, dict[str, int]] = {}
        sql = "select transcript_id, coder, count(*) from codings group by 1, 2"
        for tid, coder, n in self.conn.execute(sql):
            coded.setdefault(tid, {})[coder] = n
        done: dict[str, list[str]] = {}
        sql = "select transcript_id, coder from transcript_status where done = 1"
        for tid, coder in self.conn.execute(sql):
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
            for tid, lang, attrs, text in self.conn.execute(sql)
        ]

    def set_done(self, transcript_id: str, coder: str, done: bool) -> None:
        """Mark a transcript done (or not) for one coder."""
        self._upsert(
            "transcript_status",
            {
                "transcript_id": transcript_id,
                "coder": coder,
                "done": int(done),
                "updated_at": now(),
            },
            pk=["transcript_id", "coder"],
        )

    def is_done(self, transcript_id: str, coder: str) -> bool:
        """Whether the coder marked the transcript done."""
        sql = "select done from transcript_status where transcript_id = ? and coder = ?"
        row = self.conn.execute(sql, [transcript_id, coder]).fetchone()
        return bool(row and row[0])


def segment_row(transcript_id: str, s: Segment) -> tuple[Any, ...]:
    """A segment as the values of a ``segments`` row."""
    return (transcript_id, s.kind, s.index, s.start, s.end, s.speaker, s.lemmas, _meta_json(s.meta))


def _meta_json(meta: dict[str, Any]) -> str | None:
    """``_dumps(meta)``, or None for no meta; a sentence's ``{"turn": n}`` formatted directly.

    There are ~100,000 sentences per million words, and the JSON encoder was a
    tenth of the time spent writing them; the text is byte for byte what it writes.
    """
    if not meta:
        return None
    turn = meta.get("turn")
    if len(meta) == 1 and type(turn) is int:
        return f'{{"turn": {turn}}}'
    return _dumps(meta)
