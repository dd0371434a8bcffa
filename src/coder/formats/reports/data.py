"""The plain data every writer takes: quotes per code, and the joint display.

The services build these from the store; the writers only format them, so a
writer never opens a database and every format shows the same selection,
order and counts. The JSON documents of CONTRACT.md are built here too, since
they are the most literal rendering of these objects: ``quotes_document`` and
``joint_document`` hold the contract's fields first and add more after them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd  # only a Matrix holds a frame; the services build it


@dataclass(frozen=True)
class QuoteContext:
    """The turn before a quote by another speaker (usually the question)."""

    speaker: str | None
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Quote:
    """One coding with its text: exactly ``transcript.text[start:end]``."""

    transcript: str
    start: int
    end: int
    text: str
    code: str
    attributes: Mapping[str, str]
    speaker: str | None = None
    turn: int | None = None
    key_quote: bool = False
    memo: str = ""
    context: QuoteContext | None = None


@dataclass(frozen=True)
class CodeSection:
    """A code in tree order with its quotes (those coded with it directly).

    ``n_quotes``/``n_transcripts`` count the code's own codings (all of them,
    even when ``quotes`` is cut short by a maximum); the ``_subtree`` counts
    add the codings of every code below it.
    """

    code: str
    code_id: str
    name: str
    description: str
    path_names: tuple[str, ...]
    n_quotes: int
    n_transcripts: int
    n_quotes_subtree: int
    n_transcripts_subtree: int
    quotes: tuple[Quote, ...]
    color: str | None = None

    @property
    def depth(self) -> int:
        """0 for a theme, 1 for a subtheme, ..."""
        return len(self.path_names) - 1


@dataclass(frozen=True)
class QuoteReport:
    """Quotes per theme for one coder layer and one selection of transcripts."""

    study: str
    coder: str
    language: str
    created: str
    filters: Mapping[str, tuple[str, ...]]
    max_quotes: int | None
    n_transcripts: int
    attribute_keys: tuple[str, ...]
    sections: tuple[CodeSection, ...]

    @property
    def n_shown(self) -> int:
        """How many quotes the report carries (after the maximum per code)."""
        return sum(len(s.quotes) for s in self.sections)


@dataclass(frozen=True)
class GroupFigure:
    """One group's descriptives of a respondent-level item."""

    group: str
    n: int
    mean: float | None
    sd: float | None
    percent_agree: float | None


@dataclass(frozen=True)
class ComparisonFigure:
    """A Mann-Whitney test between two groups, with its significance mark."""

    first: str
    second: str
    p: float | None
    r: float | None
    mark: str


@dataclass(frozen=True)
class LinkedItem:
    """A survey item linked to a code, with its figures side by side.

    ``figures`` is the contract's flat mapping: an aggregate row's numeric
    columns, or the mean per group of respondent answers. ``scale_max`` is
    the top of the answer scale when it is known (for drawing bars).
    ``code`` is the path of the code the link is on; ``via`` that code's name
    when the item is shown under an ancestor (``--depth``).
    """

    survey: str
    item: str
    label: str
    kind: str
    figures: Mapping[str, float]
    source: str
    group_by: str | None = None
    groups: tuple[GroupFigure, ...] = ()
    comparisons: tuple[ComparisonFigure, ...] = ()
    first_last: ComparisonFigure | None = None
    direction: str | None = None
    scale_max: float | None = None
    code: str = ""
    via: str | None = None

    @property
    def change(self) -> float | None:
        """Last figure minus the first one (None with fewer than two)."""
        values = list(self.figures.values())
        return round(values[-1] - values[0], 9) if len(values) > 1 else None


@dataclass(frozen=True)
class JointTheme:
    """A code in the joint display: its interview side and its survey side.

    Counts include the codes below it (a theme's link speaks for its
    subthemes too); ``n_quotes_direct`` is what was coded with it directly.
    """

    code: str
    code_id: str
    name: str
    description: str
    depth: int
    n_quotes: int
    n_transcripts: int
    n_quotes_direct: int
    exemplars: tuple[Quote, ...]
    items: tuple[LinkedItem, ...]
    color: str | None = None


@dataclass(frozen=True)
class JointDisplay:
    """Themes beside survey figures for one coder layer."""

    study: str
    coder: str
    language: str
    created: str
    filters: Mapping[str, tuple[str, ...]]
    n_transcripts: int
    themes: tuple[JointTheme, ...]
    warnings: tuple[str, ...] = field(default=())

    def figure_keys(self) -> list[str]:
        """Every figure name (column or group) in order of first appearance."""
        keys: dict[str, None] = {}
        for theme in self.themes:
            for item in theme.items:
                keys.update(dict.fromkeys(item.figures))
        return list(keys)


@dataclass(frozen=True)
class Matrix:
    """A code matrix to write: a pandas frame, what it is, and labels for SPSS.

    ``labels`` maps column -> variable label, ``value_labels`` column ->
    {value: label}; ``index`` says whether the frame's index is a column to keep.
    """

    kind: str
    frame: pd.DataFrame
    labels: Mapping[str, str] = field(default_factory=dict)
    value_labels: Mapping[str, Mapping[int, str]] = field(default_factory=dict)
    index: bool = True


# --- JSON documents (CONTRACT.md) ----------------------------------------------------


def quote_record(quote: Quote) -> dict[str, Any]:
    """A quote as JSON: the contract's fields, then position and flags."""
    record: dict[str, Any] = {
        "transcript": quote.transcript,
        "start": quote.start,
        "end": quote.end,
        "text": quote.text,
        "attributes": dict(quote.attributes),
        "code": quote.code,
        "speaker": quote.speaker,
        "turn": quote.turn,
        "key_quote": quote.key_quote,
        "memo": quote.memo,
    }
    if quote.context is not None:
        c = quote.context
        record["context"] = {"speaker": c.speaker, "start": c.start, "end": c.end, "text": c.text}
    return record


def quotes_document(report: QuoteReport) -> dict[str, Any]:
    """``coder export quotes --format json``."""
    return {
        "coder": report.coder,
        "codes": [
            {
                "code": s.code,
                "name": s.name,
                "n_quotes": s.n_quotes,
                "n_transcripts": s.n_transcripts,
                "quotes": [quote_record(q) for q in s.quotes],
                "description": s.description,
                "depth": s.depth,
                "n_quotes_with_subcodes": s.n_quotes_subtree,
                "n_transcripts_with_subcodes": s.n_transcripts_subtree,
            }
            for s in report.sections
        ],
        "study": report.study,
        "language": report.language,
        "created": report.created,
        "filters": {k: list(v) for k, v in report.filters.items()},
        "max_quotes": report.max_quotes,
        "n_transcripts": report.n_transcripts,
    }


def item_record(item: LinkedItem) -> dict[str, Any]:
    """A linked item as JSON: survey, item, label, figures, then the statistics."""
    record: dict[str, Any] = {
        "survey": item.survey,
        "item": item.item,
        "label": item.label,
        "figures": dict(item.figures),
        "kind": item.kind,
        "source": item.source,
        "linked_code": item.code,
        "change": item.change,
    }
    if item.kind == "respondents":
        record |= {
            "group_by": item.group_by,
            "groups": [asdict(g) for g in item.groups],
            "comparisons": [asdict(c) for c in item.comparisons],
            "first_last": asdict(item.first_last) if item.first_last else None,
            "direction": item.direction,
            "mark": item.first_last.mark if item.first_last else "",
        }
    return record


def joint_document(display: JointDisplay) -> dict[str, Any]:
    """``coder export joint --format json``."""
    return {
        "coder": display.coder,
        "themes": [
            {
                "code": t.code,
                "name": t.name,
                "n_quotes": t.n_quotes,
                "n_transcripts": t.n_transcripts,
                "exemplars": [quote_record(q) for q in t.exemplars],
                "items": [item_record(i) for i in t.items],
                "description": t.description,
                "depth": t.depth,
                "n_quotes_direct": t.n_quotes_direct,
            }
            for t in display.themes
        ],
        "study": display.study,
        "language": display.language,
        "created": display.created,
        "filters": {k: list(v) for k, v in display.filters.items()},
        "n_transcripts": display.n_transcripts,
        "counts_include_subcodes": True,
        "warnings": list(display.warnings),
    }
