"""The codebook pane: a code tree with this coder's counts and a fuzzy filter.

The tree shows what the coder may see (the shared codebook and their own added
codes — the screen passes in the blind view) with each code's colour and how
many codings this coder has under it. Counts change in place when a code is
applied, so the tree is never rebuilt for an ordinary coding action.

| Key | Action |
| --- | --- |
| ↑ / k, ↓ / j | previous / next code |
| ⏎ | apply the focused code to the selection |
| space | fold / unfold |
| / | filter codes by name (fuzzy); esc clears |
| m | memo on the focused code |
| e | rename / redefine the focused code (only codes you added) |
"""

from __future__ import annotations

from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, Tree
from textual.widgets.tree import TreeNode

from coder.model import Code, Codebook
from coder.services.finding import fuzzy_codes

PALETTE = (
    "#4C72B0",
    "#DD8452",
    "#55A868",
    "#C44E52",
    "#8172B3",
    "#937860",
    "#DA8BC3",
    "#8C8C8C",
    "#CCB974",
    "#64B5CD",
)


def code_colors(codebook: Codebook) -> dict[str, str]:
    """A colour per code: its own, else its parent's, else one from the palette per theme."""
    colors: dict[str, str] = {}
    themes = 0
    for code in codebook.tree_order():
        if code.color:
            colors[code.id] = code.color
        elif code.parent_id in colors:
            colors[code.id] = colors[code.parent_id]
        else:
            colors[code.id] = PALETTE[themes % len(PALETTE)]
        themes += code.parent_id is None
    return colors


class CodeTree(Tree[Code]):
    """The code tree of the blind codebook, with counts of this coder's codings."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("k", "cursor_up", "previous code", show=False),
        Binding("j", "cursor_down", "next code", show=False),
        Binding("enter", "select_cursor", "apply code"),
        Binding("m", "memo", "code memo"),
        Binding("e", "edit", "edit code"),
    ]

    DEFAULT_CSS = """
    CodeTree { background: $surface; }
    """

    class CodeFocused(Message):
        """The cursor moved to a code (its definition should show)."""

        def __init__(self, code: Code) -> None:
            self.code = code
            super().__init__()

    class CodeChosen(Message):
        """The coder pressed enter on a code: apply it to the selection."""

        def __init__(self, code: Code) -> None:
            self.code = code
            super().__init__()

    class MemoRequested(Message):
        """The coder wants to write a memo on a code."""

        def __init__(self, code: Code) -> None:
            self.code = code
            super().__init__()

    class EditRequested(Message):
        """The coder wants to rename or redefine one of their own codes."""

        def __init__(self, code: Code) -> None:
            self.code = code
            super().__init__()

    def __init__(self, coder: str, *, id: str | None = None) -> None:
        super().__init__("Codebook", id=id)
        self.show_root = False
        self.auto_expand = False
        self.guide_depth = 2
        self.coder = coder
        self.codebook = Codebook("", ())
        self.counts: dict[str, int] = {}
        self.color_map: dict[str, str] = {}
        self._code_nodes: dict[str, TreeNode[Code]] = {}
        self._query = ""

    # -- handlers ----------------------------------------------------------------------

    def on_tree_node_highlighted(self, event: Tree.NodeHighlighted[Code]) -> None:
        event.stop()
        if event.node.data is not None:
            self.post_message(self.CodeFocused(event.node.data))

    def on_tree_node_selected(self, event: Tree.NodeSelected[Code]) -> None:
        event.stop()
        if event.node.data is not None:
            self.post_message(self.CodeChosen(event.node.data))

    # -- actions -------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Editing is offered only on codes this coder added."""
        if action == "edit":
            return self.focused_code is not None and self.is_own(self.focused_code)
        if action in ("memo", "select_cursor"):
            return self.focused_code is not None
        return True

    def action_memo(self) -> None:
        """Ask for a memo on the focused code."""
        if self.focused_code is not None:
            self.post_message(self.MemoRequested(self.focused_code))

    def action_edit(self) -> None:
        """Ask to edit the focused code."""
        if self.focused_code is not None and self.is_own(self.focused_code):
            self.post_message(self.EditRequested(self.focused_code))

    # -- public methods ----------------------------------------------------------------

    @property
    def focused_code(self) -> Code | None:
        """The code under the cursor."""
        node = self.cursor_node
        return node.data if node is not None else None

    def is_own(self, code: Code) -> bool:
        """Whether this coder added ``code``."""
        return code.origin == "coder" and code.created_by == self.coder

    def show_codes(self, codebook: Codebook, counts: dict[str, int]) -> None:
        """Show a (blind) codebook with this coder's counts."""
        self.codebook, self.counts = codebook, dict(counts)
        self.color_map = code_colors(codebook)
        self.filter(self._query)

    def filter(self, query: str) -> None:
        """Show only codes matching ``query`` (and their parents); empty shows all."""
        self._query = query
        focused = self.focused_code.id if self.focused_code else None
        keep = self._matching(query)
        self.clear()
        self._code_nodes = {}
        for code in self.codebook.tree_order():
            if code.id not in keep:
                continue
            parent = self._code_nodes.get(code.parent_id or "", self.root)
            has_children = any(c.id in keep for c in self.codebook.children(code.id))
            self._code_nodes[code.id] = parent.add(
                self._label(code), code, expand=True, allow_expand=has_children
            )
        best = fuzzy_codes([self.codebook.by_id()[i] for i in keep], query) if query else []
        target = best[0].id if best else focused
        target = target if target in self._code_nodes else next(iter(self._code_nodes), None)
        if target is not None:
            self.move_cursor(self._code_nodes[target])

    def bump(self, code_id: str, delta: int) -> None:
        """Change one code's count and relabel it and its parents."""
        self.counts[code_id] = self.counts.get(code_id, 0) + delta
        codes = self.codebook.by_id()
        current: str | None = code_id
        while current is not None and current in codes:
            if current in self._code_nodes:
                self._code_nodes[current].set_label(self._label(codes[current]))
            current = codes[current].parent_id

    def select_code(self, code_id: str) -> None:
        """Put the cursor on a code."""
        if code_id in self._code_nodes:
            self.move_cursor(self._code_nodes[code_id])

    def _matching(self, query: str) -> set[str]:
        if not query.strip():
            return {c.id for c in self.codebook.codes}
        codes = self.codebook.by_id()
        keep: set[str] = set()
        for code in fuzzy_codes(self.codebook.codes, query):
            current: str | None = code.id
            while current is not None and current not in keep:
                keep.add(current)
                current = codes[current].parent_id
        return keep

    def _label(self, code: Code) -> Text:
        """Mark, name (cut to fit) and this coder's count, right-aligned to the pane."""
        total = sum(self.counts.get(c, 0) for c in self.codebook.descendants(code.id))
        own = self.is_own(code)
        mark, count = ("+ " if own else "● "), f" {total}"
        name = code.name + (" (mine)" if own else "")
        depth = self.codebook.path(code.id).count("/")
        icon = 2 if self.codebook.children(code.id) else 0
        room = self.scrollable_content_region.width - depth * self.guide_depth - icon - 1
        if room > len(mark) + len(count) + 4:
            fit = room - len(mark) - len(count)
            name = name if len(name) <= fit else name[: fit - 1] + "…"
            count = count.rjust(room - len(mark) - len(name))
        label = Text(mark, style=Style(color=self.color_map.get(code.id), bold=True))
        label.append(code.name if len(name) >= len(code.name) else name)
        if own and len(name) > len(code.name):
            label.append(name[len(code.name) :], style="dim")
        label.append(count, style="dim")
        return label

    def on_resize(self) -> None:
        codes = self.codebook.by_id()
        for code_id, node in self._code_nodes.items():
            node.set_label(self._label(codes[code_id]))


class CodebookPane(Vertical):
    """The code tree with its filter box; ``/`` opens the filter."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("slash", "filter", "filter codes", key_display="/")]

    DEFAULT_CSS = """
    CodebookPane > #code-filter { display: none; }
    CodebookPane.-filtering > #code-filter { display: block; }
    """

    def __init__(self, coder: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.coder = coder

    def compose(self) -> ComposeResult:
        yield Input(placeholder="filter codes (fuzzy), esc clears", id="code-filter")
        yield CodeTree(self.coder, id="code-tree")

    @on(Input.Changed, "#code-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self.query_one(CodeTree).filter(event.value)

    @on(Input.Submitted, "#code-filter")
    def _filter_done(self, event: Input.Submitted) -> None:
        self.query_one(CodeTree).focus()

    def on_key(self, event: events.Key) -> None:
        if event.key == "escape" and self.has_class("-filtering"):
            event.stop()
            self.clear_filter()

    def action_filter(self) -> None:
        """Show the filter box and type into it."""
        self.add_class("-filtering")
        self.query_one("#code-filter", Input).focus()

    def clear_filter(self) -> None:
        """Hide the filter box and show every code again."""
        self.remove_class("-filtering")
        self.query_one("#code-filter", Input).value = ""
        tree = self.query_one(CodeTree)
        tree.filter("")
        tree.focus()
