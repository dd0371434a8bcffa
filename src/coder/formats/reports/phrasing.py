"""Sentences every document format shares: counts, attributions, figures.

Markdown, Word and HTML say the same things in different markup, so the
wording is built once here, in the report language, and each writer only
decides how to mark it up.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from coder.formats.reports.data import CodeSection, JointTheme, LinkedItem, Quote
from coder.formats.reports.labels import ARROWS, count, number, signed, word


def numbering(depths: Sequence[int]) -> list[str]:
    """Outline numbers ``1``, ``1.1``, ``1.2``, ``2`` for headings at these depths."""
    counters: list[int] = []
    numbers = []
    for depth in depths:
        del counters[depth + 1 :]
        while len(counters) <= depth:
            counters.append(0)
        counters[depth] += 1
        numbers.append(".".join(str(n) for n in counters[: depth + 1]))
    return numbers


def attributes_text(attributes: Mapping[str, str]) -> str:
    """``gemeente: Zwolle, rol: generalist``."""
    return ", ".join(f"{k}: {v}" for k, v in sorted(attributes.items()))


def attribution(language: str, quote: Quote) -> str:
    """Who said it and where: ``R01 (gemeente: Zwolle), beurt 4, 120–245``."""
    parts = [quote.transcript]
    if quote.attributes:
        parts[0] += f" ({attributes_text(quote.attributes)})"
    if quote.turn is not None:
        speaker = f" ({quote.speaker})" if quote.speaker else ""
        parts.append(f"{word(language, 'turn')} {quote.turn}{speaker}")
    parts.append(f"{quote.start}–{quote.end}")
    return ", ".join(parts)


def context_text(language: str, quote: Quote) -> str | None:
    """``Voorafgaande vraag (I): ...`` when the quote carries its context."""
    if quote.context is None:
        return None
    who = f" ({quote.context.speaker})" if quote.context.speaker else ""
    return f"{word(language, 'context')}{who}: {quote.context.text}"


def section_counts(language: str, section: CodeSection) -> str:
    """``12 citaten van 5 respondenten, inclusief subthema's (3 direct bij deze code)``."""
    if section.n_quotes_subtree == section.n_quotes:
        text = _quotes_from(language, section.n_quotes, section.n_transcripts)
    elif section.n_quotes == 0:
        text = (
            f"{_quotes_from(language, section.n_quotes_subtree, section.n_transcripts_subtree)}, "
            f"{word(language, 'all_below')}"
        )
    else:
        text = (
            f"{_quotes_from(language, section.n_quotes_subtree, section.n_transcripts_subtree)}, "
            f"{word(language, 'incl_sub')} ({section.n_quotes} {word(language, 'direct')})"
        )
    if len(section.quotes) < section.n_quotes:
        text += "; " + word(language, "shown_of", shown=len(section.quotes), total=section.n_quotes)
    return text + "."


def theme_counts(language: str, theme: JointTheme) -> str:
    """``12 citaten van 5 respondenten``, noting when subthemes are included."""
    text = _quotes_from(language, theme.n_quotes, theme.n_transcripts)
    if theme.n_quotes != theme.n_quotes_direct:
        text += f", {word(language, 'incl_sub')}"
    return text


def _quotes_from(language: str, n_quotes: int, n_transcripts: int) -> str:
    return (
        f"{count(language, n_quotes, 'quote', 'quotes')} {word(language, 'from')} "
        f"{count(language, n_transcripts, 'respondent', 'respondents')}"
    )


def selection_text(language: str, filters: Mapping[str, Sequence[str]], n_transcripts: int) -> str:
    """``gemeente = Zwolle of Deventer (2 respondenten)`` or ``alle transcripten (8 ...)``."""
    joiner = " of " if language == "nl" else " or "
    parts = [f"{k} = {joiner.join(v)}" for k, v in filters.items()]
    what = "; ".join(parts) if parts else word(language, "all_transcripts")
    return f"{what} ({count(language, n_transcripts, 'respondent', 'respondents')})"


def figures_text(language: str, item: LinkedItem) -> str:
    """``2016: 3,6 · 2017: 3,3 · 2018: 3,0`` (with n per group for respondent data)."""
    if item.kind == "respondents" and item.groups:
        return " · ".join(f"{g.group}: {number(language, g.mean)} (n={g.n})" for g in item.groups)
    return " · ".join(f"{k}: {number(language, v)}" for k, v in item.figures.items())


def change_text(language: str, item: LinkedItem) -> str:
    """``+0,2`` for a table; ``−0,6 ↓ **`` for a tested change in respondent answers."""
    text = signed(language, item.change)
    if item.direction is not None:
        text += f" {ARROWS[item.direction]}"
    if item.first_last is not None and item.first_last.mark:
        text += f" {item.first_last.mark}"
    return text


def direction_text(language: str, item: LinkedItem) -> str:
    """``daalt (p = 0,003)`` / ``geen significant verschil`` / empty for tables."""
    if item.direction is None or item.first_last is None:
        return ""
    p = item.first_last.p
    if p is None:
        p_text = ""
    elif p < 0.001:
        p_text = f" (p < {number(language, 0.001, 3)})"
    else:
        p_text = f" (p = {number(language, p, 3)})"
    return word(language, item.direction) + p_text


def kind_text(language: str, item: LinkedItem) -> str:
    """What the figures are: a table of figures, or means of respondent answers per group."""
    if item.kind == "aggregate":
        return word(language, "aggregate")
    by = f", {word(language, 'mean')} {word(language, 'grouped_by')} {item.group_by}" if item.group_by else ""
    return word(language, "respondent_data") + by
