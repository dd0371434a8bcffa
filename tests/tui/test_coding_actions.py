"""Pilot tests of the coding screen: each action, then the database is checked.

The database is read through a second connection (``reopen``), so a test
passes only if the action was committed — what "saved" means on screen.
"""

from __future__ import annotations

from textual.pilot import Pilot

from coder.services.codings import apply_code
from coder.storage import Store
from coder.tui.app import CoderApp
from coder.tui.screens.coding import CodingScreen
from coder.tui.screens.dialogs import ChoiceDialog, CodeForm, CodePicker, MemoDialog
from coder.tui.widgets.code_tree import CodeTree
from coder.tui.widgets.status import StatusLine
from coder.tui.widgets.transcript_view import TranscriptView

from .conftest import reopen, sentence

SIZE = (120, 40)


async def open_t01(pilot: Pilot[None], *keys: str) -> CodingScreen:
    """From the home screen, open T01 (the first row), go to its top and press ``keys``."""
    await pilot.press("enter")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, CodingScreen)
    await pilot.press("home", *keys)
    await pilot.pause()
    return screen


def anna(store: Store) -> list[tuple[int, int, str]]:
    """Anna's committed codings as (start, end, code)."""
    other = reopen(store)
    try:
        return [(c.start, c.end, c.code_id) for c in other.codings(coder="anna")]
    finally:
        other.close()


async def test_apply_with_the_code_picker(app: CoderApp, store: Store) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await open_t01(pilot, "down", "c")
        assert isinstance(app.screen, CodePicker)
        await pilot.press(*"eigen", "enter")
        await pilot.pause()
        assert anna(store) == [(*sentence(store, "T01", "Ik kom binnen"), "eigen-kracht")]
        assert "✓ saved 14:02:11" in app.screen.query_one(StatusLine).saved
        assert not store.in_transaction()


async def test_enter_opens_the_picker_and_digits_apply_recent_codes(app: CoderApp, store: Store) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await open_t01(pilot, "j", "enter")
        await pilot.press(*"netwerk", "enter", "j", "1")
        await pilot.pause()
        first, second = sentence(store, "T01", "Ik kom binnen"), sentence(store, "T01", "hulpvragen")
        assert anna(store) == [(*first, "netwerk"), (*second, "netwerk")]


async def test_enter_in_the_code_tree_applies_the_focused_code(app: CoderApp, store: Store) -> None:
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_t01(pilot, "j")
        screen.query_one(CodeTree).focus()
        screen.query_one(CodeTree).select_code("handelingsverlegenheid")
        await pilot.press("enter")
        await pilot.pause()
        assert anna(store) == [(*sentence(store, "T01", "Ik kom binnen"), "handelingsverlegenheid")]


async def test_remove_asks_which_code_when_there_are_several(app: CoderApp, store: Store) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await open_t01(pilot, "j")
        for name in ("eigen", "netwerk"):
            await pilot.press("c", *name, "enter")
        await pilot.press("x")
        await pilot.pause()
        assert isinstance(app.screen, ChoiceDialog)
        await pilot.press("down", "enter")
        await pilot.pause()
        assert [c[2] for c in anna(store)] == ["eigen-kracht"]
        await pilot.press("x")
        await pilot.pause()
        assert anna(store) == []


async def test_extend_and_narrow_the_selection_word_by_word(app: CoderApp, store: Store) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await open_t01(pilot, "j", "J", "right_square_bracket", "right_square_bracket", "left_curly_bracket")
        await pilot.press("c", *"eigen", "enter")
        await pilot.pause()
        text = store.get_transcript("T01").text
        ((start, end, _code),) = anna(store)
        assert (
            text[start:end]
            == "binnen en ik luister eerst. Mensen hebben vaak meer hulpvragen dan ze aan de telefoon"
        )
        await pilot.press("K", "K")
        view = app.screen.query_one(TranscriptView)
        assert view.selection is not None and view.selection.head == 0


async def test_a_coding_span_can_be_changed_and_the_change_undone(app: CoderApp, store: Store) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await open_t01(pilot, "j", "c", *"eigen", "enter")
        original = anna(store)
        await pilot.press("e", "left_curly_bracket", "left_curly_bracket", "enter")
        await pilot.pause()
        text = store.get_transcript("T01").text
        ((start, end, _),) = anna(store)
        assert text[start:end] == "Ik kom binnen en ik"
        await pilot.press("u")
        await pilot.pause()
        assert anna(store) == original


async def test_add_a_code_while_coding(app: CoderApp, store: Store) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await open_t01(pilot, "j", "n")
        assert isinstance(app.screen, CodeForm)
        await pilot.press(*"Eerst luisteren")
        app.screen.query_one("#code-definition").text = "De professional luistert voor hij handelt."
        await pilot.press("ctrl+s")
        await pilot.pause()
        other = reopen(store)
        code = other.get_code("eerst-luisteren")
        other.close()
        assert (code.origin, code.created_by, code.parent_id) == ("coder", "anna", None)
        assert code.description == "De professional luistert voor hij handelt."
        assert anna(store) == [(*sentence(store, "T01", "Ik kom binnen"), "eerst-luisteren")]
        tree = app.screen.query_one(CodeTree)
        assert "eerst-luisteren" in tree.codebook.by_id()


async def test_rename_an_own_code_but_not_a_shared_one(app: CoderApp, store: Store) -> None:
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_t01(pilot, "n", *"Mijn code", "ctrl+s")
        tree = screen.query_one(CodeTree)
        tree.focus()
        tree.select_code("generalistisch")
        await pilot.pause()
        assert tree.check_action("edit", ()) is False
        tree.select_code("mijn-code")
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, CodeForm)
        await pilot.press("end", *" nieuw", "ctrl+s")
        await pilot.pause()
        assert reopen(store).get_code("mijn-code").name == "Mijn code nieuw"


async def test_memos_on_a_coding_a_transcript_and_a_code(app: CoderApp, store: Store) -> None:
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_t01(pilot, "j", "c", *"eigen", "enter", "m")
        assert isinstance(app.screen, MemoDialog)
        await pilot.press(*"mooi citaat", "ctrl+s", "M", *"lang interview", "ctrl+s")
        tree = screen.query_one(CodeTree)
        tree.focus()
        tree.select_code("netwerk")
        await pilot.press("m", *"scherper maken", "ctrl+s")
        await pilot.pause()
        other = reopen(store)
        assert [c.memo for c in other.codings(coder="anna")] == ["mooi citaat"]
        assert other.memo("anna", "transcript", "T01").text == "lang interview"
        assert other.memo("anna", "code", "netwerk").text == "scherper maken"
        assert other.memo("bram", "transcript", "T01") is None


async def test_key_quote_flag_toggles(app: CoderApp, store: Store) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await open_t01(pilot, "j", "c", *"eigen", "enter", "asterisk")
        assert [c.key_quote for c in reopen(store).codings(coder="anna")] == [True]
        await pilot.press("asterisk")
        await pilot.pause()
        assert [c.key_quote for c in reopen(store).codings(coder="anna")] == [False]


async def test_undo_and_redo_every_step(app: CoderApp, store: Store) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await open_t01(pilot, "j", "c", *"eigen", "enter")
        applied = reopen(store).codings(coder="anna")
        await pilot.press("x", "u")
        await pilot.pause()
        assert reopen(store).codings(coder="anna") == applied
        await pilot.press("u")
        await pilot.pause()
        assert anna(store) == []
        await pilot.press("ctrl+y", "ctrl+y")
        await pilot.pause()
        assert anna(store) == []
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert reopen(store).codings(coder="anna") == applied


async def test_done_flag_and_home_progress(app: CoderApp, store: Store) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await open_t01(pilot, "j", "c", *"eigen", "enter", "d")
        assert isinstance(app.screen, ChoiceDialog), "little is coded: it asks first"
        await pilot.press("enter")
        await pilot.pause()
        assert reopen(store).is_done("T01", "anna")
        assert not reopen(store).is_done("T01", "bram")
        await pilot.press("q")
        await pilot.pause()
        row = next(r for r in app.screen.rows if r.id == "T01")  # type: ignore[attr-defined]
        assert (row.done, row.coded_sentences, row.codings) == (True, 1, 1)


async def test_the_cursor_starts_at_the_first_uncoded_respondent_sentence(
    app: CoderApp, store: Store
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        view = app.screen.query_one(TranscriptView)
        assert view.selection is not None
        assert (view.selection.start, view.selection.end) == sentence(store, "T01", "Ik kom binnen")


async def test_g_jumps_to_the_next_uncoded_respondent_sentence(app: CoderApp, store: Store) -> None:
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_t01(pilot, "j", "c", *"eigen", "enter", "g")
        view = screen.query_one(TranscriptView)
        assert view.selection is not None
        assert (view.selection.start, view.selection.end) == sentence(store, "T01", "hulpvragen")
        await pilot.press("G")
        assert view.selection.head == 2, "sentence 1 is coded and sentence 0 is the interviewer's"


async def test_a_refused_action_says_not_saved_and_changes_nothing(app: CoderApp, store: Store) -> None:
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_t01(pilot, "j", "n", *"Eigen code", "ctrl+s", "u")
        assert anna(store) == []
        other = reopen(store)
        apply_code(other, "anna", "T01", 5, 20, "eigen-code")
        other.close()
        await pilot.press("u")
        await pilot.pause()
        status = screen.query_one(StatusLine)
        assert status.saved.startswith("✗ not saved") and "in use" in status.saved
        assert reopen(store).has_code("eigen-code")


async def test_cancelled_dialogs_change_nothing(app: CoderApp, store: Store) -> None:
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_t01(pilot, "j", "c", *"eigen", "enter")
        before = reopen(store).codings(coder="anna")
        for key in ("m", "M", "n", "c", "slash", "ctrl+f"):
            await pilot.press(key)
            await pilot.pause()
            assert app.screen is not screen, key
            await pilot.press("escape")
            await pilot.pause()
            assert app.screen is screen, key
        tree = screen.query_one(CodeTree)
        tree.focus()
        await pilot.press("m", "escape")
        await pilot.pause()
        assert reopen(store).codings(coder="anna") == before
        assert reopen(store).memos() == []
