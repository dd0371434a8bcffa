"""The help screen: every key of the screen below, hidden ones included.

Built from the ``BINDINGS`` of the screen and of the coder widgets on it (and
the app's), so it cannot drift from what the keys really do.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any, ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.dom import DOMNode
from textual.keys import format_key
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

ARROWS = {"up": "↑", "down": "↓", "left": "←", "right": "→", "enter": "⏎", "escape": "esc", "tab": "⇥"}

Section = tuple[str, list[tuple[str, str]]]


def key_label(key: str) -> str:
    """'shift+up,K' -> '⇧↑ / K'."""
    shown = []
    for part in key.split(","):
        *mods, name = part.strip().split("+")
        label = ARROWS.get(name) or format_key(name)
        prefix = "".join("⇧" if m == "shift" else f"{m}+" for m in mods)
        shown.append(prefix + label)
    return " / ".join(shown)


def rows(bindings: Iterable[BindingType]) -> list[tuple[str, str]]:
    """(keys, what) for each binding with a description, merging repeated descriptions."""
    merged: dict[str, list[str]] = {}
    for item in bindings:
        binding = item if isinstance(item, Binding) else Binding(*item)
        what = binding.tooltip or binding.description
        if what and binding.action not in ("help_quit",):
            merged.setdefault(what, []).append(key_label(binding.key))
    return [(_join(keys), what) for what, keys in merged.items()]


def _join(keys: list[str]) -> str:
    """'1 / 2 / … / 9' is shown as '1–9'."""
    if len(keys) > 3 and all(k.isdigit() for k in keys):
        return f"{keys[0]}–{keys[-1]}"
    return " / ".join(keys)


def sections_for(screen: Screen[Any], app: App[Any], refused: Sequence[str] = ()) -> list[Section]:
    """Key tables for a screen: the screen, each coder widget type on it, the app.

    ``refused`` are the keys of the lead screens when this coder may not open
    them: a coder who codes blind is told to ask a lead instead of being shown
    screens that would only refuse.
    """
    own = [b for b in screen.BINDINGS if _key(b) not in refused] if refused else screen.BINDINGS
    found: list[Section] = [(_title(type(screen)), rows(own))]
    if refused and len(own) < len(screen.BINDINGS):
        found[0][1].append((" / ".join(refused), "lead screens: ask a lead"))
    seen: set[type[DOMNode]] = set()
    for widget in screen.query("*"):
        kind = type(widget)
        if kind not in seen and kind.__module__.startswith("coder.tui") and "BINDINGS" in vars(kind):
            seen.add(kind)
            found.append((_title(kind), rows(kind.BINDINGS)))
    found.append(("Everywhere", [*rows(app.BINDINGS), ("ctrl+p", "command palette: every action by name")]))
    return [s for s in found if s[1]]


def _key(item: BindingType) -> str:
    return item.key if isinstance(item, Binding) else item[0]


def _title(kind: type[DOMNode]) -> str:
    doc = (kind.__doc__ or "").strip().splitlines()
    name = screen_name(kind)
    return f"{name} — {doc[0]}" if doc else name


def screen_name(kind: type[DOMNode]) -> str:
    """What a user calls a screen or widget: ``HomeScreen`` -> "Home screen".

    A class may say it itself with a ``HELP_TITLE`` attribute.
    """
    own = getattr(kind, "HELP_TITLE", None)
    if isinstance(own, str):
        return own
    words = re.findall(r"[A-Z][a-z0-9]*|[a-z0-9]+", kind.__name__)
    return " ".join([words[0], *(w.lower() for w in words[1:])]) if words else kind.__name__


class HelpScreen(ModalScreen[None]):
    """All keys, grouped by where they work."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "close", "close"),
    ]

    def __init__(self, sections: Sequence[Section]) -> None:
        super().__init__()
        self.sections = sections

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog", id="help-dialog") as box:
            box.border_title = "Keys"
            box.border_subtitle = "esc / q close"
            for title, entries in self.sections:
                table = Table(title=Text(title, style="bold"), title_justify="left", box=None, expand=True)
                table.add_column("key", style="bold", no_wrap=True, width=18)
                table.add_column("does")
                for keys, what in entries:
                    table.add_row(keys, what)
                yield Static(table)

    def action_close(self) -> None:
        """Back to where you were."""
        self.dismiss()
