"""One-line strips: the screen header, the code definition and the save status.

They only display what the screen sets; the status line's times come from the
screen (which reads the app's clock), so snapshots are deterministic.
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from rich.cells import cell_len
from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget
from textual.widgets import Static

from coder.model import Code, Codebook


class TitleBar(Widget):
    """The screen's top line: study and coder on the left, context on the right.

    One widget that renders both parts, so changing the right-hand side (the
    progress after every action) repaints one line and never re-lays out.
    """

    DEFAULT_CSS = """
    TitleBar { height: 1; background: $panel; color: $foreground; }
    TitleBar > .title-bar--right { color: $text-muted; text-style: not bold; }
    TitleBar > .title-bar--left { text-style: bold; }
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {"title-bar--left", "title-bar--right"}

    right: reactive[str] = reactive("")
    """The right-hand context (transcript, progress)."""

    def __init__(self, left: str, right: str = "") -> None:
        super().__init__()
        self.left = left
        self.set_reactive(TitleBar.right, right)

    def render(self) -> Text:
        """Left part, then the right part flush right; when they do not fit, middle parts go first."""
        width = self.size.width
        left, right = fit_parts(self.left, self.right, width - 2)
        text = Text(left, style=self.get_component_rich_style("title-bar--left"))
        text.append(" " * max(1, width - len(left) - len(right)))
        text.append(right, style=self.get_component_rich_style("title-bar--right"))
        return text

    def set_right(self, text: str) -> None:
        """Change the right-hand context (transcript, progress)."""
        self.right = text


def _shorter(parts: list[str]) -> bool:
    """Drop the part before the last (the least telling), if there is one to drop."""
    if len(parts) < 3:
        return False
    del parts[-2]
    return True


def fit_parts(left: str, right: str, width: int) -> tuple[str, str]:
    """``left`` and ``right`` (" · "-separated parts) shortened to fit ``width`` together.

    Whole parts are dropped from the middle of each side — the first part
    (what this is) and the last (who, or the progress) stay — before any text
    is cut, so a title never ends mid-word against its neighbour.
    """
    lparts, rparts = left.split(" · "), right.split(" · ") if right else []
    sep = " · "
    while len(sep.join(lparts)) + len(sep.join(rparts)) > width:
        if not (_shorter(lparts) or _shorter(rparts)):
            break
    left, right = sep.join(lparts), sep.join(rparts)
    if len(left) + len(right) > width:
        right = right[: max(0, width - 12)]
        left = left[: max(0, width - len(right))]
    return left, right


class DefinitionStrip(Static):
    """The focused code's name and definition."""

    DEFAULT_CSS = """
    DefinitionStrip { height: 2; padding: 0 1; background: $boost; color: $text-muted; }
    """

    text: reactive[Text] = reactive(Text(""))
    """What the strip shows (repainted, never re-laid out)."""

    def render(self) -> Text:
        """The definition text."""
        return self.text

    def show_code(self, code: Code | None, codebook: Codebook) -> None:
        """Show ``code``'s definition (nothing for None)."""
        if code is None:
            self.text = Text(
                "No code on this selection. ⏎ or c applies one · n adds your own · b code tree · ? every key"
            )
            return
        text = Text(code.name, style="bold")
        path = codebook.path(code.id).split("/")[:-1] if code.id in codebook.by_id() else []
        if path:
            names = codebook.by_id()
            text.append(f"  in {' › '.join(names[p].name for p in path if p in names)}", style="dim")
        text.append(" — " + (code.description or "(no definition yet)"))
        if text != self.text:
            self.text = text


class RecentBar(Static):
    """The codes keys 1–9 apply, so a coder knows what 3 does before pressing it."""

    DEFAULT_CSS = """
    RecentBar { height: 1; padding: 0 1; background: $boost; }
    """

    names: reactive[tuple[str, ...]] = reactive(())
    """The recent codes' names, most recent first (repainted, never re-laid out)."""

    @property
    def text(self) -> Text:
        """The bar as it reads at the current width."""
        return self.line(self.content_size.width or 10_000)

    def render(self) -> Text:
        """The numbered recent codes that fit whole."""
        return self.text

    def line(self, width: int) -> Text:
        """Number the recent codes 1–9; an entry that would be cut is left off, with those after it."""
        if not self.names:
            text = Text("1–9 apply your recent codes — none yet", style="dim")
        else:
            text = Text("")
            for i, name in enumerate(self.names, start=1):
                # Only the first entry may be shortened (with an ellipsis): key 1 must say something.
                if i > 1 and text.cell_len + cell_len(f"{i} {name}") > width:
                    break
                text.append(f"{i}", style="bold reverse")
                text.append(f" {name}  ")
        text.no_wrap, text.overflow = True, "ellipsis"
        return text

    def show_codes(self, names: list[str]) -> None:
        """Show these recent codes (most recent first); none yet says how they come."""
        self.names = tuple(names)


class StatusLine(Static):
    """Whether the last action is saved, what is selected and what is coded there."""

    DEFAULT_CSS = """
    StatusLine { height: 1; padding: 0 1; background: $panel; }
    StatusLine.-error { background: $error 40%; }
    """

    saved: reactive[str] = reactive("")
    """'✓ saved HH:MM:SS · what' or an error message."""

    where: reactive[str] = reactive("")
    """The selection and the codes on it."""

    def render(self) -> Text:
        """The saved part, then the selection part."""
        text = Text(self.saved, style="bold")
        if self.saved and self.where:
            text.append(" · ")
        text.append(self.where)
        return text

    def mark_saved(self, at: datetime, what: str) -> None:
        """Say the last action is committed to the project."""
        self.remove_class("-error")
        self.saved = f"✓ saved {at:%H:%M:%S} · {what}"

    def mark_error(self, message: str) -> None:
        """Say the last action failed (nothing was written)."""
        self.add_class("-error")
        self.saved = f"✗ not saved: {message}"
