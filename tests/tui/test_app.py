"""The app shell: the name prompt, the home screen, help, palette, themes."""

from __future__ import annotations

from coder.storage import Store
from coder.tui.app import CoderApp, make_app
from coder.tui.screens.coding import CodingScreen
from coder.tui.screens.dialogs import NamePrompt
from coder.tui.screens.help import HelpScreen
from coder.tui.screens.home import HomeScreen
from coder.tui.widgets.code_tree import CodeTree

from .conftest import fixed_clock, reopen
from .test_coding_actions import SIZE, open_t01


async def test_the_name_prompt_asks_and_remembers_the_coder(store: Store) -> None:
    app = make_app(store, None, clock=fixed_clock, cursor_blink=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, NamePrompt)
        await pilot.press(*"an na", "enter")
        await pilot.pause()
        assert isinstance(app.screen, NamePrompt), "a name with a space is refused"
        await pilot.press("ctrl+u", *"carla", "enter")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert app.ctx is not None and app.ctx.coder == "carla"
    assert reopen(store).get_setting("last_coder") == "carla"
    again = make_app(store, None, clock=fixed_clock, cursor_blink=False)
    async with again.run_test(size=SIZE) as pilot:
        await pilot.pause()
        # Not filled in with the last coder: ⏎ alone must not open someone else's layer.
        assert again.screen.query_one("#name").value == ""  # type: ignore[attr-defined]
        await pilot.press("enter")
        await pilot.pause()
        assert not isinstance(again.screen, HomeScreen)
        await pilot.press(*"carla", "enter")
        await pilot.pause()
        assert isinstance(again.screen, HomeScreen)


async def test_a_given_coder_is_remembered_too(app: CoderApp, store: Store) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
    assert reopen(store).get_setting("last_coder") == "anna"


async def test_home_filters_by_attribute_and_opens_a_transcript(app: CoderApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash", *"gemeente=dev", "enter")
        await pilot.pause()
        table = app.screen.query_one("#transcripts")
        assert table.row_count == 1  # type: ignore[attr-defined]
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, CodingScreen) and app.screen.transcript_id == "T02"
        await pilot.press("q")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)


async def test_help_lists_every_key_including_hidden_ones(app: CoderApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await open_t01(pilot, "question_mark")
        assert isinstance(app.screen, HelpScreen)
        keys = {k for _title, rows in app.screen.sections for k, _what in rows}
        assert {"G", "⇧↑ / K", "[", "}", "ctrl+f", "u / ctrl+z", "ctrl+y", "t", "d"} <= keys
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, CodingScreen)


async def test_footer_and_palette_offer_only_what_applies(app: CoderApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_t01(pilot, "j")
        titles = {c.title for c in app.get_system_commands(screen)}
        assert "Apply a code to the selection (picker)" in titles
        assert "Code memo" in titles, "actions of the code tree are there even when it has no focus"
        assert not {"Remove a code from the selection", "Undo the last action"} & titles
        await pilot.press("c", *"eigen", "enter")
        await pilot.pause()
        titles = {c.title for c in app.get_system_commands(screen)}
        assert {
            "Remove a code from the selection",
            "Memo on a coding here",
            "Mark a coding as key quote",
            "Undo the last action",
            "Light / dark theme",
        } <= titles
        footer_keys = {b.binding.action for b in screen.active_bindings.values() if b.binding.show}
        assert "remove" in footer_keys and "redo" not in {
            b.binding.action for b in screen.active_bindings.values()
        }


async def test_the_palette_runs_an_action(app: CoderApp, store: Store) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await open_t01(pilot, "j", "c", *"eigen", "enter")
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"mark a coding as key", "enter")
        await pilot.pause()
        await pilot.pause()
        assert [c.key_quote for c in reopen(store).codings(coder="anna")] == [True]


async def test_the_code_filter_narrows_the_tree(app: CoderApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_t01(pilot, "tab")
        tree = screen.query_one(CodeTree)
        assert tree.has_focus
        await pilot.press("slash", *"netw")
        await pilot.pause()
        assert [n.data.id for n in tree._code_nodes.values()] == ["netwerk"]  # type: ignore[union-attr]
        await pilot.press("enter")
        assert tree.has_focus and tree.focused_code is not None and tree.focused_code.id == "netwerk"
        await pilot.press("slash", "escape")
        await pilot.pause()
        assert len(tree._code_nodes) == 5 and tree.has_focus, "all five shared codes again"


async def test_theme_toggles_between_light_and_dark(app: CoderApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        dark = app.theme
        await pilot.press("ctrl+t")
        assert app.theme != dark and not app.current_theme.dark
        await pilot.press("ctrl+t")
        assert app.theme == dark


async def test_help_names_screens_as_a_user_calls_them(app: CoderApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        assert app.screen.sections[0][0].startswith("Home screen — ")
        await pilot.press("escape")
        await open_t01(pilot, "question_mark")
        titles = [title for title, _rows in app.screen.sections]
        assert titles[0].startswith("Coding screen — ")
        assert any(t.startswith("Transcript view — ") for t in titles)
        assert not any("Screen —" in t or "View —" in t for t in titles), titles
