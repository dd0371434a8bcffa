"""The transcript pane: speaker turns, the selection, and this coder's codes in a margin.

A Line API widget (``ScrollView`` + ``render_line``): it keeps a ``Layout``
(the character span of every screen line) and renders only the lines on
screen, so a 100,000-word transcript costs little more to show than a short
one. It owns cursor movement and posts ``SelectionChanged``; everything that
writes to the project happens in the screen that hosts it.

| Key | Action |
| --- | --- |
| ↑ / k, ↓ / j | previous / next sentence |
| ⇧↑ / K, ⇧↓ / J | extend the selection by a sentence |
| [ / ] | move the selection's start a word left / right |
| { / } | move the selection's end a word left / right |
| t | select the whole speaker turn |
| pgup / pgdn, home / end | scroll by a page, to the top / bottom |
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.message import Message
from textual.reactive import var
from textual.scroll_view import ScrollView
from textual.strip import Strip

from coder.model import Coding
from coder.services import reading
from coder.services.reading import Selection, TranscriptDoc
from coder.tui.widgets._layout import (
    LABEL,
    TEXT,
    Block,
    Layout,
    Margin,
    build_layout,
    place_margin,
    text_blocks,
)

SPEAKER_CLASSES = ("transcript-view--speaker-1", "transcript-view--speaker-2", "transcript-view--speaker-3")


class TranscriptView(ScrollView, can_focus=True):
    """A transcript with a sentence cursor, an extendable selection and a code margin."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up,k", "move(-1)", "sentence", key_display="↑↓", tooltip="previous sentence"),
        Binding("down,j", "move(1)", "sentence", show=False, tooltip="next sentence"),
        Binding("shift+up,K", "extend(-1)", "extend", key_display="⇧↑↓", tooltip="extend the selection up"),
        Binding("shift+down,J", "extend(1)", "extend", show=False, tooltip="extend the selection down"),
        Binding(
            "left_square_bracket", "start(-1)", "start ← word", show=False, tooltip="start a word earlier"
        ),
        Binding("right_square_bracket", "start(1)", "start → word", show=False, tooltip="start a word later"),
        Binding("left_curly_bracket", "end(-1)", "end ← word", show=False, tooltip="end a word earlier"),
        Binding("right_curly_bracket", "end(1)", "end → word", show=False, tooltip="end a word later"),
        Binding("t", "turn", "turn", show=False, tooltip="select the whole speaker turn"),
        Binding("pageup", "page(-1)", "page up", show=False),
        Binding("pagedown", "page(1)", "page down", show=False),
        Binding("home", "edge(-1)", "first sentence", show=False),
        Binding("end", "edge(1)", "last sentence", show=False),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "transcript-view--selection",
        "transcript-view--hit",
        "transcript-view--coded",
        "transcript-view--interviewer",
        "transcript-view--margin",
        "transcript-view--editing",
        *SPEAKER_CLASSES,
    }

    DEFAULT_CSS = """
    TranscriptView {
        overflow-x: hidden;
        overflow-y: auto;
        scrollbar-gutter: stable;
        scrollbar-size-vertical: 1;
        & > .transcript-view--selection { background: $accent 45%; }
        & > .transcript-view--hit { background: $warning 35%; }
        & > .transcript-view--coded { text-style: underline; }
        & > .transcript-view--interviewer { color: $text-muted; text-style: italic; }
        & > .transcript-view--margin { color: $text-muted; }
        & > .transcript-view--editing { text-style: bold reverse; }
        & > .transcript-view--speaker-1 { color: $secondary; text-style: bold; }
        & > .transcript-view--speaker-2 { color: $success; text-style: bold; }
        & > .transcript-view--speaker-3 { color: $warning; text-style: bold; }
    }
    """

    selection: var[Selection | None] = var(None, always_update=True)
    """The selected span; None until a transcript is loaded."""

    editing: var[int | None] = var(None)
    """Id of the coding whose span is being changed, if any."""

    class SelectionChanged(Message):
        """The coder moved the cursor or changed the selection."""

        def __init__(self, selection: Selection) -> None:
            self.selection = selection
            super().__init__()

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.doc: TranscriptDoc | None = None
        self._blocks: list[Block] = []
        self._layout = Layout(0, 0, True)
        self._margin = Margin()
        self._codings: dict[int, Coding] = {}
        self._names: dict[str, str] = {}
        self._colors: dict[str, str] = {}
        self._hits: list[tuple[int, int]] = []
        self._speaker_class: dict[str, str] = {}
        self._layout_width = -1

    # -- watchers --------------------------------------------------------------------

    def watch_selection(self, old: Selection | None, new: Selection | None) -> None:
        if new is None:
            return
        self._scroll_to_head(new)
        self.refresh()
        self.post_message(self.SelectionChanged(new))

    def watch_editing(self) -> None:
        self.refresh()

    # -- handlers --------------------------------------------------------------------

    def on_resize(self, event: events.Resize) -> None:
        self._relayout()

    def on_click(self, event: events.Click) -> None:
        offset = self.offset_at(event.y + int(self.scroll_y), event.x)
        if offset is not None and self.doc is not None:
            self.selection = reading.select_sentence(self.doc, self.doc.sentence_at(offset))

    # -- actions ---------------------------------------------------------------------

    def action_move(self, delta: int) -> None:
        """Move the cursor by sentences."""
        if self.doc and self.selection:
            self.selection = reading.move(self.doc, self.selection, delta)

    def action_extend(self, delta: int) -> None:
        """Extend (or shrink back) the selection by a sentence."""
        if self.doc and self.selection:
            self.selection = reading.extend(self.doc, self.selection, delta)

    def action_start(self, step: int) -> None:
        """Move the selection's start by a word."""
        if self.doc and self.selection:
            self.selection = reading.move_start(self.doc.text, self.selection, step)

    def action_end(self, step: int) -> None:
        """Move the selection's end by a word."""
        if self.doc and self.selection:
            self.selection = reading.move_end(self.doc.text, self.selection, step)

    def action_turn(self) -> None:
        """Select the speaker turn around the cursor."""
        if self.doc and self.selection:
            self.selection = reading.select_turn(self.doc, self.selection)

    def action_page(self, direction: int) -> None:
        """Move the cursor a screenful up or down."""
        if self.doc and self.selection:
            y = self._layout.line_of(self.selection.start) + direction * max(1, self.size.height - 2)
            y = min(max(y, 0), len(self._layout) - 1)
            self.selection = reading.select_sentence(self.doc, self.doc.sentence_at(self._layout.starts[y]))

    def action_edge(self, direction: int) -> None:
        """Jump to the first or last sentence."""
        if self.doc:
            self.selection = reading.select_sentence(
                self.doc, 0 if direction < 0 else len(self.doc.sentences) - 1
            )

    # -- public methods ----------------------------------------------------------------

    def load(self, doc: TranscriptDoc, selection: Selection | None = None) -> None:
        """Show a transcript; the cursor goes to ``selection`` or the first sentence."""
        self.doc = doc
        self._blocks = text_blocks(doc)
        speakers = [b.speaker for b in self._blocks if b.speaker and not b.interviewer]
        ordered = list(dict.fromkeys(speakers))
        self._speaker_class = {s: SPEAKER_CLASSES[i % len(SPEAKER_CLASSES)] for i, s in enumerate(ordered)}
        self._layout_width = -1
        self._relayout()
        self.selection = selection or reading.select_sentence(doc, 0)

    def set_codes(self, names: dict[str, str], colors: dict[str, str]) -> None:
        """Names and colours of the codes the margin may show."""
        self._names, self._colors = names, colors
        self.refresh()

    def set_codings(self, codings: Iterable[Coding]) -> None:
        """This coder's codings on the transcript (the margin is rebuilt from them)."""
        self._codings = {c.id: c for c in codings}
        self._margin = place_margin(self._layout, self._codings.values())
        self.refresh()

    def set_hits(self, hits: Sequence[tuple[int, int]]) -> None:
        """Spans to highlight as search hits."""
        self._hits = list(hits)
        self.refresh()

    @property
    def codings(self) -> dict[int, Coding]:
        """The codings the margin shows, by id."""
        return dict(self._codings)

    def offset_at(self, y: int, x: int) -> int | None:
        """The character offset shown at virtual line ``y``, column ``x``."""
        layout = self._layout
        if not 0 <= y < len(layout) or layout.kinds[y] != TEXT:
            return None
        column = min(max(0, x - layout.gutter), layout.ends[y] - layout.starts[y])
        return layout.starts[y] + column

    @property
    def margin_width(self) -> int:
        """Cells given to the code margin at the current width."""
        width = self._content_width()
        return 0 if width < 40 else max(12, min(32, width * 35 // 100))

    # -- layout and rendering ------------------------------------------------------------

    def _content_width(self) -> int:
        return self.scrollable_content_region.width or self.size.width

    def _relayout(self) -> None:
        width = self._content_width()
        if self.doc is None or width <= 0 or width == self._layout_width:
            return
        self._layout_width = width
        text_width = width - self.margin_width - (1 if self.margin_width else 0)
        self._layout = build_layout(self.doc.text, self._blocks, text_width)
        self._margin = place_margin(self._layout, self._codings.values())
        self.virtual_size = Size(width, len(self._layout))
        if self.selection is not None:
            # The new virtual size limits scrolling only once it is laid out: scroll again then.
            self._scroll_to_head(self.selection)
            self.call_after_refresh(self._scroll_to_selection)
        self.refresh()

    def _scroll_to_selection(self) -> None:
        if self.selection is not None:
            self._scroll_to_head(self.selection)

    def _scroll_to_head(self, sel: Selection) -> None:
        if not len(self._layout):
            return
        y = self._layout.line_of(sel.end - 1 if sel.head > sel.anchor else sel.start)
        top, height = int(self.scroll_y), max(1, self.size.height)
        pad = min(2, height // 4)
        if y < top + pad:
            self.scroll_to(y=max(0, y - pad), animate=False, immediate=True)
        elif y >= top + height - pad:
            self.scroll_to(y=y - height + pad + 1, animate=False, immediate=True)

    def render_line(self, y: int) -> Strip:
        """One screen line: speaker gutter and text, then the code margin."""
        width = self._content_width()
        line = int(self.scroll_y) + y
        if self.doc is None or line >= len(self._layout):
            return Strip.blank(width, self.rich_style)
        text = Text(style=self.rich_style, end="")
        text.append_text(self._left(line))
        text.truncate(self._layout.gutter + self._layout.text_width, pad=True)
        text.append_text(self._margin_text(line))
        text.truncate(width, pad=True)
        return Strip(text.render(self.app.console), width)

    def _left(self, line: int) -> Text:
        layout = self._layout
        block = self._blocks[layout.blocks[line]]
        kind = layout.kinds[line]
        if kind == LABEL:
            return Text(block.speaker or "", style=self._speaker_style(block), end="")
        if kind != TEXT:
            return Text("", end="")
        first = line == 0 or layout.kinds[line - 1] != TEXT or layout.blocks[line - 1] != layout.blocks[line]
        label = (block.speaker or "") if layout.short_labels and first else ""
        out = Text(end="")
        out.append(label.ljust(layout.gutter), style=self._speaker_style(block))
        out.append_text(self._body(line, block))
        return out

    def _speaker_style(self, block: Block) -> Style:
        if block.interviewer or block.speaker is None:
            return self.get_component_rich_style("transcript-view--interviewer")
        return self.get_component_rich_style(self._speaker_class.get(block.speaker, SPEAKER_CLASSES[0]))

    def _body(self, line: int, block: Block) -> Text:
        assert self.doc is not None
        start, end = self._layout.starts[line], self._layout.ends[line]
        body = Text(self.doc.text[start:end].replace("\t", " "), end="")
        if block.interviewer:
            body.stylize(self.get_component_rich_style("transcript-view--interviewer"))
        coded = self.get_component_rich_style("transcript-view--coded")
        for cid in self._margin.by_line.get(line, ()):
            coding = self._codings[cid]
            body.stylize(coded, max(0, coding.start - start), max(0, coding.end - start))
        hit_style = self.get_component_rich_style("transcript-view--hit")
        for hit_start, hit_end in self._hits:
            if hit_start < end and hit_end > start:
                body.stylize(hit_style, max(0, hit_start - start), hit_end - start)
        sel = self.selection
        if sel is not None and sel.start <= end and sel.end > start:
            stop = min(sel.end, end + 1) - start
            body.append(" " * max(0, stop - len(body)))
            selected = self.get_component_rich_style("transcript-view--selection")
            body.stylize(selected, max(0, sel.start - start), stop)
        return body

    def _margin_text(self, line: int) -> Text:
        width = self.margin_width
        if not width:
            return Text("", end="")
        muted = self.get_component_rich_style("transcript-view--margin")
        out = Text(" ", end="")
        lanes = self._margin.lanes_used
        bars: list[tuple[str, Style]] = [(" ", muted)] * lanes
        for cid in self._margin.by_line.get(line, ()):
            coding = self._codings[cid]
            # A flagged coding (its words gone after a re-import) is marked wherever it shows.
            bars[self._margin.lanes[cid]] = ("⚠" if coding.flagged else "┃", self._code_style(coding.code_id))
        for char, style in bars:
            out.append(char, style=style)
        label_id = self._margin.labels.get(line)
        if label_id is not None:
            coding = self._codings[label_id]
            marks = (" ★" if coding.key_quote else "") + (" ✎" if coding.memo else "")
            marks += f" +{self._margin.hidden[line]}" if line in self._margin.hidden else ""
            name = self._names.get(coding.code_id, coding.code_id)
            room = max(1, width - lanes - 2 - len(marks))
            name = name if len(name) <= room else name[: room - 1] + "…"
            style = (
                self.get_component_rich_style("transcript-view--editing")
                if label_id == self.editing
                else muted
            )
            out.append(" " + name, style=style)
            out.append(marks, style=self._code_style(coding.code_id))
        return out

    def _code_style(self, code_id: str) -> Style:
        color = self._colors.get(code_id)
        return Style(color=color, bold=True) if color else Style(bold=True)
