"""What every part of the Store shares: the connection, settings, JSON and GUID helpers."""

from __future__ import annotations

import json
import os
import sqlite3
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlite_utils import Database


def new_guid() -> str:
    """A fresh GUID in the 8-4-4-4-12 form REFI-QDA expects."""
    return str(uuid.uuid4())


def new_guids(n: int) -> list[str]:
    """``n`` fresh version-4 GUIDs from one read of random bytes (bulk imports).

    The same form and randomness as ``uuid.uuid4()`` (version nibble 4,
    variant bits 10), without a ``UUID`` object and a system call per GUID.
    """
    raw = os.urandom(16 * n).hex()
    out = []
    for i in range(0, 32 * n, 32):
        h = raw[i : i + 32]
        variant = "89ab"[int(h[16], 16) & 3]
        out.append(f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{variant}{h[17:20]}-{h[20:]}")
    return out


def now() -> str:
    """The current UTC time as an ISO 8601 string with seconds."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def _loads(value: str | None, default: Any) -> Any:
    return json.loads(value) if value else default


_ENCODE = json.JSONEncoder(ensure_ascii=False, sort_keys=True).encode


def _dumps(value: Any) -> str:
    return _ENCODE(value)


@contextmanager
def immediate_transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """A write transaction that takes the write lock when it opens; nested use is a savepoint.

    A deferred ``BEGIN`` that reads first and writes later cannot wait for the
    lock: SQLite answers "database is locked" at once, busy timeout or not.
    ``BEGIN IMMEDIATE`` makes a second writer wait for the busy timeout instead.
    """
    if conn.in_transaction:
        conn.execute("savepoint nested")
        try:
            yield conn
        except BaseException:
            if conn.in_transaction:
                conn.execute("rollback to savepoint nested")
                conn.execute("release savepoint nested")
            raise
        conn.execute("release savepoint nested")
        return
    conn.execute("begin immediate")
    try:
        yield conn
    except BaseException:
        conn.rollback()
        raise
    conn.commit()


class StoreBase:
    """The connection and folder of a project, its key-value settings and small SQL helpers.

    Every query runs on the standard library's ``sqlite3`` connection: the
    sqlite-utils ``Database`` (which imports pandas and numpy when they are
    installed) is built only when asked for, for migrations and for callers that
    want its API, so that everyday commands start in milliseconds.
    """

    conn: sqlite3.Connection
    root: Path
    _db: Database | None = None

    @property
    def db(self) -> Database:
        """The same connection wrapped in a sqlite-utils ``Database`` (imported on first use)."""
        if self._db is None:
            from coder.storage.locking import LockingDatabase

            self._db = LockingDatabase(self.conn)
        return self._db

    @contextmanager
    def transaction(self) -> Iterator[Any]:
        """One unit of work: all of it is committed, or none of it (see ``immediate_transaction``)."""
        with immediate_transaction(self.conn):
            yield self

    def _write(self, sql: str, args: Sequence[Any]) -> sqlite3.Cursor:
        """Run one change, in the caller's transaction or (outside one) committed on its own."""
        if self.conn.in_transaction:
            return self.conn.execute(sql, args)
        with self.transaction():
            return self.conn.execute(sql, args)

    def _insert(self, table: str, row: dict[str, Any]) -> int:
        """Insert one row; returns its rowid."""
        cols = ", ".join(f'"{c}"' for c in row)
        sql = f"insert into {table} ({cols}) values ({', '.join('?' * len(row))})"
        return int(self._write(sql, list(row.values())).lastrowid or 0)

    def _update(self, table: str, key: dict[str, Any], fields: dict[str, Any]) -> None:
        """Set ``fields`` of the row matching ``key``."""
        if fields:
            sets = ", ".join(f'"{c}" = ?' for c in fields)
            where = " and ".join(f'"{c}" = ?' for c in key)
            self._write(f"update {table} set {sets} where {where}", [*fields.values(), *key.values()])

    def _upsert(self, table: str, row: dict[str, Any], pk: Sequence[str]) -> None:
        """Insert a row, or update the columns given when its primary key exists."""
        cols = ", ".join(f'"{c}"' for c in row)
        sets = ", ".join(f'"{c}" = excluded."{c}"' for c in row if c not in pk) or f'"{pk[0]}" = "{pk[0]}"'
        conflict = ", ".join(f'"{c}"' for c in pk)
        sql = (
            f"insert into {table} ({cols}) values ({', '.join('?' * len(row))}) "
            f"on conflict ({conflict}) do update set {sets}"
        )
        self._write(sql, list(row.values()))

    def _rows(self, sql: str, args: Sequence[Any] = ()) -> Iterator[dict[str, Any]]:
        """Rows of a query as dicts keyed by column name."""
        cur = self.conn.execute(sql, args)
        names = [d[0] for d in cur.description]
        for r in cur:
            yield dict(zip(names, r, strict=True))

    def get_setting(self, key: str, default: str | None = None) -> str | None:
        """A project setting (study name, language, last coder ...)."""
        row = self.conn.execute("select value from project where key = ?", [key]).fetchone()
        return row[0] if row else default

    def set_setting(self, key: str, value: str) -> None:
        """Store a project setting."""
        self._upsert("project", {"key": key, "value": value}, pk=["key"])
