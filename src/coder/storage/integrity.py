"""The database side of `coder check` and `coder backup`: SQLite's own checks, and SQL for the rest.

Each check query returns plain rows that the service turns into findings; the
few repairs here are the ones that cannot lose work (rows that point at
nothing, exact duplicates, a coding whose span left its text gets flagged).
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import Any

from coder.formats.outfile import atomic_output
from coder.storage._base import StoreBase

PRIVATE_FILE = 0o600

# (label, table, SQL selecting the rowids of rows whose reference is gone)
ORPHANS: tuple[tuple[str, str, str], ...] = (
    (
        "codings of a missing transcript",
        "codings",
        "select c.id from codings c left join transcripts t on t.id = c.transcript_id where t.id is null",
    ),
    (
        "codings of a missing code",
        "codings",
        "select c.id from codings c left join codes k on k.id = c.code_id where k.id is null",
    ),
    (
        "segments of a missing transcript",
        "segments",
        "select s.id from segments s left join transcripts t on t.id = s.transcript_id where t.id is null",
    ),
    (
        "memos on a missing transcript",
        "memos",
        "select m.id from memos m left join transcripts t on t.id = m.target_id"
        " where m.target_kind = 'transcript' and t.id is null",
    ),
    (
        "memos on a missing code",
        "memos",
        "select m.id from memos m left join codes k on k.id = m.target_id"
        " where m.target_kind = 'code' and k.id is null",
    ),
    (
        "survey links of a missing code",
        "links",
        "select l.rowid from links l left join codes k on k.id = l.code_id where k.id is null",
    ),
    (
        "progress marks of a missing transcript",
        "transcript_status",
        "select s.rowid from transcript_status s left join transcripts t on t.id = s.transcript_id"
        " where t.id is null",
    ),
)

# Orphans that are safe to delete: they describe something that no longer exists.
DELETABLE_ORPHANS = frozenset({"segments", "memos", "links", "transcript_status"})


def create_private_file(path: Path) -> None:
    """Create an empty file readable by its owner only (0600), whatever the umask."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE)
    os.close(fd)
    os.chmod(path, PRIVATE_FILE)


class IntegrityQueries(StoreBase):
    """SQLite's integrity checks, the project's own consistency queries, and online backup."""

    def project_size(self) -> tuple[int, int, int]:
        """How many transcripts, codings and codes the project holds."""
        row = self.conn.execute(
            "select (select count(*) from transcripts), (select count(*) from codings), (select count(*) from codes)"
        ).fetchone()
        return int(row[0]), int(row[1]), int(row[2])

    def sqlite_problems(self) -> list[str]:
        """What ``PRAGMA integrity_check`` and ``PRAGMA foreign_key_check`` report (empty when sound)."""
        found = [r[0] for r in self.conn.execute("PRAGMA integrity_check") if r[0] != "ok"]
        for table, rowid, parent, _fk in self.conn.execute("PRAGMA foreign_key_check"):
            found.append(f"{table} row {rowid} refers to a missing {parent} row")
        return found

    def orphan_rows(self) -> list[tuple[str, str, list[int]]]:
        """(label, table, rowids) of every kind of row that refers to something gone."""
        found = []
        for label, table, sql in ORPHANS:
            ids = [r[0] for r in self.conn.execute(sql)]
            if ids:
                found.append((label, table, ids))
        return found

    def delete_rows(self, table: str, rowids: list[int]) -> int:
        """Delete rows of ``table`` by rowid (only the tables DELETABLE_ORPHANS names)."""
        if table not in DELETABLE_ORPHANS:
            raise ValueError(f"{table} rows are not deleted by repairs")
        for i in range(0, len(rowids), 500):
            chunk = rowids[i : i + 500]
            self.conn.execute(f"delete from {table} where rowid in ({', '.join('?' * len(chunk))})", chunk)
        return len(rowids)

    def codings_out_of_range(self) -> list[tuple[int, str, str, int, int, int]]:
        """(id, coder, transcript, start, end, text length) of codings whose span is not inside their text."""
        sql = (
            "select c.id, c.coder, c.transcript_id, c.start, c.end, length(t.text) from codings c"
            " join transcripts t on t.id = c.transcript_id"
            " where c.start < 0 or c.end <= c.start or c.end > length(t.text) order by c.id"
        )
        return [tuple(r) for r in self.conn.execute(sql)]

    def duplicate_codings(self) -> list[list[tuple[int, str]]]:
        """Groups of codings with the same coder, transcript, span and code: [(id, memo), ...] by id."""
        sql = (
            "select c.id, coalesce(c.memo, ''), c.coder, c.transcript_id, c.start, c.end, c.code_id"
            " from codings c join (select coder, transcript_id, start, end, code_id from codings"
            " group by 1, 2, 3, 4, 5 having count(*) > 1) d using (coder, transcript_id, start, end, code_id)"
            " order by c.coder, c.transcript_id, c.start, c.end, c.code_id, c.id"
        )
        groups: dict[tuple[Any, ...], list[tuple[int, str]]] = {}
        for row in self.conn.execute(sql):
            groups.setdefault(tuple(row[2:]), []).append((row[0], row[1]))
        return list(groups.values())

    def backup_to(self, dest: Path) -> None:
        """A consistent copy of the database at ``dest`` (0600), via SQLite's online backup.

        The copy is written like every output (``atomic_output``: a temporary
        file beside ``dest``, 0600, renamed), so ``dest`` is either the old
        file or a complete new one. Copying all
        pages in one step reads one snapshot; other connections may keep
        writing meanwhile (WAL readers do not block writers).
        """
        with atomic_output(dest) as tmp:
            target = sqlite3.connect(str(tmp))
            try:
                self.conn.backup(target)
                # The copy stands alone: no -wal file to carry along with it.
                target.execute("PRAGMA journal_mode = DELETE")
            finally:
                target.close()
