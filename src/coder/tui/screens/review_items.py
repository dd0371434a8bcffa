"""What the review screen shows of its queue: the layer, the passage and its context, the next open item.

Plain functions over the store and ``ReviewItem``s, kept apart from the screen
so that the screen holds only its widgets, keys and the build worker.
"""

from __future__ import annotations

from coder.analysis.reconcile import ReviewItem
from coder.services.reconcile import layer_pairs
from coder.storage import Store


def default_layer(store: Store) -> str:
    """The consensus layer to review: the first one with a queue, else ``final``."""
    layers = [c["name"] for c in store.coders() if c["kind"] == "consensus"]
    return next((name for name in layers if store.review_items(name)), "final")


def shown_span(item: ReviewItem) -> tuple[int, int]:
    """The passage a decision is about: the lead's own span once adjusted, else the disagreement's."""
    if item.choice == "edit" and item.result:
        return min(p.start for p in item.result), max(p.end for p in item.result)
    return item.start, item.end


def empty_hint(store: Store, layer: str) -> str:
    """What to do when the layer has no disagreements, with the project's real coder names."""
    pairs = layer_pairs(store, layer)
    if not pairs:
        return f"No disagreements in {layer!r}: it needs two coders who have coded."
    if len(pairs) == 1:
        a, b = pairs[0]
        return (
            f"No disagreements in {layer!r} yet. Press r to build it from {a} and {b} "
            f"(the same as coder reconcile --coders {a},{b} --into {layer})."
        )
    coders = ", ".join(dict.fromkeys(name for pair in pairs for name in pair))
    return f"No disagreements in {layer!r} yet. Press r to build it from two of {coders}."


def first_open(items: list[ReviewItem], after: int = -1) -> int | None:
    """Index of the first open disagreement after position ``after`` (wrapping round)."""
    order = list(range(after + 1, len(items))) + list(range(0, after + 1))
    return next((i for i in order if items[i].status == "open"), None)


def context_span(store: Store, item: ReviewItem) -> tuple[int, int]:
    """The sentences around a disagreement: one before it, one after it."""
    sentences = store.segments(item.transcript_id, "sentence")
    touching = [i for i, s in enumerate(sentences) if s.end > item.start and s.start < item.end]
    if not touching:
        return max(0, item.start - 200), item.end + 200
    lo, hi = max(0, touching[0] - 1), min(len(sentences) - 1, touching[-1] + 1)
    return min(sentences[lo].start, item.start), max(sentences[hi].end, item.end)
