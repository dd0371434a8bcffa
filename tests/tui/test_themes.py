"""The themes screen: quotes per theme and linked survey figures, driven with Pilot.

The project (T01 nl, T02 en, the small test codebook with links to an
aggregate and a respondent-level survey, and a ``final`` and an ``anna``
layer) is built once and copied per test.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from textual.app import App
from textual.content import Content
from textual.pilot import Pilot
from textual.widgets import DataTable, OptionList, Static, Tree

from coder.formats.reports.data import ComparisonFigure, GroupFigure, LinkedItem, Quote, QuoteContext
from coder.services.codebook import load_codebook_file
from coder.services.project import init_project, open_project
from coder.services.session import Session
from coder.services.surveys import import_survey
from coder.services.transcripts import import_transcripts
from coder.storage import Store
from coder.tui.context import TuiContext
from coder.tui.messages import OpenTranscript
from coder.tui.screens.themes import ThemesScreen, change_cell, figures_cell, quote_prompt, spark
from tests.conftest import CODEBOOK_YAML

DATA = Path(__file__).parents[1] / "data"
CODEBOOK = CODEBOOK_YAML.replace(
    "    description: Breed kijken naar de vraag.\n",
    "    description: Breed kijken naar de vraag.\n    links: [bakens:3_1, panel:q1]\n",
)
# (layer, transcript, passage, code, key quote)
CODINGS = [
    ("final", "T01", "We doen veel huisbezoeken, bijv. bij gezinnen met schulden.", "generalistisch", False),
    ("final", "T01", "Soms goed, soms niet.", "spanningsveld", False),
    ("final", "T01", "De hulpvragen zijn vaak groot en complex.", "spanningsveld", True),
    (
        "final",
        "T02",
        "Debt counselling. I know the basics, but the specialist knows the law.",
        "beperkingen",
        False,
    ),
    ("anna", "T02", "Honestly, it depends.", "spanningsveld", False),
]


@pytest.fixture(scope="module")
def themes_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The test project with codings in two layers and two surveys."""
    folder = tmp_path_factory.mktemp("themes-template")
    store, _ = init_project(folder / "p", name="Sociale teams")
    import_transcripts(store, [DATA / "interviews" / "T01.txt", DATA / "interviews" / "T02.txt"])
    (folder / "codebook.yaml").write_text(CODEBOOK, encoding="utf-8")
    load_codebook_file(store, folder / "codebook.yaml")
    texts = store.transcript_texts()
    with store.transaction():
        for layer, tid, passage, code, key in CODINGS:
            store.ensure_coder(layer)
            start = texts[tid].index(passage)
            store.add_coding(layer, tid, start, start + len(passage), code, key_quote=key)
    for name in ("bakens", "panel"):
        import_survey(store, DATA / "survey" / f"{name}.csv", name)
    store.close()
    return folder / "p"


@pytest.fixture
def project(themes_template: Path, tmp_path: Path) -> Iterator[Store]:
    """A fresh copy of the template project."""
    shutil.copytree(themes_template, tmp_path / "p")
    store = open_project(tmp_path / "p")
    yield store
    store.close()


class ThemesApp(App[None]):
    """The smallest host: pushes the themes screen and records what it posts."""

    def __init__(self, screen: ThemesScreen) -> None:
        super().__init__()
        self.themes = screen
        self.opened: list[OpenTranscript] = []

    def on_mount(self) -> None:
        self.push_screen(self.themes)

    def on_open_transcript(self, message: OpenTranscript) -> None:
        self.opened.append(message)


async def settle(pilot: Pilot[Any]) -> None:
    """Wait for the screen's worker, then for what it posts."""
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def text_of(screen: ThemesScreen, selector: str) -> str:
    """The plain text a Static shows."""
    shown = screen.query_one(selector, Static).render()
    return shown.plain if isinstance(shown, Content) else str(shown)


def quotes_shown(screen: ThemesScreen) -> list[str]:
    """The last line (the quote text) of every option in the quote list."""
    options = screen.query_one("#th-quotes", OptionList)
    return [
        str(options.get_option_at_index(i).prompt).rstrip("\n").split("\n")[-1]
        for i in range(options.option_count)
    ]


# -- pure helpers ------------------------------------------------------------------------------


def test_cells_show_figures_bars_and_tested_change() -> None:
    assert spark([2.5, 5.0], 5.0) == "▄█"
    table = LinkedItem("bakens", "3_1", "G", "aggregate", {"2015": 4.6, "2017": 4.7}, "codebook")
    assert figures_cell(table) == "2015 4.6 · 2017 4.7  ▇█"  # on a 0-5 axis
    assert change_cell(table) == "+0.1"
    groups = (GroupFigure("2016", 5, 2.4, 1.1, 20.0), GroupFigure("2017", 5, 4.2, 0.8, 80.0))
    tested = LinkedItem(
        "panel", "q1", "Q", "respondents", {"2016": 2.4, "2017": 4.2}, "codebook", "jaar", groups,
        first_last=ComparisonFigure("2016", "2017", 0.03, 0.8, "*"), direction="up", scale_max=5.0,
    )  # fmt: skip
    assert change_cell(tested) == "+1.8 ↑ *"


def test_quote_prompt_shows_who_where_and_the_question() -> None:
    quote = Quote(
        "T01", 5, 25, "Soms goed, soms niet.", "a/b", {"gemeente": "Zwolle"}, "R", 4, True,
        context=QuoteContext("I", 0, 3, "En?"),
    )  # fmt: skip
    lines = quote_prompt(quote, "Spanningsveld", show_context=True).plain.rstrip("\n").split("\n")
    assert lines == [
        "T01  gemeente: Zwolle  turn 4 (R)  [Spanningsveld]  ★ key quote",
        "↳ I: En?",
        "Soms goed, soms niet.",
    ]
    assert quote_prompt(quote, None, show_context=False).plain.count("\n") == 2  # head, text, blank line


# -- the screen ---------------------------------------------------------------------------------


async def test_browse_themes_quotes_and_linked_figures(project: Store) -> None:
    app = ThemesApp(ThemesScreen(project, "final"))
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        screen = app.themes
        tree = screen.query_one("#th-tree", Tree)
        labels = [str(n.label).split("  ")[0] for n in tree.root.children]
        assert labels == ["Generalistisch werken", "Eigen kracht"]
        assert screen.code_id == "generalistisch"
        assert "3 quotes from 1 respondents" in text_of(screen, "#th-heading")
        assert quotes_shown(screen)[0] == "De hulpvragen zijn vaak groot en complex."  # the key quote first
        items = screen.query_one("#th-items", DataTable)
        rows = [[str(c) for c in items.get_row_at(i)] for i in range(items.row_count)]
        assert [r[0] for r in rows] == ["bakens:3_1", "panel:q1"]
        assert rows[0][2].startswith("2015 4.6 · 2016 4.6 · 2017 4.7")
        assert rows[1][2].startswith("2016 2.4 · 2017 4.2")
        await pilot.press("k")
        assert quotes_shown(screen) == ["De hulpvragen zijn vaak groot en complex."]
        await pilot.press("k", "down", "down")
        assert screen.code_id == "spanningsveld" and len(quotes_shown(screen)) == 2
        assert items.row_count == 0
        assert "4 quotes of final in 2 transcripts" in text_of(screen, "#th-status")
        await pilot.press("escape")
        assert not isinstance(app.screen, ThemesScreen)


async def test_layers_offered_when_hosted_and_quotes_open_in_the_transcript(project: Store) -> None:
    bram_was_here = project.transcript_texts()["T01"].index("Hij komt morgen.")
    with project.transaction():
        project.ensure_coder("bram")
        project.add_coding("bram", "T01", bram_was_here, bram_was_here + 16, "beperkingen")
    context = TuiContext(project, Session(project, "anna", datetime.now), datetime.now)
    app = ThemesApp(ThemesScreen(context))
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        screen = app.themes
        assert screen.layer == "final"
        assert screen.overview is not None and screen.overview.layers == ("anna", "final")  # never bram's
        await pilot.press("c")
        await settle(pilot)
        assert screen.layer == "anna" and screen.code_id == "generalistisch"
        assert quotes_shown(screen) == ["Honestly, it depends."]
        screen.query_one("#th-quotes", OptionList).focus()
        await pilot.press("down", "enter")
        await pilot.pause()
        start = project.transcript_texts()["T02"].index("Honestly, it depends.")
        assert [(m.transcript_id, m.span) for m in app.opened] == [("T02", (start, start + 21))]


async def test_a_broken_link_is_a_warning_not_an_empty_screen(project: Store) -> None:
    with project.transaction():
        project.add_link("beperkingen", "bakens", "9_9")
    app = ThemesApp(ThemesScreen(project))
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        status = text_of(app.themes, "#th-status")
        assert "⚠" in status and "'9_9'" in status
        assert quotes_shown(app.themes)


async def test_a_writes_the_codebook_appendix_to_the_exports_folder(project: Store) -> None:
    from docx import Document

    app = ThemesApp(ThemesScreen(project, "final"))
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        await pilot.press("a")
        await app.workers.wait_for_complete()
        await pilot.pause()
        out = project.root / "exports" / "codebook-appendix.docx"
        assert f"wrote the codebook appendix to {out}" in text_of(app.themes, "#th-status")
    headings = [p.text for p in Document(str(out)).paragraphs if p.style.name.startswith("Heading")]
    assert any(h.startswith("Generalistisch werken") for h in headings)
