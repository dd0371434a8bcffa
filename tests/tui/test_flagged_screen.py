"""A coding whose words are gone after a re-import is marked on the coding screen, and e mends it."""

from __future__ import annotations

from pathlib import Path

import pytest

from coder.services.codings import apply_code
from coder.services.transcripts import import_transcripts
from coder.storage import Store
from coder.tui.app import CoderApp
from coder.tui.widgets.status import StatusLine
from coder.tui.widgets.transcript_view import TranscriptView

from .conftest import DATA, reopen, sentence
from .test_coding_actions import SIZE, open_t01


@pytest.fixture
def cut(store: Store, tmp_path: Path) -> Store:
    """Anna coded a sentence of T01; T01 is then replaced by a version without it."""
    apply_code(store, "anna", "T01", *sentence(store, "T01", "handelingsverlegen"), "eigen-kracht")
    original = (DATA / "T01.txt").read_text(encoding="utf-8")
    shorter = tmp_path / "T01.txt"
    shorter.write_text(original[: original.index("En als je")], encoding="utf-8")
    assert import_transcripts(store, [shorter], lang="nl", replace=True).flagged_codings == 1
    return store


async def test_a_flagged_coding_is_marked_in_the_margin_and_explained_when_selected(
    app: CoderApp, cut: Store
) -> None:
    [flagged] = cut.codings(coder="anna", flagged=True)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_t01(pilot)
        view = screen.query_one(TranscriptView)
        status = screen.query_one(StatusLine)
        assert "flagged" not in status.where
        await pilot.press("F")
        await pilot.pause()
        assert view.selection is not None
        assert (view.selection.start, view.selection.end) == (flagged.start, flagged.end)
        assert status.where.startswith(
            "⚠ flagged: words gone — e changes its span, or `coder codings resolve`"
        )
        label_line = next(line for line, cid in view._margin.labels.items() if cid == flagged.id)
        assert view._margin_text(label_line).plain.strip() == "⚠ Eigen kracht"
        assert "⚠" in app.export_screenshot()
        assert "⚠ flagged  “Soms voel ik me handelingsverlegen" in screen._describe(flagged).plain


async def test_e_gives_a_flagged_coding_a_new_span_and_clears_the_flag(app: CoderApp, cut: Store) -> None:
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_t01(pilot, "F", "e", "home", "enter")
        assert "flagged" not in screen.query_one(StatusLine).where
    other = reopen(cut)
    try:
        [coding] = other.codings(coder="anna")
        assert coding.flagged is None
        assert (coding.start, coding.end) == sentence(other, "T01", "Hoe begint")
    finally:
        other.close()
