"""The Store: every read and write of a project database, as model objects.

Services call these methods inside ``store.transaction()`` so that one command
is one transaction; the methods themselves never commit on their own when a
transaction is open. JSON columns hold small dict/list values (attributes,
keywords, metadata) so that the schema stays flat and portable.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from coder.storage._base import StoreBase, _dumps, _loads, new_guid, now
from coder.storage.assist import AssistQueries
from coder.storage.codes import CodeQueries
from coder.storage.codings import CodingQueries
from coder.storage.integrity import IntegrityQueries
from coder.storage.records import RecordQueries
from coder.storage.review import ReviewQueries
from coder.storage.staging import StagingQueries
from coder.storage.transcripts import TranscriptQueries

__all__ = ["Store", "StoreBase", "_dumps", "_loads", "new_guid", "now"]


class Store(
    TranscriptQueries,
    CodeQueries,
    CodingQueries,
    RecordQueries,
    ReviewQueries,
    IntegrityQueries,
    AssistQueries,
    StagingQueries,
):
    """A project's database (``coder.db``) and its folder."""

    def __init__(self, conn: sqlite3.Connection | Any, root: Path) -> None:
        # A sqlite-utils Database is accepted too (its connection is used).
        self.conn = conn if isinstance(conn, sqlite3.Connection) else conn.conn
        self.root = root

    def close(self) -> None:
        """Close the connection."""
        self.conn.close()

    def in_transaction(self) -> bool:
        """Whether changes are pending (not yet committed) on this connection."""
        return self.conn.in_transaction

    # -- coders -------------------------------------------------------------

    def ensure_coder(self, name: str, kind: str = "coder") -> None:
        """Register a coder layer (a person, a second round, or a consensus)."""
        if not self.conn.execute("select 1 from coders where name = ?", [name]).fetchone():
            self._insert("coders", {"name": name, "guid": new_guid(), "kind": kind, "created_at": now()})

    def add_coder(self, name: str, guid: str, kind: str = "coder") -> None:
        """Register a new coder layer under a known GUID (from another project or a REFI-QDA user)."""
        self._insert("coders", {"name": name, "guid": guid, "kind": kind, "created_at": now()})

    def coders(self) -> list[dict[str, str]]:
        """All coder layers with their kind and GUID."""
        rows = self.conn.execute("select name, guid, kind from coders order by name")
        return [{"name": r[0], "guid": r[1], "kind": r[2]} for r in rows]
