"""Storage: the only package that names tables or writes SQL."""

from __future__ import annotations

from coder.storage.db import DB_FILENAME, create_store, open_store
from coder.storage.store import Store

__all__ = ["DB_FILENAME", "Store", "create_store", "open_store"]
