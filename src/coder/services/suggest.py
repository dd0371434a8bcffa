"""More like this: passages a coder has not yet coded with a code, most similar first.

Blindness is the rule here: the evidence for a code is only the asking
coder's own codings (and the code's shared definition), never another
coder's. Nothing is coded by this module; it proposes, the coder confirms
(``apply_code``) or dismisses (remembered per coder and code).

The passage index (:mod:`coder.analysis.similarity`) is stored in the project. It is
built once, on the first suggestion, and kept current by
:func:`refresh_index`, which transcript import calls inside its transaction.
Loading and weighting a million-word index costs far more than ranking, and a
coder asks again and again in one TUI session, so the loaded, weighted index
is kept in memory per project until the stored one changes.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from coder.errors import CoderError
from coder.storage import Store

if TYPE_CHECKING:
    import numpy as np
    from scipy.sparse import csr_matrix

    from coder.analysis.similarity import PassageIndex

KINDS = ("sentence", "turn")
_lock = threading.Lock()
_cache: dict[Path, tuple[str, PassageIndex, csr_matrix]] = {}


def _rows(store: Store, transcript_ids: list[str] | None = None) -> list[tuple[str, str, int, int, str]]:
    return [(kind, *row) for kind in KINDS for row in store.segment_lemma_rows(kind, transcript_ids)]


def build_index(store: Store) -> PassageIndex:
    """Build the passage index from every stored segment and save it (one transaction)."""
    from coder.analysis.similarity import build_index as build
    from coder.analysis.similarity import to_bytes, with_versions

    index = with_versions(build(_rows(store)), store.transcript_versions(), stop_lemmas(store))
    with store.transaction():
        store.save_index_blob("passages", to_bytes(index))
    return index


def load_index(store: Store) -> PassageIndex:
    """The stored passage index, built first if the project has none yet."""
    return _weighted_index(store)[0]


def _weighted_index(store: Store) -> tuple[PassageIndex, csr_matrix]:
    """The current index and its weighted rows, from memory while nothing has changed.

    Transcripts added, replaced or deleted by any path that did not update
    the index (an exchange import, say) are found by their text versions and
    re-indexed here, so suggestions never come from a stale index.
    """
    from coder.analysis.similarity import stale_transcripts, to_bytes, weighted

    versions = store.transcript_versions()
    with _lock:
        cached = _cache.get(store.root)
    fresh = cached is not None and cached[0] == store.index_stamp("passages")
    if cached is not None and fresh and not stale_transcripts(cached[1], versions):
        return cached[1], cached[2]
    index = _stored(store) or build_index(store)
    stale = stale_transcripts(index, versions)
    if stale:
        index = _updated(store, index, stale)
        with store.transaction():
            store.save_index_blob("passages", to_bytes(index))
    w = weighted(index)
    with _lock:
        _cache[store.root] = (store.index_stamp("passages") or "", index, w)
    return index, w


def _stored(store: Store) -> PassageIndex | None:
    """The stored index, or None when there is none or it is of a former format (then it is rebuilt)."""
    from coder.analysis.similarity import from_bytes

    blob = store.index_blob("passages")
    if blob is None:
        return None
    try:
        return from_bytes(blob)
    except ValueError:
        return None


def _updated(store: Store, index: PassageIndex, transcript_ids: Sequence[str]) -> PassageIndex:
    """``index`` with these transcripts' passages read again (none for a deleted transcript)."""
    from coder.analysis.similarity import replace_transcripts, with_versions

    versions = store.transcript_versions()
    present = [t for t in transcript_ids if t in versions]
    rows = _rows(store, present) if present else []
    updated = replace_transcripts(index, transcript_ids, rows)
    return with_versions(updated, {t: versions[t] for t in present}, stop_lemmas(store))


def refresh_index(store: Store, transcript_ids: Sequence[str]) -> None:
    """Update the stored index for added or replaced transcripts (no-op if none is built yet)."""
    if not transcript_ids or store.index_blob("passages") is None:
        return
    from coder.analysis.similarity import to_bytes

    index = _stored(store)
    if index is None:
        build_index(store)
    else:
        store.save_index_blob("passages", to_bytes(_updated(store, index, transcript_ids)))


def definition_terms(store: Store, code_id: str) -> list[str]:
    """Words and lemmas of the code's name, description and keywords (matched against the index).

    Lemmatized with simplemma rather than spaCy, so a suggestion does not pay
    for loading a spaCy pipeline (seconds) to read one definition.
    """
    from coder.lemmas import text_lemmas

    code = store.get_code(code_id)
    words = " ".join((code.name, code.description, *code.keywords))
    return sorted(text_lemmas(words, sorted(set(store.transcript_languages().values())) or ["nl"]))


def stop_lemmas(store: Store) -> set[str]:
    """Stop words (and their lemmas) of the project's languages: never evidence.

    Read from spaCy when the index is built or updated (import has spaCy
    loaded anyway) and kept in the index, so suggestions need no spaCy.
    """
    from coder.segmentation import stop_lemmas as stops

    return set().union(*(stops(lang) for lang in set(store.transcript_languages().values()) or {"nl"}))


def suggest(
    store: Store,
    code_id: str,
    coder: str,
    limit: int = 20,
    units: Sequence[str] = KINDS,
    transcripts: Iterable[str] | None = None,
    evidence: Sequence[str] | None = None,
) -> dict[str, Any]:
    """Passages not yet coded with ``code_id`` by ``coder``, ranked by similarity to that coder's codings.

    ``evidence`` overrides the code's definition terms (the keyword baseline of
    the benchmark passes the name's lemmas; ``[]`` uses codings only).
    """
    from coder.analysis.similarity import centroid, rank

    store.get_code(code_id)
    if limit < 1:
        raise CoderError("--limit must be at least 1")
    index, w = _weighted_index(store)
    own = [(c.transcript_id, c.start, c.end) for c in store.codings(coder=coder, code_ids=[code_id])]
    terms = definition_terms(store, code_id) if evidence is None else list(evidence)
    terms = [t for t in terms if t not in index.stop]
    q = centroid(w, index, index.overlapping(own, "sentence"), terms, set(index.stop))
    excluded = _excluded(index, own, store.dismissed_suggestions(coder, code_id), units, transcripts)
    excluded |= index.overlapping(_interviewer_turns(store))
    return {
        "code": code_id,
        "coder": coder,
        "evidence": {"codings": len(own), "definition_terms": terms},
        "suggestions": [
            {
                "transcript": index.key(m.row)[0],
                "start": index.key(m.row)[1],
                "end": index.key(m.row)[2],
                "unit": index.kind_of(m.row),
                "score": round(m.score, 4),
                "shared_lemmas": m.shared,
            }
            for m in rank(w, index, q, excluded, limit)
        ],
    }


def _interviewer_turns(store: Store) -> list[tuple[str, int, int]]:
    """(transcript, start, end) of the interviewer's turns: questions are not proposed as passages."""
    from coder.services.reading import INTERVIEWER

    return [
        (tid, start, end)
        for tid, turns in store.turn_spans().items()
        for start, end, speaker in turns
        if speaker and INTERVIEWER.search(speaker.strip())
    ]


def _excluded(
    index: PassageIndex,
    own: list[tuple[str, int, int]],
    dismissed: set[tuple[str, int, int]],
    units: Sequence[str],
    transcripts: Iterable[str] | None,
) -> np.ndarray[Any, Any]:
    """Rows never proposed: already coded by this coder, dismissed, of another unit or transcript."""
    import numpy as np

    out = index.overlapping(own)
    out |= ~np.isin(index.kind, [KINDS.index(u) for u in units if u in KINDS])
    if transcripts is not None:
        out |= ~index.rows_of(list(transcripts))
    for tid, start, end in dismissed:
        out |= index.overlapping([(tid, start, end)]) & (index.start == start) & (index.end == end)
    return out


def dismiss(store: Store, coder: str, code_id: str, transcript_id: str, start: int, end: int) -> None:
    """Remember that ``coder`` does not want this passage proposed for ``code_id`` again."""
    store.get_code(code_id)
    with store.transaction():
        store.ensure_coder(coder)
        store.dismiss_suggestion(coder, code_id, transcript_id, start, end)
        store.log(
            coder,
            "suggestion.dismiss",
            code_id,
            after={"transcript": transcript_id, "start": start, "end": end},
        )
