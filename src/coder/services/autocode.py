"""Code from search: every hit of a query, extended to its sentence or turn, coded at once.

The TUI's search results and ``coder autocode`` share this module. A hit is a
sentence (see ``finding.search``); with ``unit="turn"`` it grows to the turn
around it, and hits in one turn become one passage. Passages the coder already
coded with the code are skipped, never doubled. Applying is one transaction
(and one undoable step in a session): all passages or none.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from typing import Any

from coder.errors import CoderError
from coder.model import Coding
from coder.services.finding import SearchHit, search
from coder.storage import Store

Passage = tuple[str, int, int]
UNITS = ("sentence", "turn")


def extend_hits(store: Store, hits: Sequence[SearchHit], unit: str) -> list[Passage]:
    """The distinct sentences or turns that hold ``hits``, in text order."""
    if unit not in UNITS:
        raise CoderError(f"unknown unit {unit!r}", "use sentence or turn")
    if unit == "sentence":
        return sorted({(h.transcript_id, h.start, h.end) for h in hits})
    turns = store.segment_bounds("turn")
    found: set[Passage] = set()
    for hit in hits:
        bounds = turns.get(hit.transcript_id, [])
        i = bisect_right(bounds, (hit.start, 1 << 62)) - 1
        if i >= 0 and bounds[i][0] <= hit.start < bounds[i][1]:
            found.add((hit.transcript_id, *bounds[i]))
        else:  # a sentence outside any turn cannot happen after segmentation; keep the hit itself
            found.add((hit.transcript_id, hit.start, hit.end))
    return sorted(found)


def uncoded(store: Store, passages: Sequence[Passage], code_id: str, coder: str) -> list[Passage]:
    """``passages`` that ``coder`` has not coded with ``code_id`` anywhere in them."""
    own: dict[str, list[tuple[int, int]]] = {}
    for c in store.codings(coder=coder, code_ids=[code_id]):
        own.setdefault(c.transcript_id, []).append((c.start, c.end))
    return [p for p in passages if not any(s < p[2] and p[1] < e for s, e in own.get(p[0], []))]


def passages_to_code(
    store: Store, hits: Sequence[SearchHit], unit: str, code_id: str, coder: str
) -> list[Passage]:
    """The sentences or turns of ``hits`` that ``coder`` has not yet coded with ``code_id``."""
    return uncoded(store, extend_hits(store, hits, unit), code_id, coder)


def apply_many(store: Store, coder: str, code_id: str, passages: Sequence[Passage]) -> list[Coding]:
    """Code every passage in one transaction, each coding logged."""
    store.get_code(code_id)
    with store.transaction():
        store.ensure_coder(coder)
        added = [store.add_coding(coder, tid, start, end, code_id) for tid, start, end in passages]
        for coding in added:
            store.log(coder, "coding.add", coding.guid, after={"transcript": coding.transcript_id,
                      "start": coding.start, "end": coding.end, "code": code_id, "via": "autocode"})  # fmt: skip
    return added


def autocode(store: Store, query: str, code_id: str, coder: str, unit: str, apply: bool) -> dict[str, Any]:
    """Find ``query``, extend the hits to ``unit``, and (unless ``apply`` is False) code them."""
    if not query.strip():
        raise CoderError("--query is empty", "give the words to search for")
    if not coder.strip():
        raise CoderError("--coder must name a coder")
    store.get_code(code_id)
    passages = extend_hits(store, search(store, query, limit=1_000_000), unit)
    todo = uncoded(store, passages, code_id, coder)  # the same as passages_to_code, counting the skipped
    if apply and todo:
        apply_many(store, coder, code_id, todo)
    texts = store.transcript_texts({p[0] for p in todo})
    return {
        "query": query,
        "code": code_id,
        "coder": coder,
        "unit": unit,
        "applied": apply,
        "skipped": len(passages) - len(todo),
        "passages": [
            {"transcript": t, "start": s, "end": e, "text": " ".join(texts[t][s:e].split())}
            for t, s, e in todo
        ],
    }
