"""The store on a real database file: schema, guards, transactions, GUIDs."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest

from coder.errors import NotAProjectError, UnknownIdError
from coder.model import Code, Segment, Transcript
from coder.services.project import init_project, open_project
from coder.storage import Store
from coder.storage.migrations import migrations

GUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def _transcript(tid: str = "R01", text: str = "I: Hallo daar. Hoe gaat het?") -> Transcript:
    return Transcript(
        tid,
        "0f8fad5b-d9cb-469f-a165-70867728950e",
        text,
        "nl",
        {"gemeente": "Zwolle"},
        f"{tid}.txt",
        "abc",
        "2026-01-01",
    )


def test_init_creates_folders_schema_and_pragmas(store: Store) -> None:
    assert (store.root / "codebooks").is_dir() and (store.root / "transcripts").is_dir()
    tables = set(store.db.table_names())
    assert {
        "transcripts",
        "segments",
        "codes",
        "codings",
        "memos",
        "coders",
        "audit",
        "surveys",
        "links",
    } <= tables
    assert store.db.execute("pragma journal_mode").fetchone()[0] == "wal"
    assert store.db.execute("pragma foreign_keys").fetchone()[0] == 1
    assert [m.name for m in migrations.applied(store.db)] == [m.name for m in migrations._migrations]


def test_init_is_idempotent_and_keeps_data(tmp_path: Path) -> None:
    st, created = init_project(tmp_path / "p")
    st.add_transcript(_transcript(), [])
    st.close()
    st2, created2 = init_project(tmp_path / "p")
    assert created and not created2
    assert st2.transcript_ids() == ["R01"]


def test_refuses_foreign_sqlite_and_non_projects(tmp_path: Path) -> None:
    folder = tmp_path / "other"
    folder.mkdir()
    conn = sqlite3.connect(folder / "coder.db")
    conn.execute("create table notes (x)")
    conn.commit()
    conn.close()
    with pytest.raises(NotAProjectError, match="did not create"):
        init_project(folder)
    with pytest.raises(NotAProjectError, match="not a coder project"):
        open_project(folder)
    with pytest.raises(NotAProjectError, match=r"no coder\.db"):
        open_project(tmp_path / "empty")


def test_transaction_rolls_back_everything(store: Store) -> None:
    with pytest.raises(RuntimeError), store.transaction():
        store.add_transcript(_transcript(), [Segment("sentence", 0, 3, 14)])
        raise RuntimeError("boom")
    assert store.transcript_ids() == []
    assert store.db.execute("select count(*) from segments").fetchone()[0] == 0


def test_codings_get_guids_and_foreign_keys_hold(store: Store) -> None:
    with store.transaction():
        store.add_transcript(_transcript(), [])
        store.save_code(Code("a", "6f1c8c2e-0000-4000-8000-000000000001", "A"))
        store.ensure_coder("anna")
        coding = store.add_coding("anna", "R01", 3, 14, "a")
    assert GUID.match(coding.guid)
    assert store.codings(coder="anna") == [coding]
    with pytest.raises(sqlite3.IntegrityError):
        store.add_coding("anna", "R01", 0, 2, "no-such-code")


def test_unknown_ids_raise_user_errors(store: Store) -> None:
    with pytest.raises(UnknownIdError, match="R99"):
        store.get_transcript("R99")
    with pytest.raises(UnknownIdError, match="nope"):
        store.get_code("nope")


def test_data_survives_reopen(tmp_path: Path) -> None:
    st, _ = init_project(tmp_path / "p")
    with st.transaction():
        st.add_transcript(_transcript(), [Segment("turn", 0, 3, 28, "I", "hallo daar", {"time": "00:01"})])
    st.close()
    again = open_project(tmp_path / "p")
    assert again.get_transcript("R01").attributes == {"gemeente": "Zwolle"}
    assert again.segments("R01") == [Segment("turn", 0, 3, 28, "I", "hallo daar", {"time": "00:01"})]
