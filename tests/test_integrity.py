"""`coder check`, `coder backup` and private files on real project folders."""

from __future__ import annotations

import json
import os
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

from coder.services.project import open_project
from tests.conftest import Coder
from tests.test_integrity_concurrency import WRITER, _env


def _sql(coder: Coder, *statements: str) -> None:
    """Damage the project behind coder's back, as another tool or an old bug could."""
    conn = sqlite3.connect(coder.root / "coder.db")
    with conn:
        for statement in statements:
            conn.execute(statement)
    conn.close()


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_check_is_clean_on_a_sound_project(loaded: Coder) -> None:
    result = loaded("check")
    assert result.exit_code == 0 and result.output.startswith("sound: 2 transcripts")
    assert json.loads(loaded("check", "--json").output)["ok"] is True


def test_check_finds_and_fixes_orphans_and_duplicates(loaded: Coder, tmp_path: Path) -> None:
    rows = tmp_path / "rows.csv"
    rows.write_text("transcript,start,end,code\nT01,0,5,beperkingen\n", encoding="utf-8")
    assert loaded("codings", "import", str(rows), "--coder", "anna").exit_code == 0
    # Importing skips identical rows, so duplicates can only come from elsewhere (an old copy).
    copy = (
        "insert into codings (guid, coder, transcript_id, start, end, code_id, memo, key_quote, created_at)"
        " select guid || '-{n}', coder, transcript_id, start, end, code_id, memo, key_quote, created_at"
        " from codings where coder = 'anna' and start = 0 and end = 5 and code_id = 'beperkingen' limit 1"
    )
    _sql(
        loaded,
        copy.format(n=1),
        copy.format(n=2),
        "insert into memos (guid, coder, target_kind, target_id, text) values ('g', 'anna', 'transcript', 'gone', 'x')",
        "insert into links (code_id, survey, item) values ('no-such-code', 's', 'i')",
    )
    found = json.loads(loaded("check", "--json").output)
    kinds = {(p["check"], p["count"]) for p in found["problems"]}
    assert ("duplicates", 2) in kinds and ("orphans", 1) in kinds and not found["ok"]
    assert loaded("check").exit_code == 1
    fixed = loaded("check", "--fix")
    assert fixed.exit_code == 0, fixed.output
    assert "deleted 2 duplicate codings" in fixed.stderr
    store = open_project(loaded.root)
    try:
        assert len(store.codings(coder="anna")) == 1
        assert store.audit_entries("check.fix")
    finally:
        store.close()


def test_duplicates_with_their_own_memo_are_kept(loaded: Coder, tmp_path: Path) -> None:
    rows = tmp_path / "rows.csv"
    rows.write_text("transcript,start,end,code,memo\nT01,0,5,beperkingen,\n")
    assert loaded("codings", "import", str(rows), "--coder", "anna").exit_code == 0
    _sql(
        loaded,
        "insert into codings (guid, coder, transcript_id, start, end, code_id, memo, key_quote, created_at)"
        " select guid || '-2', coder, transcript_id, start, end, code_id, 'mijn notitie', key_quote, created_at"
        " from codings where coder = 'anna' and start = 0 and end = 5 limit 1",
    )
    assert loaded("check", "--fix").exit_code == 1
    store = open_project(loaded.root)
    try:
        assert {c.memo for c in store.codings(coder="anna")} == {"", "mijn notitie"}
    finally:
        store.close()


def test_out_of_range_coding_is_flagged_by_fix(loaded: Coder, tmp_path: Path) -> None:
    rows = tmp_path / "rows.csv"
    rows.write_text("transcript,start,end,code\nT01,0,5,beperkingen\n", encoding="utf-8")
    assert loaded("codings", "import", str(rows), "--coder", "anna").exit_code == 0
    _sql(loaded, "update codings set start = 10, end = 99999")
    result = loaded("check")
    assert result.exit_code == 1 and "outside their transcript" in result.output
    loaded("check", "--fix")
    problems = json.loads(loaded("check", "--json").output)["problems"]
    assert [p["check"] for p in problems] == ["flagged"]


def test_check_reports_a_codebook_that_will_not_round_trip(loaded: Coder) -> None:
    _sql(loaded, "update codes set name = '' where id = 'beperkingen'")
    result = loaded("check")
    assert result.exit_code == 1 and "codebook" in result.output


def test_check_reports_foreign_key_violations(loaded: Coder) -> None:
    _sql(
        loaded,
        "PRAGMA foreign_keys = OFF",
        "insert into segments (transcript_id, kind, idx, start, end) values ('gone', 'turn', 0, 0, 1)",
    )
    found = json.loads(loaded("check", "--json").output)
    assert "database" in {p["check"] for p in found["problems"]}


def test_new_project_files_are_private_whatever_the_umask(tmp_path: Path) -> None:
    old = os.umask(0)
    try:
        coder = Coder(tmp_path / "open")
        assert coder("init").exit_code == 0
        store = open_project(coder.root)
        with store.transaction():
            store.set_setting("touch", "1")
        wal = coder.root / "coder.db-wal"
        assert wal.exists() and _mode(wal) == 0o600 and _mode(coder.root / "coder.db-shm") == 0o600
        store.close()
        assert _mode(coder.root) == 0o700 and _mode(coder.root / "coder.db") == 0o600
        assert coder("backup", str(tmp_path / "copy.db")).exit_code == 0
        assert _mode(tmp_path / "copy.db") == 0o600
    finally:
        os.umask(old)


def test_backup_refuses_to_overwrite_and_names_a_dated_copy(loaded: Coder, tmp_path: Path) -> None:
    dest = tmp_path / "b.db"
    assert loaded("backup", str(dest)).exit_code == 0
    again = loaded("backup", str(dest))
    assert again.exit_code == 1 and "--force" in again.stderr
    assert loaded("backup", "--force", str(dest)).exit_code == 0
    folder = tmp_path / "backups"
    folder.mkdir()
    assert loaded("backup", str(folder)).exit_code == 0
    [copy] = folder.glob("coder-*.db")
    same = loaded("backup", str(loaded.root / "coder.db"), "--force")
    assert same.exit_code == 1 and "project database itself" in same.stderr
    conn = sqlite3.connect(copy)
    assert conn.execute("select count(*) from transcripts").fetchone() == (2,)
    conn.close()


def test_backup_while_another_process_writes(loaded: Coder, tmp_path: Path) -> None:
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(loaded.root), "anna", "600"],
        env=_env(),
        stderr=subprocess.PIPE,
        text=True,
    )
    copies = []
    while writer.poll() is None and len(copies) < 20:
        dest = tmp_path / f"b{len(copies)}.db"
        result = loaded("backup", str(dest))
        assert result.exit_code == 0, result.output
        copies.append(dest)
    assert writer.wait(timeout=600) == 0, writer.stderr.read() if writer.stderr else ""
    assert copies
    for copy in copies:
        conn = sqlite3.connect(copy)
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        codings, audit = conn.execute(
            "select (select count(*) from codings), (select count(*) from audit where action = 'coding.add')"
        ).fetchone()
        assert codings == audit <= 600  # each copy holds whole transactions only
        conn.close()
    assert loaded("check").exit_code == 0
