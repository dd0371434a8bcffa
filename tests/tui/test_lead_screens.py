"""Jumps that land in view, and screens that fit 80×24."""

from __future__ import annotations

from pathlib import Path

from coder.services.project import init_project
from coder.services.transcripts import import_transcripts
from coder.storage import Store
from coder.tui.app import make_app
from coder.tui.messages import OpenTranscript
from coder.tui.screens.coding import CodingScreen
from coder.tui.widgets.transcript_view import TranscriptView

from .conftest import fixed_clock

LONG = "\n\n".join(
    f"I: Vraag {n}?\n\nR: Dit is antwoord {n}. Het gaat over werk en over tijd. " * 1 for n in range(60)
)


def long_project(root: Path) -> Store:
    """A project with a short and a long transcript (the long one runs over many screens)."""
    store, _ = init_project(root, name="Lang")
    (root / "A01.txt").write_text("I: Hallo?\n\nR: Dag.\n", encoding="utf-8")
    (root / "A02.txt").write_text(LONG + "\n\nR: Helemaal onderaan staat de schuldhulpverlening.\n", encoding="utf-8")
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
