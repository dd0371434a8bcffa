"""Markdown: quotes per theme and the joint display as plain, diffable text.

Quote text is written as stored, never escaped, so that a quote in the file is
the coded passage character for character (a ``*`` in speech may render as
emphasis; the words stay exact). Multi-line quotes keep their line breaks,
each line inside the block quote.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from coder.formats.outfile import write_text
from coder.formats.reports.data import JointDisplay, LinkedItem, Quote, QuoteReport
from coder.formats.reports.labels import word
from coder.formats.reports.phrasing import (
    attribution,
    change_text,
    context_text,
    figures_text,
    numbering,
    section_counts,
    selection_text,
    theme_counts,
)

Progress = Callable[[int], None] | None


def quote_lines(language: str, quote: Quote) -> list[str]:
    """A quote as a block quote, its context before it and attribution after it."""
    lines = []
    context = context_text(language, quote)
    if context is not None:
        lines += [f"*{context}*", ""]
    lines += ["> " + line if line else ">" for line in quote.text.split("\n")]
    key = f" · **{word(language, 'key_quote')}**" if quote.key_quote else ""
    lines += ["", f"— {attribution(language, quote)}{key}", ""]
    return lines


def _meta(language: str, coder: str, created: str, selection: str) -> list[str]:
    return [
        f"- {word(language, 'coder')}: {coder}",
        f"- {word(language, 'selection')}: {selection}",
        f"- {word(language, 'created')}: {created}",
        "",
    ]


def write_quotes_md(report: QuoteReport, out: Path, progress: Progress = None) -> None:
    """Quotes per theme: headings by depth, definition, counts, block quotes."""
    lang = report.language
    lines = [f"# {word(lang, 'quotes_title')} — {report.study}", ""]
    lines += _meta(
        lang, report.coder, report.created, selection_text(lang, report.filters, report.n_transcripts)
    )
    numbers = numbering([s.depth for s in report.sections])
    for number, section in zip(numbers, report.sections, strict=True):
        lines += [f"{'#' * min(section.depth + 2, 6)} {number} {section.name}", ""]
        if section.description:
            lines += [f"*{word(lang, 'definition')}:* {section.description}", ""]
        lines += [section_counts(lang, section), ""]
        for quote in section.quotes:
            lines += quote_lines(lang, quote)
        if progress:
            progress(len(section.quotes))
    write_text(out, "\n".join(lines).rstrip() + "\n")


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _item_row(language: str, item: LinkedItem) -> str:
    label = f"{item.item} — {item.label}" if item.label != item.item else item.item
    if item.via:
        label += f" ({word(language, 'via')} {item.via})"
    cells = [item.survey, label, figures_text(language, item), change_text(language, item)]
    return "| " + " | ".join(_cell(c) for c in cells) + " |"


def write_joint_md(display: JointDisplay, out: Path, progress: Progress = None) -> None:
    """The joint display: per theme its counts, exemplar quotes and linked figures."""
    lang = display.language
    lines = [f"# {word(lang, 'joint_title')} — {display.study}", ""]
    selection = selection_text(lang, display.filters, display.n_transcripts)
    lines += _meta(lang, display.coder, display.created, selection)
    numbers = numbering([t.depth for t in display.themes])
    tested = False
    for number, theme in zip(numbers, display.themes, strict=True):
        lines += [
            f"{'#' * min(theme.depth + 2, 6)} {number} {theme.name}",
            "",
            theme_counts(lang, theme) + ".",
            "",
        ]
        if theme.exemplars:
            lines += [f"**{word(lang, 'exemplars')}**", ""]
            for quote in theme.exemplars:
                lines += quote_lines(lang, quote)
        if theme.items:
            head = [word(lang, k).capitalize() for k in ("survey", "item", "figures", "change")]
            lines += [f"**{word(lang, 'linked_items')}**", "", "| " + " | ".join(head) + " |"]
            lines += ["|" + "---|" * len(head)] + [_item_row(lang, i) for i in theme.items] + [""]
            tested |= any(i.first_last is not None for i in theme.items)
        if progress:
            progress(1)
    if tested:
        lines += ["---", "", word(lang, "significance"), ""]
    write_text(out, "\n".join(lines).rstrip() + "\n")
