"""Narrowing what a coder looks at: codes, sentences and transcripts.

The coder's screens offer three filters, and they share one notion of typed
text (lowercase, accents folded) so "generalistisch" finds "Generalistisch"
and "re" finds "Ré":

- the blind view of the codebook (shared codes plus this coder's own) and a
  fuzzy filter over code names that forgives abbreviations and typos;
- lemma-aware search of sentences (``hulpvraag`` finds ``hulpvragen``), with
  a literal fallback;
- the transcript list with this coder's progress, filtered by attribute
  (``key=value``) or by any text.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz

from coder.model import Code, Codebook
from coder.services.reading import WORD
from coder.storage import Store

# -- the blind codebook and fuzzy filtering ------------------------------------


def visible_codebook(codebook: Codebook, coder: str, used: Iterable[str] = ()) -> Codebook:
    """The shared codebook, this coder's own added codes and every code their codings use.

    A code another coder added stays hidden unless this coder's codings use it
    (after a lead merged the coder's own code into it, say): then it shows,
    with the codes above it, so the coder sees its name and place in the tree.
    Who else uses it, or who added it, is never part of the codebook shown.
    """
    codes = codebook.by_id()
    needed: set[str] = set()
    for code_id in used:
        while code_id in codes and code_id not in needed:
            needed.add(code_id)
            code_id = codes[code_id].parent_id or ""
    keep: set[str] = set()
    for code in codebook.tree_order():
        mine = code.origin == "concept" or code.created_by == coder or code.id in needed
        if mine and (code.parent_id is None or code.parent_id in keep):
            keep.add(code.id)
    return Codebook(codebook.name, tuple(c for c in codebook.codes if c.id in keep))


def coder_codebook(store: Store, coder: str) -> Codebook:
    """What ``coder`` sees of the project's codebook (see ``visible_codebook``)."""
    return visible_codebook(store.codebook(), coder, store.code_counts(coder))


def fold(text: str) -> str:
    """Lowercase without accents, for matching typed filters."""
    return "".join(ch for ch in unicodedata.normalize("NFKD", text.lower()) if not unicodedata.combining(ch))


def fuzzy_score(query: str, name: str) -> float:
    """How well ``query`` matches ``name`` (0: not at all).

    Best is the query inside the name (3-4), then pieces of it at word starts
    in order, like "gen werk" or "gw" for "Generalistisch werken" (2-3), then
    a near miss for typos of four letters or more (below 0.5).
    """
    q, n = fold(query).strip(), fold(name)
    if not q:
        return 1.0
    at = n.find(q)
    if at >= 0:
        return 3.0 + (at == 0 or not n[at - 1].isalnum())
    runs = _word_start_runs(q.replace(" ", ""), n)
    if runs:
        return 2.0 + 1.0 / runs
    if len(q) >= 4 and (ratio := fuzz.partial_ratio(q, n)) >= 80:
        return ratio / 200
    return 0.0


def _word_start_runs(q: str, n: str) -> int:
    """In how many runs ``q`` matches ``n`` if every run starts a word (0: no match)."""
    starts = [i for i, ch in enumerate(n) if ch.isalnum() and (i == 0 or not n[i - 1].isalnum())]
    pos, runs, i = 0, 0, 0
    while i < len(q):
        run_at = next((s for s in starts if s >= pos and n[s] == q[i]), None)
        if run_at is None:
            return 0
        runs += 1
        pos = run_at
        while i < len(q) and pos < len(n) and n[pos] == q[i]:
            i, pos = i + 1, pos + 1
    return runs


EXACT, PREFIX, WORD_START, FUZZY = range(4)
"""How a code name matches typed text, best first (see ``match_rank``)."""


def match_rank(query: str, name: str) -> int | None:
    """EXACT, PREFIX, WORD_START or FUZZY for how ``query`` matches ``name`` (None: no match).

    Case, accents and runs of spaces are ignored. Word start means the query
    starts at a word inside the name ("eigen kracht" in "Grenzen aan eigen
    kracht") or its pieces start words in order ("gen werk", "gw"); anything
    else that ``fuzzy_score`` accepts (inside a word, typos) is FUZZY.
    """
    q, n = " ".join(fold(query).split()), " ".join(fold(name).split())
    if n == q:
        return EXACT
    if n.startswith(q):
        return PREFIX
    at_word = any(n.startswith(q, i) for i, ch in enumerate(n) if i == 0 or not n[i - 1].isalnum())
    if at_word or _word_start_runs(q.replace(" ", ""), n):
        return WORD_START
    return FUZZY if fuzzy_score(query, name) > 0 else None


def rank_codes(codes: Iterable[Code], query: str, recent: Sequence[str] = ()) -> list[Code]:
    """Codes matching ``query``: exact name, then prefix, then word start, then fuzzy.

    Within one rank the recently used codes come first (most recent first),
    then the closer fuzzy matches, then the given order; recency never lifts a
    code above a better rank. An empty query lists every code, recent first.
    """
    order = {code_id: i for i, code_id in enumerate(recent)}
    scored = []
    for i, code in enumerate(codes):
        rank = match_rank(query, code.name) if query.strip() else EXACT
        if rank is not None:
            key = (rank, order.get(code.id, len(order)), -fuzzy_score(query, code.name), i)
            scored.append((key, code))
    return [code for _key, code in sorted(scored, key=lambda t: t[0])]


def fuzzy_codes(codes: Iterable[Code], query: str) -> list[Code]:
    """Codes whose names match ``query``, best first (all of them for an empty query)."""
    return rank_codes(codes, query)


def same_name(codes: Iterable[Code], name: str) -> Code | None:
    """The code called ``name`` (case, accents and spacing ignored), if any."""
    return next((c for c in codes if match_rank(name, c.name) == EXACT), None)


# -- search ------------------------------------------------------------------------


@dataclass(frozen=True)
class SearchHit:
    """A sentence that matches a search."""

    transcript_id: str
    start: int
    end: int
    snippet: str


def query_terms(query: str, language: str) -> list[str]:
    """The lemmas to look for (the query's own words if no lemmatizer is available)."""
    try:
        from coder.segmentation import lemmatize_query
    except ImportError:
        return [w.lower() for w in WORD.findall(query)]
    return lemmatize_query(query, language)


def search(store: Store, query: str, transcript_id: str | None = None, limit: int = 500) -> list[SearchHit]:
    """Sentences matching ``query`` by lemma (``hulpvraag`` finds ``hulpvragen``) or literally."""
    if not query.strip():
        return []
    languages = store.transcript_languages()
    scope = [transcript_id] if transcript_id else sorted(languages)
    texts = store.transcript_texts(scope)
    found: dict[tuple[str, int], tuple[int, int]] = {}
    for language in sorted({languages[t] for t in scope if t in languages}):
        terms = query_terms(query, language)
        for tid, _idx, start, end in (
            store.search_segments(terms, transcript_id=transcript_id) if terms else ()
        ):
            if languages.get(tid) == language:
                found[(tid, start)] = (start, end)
    literal = re.compile(re.escape(query.strip()), re.IGNORECASE)
    for tid in scope:
        if literal.search(texts.get(tid, "")):
            bounds = [(s.start, s.end) for s in store.segments(tid, "sentence")]
            for m in literal.finditer(texts[tid]):
                i = max(0, bisect_right(bounds, (m.start(), len(texts[tid]))) - 1)
                if bounds:
                    found[(tid, bounds[i][0])] = bounds[i]
    hits = [
        SearchHit(tid, s, e, " ".join(texts[tid][s:e].split())[:160]) for (tid, _), (s, e) in found.items()
    ]
    return sorted(hits, key=lambda h: (h.transcript_id, h.start))[:limit]


# -- progress ----------------------------------------------------------------------


@dataclass(frozen=True)
class TranscriptRow:
    """One line of the home screen: a transcript and this coder's progress on it."""

    id: str
    attributes: dict[str, str]
    words: int
    sentences: int
    coded_sentences: int
    codings: int
    done: bool


def transcript_rows(store: Store, coder: str) -> list[TranscriptRow]:
    """Every transcript with this coder's progress (other coders' work is not counted)."""
    bounds = store.segment_bounds("sentence")
    spans: dict[str, list[tuple[int, int]]] = {}
    for tid, start, end, _code in store.coding_spans(coder):
        spans.setdefault(tid, []).append((start, end))
    return [
        TranscriptRow(
            s["id"],
            s["attributes"],
            s["words"],
            s["sentences"],
            _covered(bounds.get(s["id"], []), spans.get(s["id"], [])),
            s["coded"].get(coder, 0),
            coder in s["done"],
        )
        for s in store.transcript_summaries()
    ]


def _covered(sentences: list[tuple[int, int]], spans: list[tuple[int, int]]) -> int:
    """How many sentences share a character with any span (a sweep over sorted spans)."""
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    starts = [m[0] for m in merged]
    count = 0
    for s_start, s_end in sentences:
        i = bisect_right(starts, s_end - 1) - 1
        count += i >= 0 and merged[i][1] > s_start
    return count


def row_matches(row: TranscriptRow, query: str) -> bool:
    """Whether a transcript fits a filter: ``key=value`` words match attributes, others any text."""
    for word in query.split():
        key, sep, value = word.partition("=")
        if sep:
            attrs = {fold(k): fold(v) for k, v in row.attributes.items()}
            if not attrs.get(fold(key), "").startswith(fold(value)):
                return False
        elif not any(fold(word) in fold(x) for x in (row.id, *row.attributes.values())):
            return False
    return True
