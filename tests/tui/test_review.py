"""The review screen driven with Pilot: decide with one key, notes, adjust, resume, undo.

The project is the two-coder project of ``tests/test_reconcile.py`` (anna and
bram, near-duplicate added codes), reconciled into ``final``: four
disagreements, one of them a conflict (anna ``handelingsverlegenheid``, bram
``spanningsveld`` on the same T02 sentence).
"""

from __future__ import annotations

import re
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.app import App
from textual.content import Content
from textual.widgets import DataTable, Input, Label, OptionList, Static

from coder.analysis.reconcile import Piece
from coder.errors import CoderError
from coder.services.codebook import load_codebook_file
from coder.services.project import init_project, open_project
from coder.services.reconcile import decide, reconcile, review_queue
from coder.services.transcripts import import_transcripts
from coder.storage import Store
from coder.tui.screens.adjust import AdjustDialog
from coder.tui.screens.log import LogScreen
from coder.tui.screens.merge import MergeScreen
from coder.tui.screens.review import ReviewScreen, context_span, first_open
from coder.tui.widgets.status import TitleBar
from coder.tui.widgets.transcript_view import TranscriptView
from tests.conftest import CODEBOOK_YAML
from tests.test_reconcile import add_two_coders, span

INTERVIEWS = Path(__file__).parents[1] / "data" / "interviews"


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The reconciled two-coder project, built once (importing runs spaCy)."""
    folder = tmp_path_factory.mktemp("review-template")
    store, _ = init_project(folder / "p", name="Sociale teams")
    import_transcripts(store, sorted(INTERVIEWS.glob("*.txt")))
    (folder / "codebook.yaml").write_text(CODEBOOK_YAML, encoding="utf-8")
    load_codebook_file(store, folder / "codebook.yaml")
    add_two_coders(store)
    reconcile(store, ("anna", "bram"), "final")
    store.close()
    return folder / "p"


@pytest.fixture
def project(template: Path, tmp_path: Path) -> Iterator[Store]:
    """A fresh copy of the reconciled project."""
    shutil.copytree(template, tmp_path / "p")
    store = open_project(tmp_path / "p")
    yield store
    store.close()


class ReviewApp(App[None]):
    """The smallest host: pushes the review screen and records what it posts."""

    def __init__(self, screen: ReviewScreen) -> None:
        super().__init__()
        self.review = screen
        self.decided: list[Any] = []

    def on_mount(self) -> None:
        self.push_screen(self.review)

    def on_review_screen_decided(self, message: ReviewScreen.Decided) -> None:
        self.decided.append(message.item)


def shown(screen: ReviewScreen, selector: str) -> str:
    """The plain text a Static shows."""
    rendered = screen.query_one(selector, Static).render()
    return rendered.plain if isinstance(rendered, Content) else str(rendered)


def progress(screen: ReviewScreen) -> str:
    """The progress the title bar shows."""
    assert screen.query_one(TitleBar).right == screen.progress
    return str(screen.progress)


def final(store: Store) -> set[tuple[str, int, int, str]]:
    """The consensus layer's codings."""
    return {(c.transcript_id, c.start, c.end, c.code_id) for c in store.codings(coder="final")}


def test_first_open_wraps_round(project: Store) -> None:
    items = review_queue(project)
    assert first_open(items) == 0
    assert first_open(items, len(items) - 1) == 0
    lo, hi = context_span(project, items[0])
    assert lo <= items[0].start < items[0].end <= hi


async def test_one_key_decides_and_moves_on(project: Store) -> None:
    app = ReviewApp(ReviewScreen(project, "lead"))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.review
        assert progress(screen) == "1 of 4 · 4 open"
        first = screen.current
        assert first is not None
        assert screen.query_one("#rv-side-a").border_title == "A · anna"
        await pilot.press("a")
        await pilot.pause()
        assert progress(screen) == "2 of 4 · 3 open"
        assert app.decided and app.decided[0].id == first.id and app.decided[0].choice == "a"
    stored = project.get_review_item(first.id)
    assert (stored.status, stored.choice, stored.decided_by) == ("decided", "a", "lead")
    assert project.audit_entries("review.decide")[-1].target == f"final#{first.id}"


async def test_conflict_shows_both_sides_and_takes_a_note(project: Store) -> None:
    conflict = next(
        q for q in review_queue(project) if q.transcript_id == "T02" and q.side("a") and q.side("b")
    )
    app = ReviewApp(ReviewScreen(project, "lead"))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.review
        while screen.current is not None and screen.current.id != conflict.id:
            await pilot.press("right")
        assert "Handelingsverlegenheid" in shown(screen, "#rv-a-body")
        assert "Spanningsveld" in shown(screen, "#rv-b-body")
        assert "generalistisch/" not in shown(screen, "#rv-a-body"), "names, not id paths"
        await pilot.press("P")
        assert "Generalistisch werken › Handelingsverlegenheid" in shown(screen, "#rv-a-body")
        assert "But some things I just can't do." in shown(screen, "#rv-context-body")
        await pilot.press("m")
        assert screen.query_one("#rv-note", Input).has_focus
        await pilot.press(*"fits B", "enter")
        await pilot.press("2")
        await pilot.pause()
    stored = project.get_review_item(conflict.id)
    assert (stored.choice, stored.note) == ("both", "fits B")
    cant = span(project, "T02", "But some things I just can't do.")
    assert {("T02", *cant, "handelingsverlegenheid"), ("T02", *cant, "spanningsveld")} <= final(project)


async def test_adjust_neither_undo_and_resume(project: Store) -> None:
    items = review_queue(project)
    app = ReviewApp(ReviewScreen(project, "lead"))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.review
        await pilot.press("n")  # the first: neither
        await pilot.pause()
        await pilot.press("e")  # the second: adjusted
        await pilot.pause()
        assert isinstance(app.screen, AdjustDialog)
        app.screen.query_one("#adjust-code", Input).value = "Eigen kracht"
        second = items[1]
        await pilot.press("enter")
        await pilot.pause()
        assert progress(screen) == "2 of 4 · 2 open", "the adjusted one stays in view"
        await pilot.press("u")
        await pilot.pause()
        assert progress(screen) == "2 of 4 · 3 open"
    assert project.get_review_item(items[0].id).choice == "neither"
    assert project.get_review_item(items[1].id).status == "open"
    assert ("T01", second.start, second.end, "eigen-kracht") not in final(project)
    assert [e.action for e in project.audit_entries() if e.action.startswith("review.")] == [
        "review.decide",
        "review.decide",
        "review.reopen",
    ]
    resumed = ReviewApp(ReviewScreen(project, "lead"))
    async with resumed.run_test(size=(120, 40)):
        assert resumed.review.current is not None and resumed.review.current.id == items[1].id
        assert progress(resumed.review) == "2 of 4 · 3 open"


async def test_edit_with_a_bad_code_keeps_the_dialog_and_the_input(project: Store) -> None:
    app = ReviewApp(ReviewScreen(project, "lead"))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("e")
        await pilot.pause()
        app.screen.query_one("#adjust-code", Input).value = "eigen-krcht"
        app.screen.query_one("#adjust-code", Input).focus()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, AdjustDialog), "a mistyped code keeps the dialog open"
        assert app.screen.query_one("#adjust-code", Input).value == "eigen-krcht"
        assert "No code 'eigen-krcht'" in str(app.screen.query_one(".error", Label).render())
        assert app.review.current is not None and app.review.current.status == "open"
    assert project.audit_entries("review.decide") == []


async def test_adjust_selects_as_the_coding_screen_does_and_stores_whole_words(project: Store) -> None:
    item = review_queue(project)[0]
    text = project.get_transcript(item.transcript_id).text
    app = ReviewApp(ReviewScreen(project, "lead"))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("e")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, AdjustDialog)
        view = dialog.query_one(TranscriptView)
        assert view.selection is not None and (view.selection.start, view.selection.end) == (
            item.start,
            item.end,
        )
        await pilot.press("t")  # the whole speaker turn, as on the coding screen
        await pilot.press("right_curly_bracket", "left_curly_bracket", "left_curly_bracket")
        await pilot.pause()
        sel = view.selection
        assert sel is not None
        quote = " ".join(text[sel.start : sel.end].split())
        assert quote in shown(dialog, "#adjust-quote")
        dialog.query_one("#adjust-code", Input).value = "werkdruk"
        await pilot.press("enter")
        await pilot.pause()
        assert not isinstance(app.screen, AdjustDialog)
        assert (
            app.review.query_one("#rv-context").border_title
            == f"{item.transcript_id} · chars {sel.start}–{sel.end}"
        )
    stored = project.get_review_item(item.id)
    assert [(p.start, p.end, p.code) for p in stored.result] == [(sel.start, sel.end, "werkdruk")]
    assert not text[sel.start - 1].isalnum() and not text[sel.end].isalnum()


def test_an_adjusted_span_inside_words_is_widened_to_whole_words(project: Store) -> None:
    item = review_queue(project)[0]
    text = project.get_transcript(item.transcript_id).text
    word = re.search(r"\w{6,}", text)
    assert word is not None
    inside = word.start() + 2
    decided = decide(project, item.id, "edit", "lead", edit=[Piece(inside, inside + 3, "werkdruk")])
    (piece,) = decided.result
    assert text[piece.start : piece.end] == word.group()
    with pytest.raises(CoderError, match="holds no words"):
        blank = text.index(" ")
        decide(project, item.id, "edit", "lead", edit=[Piece(blank, blank + 1, "werkdruk")])


async def test_empty_queue_says_what_to_do(tmp_path: Path) -> None:
    store, _ = init_project(tmp_path / "empty")
    app = ReviewApp(ReviewScreen(store, "lead"))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert "needs two coders who have coded" in shown(app.review, "#rv-heading")
        await pilot.press("a")  # nothing to decide: no error


async def test_review_builds_the_layer_for_the_coders_present(template: Path, tmp_path: Path) -> None:
    shutil.copytree(template, tmp_path / "p")
    store = open_project(tmp_path / "p")
    app = ReviewApp(ReviewScreen(store, "lead", layer="second"))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        hint = shown(app.review, "#rv-heading")
        assert "from anna and bram" in hint and "--coders anna,bram --into second" in hint
        assert "A,B" not in hint
        await pilot.press("r")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert progress(app.review) == "1 of 4 · 4 open"
    assert len(review_queue(store, "second")) == 4
    assert store.audit_entries("reconcile.run")[-1].actor == "lead"
    store.close()


# -- the codebook merge screen and the log screen, hosted the same way --------------------


class HostApp(App[None]):
    """Pushes any screen over the default screen."""

    def __init__(self, screen: Any) -> None:
        super().__init__()
        self.hosted = screen

    def on_mount(self) -> None:
        self.push_screen(self.hosted)


async def test_merge_screen_merges_the_best_suggestion_with_one_key(project: Store) -> None:
    total = len(project.codings())
    app = HostApp(MergeScreen(project, "lead"))
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.hosted
        assert screen.query_one("#mg-added", DataTable).row_count == 4
        best = screen.suggestions[0]
        assert {best.source.id, best.target.id} == {"privacy", "privacywetgeving"}
        top = cells(screen.query_one("#mg-suggestions", DataTable), 0)
        assert "compound" in top[3]
        assert {top[1].split(" (")[0], top[2].split(" (")[0]} == {best.source.name, best.target.name}
        added = cells(screen.query_one("#mg-added", DataTable), 0)
        assert "/" not in added[0] + added[3], "names and their place in the tree, not id paths"
        await pilot.press("m")
        await pilot.pause()
        await pilot.press("enter")  # the merge asks first
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert not project.has_code(best.source.id)
        assert screen.query_one("#mg-added", DataTable).row_count == 3
        werk = screen.suggestions[0]
        assert {werk.source.id, werk.target.id} == {"werkdruk", "werkbelasting"}
        await pilot.press("k")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert all({s.source.id, s.target.id} != {"werkdruk", "werkbelasting"} for s in screen.suggestions)
    assert len(project.codings()) == total
    assert [e.action for e in project.audit_entries()][-2:] == ["code.merge", "code.keep_separate"]


async def focus_added_codes(app: HostApp, pilot: Any) -> None:
    """Wait for the merge screen's ranking, then focus its table of coder-added codes."""
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()
    app.hosted.query_one("#mg-added", DataTable).focus()
    await pilot.pause()


async def test_merge_screen_renames_the_focused_code(project: Store) -> None:
    app = HostApp(MergeScreen(project, "lead"))
    async with app.run_test(size=(140, 40)) as pilot:
        await focus_added_codes(app, pilot)
        await pilot.press("r")
        await pilot.pause()
        app.screen.query_one(Input).value = "Privacy en gegevens"
        await pilot.press("enter")
        await pilot.pause()
    assert project.get_code("privacy").name == "Privacy en gegevens"
    assert project.audit_entries("code.edit")[-1].after == {"name": "Privacy en gegevens"}


async def test_log_screen_lists_newest_first_and_filters(project: Store) -> None:
    decide(project, review_queue(project)[0].id, "a", "lead", note="logged")
    app = HostApp(LogScreen(project))
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.pause()
        table = app.hosted.query_one(DataTable)
        assert table.row_count == len(project.audit_entries())
        assert cells(table, 0)[2] == "review.decide"
        assert '"note": "logged"' in shown(app.hosted, "#log-detail-body")
        await pilot.press("slash", *"reconcile")
        await pilot.pause()
        assert table.row_count == 1 and cells(table, 0)[2] == "reconcile.run"
        await pilot.press("escape")
        assert table.has_focus


def cells(table: DataTable[Any], row: int) -> list[str]:
    """The plain text of a table row."""
    return [getattr(c, "plain", str(c)) for c in table.get_row_at(row)]


@pytest.mark.parametrize(("name", "cls"), [("review", ReviewScreen), ("merge", MergeScreen)])
async def test_the_coding_app_hosts_the_screens(project: Store, name: str, cls: type) -> None:
    from coder.tui.app import make_app

    app = make_app(project, "lead", cursor_blink=False)
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.pause()
        app.action_open_screen(name)
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, cls)
        assert getattr(app.screen, "actor", None) == "lead"
        await pilot.press("q")
        await pilot.pause()
        assert not isinstance(app.screen, cls)


async def test_merge_screen_offers_a_backup_before_deleting_a_code(project: Store) -> None:
    app = HostApp(MergeScreen(project, "lead"))
    async with app.run_test(size=(140, 40)) as pilot:
        await focus_added_codes(app, pilot)
        code_id = app.hosted._code().id
        await pilot.press("x")
        await pilot.pause()
        options = app.screen.query_one(OptionList)
        assert "back up the project first" in str(options.get_option("backup-delete").prompt)
        options.focus()
        options.highlighted = options.get_option_index("backup-delete")
        await pilot.press("enter")
        await pilot.pause()
        notes = [n.message for n in app._notifications]
    assert not project.has_code(code_id), notes
    [copy] = (project.root / "backups").glob("before-code.delete-*.db")
    conn = sqlite3.connect(copy)
    assert conn.execute("select count(*) from codes where id = ?", [code_id]).fetchone() == (1,)
    conn.close()


async def test_merge_asks_saying_what_moves_and_u_undoes_it(project: Store) -> None:
    from coder.tui.screens.merge import ChoiceDialog

    codebook, codings = project.codebook(), project.codings()
    app = HostApp(MergeScreen(project, "lead"))
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.hosted
        best = screen.suggestions[0]
        moving = [c for c in codings if c.code_id == best.source.id]
        coders = sorted({c.coder for c in moving})
        assert "undo" not in {b.binding.action for b in screen.active_bindings.values()}
        await pilot.press("m")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ChoiceDialog)
        offer = dialog.choices[0][1]
        assert f"{len(moving)} codings move" in offer and all(f"of {c}" in offer for c in coders)
        await pilot.press("escape")
        await pilot.pause()
        assert project.has_code(best.source.id), "cancelled: nothing merged"
        await pilot.press("m", "enter")
        await pilot.pause()
        await app.workers.wait_for_complete()
        assert not project.has_code(best.source.id)
        await pilot.press("u")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert (project.codebook(), project.codings()) == (codebook, codings)
        assert {best.source.id, best.target.id} == {
            screen.suggestions[0].source.id,
            screen.suggestions[0].target.id,
        }, "the suggestion is back"


async def test_log_screen_names_passages_not_ids(project: Store) -> None:
    item = review_queue(project)[0]
    decide(project, item.id, "a", "lead")
    app = HostApp(LogScreen(project))
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.pause()
        row = cells(app.hosted.query_one(DataTable), 0)
        assert row[2] == "review.decide"
        assert row[3].startswith(f"{item.transcript_id} · sentence"), row
        assert "final#" not in row[3]


async def test_the_merge_detail_follows_the_focused_table_so_it_describes_what_m_acts_on(
    project: Store,
) -> None:
    app = HostApp(MergeScreen(project, "lead"))
    async with app.run_test(size=(140, 40)) as pilot:
        await focus_added_codes(app, pilot)
        screen = app.hosted
        suggestions = screen.query_one("#mg-suggestions", DataTable)
        suggestions.focus()
        await pilot.pause()
        best = screen.suggestions[0]
        detail = str(screen.query_one("#mg-detail", Static).render())
        assert best.source.name in detail and "added by" not in detail
        screen.query_one("#mg-added", DataTable).focus()
        await pilot.pause()
        code = screen._code()
        assert code is not None
        detail = str(screen.query_one("#mg-detail", Static).render())
        assert "added by" in detail and code.name in detail, "Tab alone updates the detail"


async def test_footer_keys_are_whole_at_80_columns(project: Store) -> None:
    """At 80 columns the palette key covered `m not`: every key shown is whole, the decisions first."""
    from textual.widgets._footer import FooterKey

    app = ReviewApp(ReviewScreen(project, "lead"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.pause()
        keys = [k for k in app.screen.query(FooterKey) if k.display]
        edge = next(k.region.x for k in keys if k.has_class("-command-palette"))
        shown = {k.key: k.region for k in keys if not k.has_class("-command-palette")}
        assert {"q", "a", "b", "2", "n", "e", "m"} <= set(shown), shown
        assert all(r.right <= edge for r in shown.values()), shown


async def test_who_added_a_code_and_its_codings_are_on_screen_at_80_columns(project: Store) -> None:
    from coder.services.alignment import added_codes
    from coder.services.codebook import edit_code

    for row in added_codes(project):  # names as long as researchers write them
        edit_code(project, row["code"], "lead", name=f"{row['name']} in de wijkteams")
    app = HostApp(MergeScreen(project, "lead"))
    async with app.run_test(size=(80, 24)) as pilot:
        await focus_added_codes(app, pilot)
        table = app.hosted.query_one("#mg-added", DataTable)
        right = 0
        for column in table.columns.values():
            right += column.get_render_width(table)
            if str(column.label) == "codings":
                break
        assert right <= table.size.width, (right, table.size.width)
