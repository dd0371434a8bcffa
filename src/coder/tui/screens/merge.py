"""The codebook merge screen: the codes coders added, likely duplicates, and keys to fix the tree.

Above, every code a coder added while coding, with who added it, how often
each coder used it and its definition; below, the merge suggestions, best
first, each with its reasons (similar names, shared lemmas, a Dutch compound,
the same sentences). The lead merges with one key, or renames, moves,
redefines, deletes (saying what happens to the codings) or marks a pair as
distinct. Every change goes through ``services.codebook`` and is logged.

Ranking lemmatizes code names with spaCy's lookup tables, so it runs in a
thread worker on inputs read on the main thread (``suggestion_inputs``): the
worker never touches the database. After each change the screen re-reads the
added codes and ranks again.

| Key | Action |
| --- | --- |
| m | merge: the suggestion's first code into its second (or pick a target); asks first, saying what moves |
| M | merge the other way round |
| k | keep the two codes of a suggestion separate |
| r / p / d | rename / move under another parent / change the definition |
| x | delete the code (asks what happens to its codings) |
| u | undo the last merge or edit made here |
| ⇥ | between the added codes and the suggestions |
| f5 | rank again |
| q / esc | close the screen |
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Input, Label, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import Worker, WorkerState

from coder.errors import CoderError
from coder.model import Code
from coder.services import alignment
from coder.services import codebook as codes_service
from coder.services.integrity import backup_before
from coder.storage import Store
from coder.tui.plain import as_text, plain_row
from coder.tui.widgets.code_labels import CodeLabels
from coder.tui.widgets.footer import FittedFooter
from coder.tui.widgets.status import TitleBar

if TYPE_CHECKING:
    from coder.tui.context import TuiContext

DIALOG_CSS = """
{name} {{ align: center middle; }}
{name} > Vertical {{ width: 76; height: auto; border: round $accent; background: $surface; padding: 0 1; }}
"""


class PromptDialog(ModalScreen[str | None]):
    """Ask for one line of text (a name, a parent id, a definition)."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "cancel")]
    DEFAULT_CSS = DIALOG_CSS.format(name="PromptDialog")

    def __init__(self, title: str, value: str = "", hint: str = "") -> None:
        super().__init__()
        self.title_text, self.value, self.hint = title, value, hint

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = Text(self.title_text)
            box.border_subtitle = "⏎ save · esc cancel"
            if self.hint:
                yield Label(self.hint, markup=False)
            yield Input(self.value, id="prompt")

    @on(Input.Submitted)
    def _done(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.strip())

    def action_cancel(self) -> None:
        """Close without an answer."""
        self.dismiss(None)


class ChoiceDialog(ModalScreen[str | None]):
    """Choose one of a few options."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "cancel")]
    DEFAULT_CSS = DIALOG_CSS.format(name="ChoiceDialog")

    def __init__(self, title: str, choices: list[tuple[str, str]]) -> None:
        super().__init__()
        self.title_text, self.choices = title, choices

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = Text(self.title_text)
            yield OptionList(*(Option(as_text(label), id=key) for key, label in self.choices))

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        """Close without an answer."""
        self.dismiss(None)


class MergeScreen(Screen[None]):
    """Coder-added codes and merge suggestions; keys merge, rename, move, redefine, delete."""

    BINDINGS: ClassVar[list[BindingType]] = [
        # First, so that a narrow footer never hides how to leave.
        Binding("q,escape", "close", "close"),
        Binding("m", "merge(False)", "merge"),
        Binding("M", "merge(True)", "merge other way", key_display="M"),
        Binding("k", "keep", "keep separate"),
        Binding("r", "rename", "rename"),
        Binding("p", "move", "move"),
        Binding("d", "describe", "definition"),
        Binding("x", "delete", "delete"),
        Binding("u", "undo", "undo", tooltip="undo the last merge or edit of this screen"),
        Binding("f5", "rank", "rank again", show=False),
    ]

    DEFAULT_CSS = """
    MergeScreen {
        layout: vertical;
        & .mg-heading { height: 1; padding: 0 1; background: $panel; text-style: bold; }
        & #mg-added { height: 1fr; }
        & #mg-suggestions { height: 1fr; }
        & #mg-detail { height: 3; padding: 0 1; background: $boost; color: $text-muted; }
    }
    """

    def __init__(self, source: Store | TuiContext, coder: str | None = None) -> None:
        """``source`` is the project's store (or the app's context); ``coder`` is who acts."""
        super().__init__()
        self.store: Store = source if isinstance(source, Store) else source.store
        self.actor = coder or (None if isinstance(source, Store) else source.coder) or "lead"
        self.added: list[dict[str, Any]] = []
        self.suggestions: list[alignment.Suggestion] = []
        self.undo: list[tuple[str, Callable[[], object]]] = []
        """What ``u`` takes back, newest last: (label, how)."""

    def compose(self) -> ComposeResult:
        yield TitleBar(
            f"coder · {self.store.get_setting('name', '') or self.store.root.name} · codebook merge"
        )
        yield Static("Codes added while coding", classes="mg-heading")
        yield DataTable(id="mg-added", cursor_type="row", zebra_stripes=True)
        yield Static("Suggested merges, best first", classes="mg-heading", id="mg-suggestions-heading")
        yield DataTable(id="mg-suggestions", cursor_type="row", zebra_stripes=True)
        yield Static("", id="mg-detail")
        yield FittedFooter()

    def on_mount(self) -> None:
        # Who added it and how much it is used come before the long place and definition,
        # so they are on screen without scrolling sideways at 80 columns.
        self.query_one("#mg-added", DataTable).add_columns(
            "code", "added by", "codings", "place in the tree", "definition"
        )
        self.query_one("#mg-suggestions", DataTable).add_columns("score", "merge", "into", "why")
        self._load()
        self.query_one("#mg-suggestions", DataTable).focus()

    # -- workers ---------------------------------------------------------------------------

    def _load(self) -> None:
        """Re-read the added codes and rank the suggestions again."""
        self.added = alignment.added_codes(self.store)
        labels = CodeLabels(self.store.codebook(), paths=True)
        table = self.query_one("#mg-added", DataTable)
        table.clear()
        for row in self.added:
            counts = ", ".join(f"{k} {v}" for k, v in row["codings"].items()) or "—"
            table.add_row(
                *plain_row(
                    row["name"],
                    row["created_by"] or "",
                    counts,
                    labels(row["code"]),
                    _trim(row["description"], 50),
                )
            )
        self.query_one("#mg-suggestions-heading", Static).update("Suggested merges, best first — ranking…")
        self._rank_worker(alignment.suggestion_inputs(self.store))

    @work(thread=True, exclusive=True, group="mg-rank", exit_on_error=False)
    def _rank_worker(self, inputs: alignment.SuggestionInputs) -> list[alignment.Suggestion]:
        return alignment.rank(inputs)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """Show the ranked suggestions, or say why ranking failed."""
        if event.state == WorkerState.SUCCESS and isinstance(event.worker.result, list):
            self._show_suggestions(event.worker.result)
        elif event.state == WorkerState.ERROR:
            self.notify(f"ranking failed: {event.worker.error}", severity="error")

    def _show_suggestions(self, found: list[alignment.Suggestion]) -> None:
        self.suggestions = found
        table = self.query_one("#mg-suggestions", DataTable)
        table.clear()
        for s in found:
            why = "; ".join(r.text for r in s.reasons)
            table.add_row(f"{s.score:.2f}", _label(s.source), _label(s.target), Text(_trim(why, 90)))
        heading = f"Suggested merges, best first — {len(found)}" if found else "No likely duplicates left"
        self.query_one("#mg-suggestions-heading", Static).update(heading)
        self._show_detail()

    # -- handlers ---------------------------------------------------------------------------

    @on(DataTable.RowHighlighted)
    def _highlighted(self) -> None:
        self._show_detail()

    def on_descendant_focus(self, _event: events.DescendantFocus) -> None:
        """Tab moves the keys to the other table: the detail follows, so it describes what m acts on."""
        self._show_detail()

    def _show_detail(self) -> None:
        suggestion, code = self._suggestion(), self._code()
        if suggestion is not None and self.focused is self.query_one("#mg-suggestions"):
            lines = [
                f"{c.name}: {c.description or '(no definition)'}"
                for c in (suggestion.source, suggestion.target)
            ]
            text = "\n".join(lines) + f"\n{' · '.join(r.text for r in suggestion.reasons)}"
        elif code is not None:
            place = CodeLabels(self.store.codebook(), paths=True)(code.id)
            text = f"{place}, added by {code.created_by}: {code.description or '(no definition)'}"
        else:
            text = ""
        self.query_one("#mg-detail", Static).update(Text(text))

    # -- actions -----------------------------------------------------------------------------

    def _suggestion(self) -> alignment.Suggestion | None:
        table = self.query_one("#mg-suggestions", DataTable)
        return self.suggestions[table.cursor_row] if 0 <= table.cursor_row < len(self.suggestions) else None

    def _code(self) -> Code | None:
        """The code the edit keys act on: the focused suggestion's first code, or the added code."""
        if self.focused is self.query_one("#mg-suggestions") and (s := self._suggestion()) is not None:
            return s.source
        table = self.query_one("#mg-added", DataTable)
        if 0 <= table.cursor_row < len(self.added):
            code_id = self.added[table.cursor_row]["code"]
            return self.store.get_code(code_id) if self.store.has_code(code_id) else None
        return None

    def _run(self, change: Callable[[], object], done: str) -> None:
        try:
            change()
        except CoderError as exc:
            self.notify(exc.message + (f" — {exc.hint}" if exc.hint else ""), severity="error")
            return
        self.notify(done)
        self._load()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """``u`` only when there is something to undo (the footer tells the truth)."""
        return bool(self.undo) if action == "undo" else True

    def action_merge(self, reverse: bool) -> None:
        """Merge the suggestion (its codings move, the merged code goes), after saying what moves."""
        if self.focused is self.query_one("#mg-suggestions") and (s := self._suggestion()) is not None:
            src, dst = (s.target, s.source) if reverse else (s.source, s.target)
            self._confirm_merge(src, dst.id)
        elif (code := self._code()) is not None:
            ask = PromptDialog(f"Merge {code.name} into…", "", "the id of the code that remains")
            self.app.push_screen(ask, lambda into: self._confirm_merge(code, into) if into else None)

    def _confirm_merge(self, code: Code, into: str) -> None:
        """Ask before merging, naming what moves: N codings of which coders."""
        target = self.store.get_code(into) if self.store.has_code(into) else None
        if target is None:
            self.notify(f"no code with id {into!r}", severity="error")
            return
        moves = codes_service.merge_preview(self.store, code.id)
        who = ", ".join(f"{n} of {coder}" for coder, n in moves.items()) or "no codings"
        question = f"Merge {code.name} into {target.name}?"
        choices = [
            ("merge", f"merge: {sum(moves.values())} codings move ({who}); {code.name} goes — u undoes"),
            ("cancel", "cancel"),
        ]
        self.app.push_screen(
            ChoiceDialog(question, choices),
            lambda ok: self._merge_into(code, into) if ok == "merge" else None,
        )

    def _merge_into(self, code: Code, into: str | None) -> None:
        if not into:
            return
        records: list[codes_service.MergeRecord] = []
        target = self.store.get_code(into) if self.store.has_code(into) else None
        label = f"merged {code.name} into {target.name if target else into}"
        self._run(
            lambda: records.append(codes_service.merge_code(self.store, code.id, into, self.actor)), label
        )
        if records:
            record = records[0]
            self.undo.append((label, lambda: codes_service.undo_merge(self.store, record, self.actor)))
            self.refresh_bindings()

    def action_undo(self) -> None:
        """Take back the last merge or edit made on this screen."""
        if self.undo:
            label, how = self.undo.pop()
            self._run(how, f"undone: {label}")
            self.refresh_bindings()

    def action_keep(self) -> None:
        """Mark the suggestion's two codes as distinct."""
        if (s := self._suggestion()) is not None:
            self._run(
                lambda: alignment.keep_separate(self.store, s.source.id, s.target.id, self.actor),
                f"kept {s.source.id} and {s.target.id} apart",
            )

    def action_rename(self) -> None:
        """Give the code a new name."""
        if (code := self._code()) is not None:
            self.app.push_screen(
                PromptDialog(f"Rename {code.id}", code.name), lambda name: self._edit(code, name=name)
            )

    def action_move(self) -> None:
        """Move the code under another parent (empty: make it a theme)."""
        if (code := self._code()) is not None:
            ask = PromptDialog(
                f"Move {code.name} under…", code.parent_id or "", "parent code id; empty for a theme"
            )
            self.app.push_screen(
                ask, lambda parent: self._edit(code, parent_id=parent or None) if parent is not None else None
            )

    def action_describe(self) -> None:
        """Change the code's definition."""
        if (code := self._code()) is not None:
            self.app.push_screen(
                PromptDialog(f"Definition of {code.name}", code.description),
                lambda text: self._edit(code, description=text),
            )

    def _edit(self, code: Code, **changes: Any) -> None:
        if any(v is None for k, v in changes.items() if k != "parent_id") or changes.get("name") == "":
            return
        before = {k: getattr(code, k) for k in changes}
        label = f"changed {code.name}"
        self._run(lambda: codes_service.edit_code(self.store, code.id, self.actor, **changes), label)
        if self.store.has_code(code.id) and self.store.get_code(code.id) != code:
            self.undo.append(
                (label, lambda: codes_service.edit_code(self.store, code.id, self.actor, **before))
            )
            self.refresh_bindings()

    def action_delete(self) -> None:
        """Delete the code, choosing what happens to its codings."""
        if (code := self._code()) is not None:
            n = sum(self.store.code_counts(c["name"]).get(code.id, 0) for c in self.store.coders())
            choices = [
                ("move", f"move its {n} codings into another code…"),
                ("delete", f"delete its {n} codings too"),
                ("backup-delete", f"back up the project first, then delete its {n} codings too"),
            ]
            self.app.push_screen(
                ChoiceDialog(f"Delete {code.name}?", choices), lambda how: self._delete(code, how)
            )

    def _delete(self, code: Code, how: str | None) -> None:
        if how == "backup-delete":
            try:
                copy = backup_before(self.store, "code.delete", self.actor)
            except (CoderError, OSError) as exc:
                self.notify(f"no backup, nothing deleted: {exc}", severity="error")
                return
            self.notify(f"backed up to {copy}")
            how = "delete"
        if how == "delete":
            self._run(
                lambda: codes_service.delete_code(self.store, code.id, "delete", self.actor),
                f"deleted {code.id}",
            )
        elif how == "move":
            ask = PromptDialog(
                f"Move the codings of {code.name} into…", "", "the id of the code that takes them"
            )
            self.app.push_screen(ask, lambda into: self._merge_into(code, into))

    def action_rank(self) -> None:
        """Rank the suggestions again."""
        self._load()

    def action_close(self) -> None:
        """Close the merge screen."""
        if len(self.app.screen_stack) > 1:
            self.dismiss(None)


def _label(code: Code) -> Text:
    text = Text(code.name, style="bold")
    text.append(f" ({code.created_by})" if code.origin == "coder" else " (concept)", style="dim")
    return text


def _trim(text: str, width: int) -> str:
    line = " ".join(text.split())
    return line if len(line) <= width else line[: width - 1] + "…"
