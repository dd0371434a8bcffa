"""Snapshots: the study as stable text, merged back by GUID, rebuilt byte for byte."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from coder.errors import CoderError
from coder.services.codebook import add_code, delete_code, load_codebook_file, merge_codes
from coder.services.codings import apply_code, update_coding
from coder.services.exchange import merge_project
from coder.services.project import init_project, open_project
from coder.services.snapshot import write_snapshot
from coder.services.surveys import add_link, import_survey
from coder.services.transcripts import import_transcripts
from coder.services.versions import freeze
from coder.storage import Store
from tests.conftest import REPO, Coder


def _span(store: Store, tid: str, words: str) -> tuple[int, int]:
    start = store.get_transcript(tid).text.index(words)
    return start, start + len(words)


def _code(store: Store, coder: str, tid: str, words: str, code: str, memo: str = "") -> int:
    coding = apply_code(store, coder, tid, *_span(store, tid, words), code)
    if memo:
        update_coding(store, coder, coding.id, memo=memo)
    return coding.id


@pytest.fixture
def study(tmp_path: Path, interviews: list[Path], codebook_file: Path) -> Iterator[Store]:
    """A study with every kind of record: codings, memos, a version, a survey, links, a log."""
    store, _ = init_project(tmp_path / "study", "Sociale teams")
    import_transcripts(store, interviews)
    load_codebook_file(store, codebook_file)
    add_code(store, "Wachtlijsten", "anna", parent_id="eigen-kracht")
    _code(store, "anna", "T01", "ik werk nu drie jaar in het team", "generalistisch", "eerste indruk")
    _code(store, "anna", "T02", "Debt counselling", "wachtlijsten")
    _code(store, "bram", "T01", "ik werk nu drie jaar in het team", "handelingsverlegenheid")
    with store.transaction():
        store.set_memo("anna", "transcript", "T02", "Engelstalig.")
    freeze(store, "v1", note="na de eerste ronde")
    import_survey(store, REPO / "surveys" / "bakens.csv", "bakens")
    add_link(store, "generalistisch", "bakens:baken_1")
    yield store
    store.close()


def _files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def test_two_snapshots_of_an_unchanged_project_are_byte_identical(tmp_path: Path, study: Store) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    write_snapshot(study, first)
    again = write_snapshot(study, first)
    write_snapshot(study, second)
    assert again.written == [] and again.removed == []
    assert _files(first) == _files(second)
    names = set(_files(first))
    assert {
        "codebook.yaml",
        "codings/anna/T01.jsonl",
        "transcripts/T01.txt",
        "transcripts/T01.meta.yaml",
    } <= names
    assert {"codebook-versions/v1.yaml", "surveys/bakens.json", "memos/anna.jsonl", "audit.jsonl"} <= names


def test_one_new_coding_is_a_one_line_diff(tmp_path: Path, study: Store) -> None:
    folder = tmp_path / "snap"
    write_snapshot(study, folder)
    before = _files(folder)
    _code(study, "bram", "T02", "Honestly, it depends.", "beperkingen")
    report = write_snapshot(study, folder)
    after = _files(folder)
    assert report.written == ["audit.jsonl", "codings/bram/T02.jsonl"] or report.written == [
        "codings/bram/T02.jsonl"
    ]
    new_lines = after["codings/bram/T02.jsonl"].decode().splitlines()
    assert "codings/bram/T02.jsonl" not in before and len(new_lines) == 1
    assert '"code": "beperkingen"' in new_lines[0]


def test_init_and_merge_rebuild_the_study_exactly(tmp_path: Path, study: Store) -> None:
    folder = tmp_path / "snap"
    write_snapshot(study, folder)
    rebuilt = Coder(tmp_path / "rebuilt")
    assert rebuilt("init").exit_code == 0
    result = rebuilt("merge", str(folder))
    assert result.exit_code == 0, result.output
    assert rebuilt("snapshot", str(tmp_path / "again")).exit_code == 0
    assert _files(tmp_path / "again") == _files(folder)
    # and the same through init --from
    result = Coder(tmp_path / "x")("init", str(tmp_path / "from"), "--from", str(folder))
    assert result.exit_code == 0 and "2 transcripts, 3 codings" in result.stdout
    write_snapshot(open_project(tmp_path / "from"), tmp_path / "again2")
    assert _files(tmp_path / "again2") == _files(folder)
    # merging the snapshot again changes nothing
    again = merge_project(open_project(tmp_path / "rebuilt"), folder)
    assert (again.codings_added, again.codes_added, again.records_added) == ({}, [], {})


def _copy(study: Store, folder: Path, name: str) -> Store:
    study.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    shutil.copytree(study.root, folder / name)
    return open_project(folder / name)


def test_same_coding_edited_on_both_sides_is_reported_with_both_versions(
    tmp_path: Path, study: Store
) -> None:
    anna = _copy(study, tmp_path, "anna")
    coding = study.codings(coder="anna", transcript_id="T01")[0]
    update_coding(study, "anna", coding.id, end=coding.end - 4)
    theirs = anna.codings(coder="anna", transcript_id="T01")[0]
    update_coding(anna, "anna", theirs.id, code_id="spanningsveld")
    write_snapshot(anna, tmp_path / "snap")
    report = merge_project(study, tmp_path / "snap")
    assert [c["guid"] for c in report.conflicts] == [coding.guid]
    conflict = report.conflicts[0]
    assert conflict["here"]["end"] == coding.end - 4 and conflict["here"]["code"] == "generalistisch"
    assert conflict["theirs"]["end"] == coding.end and conflict["theirs"]["code"] == "spanningsveld"
    assert study.coding_by_guid(coding.guid).code_id == "generalistisch"  # not silently resolved
    out = Coder(study.root)("merge", str(tmp_path / "snap"))
    assert "Conflict: coding" in out.stdout and '"code": "spanningsveld"' in out.stdout
    anna.close()


def test_codings_differing_only_in_memo_keep_both_memos(tmp_path: Path, study: Store) -> None:
    anna = _copy(study, tmp_path, "anna")
    ours = study.codings(coder="anna", transcript_id="T01")[0]
    update_coding(study, "anna", ours.id, memo="eerste indruk; de lead vult aan")
    theirs = anna.codings(coder="anna", transcript_id="T01")[0]
    update_coding(anna, "anna", theirs.id, memo="anna schrijft iets anders")
    with anna.transaction():
        anna.set_memo("anna", "transcript", "T02", "Engelstalig, met tolk.")
    report = merge_project(study, anna.root)
    assert report.codings_memos_joined == 1 and report.conflicts == []
    memo = study.coding_by_guid(ours.guid).memo
    assert "de lead vult aan" in memo and "anna schrijft iets anders" in memo
    assert study.memo("anna", "transcript", "T02").text == "Engelstalig.\n\nEngelstalig, met tolk."
    again = merge_project(study, anna.root)
    assert (again.memos_joined, again.codings_memos_joined) == (0, 0)  # joined once, not again
    anna.close()


def test_another_study_is_refused_unless_forced(tmp_path: Path, study: Store, interviews: list[Path]) -> None:
    other, _ = init_project(tmp_path / "other", "Een andere studie")
    extra = tmp_path / "X01.txt"
    extra.write_text("I: Vraag?\n\nR: Antwoord.\n", encoding="utf-8")
    import_transcripts(other, [extra])
    add_code(other, "Iets", "carla")
    apply_code(other, "carla", "X01", *_span(other, "X01", "Antwoord."), "iets")
    with pytest.raises(CoderError, match="another study"):
        merge_project(study, other.root)
    assert len(study.codings()) == 3
    result = Coder(study.root)("merge", str(other.root))
    assert result.exit_code == 1 and "--force" in result.output
    report = merge_project(study, other.root, force=True)
    assert report.codings_added == {"carla": 1}
    other.close()


def test_codes_the_lead_merged_or_deleted_are_not_resurrected(tmp_path: Path, study: Store) -> None:
    anna = _copy(study, tmp_path, "anna")
    _code(anna, "anna", "T01", "ik werk nu drie jaar", "spanningsveld")
    merge_codes(study, ["wachtlijsten"], "beperkingen")
    delete_code(study, "spanningsveld", "delete")
    report = merge_project(study, anna.root)
    assert report.codes_added == [] and report.codes_mapped == {"wachtlijsten": "beperkingen"}
    assert report.codings_retired == 1
    assert not study.has_code("wachtlijsten") and not study.has_code("spanningsveld")
    assert {c.code_id for c in study.codings(coder="anna")} == {"generalistisch", "beperkingen"}
    write_snapshot(anna, tmp_path / "snap")
    again = merge_project(study, tmp_path / "snap")
    assert again.codes_added == [] and not study.has_code("spanningsveld")
    anna.close()


def test_a_broken_snapshot_file_is_one_line_and_changes_nothing(tmp_path: Path, study: Store) -> None:
    folder = tmp_path / "snap"
    write_snapshot(study, folder)
    path = folder / "codings" / "anna" / "T01.jsonl"
    path.write_text(path.read_text() + "<<<<<<< HEAD\n", encoding="utf-8")
    target = Coder(tmp_path / "empty")
    target("init")
    result = target("merge", str(folder))
    assert result.exit_code == 1 and "T01.jsonl:2" in result.output and "conflict marker" in result.output
    assert open_project(tmp_path / "empty").transcripts() == []


def test_qdpx_round_trip_between_coder_projects_keeps_ids_and_records(tmp_path: Path, study: Store) -> None:
    """coder → .qdpx → coder, compared field by field through both projects' snapshots."""
    from coder.services.exchange import export_qdpx, import_qdpx

    mark = study.codings(coder="anna", transcript_id="T02")[0]
    update_coding(study, "anna", mark.id, key_quote=True)
    with study.transaction():
        study.update_coding(mark.id, flagged="words gone")
    out = tmp_path / "study.qdpx"
    export_qdpx(study, out)
    fresh, _ = init_project(tmp_path / "fresh")
    import_qdpx(fresh, out)
    write_snapshot(study, tmp_path / "a")
    write_snapshot(fresh, tmp_path / "b")
    a, b = _files(tmp_path / "a"), _files(tmp_path / "b")
    same = [
        "codebook.yaml",
        "coders.yaml",
        "codings/anna/T01.jsonl",
        "codings/anna/T02.jsonl",
        "codings/bram/T01.jsonl",
        "codebook-versions/v1.yaml",
        "links.jsonl",
        "transcripts/T01.txt",
        "transcripts/T02.segments.jsonl",
    ]
    for name in same:
        assert b[name] == a[name], name
    assert '"key_quote": true' in b["codings/anna/T02.jsonl"].decode()
    assert fresh.memo("anna", "transcript", "T02").text == "Engelstalig."
    assert fresh.get_code("wachtlijsten").origin == "coder"
    fresh.close()


def test_yaml_aliases_in_a_snapshot_are_refused(tmp_path: Path, study: Store) -> None:
    folder = tmp_path / "snap"
    write_snapshot(study, folder)
    meta = folder / "transcripts" / "T01.meta.yaml"
    meta.write_text("a: &x [1, 2]\nb: *x\n" + meta.read_text(encoding="utf-8"), encoding="utf-8")
    target = Coder(tmp_path / "empty")
    target("init")
    result = target("merge", str(folder))
    assert result.exit_code == 1 and "T01.meta.yaml" in result.output and "aliases" in result.output
