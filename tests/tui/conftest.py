"""Fixtures for the coding UI: a real project built once, copied per test.

Importing runs spaCy segmentation, so the project is built once per session
and each test gets its own copy of the folder (and so its own database).
Anna is the coder under test; bram has coded too (and added a code of his
own), so every test can check that his work never shows up for anna.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

from coder.services.codebook import add_code, load_codebook_file
from coder.services.codings import apply_code
from coder.services.project import init_project
from coder.storage import Store, open_store
from coder.tui.app import CoderApp, make_app

DATA = Path(__file__).parent / "data"
FIXED = datetime(2024, 5, 1, 14, 2, 11)
BRAM_CODE = "Alleen van Bram"


def fixed_clock() -> datetime:
    """The time every test's status line shows."""
    return FIXED


@pytest.fixture(scope="session")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project with two transcripts, a codebook, and bram's codings."""
    from coder.services.transcripts import import_transcripts

    root = tmp_path_factory.mktemp("tui-template") / "proj"
    store, _ = init_project(root, name="Sociale teams")
    import_transcripts(store, [DATA / "T01.txt", DATA / "T02.txt"], lang="nl")
    load_codebook_file(store, DATA / "codebook.yaml")
    own = add_code(store, BRAM_CODE, "bram", "generalistisch", "Een code die alleen bram ziet.")
    text = store.get_transcript("T01").text
    start = text.index("Ik kom binnen")
    apply_code(store, "bram", "T01", start, start + 30, own.id)
    apply_code(store, "bram", "T01", start, start + 30, "eigen-kracht")
    store.close()
    return root


@pytest.fixture
def store(template: Path, tmp_path: Path) -> Iterator[Store]:
    """A fresh copy of the template project."""
    root = tmp_path / "proj"
    shutil.copytree(template, root)
    st = open_store(root)
    yield st
    st.close()


@pytest.fixture
def app(store: Store) -> CoderApp:
    """The app for coder anna with a fixed clock and no cursor blink."""
    return make_app(store, "anna", clock=fixed_clock, cursor_blink=False)


def reopen(store: Store) -> Store:
    """A second connection to the same project: sees only what was committed."""
    return open_store(store.root)


def sentence(store: Store, transcript_id: str, words: str) -> tuple[int, int]:
    """Start and end of the sentence containing ``words``."""
    text = store.get_transcript(transcript_id).text
    at = text.index(words)
    for seg in store.segments(transcript_id, "sentence"):
        if seg.start <= at < seg.end:
            return seg.start, seg.end
    raise AssertionError(f"no sentence holds {words!r}")
