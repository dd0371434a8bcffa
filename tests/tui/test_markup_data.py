"""User data that looks like Rich/Textual markup is shown as written, never parsed."""

from __future__ import annotations

from pathlib import Path

from coder.services.codebook import load_codebook_file
from coder.services.codings import apply_code
from coder.services.project import init_project
from coder.services.transcripts import import_transcripts
from coder.storage import Store
from coder.tui.app import make_app
from coder.tui.screens.coding import CodingScreen
from coder.tui.screens.dialogs import MemoDialog
from coder.tui.screens.home import HomeScreen

from .conftest import fixed_clock
from .test_coding_actions import SIZE

TRANSCRIPT = """---
rol: "[/x]"
gemeente: "[anoniem]"
---

R: Ik heet [/naam] en woon in [anoniem]. Dat is alles.
"""
CODEBOOK = """\
name: "[b]Boek"
codes:
  - id: wonen
    name: "[/b] Wonen"
    description: "[anoniem] en [/i]"
"""
CODER = "anna"


def hostile_project(tmp_path: Path) -> Store:
    """A project whose attributes, coder, code and quote all look like markup."""
    store, _ = init_project(tmp_path / "proj", name="[/project]")
    source, book = tmp_path / "M01.txt", tmp_path / "book.yaml"
    source.write_text(TRANSCRIPT, encoding="utf-8")
    book.write_text(CODEBOOK, encoding="utf-8")
    import_transcripts(store, [source], lang="nl")
    load_codebook_file(store, book)
    text = store.get_transcript("M01").text
    start = text.index("Ik heet")
    apply_code(store, CODER, "M01", start, text.index(".", start) + 1, "wonen")
    return store


def screen_text(app: object) -> str:
    return app.export_screenshot().replace("&#160;", " ")  # type: ignore[attr-defined]


async def test_markup_like_data_shows_as_written_on_every_screen(tmp_path: Path) -> None:
    store = hostile_project(tmp_path)
    app = make_app(store, CODER, clock=fixed_clock, cursor_blink=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        home = screen_text(app)
        assert "[/x]" in home and "[anoniem]" in home
        await pilot.click("#--content-tab-tab-codebook")
        await pilot.pause()
        codes = screen_text(app)
        assert "[/b] Wonen" in codes and "[anoniem] en [/i]" in codes
        await pilot.click("#--content-tab-tab-transcripts")
        await pilot.pause()
        app.screen.query_one("#transcripts").focus()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, CodingScreen)
        await pilot.press("home")
        await pilot.pause()
        coding = screen_text(app)
        assert "[/naam]" in coding and "[anoniem]" in coding and "[/b] Wonen" in coding
        await pilot.press("m")
        await pilot.pause()
        assert isinstance(app.screen, MemoDialog)
        assert "[/naam]" in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("n")  # the new-code form lists every code as a possible parent
        await pilot.pause()
        parent = app.screen.query_one("#code-parent")
        assert [str(prompt) for prompt, _ in parent._options][1:] == ["[/b] Wonen"]  # type: ignore[attr-defined]
        await pilot.press("escape")
        await pilot.pause()
        app.notify("saved [/x] for [/]")
        await pilot.pause()
        shown = list(app._notifications)
        assert shown[-1].message == "saved [/x] for [/]" and shown[-1].markup is False
    assert app.return_code in (0, None)
    store.close()
