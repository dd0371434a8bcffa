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
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np
    from scipy.sparse import csr_matrix

Row = tuple[str, str, int, int, str]  # kind, transcript, start, end, lemmas
DEFINITION_WEIGHT = 0.5  # the definition counts half as much as the coder's own codings


@dataclass(frozen=True)
class PassageIndex:
    """Term counts of every passage: ``counts[i]`` belongs to ``keys[i]``."""

    kinds: list[str]
    keys: list[tuple[str, int, int]]
    vocab: list[str]
    counts: csr_matrix

    @property
    def size(self) -> int:
        """Number of passages."""
        return len(self.keys)


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
    kinds: list[str] = []
    keys: list[tuple[str, int, int]] = []
    indptr, indices = [0], []
    for kind, tid, start, end, lemmas in rows:
        for word in _tokens(lemmas):
            if word not in columns:
                columns[word] = len(words)
                words.append(word)
            indices.append(columns[word])
        indptr.append(len(indices))
        kinds.append(kind)
        keys.append((tid, start, end))
    data = np.ones(len(indices), dtype=np.float32)
    counts = csr_matrix((data, np.array(indices, dtype=np.int32), np.array(indptr, dtype=np.int64)),
                        shape=(len(keys), len(words)))  # fmt: skip
    counts.sum_duplicates()
    return PassageIndex(kinds, keys, words, counts)


def replace_transcripts(
    index: PassageIndex, transcript_ids: Iterable[str], rows: Iterable[Row]
) -> PassageIndex:
    """``index`` with the passages of ``transcript_ids`` replaced by ``rows`` (incremental update)."""
    from scipy.sparse import vstack

    drop = set(transcript_ids)
    keep = [i for i, key in enumerate(index.keys) if key[0] not in drop]
    added = build_index(rows, index.vocab)
    width = len(added.vocab)
    kept = index.counts[keep]
    kept.resize((len(keep), width))
    counts = vstack([kept, added.counts], format="csr")
    kinds = [index.kinds[i] for i in keep] + added.kinds
    keys = [index.keys[i] for i in keep] + added.keys
    return PassageIndex(kinds, keys, added.vocab, counts)


def to_bytes(index: PassageIndex) -> bytes:
    """The index as one compressed ``.npz`` blob (no pickles)."""
    import numpy as np

    buffer = io.BytesIO()
    c = index.counts
    np.savez_compressed(
        buffer,
        kinds=np.array(index.kinds, dtype=str),
        tids=np.array([k[0] for k in index.keys], dtype=str),
        bounds=np.array([k[1:] for k in index.keys], dtype=np.int64).reshape(-1, 2),
        vocab=np.array(index.vocab, dtype=str),
        data=c.data, indices=c.indices, indptr=c.indptr, shape=np.array(c.shape),
    )  # fmt: skip
    return buffer.getvalue()


def from_bytes(blob: bytes) -> PassageIndex:
    """An index read back from :func:`to_bytes`."""
    import numpy as np
    from scipy.sparse import csr_matrix

    z = np.load(io.BytesIO(blob), allow_pickle=False)
    counts = csr_matrix((z["data"], z["indices"], z["indptr"]), shape=tuple(z["shape"]))
    bounds = z["bounds"].tolist()
    keys = [(str(t), int(b[0]), int(b[1])) for t, b in zip(z["tids"].tolist(), bounds, strict=True)]
    return PassageIndex(z["kinds"].tolist(), keys, z["vocab"].tolist(), counts)


def weighted(index: PassageIndex) -> csr_matrix:
    """Rows as unit-length vectors of sublinear tf times idf (idf counted over sentences)."""
    import numpy as np

    sentences = np.array([k == "sentence" for k in index.kinds], dtype=bool)
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
    w: csr_matrix, index: PassageIndex, positives: Sequence[int], definition: Sequence[str], stop: set[str]
) -> np.ndarray[Any, Any]:
    """The code's vector: mean of the positive rows plus the definition's lemmas, stop words out."""
    import numpy as np

    q = np.zeros(len(index.vocab), dtype=np.float64)
    if positives:
        q += np.asarray(w[list(positives)].mean(axis=0)).ravel()
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
        if not any(_overlap(index.keys[row], index.keys[m.row]) for m in kept):
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
