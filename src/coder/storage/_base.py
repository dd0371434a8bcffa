"""What every part of the Store shares: the connection, settings, JSON and GUID helpers."""

from __future__ import annotations

import json
import uuid
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
