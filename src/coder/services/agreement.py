"""Agreement between two coder layers: from stored codings to the report.

This module turns codings into the sparse input of ``coder.analysis.agreement``: the
units (sentences or turns) of the transcripts both coders coded, and per code
the sorted unit indices each coder applied it to (CONTRACT.md: overlap by one
non-whitespace character; parents roll up their children). The statistics
themselves are pure and live in ``coder.analysis.agreement``.

``code_map`` re-labels codes before counting (the lead's merges: a coder's
``privacywetgeving`` counted as ``privacy``) and ``level="theme"`` rolls every
code up to its theme, so the same data can be reported before and after the
code tree was aligned.

``unit_context`` serves the lead's drill-down: one disagreeing unit with its
neighbours and each coder's codings overlapping it, read from the store.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from coder.analysis.agreement import (
    binary_tables,
    code_agreements,
    merge_spans,
    span_jaccard,
    unitized_alpha_sections,
)
from coder.analysis.agreement.labels import Lang
from coder.analysis.units import nonspace_prefix, touched_pairs
from coder.errors import CoderError
from coder.model import Codebook
from coder.services.agreement_summary import (
    CI_BY,
    POOLED_LABEL,
    UNIT_SUMMARY_REASON,
    CiBy,
    bootstrap,
    flag_code,
    overall_summary,
)
from coder.storage import Store

Level = Literal["code", "theme"]
UNIT_KINDS = ("sentence", "turn")


@dataclass(frozen=True)
class UnitData:
    """Units of the compared transcripts and each coder's direct decisions."""

    transcripts: list[str]
    offsets: dict[str, int]  # first global unit index per transcript
    n_units: int
    direct: tuple[dict[str, NDArray[np.int64]], ...]  # one per coder, in the order given
    spans: tuple[dict[str, list[tuple[int, int]]], ...]  # character spans, transcripts laid end to end
    sections: tuple[tuple[int, int], ...] = ()  # each transcript's (begin, end) in those offsets


def parse_coders(value: str) -> tuple[str, str]:
    """``"anna,bram"`` as a pair of distinct coder names."""
    names = parse_coder_list(value)
    if len(names) != 2:
        raise CoderError(f"--coders {value!r} must name two different coders", "e.g. --coders anna,bram")
    return names[0], names[1]


def parse_coder_list(value: str) -> list[str]:
    """``"anna,bram,carla"`` as two or more distinct coder names."""
    names = [v.strip() for v in value.split(",") if v.strip()]
    if len(names) < 2 or len(set(names)) != len(names):
        raise CoderError(
            f"--coders {value!r} must name two or more different coders", "e.g. --coders anna,bram"
        )
    return names


def _mapped(codebook: Codebook, code_map: Mapping[str, str] | None, level: Level) -> dict[str, str]:
    """Each known code's reporting label after merges and (optionally) roll-up to themes."""
    labels = {c.id: (code_map or {}).get(c.id, c.id) for c in codebook.codes}
    if level == "theme":
        labels = {
            cid: codebook.path(target).split("/")[0] if target in codebook.by_id() else target
            for cid, target in labels.items()
        }
    return labels


def collect_units(
    store: Store,
    coders: Sequence[str],
    unit: str = "sentence",
    code_map: Mapping[str, str] | None = None,
    level: Level = "code",
    transcripts: Iterable[str] | None = None,
    with_spans: bool = True,
) -> UnitData:
    """Build the units and both coders' direct unit sets per code (and character spans, ``with_spans``)."""
    if unit not in UNIT_KINDS:
        raise CoderError(f"unknown unit {unit!r}", "use sentence or turn")
    known = {c["name"] for c in store.coders()}
    for name in coders:
        if name not in known:
            raise CoderError(
                f"no coder named {name!r} in this project",
                f"coders: {', '.join(sorted(known)) or 'none yet'}",
            )
    labels = _mapped(store.codebook(), code_map, level)
    spans = [store.coding_spans(c) for c in coders]
    coded = [{t for t, *_ in s} for s in spans]
    common = sorted(set.intersection(*coded, *([set(transcripts)] if transcripts is not None else [])))
    bounds = store.segment_bounds(unit)
    texts = store.transcript_texts(common)
    offsets, total = {}, 0
    for tid in common:
        offsets[tid] = total
        total += len(bounds.get(tid, []))
    prefixes = {tid: nonspace_prefix(texts[tid]) for tid in common}
    direct = tuple(_coder_units(s, common, bounds, prefixes, offsets, labels) for s in spans)
    char_spans = tuple(_coder_spans(s, common, texts, labels) if with_spans else {} for s in spans)
    begins = np.cumsum([0, *(len(texts[t]) for t in common)]).tolist()
    sections = tuple(pairwise(begins))
    return UnitData(common, offsets, total, direct, char_spans, sections)


def _coder_units(
    spans: list[tuple[str, int, int, str]],
    common: list[str],
    bounds: dict[str, list[tuple[int, int]]],
    prefixes: dict[str, NDArray[np.int64]],
    offsets: dict[str, int],
    labels: dict[str, str],
) -> dict[str, NDArray[np.int64]]:
    """Per reported code, the sorted global indices of the units one coder's codings touch."""
    by_transcript: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
    for tid, start, end, code in spans:
        by_transcript[tid].append((start, end, labels.get(code, code)))
    names = sorted({code for tid in common for *_, code in by_transcript.get(tid, [])})
    number = {code: i for i, code in enumerate(names)}
    keys: list[NDArray[np.int64]] = []
    total = sum(len(bounds.get(t, [])) for t in common) + 1
    for tid in common:
        items, tb = by_transcript.get(tid, []), bounds.get(tid, [])
        if not items or not tb:
            continue
        edges = np.asarray(tb, dtype=np.int64)
        which, units = touched_pairs(prefixes[tid], edges[:, 0], edges[:, 1], [(s, e) for s, e, _ in items])
        codes = np.array([number[c] for *_, c in items], dtype=np.int64)
        keys.append(codes[which] * total + units + offsets[tid])
    # One sort of (code, unit) keys instead of a unique per code; codes without any unit stay (empty).
    merged = np.unique(np.concatenate(keys)) if keys else np.zeros(0, dtype=np.int64)
    cuts = np.searchsorted(merged, np.arange(len(names) + 1, dtype=np.int64) * total)
    return {code: merged[cuts[i] : cuts[i + 1]] - i * total for i, code in enumerate(names)}


def _coder_spans(
    spans: list[tuple[str, int, int, str]], common: list[str], texts: dict[str, str], labels: dict[str, str]
) -> dict[str, list[tuple[int, int]]]:
    """Character spans per code on one continuum (transcripts laid end to end)."""
    base, offset = {}, 0
    for tid in common:
        base[tid] = offset
        offset += len(texts[tid])
    out: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for tid, start, end, code in spans:
        if tid in base:
            out[labels.get(code, code)].append((base[tid] + start, base[tid] + end))
    return dict(out)


def rolled_up(direct: dict[str, NDArray[np.int64]], codebook: Codebook) -> dict[str, NDArray[np.int64]]:
    """Each code's units including its descendants' (parents roll up children)."""
    by_id = codebook.by_id()
    parts: dict[str, list[NDArray[np.int64]]] = defaultdict(list)
    for code, units in direct.items():
        current: str | None = code
        while current is not None:
            parts[current].append(units)
            current = by_id[current].parent_id if current in by_id else None
    return {code: np.unique(np.concatenate(p)) for code, p in parts.items()}


def agreement_report(
    store: Store,
    coders: tuple[str, str],
    unit: str = "sentence",
    code_map: Mapping[str, str] | None = None,
    level: Level = "code",
    ci: int = 0,
    seed: int = 0,
    transcripts: Iterable[str] | None = None,
    lang: Lang = "en",
    *,
    ci_by: CiBy = "transcript",
    ci_min_units: int = 5,
    spans: bool = True,
    progress: Callable[[float], None] | None = None,
) -> dict[str, Any]:
    """The agreement report of CONTRACT.md, plus span agreement and, with ``ci``, bootstrap intervals.

    Codes whose codings touch no unit are left out of ``codes`` and
    ``overall`` and listed in ``not_on_any_unit``. ``spans=False`` skips the
    span measures (character Jaccard, u-alpha), the slow part on large
    projects. ``progress`` receives the bootstrap's share done.
    """
    if ci_by not in CI_BY:
        raise CoderError(f"unknown --ci-by {ci_by!r}", "use transcript, block or unit")
    data = collect_units(store, coders, unit, code_map, level, transcripts, with_spans=spans)
    codebook = store.codebook()
    paths = {c.id: codebook.path(c.id) for c in codebook.codes}
    rolled = [rolled_up(d, codebook) for d in data.direct]
    pairs = _applied(rolled, codebook)
    direct_pairs = _applied(list(data.direct), None)
    tables = binary_tables(pairs, data.n_units)
    direct_tables = binary_tables(direct_pairs, data.n_units)
    intervals = None
    if ci:
        intervals = bootstrap(tables, pairs, direct_pairs, list(data.offsets.values()), n_resamples=ci,
                              seed=seed, by=ci_by, min_units=ci_min_units, progress=progress)  # fmt: skip
    code_rows = []
    for row in code_agreements(tables, intervals.codes if intervals else None):
        item = row.as_dict(lang)
        item["code"] = paths.get(row.code, row.code)
        item["code_id"] = row.code
        if spans:
            item["span_jaccard"], item["u_alpha_2004"] = _span_stats(data, row.code, codebook)
        flag_code(item, coders, ci_min_units, bool(ci))
        code_rows.append(item)
    (overall,) = code_agreements(direct_tables.pooled(), intervals.overall if intervals else None)
    overall_dict = {"label": POOLED_LABEL, **overall.as_dict(lang)}
    overall_dict.pop("code", None)
    # The pooled table counts (unit, code) decisions, not units.
    overall_dict["n_decisions"] = overall_dict.pop("n_units")
    overall_dict["n_codes"] = len(direct_pairs)
    overall_dict.update(overall_summary(direct_tables))
    if intervals and intervals.meta["by"] == "unit":
        overall_dict["ci_reason"] = UNIT_SUMMARY_REASON
    skipped = sorted((set(data.direct[0]) | set(data.direct[1])) - set(direct_pairs))
    report = {
        "coders": list(coders),
        "unit": unit,
        "level": level,
        "n_units": data.n_units,
        "transcripts": data.transcripts,
        "overall": overall_dict,
        "codes": code_rows,
        "not_on_any_unit": [paths.get(c, c) for c in skipped],
    }
    if intervals:
        report["bootstrap"] = intervals.meta
    return report


def _applied(
    layers: Sequence[dict[str, NDArray[np.int64]]], codebook: Codebook | None
) -> dict[str, tuple[NDArray[np.int64], NDArray[np.int64]]]:
    """Each code either coder applied to at least one unit, with both unit sets (tree order if a codebook)."""
    empty = np.zeros(0, dtype=np.int64)
    names = {c for layer in layers for c, units in layer.items() if len(units)}
    if codebook is None:
        ordered = sorted(names)
    else:
        order = {c.id: i for i, c in enumerate(codebook.tree_order())}
        ordered = sorted(names, key=lambda c: (order.get(c, len(order)), c))
    return {c: (layers[0].get(c, empty), layers[1].get(c, empty)) for c in ordered}


def _span_stats(data: UnitData, code: str, codebook: Codebook) -> tuple[float | None, float | None]:
    """Character-level Jaccard and Krippendorff's 2004 u-alpha, each transcript its own continuum."""
    ids = codebook.descendants(code) if code in codebook.by_id() else {code}
    a = merge_spans(s for c in ids for s in data.spans[0].get(c, []))
    b = merge_spans(s for c in ids for s in data.spans[1].get(c, []))
    if not data.sections:
        return span_jaccard(a, b).value, None
    starts = [begin for begin, _ in data.sections]
    by_section: list[tuple[list[tuple[int, int]], list[tuple[int, int]]]] = [([], []) for _ in starts]
    for side, spans_ in enumerate((a, b)):
        for span in spans_:
            by_section[bisect_right(starts, span[0]) - 1][side].append(span)
    sections = [([sa, sb], bounds) for (sa, sb), bounds in zip(by_section, data.sections, strict=True)]
    return span_jaccard(a, b).value, unitized_alpha_sections(sections).value


def breakdown(
    store: Store, coders: tuple[str, str], by: str, unit: str = "sentence", lang: Lang = "en"
) -> dict[str, dict[str, Any]]:
    """The overall figures per transcript (``by="transcript"``) or per attribute value."""
    attributes = store.transcript_attributes()
    groups: dict[str, list[str]] = defaultdict(list)
    for tid, attrs in attributes.items():
        key = tid if by == "transcript" else attrs.get(by)
        if key is not None:
            groups[str(key)].append(tid)
    if not groups:
        raise CoderError(f"no transcript has the attribute {by!r}", "see `coder transcripts` for attributes")
    out = {}
    for key, tids in sorted(groups.items()):
        report = agreement_report(store, coders, unit, transcripts=tids, lang=lang, spans=False)
        if report["n_units"]:
            out[key] = {
                "n_units": report["n_units"],
                "transcripts": report["transcripts"],
                **report["overall"],
            }
    return out


def disagreements(
    store: Store, coders: tuple[str, str], code_id: str, unit: str = "sentence"
) -> list[dict[str, Any]]:
    """The units where exactly one coder applied ``code_id`` (rolled up), with text and both coders' codes."""
    data = collect_units(store, coders, unit)
    codebook = store.codebook()
    empty = np.zeros(0, dtype=np.int64)
    rolled = [rolled_up(d, codebook) for d in data.direct]
    a, b = rolled[0].get(code_id, empty), rolled[1].get(code_id, empty)
    only = np.setxor1d(a, b)
    return [_unit_detail(store, data, unit, int(u), codebook, coder_a=bool(np.isin(u, a))) for u in only]


def _unit_detail(
    store: Store, data: UnitData, unit: str, unit_index: int, codebook: Codebook, coder_a: bool
) -> dict[str, Any]:
    tid = max((t for t in data.transcripts if data.offsets[t] <= unit_index), key=lambda t: data.offsets[t])
    local = unit_index - data.offsets[tid]
    bounds = store.segment_bounds(unit, tid)[tid]
    start, end = bounds[local]
    text = store.get_transcript(tid).text
    codes_by = []
    for layer in data.direct:
        codes_by.append(
            sorted(
                codebook.path(c) if c in codebook.by_id() else c
                for c, units in layer.items()
                if np.isin(unit_index, units)
            )
        )
    return {
        "transcript": tid,
        "unit": local,
        "start": start,
        "end": end,
        "text": text[start:end],
        "applied_by": "a" if coder_a else "b",
        "codes_a": codes_by[0],
        "codes_b": codes_by[1],
    }


@dataclass(frozen=True)
class UnitContext:
    """A disagreeing unit with its neighbours and each coder's codings overlapping it."""

    lines: list[tuple[str | None, str, bool]]  # speaker, text, is the disagreeing unit
    total: int  # units of this kind in the transcript
    codings: tuple[list[tuple[str, int, int, str]], list[tuple[str, int, int, str]]]  # path, start, end, text


def unit_context(store: Store, coders: tuple[str, str], row: dict[str, Any], unit: str) -> UnitContext:
    """The unit of a disagreement row, the units before and after it, and both coders' codings on it."""
    tid, start, end = row["transcript"], row["start"], row["end"]
    text = store.get_transcript(tid).text
    segments = store.segments(tid, unit)
    at = next((i for i, s in enumerate(segments) if s.start == start), row["unit"])
    lines = [(s.speaker, text[s.start : s.end], i == at) for i, s in enumerate(segments) if abs(i - at) <= 1]
    codebook = store.codebook()
    paths = {c.id: codebook.path(c.id) for c in codebook.codes}

    def overlapping(coder: str) -> list[tuple[str, int, int, str]]:
        found = [
            c
            for c in store.codings(coder=coder, transcript_id=tid, flagged=False)
            if c.start < end and c.end > start
        ]
        return [(paths.get(c.code_id, c.code_id), c.start, c.end, text[c.start : c.end]) for c in found]

    return UnitContext(lines, len(segments), (overlapping(coders[0]), overlapping(coders[1])))
