"""Opening a project database: PRAGMAs, migrations, and the foreign-file guard.

There is no module-level connection: callers open a ``Store`` for a project
folder and pass it on (the app-factory pattern), so tests and worker threads
each hold their own connection.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from coder.errors import NotAProjectError
from coder.storage.integrity import create_private_file
from coder.storage.migrations import migrate
from coder.storage.store import Store

DB_FILENAME = "coder.db"
PROJECT_MARKER = "coder-project"
PRIVATE_FOLDER = 0o700


def _connect(path: Path) -> sqlite3.Connection:
    # IMMEDIATE: the transactions sqlite3 opens implicitly (a single write
    # outside store.transaction()) also wait for the write lock.
    conn = sqlite3.connect(str(path), timeout=10.0, isolation_level="IMMEDIATE")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA busy_timeout = 10000")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    return conn


def _table_names(db: sqlite3.Connection) -> list[str]:
    return [r[0] for r in db.execute("select name from sqlite_master where type = 'table'")]


def _is_coder_db(db: sqlite3.Connection) -> bool:
    if "project" not in _table_names(db):
        return False
    row = db.execute("select value from project where key = 'format'").fetchone()
    return row is not None and row[0] == PROJECT_MARKER


def create_store(root: Path) -> Store:
    """Create (or reopen) the project in ``root``; refuse a foreign coder.db.

    A new project holds personal data: its folder is made 0700 and coder.db
    0600 whatever the umask (SQLite gives the -wal and -shm files the mode of
    the database file).
    """
    path = root / DB_FILENAME
    existed = path.exists()
    root.mkdir(mode=PRIVATE_FOLDER, parents=True, exist_ok=True)
    for folder in ("codebooks", "transcripts"):
        (root / folder).mkdir(mode=PRIVATE_FOLDER, exist_ok=True)
    if not existed:
        os.chmod(root, PRIVATE_FOLDER)
        create_private_file(path)
    try:
        db = _connect(path)
        if existed and _table_names(db) and not _is_coder_db(db):
            db.close()
            raise NotAProjectError(
                f"{path} is an SQLite file that coder did not create",
                "choose another folder, or move that file away",
            )
    except sqlite3.DatabaseError as exc:
        raise NotAProjectError(
            f"{path} exists but is not an SQLite database ({exc})",
            "choose another folder, or move that file away",
        ) from exc
    migrate(db)
    store = Store(db, root)
    if not existed or not _is_coder_db(db):
        with store.transaction():
            store.set_setting("format", PROJECT_MARKER)
    return store


def open_store(root: Path) -> Store:
    """Open the existing project in ``root`` and bring its schema up to date."""
    path = root / DB_FILENAME
    if not path.is_file():
        raise NotAProjectError(
            f"{root} is not a coder project (no {DB_FILENAME})",
            "run `coder init` there, or pass --project DIR",
        )
    try:
        db = _connect(path)
        ok = _is_coder_db(db)
    except sqlite3.DatabaseError as exc:
        raise NotAProjectError(f"{path} is not a coder database ({exc})") from exc
    if not ok:
        db.close()
        raise NotAProjectError(
            f"{path} is not a coder project database",
            "pass --project DIR pointing at a folder made by `coder init`",
        )
    migrate(db)
    return Store(db, root)
