"""The help screen tells a coder the truth about the lead screens; their own views stay open."""

from __future__ import annotations

from coder.services import roles
from coder.storage import Store
from coder.tui.app import make_app
from coder.tui.screens.help import HelpScreen

from .conftest import fixed_clock
from .test_coding_actions import SIZE

LEAD_SCREENS = {"Agreement", "Review disagreements", "Codebook merge", "Themes", "Audit log"}


async def _help_rows(store: Store, name: str) -> dict[str, str]:
    """What ``?`` on the home screen lists for ``name``: what each key does, by key."""
    app = make_app(store, name, clock=fixed_clock, cursor_blink=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        return {keys: what for _title, entries in app.screen.sections for keys, what in entries}


async def test_a_coder_s_help_says_ask_a_lead_instead_of_listing_the_lead_screens(store: Store) -> None:
    roles.add_lead(store, "lisa")
    rows = await _help_rows(store, "anna")
    assert not LEAD_SCREENS & set(rows.values())
    assert rows["A / R / B / T / L"] == "lead screens: ask a lead"
    assert rows["S"] == "Saturation"


async def test_a_lead_s_help_lists_every_lead_screen(store: Store) -> None:
    roles.add_lead(store, "lisa")
    rows = await _help_rows(store, "lisa")
    assert set(rows.values()) >= LEAD_SCREENS
    assert "lead screens: ask a lead" not in rows.values()


async def test_without_a_lead_everyone_s_help_lists_the_lead_screens(store: Store) -> None:
    rows = await _help_rows(store, "anna")
    assert set(rows.values()) >= LEAD_SCREENS


async def test_a_coder_opens_their_own_saturation_view_in_a_project_with_a_lead(store: Store) -> None:
    roles.add_lead(store, "lisa")
    app = make_app(store, "anna", clock=fixed_clock, cursor_blink=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("S")
        await pilot.pause()
        assert type(app.screen).__name__ == "SaturationScreen"
        assert not [n for n in app._notifications if "Only a lead" in n.message]
