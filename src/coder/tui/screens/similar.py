"""Similar passages ("more like this"): the suggestions for one code, for one coder.

The ranking (``services.suggest``) runs in a thread worker through a function
the coding screen passes in, which opens its own connection. The dialog only
shows the passages with the lemmas they share with the coder's codings and
answers what the coder chose; the coding screen then jumps, applies the code
or dismisses the passage, and reopens the dialog on the passages left, so a
coder can work down the list. Nothing is coded unless the coder presses a key
for that passage.

| Key | Action |
| --- | --- |
| ⏎ | jump to the passage (in its transcript) |
| a | apply the code to the passage |
| x | dismiss the passage (not proposed again) |
| esc | close |
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar, Literal

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option
from textual.worker import Worker, WorkerState

from coder.errors import CoderError
from coder.tui.screens.dialogs import Dialog

Suggestion = dict[str, Any]
"""One passage of ``services.suggest.suggest`` plus its ``text``."""
Finder = Callable[[], list[Suggestion]]


@dataclass(frozen=True)
class SimilarAnswer:
    """What the coder chose: a verb, the passage, and the list as it stood (to reopen on)."""

    action: Literal["jump", "apply", "dismiss"]
    passage: Suggestion
    passages: list[Suggestion]
    index: int


class SimilarDialog(Dialog[SimilarAnswer]):
    """The passages most like a code's codings: ⏎ jump, a apply, x dismiss."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "choose('apply')", "apply code"),
        Binding("x", "choose('dismiss')", "dismiss"),
    ]

    def __init__(
        self, code_name: str, finder: Finder | None, passages: list[Suggestion] | None = None, index: int = 0
    ) -> None:
        super().__init__()
        self.code_name, self.finder = code_name, finder
        self.passages: list[Suggestion] = list(passages or [])
        self.start_index = index

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="similar-dialog") as box:
            box.border_title = f"Similar passages · {self.code_name}"
            box.border_subtitle = "⏎ jump · a apply code · x dismiss · esc close"
            yield Label("finding passages…" if self.finder else "", id="similar-summary")
            yield OptionList(id="similar-hits")

    def on_mount(self) -> None:
        super().on_mount()
        if self.finder is not None:
            self._find(self.finder)
        else:
            self._show(self.passages, self.start_index)
        self.query_one(OptionList).focus()

    @work(thread=True, exclusive=True, exit_on_error=False)
    def _find(self, finder: Finder) -> None:
        passages = finder()
        self.app.call_from_thread(self._show, passages, 0)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A failed ranking is reported in the dialog; the coding goes on."""
        if event.state == WorkerState.ERROR:
            error = event.worker.error
            message = error.message if isinstance(error, CoderError) else f"{type(error).__name__}: {error}"
            self.query_one("#similar-summary", Label).update(f"no suggestions: {message}")

    def _show(self, passages: list[Suggestion], index: int) -> None:
        self.passages = passages
        listing = self.query_one(OptionList)
        listing.set_options(Option(_prompt(p), id=str(i)) for i, p in enumerate(passages))
        listing.highlighted = min(index, len(passages) - 1) if passages else None
        summary = (
            f"{len(passages)} passages not yet coded, most similar to your codings first"
            if passages
            else "nothing similar found: code a few passages first, or give the code a definition"
        )
        self.query_one("#similar-summary", Label).update(summary)

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self._answer("jump", event.option_index)

    def action_choose(self, action: Literal["apply", "dismiss"]) -> None:
        """Apply the code to, or dismiss, the highlighted passage."""
        index = self.query_one(OptionList).highlighted
        if index is not None and self.passages:
            self._answer(action, index)

    def _answer(self, action: Literal["jump", "apply", "dismiss"], index: int) -> None:
        self.dismiss(SimilarAnswer(action, self.passages[index], self.passages, index))


def _prompt(p: Suggestion) -> Text:
    """'R02  0.31  wachtlijst, jeugdzorg' over the passage (user text, never markup)."""
    head = Text.assemble((f"{p['transcript']}  ", "bold"), (f"{p['score']:.2f}  ", "dim"),
                         (", ".join(p["shared_lemmas"]), "italic"))  # fmt: skip
    return Text("\n").join([head, Text(" ".join(str(p["text"]).split())[:200])])
