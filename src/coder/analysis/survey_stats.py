"""Statistics of one survey item for the joint display (split from ``survey``).

Why it is shaped like this:

* It only reads a survey through ``SurveyLike`` (its ``kind``, ``data``,
  labels and group columns) and never imports ``coder.analysis.survey``, so ``survey``
  can re-export everything here without an import cycle, and the reading code
  and the statistics can be read (and grown) apart. scipy is imported by the
  one test that needs it, so reading a survey file never loads it.
* The results are small frozen dataclasses; an undefined figure is ``None``.
* The few helpers both modules need (what counts as a numeric column, the
  unknown-item error) live here; how a number is written as a group name
  lives in ``survey_read``, the lowest of the three.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Any, Literal, Protocol

import numpy as np
import pandas as pd

from coder.errors import CoderError
from coder.formats.survey_files import LabelValue, format_number

__all__ = ["LabelValue", "SurveyLike", "format_number"]

Direction = Literal["up", "down", "flat"]
OVERALL = "all"
"""Group name used when statistics are not split by a group column."""


class SurveyLike(Protocol):
    """What the statistics read of a ``coder.analysis.survey.Survey``."""

    @property
    def name(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def data(self) -> pd.DataFrame: ...
    @property
    def item_labels(self) -> Mapping[str, str]: ...
    @property
    def value_labels(self) -> Mapping[str, Mapping[LabelValue, str]]: ...
    @property
    def source(self) -> str: ...
    @property
    def key_column(self) -> str | None: ...
    @property
    def group_columns(self) -> tuple[str, ...]: ...
    def items(self) -> list[str]: ...
    def figure_columns(self) -> list[str]: ...


@dataclass(frozen=True)
class Category:
    """One answer category within a group: its code, label, count and share."""

    value: LabelValue
    label: str | None
    n: int
    percent: float | None


@dataclass(frozen=True)
class GroupStats:
    """Descriptive statistics of one item within one group (``sd`` is n-1 based)."""

    group: str
    n: int
    mean: float | None
    sd: float | None
    median: float | None
    categories: tuple[Category, ...]
    percent_agree: float | None


@dataclass(frozen=True)
class Comparison:
    """A two-sided Mann-Whitney U test between two groups.

    ``u`` is scipy's statistic for the first group (pairs where the first
    group's answer is higher, ties counted half). ``r`` is the rank-biserial
    correlation (Kerby 2014, simple difference formula) ``1 - 2U/(n1*n2)``:
    positive when the second group answers higher, in [-1, 1].
    """

    first: str
    second: str
    n_first: int
    n_second: int
    u: float
    p: float
    r: float
    mark: str


@dataclass(frozen=True)
class ItemStats:
    """Statistics of one respondent-level item, per group, with group tests.

    ``comparisons`` holds consecutive groups (2015 vs 2016, 2016 vs 2017);
    ``first_last`` the first against the last group. ``direction`` is
    "up"/"down" when ``first_last`` is significant at ``alpha`` (by the sign of
    its ``r``), "flat" when it is not, ``None`` with fewer than two groups.
    ``agree_threshold`` is the answer from which an answer counts as agreeing.
    """

    survey: str
    item: str
    label: str
    group_by: str | None
    agree_threshold: float | None
    alpha: float
    groups: tuple[GroupStats, ...]
    comparisons: tuple[Comparison, ...]
    first_last: Comparison | None
    direction: Direction | None

    def figures(self) -> dict[str, float]:
        """The flat figures of the joint display: group name -> mean."""
        return {g.group: g.mean for g in self.groups if g.mean is not None}

    def to_records(self) -> dict[str, Any]:
        """Plain JSON (dicts, lists, str, float, int, None)."""
        records: dict[str, Any] = _plain(dataclasses.asdict(self))
        return records


# --- statistics ----------------------------------------------------------------


def item_figures(survey: SurveyLike, item: str, group_by: str | None = None) -> dict[str, float]:
    """The flat figures of the joint display for one item.

    Aggregate table: the item row's numeric columns by column name (empty cells
    left out). Respondent data: group name -> mean, grouped by ``group_by`` or
    else the survey's first group column, or {"all": mean} without one.
    """
    if survey.kind == "respondents":
        group = group_by if group_by is not None else next(iter(survey.group_columns), None)
        return item_statistics(survey, item, group).figures()
    if item not in survey.items():
        raise unknown_item(survey, item)
    row = survey.data[survey.data[survey.key_column] == item].iloc[0]
    return {c: float(row[c]) for c in survey.figure_columns() if not pd.isna(row[c])}


def item_statistics(
    survey: SurveyLike,
    item: str,
    group_by: str | None = None,
    *,
    agree_threshold: float | None = None,
    alpha: float = 0.05,
) -> ItemStats:
    """Per-group descriptives and Mann-Whitney tests of one respondent-level item.

    Without ``group_by`` there is one group, "all". "% agree" counts answers
    >= ``agree_threshold``; by default the top two points of a 5-point scale
    (from the value labels, or answers that are whole numbers 1-5), else None.
    """
    if survey.kind != "respondents":
        raise CoderError(
            f"survey {survey.name!r} is an aggregate table: it has figures, not answers",
            hint="Use its figures (item_figures) instead of respondent statistics.",
        )
    if item not in survey.data.columns or not is_number_column(survey.data[item]):
        raise unknown_item(survey, item)
    answers = survey.data[item]
    labels = survey.value_labels.get(item, {})
    scale = sorted({*answers.dropna().unique().tolist(), *(k for k in labels if isinstance(k, float))})
    threshold = agree_threshold if agree_threshold is not None else _top_two(answers, labels)
    parts = _split(survey, answers, group_by)
    groups = tuple(_describe(n, a, scale, labels, threshold) for n, a in parts)
    filled = [(n, a) for n, a in parts if a.size]
    comparisons = tuple(compare_groups(n1, a1, n2, a2) for (n1, a1), (n2, a2) in pairwise(filled))
    first_last = compare_groups(*filled[0], *filled[-1]) if len(filled) > 1 else None
    return ItemStats(
        survey.name,
        item,
        survey.item_labels.get(item, item),
        group_by,
        threshold,
        alpha,
        groups,
        comparisons,
        first_last,
        _direction(first_last, alpha),
    )


def compare_groups(
    first: str,
    first_answers: Sequence[float] | np.ndarray,
    second: str,
    second_answers: Sequence[float] | np.ndarray,
) -> Comparison:
    """Two-sided Mann-Whitney U test (scipy, method "auto") with rank-biserial r.

    Mann & Whitney (1947); r as in Kerby (2014). With no overlap the exact
    two-sided p is 2 / C(7, 3) = 2/35:

    >>> c = compare_groups("2016", [1, 2, 3], "2017", [4, 5, 6, 7])
    >>> (c.u, round(c.p, 4), c.r, c.mark)
    (0.0, 0.0571, 1.0, '')
    """
    a = np.asarray(first_answers, dtype=float)
    b = np.asarray(second_answers, dtype=float)
    from scipy.stats import mannwhitneyu  # about a second to import: only when comparing

    result = mannwhitneyu(a, b, alternative="two-sided")
    u, p = float(result.statistic), float(result.pvalue)
    r = 1.0 - 2.0 * u / (a.size * b.size)
    return Comparison(first, second, int(a.size), int(b.size), u, p, r, significance_mark(p))


def significance_mark(p: float) -> str:
    """'***' for p < .001, '**' for p < .01, '*' for p < .05, else ''.

    >>> [significance_mark(p) for p in (0.0005, 0.005, 0.02, 0.05)]
    ['***', '**', '*', '']
    """
    if math.isnan(p):
        return ""
    return "***" if p < 0.001 else "**" if p < 0.01 else "*" if p < 0.05 else ""


def _top_two(answers: pd.Series, labels: Mapping[LabelValue, str]) -> float | None:
    coded = sorted(k for k in labels if isinstance(k, float))
    if len(coded) >= 2:
        return coded[3] if len(coded) == 5 else None
    seen = answers.dropna().unique().tolist()
    if seen and all(float(v).is_integer() and 1 <= v <= 5 for v in seen):
        return 4.0
    return None


def _split(survey: SurveyLike, answers: pd.Series, group_by: str | None) -> list[tuple[str, np.ndarray]]:
    if group_by is None:
        return [(OVERALL, answers.dropna().to_numpy(dtype=float))]
    if group_by not in survey.data.columns:
        raise CoderError(
            f"survey {survey.name!r} has no column {group_by!r} to group by",
            hint=f"Group columns: {', '.join(survey.group_columns) or '(none)'}.",
        )
    column = survey.data[group_by]
    labels = survey.value_labels.get(group_by, {})
    values = column.dropna().unique().tolist()
    ordered = sorted(values) if is_number_column(column) else sorted(values, key=str)
    return [(_group_name(v, labels), answers[column == v].dropna().to_numpy(dtype=float)) for v in ordered]


def _group_name(value: object, labels: Mapping[LabelValue, str]) -> str:
    if isinstance(value, float):
        return labels.get(value, format_number(value))
    return str(value)


def _describe(
    group: str,
    answers: np.ndarray,
    scale: list[float],
    labels: Mapping[LabelValue, str],
    threshold: float | None,
) -> GroupStats:
    n = int(answers.size)
    categories = tuple(
        Category(v, labels.get(v), c, 100.0 * c / n if n else None)
        for v in scale
        for c in [int((answers == v).sum())]
    )
    agree = 100.0 * float((answers >= threshold).sum()) / n if n and threshold is not None else None
    return GroupStats(
        group,
        n,
        float(answers.mean()) if n else None,
        float(answers.std(ddof=1)) if n > 1 else None,
        float(np.median(answers)) if n else None,
        categories,
        agree,
    )


def _direction(change: Comparison | None, alpha: float) -> Direction | None:
    if change is None:
        return None
    if math.isnan(change.p) or change.p >= alpha:
        return "flat"
    return "up" if change.r > 0 else "down"


# --- helpers shared with coder.analysis.survey --------------------------------------------------


def is_number_column(column: pd.Series) -> bool:
    """Whether a survey column holds numbers (float64 after reading)."""
    return bool(pd.api.types.is_float_dtype(column.dtype))


def unknown_item(survey: SurveyLike, item: str) -> CoderError:
    """The error for an item key that a survey does not have, with a few close matches."""
    from rapidfuzz import fuzz, process, utils

    items = survey.items()
    close = process.extract(
        item, items, scorer=fuzz.WRatio, processor=utils.default_process, limit=5, score_cutoff=50
    )
    if close:
        hint = f"Did you mean: {', '.join(match for match, _, _ in close)}? ({len(items)} items: coder survey show {survey.name})"
    else:
        hint = f"No item is close; {len(items)} items: coder survey show {survey.name}"
    return CoderError(f"survey {survey.name!r} has no item {item!r} (in {survey.source})", hint=hint)


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, float) and math.isnan(value):
        return None
    return value
