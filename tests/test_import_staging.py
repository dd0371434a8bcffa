"""A long import stages its rows outside the project's write lock (issues 11 and 12).

Segments go, chunk by chunk, into TEMP tables of the importing connection and
are swapped into the project in one short transaction at the end. So another
writer is never locked out while spaCy runs, and a killed import leaves the
project exactly as it was.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

import coder.services.transcripts as transcripts_service
from coder.errors import CoderError
from coder.services.codings import apply_code
from coder.services.integrity import check_project
from coder.services.project import open_project
from coder.services.transcripts import import_transcripts
from tests.conftest import Coder
from tests.test_concurrent_writes import _corpus  # files of long Dutch turns


def _snapshot(root: Path) -> tuple[list[tuple[object, ...]], ...]:
    """Every transcript, segment, coding and audit row of a project, read with a fresh connection."""
    conn = sqlite3.connect(root / "coder.db")
    try:
        return tuple(
            conn.execute(sql).fetchall()
            for sql in (
                "select id, sha256, version from transcripts order by id",
                "select transcript_id, kind, idx, start, end, lemmas from segments order by id",
                "select id, transcript_id, start, end, code_id from codings order by id",
                "select id, action, target from audit order by id",
            )
        )
    finally:
        conn.close()


def test_another_writer_needs_no_wait_while_the_import_stages(
    loaded: Coder, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(transcripts_service, "STAGE_ROWS", 1)  # stage every file on its own
    paths = _corpus(tmp_path / "long", files=4, words_each=300)
    importer = open_project(loaded.root)
    other = open_project(loaded.root)
    other.conn.execute("PRAGMA busy_timeout = 0")  # fail at once if the project is locked
    seen: list[tuple[int, int]] = []

    def while_segmenting(_words: int) -> None:
        staged = importer.conn.execute("select count(*) from temp.staged_transcripts").fetchone()[0]
        apply_code(other, "anna", "T01", 0, 5, "beperkingen")
        visible = len([t for t in other.transcript_ids() if t.startswith("L")])
        seen.append((staged, visible))

    report = import_transcripts(importer, paths, lang="nl", progress=while_segmenting)
    assert report.added == [p.stem for p in paths]
    # files were staged while later ones were segmented, and none was visible before the swap
    assert [staged for staged, _ in seen] == [0, 1, 2, 3]
    assert all(visible == 0 for _, visible in seen)
    assert len(other.codings(coder="anna")) == len(paths)
    assert importer.conn.execute("select count(*) from temp.staged_segments").fetchone()[0] == 0
    assert [t for t in other.transcript_ids() if t.startswith("L")] == [p.stem for p in paths]


def test_a_transcript_added_meanwhile_fails_the_import_and_keeps_the_project(
    loaded: Coder, tmp_path: Path
) -> None:
    paths = _corpus(tmp_path / "mine", files=3, words_each=200)
    theirs = _corpus(tmp_path / "theirs", files=1, words_each=100)
    importer = open_project(loaded.root)
    other = open_project(loaded.root)
    done: list[bool] = []

    def while_segmenting(_words: int) -> None:
        if not done:
            done.append(True)
            import_transcripts(other, theirs, lang="nl")  # the same id, L000, from another process

    before = _snapshot(loaded.root)
    with pytest.raises(CoderError, match="'L000' was added or removed by another command"):
        import_transcripts(importer, paths, lang="nl", progress=while_segmenting)
    after = _snapshot(loaded.root)
    assert [r[0] for r in after[0]] == sorted([*(r[0] for r in before[0]), "L000"])
    assert importer.transcript_ids() == other.transcript_ids()
    # the importer's connection is usable again and its staging is empty
    assert importer.conn.execute("select count(*) from temp.staged_transcripts").fetchone()[0] == 0
    assert import_transcripts(importer, paths[1:], lang="nl").added == ["L001", "L002"]


DRIVER = """
import sys
from pathlib import Path
import coder.services.transcripts as service
from coder.services.project import open_project
service.STAGE_ROWS = 1
store = open_project(Path(sys.argv[1]))
def progress(words):
    print("segmented", flush=True)
service.import_transcripts(store, [Path(p) for p in sys.argv[2:]], lang="nl", progress=progress)
print("finished", flush=True)
"""


def test_a_killed_import_leaves_the_project_unchanged(loaded: Coder, tmp_path: Path) -> None:
    paths = _corpus(tmp_path / "long", files=12, words_each=2_000)
    before = _snapshot(loaded.root)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    proc = subprocess.Popen(
        [sys.executable, "-c", DRIVER, str(loaded.root), *map(str, paths)],
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    for _ in range(4):  # several files segmented and staged: well into the import
        assert proc.stdout.readline().strip() == "segmented"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL
    assert _snapshot(loaded.root) == before
    store = open_project(loaded.root)
    report = check_project(store)
    assert report.ok, report
    assert loaded("check").exit_code == 0
    # nothing is left to clean: the next import runs from scratch and is complete
    assert import_transcripts(store, paths, lang="nl").added == [p.stem for p in paths]
    assert check_project(store).ok


def test_one_import_adds_and_replaces_through_the_swap(loaded: Coder, tmp_path: Path) -> None:
    store = open_project(loaded.root)
    old = store.get_transcript("T01")
    old_turns = len(store.segments("T01", kind="turn"))
    quote = "Hij komt morgen."
    start = old.text.index(quote)
    coding = apply_code(store, "anna", "T01", start, start + len(quote), "beperkingen")
    folder = tmp_path / "next"
    folder.mkdir()
    changed = "I: Eerst een nieuwe vraag?\n\nR: Een nieuw antwoord.\n\n" + old.text
    (folder / "T01.txt").write_text(changed, encoding="utf-8")
    new_file = _corpus(tmp_path / "new", files=1, words_each=100)[0]
    report = import_transcripts(store, [folder / "T01.txt", new_file], lang="nl", replace=True)
    assert (report.added, report.replaced, report.moved_codings) == (["L000"], ["T01"], 1)
    now = store.get_transcript("T01")
    assert (now.version, now.guid, now.text) == (old.version + 1, old.guid, changed)
    history = store.conn.execute(
        "select version, sha256, text from transcript_history where transcript_id = 'T01'"
    ).fetchall()
    assert history == [(old.version, old.sha256, old.text)]
    assert len(store.segments("T01", kind="turn")) == old_turns + 2  # the old segments are gone
    moved = store.codings(coder="anna")[0]
    assert moved.id == coding.id and now.text[moved.start : moved.end] == quote
    assert [e.action for e in store.audit_entries()][-2:] == ["transcript.replace", "transcript.add"]
    assert check_project(store).ok
