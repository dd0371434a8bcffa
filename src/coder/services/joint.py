"""The joint display: each theme's interview evidence beside its survey figures.

Why it is shaped like this:

* A theme's counts and exemplars include its subthemes: a link on
  "Generalistisch werken" speaks for everything coded under it, and a theme
  whose quotes all sit in subthemes would otherwise show zero. The document
  says so (``counts_include_subcodes``) and keeps ``n_quotes_direct``.
* Exemplars are chosen, not sampled: key quotes first, then one quote per
  respondent not yet heard, then the rest, so three exemplars show three
  voices where the data allow it.
* Links are the union of codebook ``links:`` and ``coder link`` (see
  ``services.surveys.link_sources``). A link to a survey that is not imported
  is skipped with a warning (the codebook may be written before the survey
  arrives); a link to an item the imported survey lacks is an error naming
  both, because the display would silently miss a figure.
* Respondent-level items get per-group statistics from
  ``survey.item_statistics`` (Mann-Whitney tests, significance marks,
  direction); aggregate rows give their numeric columns as they are.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from coder.analysis.survey import Comparison, Survey, item_figures, item_statistics
from coder.errors import CoderError
from coder.formats.reports.data import (
    ComparisonFigure,
    GroupFigure,
    JointDisplay,
    JointTheme,
    LinkedItem,
    Quote,
)
from coder.services.exports import Filters, QuoteSet, collect_quotes, report_language
from coder.services.surveys import link_sources, load_survey
from coder.storage import Store

Warn = Callable[[str], None]


@dataclass(frozen=True)
class ThemesOverview:
    """What the themes screen browses: a layer's quotes, linked figures by code, warnings."""

    quotes: QuoteSet
    items: dict[str, list[LinkedItem]]
    warnings: tuple[str, ...]
    layers: tuple[str, ...]


def pick_exemplars(quotes: Sequence[Quote], n: int) -> tuple[Quote, ...]:
    """Up to ``n`` quotes: key quotes; then a new respondent on a new (sub)code;
    then a new respondent; then the rest, each pass in the given order."""
    chosen: list[Quote] = []
    heard: set[str] = set()
    codes: set[str] = set()
    passes: tuple[Callable[[Quote], bool], ...] = (
        lambda q: q.key_quote,
        lambda q: q.transcript not in heard and q.code not in codes,
        lambda q: q.transcript not in heard,
        lambda q: True,
    )
    for wanted in passes:
        for quote in quotes:
            if len(chosen) >= n:
                return tuple(chosen)
            if quote not in chosen and wanted(quote):
                chosen.append(quote)
                heard.add(quote.transcript)
                codes.add(quote.code)
    return tuple(chosen)


def _comparison(c: Comparison | None) -> ComparisonFigure | None:
    if c is None:
        return None
    return ComparisonFigure(c.first, c.second, _finite(c.p), _finite(c.r), c.mark)


def _finite(value: float) -> float | None:
    return None if value != value else value  # NaN -> None


def _scale_max(survey: Survey, item: str) -> float | None:
    coded = [k for k in survey.value_labels.get(item, {}) if isinstance(k, float)]
    answers = survey.data[item].dropna()
    highest = max([*coded, *(float(a) for a in answers)], default=None)
    return highest


def linked_item(survey: Survey, item: str, source: str, group_by: str | None) -> LinkedItem:
    """The figures of one item: aggregate columns, or per-group statistics with tests."""
    label = survey.item_labels.get(item, item)
    if survey.kind == "aggregate":
        return LinkedItem(survey.name, item, label, "aggregate", item_figures(survey, item), source)
    group = group_by if group_by in survey.data.columns else next(iter(survey.group_columns), None)
    stats = item_statistics(survey, item, group)
    groups = tuple(GroupFigure(g.group, g.n, g.mean, g.sd, g.percent_agree) for g in stats.groups)
    comparisons = tuple(c for c in map(_comparison, stats.comparisons) if c is not None)
    return LinkedItem(
        survey.name,
        item,
        label,
        "respondents",
        stats.figures(),
        source,
        group,
        groups,
        comparisons,
        _comparison(stats.first_last),
        stats.direction,
        _scale_max(survey, item),
    )


def linked_items(store: Store, group_by: str | None, warn: Warn) -> dict[str, list[LinkedItem]]:
    """Every link with its figures, by code id; unimported surveys are warned about."""
    names = set(store.survey_names())
    book = store.codebook()
    surveys: dict[str, Survey] = {}
    found: dict[str, list[LinkedItem]] = {}
    missing: set[str] = set()
    for (code, name, item), source in link_sources(store).items():
        if name not in names:
            if name not in missing:
                warn(
                    f"links to survey {name!r} are skipped: it is not imported "
                    f"(coder survey import FILE --name {name})"
                )
                missing.add(name)
            continue
        survey = surveys.setdefault(name, load_survey(store, name))
        if item not in survey.items():
            where = "the codebook" if source == "codebook" else "`coder link`"
            raise CoderError(
                f"code {code} links to {name}:{item} (in {where}), but survey {name!r} has no item {item!r}",
                f"items: {', '.join(survey.items())}; fix the link or remove it with "
                f"`coder link --remove {code} {name}:{item}`",
            )
        if group_by is not None and survey.kind == "respondents" and group_by not in survey.data.columns:
            warn(
                f"survey {name!r} has no column {group_by!r}; its figures are grouped by its first group column"
            )
        linked = linked_item(survey, item, source, group_by)
        found.setdefault(code, []).append(dataclasses.replace(linked, code=book.path(code)))
    return found


def _shown_items(
    found: QuoteSet, items: dict[str, list[LinkedItem]], max_depth: int | None
) -> dict[str, list[LinkedItem]]:
    """Items by the code that shows them: a hidden subcode's items go to its shown ancestor."""
    book = found.codebook
    codes = book.by_id()
    shown: dict[str, list[LinkedItem]] = {}
    for code_id, linked in items.items():
        target = code_id
        while max_depth is not None and book.path(target).count("/") >= max_depth:
            target = codes[target].parent_id or target
        if target != code_id:
            linked = [dataclasses.replace(i, via=codes[code_id].name) for i in linked]
        shown.setdefault(target, []).extend(linked)
    return shown


def _theme(found: QuoteSet, code_id: str, items: list[LinkedItem], n: int) -> JointTheme:
    book = found.codebook
    code = book.by_id()[code_id]
    quotes = found.subtree(code_id)
    own = found.by_code.get(code_id, ())
    ranked = sorted(quotes, key=lambda q: not q.key_quote)
    return JointTheme(
        book.path(code_id),
        code_id,
        code.name,
        code.description,
        book.path(code_id).count("/"),
        len(quotes),
        len({q.transcript for q in quotes}),
        len(own),
        pick_exemplars(ranked, n),
        tuple(items),
        code.color,
    )


def build_joint(
    store: Store,
    coder: str = "final",
    *,
    filters: Filters | None = None,
    n_exemplars: int = 3,
    language: str | None = None,
    group_by: str | None = None,
    max_depth: int | None = None,
    warn: Warn | None = None,
) -> JointDisplay:
    """Each code with quotes or links, in tree order, with exemplars and linked figures.

    ``max_depth`` 1 shows only themes, 2 themes and subthemes, ...; None all.
    """
    if n_exemplars < 0:
        raise CoderError(f"--exemplars {n_exemplars} is negative", "give 0 to 10 exemplars per theme")
    warnings: list[str] = []

    def note(message: str) -> None:
        if message not in warnings:
            warnings.append(message)
            if warn is not None:
                warn(message)

    found = collect_quotes(store, coder, filters)
    items = _shown_items(found, linked_items(store, group_by, note), max_depth)
    themes = [
        _theme(found, code.id, items.get(code.id, []), n_exemplars)
        for code in found.codebook.tree_order()
        if (code.id in items or found.subtree(code.id))
        and (max_depth is None or found.codebook.path(code.id).count("/") < max_depth)
    ]
    return JointDisplay(
        study=store.get_setting("name") or store.root.name,
        coder=coder,
        language=report_language(store, language),
        created=date.today().isoformat(),
        filters=found.filters,
        n_transcripts=len(found.transcripts),
        themes=tuple(themes),
        warnings=tuple(warnings),
    )


def themes_overview(store: Store, coder: str, layers: Sequence[str] | None = None) -> ThemesOverview:
    """Quotes with context and linked figures of one layer, for browsing.

    Unlike an export, a broken link does not stop the screen: it becomes a
    warning and the quotes are still shown. ``layers`` limits the coder layers
    offered (the coding UI offers only the consensus and the coder's own).
    """
    warnings: list[str] = []
    quotes = collect_quotes(store, coder, context=True)
    try:
        items = linked_items(store, None, warnings.append)
    except CoderError as exc:
        items = {}
        warnings.append(exc.message)
    with_codings = [c["name"] for c in store.coders() if store.code_counts(c["name"])]
    offered = [name for name in with_codings if layers is None or name in layers]
    return ThemesOverview(quotes, items, tuple(warnings), tuple(offered))
