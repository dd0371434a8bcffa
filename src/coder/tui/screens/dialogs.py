"""Dialogs: small modal screens that ask one thing and return a typed value.

Each is a ``ModalScreen[T]`` that gets what it shows through its constructor
and answers with ``dismiss(value)`` (None when cancelled with esc). None of
them touches the project: the screen that opened a dialog calls the service
with the answer.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar, Generic, TypeVar

from rich.style import Style
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Checkbox, Input, Label, OptionList, Select, TextArea
from textual.widgets.option_list import Option

from coder.model import Code, Codebook
from coder.services.finding import rank_codes, same_name
from coder.tui.plain import as_text

T = TypeVar("T")


class Dialog(ModalScreen[T | None], Generic[T]):
    """Shared frame of the dialogs: a titled box; esc cancels (answers None)."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "cancel")]

    def action_cancel(self) -> None:
        """Close without an answer."""
        self.dismiss(None)

    def on_mount(self) -> None:
        blink = bool(getattr(self.app, "cursor_blink", True))
        for widget in self.query("Input, TextArea"):
            widget.cursor_blink = blink  # type: ignore[attr-defined]


class NamePrompt(Dialog[str]):
    """Asks who is coding (never pre-filled: each person types their own name)."""

    def __init__(self, suggestion: str = "", error: str = "") -> None:
        super().__init__()
        self.suggestion, self.error = suggestion, error

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="name-dialog") as box:
            box.border_title = "Who is coding?"
            yield Label("Your coder name. You see only your own codings.")
            yield Input(self.suggestion, placeholder="e.g. anna", id="name")
            yield Label(self.error, classes="error", markup=False)

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        if event.value.strip():
            self.dismiss(event.value.strip())


CREATE = "+create:"
"""The picker's answer prefix for 'create a new code with this name' (``CREATE + name``)."""


class CodePicker(Dialog[str]):
    """Pick a code by typing part of its name: exact, prefix, word start, fuzzy; recent first within each.

    When no code has exactly the typed name, the list ends with ``+ create "…"``
    (the only choice, and so what ⏎ does, when nothing matches); choosing it
    answers ``CREATE + name``.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down", "cursor(1)", "next", show=False),
        Binding("up", "cursor(-1)", "previous", show=False),
    ]

    def __init__(self, codebook: Codebook, colors: dict[str, str], recent: Sequence[str] = ()) -> None:
        super().__init__()
        self.codebook, self.color_map = codebook, colors
        self.codes, self.recent = codebook.tree_order(), list(recent)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="picker-dialog") as box:
            box.border_title = "Apply code"
            box.border_subtitle = "type to filter · ⏎ apply · ⇥ list · esc cancel"
            yield Input(placeholder="code name…", id="picker-filter")
            yield OptionList(*self._options(""), id="picker-list")

    def _options(self, query: str) -> list[Option]:
        names = self.codebook.by_id()
        options = []
        for code in rank_codes(self.codes, query, self.recent):
            label = Text("● ", style=Style(color=self.color_map.get(code.id)))
            label.append(code.name)
            if code.parent_id in names:
                label.append(f"  {names[code.parent_id].name}", style="dim")
            options.append(Option(label, id=code.id))
        name = " ".join(query.split())
        if name and same_name(self.codes, name) is None:
            options.append(Option(Text(f'+ create "{name}"', style="italic"), id=CREATE + name))
        return options

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        picker = self.query_one(OptionList)
        picker.set_options(self._options(event.value))
        picker.highlighted = 0 if picker.option_count else None

    @on(Input.Submitted)
    def _submitted(self) -> None:
        option = self.query_one(OptionList).highlighted_option
        if option is not None:
            self.dismiss(option.id)

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cursor(self, step: int) -> None:
        """Move the highlight while typing."""
        picker = self.query_one(OptionList)
        picker.action_cursor_down() if step > 0 else picker.action_cursor_up()


class ChoiceDialog(Dialog[str]):
    """Choose one of a few labelled options (e.g. which coding to remove)."""

    def __init__(self, title: str, choices: Sequence[tuple[str, Text | str]]) -> None:
        super().__init__()
        self.title_text, self.choices = title, choices

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="choice-dialog") as box:
            box.border_title = Text(self.title_text)
            box.border_subtitle = "⏎ choose · esc cancel"
            yield OptionList(*(Option(as_text(label), id=key) for key, label in self.choices))

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)


@dataclass(frozen=True)
class CodeDraft:
    """What the code form returns: a new or edited code, or ``existing``: apply that code instead."""

    name: str
    parent_id: str | None
    description: str
    apply: bool
    existing: str | None = None


class CodeForm(Dialog["CodeDraft"]):
    """Name, parent and definition of a new code (or of one being edited)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "save", priority=True),
        Binding("ctrl+e", "use_existing", "apply the existing code", priority=True),
    ]

    def __init__(
        self, codebook: Codebook, parent_id: str | None = None, code: Code | None = None, name: str = ""
    ) -> None:
        super().__init__()
        self.codebook, self.parent_id, self.code, self.typed = codebook, parent_id, code, name
        self.existing: Code | None = None

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="code-form") as box:
            box.border_title = Text(f"Edit code {self.code.name}" if self.code else "New code")
            box.border_subtitle = "ctrl+s save · esc cancel"
            # The message comes first: in a 24-line terminal the form's end is below the fold.
            yield Label("", classes="error", markup=False)
            yield Label("Name")
            yield Input(self.code.name if self.code else self.typed, id="code-name")
            if self.code is None:
                yield Label("Parent")
                options = [(Text("  " * self._depth(c) + c.name), c.id) for c in self.codebook.tree_order()]
                yield Select(
                    options, value=self.parent_id or Select.NULL, prompt="(top level)", id="code-parent"
                )
            yield Label("Definition")
            yield TextArea(self.code.description if self.code else "", id="code-definition")
            if self.code is None:
                yield Checkbox("apply it to the selection", True, id="code-apply")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """ctrl+e only once a name that already exists was typed."""
        return self.existing is not None if action == "use_existing" else True

    def action_use_existing(self) -> None:
        """Apply the existing code of that name instead of adding a second one."""
        if self.existing is not None:
            self.dismiss(CodeDraft(self.existing.name, self.existing.parent_id, "", True, self.existing.id))

    def _depth(self, code: Code) -> int:
        return self.codebook.path(code.id).count("/")

    @on(Input.Submitted)
    def action_save(self) -> None:
        """Return the draft (a name is required)."""
        name = self.query_one("#code-name", Input).value.strip()
        if not name:
            self.query_one(".error", Label).update("A code needs a name.")
            return
        self.existing = same_name((c for c in self.codebook.codes if c != self.code), name)
        if self.existing is not None:
            self.query_one(".error", Label).update(
                f"{self.existing.name!r} already exists: ctrl+e applies it, or change the name."
            )
            self.refresh_bindings()
            return
        parent = self.code.parent_id if self.code else self.query_one("#code-parent", Select).value
        apply = self.code is None and self.query_one("#code-apply", Checkbox).value
        definition = self.query_one("#code-definition", TextArea).text.strip()
        self.dismiss(CodeDraft(name, parent if isinstance(parent, str) else None, definition, apply))


class MemoDialog(Dialog[str]):
    """Write a memo; ctrl+s saves, an empty memo removes it."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("ctrl+s", "save", "save", priority=True)]

    def __init__(self, title: str, text: str = "", context: str = "") -> None:
        super().__init__()
        self.title_text, self.text, self.context = title, text, context

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="memo-dialog") as box:
            box.border_title = Text(self.title_text)
            box.border_subtitle = "ctrl+s save · esc cancel"
            if self.context:
                yield Label(self.context, classes="memo-context", markup=False)
            yield TextArea(self.text, id="memo-text")

    def action_save(self) -> None:
        """Return the memo text."""
        self.dismiss(self.query_one(TextArea).text)
