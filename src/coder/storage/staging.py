"""Staging a long import outside the project's write lock, then swapping it in.

An import writes its transcripts and segments, chunk by chunk as spaCy
produces them, into TEMP tables of its own connection. SQLite keeps those in
a separate temporary database that is never part of ``coder.db``: writing
them takes no lock on the project, so a coder applying codes meanwhile is not
blocked, and a killed import leaves nothing behind (the temporary database is
deleted with the connection, even on SIGKILL, as it is unlinked when opened).
At the end one short ``BEGIN IMMEDIATE`` transaction copies the staged rows
into the project with ``INSERT ... SELECT`` — the whole import appears at once
or not at all.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from coder.model import Segment, Transcript
from coder.storage._base import StoreBase, _dumps, now
from coder.storage.transcripts import segment_row

_TRANSCRIPT_COLUMNS = "id, guid, source_file, sha256, language, attributes, text, imported_at, version"
_SEGMENT_COLUMNS = "transcript_id, kind, idx, start, end, speaker, lemmas, meta"


class StagingQueries(StoreBase):
    """TEMP tables for an import in progress, and the swap into the project."""

    def begin_staging(self) -> None:
        """Create (or empty) this connection's staging tables; takes no lock on the project."""
        self.conn.execute(
            f"create temp table if not exists staged_transcripts ({_TRANSCRIPT_COLUMNS}, position, replaces)"
        )
        self.conn.execute(f"create temp table if not exists staged_segments ({_SEGMENT_COLUMNS})")
        self.end_staging()

    def end_staging(self) -> None:
        """Empty the staging tables (after the swap, or when the import failed)."""
        with self._temp_transaction():
            self.conn.execute("delete from temp.staged_transcripts")
            self.conn.execute("delete from temp.staged_segments")

    @contextmanager
    def _temp_transaction(self) -> Iterator[None]:
        """A deferred transaction for TEMP-only writes.

        The connection's implicit ``BEGIN IMMEDIATE`` would take the project's
        write lock; a deferred one touching only TEMP tables never does.
        """
        if self.conn.in_transaction:
            yield
            return
        self.conn.execute("begin")
        try:
            yield
        except BaseException:
            self.conn.rollback()
            raise
        self.conn.commit()

    def stage(self, items: Sequence[tuple[int, bool, Transcript, Sequence[Segment]]]) -> None:
        """Stage ``(position, replaces, transcript, segments)`` items in one short TEMP transaction."""
        with self._temp_transaction():
            self.conn.executemany(
                f"insert into temp.staged_transcripts ({_TRANSCRIPT_COLUMNS}, position, replaces) "
                "values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        t.id,
                        t.guid,
                        t.source_file,
                        t.sha256,
                        t.language,
                        _dumps(t.attributes),
                        t.text,
                        t.imported_at,
                        t.version,
                        position,
                        int(replaces),
                    )
                    for position, replaces, t, _ in items
                ],
            )
            self.conn.executemany(
                f"insert into temp.staged_segments ({_SEGMENT_COLUMNS}) values (?, ?, ?, ?, ?, ?, ?, ?)",
                (segment_row(t.id, s) for _, _, t, segments in items for s in segments),
            )

    def staged_conflicts(self) -> list[str]:
        """Staged ids that another command added (new ones) or removed (replacements) meanwhile."""
        sql = (
            "select s.id from temp.staged_transcripts s left join main.transcripts t on t.id = s.id "
            "where (t.id is null) <> (s.replaces = 0) order by s.position"
        )
        return [r[0] for r in self.conn.execute(sql)]

    def swap_in_staged(self) -> None:
        """Move the staged transcripts and segments into the project (in the caller's transaction).

        A replaced transcript's old text goes to its history and its version
        goes up by one, as with ``replace_transcript``. Segments keep the
        order they were staged in (a scan in rowid order, no sort).
        """
        replaced = "select id from temp.staged_transcripts where replaces"
        self.conn.execute(
            "insert into transcript_history (transcript_id, version, sha256, text, replaced_at) "
            f"select id, version, sha256, text, ? from main.transcripts where id in ({replaced})",
            [now()],
        )
        self.conn.execute(f"delete from main.segments where transcript_id in ({replaced})")
        self.conn.execute(
            "update main.transcripts set (source_file, sha256, language, attributes, text, imported_at, "
            "version) = (select s.source_file, s.sha256, s.language, s.attributes, s.text, s.imported_at, "
            "main.transcripts.version + 1 from temp.staged_transcripts s where s.id = main.transcripts.id) "
            f"where id in ({replaced})"
        )
        self.conn.execute(
            f"insert into main.transcripts ({_TRANSCRIPT_COLUMNS}) select {_TRANSCRIPT_COLUMNS} "
            "from temp.staged_transcripts where not replaces order by position"
        )
        self.conn.execute(
            f"insert into main.segments ({_SEGMENT_COLUMNS}) select {_SEGMENT_COLUMNS} "
            "from temp.staged_segments order by rowid"
        )
