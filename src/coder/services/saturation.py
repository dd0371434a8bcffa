"""Saturation: how many new codes each further transcript brings, and respondents per code.

Transcripts are taken in coding order (by the first coding a coder made in
each) or interview order (by transcript id); transcripts nobody coded come
last, in id order, and add nothing. A code counts as "seen" in a transcript
when it was applied there; applying a subcode also shows its theme, so
"new codes" counts themes seen for the first time and "new subcodes" the codes
below them. "Respondents per code" counts the transcripts in which a code or
any code below it was applied, out of every transcript in the project.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from coder.errors import CoderError
from coder.model import Codebook, Coding
from coder.services.finding import visible_codebook
from coder.storage import Store


def _order(store: Store, codings: list[Coding], order: str) -> list[str]:
    ids = store.transcript_ids()
    if order == "interview":
        return ids
    if order != "coding":
        raise CoderError(f"unknown order {order!r}", "use coding or interview")
    first: dict[str, str] = {}
    for c in codings:
        if c.transcript_id not in first or c.created_at < first[c.transcript_id]:
            first[c.transcript_id] = c.created_at
    return sorted(first, key=lambda t: (first[t], t)) + [t for t in ids if t not in first]


def _seen(codebook: Codebook, code_ids: set[str]) -> set[str]:
    """The codes applied and every ancestor of them."""
    codes = codebook.by_id()
    seen: set[str] = set()
    for code_id in code_ids:
        current: str | None = code_id
        while current is not None and current in codes and current not in seen:
            seen.add(current)
            current = codes[current].parent_id
    return seen


def saturation(store: Store, coder: str | None = None, order: str = "coding") -> dict[str, Any]:
    """New codes per transcript (cumulative) and respondents per code."""
    if coder is not None and coder not in {c["name"] for c in store.coders()}:
        raise CoderError(f"no coder named {coder!r}", "see who coded with `coder transcripts`")
    # A coder sees only the shared codes and their own, never another coder's added codes.
    codebook = store.codebook() if coder is None else visible_codebook(store.codebook(), coder)
    codings = store.codings(coder=coder)
    applied: dict[str, set[str]] = {}
    for c in codings:
        applied.setdefault(c.transcript_id, set()).add(c.code_id)
    by_id, seen_so_far = codebook.by_id(), set[str]()
    rows = []
    for tid in _order(store, codings, order):
        new = _seen(codebook, applied.get(tid, set()) & set(by_id)) - seen_so_far
        seen_so_far |= new
        themes = sorted(c for c in new if by_id[c].parent_id is None)
        rows.append({"transcript": tid, "new_codes": len(themes), "new_subcodes": len(new) - len(themes),
                     "cumulative": len(seen_so_far), "first_seen": [by_id[c].name for c in sorted(
                         new, key=lambda c: by_id[c].name.lower())]})  # fmt: skip
    per_transcript = {tid: _seen(codebook, ids) for tid, ids in applied.items()}
    codes = [
        {"code": c.id, "name": c.name, "respondents": sum(c.id in s for s in per_transcript.values())}
        for c in codebook.tree_order()
    ]
    return {"coder": coder, "order": order, "n_transcripts": len(store.transcript_ids()),
            "transcripts": rows, "codes": codes}  # fmt: skip


def write_chart(report: dict[str, Any], path: Path) -> None:
    """The saturation curve as an SVG or PNG file (by extension)."""
    from coder.formats.reports.charts import saturation_chart

    saturation_chart(report, path)
