"""Aligning the coders' codebooks: added codes, likely duplicates, agreement before and after.

Three kinds of evidence are gathered here and scored by the pure
``coder.analysis.merge_suggestions`` functions: the names (fuzzy similarity, shared lemmas from
``coder.segmentation.lemmatize_query``, Dutch compounds), the definitions, and
— the evidence a lead coder trusts most — whether one coder applied code X to
the very sentences where the other coder applied code Y.

Gathering (``suggestion_inputs``) reads the store; ranking (``rank``) does
not, so the TUI can gather on the main thread and rank in a worker thread
(lemmatizing loads spaCy's lookup tables).

Agreement before and after alignment re-uses ``services.agreement``: the
merges recorded in the audit log (plus, for a preview, suggested ones) become
its ``code_map``, and ``level="theme"`` rolls codes up to their themes. Merging
moves codings for good, so the first report for a pair of coders stores the
unaligned figures as a baseline, which later reports show as "before".
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from coder.analysis.merge_suggestions import (
    Reason,
    candidate_pairs,
    combined_score,
    merge_direction,
    name_reasons,
    segment_reason,
)
from coder.analysis.reconcile import resolve_merges
from coder.analysis.units import nonspace_prefix, touched_units
from coder.errors import CoderError
from coder.model import Code, Codebook
from coder.storage import Store
from coder.storage.store import now

KEPT_SETTING = "suggest.kept_separate"
MIN_SCORE = 0.4  # below this a suggestion rests on one weak hint only
PREVIEW_SCORE = 0.5  # suggestions counted in the aligned-agreement preview
Unit = tuple[str, int]


@dataclass(frozen=True)
class Suggestion:
    """Merge ``source`` into ``target``, with a score in [0, 1] and the reasons."""

    source: Code
    target: Code
    score: float
    reasons: tuple[Reason, ...]
    n_source: int = 0
    n_target: int = 0

    def as_dict(self) -> dict[str, Any]:
        """JSON-able form."""
        return {
            "source": self.source.id,
            "source_name": self.source.name,
            "source_coder": self.source.created_by,
            "target": self.target.id,
            "target_name": self.target.name,
            "target_origin": self.target.origin,
            "target_coder": self.target.created_by,
            "score": self.score,
            "reasons": [
                {"kind": r.kind, "strength": round(r.strength, 3), "text": r.text} for r in self.reasons
            ],
            "n_source": self.n_source,
            "n_target": self.n_target,
        }


@dataclass
class SuggestionInputs:
    """Everything ranking needs, read from the store in one go."""

    codebook: Codebook
    languages: tuple[str, ...]
    counts: dict[str, int]
    units: dict[str, dict[str, set[Unit]]]  # code -> coder -> units
    kept: set[frozenset[str]] = field(default_factory=set)


def _unit_sets(store: Store, coders: Iterable[str]) -> dict[str, dict[str, set[Unit]]]:
    """The sentences each coder applied each code to."""
    import numpy as np  # here, not at the top: the codes commands import this module

    bounds = store.segment_bounds("sentence")
    texts = store.transcript_texts()
    prefixes = {}
    out: dict[str, dict[str, set[Unit]]] = {}
    for coder in coders:
        by_tid: dict[str, list[tuple[int, int, str]]] = {}
        for tid, start, end, code in store.coding_spans(coder):
            by_tid.setdefault(tid, []).append((start, end, code))
        for tid, spans in by_tid.items():
            if not bounds.get(tid):
                continue
            if tid not in prefixes:
                prefixes[tid] = nonspace_prefix(texts[tid])
            starts = np.array([b[0] for b in bounds[tid]], dtype=np.int64)
            ends = np.array([b[1] for b in bounds[tid]], dtype=np.int64)
            hits = touched_units(prefixes[tid], starts, ends, [(s, e) for s, e, _ in spans])
            for (_, _, code), units in zip(spans, hits, strict=True):
                out.setdefault(code, {}).setdefault(coder, set()).update((tid, int(u)) for u in units)
    return out


def suggestion_inputs(store: Store) -> SuggestionInputs:
    """Read the code tree, coders' unit sets and counts (main thread)."""
    coders = [c["name"] for c in store.coders() if c["kind"] != "consensus"]
    counts: dict[str, int] = {}
    for coder in coders:
        for code, n in store.code_counts(coder).items():
            counts[code] = counts.get(code, 0) + n
    languages = tuple(sorted({t["language"] for t in store.transcript_summaries()} & {"nl", "en"})) or (
        "nl",
        "en",
    )
    kept = {frozenset(pair) for pair in json.loads(store.get_setting(KEPT_SETTING) or "[]")}
    return SuggestionInputs(store.codebook(), languages, counts, _unit_sets(store, coders), kept)


def _lemmatizer(languages: tuple[str, ...]) -> Callable[[str], set[str]]:
    from coder.segmentation import lemmatize_query

    def lemmas(name: str) -> set[str]:
        return {lemma for lang in languages for lemma in lemmatize_query(name, lang)}

    return lemmas


def _cross_shared(units: dict[str, dict[str, set[Unit]]], a: str, b: str) -> tuple[int, int, int]:
    """Units where one coder applied ``a`` and another coder ``b``; and each code's units."""
    ua, ub = units.get(a, {}), units.get(b, {})
    shared: set[Unit] = set()
    for coder_a, set_a in ua.items():
        for coder_b, set_b in ub.items():
            if coder_a != coder_b:
                shared |= set_a & set_b
    all_a = set().union(*ua.values()) if ua else set()
    all_b = set().union(*ub.values()) if ub else set()
    return len(shared), len(all_a), len(all_b)


def rank(
    inputs: SuggestionInputs,
    lemmatize: Callable[[str], set[str]] | None = None,
    min_score: float = MIN_SCORE,
    include_kept: bool = False,
) -> list[Suggestion]:
    """Ranked merge suggestions, best first (pure apart from the lemmatizer)."""
    lemmatize = lemmatize or _lemmatizer(inputs.languages)
    cache: dict[str, set[str]] = {}

    def lemmas_of(code: Code) -> set[str]:
        if code.id not in cache:
            cache[code.id] = lemmatize(code.name)
        return cache[code.id]

    found = []
    for a, b in candidate_pairs(inputs.codebook):
        if not include_kept and frozenset((a.id, b.id)) in inputs.kept:
            continue
        reasons = name_reasons(a, b, lemmas_of(a), lemmas_of(b))
        seg = segment_reason(*_cross_shared(inputs.units, a.id, b.id))
        if seg is not None:
            reasons.append(seg)
        score = combined_score(reasons)
        if reasons and score >= min_score:
            src, dst = merge_direction(a, b, lambda c: inputs.counts.get(c, 0))
            reasons.sort(key=lambda r: -r.strength)
            found.append(
                Suggestion(
                    src,
                    dst,
                    score,
                    tuple(reasons),
                    inputs.counts.get(src.id, 0),
                    inputs.counts.get(dst.id, 0),
                )
            )
    found.sort(key=lambda s: (-s.score, s.source.id, s.target.id))
    return found


def suggest(store: Store, min_score: float = MIN_SCORE, include_kept: bool = False) -> list[Suggestion]:
    """Ranked suggestions for merging the codes coders added."""
    return rank(suggestion_inputs(store), min_score=min_score, include_kept=include_kept)


def added_codes(store: Store) -> list[dict[str, Any]]:
    """Every code a coder added while coding: definition, coder, parent, codings per coder."""
    book = store.codebook()
    coders = [c["name"] for c in store.coders()]
    per_coder = {c: store.code_counts(c) for c in coders}
    return [
        {
            "code": code.id,
            "path": book.path(code.id),
            "name": code.name,
            "description": code.description,
            "created_by": code.created_by,
            "parent": code.parent_id,
            "codings": {c: per_coder[c][code.id] for c in coders if per_coder[c].get(code.id)},
        }
        for code in book.tree_order()
        if code.origin == "coder"
    ]


def keep_separate(store: Store, a: str, b: str, actor: str = "lead") -> None:
    """Record that two codes are distinct: no longer suggested as a merge (logged)."""
    store.get_code(a)
    store.get_code(b)
    if a == b:
        raise CoderError("give two different codes")
    pairs = json.loads(store.get_setting(KEPT_SETTING) or "[]")
    if sorted((a, b)) not in pairs:
        pairs.append(sorted((a, b)))
    with store.transaction():
        store.set_setting(KEPT_SETTING, json.dumps(pairs))
        store.log(actor, "code.keep_separate", a, after={"other": b})


# -- agreement before and after alignment ---------------------------------------


def alignment_map(store: Store, suggestions: Iterable[Suggestion] = ()) -> dict[str, str]:
    """Code -> merged code: the merges in the audit log, then the given suggestions."""
    merges = {e.target: str(e.after["into"]) for e in store.audit_entries("code.merge") if e.after}
    targets = set(merges.values())
    for s in sorted(suggestions, key=lambda s: -s.score):
        # one-to-one, best first: a code merged away cannot receive another merge
        if s.source.id in merges or s.source.id in targets or s.target.id in merges:
            continue
        merges[s.source.id] = s.target.id
        targets.add(s.target.id)
    return resolve_merges(merges)


def _baseline(store: Store, coders: tuple[str, str], unit: str, fresh: bool) -> dict[str, Any]:
    from coder.services.agreement import agreement_report

    key = f"agreement.baseline.{coders[0]},{coders[1]}.{unit}"
    stored = store.get_setting(key)
    if stored is not None and not fresh:
        return dict(json.loads(stored))
    report = agreement_report(store, coders, unit)
    report["baseline_at"] = now()
    report["merges_before_baseline"] = len(store.audit_entries("code.merge"))
    with store.transaction():
        store.set_setting(key, json.dumps(report, ensure_ascii=False))
    return report


def _side_by_side(
    before: dict[str, Any], after: dict[str, Any], code_map: dict[str, str]
) -> list[dict[str, Any]]:
    """One row per code of either report, with the figures before and after."""
    stats = ("n_a", "n_b", "n_both", "percent_agreement", "cohen_kappa", "krippendorff_alpha")
    rows_after = {r["code_id"]: r for r in after["codes"]}
    out = []
    for row in before["codes"]:
        cid = row.get("code_id", row["code"].split("/")[-1])
        target = code_map.get(cid, cid)
        match = rows_after.get(target, {})
        out.append(
            {
                "code": row["code"],
                "aligned_to": match.get("code", target) if target != cid else None,
                "before": {k: row.get(k) for k in stats},
                "after": {k: match.get(k) for k in stats},
            }
        )
    listed = {r.get("code_id", r["code"].split("/")[-1]) for r in before["codes"]}
    for cid, row in rows_after.items():
        if cid not in listed and cid not in {code_map.get(x, x) for x in listed}:
            out.append(
                {
                    "code": row["code"],
                    "aligned_to": None,
                    "before": None,
                    "after": {k: row.get(k) for k in stats},
                }
            )
    return out


def aligned_agreement(
    store: Store,
    coders: tuple[str, str],
    unit: str = "sentence",
    with_suggestions: bool = False,
    fresh_baseline: bool = False,
) -> dict[str, Any]:
    """Agreement before alignment (the baseline), after it, and rolled up to themes."""
    from coder.services.agreement import agreement_report

    before = _baseline(store, coders, unit, fresh_baseline)
    proposed = suggest(store, min_score=PREVIEW_SCORE) if with_suggestions else []
    code_map = alignment_map(store, proposed)
    after = agreement_report(store, coders, unit, code_map=code_map)
    themes = agreement_report(store, coders, unit, code_map=code_map, level="theme")
    return {
        "coders": list(coders),
        "unit": unit,
        "code_map": code_map,
        "before": before,
        "after": after,
        "themes": themes,
        "overall": {"before": before["overall"], "after": after["overall"], "themes": themes["overall"]},
        "codes": _side_by_side(before, after, code_map),
    }
