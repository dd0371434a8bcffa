"""User data on screen as plain text, never as markup.

A transcript attribute ``[anoniem]`` or a coder named ``[/]`` is data, not a
style: Textual parses a ``str`` given to ``Static.update``, ``Label``, a
``DataTable`` cell, an ``Option``, a tree label or a border title as content
markup, so such values vanish or crash the screen. Wrapping them in a
``rich.text.Text`` shows them exactly as written.
"""

from __future__ import annotations

from rich.text import Text


def plain(value: object) -> object:
    """``value`` as plain ``Text`` when it is a string; anything else unchanged."""
    return Text(value) if isinstance(value, str) else value


def plain_row(*values: object) -> list[object]:
    """A table row whose string cells are shown as written."""
    return [plain(v) for v in values]


def as_text(value: str | Text) -> Text:
    """A label as ``Text``: a string is shown as written, ``Text`` keeps its styles."""
    return Text(value) if isinstance(value, str) else value
