"""The consensus layer's codings: what reconciliation wants there, and syncing to it.

Split from ``services.reconcile``, whose run and whose decisions both end
here. The layer's settings (its two coders, strategy and span rule) are kept
as a project setting, so deciding later needs no options. ``sync_layer``
computes the codings the layer should hold (agreements, decided
disagreements, and under the ``union`` strategy the open ones too) and
inserts, updates or deletes only the codings it wrote before. Those carry
GUIDs derived from what produced them and are listed in
``consensus_sources``, so a rerun changes nothing when nothing changed, and
codings the lead added to the layer by hand are never touched.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from coder.analysis.reconcile import (
    Agreed,
    Cluster,
    Item,
    Piece,
    choice_pieces,
    compare,
    consensus_guid,
    resolve_merges,
)
from coder.analysis.units import nonspace_prefix
from coder.errors import CoderError
from coder.storage import Store

Comparison = dict[str, tuple[list[Agreed], list[Cluster]]]


def _setting_key(layer: str) -> str:
    return f"reconcile.{layer}"


def saved_settings(store: Store, layer: str) -> dict[str, Any] | None:
    """The coders, strategy and span rule a consensus layer was built with, if it was."""
    raw = store.get_setting(_setting_key(layer))
    return None if raw is None else dict(json.loads(raw))


def save_settings(store: Store, layer: str, settings: dict[str, Any]) -> None:
    """Keep the coders, strategy and span rule of a consensus layer."""
    store.set_setting(_setting_key(layer), json.dumps(settings))


def layer_settings(store: Store, layer: str) -> dict[str, Any]:
    """The coders, strategy and span rule a consensus layer was built with."""
    settings = saved_settings(store, layer)
    if settings is None:
        raise CoderError(
            f"{layer!r} has not been built by reconcile", f"run `coder reconcile --coders A,B --into {layer}`"
        )
    return settings


def _items(store: Store, coders: tuple[str, str], transcript_id: str | None = None) -> dict[str, list[Item]]:
    out: dict[str, list[Item]] = {}
    for side, coder in zip(("a", "b"), coders, strict=True):
        for c in store.codings(coder=coder, transcript_id=transcript_id, flagged=False):
            item = Item(side, c.guid, c.start, c.end, c.code_id, c.memo, c.key_quote)  # type: ignore[arg-type]
            out.setdefault(c.transcript_id, []).append(item)
    return out


def compare_layers(
    store: Store, coders: tuple[str, str], span: str, transcript_id: str | None = None
) -> Comparison:
    """Agreements and disagreements per transcript between two coders."""
    by_transcript = _items(store, coders, transcript_id)
    texts = store.transcript_texts(by_transcript)
    return {
        tid: compare(items, nonspace_prefix(texts[tid]), span)  # type: ignore[arg-type]
        for tid, items in sorted(by_transcript.items())
    }


def _live_codes(store: Store) -> tuple[set[str], dict[str, str]]:
    merges = {e.target: e.after["into"] for e in store.audit_entries("code.merge") if e.after}
    return set(store.codebook().by_id()), resolve_merges(merges)


def _desired(
    store: Store, layer: str, comparison: Comparison, tids: Iterable[str]
) -> dict[str, tuple[str, Piece, str]]:
    """GUID -> (transcript, piece, source) of every coding reconcile wants in ``layer``."""
    strategy = layer_settings(store, layer)["strategy"]
    live, merged = _live_codes(store)
    out: dict[str, tuple[str, Piece, str]] = {}
    taken: set[tuple[str, int, int, str]] = set()

    def want(tid: str, source: str, pieces: Sequence[Piece]) -> None:
        for i, piece in enumerate(pieces):
            code = piece.code if piece.code in live else merged.get(piece.code, "")
            if code not in live or (tid, piece.start, piece.end, code) in taken:
                continue
            taken.add((tid, piece.start, piece.end, code))
            out[consensus_guid(layer, source, i)] = (
                tid,
                Piece(piece.start, piece.end, code, piece.memo, piece.key_quote),
                source,
            )

    for tid in tids:
        for agreed in comparison.get(tid, ([], []))[0]:
            want(tid, agreed.key, agreed.pieces)
        for row in store.review_items(layer, transcript_id=tid):
            if row.status == "decided":
                want(tid, row.key, row.result)
            elif row.status == "open" and strategy == "union":
                want(tid, row.key, choice_pieces("both", row.items))
    return out


def sync_layer(store: Store, layer: str, comparison: Comparison, tids: Iterable[str]) -> dict[str, int]:
    """Bring the layer's reconcile-made codings in ``tids`` in line with what is wanted."""
    tids = list(tids)
    by_tid: dict[str, dict[str, tuple[Piece, str]]] = {}
    for guid, (tid, piece, source) in _desired(store, layer, comparison, tids).items():
        by_tid.setdefault(tid, {})[guid] = (piece, source)
    counts = {"inserted": 0, "updated": 0, "deleted": 0}
    for tid in tids:
        wanted = by_tid.get(tid, {})
        current = {c.guid: c for c in store.codings(coder=layer, transcript_id=tid)}
        sources = store.consensus_sources(layer, tid)
        for guid in sources:
            if guid not in wanted:
                if guid in current:
                    store.delete_coding(current[guid].id)
                    counts["deleted"] += 1
                store.drop_consensus_source(guid)
        for guid, (piece, source) in wanted.items():
            have = current.get(guid)
            if have is None:
                store.add_coding(
                    layer, tid, piece.start, piece.end, piece.code, piece.memo, piece.key_quote, guid
                )
                counts["inserted"] += 1
            elif (have.start, have.end, have.code_id) != (piece.start, piece.end, piece.code):
                store.update_coding(have.id, start=piece.start, end=piece.end, code_id=piece.code)
                counts["updated"] += 1
            if sources.get(guid) != source:
                store.set_consensus_source(guid, layer, tid, source)
    return counts


def resync(store: Store, layer: str, transcript_id: str) -> None:
    """Sync one transcript of a layer again, after a decision changed what it should hold."""
    settings = layer_settings(store, layer)
    coders: tuple[str, str] = (settings["coders"][0], settings["coders"][1])
    comparison = compare_layers(store, coders, settings["span"], transcript_id)
    sync_layer(store, layer, comparison, [transcript_id])
