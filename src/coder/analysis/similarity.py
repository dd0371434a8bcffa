"""Lemma TF-IDF over passages, for "more like this" suggestions (pure, offline).

Why this shape: a passage (a sentence or a turn) is a bag of the lemmas that
segmentation stored, so "hulpvragen" and "hulpvraag" meet. The index keeps raw
term counts in one scipy CSR matrix, rows are passages, so that adding or
replacing one transcript only touches its rows; weighting (sublinear tf times
idf over sentences, rows scaled to unit length) is done at query time in a few
vector passes, which keeps the stored index valid as the corpus grows. A code
is represented by the mean of the unit vectors of the sentences its codings
cover, plus its definition as extra evidence; passages are ranked by cosine
similarity to that centroid and each hit is explained by the lemmas that
contribute most to its score. Stop words never count as evidence.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np
    from scipy.sparse import csr_matrix

Row = tuple[str, str, int, int, str]  # kind, transcript, start, end, lemmas
DEFINITION_WEIGHT = 0.5
FORMAT_VERSION = 4  # of the stored blob; another version is rebuilt, never misread  # the definition counts half as much as the coder's own codings


@dataclass(frozen=True)
class PassageIndex:
    """Term counts of every passage, one row each; passage ``i`` is ``key(i)``.

    Keys are kept as arrays (transcript number, start, end, kind) rather than
    Python tuples, so that loading the index and finding the passages a coding
    covers stay vector operations over a million-word project.
    """

    transcripts: list[str]
    tid: np.ndarray[Any, Any]  # int32 index into ``transcripts``
    start: np.ndarray[Any, Any]  # int64
    end: np.ndarray[Any, Any]  # int64
    kind: np.ndarray[Any, Any]  # int8 index into KINDS
    vocab: list[str]
    counts: csr_matrix
    versions: dict[str, int] = field(default_factory=dict)  # text version of each transcript indexed
    stop: list[str] = field(default_factory=list)  # stop words and their lemmas: never evidence

    @property
    def size(self) -> int:
        """Number of passages."""
        return len(self.start)

    def key(self, row: int) -> tuple[str, int, int]:
        """(transcript, start, end) of one passage."""
        return self.transcripts[int(self.tid[row])], int(self.start[row]), int(self.end[row])

    def kind_of(self, row: int) -> str:
        """ "sentence" or "turn"."""
        return KINDS[int(self.kind[row])]

    def rows_of(self, transcript_ids: Iterable[str]) -> np.ndarray[Any, Any]:
        """Boolean mask of the passages of these transcripts."""
        import numpy as np

        wanted = [i for i, t in enumerate(self.transcripts) if t in set(transcript_ids)]
        return np.isin(self.tid, np.array(wanted, dtype=np.int32))

    def overlapping(
        self, spans: Iterable[tuple[str, int, int]], kind: str | None = None
    ) -> np.ndarray[Any, Any]:
        """Boolean mask of the passages (of ``kind``, or any) sharing a character with any span.

        All spans at once (thousands, e.g. every interviewer turn): each
        transcript's offsets are shifted into a range of their own, the spans
        sorted by start with a running maximum of their ends, and a passage
        overlaps when the last span starting before its end reaches past its start.
        """
        import numpy as np

        number = {t: i for i, t in enumerate(self.transcripts)}
        known = [(number[t], s, e) for t, s, e in spans if t in number]
        mask = np.zeros(self.size, dtype=bool)
        if known:
            shift = np.int64(1) << np.int64(40)  # beyond any transcript's length
            tids, starts, ends = (np.array(col, dtype=np.int64) for col in zip(*known, strict=True))
            order = np.argsort(tids * shift + starts, kind="stable")
            span_start = (tids * shift + starts)[order]
            reach = np.maximum.accumulate((tids * shift + ends)[order])
            row_base = self.tid.astype(np.int64) * shift
            last = np.searchsorted(span_start, row_base + self.end, side="left") - 1
            mask = (last >= 0) & (reach[np.maximum(last, 0)] > row_base + self.start)
        return mask & (self.kind == KINDS.index(kind)) if kind is not None else mask


KINDS = ("sentence", "turn")


@dataclass(frozen=True)
class Match:
    """One ranked passage: its row in the index, cosine score and the lemmas it shares."""

    row: int
    score: float
    shared: list[str]


def _tokens(lemmas: str) -> list[str]:
    """The words of a lemma string worth indexing (letters in them, more than one character)."""
    return [w for w in lemmas.split() if len(w) > 1 and any(ch.isalpha() for ch in w)]


def build_index(rows: Iterable[Row], vocab: Sequence[str] = ()) -> PassageIndex:
    """A passage index of ``rows``, reusing (and extending) ``vocab`` for its columns."""
    import numpy as np
    from scipy.sparse import csr_matrix

    columns = {word: i for i, word in enumerate(vocab)}
    words = list(vocab)
    numbers: dict[str, int] = {}
    keys: list[tuple[int, int, int, int]] = []
    indptr, indices = [0], []
    for kind, tid, start, end, lemmas in rows:
        for word in _tokens(lemmas):
            if word not in columns:
                columns[word] = len(words)
                words.append(word)
            indices.append(columns[word])
        indptr.append(len(indices))
        keys.append((numbers.setdefault(tid, len(numbers)), start, end, KINDS.index(kind)))
    data = np.ones(len(indices), dtype=np.float32)
    counts = csr_matrix((data, np.array(indices, dtype=np.int32), np.array(indptr, dtype=np.int64)),
                        shape=(len(keys), len(words)))  # fmt: skip
    counts.sum_duplicates()
    table = np.array(keys, dtype=np.int64).reshape(-1, 4)
    return PassageIndex(list(numbers), table[:, 0].astype(np.int32), table[:, 1], table[:, 2],
                        table[:, 3].astype(np.int8), words, counts)  # fmt: skip


def replace_transcripts(
    index: PassageIndex, transcript_ids: Iterable[str], rows: Iterable[Row]
) -> PassageIndex:
    """``index`` with the passages of ``transcript_ids`` replaced by ``rows`` (incremental update)."""
    import numpy as np
    from scipy.sparse import vstack

    ids = list(transcript_ids)
    keep = ~index.rows_of(ids)
    added = build_index(rows, index.vocab)
    kept = index.counts[keep]
    kept.resize((int(keep.sum()), len(added.vocab)))
    names = list(index.transcripts)
    number = {t: i for i, t in enumerate(names)}
    for t in added.transcripts:
        number.setdefault(t, len(names))
        if number[t] == len(names):
            names.append(t)
    renumbered = np.array([number[t] for t in added.transcripts], dtype=np.int32)[added.tid]
    return PassageIndex(
        names,
        np.concatenate([index.tid[keep], renumbered]).astype(np.int32),
        np.concatenate([index.start[keep], added.start]),
        np.concatenate([index.end[keep], added.end]),
        np.concatenate([index.kind[keep], added.kind]).astype(np.int8),
        added.vocab,
        vstack([kept, added.counts], format="csr"),
        {t: v for t, v in index.versions.items() if t not in set(ids)},
        index.stop,
    )


def to_bytes(index: PassageIndex) -> bytes:
    """The index as one ``.npz`` blob (no pickles; uncompressed, so it loads fast)."""
    import numpy as np

    buffer = io.BytesIO()
    c = index.counts
    np.savez(
        buffer,
        version=np.array(FORMAT_VERSION),
        transcripts=np.array(index.transcripts, dtype=str),
        tid=index.tid, start=index.start, end=index.end, kind=index.kind,
        vocab=np.array(index.vocab, dtype=str),
        versioned=np.array(list(index.versions), dtype=str),
        versions=np.array(list(index.versions.values()), dtype=np.int64),
        stop=np.array(index.stop, dtype=str),
        data=c.data, indices=c.indices, indptr=c.indptr, shape=np.array(c.shape),
    )  # fmt: skip
    return buffer.getvalue()


def from_bytes(blob: bytes) -> PassageIndex:
    """An index read back from :func:`to_bytes`; ValueError if it is damaged or of another format."""
    import numpy as np
    from scipy.sparse import csr_matrix

    try:
        z = np.load(io.BytesIO(blob), allow_pickle=False)
        if "version" not in z.files or int(z["version"]) != FORMAT_VERSION:
            raise ValueError("the stored passage index has another format")
    except (OSError, EOFError, KeyError) as exc:  # what numpy raises for a damaged archive
        raise ValueError(f"the stored passage index cannot be read ({exc})") from exc
    counts = csr_matrix((z["data"], z["indices"], z["indptr"]), shape=tuple(z["shape"]))
    versions = dict(zip(z["versioned"].tolist(), z["versions"].tolist(), strict=True))
    return PassageIndex(z["transcripts"].tolist(), z["tid"], z["start"], z["end"], z["kind"],
                        z["vocab"].tolist(), counts, versions, z["stop"].tolist())  # fmt: skip


def with_versions(index: PassageIndex, versions: dict[str, int], stop: Iterable[str] = ()) -> PassageIndex:
    """``index`` recording the text versions it holds and the stop words of its languages."""
    return replace(index, versions={**index.versions, **versions}, stop=sorted(set(index.stop) | set(stop)))


def stale_transcripts(index: PassageIndex, versions: dict[str, int]) -> list[str]:
    """Transcripts whose indexed text is not the stored one: new, replaced or deleted since."""
    changed = {t for t, v in versions.items() if index.versions.get(t) != v}
    return sorted(changed | (set(index.versions) - set(versions)))


def weighted(index: PassageIndex) -> csr_matrix:
    """Rows as unit-length vectors of sublinear tf times idf (idf counted over sentences)."""
    import numpy as np

    sentences = index.kind == KINDS.index("sentence")
    source = index.counts[sentences] if sentences.any() else index.counts
    df = np.bincount(source.indices, minlength=len(index.vocab))
    idf = np.log((source.shape[0] + 1) / (df + 1)) + 1.0
    w = index.counts.copy()
    w.data = ((1.0 + np.log(w.data)) * idf[w.indices]).astype(np.float32)
    norms = np.sqrt(np.asarray(w.multiply(w).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    from scipy.sparse import diags

    return (diags(1.0 / norms) @ w).tocsr()


def centroid(
    w: csr_matrix,
    index: PassageIndex,
    positives: np.ndarray[Any, Any],
    definition: Sequence[str],
    stop: set[str],
) -> np.ndarray[Any, Any]:
    """The code's vector: mean of the positive rows plus the definition's lemmas, stop words out."""
    import numpy as np

    q = np.zeros(len(index.vocab), dtype=np.float64)
    if positives.any():
        q += np.asarray(w[positives].mean(axis=0)).ravel()
    columns = {word: i for i, word in enumerate(index.vocab)}
    terms = [columns[t] for t in _tokens(" ".join(definition)) if t in columns]
    if terms:
        extra = np.zeros_like(q)
        extra[terms] = 1.0
        q += DEFINITION_WEIGHT * extra / np.linalg.norm(extra)
    q[[columns[s] for s in stop if s in columns]] = 0.0
    return q


def rank(
    w: csr_matrix,
    index: PassageIndex,
    q: np.ndarray[Any, Any],
    excluded: np.ndarray[Any, Any],
    limit: int,
) -> list[Match]:
    """The best ``limit`` passages by cosine to ``q``, never two that overlap, excluded rows left out."""
    import numpy as np

    if limit <= 0 or not q.any():
        return []
    scores = w @ q
    scores[excluded] = 0.0
    pool = min(len(scores), limit * 8 + 50)
    top = np.argpartition(-scores, pool - 1)[:pool] if pool < len(scores) else np.arange(len(scores))
    top = top[np.argsort(-scores[top], kind="stable")]
    kept: list[Match] = []
    for row in top.tolist():
        if scores[row] <= 0 or len(kept) >= limit:
            break
        if not any(_overlap(index.key(row), index.key(m.row)) for m in kept):
            kept.append(Match(row, float(scores[row]), shared_lemmas(w, index, q, row)))
    return kept


def _overlap(a: tuple[str, int, int], b: tuple[str, int, int]) -> bool:
    return a[0] == b[0] and a[1] < b[2] and b[1] < a[2]


def shared_lemmas(
    w: csr_matrix, index: PassageIndex, q: np.ndarray[Any, Any], row: int, top: int = 5
) -> list[str]:
    """The lemmas that contribute most to a passage's score, most first."""
    start, stop = w.indptr[row], w.indptr[row + 1]
    columns, values = w.indices[start:stop], w.data[start:stop]
    contributions = sorted(zip(values * q[columns], columns.tolist(), strict=True), reverse=True)
    return [index.vocab[c] for value, c in contributions[:top] if value > 0]
