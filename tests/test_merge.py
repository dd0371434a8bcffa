"""Merging projects: two coders code on their own laptops, the lead merges both copies."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from coder.cli import exchange_cmds  # noqa: F401  (registers the commands)
from coder.errors import CoderError
from coder.services.codebook import add_code, load_codebook_file
from coder.services.codings import apply_code, update_coding
from coder.services.exchange import export_qdpx, merge_project
from coder.services.project import init_project, open_project
from coder.services.transcripts import import_transcripts
from coder.storage import Store
from tests.conftest import Coder


def _span(store: Store, tid: str, words: str) -> tuple[int, int]:
    start = store.get_transcript(tid).text.index(words)
    return start, start + len(words)


@pytest.fixture
def lead(tmp_path: Path, interviews: list[Path], codebook_file: Path) -> Iterator[Store]:
    """The lead's project: two transcripts and the concept codebook, no codings yet."""
    store, _ = init_project(tmp_path / "lead")
    import_transcripts(store, interviews)
    load_codebook_file(store, codebook_file)
    yield store
    store.close()


def _laptop(lead: Store, name: str) -> Store:
    """A copy of the lead's project, as handed to one coder."""
    target = lead.root.parent / name
    lead.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    shutil.copytree(lead.root, target)
    return open_project(target)


def _code(store: Store, coder: str, tid: str, words: str, code: str, memo: str = "") -> None:
    coding = apply_code(store, coder, tid, *_span(store, tid, words), code)
    if memo:
        update_coding(store, coder, coding.id, memo=memo)


def _anna(lead: Store) -> Store:
    anna = _laptop(lead, "anna")
    add_code(anna, "Wachtlijsten", "anna", parent_id="eigen-kracht")
    _code(anna, "anna", "T01", "ik werk nu drie jaar in het team", "generalistisch", "eerste indruk")
    _code(anna, "anna", "T02", "Debt counselling", "wachtlijsten")
    with anna.transaction():
        anna.set_memo("anna", "transcript", "T02", "Engelstalig.")
    return anna


def _bram(lead: Store) -> Store:
    bram = _laptop(lead, "bram")
    _code(bram, "bram", "T01", "ik werk nu drie jaar in het team", "handelingsverlegenheid")
    _code(bram, "bram", "T02", "Honestly, it depends.", "beperkingen")
    return bram


def _rows(store: Store) -> set[tuple[str, str, str, int, int, str, str]]:
    return {(c.guid, c.coder, c.transcript_id, c.start, c.end, c.code_id, c.memo) for c in store.codings()}


def test_lead_merges_both_laptops_without_duplicates(lead: Store) -> None:
    anna, bram = _anna(lead), _bram(lead)
    first = merge_project(lead, anna.root)
    assert first.codings_added == {"anna": 2} and first.codes_added == ["wachtlijsten"]
    assert first.coders_added == ["anna"] and first.memos_added == 1
    assert first.transcripts_matched == ["T01", "T02"]
    second = merge_project(lead, bram.root / "coder.db")
    assert second.codings_added == {"bram": 2}
    assert _rows(lead) == _rows(anna) | _rows(bram)
    added = lead.get_code("wachtlijsten")
    assert (added.origin, added.created_by, added.parent_id) == ("coder", "anna", "eigen-kracht")
    assert added.guid == anna.get_code("wachtlijsten").guid
    assert {c["name"]: c["guid"] for c in lead.coders()}["anna"] == {
        c["name"]: c["guid"] for c in anna.coders()
    }["anna"]
    again = merge_project(lead, anna.root)
    assert (again.codings_added, again.codings_present, again.codes_added) == ({}, 2, [])
    assert again.memos_present == 1
    assert [e.action for e in lead.audit_entries("project.merge")] == ["project.merge"] * 3
    anna.close()
    bram.close()


def test_merge_from_a_qdpx_export(tmp_path: Path, lead: Store) -> None:
    anna = _anna(lead)
    out = tmp_path / "anna.qdpx"
    export_qdpx(anna, out, ["anna"])
    report = merge_project(lead, out)
    assert report.codings_added == {"anna": 2} and report.codes_added == ["wachtlijsten"]
    assert _rows(lead) == _rows(anna)
    added = lead.get_code("wachtlijsten")
    assert (added.origin, added.created_by) == ("coder", "anna")
    assert sum(merge_project(lead, out).codings_added.values()) == 0
    anna.close()


def test_same_id_with_another_text_is_refused(lead: Store) -> None:
    anna = _anna(lead)
    changed = lead.root.parent / "T01.txt"
    changed.write_text("R: Een heel ander interview.\n", encoding="utf-8")
    import_transcripts(anna, [changed], replace=True)
    with pytest.raises(CoderError, match=r"'T01'.*different text") as info:
        merge_project(lead, anna.root)
    assert "same transcript text" in (info.value.hint or "")
    assert lead.codings() == [] and not lead.has_code("wachtlijsten")
    anna.close()


def test_missing_concept_code_asks_for_the_codebook(tmp_path: Path, lead: Store) -> None:
    anna = _laptop(lead, "anna")
    extra = tmp_path / "extra.yaml"
    extra.write_text("name: extra\ncodes:\n  - id: privacy\n    name: Privacy\n", encoding="utf-8")
    load_codebook_file(anna, extra)
    _code(anna, "anna", "T01", "ik werk nu drie jaar in het team", "privacy")
    with pytest.raises(CoderError, match="privacy") as info:
        merge_project(lead, anna.root)
    assert "codebook load" in (info.value.hint or "")
    assert lead.codings() == []
    anna.close()


def test_changed_coding_is_reported_and_updated_on_request(lead: Store) -> None:
    anna = _anna(lead)
    merge_project(lead, anna.root)
    coding = anna.codings(coder="anna", transcript_id="T01")[0]
    update_coding(anna, "anna", coding.id, end=coding.end - 5, memo="bijgesteld")
    kept = merge_project(lead, anna.root)
    assert kept.codings_changed == [coding.guid] and kept.codings_updated == 0
    assert lead.coding_by_guid(coding.guid).memo == "eerste indruk"
    taken = merge_project(lead, anna.root, update=True)
    assert taken.codings_updated == 1
    assert _rows(lead) == _rows(anna)
    anna.close()


def test_new_transcript_arrives_with_its_segments(tmp_path: Path, lead: Store) -> None:
    anna = _anna(lead)
    extra = tmp_path / "T03.txt"
    extra.write_text("I: Nog een vraag?\n\nR: Ja. Nog een antwoord.\n", encoding="utf-8")
    import_transcripts(anna, [extra])
    _code(anna, "anna", "T03", "Nog een antwoord.", "beperkingen")
    report = merge_project(lead, anna.root)
    assert report.transcripts_added == ["T03"]
    assert lead.segments("T03") == anna.segments("T03")
    assert lead.get_transcript("T03").guid == anna.get_transcript("T03").guid
    anna.close()


def test_dry_run_and_merging_itself_change_nothing(lead: Store) -> None:
    anna = _anna(lead)
    report = merge_project(lead, anna.root, dry_run=True)
    assert report.dry_run and report.codings_added == {"anna": 2}
    assert lead.codings() == [] and lead.coders() == []
    with pytest.raises(CoderError, match="this project itself"):
        merge_project(lead, lead.root)
    anna.close()


def test_cli_merge_json(lead: Store) -> None:
    anna = _anna(lead)
    anna.close()
    result = Coder(lead.root)("merge", str(anna.root), "--json")
    assert result.exit_code == 0, result.output
    assert '"added": 2' in result.stdout and '"wachtlijsten"' in result.stdout
    text = Coder(lead.root)("merge", str(anna.root))
    assert "Skipped 2 codings already in this project" in text.stdout


def test_qdpx_from_an_independent_project_matches_codes_by_name(
    tmp_path: Path, lead: Store, interviews: list[Path], codebook_file: Path
) -> None:
    other, _ = init_project(tmp_path / "elsewhere")
    import_transcripts(other, interviews)
    load_codebook_file(other, codebook_file)
    assert other.get_code("generalistisch").guid != lead.get_code("generalistisch").guid
    _code(other, "carla", "T01", "ik werk nu drie jaar in het team", "generalistisch")
    out = tmp_path / "carla.qdpx"
    export_qdpx(other, out)
    with pytest.raises(CoderError, match="another study"):
        merge_project(lead, out)
    report = merge_project(lead, out, force=True)
    assert report.codes_added == [] and report.codings_added == {"carla": 1}
    assert [c.code_id for c in lead.codings()] == ["generalistisch"]
    other.close()
