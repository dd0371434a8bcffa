"""Building a consensus coder layer from two coders, and reviewing their disagreements.

``reconcile`` compares the two coders transcript by transcript (the pure
``coder.analysis.reconcile.compare``), refreshes the review queue and then *syncs* the
consensus layer (``services.consensus``): only the codings reconcile wrote
before are inserted, updated or deleted, so a rerun changes nothing when
nothing changed, and codings the lead added to the layer by hand are never
touched.

A decision (``decide``) is one transaction: the queue row, the audit entry and
the re-synced codings of that one transcript. The settings of a layer (its two
coders, strategy and span rule) are kept as a project setting, so deciding
later needs no options.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, replace
from itertools import combinations
from typing import Any

from coder.analysis.reconcile import (
    CHOICES,
    Cluster,
    Item,
    Piece,
    ReviewItem,
    carried_choice,
    choice_pieces,
    verdicts,
)
from coder.errors import CoderError
from coder.naming import check_coder_name
from coder.services.consensus import (
    Comparison,
    compare_layers,
    resync,
    save_settings,
    saved_settings,
    sync_layer,
)
from coder.services.reading import whole_words
from coder.storage import Store
from coder.storage.store import now

STRATEGIES = ("agreed", "union")
SPAN_MODES = ("union", "intersection")


def _check(store: Store, coders: tuple[str, str], into: str, strategy: str, span: str) -> None:
    if strategy not in STRATEGIES:
        raise CoderError(f"unknown strategy {strategy!r}", "use agreed or union")
    if span not in SPAN_MODES:
        raise CoderError(f"unknown span rule {span!r}", "use union or intersection")
    if coders[0] == coders[1] or into in coders or not into.strip():
        raise CoderError("--into must name a new layer, different from the two coders", "e.g. --into final")
    kinds = {c["name"]: c["kind"] for c in store.coders()}
    for name in coders:
        if name not in kinds:
            raise CoderError(
                f"no coder named {name!r} in this project", f"coders: {', '.join(sorted(kinds))}"
            )
    if into in kinds and kinds[into] != "consensus":
        raise CoderError(
            f"{into!r} is a coder's own layer, not a consensus layer", "choose another --into name"
        )
    built = saved_settings(store, into)
    if built is not None and tuple(built["coders"]) != coders:
        earlier = ",".join(built["coders"])
        raise CoderError(
            f"{into!r} was built from {earlier}", "use another --into name for this pair of coders"
        )


def reconcile(
    store: Store,
    coders: tuple[str, str],
    into: str = "final",
    strategy: str = "agreed",
    span: str = "union",
    actor: str = "lead",
) -> dict[str, Any]:
    """Create or update the consensus layer ``into``; keeps every decision already taken."""
    into = check_coder_name(into)
    _check(store, coders, into, strategy, span)
    with store.transaction():
        store.ensure_coder(into, kind="consensus")
        settings = {"coders": list(coders), "strategy": strategy, "span": span}
        save_settings(store, into, settings)
        comparison = compare_layers(store, coders, span)
        queue = _refresh_queue(store, into, coders, comparison, actor)
        written = sync_layer(store, into, comparison, store.transcript_ids())
        report = {
            "layer": into,
            **settings,
            "agreed": sum(len(a) for a, _ in comparison.values()),
            "disagreements": queue,
            "codings": written,
            "n_final_codings": len(store.codings(coder=into)),
            "single_coder_transcripts": _single_coder(store, coders),
        }
        store.log(actor, "reconcile.run", into, after=report)
    return report


def _single_coder(store: Store, coders: tuple[str, str]) -> dict[str, list[str]]:
    """Transcripts only one of the two coders has coded: everything there is a disagreement."""
    coded = [{t for t, *_ in store.coding_spans(c)} for c in coders]
    return {coders[0]: sorted(coded[0] - coded[1]), coders[1]: sorted(coded[1] - coded[0])}


def _refresh_queue(
    store: Store, layer: str, coders: tuple[str, str], comparison: Comparison, actor: str
) -> dict[str, int]:
    """Match the clusters against stored disagreements by key; carry decisions over."""
    existing = {r.key: r for r in store.review_items(layer)}
    counts = dict.fromkeys(("open", "decided", "new", "carried", "gone"), 0)
    fresh: list[tuple[str, Cluster]] = []
    seen: set[str] = set()
    for tid, (_, clusters) in comparison.items():
        for cluster in clusters:
            seen.add(cluster.key)
            row = existing.get(cluster.key)
            if row is None:
                fresh.append((tid, cluster))
            else:
                _update_row(store, row, cluster)
    known: dict[str, bool] = {}
    sources: dict[str, ReviewItem] = {}
    for key, row in existing.items():
        if key not in seen and row.status != "gone":
            store.update_review_item(row.id, status="gone")
            counts["gone"] += 1
            known.update(row.verdicts)
            sources.update(dict.fromkeys(row.verdicts, row))
    for tid, cluster in fresh:
        counts["new"] += 1
        counts["carried"] += _add_row(store, layer, coders, tid, cluster, known, sources, actor)
    for row in store.review_items(layer):
        if row.status in ("open", "decided"):
            counts[row.status] += 1
    counts["total"] = counts["open"] + counts["decided"]
    return counts


def _update_row(store: Store, row: ReviewItem, cluster: Cluster) -> None:
    """Same codings as before: refresh their spans/codes, and a/b/both/neither's result."""
    fields: dict[str, Any] = {}
    if row.items != cluster.items or (row.start, row.end) != (cluster.start, cluster.end):
        fields.update(items=cluster.items, start=cluster.start, end=cluster.end)
        if row.choice in ("a", "b", "both", "neither"):
            fields["result"] = choice_pieces(row.choice, cluster.items)
    if row.status == "gone":
        fields["status"] = "decided" if row.choice else "open"
    if fields:
        store.update_review_item(row.id, **fields)


def _add_row(
    store: Store,
    layer: str,
    coders: tuple[str, str],
    tid: str,
    cluster: Cluster,
    known: dict[str, bool],
    sources: dict[str, ReviewItem],
    actor: str,
) -> int:
    """Queue a new disagreement, decided already when earlier verdicts cover all its codings."""
    base: dict[str, Any] = {"layer": layer, "key": cluster.key, "coders": coders, "transcript_id": tid}
    base.update(start=cluster.start, end=cluster.end, items=cluster.items)
    carried = carried_choice(cluster.items, known)
    if carried is None:
        store.add_review_item(**base, status="open")
        return 0
    choice, pieces = carried
    earlier = sorted({sources[i.guid].id for i in cluster.items}, key=int)
    first = sources[cluster.items[0].guid]
    notes = [sources[i.guid].note for i in cluster.items if sources[i.guid].note]
    note = f"carried over from #{', #'.join(map(str, earlier))}" + (f": {notes[0]}" if notes else "")
    marks = {i.guid: known[i.guid] for i in cluster.items}
    new_id = store.add_review_item(
        **base, status="decided", choice=choice, note=note, result=pieces, verdicts=marks
    )
    store.update_review_item(new_id, decided_by=first.decided_by, decided_at=now())
    store.log(actor, "review.carry", f"{layer}#{new_id}", before={"from": earlier}, after={"choice": choice})
    return 1


def layer_pairs(store: Store, layer: str = "final") -> list[tuple[str, str]]:
    """The pairs of coders ``layer`` can be built from: its own pair once built, else every pair that coded."""
    built = saved_settings(store, layer)
    if built is not None:
        first, second = built["coders"]
        return [(first, second)]
    coded = sorted(
        c["name"] for c in store.coders() if c["kind"] == "coder" and store.coding_spans(c["name"])
    )
    return list(combinations(coded, 2))


def build_layer(
    store: Store, coders: tuple[str, str], layer: str = "final", actor: str = "lead"
) -> dict[str, Any]:
    """:func:`reconcile` again with the layer's saved strategy and span rule (defaults when new)."""
    built = saved_settings(store, layer) or {}
    return reconcile(store, coders, layer, built.get("strategy", "agreed"), built.get("span", "union"), actor)


# -- the review queue ------------------------------------------------------------


def review_queue(store: Store, layer: str = "final", status: str | None = None) -> list[ReviewItem]:
    """The layer's disagreements in text order (open and decided unless ``status`` says)."""
    items = store.review_items(layer, status)
    return items if status else [i for i in items if i.status != "gone"]


def decide(
    store: Store,
    item_id: int,
    choice: str,
    actor: str = "lead",
    note: str | None = None,
    edit: Sequence[Piece] | None = None,
) -> ReviewItem:
    """Decide one disagreement (a, b, both, neither, or edit with explicit codings)."""
    row = store.get_review_item(item_id)
    if choice not in CHOICES:
        raise CoderError(f"unknown choice {choice!r}", "use a, b, both, neither or edit")
    if row.status == "gone":
        raise CoderError(
            f"disagreement {item_id} no longer exists: its codings changed", "rerun `coder reconcile`"
        )
    result = _edit_pieces(store, row, edit) if choice == "edit" else choice_pieces(choice, row.items)
    note = row.note if note is None else note
    with store.transaction():
        store.update_review_item(
            item_id,
            status="decided",
            choice=choice,
            note=note,
            result=result,
            verdicts=verdicts(choice, row.items),
            decided_by=actor,
            decided_at=now(),
        )
        before = {"choice": row.choice, "note": row.note} if row.choice else None
        after = {"choice": choice, "note": note, "result": [asdict(p) for p in result]}
        store.log(actor, "review.decide", f"{row.layer}#{item_id}", before=before, after=after)
        resync(store, row.layer, row.transcript_id)
    return store.get_review_item(item_id)


def reopen(store: Store, item_id: int, actor: str = "lead") -> ReviewItem:
    """Take a decision back: the disagreement is open again (logged)."""
    row = store.get_review_item(item_id)
    if row.status != "decided":
        raise CoderError(f"disagreement {item_id} is not decided")
    with store.transaction():
        store.update_review_item(item_id, status="open", choice=None, result=(), verdicts={}, decided_by=None)
        store.log(
            actor, "review.reopen", f"{row.layer}#{item_id}", before={"choice": row.choice, "note": row.note}
        )
        resync(store, row.layer, row.transcript_id)
    return store.get_review_item(item_id)


def _edit_pieces(store: Store, row: ReviewItem, edit: Sequence[Piece] | None) -> tuple[Piece, ...]:
    """The lead's own codings, each widened to whole words (a quote never starts mid-word)."""
    if not edit:
        raise CoderError("an edit needs at least one coding", "e.g. --edit 120:180:privacy")
    text = store.get_transcript(row.transcript_id).text
    pieces = []
    for piece in edit:
        if not 0 <= piece.start < piece.end <= len(text):
            raise CoderError(
                f"span {piece.start}-{piece.end} is outside {row.transcript_id!r} (0-{len(text)})"
            )
        words = whole_words(text, piece.start, piece.end)
        if words is None:
            raise CoderError(f"span {piece.start}-{piece.end} holds no words", "choose a span with text")
        store.get_code(piece.code)
        pieces.append(replace(piece, start=words[0], end=words[1]))
    return tuple(pieces)


def parse_edit(value: str) -> Piece:
    """``START:END:CODE`` from the command line as a piece."""
    try:
        start, end, code = value.split(":", 2)
        return Piece(int(start), int(end), code.strip())
    except ValueError:
        raise CoderError(f"--edit {value!r} is not START:END:CODE", "e.g. --edit 120:180:privacy") from None


def review_document(store: Store, item: ReviewItem, context: int = 0) -> dict[str, Any]:
    """A disagreement as JSON: both coders' codings with their text, the decision."""
    text = store.get_transcript(item.transcript_id).text
    book = store.codebook()
    known = book.by_id()

    def coding(x: Item | Piece) -> dict[str, Any]:
        path = book.path(x.code) if x.code in known else x.code
        return {"code": path, "start": x.start, "end": x.end, "text": text[x.start : x.end], "memo": x.memo}

    doc = {
        "id": item.id,
        "layer": item.layer,
        "transcript": item.transcript_id,
        "start": item.start,
        "end": item.end,
        "status": item.status,
        "a": {"coder": item.coders[0], "codings": [coding(i) for i in item.side("a")]},
        "b": {"coder": item.coders[1], "codings": [coding(i) for i in item.side("b")]},
        "choice": item.choice,
        "note": item.note,
        "result": [coding(p) for p in item.result],
        "decided_by": item.decided_by,
        "decided_at": item.decided_at,
    }
    if context:
        lo, hi = max(0, item.start - context), min(len(text), item.end + context)
        doc["context"] = {"start": lo, "end": hi, "text": text[lo:hi]}
    return doc
