"""The architecture holds: the import-linter contracts in pyproject.toml are kept.

Front ends sit on the services, the services on storage and pure modules;
spaCy is imported only by coder.segmentation, sqlite-utils only by storage,
textual only by the TUI.
"""

from __future__ import annotations

import os
from pathlib import Path

from importlinter.cli import lint_imports

REPO = Path(__file__).resolve().parents[1]


def test_import_contracts_are_kept() -> None:
    cwd = Path.cwd()
    os.chdir(REPO)
    try:
        assert lint_imports() == 0
    finally:
        os.chdir(cwd)
