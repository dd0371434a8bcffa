"""Jumps that land in view, and screens that fit 80×24."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import DataTable
from textual.widgets._footer import FooterKey

from coder.services.project import init_project
from coder.services.transcripts import import_transcripts
from coder.storage import Store
from coder.tui.app import make_app
from coder.tui.messages import OpenTranscript
from coder.tui.screens.coding import CodingScreen
from coder.tui.widgets.code_tree import CodebookPane, CodeTree
from coder.tui.widgets.status import TitleBar, fit_parts
from coder.tui.widgets.transcript_view import TranscriptView

from .conftest import fixed_clock

LONG = "\n\n".join(
    f"I: Vraag {n}?\n\nR: Dit is antwoord {n}. Het gaat over werk en over tijd. " * 1 for n in range(60)
)


def long_project(root: Path) -> Store:
    """A project with a short and a long transcript (the long one runs over many screens)."""
    store, _ = init_project(root, name="Sociale teams (demo)")
    front = "---\ngemeente: Hardinxveld-Giessendam\nrol: wijkverpleegkundige en teamleider\njaar: 2018\n---\n"
    (root / "A01.txt").write_text(front + "I: Hallo?\n\nR: Dag.\n", encoding="utf-8")
    (root / "A02.txt").write_text(
        front + LONG + "\n\nR: Helemaal onderaan staat de schuldhulpverlening.\n", encoding="utf-8"
    )
    import_transcripts(store, [root / "A01.txt", root / "A02.txt"], lang="nl")
    return store


def in_view(view: TranscriptView) -> bool:
    """Whether the selection's first line is on screen."""
    assert view.selection is not None
    line = view._layout.line_of(view.selection.start)
    return int(view.scroll_y) <= line < int(view.scroll_y) + view.scrollable_content_region.height


async def test_a_jump_to_another_transcript_scrolls_its_target_into_view(tmp_path: Path) -> None:
    store = long_project(tmp_path / "p")
    text = store.get_transcript("A02").text
    at = text.index("schuldhulpverlening")
    app = make_app(store, "anna", clock=fixed_clock, cursor_blink=False)
    for size in ((80, 24), (120, 40)):
        async with app.run_test(size=size) as pilot:
            await pilot.press("enter")
            await pilot.pause()
            assert isinstance(app.screen, CodingScreen) and app.screen.transcript_id == "A01"
            app.screen.post_message(OpenTranscript("A02", (at, at + 19)))
            await pilot.pause()
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, CodingScreen) and screen.transcript_id == "A02"
            view = screen.query_one(TranscriptView)
            assert view.selection is not None and view.selection.start == at
            assert in_view(view), f"the hit is off-screen at {size}"
        app = make_app(store, "anna", clock=fixed_clock, cursor_blink=False)


async def test_home_at_80x24_shows_every_column(tmp_path: Path) -> None:
    store = long_project(tmp_path / "p")
    app = make_app(store, "anna", clock=fixed_clock, cursor_blink=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        table = app.screen.query_one("#transcripts", DataTable)
        labels = [str(c.label) for c in table.columns.values()]
        assert labels[-2:] == ["codings", "done"]
        assert table.virtual_size.width <= table.scrollable_content_region.width, "no column is cut"


async def test_coding_screen_at_80x24_folds_the_tree_and_keeps_titles_whole(tmp_path: Path) -> None:
    store = long_project(tmp_path / "p")
    app = make_app(store, "anna", clock=fixed_clock, cursor_blink=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("down", "enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, CodingScreen) and screen.transcript_id == "A02"
        pane, view = screen.query_one(CodebookPane), screen.query_one(TranscriptView)
        assert not pane.display and view.size.width >= 70, "the transcript gets the width"
        await pilot.press("b")
        await pilot.pause()
        assert pane.display and screen.query_one(CodeTree).has_focus
        await pilot.press("b")
        await pilot.pause()
        assert not pane.display and view.has_focus
        title = screen.query_one(TitleBar).render().plain
        assert title.startswith("coder · coder anna ") and title.rstrip().endswith("coded"), title


async def test_coding_screen_at_120x40_keeps_the_tree(tmp_path: Path) -> None:
    store = long_project(tmp_path / "p")
    app = make_app(store, "anna", clock=fixed_clock, cursor_blink=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen.query_one(CodebookPane).display
        title = app.screen.query_one(TitleBar).render().plain
        assert title.startswith("coder · ") and "coder anna" in title, title
        assert "· Hardinxveld-Giessendam ·" in title and title.rstrip().endswith("0/2 coded"), title


def test_titles_drop_middle_parts_before_cutting_words() -> None:
    left, right = fit_parts(
        "coder · Sociale teams (demo) · coder anna", "R01 · Zwolle · 2017 · 13/144 coded", 60
    )
    assert (left, right) == ("coder · coder anna", "R01 · Zwolle · 2017 · 13/144 coded")
    assert fit_parts("coder · x · review", "1 of 4", 78) == ("coder · x · review", "1 of 4")


async def test_lead_screen_footers_at_80_columns_show_how_to_leave(tmp_path: Path) -> None:
    store = long_project(tmp_path / "p")
    app = make_app(store, "lead", clock=fixed_clock, cursor_blink=False)
    async with app.run_test(size=(80, 24)) as pilot:
        for key in ("R", "B", "L", "A"):
            await pilot.press(key)
            await pilot.pause()
            await app.workers.wait_for_complete()
            await pilot.pause()
            shown = [k for k in app.screen.query(FooterKey) if k.action in ("close", "back", "leave")]
            assert shown and shown[0].region.right <= 80, f"{key}: the way out is off-screen"
            await pilot.press("q")
            await pilot.pause()
