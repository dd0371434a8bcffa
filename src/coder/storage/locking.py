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

from coder.storage._base import immediate_transaction


class LockingDatabase(Database):
    """A sqlite-utils Database whose ``atomic()`` is ``BEGIN IMMEDIATE`` (a savepoint when nested)."""

    @contextmanager
    def atomic(self) -> Iterator[Database]:
        """A write transaction (a savepoint when one is already open)."""
        with immediate_transaction(self.conn):
            yield self
