"""`coder sync`: a bare repository, the lead and two coders in their own clones."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from coder.services.codings import apply_code, remove_coding, update_coding
from coder.services.project import open_project
from coder.storage import Store
from tests.conftest import Coder

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")


def _git(*args: str) -> str:
    done = subprocess.run(["git", *args], capture_output=True, text=True, check=True)
    return done.stdout


def _code(store: Store, coder: str, tid: str, words: str, code: str) -> int:
    start = store.get_transcript(tid).text.index(words)
    return apply_code(store, coder, tid, start, start + len(words), code).id


def _clone(bare: Path, folder: Path) -> Coder:
    _git("clone", "--quiet", str(bare), str(folder))
    _git("-C", str(folder), "config", "user.name", folder.name)
    _git("-C", str(folder), "config", "user.email", f"{folder.name}@example.org")
    person = Coder(folder)
    result = person("init", "--from", str(folder / "study"))
    assert result.exit_code == 0, result.output
    return person


def _sync(person: Coder, name: str) -> str:
    result = person("sync", "--as", name)
    assert result.exit_code == 0, result.output
    return result.stdout


def test_two_coders_and_the_lead_sync_through_git(
    tmp_path: Path, interviews: list[Path], codebook_file: Path
) -> None:
    bare = tmp_path / "study.git"
    _git("init", "--quiet", "--bare", "-b", "main", str(bare))
    lead = Coder(tmp_path / "lead")
    lead("init", "--name", "Sociale teams")
    lead("import", *map(str, interviews))
    lead("codebook", "load", str(codebook_file))
    _git("-C", str(lead.root), "init", "--quiet", "-b", "main")
    _git("-C", str(lead.root), "remote", "add", "origin", str(bare))
    assert "pushed" in _sync(lead, "lead")
    tracked = _git("-C", str(lead.root), "ls-files").split()
    assert "study/codebook.yaml" in tracked and not any(p.startswith("coder.db") for p in tracked)

    anna, bram = _clone(bare, tmp_path / "anna"), _clone(bare, tmp_path / "bram")
    with_anna, with_bram = open_project(anna.root), open_project(bram.root)
    _code(with_anna, "anna", "T01", "ik werk nu drie jaar in het team", "generalistisch")
    _code(with_anna, "anna", "T02", "Debt counselling", "beperkingen")
    _code(with_bram, "bram", "T01", "ik werk nu drie jaar in het team", "handelingsverlegenheid")
    _code(with_bram, "bram", "T01", "drie jaar", "spanningsveld")
    with_anna.close(), with_bram.close()
    _sync(anna, "anna")
    _sync(bram, "bram")  # has to merge anna's push first
    _sync(lead, "lead")

    store = open_project(lead.root)
    rows = [(c.coder, c.transcript_id, c.start, c.end, c.code_id) for c in store.codings()]
    assert len(rows) == 4 and len(set(rows)) == 4
    assert len({c.guid for c in store.codings()}) == 4
    assert sorted({r[0] for r in rows}) == ["anna", "bram"]
    store.close()

    # a second round: anna edits her coding, bram deletes one; everyone syncs twice
    with_anna, with_bram = open_project(anna.root), open_project(bram.root)
    mine = with_anna.codings(coder="anna", transcript_id="T02")[0]
    update_coding(with_anna, "anna", mine.id, memo="schuldhulp")
    gone = with_bram.codings(coder="bram", code_ids=["spanningsveld"])[0]
    remove_coding(with_bram, "bram", gone.id)
    with_anna.close(), with_bram.close()
    for _ in range(2):
        for person, name in ((anna, "anna"), (bram, "bram"), (lead, "lead")):
            out = _sync(person, name)
            assert "Conflict" not in out
    for person in (lead, anna, bram):
        store = open_project(person.root)
        codings = store.codings()
        assert len(codings) == 3, person.root
        assert store.coding_by_guid(mine.guid).memo == "schuldhulp"
        assert store.coding_by_guid(gone.guid) is None
        store.close()


def test_sync_without_a_remote_says_what_to_do(tmp_path: Path) -> None:
    person = Coder(tmp_path / "p")
    person("init")
    result = person("sync", "--as", "anna")
    assert result.exit_code == 1 and "not a git clone" in result.output
    _git("-C", str(person.root), "init", "--quiet")
    result = person("sync", "--as", "anna")
    assert result.exit_code == 1 and "git remote add origin URL" in result.output
