"""Codings rows: validated row by row, all-or-nothing, lossless round trip."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from coder.errors import InputFormatError
from coder.services.codings import export_codings, import_codings
from tests.conftest import Coder


def _store(loaded: Coder):
    from coder.services.project import open_project

    return open_project(loaded.root)


def test_csv_round_trip_keeps_spans_codes_and_memos(loaded: Coder, tmp_path: Path) -> None:
    store = _store(loaded)
    text = store.get_transcript("T01").text
    start = text.index("De hulpvragen")
    rows = tmp_path / "anna.csv"
    rows.write_text(
        "transcript,start,end,code,memo\n"
        f'T01,{start},{start + 13},generalistisch/handelingsverlegenheid,"let op, groot"\n'
        "T02,0,11,beperkingen,\n",
        encoding="utf-8",
    )
    assert import_codings(store, rows, "anna") == {"imported": 2, "codes_added": 0}
    out = tmp_path / "out.csv"
    assert export_codings(store, "anna", out) == 2
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "transcript,start,end,code,memo"
    assert f'T01,{start},{start + 13},generalistisch/handelingsverlegenheid,"let op, groot"' in lines
    assert "T02,0,11,eigen-kracht/beperkingen," in lines
    again = tmp_path / "again.jsonl"
    export_codings(store, "anna", again)
    import_codings(store, again, "bram")
    assert [(c.transcript_id, c.start, c.end, c.code_id, c.memo) for c in store.codings(coder="bram")] == [
        (c.transcript_id, c.start, c.end, c.code_id, c.memo) for c in store.codings(coder="anna")
    ]


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("T01,0,99999,beperkingen", r"row 3: span 0-99999 is out of range for 'T01'"),
        ("T01,5,5,beperkingen", "row 3: span 5-5 is out of range"),
        ("T99,0,5,beperkingen", "row 3: unknown transcript 'T99'"),
        ("T01,0,5,nonsense", "row 3: unknown code 'nonsense'"),
        ("T01,a,5,beperkingen", "row 3: start and end must be whole numbers"),
        ("T01,0,5,generalistisch/beperkingen", "does not match the tree"),
    ],
)
def test_bad_rows_are_named_and_nothing_is_stored(
    loaded: Coder, tmp_path: Path, row: str, message: str
) -> None:
    store = _store(loaded)
    path = tmp_path / "rows.csv"
    path.write_text(f"transcript,start,end,code\nT01,0,5,beperkingen\n{row}\n", encoding="utf-8")
    with pytest.raises(InputFormatError, match=message):
        import_codings(store, path, "anna")
    assert store.codings() == []


def test_add_missing_codes_creates_coder_codes(loaded: Coder, tmp_path: Path) -> None:
    store = _store(loaded)
    path = tmp_path / "rows.jsonl"
    path.write_text(
        json.dumps({"transcript": "T01", "start": 0, "end": 5, "code": "eigen-kracht/werkdruk"}) + "\n",
        encoding="utf-8",
    )
    with pytest.raises(InputFormatError, match="line 1: unknown code"):
        import_codings(store, path, "anna")
    import_codings(store, path, "anna", add_missing_codes=True)
    code = store.get_code("werkdruk")
    assert (code.origin, code.created_by, code.parent_id) == ("coder", "anna", "eigen-kracht")
    assert store.codings(coder="anna")[0].code_id == "werkdruk"
