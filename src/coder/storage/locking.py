"""A sqlite-utils ``Database`` whose own transactions take the write lock up front.

A deferred ``BEGIN`` that reads first and writes later cannot wait for the
lock: SQLite answers "database is locked" at once, busy timeout or not. The
Store's own transactions are ``BEGIN IMMEDIATE``; this class makes the
transactions sqlite-utils opens itself (``insert_all``, ``transform``,
migrations) do the same. It lives apart from ``_base`` because importing
sqlite-utils imports pandas: only code that needs its API pays for it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlite_utils import Database


@contextmanager
def write_transaction(db: Database) -> Iterator[Database]:
    """A write transaction that takes the lock when it opens; nested use becomes a savepoint."""
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
    """A sqlite-utils Database whose ``atomic()`` is ``BEGIN IMMEDIATE`` (a savepoint when nested)."""

    @contextmanager
    def atomic(self) -> Iterator[Database]:
        """A write transaction (a savepoint when one is already open)."""
        with write_transaction(self):
            yield self
