"""Roles in the coding UI: only a lead opens the lead screens, and a coder sees the codes they use."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable, OptionList, Static

from coder.services import roles
from coder.services.codebook import add_code, merge_codes
from coder.services.codings import apply_code
from coder.storage import Store
from coder.tui.app import CoderApp, make_app
from coder.tui.screens.dialogs import ChoiceDialog, NamePrompt
from coder.tui.screens.home import HomeScreen
from coder.tui.widgets.code_tree import CodeTree
from coder.tui.widgets.status import DefinitionStrip, StatusLine
from coder.tui.widgets.transcript_view import TranscriptView

from .conftest import BRAM_CODE, fixed_clock, reopen, sentence
from .test_coding_actions import SIZE, open_t01

LEAD_KEYS = ["A", "R", "B", "T", "L"]


def messages(app: CoderApp) -> list[str]:
    """The notifications shown so far."""
    return [n.message for n in app._notifications]


@pytest.mark.parametrize("key", LEAD_KEYS)
async def test_a_coder_pressing_a_lead_key_gets_one_line_and_stays_home(store: Store, key: str) -> None:
    roles.add_lead(store, "lisa")
    app = make_app(store, "bram", clock=fixed_clock, cursor_blink=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press(key)
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert any("Only a lead (lisa) opens" in m for m in messages(app))
        titles = {c.title for c in app.get_system_commands(app.screen)}
        assert not {"Agreement", "Review disagreements", "Codebook merge", "Themes", "Audit log"} & titles
        assert "You code blind" in str(app.screen.query_one("#home-roles", Static).render())


@pytest.mark.parametrize(("leads", "line"), [(["lisa"], "You lead:"), ([], "No lead set")])
async def test_a_lead_or_anyone_without_a_lead_opens_the_lead_screens(
    store: Store, leads: list[str], line: str
) -> None:
    for name in leads:
        roles.add_lead(store, name)
    app = make_app(store, "lisa", clock=fixed_clock, cursor_blink=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert line in str(app.screen.query_one("#home-roles", Static).render())
        await pilot.press("L")
        await pilot.pause()
        assert type(app.screen).__name__ == "LogScreen"
        assert not messages(app)


async def test_a_coder_sees_the_code_their_codings_were_merged_into(store: Store) -> None:
    """Bram's own code merged into anna's: his tree, margin and status lines show her code's name."""
    privacy = add_code(store, "Privacy", "anna", "generalistisch", "Over privacy.")
    start, end = sentence(store, "T01", "hulpvragen")
    apply_code(store, "anna", "T01", start, end, privacy.id)
    bram_code = next(c.id for c in store.codebook().codes if c.name == BRAM_CODE)
    merge_codes(store, [bram_code], privacy.id, "lisa")
    app = make_app(store, "bram", clock=fixed_clock, cursor_blink=False)
    async with app.run_test(size=SIZE) as pilot:
        home_codes = app.screen.query_one("#codes", DataTable)
        names = [str(home_codes.get_row_at(i)[0]) for i in range(home_codes.row_count)]
        assert any(n.strip().endswith("Privacy") for n in names), "not marked (mine): anna added it"
        screen = await open_t01(pilot)
        tree = screen.query_one(CodeTree)
        assert privacy.id in tree.codebook.by_id() and tree.counts.get(privacy.id) == 1
        assert tree.codebook.path(privacy.id) == f"generalistisch/{privacy.id}"
        view = screen.query_one(TranscriptView)
        await pilot.press("home", "j")
        await pilot.pause()
        assert view._names[privacy.id] == "Privacy"
        status = screen.query_one(StatusLine).where
        assert "2 codes here" in status and "Privacy" in status
        strip = screen.query_one(DefinitionStrip).text.plain
        assert strip.startswith("Privacy") and "No code on this selection" not in strip
        shown = app.export_screenshot()
        assert "anna" not in shown.lower() and "Privacy" in shown


async def test_a_name_like_a_known_coder_asks_first_and_can_pick_the_known_one(store: Store) -> None:
    app = make_app(store, "Bram", clock=fixed_clock, cursor_blink=False, confirm_new=True)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ChoiceDialog)
        options = app.screen.query_one(OptionList)
        assert options.get_option_at_index(0).id == "use:bram"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen) and app.ctx is not None and app.ctx.coder == "bram"
    assert "Bram" not in {c["name"] for c in reopen(store).coders()}


async def test_a_brand_new_coder_is_created_only_on_confirmation(store: Store) -> None:
    app = make_app(store, None, clock=fixed_clock, cursor_blink=False, confirm_new=True)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press(*"carla", "enter")
        await pilot.pause()
        assert isinstance(app.screen, ChoiceDialog)
        assert "carla" not in {c["name"] for c in reopen(store).coders()}
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, NamePrompt), "cancel asks for the name again"
    assert "carla" not in {c["name"] for c in reopen(store).coders()}


async def test_confirming_creates_the_new_coder(store: Store) -> None:
    app = make_app(store, "carla", clock=fixed_clock, cursor_blink=False, confirm_new=True)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen) and app.ctx is not None and app.ctx.coder == "carla"
    assert "carla" in {c["name"] for c in reopen(store).coders()}
