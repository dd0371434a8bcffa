"""The code you meant: the picker's ranking, creating from the picker, and existing names."""

from __future__ import annotations

from textual.widgets import Input, Label

from coder.storage import Store
from coder.tui.app import CoderApp
from coder.tui.screens.dialogs import ChoiceDialog, CodeForm, CodePicker
from coder.tui.widgets.status import RecentBar

from .conftest import reopen, sentence
from .test_coding_actions import SIZE, anna, open_t01


async def test_the_exact_name_wins_over_a_recent_code_containing_it(app: CoderApp, store: Store) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await open_t01(pilot, "j", "c", *"wat is", "enter", "j", "c")
        await pilot.press(*"Generalistisch werken", "enter")
        await pilot.pause()
        first, second = sentence(store, "T01", "Ik kom binnen"), sentence(store, "T01", "hulpvragen")
        assert anna(store) == [(*first, "wat-is-generalistisch"), (*second, "generalistisch")]


async def test_a_query_matching_nothing_creates_the_code_on_enter(app: CoderApp, store: Store) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await open_t01(pilot, "j", "c", *"Privacy zorgen")
        assert isinstance(app.screen, CodePicker)
        assert '+ create "Privacy zorgen"' in str(
            app.screen.query_one("OptionList").highlighted_option.prompt
        )  # type: ignore[attr-defined]
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, CodeForm)
        assert app.screen.query_one("#code-name", Input).value == "Privacy zorgen"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert anna(store) == [(*sentence(store, "T01", "Ik kom binnen"), "privacy-zorgen")]


async def test_adding_an_existing_name_offers_the_existing_code_and_keeps_the_input(
    app: CoderApp, store: Store
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await open_t01(pilot, "j", "n", *"eigen  KRACHT", "ctrl+s")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, CodeForm), "the form stays open"
        assert form.query_one("#code-name", Input).value == "eigen  KRACHT"
        assert "'Eigen kracht' already exists: ctrl+e applies it" in str(
            form.query_one(".error", Label).render()
        )
        assert anna(store) == []
        await pilot.press("ctrl+e")
        await pilot.pause()
        assert anna(store) == [(*sentence(store, "T01", "Ik kom binnen"), "eigen-kracht")]
        assert not store.has_code("eigen-kracht-2") and len(store.codebook().codes) == 6


async def test_the_recent_codes_bar_numbers_what_1_to_9_apply(app: CoderApp, store: Store) -> None:
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_t01(pilot)
        bar = screen.query_one(RecentBar)
        assert "none yet" in bar.text.plain
        await pilot.press("j", "c", *"eigen", "enter", "c", *"netwerk", "enter")
        await pilot.pause()
        assert bar.text.plain.startswith("1 Netwerkgericht werken  2 Eigen kracht")
        assert bar.region.height == 1 and bar.region.width == SIZE[0], "on screen, one full line"


async def test_the_recent_codes_bar_shows_fewer_names_whole_rather_than_one_cut(
    app: CoderApp, store: Store
) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_t01(pilot)
        bar = screen.query_one(RecentBar)
        names = [
            "Netwerkgericht werken",
            "Eigen kracht",
            "Regie en zelfstandigheid",
            "Kwetsbaar of afhankelijk",
        ]
        bar.show_codes(names)
        await pilot.pause()
        shown = bar.text.plain
        assert shown.startswith("1 Netwerkgericht werken  2 Eigen kracht  3 Regie en zelfstandigheid")
        assert "4 " not in shown and "…" not in shown, "the fourth name would be cut, so it is left off"
        assert bar.text.cell_len <= bar.content_size.width


async def test_done_at_low_coverage_asks_first(app: CoderApp, store: Store) -> None:
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_t01(pilot, "j", "c", *"eigen", "enter", "d")
        dialog = app.screen
        assert isinstance(dialog, ChoiceDialog) and "respondent sentences" in dialog.title_text
        home_figure = f"{screen.coverage.covered}/{len(screen.coverage.counts)} in all"
        assert home_figure in dialog.title_text, "the figure the home screen shows, labelled"
        box = dialog.query_one("#choice-dialog")
        assert len(dialog.title_text) <= box.region.width - 4, "the whole question fits on the border"
        await pilot.press("down", "enter")
        await pilot.pause()
        assert app.screen is screen and not reopen(store).is_done("T01", "anna")
        coded, total = screen.coverage.respondent_coverage()
        assert 0 < coded < total / 2


async def test_done_with_most_sentences_coded_does_not_ask(app: CoderApp, store: Store) -> None:
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_t01(pilot, "t", "c", *"eigen", "enter")
        while screen.coverage.respondent_coverage()[0] * 2 < screen.coverage.respondent_coverage()[1]:
            await pilot.press("g", "1")
            await pilot.pause()
        await pilot.press("d")
        await pilot.pause()
        assert app.screen is screen and reopen(store).is_done("T01", "anna")


async def test_the_forms_message_is_on_screen_at_80_by_24(app: CoderApp, store: Store) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await open_t01(pilot, "j", "n", *"Eigen kracht", "ctrl+s")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, CodeForm)
        message = form.query_one(".error", Label)
        assert "already exists" in str(message.render())
        box = form.query_one("#code-form")
        # Inside the dialog's visible box, not below its bottom edge where it is clipped.
        assert box.region.contains_region(message.region), (message.region, box.region)
