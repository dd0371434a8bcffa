"""A coding whose words are gone: flagged, kept with its old words, left out of analysis, carried by exchange."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from coder.services.project import open_project
from tests.conftest import Coder


@pytest.fixture
def cut(loaded: Coder, interviews: list[Path], tmp_path: Path) -> Coder:
    """T01 coded twice by anna, then replaced by its first third: one coding loses its words."""
    text = loaded("transcripts", "show", "T01", "--text").output
    kept, lost = text.index("Kunt u iets"), text.index("De hulpvragen")
    rows = tmp_path / "anna.csv"
    rows.write_text(
        f"transcript,start,end,code\nT01,{kept},{kept + 11},beperkingen\nT01,{lost},{lost + 13},beperkingen\n",
        encoding="utf-8",
    )
    assert loaded("codings", "import", str(rows), "--coder", "anna").exit_code == 0
    original = interviews[0].read_text(encoding="utf-8")
    interviews[0].write_text(original[: len(original) // 3], encoding="utf-8")
    result = json.loads(loaded("import", "--replace", "--json", str(interviews[0])).output)
    assert result["codings_flagged"] == 1
    return loaded


def _flagged(coder: Coder, name: str = "anna") -> list[tuple[str | None, str | None]]:
    store = open_project(coder.root)
    try:
        return [(c.flagged, c.flagged_text) for c in store.codings(coder=name, flagged=True)]
    finally:
        store.close()


def test_lost_words_are_kept_with_the_flag(cut: Coder) -> None:
    [(reason, words)] = _flagged(cut)
    assert reason and "no longer" in reason and words == "De hulpvragen"


def test_flagged_coding_is_left_out_of_quotes_and_agreement(cut: Coder, tmp_path: Path) -> None:
    out = tmp_path / "q.json"
    assert cut("export", "quotes", "--coder", "anna", "--format", "json", "-o", str(out)).exit_code == 0
    quotes = [q for code in json.loads(out.read_text(encoding="utf-8"))["codes"] for q in code["quotes"]]
    assert [q["text"] for q in quotes] == ["Kunt u iets"]
    store = open_project(cut.root)
    try:
        assert len(store.coding_spans("anna")) == 1
    finally:
        store.close()


@pytest.mark.parametrize("suffix", [".csv", ".jsonl"])
def test_flag_survives_a_codings_round_trip(cut: Coder, tmp_path: Path, suffix: str) -> None:
    out = tmp_path / f"anna{suffix}"
    assert cut("codings", "export", "--coder", "anna", "-o", str(out)).exit_code == 0
    assert cut("codings", "import", str(out), "--coder", "bram").exit_code == 0
    assert _flagged(cut, "bram") == _flagged(cut, "anna")


def test_flag_survives_a_qdpx_round_trip(cut: Coder, tmp_path: Path) -> None:
    out = tmp_path / "study.qdpx"
    assert cut("export", "qdpx", "-o", str(out)).exit_code == 0
    other = Coder(tmp_path / "other")
    assert other("init").exit_code == 0
    result = other("import-qdpx", str(out))
    assert result.exit_code == 0, result.output
    assert _flagged(other) == _flagged(cut)
    store = open_project(other.root)
    try:
        assert {c.memo for c in store.codings(coder="anna")} == {""}
    finally:
        store.close()


def test_check_lists_flagged_until_resolved(cut: Coder) -> None:
    listed = cut("check")
    assert listed.exit_code == 1 and "flagged" in listed.output and "De hulpvragen" in listed.output
    coding_id = json.loads(cut("check", "--json").output)["problems"][0]["items"][0].split()[1]
    assert cut("codings", "resolve", coding_id, "--start", "0", "--end", "5").exit_code == 0
    assert _flagged(cut) == []
    sound = cut("check")
    assert sound.exit_code == 0 and sound.output.startswith("sound:")


def test_resolve_delete_and_refusals(cut: Coder) -> None:
    coding_id = json.loads(cut("check", "--json").output)["problems"][0]["items"][0].split()[1]
    wrong = cut("codings", "resolve", coding_id, "--start", "0", "--end", "100000")
    assert wrong.exit_code == 1 and "outside" in wrong.stderr
    assert cut("codings", "resolve", coding_id, "--delete").exit_code == 0
    again = cut("codings", "resolve", coding_id)
    assert again.exit_code == 1 and "no coding" in again.stderr


def test_reanchoring_by_hand_clears_the_flag(cut: Coder) -> None:
    from coder.services.codings import update_coding

    store = open_project(cut.root)
    try:
        [coding] = store.codings(coder="anna", flagged=True)
        updated = update_coding(store, "anna", coding.id, start=0, end=5)
        assert updated.flagged is None and updated.flagged_text is None
    finally:
        store.close()


def test_reanchoring_in_the_coding_screen_is_undone_with_its_flag(cut: Coder) -> None:
    from coder.services.session import Session

    store = open_project(cut.root)
    try:
        [coding] = store.codings(coder="anna", flagged=True)
        session = Session(store, "anna")
        session.set_span(coding.id, 0, 5)
        assert store.get_coding(coding.id).flagged is None
        session.undo()
        back = store.get_coding(coding.id)
        assert (back.start, back.end, back.flagged, back.flagged_text) == (
            coding.start,
            coding.end,
            coding.flagged,
            coding.flagged_text,
        )
    finally:
        store.close()
