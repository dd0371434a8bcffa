"""Blind coding (anna never sees bram's work) and lemma-aware search."""

from __future__ import annotations

from textual.widgets import OptionList

from coder.storage import Store
from coder.tui.app import CoderApp
from coder.tui.screens.coding import CodingScreen
from coder.tui.screens.search import SearchDialog
from coder.tui.widgets.code_tree import CodeTree
from coder.tui.widgets.transcript_view import TranscriptView

from .conftest import BRAM_CODE, sentence
from .test_coding_actions import SIZE, open_t01


async def test_anna_never_sees_bram_s_codings_or_codes(app: CoderApp, store: Store) -> None:
    assert len(store.codings(coder="bram", transcript_id="T01")) == 2
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_t01(pilot, "j")
        assert screen.codings == {}
        assert screen.query_one(TranscriptView).codings == {}
        tree = screen.query_one(CodeTree)
        assert tree.counts.get("eigen-kracht", 0) == 0
        assert not any(c.name == BRAM_CODE for c in tree.codebook.codes)
        shown = app.export_screenshot()
        assert "Alleen" not in shown and "bram" not in shown
        await pilot.press("c")
        await pilot.pause()
        assert "Alleen" not in app.export_screenshot()
        await pilot.press(*"alleen van bram")
        await pilot.pause()
        listed = app.screen.query_one(OptionList)
        bram_code = next(c.id for c in store.codebook().codes if c.name == BRAM_CODE)
        assert bram_code not in {listed.get_option_at_index(i).id for i in range(listed.option_count)}


async def test_home_progress_counts_only_anna(app: CoderApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        rows = {r.id: r for r in app.screen.rows}  # type: ignore[attr-defined]
        assert (rows["T01"].codings, rows["T01"].coded_sentences) == (0, 0)


async def test_search_finds_other_word_forms_and_jumps_to_the_hit(app: CoderApp, store: Store) -> None:
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_t01(pilot, "slash")
        assert isinstance(app.screen, SearchDialog)
        await pilot.press(*"hulpvraag", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, SearchDialog)
        assert [(h.transcript_id, h.start, h.end) for h in dialog.hits] == [
            ("T01", *sentence(store, "T01", "hulpvragen"))
        ]
        await pilot.press("enter")
        await pilot.pause()
        view = screen.query_one(TranscriptView)
        assert view.selection is not None
        assert (view.selection.start, view.selection.end) == sentence(store, "T01", "hulpvragen")


async def test_search_across_transcripts_opens_the_other_transcript(app: CoderApp, store: Store) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await open_t01(pilot, "ctrl+f")
        await pilot.press(*"hulpvragen", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, SearchDialog)
        assert [h.transcript_id for h in dialog.hits] == ["T01", "T02", "T02"]
        await pilot.press("down", "down", "enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, CodingScreen) and screen.transcript_id == "T02"
        view = screen.query_one(TranscriptView)
        assert view.selection is not None
        assert (view.selection.start, view.selection.end) == sentence(store, "T02", "Elke hulpvraag")
        assert len(app.screen_stack) == 3, "the coding screen is replaced, not stacked"
