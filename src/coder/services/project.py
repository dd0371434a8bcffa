"""Finding, creating and opening a project folder."""

from __future__ import annotations

import os
from pathlib import Path

from coder.storage import DB_FILENAME, Store, create_store, open_store


def project_root(option: str | None) -> Path:
    """The project folder: ``--project``, else ``$CODER_PROJECT``, else the cwd."""
    chosen = option or os.environ.get("CODER_PROJECT") or "."
    return Path(chosen).expanduser().resolve()


def init_project(root: Path, name: str | None = None) -> tuple[Store, bool]:
    """Create a project (idempotent); returns the store and whether it is new."""
    existed = (root / DB_FILENAME).exists()
    store = create_store(root)
    if name or not store.get_setting("name"):
        with store.transaction():
            store.set_setting("name", name or root.name)
    return store, not existed


def open_project(root: Path) -> Store:
    """Open an existing project (NotAProjectError if there is none)."""
    return open_store(root)
