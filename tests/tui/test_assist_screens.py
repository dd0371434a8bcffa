"""Pilot tests of assisted coding: similar passages, code from search, the saturation screen."""

from __future__ import annotations

from coder.services.codings import apply_code
from coder.storage import Store
from coder.tui.app import CoderApp
from coder.tui.screens.coding import CodingScreen
from coder.tui.screens.dialogs import CodePicker
from coder.tui.screens.saturation import SaturationScreen
from coder.tui.screens.search import SearchDialog
from coder.tui.screens.similar import SimilarDialog
from coder.tui.widgets.transcript_view import TranscriptView

from .conftest import reopen, sentence
from .test_coding_actions import anna, open_t01

SIZE = (120, 40)


async def test_similar_passages_apply_dismiss_and_jump(app: CoderApp, store: Store) -> None:
    apply_code(store, "anna", "T01", *sentence(store, "T01", "hulpvragen"), "netwerk")
    async with app.run_test(size=SIZE) as pilot:
        await open_t01(pilot, "down", "down", "s")  # the third sentence holds "hulpvragen", coded netwerk
        await app.workers.wait_for_complete()
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, SimilarDialog) and dialog.passages
        first = dialog.passages[0]
        assert first["shared_lemmas"] and first["score"] >= dialog.passages[-1]["score"]
        await pilot.press("a")  # apply the code to the first passage; the list comes back without it
        await pilot.pause()
        assert (first["start"], first["end"], "netwerk") in _all(store, first["transcript"])
        dialog = app.screen
        assert isinstance(dialog, SimilarDialog)
        assert first not in dialog.passages
        second = dialog.passages[0]
        await pilot.press("x")  # dismiss: remembered, never proposed again
        await pilot.pause()
        other = reopen(store)
        assert other.dismissed_suggestions("anna", "netwerk") == {
            (second["transcript"], second["start"], second["end"])
        }
        other.close()
        target = app.screen.passages[0]  # type: ignore[attr-defined]
        await pilot.press("enter")  # jump there
        await pilot.pause()
        coding = app.screen
        assert isinstance(coding, CodingScreen) and coding.transcript_id == target["transcript"]
        selection = coding.query_one(TranscriptView).selection
        assert selection is not None and (selection.start, selection.end) == (target["start"], target["end"])


def _all(store: Store, transcript_id: str) -> list[tuple[int, int, str]]:
    other = reopen(store)
    try:
        return [(c.start, c.end, c.code_id) for c in other.codings(coder="anna", transcript_id=transcript_id)]
    finally:
        other.close()


async def test_similar_on_a_selection_without_codings_asks_for_the_code(app: CoderApp, store: Store) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await open_t01(pilot, "s")
        assert isinstance(app.screen, CodePicker)
        await pilot.press(*"netwerk", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, SimilarDialog)
        assert anna(store) == []  # nothing is coded by opening suggestions


async def test_code_from_search_marks_hits_extends_to_turns_and_undoes_in_one_step(
    app: CoderApp, store: Store
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_t01(pilot, "ctrl+f")
        await pilot.press(*"hulpvraag", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, SearchDialog) and len(dialog.hits) == 3
        await pilot.press("tab", "space", "down", "space", "ctrl+g", "ctrl+o")  # mark two hits, as turns
        await pilot.pause()
        assert isinstance(app.screen, CodePicker)
        await pilot.press(*"eigen", "enter")
        await pilot.pause()
        coded = sorted((c.transcript_id, c.start, c.end) for c in reopen(store).codings(coder="anna"))
        turns = {t: b for t, b in store.segment_bounds("turn").items()}
        assert len(coded) == 2 and all((s, e) in turns[t] for t, s, e in coded)
        await pilot.press("u")
        await pilot.pause()
        assert reopen(store).codings(coder="anna") == []
        assert isinstance(screen, CodingScreen)


async def test_saturation_screen_shows_only_anna_s_codes(app: CoderApp, store: Store) -> None:
    apply_code(store, "anna", "T01", *sentence(store, "T01", "hulpvragen"), "netwerk")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("S")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, SaturationScreen)
        rows = screen.report["transcripts"]
        assert rows[0]["transcript"] == "T01" and rows[0]["new_codes"] == 1
        assert "Alleen van Bram" not in {c["name"] for c in screen.report["codes"]}
        respondents = {c["code"]: c["respondents"] for c in screen.report["codes"]}
        assert (
            respondents["netwerk"] == 1 and respondents["eigen-kracht"] == 0
        )  # bram's coding does not count
