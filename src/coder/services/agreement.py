"""Agreement between two coder layers: from stored codings to the report.

This module turns codings into the sparse input of ``coder.agreement``: the
units (sentences or turns) of the transcripts both coders coded, and per code
the sorted unit indices each coder applied it to (CONTRACT.md: overlap by one
non-whitespace character; parents roll up their children). The statistics
themselves are pure and live in ``coder.agreement``.

``code_map`` re-labels codes before counting (the lead's merges: a coder's
``privacywetgeving`` counted as ``privacy``) and ``level="theme"`` rolls every
code up to its theme, so the same data can be reported before and after the
code tree was aligned.

``unit_context`` serves the lead's drill-down: one disagreeing unit with its
neighbours and each coder's codings overlapping it, read from the store.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from coder.agreement import (
    binary_ci,
    binary_tables,
    code_agreements,
    fleiss_kappa,
    krippendorff_alpha,
    merge_spans,
    percent_agreement,
    pooled_ci,
    span_jaccard,
    unitized_alpha,
)
from coder.agreement.labels import Lang
from coder.errors import CoderError
from coder.model import Codebook
from coder.storage import Store
from coder.units import nonspace_prefix, touched_units

Level = Literal["code", "theme"]
UNIT_KINDS = ("sentence", "turn")


@dataclass(frozen=True)
class UnitData:
    """Units of the compared transcripts and each coder's direct decisions."""

    transcripts: list[str]
    offsets: dict[str, int]  # first global unit index per transcript
    n_units: int
    direct: tuple[dict[str, NDArray[np.int64]], ...]  # one per coder, in the order given
    spans: tuple[dict[str, list[tuple[int, int]]], ...]
    continuum: int = 0  # characters of the compared transcripts laid end to end


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
) -> UnitData:
    """Build the units and both coders' direct unit sets per code."""
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
    direct = tuple(_coder_units(s, common, bounds, texts, offsets, labels) for s in spans)
    char_spans = tuple(_coder_spans(s, common, texts, labels) for s in spans)
    return UnitData(common, offsets, total, direct, char_spans, sum(len(texts[t]) for t in common))


def _coder_units(
    spans: list[tuple[str, int, int, str]],
    common: list[str],
    bounds: dict[str, list[tuple[int, int]]],
    texts: dict[str, str],
    offsets: dict[str, int],
    labels: dict[str, str],
) -> dict[str, NDArray[np.int64]]:
    by_transcript: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
    for tid, start, end, code in spans:
        by_transcript[tid].append((start, end, labels.get(code, code)))
    found: dict[str, list[NDArray[np.int64]]] = defaultdict(list)
    for tid in common:
        items = by_transcript.get(tid, [])
        tb = bounds.get(tid, [])
        if not items or not tb:
            continue
        starts = np.array([b[0] for b in tb], dtype=np.int64)
        ends = np.array([b[1] for b in tb], dtype=np.int64)
        hits = touched_units(nonspace_prefix(texts[tid]), starts, ends, [(s, e) for s, e, _ in items])
        for (_, _, code), units in zip(items, hits, strict=True):
            found[code].append(units + offsets[tid])
    return {code: np.unique(np.concatenate(parts)) for code, parts in found.items()}


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
) -> dict[str, Any]:
    """The agreement report of CONTRACT.md (plus span agreement and, with ``ci``, bootstrap intervals)."""
    data = collect_units(store, coders, unit, code_map, level, transcripts)
    codebook = store.codebook()
    empty = np.zeros(0, dtype=np.int64)
    rolled = [rolled_up(d, codebook) for d in data.direct]
    order = {c.id: i for i, c in enumerate(codebook.tree_order())}
    codes = sorted(set(rolled[0]) | set(rolled[1]), key=lambda c: (order.get(c, len(order)), c))
    pairs = {c: (rolled[0].get(c, empty), rolled[1].get(c, empty)) for c in codes}
    tables = binary_tables(pairs, data.n_units)
    bounds = binary_ci(tables, n_resamples=ci, seed=seed) if ci else None
    rows = code_agreements(tables, bounds)
    direct_codes = sorted(set(data.direct[0]) | set(data.direct[1]))
    direct_pairs = {c: (data.direct[0].get(c, empty), data.direct[1].get(c, empty)) for c in direct_codes}
    pooled_tables = binary_tables(direct_pairs, data.n_units).pooled()
    pooled_bounds = (
        pooled_ci(direct_pairs, data.n_units, n_resamples=ci, seed=seed) if ci and direct_pairs else None
    )
    (overall,) = code_agreements(pooled_tables, pooled_bounds)
    code_rows = []
    for row in rows:
        item = row.as_dict(lang)
        item["code"] = codebook.path(row.code) if row.code in codebook.by_id() else row.code
        item["code_id"] = row.code
        item["span_jaccard"], item["unitized_alpha"] = _span_stats(data, row.code, codebook)
        code_rows.append(item)
    overall_dict = overall.as_dict(lang)
    overall_dict.pop("code", None)
    # The pooled table counts (unit, code) decisions, not units.
    overall_dict["n_decisions"] = overall_dict.pop("n_units")
    overall_dict["n_codes"] = len(direct_codes)
    return {
        "coders": list(coders),
        "unit": unit,
        "level": level,
        "n_units": data.n_units,
        "transcripts": data.transcripts,
        "overall": overall_dict,
        "codes": code_rows,
    }


def _span_stats(data: UnitData, code: str, codebook: Codebook) -> tuple[float | None, float | None]:
    """Character-level Jaccard and Krippendorff's unitized alpha of the two coders' spans."""
    ids = codebook.descendants(code) if code in codebook.by_id() else {code}
    a = merge_spans(s for c in ids for s in data.spans[0].get(c, []))
    b = merge_spans(s for c in ids for s in data.spans[1].get(c, []))
    u_alpha = unitized_alpha([a, b], (0, data.continuum)).value if data.continuum else None
    return span_jaccard(a, b).value, u_alpha


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
        report = agreement_report(store, coders, unit, transcripts=tids, lang=lang)
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


def multi_coder_report(store: Store, coders: Sequence[str], unit: str = "sentence") -> dict[str, Any]:
    """Agreement among three or more coders: Fleiss' kappa and Krippendorff's alpha per code.

    Same units and roll-up as the two-coder report; each code is a units x
    coders 0/1 matrix, and ``overall`` stacks the directly applied codes'
    matrices (every (unit, code) decision once).
    """
    data = collect_units(store, coders, unit)
    codebook = store.codebook()
    rolled = [rolled_up(d, codebook) for d in data.direct]
    order = {c.id: i for i, c in enumerate(codebook.tree_order())}
    codes = sorted(set().union(*rolled), key=lambda c: (order.get(c, len(order)), c))
    rows = [_multi_row(codebook, code, _presence(rolled, code, data.n_units), coders) for code in codes]
    direct_codes = sorted(set().union(*data.direct))
    pooled = [_presence(list(data.direct), c, data.n_units) for c in direct_codes]
    overall = _measures(np.vstack(pooled)) if pooled else _measures(np.zeros((0, len(coders))))
    overall["n_codes"] = len(direct_codes)
    return {"coders": list(coders), "unit": unit, "n_units": data.n_units, "transcripts": data.transcripts,
            "overall": overall, "codes": rows}  # fmt: skip


def _presence(layers: Sequence[dict[str, NDArray[np.int64]]], code: str, n_units: int) -> NDArray[np.float64]:
    matrix = np.zeros((n_units, len(layers)))
    for j, layer in enumerate(layers):
        matrix[layer.get(code, np.zeros(0, dtype=np.int64)), j] = 1.0
    return matrix


def _measures(matrix: NDArray[np.float64]) -> dict[str, Any]:
    stats = {
        "percent_agreement": percent_agreement(matrix),
        "fleiss_kappa": fleiss_kappa(matrix),
        "krippendorff_alpha": krippendorff_alpha(matrix),
    }
    out: dict[str, Any] = {name: stat.value for name, stat in stats.items()}
    out["undefined"] = {name: stat.reason for name, stat in stats.items() if stat.reason}
    return out


def _multi_row(
    codebook: Codebook, code: str, matrix: NDArray[np.float64], coders: Sequence[str]
) -> dict[str, Any]:
    path = codebook.path(code) if code in codebook.by_id() else code
    counts = {name: int(matrix[:, j].sum()) for j, name in enumerate(coders)}
    return {"code": path, "code_id": code, "n": counts, "n_all": int((matrix.sum(axis=1) == len(coders)).sum()),
            **_measures(matrix)}  # fmt: skip
