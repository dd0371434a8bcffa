"""Reconciliation, pure: agreements and disagreements, decisions, tree diffs.

Two coders' codings of one transcript are compared code by code. Codings of
the same code that overlap by at least one non-whitespace character (the
CONTRACT.md overlap rule) form a component; a component holding both coders'
codings is an agreement, accepted with the union or intersection of its
spans. What is left over is one-sided, and one-sided codings of *either* code
that overlap across the two coders are clustered into one disagreement, so
"A says privacy, B says werkdruk" is one question for the lead, not two.

Every disagreement is keyed by the GUIDs of its codings. GUIDs survive code
merges, renames and re-imports, so a rerun finds the same key and the
decision taken on it. A decision is also kept as a verdict per coding
(accepted or not), which lets a later run carry it over when a disagreement
changes shape (for instance after a merge turned part of it into agreement).

Code-tree diffs live here too: a small matching function over trees handed
in by the services. Codebook merge suggestions, the other half of aligning
two coders' codebooks, are scored in ``coder.analysis.merge_suggestions``. No database
access.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal, TypeAlias

from coder.analysis.units import merge_spans
from coder.model import Codebook

Side = Literal["a", "b"]
if TYPE_CHECKING:
    # numpy only for the type: the dataclasses here are read by every command.
    import numpy as np
    from numpy.typing import NDArray

    Prefix: TypeAlias = Sequence[int] | NDArray[np.int64]
    """Non-whitespace prefix counts of a text (``units.nonspace_prefix``)."""
SpanMode = Literal["union", "intersection"]
Strategy = Literal["agreed", "union"]
Choice = Literal["a", "b", "both", "neither", "edit"]
CHOICES: tuple[str, ...] = ("a", "b", "both", "neither", "edit")
# Fixed namespace: a consensus coding's GUID is derived from what produced it,
# so rerunning reconcile yields the same GUIDs and never duplicates a coding.
_NAMESPACE = uuid.UUID("5b0f8a0e-6f1c-4c57-9a43-2f1e0c6d7a10")


@dataclass(frozen=True)
class _Span:
    """What a coding says: where, which code, its memo and whether it is a key quote."""

    start: int
    end: int
    code: str
    memo: str = ""
    key_quote: bool = False


@dataclass(frozen=True)
class _Owner:
    """Whose coding it is: the coder's side and the coding's GUID."""

    side: Side
    guid: str


# Dataclass fields follow the reversed MRO, so ``Item`` takes ``_Owner``'s fields
# first: Item(side, guid, start, end, code, memo, key_quote). An Item is not a
# Piece, so a coder's coding cannot be passed where a consensus coding is meant.
@dataclass(frozen=True)
class Item(_Span, _Owner):
    """One coder's coding, as reconciliation sees it."""


@dataclass(frozen=True)
class Piece(_Span):
    """A coding that reconciliation puts into the consensus layer."""


@dataclass(frozen=True)
class Agreed:
    """Both coders applied ``code`` here: the pieces that go into the consensus."""

    key: str
    code: str
    items: tuple[Item, ...]
    pieces: tuple[Piece, ...]


@dataclass(frozen=True)
class Cluster:
    """One-sided codings that overlap across the coders: one question for the lead."""

    key: str
    start: int
    end: int
    items: tuple[Item, ...]


@dataclass(frozen=True)
class ReviewItem:
    """A stored disagreement of a consensus layer, with its decision if taken."""

    id: int
    layer: str
    key: str
    coders: tuple[str, str]
    transcript_id: str
    start: int
    end: int
    items: tuple[Item, ...]
    status: Literal["open", "decided", "gone"]
    choice: str | None = None
    note: str = ""
    result: tuple[Piece, ...] = ()
    verdicts: Mapping[str, bool] = field(default_factory=dict)
    decided_by: str | None = None
    decided_at: str | None = None

    def side(self, side: Side) -> tuple[Item, ...]:
        """This disagreement's codings by one coder."""
        return tuple(i for i in self.items if i.side == side)


@dataclass(frozen=True)
class CodebookVersion:
    """A frozen code tree with its label and when and by whom it was frozen."""

    label: str
    guid: str
    created_at: str
    created_by: str
    note: str
    codebook: Codebook


# -- spans -------------------------------------------------------------------


def overlaps(prefix: Prefix, a: tuple[int, int], b: tuple[int, int]) -> bool:
    """Whether two spans share a non-whitespace character (``prefix`` from ``units.nonspace_prefix``)."""
    lo, hi = max(a[0], b[0]), min(a[1], b[1])
    return hi > lo and int(prefix[hi]) - int(prefix[lo]) > 0


def span_union(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """The union of spans, merged into non-overlapping pieces."""
    return merge_spans(list(spans))


def span_intersection(
    prefix: Prefix, spans_a: Iterable[tuple[int, int]], spans_b: Iterable[tuple[int, int]]
) -> list[tuple[int, int]]:
    """The characters both coders marked, as pieces holding some non-whitespace text."""
    out = []
    for a in merge_spans(list(spans_a)):
        for b in merge_spans(list(spans_b)):
            if overlaps(prefix, a, b):
                out.append((max(a[0], b[0]), min(a[1], b[1])))
    return merge_spans(out)


def _key(kind: str, items: Iterable[Item]) -> str:
    digest = hashlib.sha1(",".join(sorted(i.guid for i in items)).encode()).hexdigest()
    return f"{kind}:{digest[:20]}"


def consensus_guid(layer: str, source: str, index: int) -> str:
    """The stable GUID of the ``index``-th coding a source contributes to ``layer``."""
    return str(uuid.uuid5(_NAMESPACE, f"{layer}|{source}|{index}"))


# -- comparing two coders ------------------------------------------------------


def _components(items: Sequence[Item], prefix: Prefix, cross_only: bool) -> list[list[Item]]:
    """Connected groups of overlapping items (only across sides when ``cross_only``)."""
    order = sorted(items, key=lambda i: (i.start, i.end, i.guid))
    parent = list(range(len(order)))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for i, a in enumerate(order):
        for j in range(i + 1, len(order)):
            b = order[j]
            if b.start >= a.end:
                break
            if (not cross_only or a.side != b.side) and overlaps(prefix, (a.start, a.end), (b.start, b.end)):
                parent[find(j)] = find(i)
    groups: dict[int, list[Item]] = {}
    for i, item in enumerate(order):
        groups.setdefault(find(i), []).append(item)
    return list(groups.values())


def _joined_memo(items: Iterable[Item]) -> str:
    memos = dict.fromkeys(i.memo.strip() for i in items if i.memo.strip())
    return " | ".join(memos)


def _agreed(code: str, comp: list[Item], prefix: Prefix, span_mode: SpanMode) -> Agreed:
    spans = {s: [(i.start, i.end) for i in comp if i.side == s] for s in ("a", "b")}
    if span_mode == "union":
        pieces = span_union(spans["a"] + spans["b"])
    else:
        pieces = span_intersection(prefix, spans["a"], spans["b"])
    memo, key_quote = _joined_memo(comp), any(i.key_quote for i in comp)
    return Agreed(
        _key("agree", comp),
        code,
        tuple(comp),
        tuple(Piece(s, e, code, memo, key_quote) for s, e in pieces),
    )


def compare(
    items: Sequence[Item], prefix: Prefix, span_mode: SpanMode = "union"
) -> tuple[list[Agreed], list[Cluster]]:
    """Agreements and disagreements between the two sides' codings of one transcript."""
    by_code: dict[str, list[Item]] = {}
    for item in items:
        by_code.setdefault(item.code, []).append(item)
    agreed: list[Agreed] = []
    leftovers: list[Item] = []
    for code in sorted(by_code):
        for comp in _components(by_code[code], prefix, cross_only=False):
            if {i.side for i in comp} == {"a", "b"}:
                agreed.append(_agreed(code, comp, prefix, span_mode))
            else:
                leftovers.extend(comp)
    clusters = [
        Cluster(_key("dis", comp), min(i.start for i in comp), max(i.end for i in comp), tuple(comp))
        for comp in _components(leftovers, prefix, cross_only=True)
    ]
    clusters.sort(key=lambda c: (c.start, c.end, c.key))
    return agreed, clusters


# -- decisions -----------------------------------------------------------------


def _piece(item: Item) -> Piece:
    return Piece(item.start, item.end, item.code, item.memo, item.key_quote)


def accepts(choice: str, side: Side) -> bool:
    """Whether a choice (a, b, both, neither) takes the codings of ``side``."""
    return choice == "both" or choice == side


def choice_pieces(choice: str, items: Iterable[Item]) -> tuple[Piece, ...]:
    """What a/b/both/neither puts into the consensus, duplicates removed."""
    seen: dict[tuple[int, int, str], Piece] = {}
    for item in items:
        if accepts(choice, item.side):
            seen.setdefault((item.start, item.end, item.code), _piece(item))
    return tuple(seen.values())


def verdicts(choice: str, items: Iterable[Item]) -> dict[str, bool]:
    """Per coding GUID, whether the decision accepted it (none for a hand edit)."""
    if choice == "edit":
        return {}
    return {i.guid: accepts(choice, i.side) for i in items}


def carried_choice(items: Sequence[Item], known: Mapping[str, bool]) -> tuple[str, tuple[Piece, ...]] | None:
    """Re-derive a decision from earlier verdicts when every coding has one, else None."""
    if not items or any(i.guid not in known for i in items):
        return None
    accepted = {i.guid for i in items if known[i.guid]}
    by_side = {side: {i.guid for i in items if i.side == side} for side in ("a", "b")}
    if not accepted:
        choice = "neither"
    elif accepted == by_side["a"] | by_side["b"]:
        choice = "both" if by_side["a"] and by_side["b"] else ("a" if by_side["a"] else "b")
    elif accepted in (by_side["a"], by_side["b"]):
        choice = "a" if accepted == by_side["a"] else "b"
    else:
        return "edit", tuple(_piece(i) for i in items if i.guid in accepted)
    return choice, choice_pieces(choice, items)


# -- code tree diff --------------------------------------------------------------


def resolve_merges(merges: Mapping[str, str]) -> dict[str, str]:
    """Follow chains of merges (a into b, b into c) to where each code ended up."""
    out = {}
    for src in merges:
        seen, dst = {src}, merges[src]
        while dst in merges and dst not in seen:
            seen.add(dst)
            dst = merges[dst]
        out[src] = dst
    return out


def _match(old: Codebook, new: Codebook) -> dict[str, str]:
    """Old id -> new id, by GUID first, then by id when that id is not another code's."""
    new_by_guid = {c.guid: c.id for c in new.codes if c.guid}
    old_guids = {c.guid for c in old.codes if c.guid}
    new_ids = new.by_id()
    matched: dict[str, str] = {}
    for code in old.codes:
        if code.guid and code.guid in new_by_guid:
            matched[code.id] = new_by_guid[code.guid]
        elif code.id in new_ids and not (
            new_ids[code.id].guid in old_guids and new_ids[code.id].guid != code.guid
        ):
            matched[code.id] = code.id
    return matched


def diff_trees(
    old: Codebook, new: Codebook, merges: Mapping[str, str] | None = None
) -> dict[str, list[dict[str, str | None]]]:
    """Added, removed, merged, moved, renamed and redefined codes between two trees."""
    matched = _match(old, new)
    resolved = resolve_merges(merges or {})
    news = new.by_id()
    out: dict[str, list[dict[str, str | None]]] = {
        k: [] for k in ("added", "removed", "merged", "moved", "renamed", "redefined")
    }
    for code in old.tree_order():
        if code.id not in matched:
            into = resolved.get(code.id)
            if into is not None and into in news:
                out["merged"].append({"code": code.id, "name": code.name, "into": into})
            else:
                out["removed"].append({"code": code.id, "name": code.name})
            continue
        now = news[matched[code.id]]
        parent_then = matched.get(code.parent_id, code.parent_id) if code.parent_id else None
        if parent_then != now.parent_id:
            out["moved"].append({"code": now.id, "from": code.parent_id, "to": now.parent_id})
        if code.name != now.name or code.id != now.id:
            out["renamed"].append({"code": now.id, "old_id": code.id, "from": code.name, "to": now.name})
        if code.description != now.description:
            out["redefined"].append({"code": now.id, "from": code.description, "to": now.description})
    kept = set(matched.values())
    out["added"] = [
        {"code": c.id, "name": c.name, "parent": c.parent_id} for c in new.tree_order() if c.id not in kept
    ]
    return out
