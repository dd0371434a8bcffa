"""Codings files at scale: idempotent imports, --replace, Dutch CSVs and clear row errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from coder.errors import InputFormatError
from coder.services.codings import export_codings, import_codings
from coder.services.project import open_project
from coder.storage import Store
from tests.conftest import Coder

ROWS = "transcript,start,end,code,memo\nT01,0,5,beperkingen,eerste\nT01,10,20,spanningsveld,\nT02,0,8,beperkingen,\n"


def _store(loaded: Coder) -> Store:
    return open_project(loaded.root)


def _spans(store: Store, coder: str) -> list[tuple[str, int, int, str]]:
    return [(c.transcript_id, c.start, c.end, c.code_id) for c in store.codings(coder=coder)]


def test_importing_the_same_file_twice_stores_each_coding_once(loaded: Coder, tmp_path: Path) -> None:
    store = _store(loaded)
    path = tmp_path / "anna.csv"
    path.write_text(ROWS, encoding="utf-8")
    assert import_codings(store, path, "anna") == {"imported": 3, "codes_added": 0}
    assert import_codings(store, path, "anna") == {"imported": 0, "codes_added": 0, "skipped": 3}
    assert len(store.codings(coder="anna")) == 3
    # another coder's identical rows are not duplicates of anna's
    assert import_codings(store, path, "bram")["imported"] == 3


def test_rows_repeated_within_one_file_are_skipped_and_counted(loaded: Coder, tmp_path: Path) -> None:
    store = _store(loaded)
    path = tmp_path / "anna.csv"
    path.write_text(ROWS + "T01,0,5,beperkingen,andere memo\n", encoding="utf-8")
    assert import_codings(store, path, "anna") == {"imported": 3, "codes_added": 0, "skipped": 1}
    assert store.codings(coder="anna")[0].memo == "eerste\n\nandere memo"  # no memo lost


def test_replace_swaps_the_coders_layer_for_the_files_transcripts(loaded: Coder, tmp_path: Path) -> None:
    store = _store(loaded)
    first, second = tmp_path / "first.csv", tmp_path / "second.csv"
    first.write_text(ROWS, encoding="utf-8")
    second.write_text("transcript,start,end,code\nT01,30,40,beperkingen\n", encoding="utf-8")
    import_codings(store, first, "anna")
    import_codings(store, first, "bram")
    result = import_codings(store, second, "anna", replace=True)
    assert result == {"imported": 1, "codes_added": 0, "replaced": 2}
    # T02 is not in the file: kept; bram's layer untouched
    assert _spans(store, "anna") == [("T01", 30, 40, "beperkingen"), ("T02", 0, 8, "beperkingen")]
    assert len(store.codings(coder="bram")) == 3


def test_cli_reports_skipped_rows(loaded: Coder, tmp_path: Path) -> None:
    path = tmp_path / "anna.csv"
    path.write_text(ROWS, encoding="utf-8")
    loaded("codings", "import", str(path), "--coder", "anna")
    out = loaded("codings", "import", str(path), "--coder", "anna").output
    assert "imported 0 codings for anna (0 codes added); 3 identical skipped" in out


def test_semicolon_csv_from_dutch_excel_is_read(loaded: Coder, tmp_path: Path) -> None:
    store = _store(loaded)
    path = tmp_path / "anna.csv"
    path.write_text("\ufefftranscript;start;end;code;memo\nT01;0;5;beperkingen;een, twee\n", encoding="utf-8")
    assert import_codings(store, path, "anna")["imported"] == 1
    assert store.codings(coder="anna")[0].memo == "een, twee"


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        (
            "rows.csv",
            'transcript,start,end,code,memo\nT01,0,5,beperkingen,ok\nT01,6,9,beperkingen,"open\n',
            "row 3: unexpected end of data",
        ),
        (
            "rows.csv",
            "transcript,start,end,code\nT01,0,5,beperkingen\nT01,6,9,beperkingen,x\n",
            "row 3: more cells than the header",
        ),
        (
            "rows.csv",
            "transcript,start,end,code,coder\nT01,0,5,beperkingen,anna\n",
            "row 1: unknown column 'coder'",
        ),
        (
            "rows.jsonl",
            '{"transcript": "T01", "start": 0, "end": 5, "code": "beperkingen"}\n{"transcript": "T01", "start": true, "end": 5, "code": "beperkingen"}\n',
            "line 2: start and end must be whole numbers",
        ),
        (
            "rows.jsonl",
            '{"transcript": "T01", "start": 0.5, "end": 5, "code": "beperkingen"}\n',
            "line 1: start and end must be whole numbers",
        ),
    ],
    ids=["unbalanced-quote", "extra-cells", "extra-column", "json-true", "json-fraction"],
)
def test_malformed_files_name_the_row_and_store_nothing(
    loaded: Coder, tmp_path: Path, name: str, text: str, message: str
) -> None:
    store = _store(loaded)
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputFormatError, match=message):
        import_codings(store, path, "anna")
    assert store.codings() == []


def test_first_bad_row_of_a_large_file_is_named_and_nothing_stored(loaded: Coder, tmp_path: Path) -> None:
    store = _store(loaded)
    lines = ["transcript,start,end,code"] + [f"T01,{i % 300},{i % 300 + 1},beperkingen" for i in range(5000)]
    lines[4001] = "T01,0,5,nonsense"
    lines[4500] = "T99,0,5,beperkingen"
    path = tmp_path / "big.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(InputFormatError, match="row 4002: unknown code 'nonsense'"):
        import_codings(store, path, "anna")
    assert store.codings() == []
    assert "anna" not in [c["name"] for c in store.coders()]
    result = loaded("codings", "import", str(path), "--coder", "anna")
    assert result.exit_code == 1
    assert "row 4002" in result.output and "Traceback" not in result.output


def test_export_round_trips_jsonl_and_leaves_no_temporary_file(loaded: Coder, tmp_path: Path) -> None:
    store = _store(loaded)
    path = tmp_path / "anna.csv"
    path.write_text(ROWS, encoding="utf-8")
    import_codings(store, path, "anna")
    out = tmp_path / "out" / "anna.jsonl"
    out.parent.mkdir()
    assert export_codings(store, "anna", out) == 3
    assert [p.name for p in out.parent.iterdir()] == ["anna.jsonl"]
    first = json.loads(out.read_text(encoding="utf-8").splitlines()[0])
    assert first == {
        "transcript": "T01",
        "start": 0,
        "end": 5,
        "code": "eigen-kracht/beperkingen",
        "memo": "eerste",
    }
    assert import_codings(store, out, "anna") == {"imported": 0, "codes_added": 0, "skipped": 3}


def test_bulk_guids_are_distinct_version_4_uuids() -> None:
    import uuid

    from coder.storage._base import new_guids

    guids = new_guids(2000)
    assert len(set(guids)) == 2000
    for guid in guids:
        parsed = uuid.UUID(guid)
        assert (parsed.version, parsed.variant, str(parsed)) == (4, uuid.RFC_4122, guid)


def test_a_duplicate_row_with_its_own_memo_adds_the_memo_not_a_coding(loaded: Coder, tmp_path: Path) -> None:
    first = tmp_path / "first.csv"
    first.write_text("transcript,start,end,code,memo\nT01,0,5,beperkingen,\nT01,0,5,beperkingen,eerste\n")
    again = tmp_path / "again.csv"
    again.write_text(
        "transcript,start,end,code,memo\nT01,0,5,beperkingen,tweede\nT01,0,5,beperkingen,eerste\n"
    )
    store = _store(loaded)
    try:
        assert import_codings(store, first, "anna")["imported"] == 1
        assert import_codings(store, again, "anna") == {"imported": 0, "codes_added": 0, "skipped": 2}
        (coding,) = store.codings(coder="anna")
        assert coding.memo == "eerste\n\ntweede"
    finally:
        store.close()


@pytest.mark.parametrize("suffix", [".csv", ".jsonl"])
def test_key_quotes_travel_through_codings_files(loaded: Coder, tmp_path: Path, suffix: str) -> None:
    from coder.services.codings import update_coding

    rows = tmp_path / "rows.csv"
    rows.write_text(ROWS, encoding="utf-8")
    store = _store(loaded)
    try:
        import_codings(store, rows, "anna")
        first = store.codings(coder="anna")[0]
        update_coding(store, "anna", first.id, key_quote=True)
        out = tmp_path / f"anna{suffix}"
        export_codings(store, "anna", out)
        import_codings(store, out, "carla")
        marked = {(c.transcript_id, c.start, c.end) for c in store.codings(coder="carla") if c.key_quote}
        assert marked == {(first.transcript_id, first.start, first.end)}
    finally:
        store.close()


def test_a_key_quote_cell_that_is_not_true_or_false_names_the_row(loaded: Coder, tmp_path: Path) -> None:
    rows = tmp_path / "rows.csv"
    rows.write_text("transcript,start,end,code,key_quote\nT01,0,5,beperkingen,misschien\n", encoding="utf-8")
    store = _store(loaded)
    try:
        with pytest.raises(InputFormatError, match="row 2: key_quote"):
            import_codings(store, rows, "anna")
    finally:
        store.close()
