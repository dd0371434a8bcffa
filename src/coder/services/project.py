"""Finding, creating and opening a project folder."""

from __future__ import annotations

import os
from pathlib import Path

from coder.errors import CoderError
from coder.storage import DB_FILENAME, Store, create_store, open_store


def project_root(option: str | None) -> Path:
    """The project folder: ``--project``, else ``$CODER_PROJECT``, else the cwd."""
    chosen = option or os.environ.get("CODER_PROJECT") or "."
    return Path(chosen).expanduser().resolve()


def init_project(root: Path, name: str | None = None, rename: bool = False) -> tuple[Store, bool]:
    """Create a project (idempotent); returns the store and whether it is new.

    On an existing project a different ``name`` is refused unless ``rename``:
    running `coder init` again must not quietly retitle a study.
    """
    existed = (root / DB_FILENAME).exists()
    store = create_store(root)
    current = store.get_setting("name")
    if existed and current and name and name != current and not rename:
        store.close()
        raise CoderError(
            f"{root} is already the project {current!r}",
            f"pass --rename to rename it to {name!r}, or leave out --name",
        )
    if name or not current:
        with store.transaction():
            store.set_setting("name", name or root.name)
    return store, not existed


def open_project(root: Path) -> Store:
    """Open an existing project (NotAProjectError if there is none)."""
    return open_store(root)
