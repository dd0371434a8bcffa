"""The agreement screen: worst code first, ⏎ to the disagreements, ⏎ to the context, esc back.

The project is built once (import runs spaCy segmentation) and copied per
test. Anna and bram agree on everything except three units:

* ``huisbezoek``: anna also coded T01 sentence 2 ("Ja, eh, ik werk ...") —
  alpha .644, the worst code, with one disagreement (A only);
* ``schulden``: bram's T02 coding runs on into sentence 7 ("I know the
  basics ...") — one disagreement (B only);
* ``werk`` (the theme): bram also coded T02 sentence 1 directly.
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
from textual.widgets import DataTable, Static

from coder.services.codebook import load_codebook_file
from coder.services.codings import import_codings
from coder.services.project import init_project, open_project
from coder.services.session import Session
from coder.services.transcripts import import_transcripts
from coder.storage import Store
from coder.tui.context import TuiContext
from coder.tui.screens.agreement import AgreementScreen
from coder.tui.widgets.agreement_table import (
    alpha_bar,
    coder_pairs,
    reading,
    short_path,
    trimmed,
    worst_first,
)

INTERVIEWS = Path(__file__).parents[1] / "data" / "interviews"

CODEBOOK = """\
name: Agreement test
codes:
  - id: werk
    name: Werk
    children:
      - id: huisbezoek
        name: Huisbezoek
      - id: samenwerking
        name: Samenwerking
  - id: schulden
    name: Schulden
"""

ANNA = """\
transcript,start,end,code
T01,59,100,huisbezoek
T01,134,193,huisbezoek
T01,134,193,schulden
T01,256,319,samenwerking
T02,97,166,samenwerking
T02,253,270,schulden
"""

BRAM = """\
transcript,start,end,code
T01,134,193,huisbezoek
T01,134,193,schulden
T01,256,319,samenwerking
T02,97,166,samenwerking
T02,253,323,schulden
T02,13,60,werk
"""


@pytest.fixture(scope="module")
def agreement_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project with T01, T02, a four-code codebook and anna's and bram's codings."""
    folder = tmp_path_factory.mktemp("agreement-template")
    store, _ = init_project(folder / "p", name="Sociale teams")
    import_transcripts(store, [INTERVIEWS / "T01.txt", INTERVIEWS / "T02.txt"], lang="nl")
    (folder / "codebook.yaml").write_text(CODEBOOK, encoding="utf-8")
    load_codebook_file(store, folder / "codebook.yaml")
    for coder, rows in (("anna", ANNA), ("bram", BRAM)):
        (folder / f"{coder}.csv").write_text(rows, encoding="utf-8")
        import_codings(store, folder / f"{coder}.csv", coder)
    store.close()
    return folder / "p"


@pytest.fixture
def project(agreement_template: Path, tmp_path: Path) -> Iterator[Store]:
    """A fresh copy of the template project."""
    shutil.copytree(agreement_template, tmp_path / "p")
    store = open_project(tmp_path / "p")
    yield store
    store.close()


class AgreementApp(App[None]):
    """The smallest host: pushes the agreement screen over the default screen."""

    def __init__(self, screen: AgreementScreen) -> None:
        super().__init__()
        self.agreement = screen

    def on_mount(self) -> None:
        self.push_screen(self.agreement)


def text_of(screen: AgreementScreen, selector: str) -> str:
    """The plain text a Static shows."""
    shown = screen.query_one(selector, Static).render()
    return shown.plain if isinstance(shown, Content) else str(shown)


def cells(table: DataTable[Any], row: int) -> list[str]:
    """The plain text of a table row."""
    return [getattr(c, "plain", str(c)) for c in table.get_row_at(row)]


async def settle(pilot: Pilot[Any]) -> None:
    """Wait for the screen's workers, then for the messages they post."""
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


# -- pure helpers --------------------------------------------------------------------------


def test_worst_first_puts_undefined_last() -> None:
    rows = [
        {"code": "b", "krippendorff_alpha": 0.9},
        {"code": "a", "krippendorff_alpha": None},
        {"code": "c", "krippendorff_alpha": -0.2},
        {"code": "d", "krippendorff_alpha": 0.5},
    ]
    assert [r["code"] for r in worst_first(rows)] == ["c", "d", "b", "a"]


def test_reading_follows_krippendorff() -> None:
    assert [reading(v)[0] for v in (0.8, 0.799, 0.667, 0.666, None)] == ["✓", "~", "~", "✗", "·"]


def test_alpha_bar_has_fixed_width() -> None:
    assert alpha_bar(1.0) == "█" * 10
    assert alpha_bar(-0.3) == " " * 10
    assert alpha_bar(0.55) == "█████▌    "


def test_trimmed_short_path_and_pairs() -> None:
    assert trimmed("a  b\nc", 10) == "a b c"
    assert trimmed("x" * 20, 10) == "x" * 9 + "…"
    assert short_path("werk/huisbezoek") == "werk/huisbezoek"
    assert (
        short_path("generalistisch/spanningsveld-generalist-specialist")
        == "…/spanningsveld-generalist-specialist"
    )
    assert short_path("a/" + "b" * 50, 10) == "…/bbbbbbb…"
    assert short_path("x" * 50, 10) == "x" * 9 + "…"
    assert short_path("Organisatie en randvoorwaarden › Privacy", 20) == "… › Privacy"
    assert coder_pairs(["bram", "cas", "anna"], me="cas") == [
        ("anna", "cas"),
        ("bram", "cas"),
        ("anna", "bram"),
    ]


# -- the screen ----------------------------------------------------------------------------


async def test_drill_down_from_worst_code_to_context_and_back(project: Store) -> None:
    app = AgreementApp(AgreementScreen(project, ("anna", "bram")))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.agreement
        codes = screen.query_one("#ag-codes", DataTable)
        assert codes.row_count == 4
        first = cells(codes, 0)
        assert first[0] == "Huisbezoek", "codes by name, not by id path"
        assert first[6] == "0.644 ✗"
        assert cells(codes, 3)[0] == "Samenwerking"
        assert "Overall" in text_of(screen, "#ag-overall")

        await pilot.press("enter")
        await settle(pilot)
        assert screen.view == "disagreements"
        listing = screen.query_one("#ag-disagreements", DataTable)
        assert listing.row_count == 1
        assert cells(listing, 0) == [
            "T01",
            "sentence 2",
            "A only (anna)",
            "Ja, eh, ik werk nu drie jaar in het team.",
        ]

        await pilot.press("enter")
        await pilot.pause()
        assert screen.view == "context"
        context = text_of(screen, "#ag-context-body")
        assert "Kunt u iets vertellen" in context  # the sentence before
        assert "Ja, eh, ik werk nu drie jaar in het team." in context
        assert "Dat weet ik al." in context  # the sentence after
        side_a, side_b = text_of(screen, "#ag-a-body"), text_of(screen, "#ag-b-body")
        assert "▶ Huisbezoek" in side_a
        assert "chars 59–100" in side_a
        assert "(none)" in side_b
        assert "Huisbezoek" not in side_b

        await pilot.press("escape")
        assert screen.view == "disagreements"
        await pilot.press("escape")
        assert screen.view == "codes"
        assert app.focused is codes
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is not screen


async def test_codes_show_by_name_and_their_path_on_demand(project: Store) -> None:
    app = AgreementApp(AgreementScreen(project, ("anna", "bram")))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        codes = app.agreement.query_one("#ag-codes", DataTable)
        assert cells(codes, 0)[0] == "Huisbezoek"
        await pilot.press("P")
        await pilot.pause()
        assert cells(codes, 0)[0] == "Werk › Huisbezoek"
        await pilot.press("enter")
        await settle(pilot)
        assert text_of(app.agreement, "#ag-code-heading").startswith("Werk › Huisbezoek — ")
        await pilot.press("enter")
        await pilot.pause()
        assert "▶ Werk › Huisbezoek" in text_of(app.agreement, "#ag-a-body")
        assert "werk/huisbezoek" not in text_of(app.agreement, "#ag-a-body")


async def test_b_only_disagreement_shows_bram_codes(project: Store) -> None:
    app = AgreementApp(AgreementScreen(project, ("anna", "bram")))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        codes = app.agreement.query_one("#ag-codes", DataTable)
        assert cells(codes, 2)[0] == "Schulden"
        await pilot.press("down", "down", "enter")
        await settle(pilot)
        listing = app.agreement.query_one("#ag-disagreements", DataTable)
        assert cells(listing, 0)[:3] == ["T02", "sentence 7", "B only (bram)"]
        await pilot.press("enter")
        await pilot.pause()
        side_b = text_of(app.agreement, "#ag-b-body")
        assert "▶ Schulden" in side_b
        assert "Debt counselling. I know the basics" in side_b  # bram's span runs over two sentences
        assert "(none)" in text_of(app.agreement, "#ag-a-body")


async def test_next_and_previous_disagreement_in_context(project: Store) -> None:
    app = AgreementApp(AgreementScreen(project, ("anna", "bram")))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("down", "enter")
        await settle(pilot)
        screen = app.agreement
        assert screen.code is not None and screen.code["code"] == "werk"
        assert screen.query_one("#ag-disagreements", DataTable).row_count == 2
        await pilot.press("enter")
        await pilot.pause()
        assert text_of(screen, "#ag-context-heading").startswith("T01 · sentence 2 of 9")
        assert not screen.check_action("toggle_unit", ())  # the footer shows only what applies here
        await pilot.press("n")
        await pilot.pause()
        assert text_of(screen, "#ag-context-heading").startswith("T02 · sentence 1 of 7")
        assert "▶ Werk" in text_of(screen, "#ag-b-body")  # bram coded the theme itself
        await pilot.press("p")
        await pilot.pause()
        assert text_of(screen, "#ag-context-heading").startswith("T01 · sentence 2 of 9")


async def test_unit_and_level_toggles_recompute(project: Store) -> None:
    app = AgreementApp(AgreementScreen(project, ("anna", "bram")))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("l")
        await settle(pilot)
        codes = app.agreement.query_one("#ag-codes", DataTable)
        assert [cells(codes, i)[0] for i in range(codes.row_count)] == ["Werk", "Schulden"]
        await pilot.press("u")
        await settle(pilot)
        assert app.agreement.report is not None
        assert (app.agreement.report["unit"], app.agreement.report["level"]) == ("turn", "theme")
        assert cells(codes, 0)[0] == "Werk"
        assert cells(codes, 1)[6] == "1.000 ✓"


async def test_context_picks_the_pair_and_errors_show(project: Store) -> None:
    ctx = TuiContext(project, Session(project, "bram", datetime.now), datetime.now)
    app = AgreementApp(AgreementScreen(ctx))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert app.agreement.coders == ("anna", "bram")
        assert app.agreement.query_one("#ag-codes", DataTable).row_count == 4
    app = AgreementApp(AgreementScreen(project, ("anna", "nobody")))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert "no coder named 'nobody'" in text_of(app.agreement, "#ag-overall")


def test_snapshot_code_table(project: Store, snap_compare: Any) -> None:
    app = AgreementApp(AgreementScreen(project, ("anna", "bram")))
    assert snap_compare(app, terminal_size=(120, 40), run_before=settle)


async def test_intervals_computed_in_a_worker_with_progress(project: Store) -> None:
    """`i` computes 95% bootstrap intervals off the main thread; the status line shows progress."""
    app = AgreementApp(AgreementScreen(project, ("anna", "bram")))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.agreement
        seen: list[str] = []
        original = screen._say

        def recording(text: str, error: bool = False) -> None:
            seen.append(text)
            original(text, error)

        screen._say = recording  # type: ignore[method-assign]
        await pilot.press("i")
        await settle(pilot)
        assert seen[0].startswith("computing 95% intervals") and seen[0].endswith(" 0%"), seen
        assert any(t.endswith("100%") for t in seen), seen
        codes = screen.query_one("#ag-codes", DataTable)
        labels = [getattr(c.label, "plain", str(c.label)) for c in codes.columns.values()]
        assert "α 95% CI" in labels
        assert screen.report is not None and screen.report["bootstrap"]["by"] == "transcript"
        column = labels.index("α 95% CI")
        shown = {i: cells(codes, i)[column] for i in range(codes.row_count)}
        assert len(screen.rows) == codes.row_count
        for i, row in enumerate(screen.rows):  # the table lists the rows in this order, by name
            expected = (
                "no CI"
                if row["ci"] is None
                else "{low:.2f}–{high:.2f}".format(**row["ci"]["krippendorff_alpha"])
            )
            assert shown[i] == expected, row["code"]
        assert "no CI" in shown.values() and any("–" in v for v in shown.values())
        overall = text_of(screen, "#ag-overall")
        assert "pooled decisions" in overall and "de Vries" in overall
        assert "fewer than 10 transcripts" in overall


async def test_footer_keys_are_whole_at_80_columns(project: Store) -> None:
    """At 80 columns the palette key covered `i 95%`: now every key shown is whole, i among them."""
    from textual.widgets._footer import FooterKey

    app = AgreementApp(AgreementScreen(project, ("anna", "bram")))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.pause()
        keys = [k for k in app.screen.query(FooterKey) if k.display]
        edge = next(k.region.x for k in keys if k.has_class("-command-palette"))
        shown = {k.key: k.region for k in keys if not k.has_class("-command-palette")}
        assert "i" in shown and all(r.right <= edge for r in shown.values()), shown


@pytest.mark.parametrize("width", [90, 160])
async def test_the_alpha_bar_is_whole_or_left_out(project: Store, width: int) -> None:
    """With intervals the table widens; a bar cut at the edge would make .66 and 1.00 look alike."""
    app = AgreementApp(AgreementScreen(project, ("anna", "bram")))
    async with app.run_test(size=(width, 40)) as pilot:
        await settle(pilot)
        await pilot.press("i")
        await settle(pilot)
        codes = app.agreement.query_one("#ag-codes", DataTable)
        labels = [getattr(c.label, "plain", str(c.label)) for c in codes.columns.values()]
        assert "α 95% CI" in labels
        used = sum(c.get_render_width(codes) for c in codes.columns.values())
        if width == 160:
            assert labels[-1] == "α bar", "room enough: the bar stays"
        assert "α bar" not in labels or used <= codes.size.width, (used, codes.size.width)


async def test_the_interval_column_is_on_screen_at_80_columns(project: Store) -> None:
    app = AgreementApp(AgreementScreen(project, ("anna", "bram")))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("i")
        await settle(pilot)
        codes = app.agreement.query_one("#ag-codes", DataTable)
        labels = [getattr(c.label, "plain", str(c.label)) for c in codes.columns.values()]
        assert labels[:1] == ["code"] and "α" in labels and "α 95% CI" in labels
        used = sum(c.get_render_width(codes) for c in codes.columns.values())
        assert used <= codes.size.width, (labels, used, codes.size.width)
