"""What every part of the Store shares: the connection, settings, JSON and GUID helpers."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlite_utils import Database


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


@contextmanager
def write_transaction(db: Database) -> Iterator[Database]:
    """A write transaction that takes the lock up front (``BEGIN IMMEDIATE``).

    A deferred ``BEGIN`` that reads first and writes later cannot wait for the
    lock: SQLite answers "database is locked" at once, busy timeout or not.
    Taking the write lock when the transaction opens makes concurrent writers
    queue instead. Nested use becomes a savepoint.
    """
    if db.conn.in_transaction:
        with Database.atomic(db):
            yield db
        return
    db.conn.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        if db.conn.in_transaction:
            db.conn.execute("ROLLBACK")
        raise
    try:
        db.conn.execute("COMMIT")
    except BaseException:
        if db.conn.in_transaction:
            db.conn.execute("ROLLBACK")
        raise


class LockingDatabase(Database):
    """A sqlite-utils Database whose own transactions take the write lock up front.

    sqlite-utils wraps its multi-statement writes (insert_all, update,
    transform, migrations) in ``atomic()``; here that is ``BEGIN IMMEDIATE``.
    """

    @contextmanager
    def atomic(self) -> Iterator[Database]:
        """A write transaction (a savepoint when one is already open)."""
        with write_transaction(self):
            yield self


class StoreBase:
    """The connection and folder of a project, and its key-value settings."""

    db: Database
    root: Path

    def get_setting(self, key: str, default: str | None = None) -> str | None:
        """A project setting (study name, language, last coder ...)."""
        row = self.db.execute("select value from project where key = ?", [key]).fetchone()
        return row[0] if row else default

    def set_setting(self, key: str, value: str) -> None:
        """Store a project setting."""
        self.db.table("project").upsert({"key": key, "value": value}, pk="key")
