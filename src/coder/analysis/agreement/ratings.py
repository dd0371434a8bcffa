"""Reliability data in one shape: a units x coders float array, NaN for missing.

Why floats with NaN rather than an object array with ``None``: every measure
then runs on plain numpy, interval/ratio values keep their magnitude, and the
``krippendorff`` package (our reference in tests) uses the same convention.
Callers may still pass lists with ``None`` (it becomes NaN) or text labels
("Yes"/"No"): labels are encoded to codes 0..q-1 in sorted order, which is
right for nominal measures; ordered levels need numbers.

The helpers at the bottom build that array from the two other layouts in the
literature: a two-coder contingency table and a subjects x categories count
table (Fleiss' layout, where rater identities are unknown).
"""

from __future__ import annotations

import contextlib
from collections.abc import Hashable, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


def as_ratings(data: npt.ArrayLike) -> FloatArray:
    """Return ``data`` as a units x coders float array with NaN for missing.

    Numbers (and ``None``/NaN for missing) are kept as they are; text labels
    are encoded with :func:`encode_labels`.

    >>> as_ratings([[1, None], [2, 2]]).tolist()
    [[1.0, nan], [2.0, 2.0]]
    >>> as_ratings([["yes", "no"], ["no", None]]).tolist()
    [[1.0, 0.0], [0.0, nan]]
    """
    raw = np.asarray(data, dtype=object) if not isinstance(data, np.ndarray) else data
    try:
        arr = np.array(raw, dtype=np.float64)
    except (TypeError, ValueError):
        arr = encode_labels(raw)[0]
    if arr.ndim != 2:
        raise ValueError(f"ratings must be a 2-D units x coders array, got shape {arr.shape}")
    return arr


def encode_labels(data: npt.ArrayLike) -> tuple[FloatArray, tuple[Hashable, ...]]:
    """Encode arbitrary labels as float codes 0..q-1; ``None``/NaN stay missing.

    Returns the codes and the labels in code order (sorted when the labels
    can be sorted, else in order of first appearance).

    >>> codes, labels = encode_labels([["b", "a"], [None, "b"]])
    >>> codes.tolist(), labels
    ([[1.0, 0.0], [nan, 1.0]], ('a', 'b'))
    """
    raw = np.asarray(data, dtype=object)
    flat = raw.ravel()
    present = [v for v in flat if not _is_missing(v)]
    labels: list[Any] = list(dict.fromkeys(present))
    with contextlib.suppress(TypeError):  # mixed, unorderable labels keep order of first appearance
        labels.sort()
    index = {label: float(i) for i, label in enumerate(labels)}
    codes = np.array([np.nan if _is_missing(v) else index[v] for v in flat], dtype=np.float64)
    return codes.reshape(raw.shape), tuple(labels)


def _is_missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and np.isnan(value))


def from_contingency_table(counts: npt.ArrayLike) -> FloatArray:
    """Expand a two-coder table (rows coder 1, columns coder 2) into units x 2 codes.

    Cell ``counts[i][j]`` becomes that many units rated ``i`` by coder 1 and
    ``j`` by coder 2. Categories are the row/column indices 0..q-1, so pass
    ``q=len(table)`` to measures that count categories (S, AC1).

    >>> from_contingency_table([[2, 1], [0, 1]]).tolist()
    [[0.0, 0.0], [0.0, 0.0], [0.0, 1.0], [1.0, 1.0]]
    """
    table = np.asarray(counts, dtype=np.int64)
    if table.ndim != 2 or table.shape[0] != table.shape[1]:
        raise ValueError(f"a contingency table must be square, got shape {table.shape}")
    if (table < 0).any():
        raise ValueError("a contingency table holds counts, found a negative cell")
    rows, cols = np.indices(table.shape)
    reps = table.ravel()
    pairs = np.stack([np.repeat(rows.ravel(), reps), np.repeat(cols.ravel(), reps)], axis=1)
    return pairs.astype(np.float64)


def from_category_counts(counts: npt.ArrayLike) -> FloatArray:
    """Expand subjects x categories counts into a units x raters array.

    ``counts[s][k]`` raters put subject ``s`` in category ``k``. Raters are
    anonymous in this layout, so the columns are arbitrary: use only the
    rater-exchangeable measures (Fleiss, AC1, Brennan-Prediger, alpha,
    percent agreement). Subjects with fewer ratings are padded with NaN.

    >>> from_category_counts([[2, 0], [1, 2]]).tolist()
    [[0.0, 0.0, nan], [0.0, 1.0, 1.0]]
    """
    table = np.asarray(counts, dtype=np.int64)
    if table.ndim != 2 or (table < 0).any():
        raise ValueError("category counts must be a 2-D table of non-negative counts")
    width = int(table.sum(axis=1).max(initial=0))
    out = np.full((table.shape[0], width), np.nan)
    for s, row in enumerate(table):
        codes = np.repeat(np.arange(len(row)), row)
        out[s, : len(codes)] = codes
    return out


def category_values(ratings: FloatArray) -> FloatArray:
    """The distinct non-missing values, sorted."""
    return np.unique(ratings[~np.isnan(ratings)])


def codes_of(values: FloatArray, x: FloatArray) -> IntArray:
    """Indices of ``x`` in the sorted ``values``; every element must be one of them."""
    codes = np.searchsorted(values, x).astype(np.int64)
    if (codes >= len(values)).any() or not np.array_equal(values[codes], x):
        raise ValueError("ratings hold values outside the given categories")
    return codes


def unit_counts(ratings: FloatArray, values: FloatArray | None = None) -> tuple[IntArray, FloatArray]:
    """Count, per unit, how many coders chose each value.

    Returns ``(counts, values)`` with ``counts[u, k]`` the number of coders who
    gave unit ``u`` the value ``values[k]``. Units nobody rated are dropped.
    """
    values = category_values(ratings) if values is None else np.sort(values)
    seen = ~np.isnan(ratings)
    codes = codes_of(values, ratings[seen])
    unit = np.nonzero(seen)[0]
    q = len(values)
    flat = np.bincount(unit * q + codes, minlength=ratings.shape[0] * q)
    counts = flat.reshape(ratings.shape[0], q).astype(np.int64)
    return counts[counts.sum(axis=1) > 0], values


def paired(ratings: FloatArray) -> FloatArray:
    """The units both of two coders rated (listwise deletion), as units x 2."""
    if ratings.shape[1] != 2:
        raise ValueError(f"this measure compares exactly 2 coders, got {ratings.shape[1]}")
    return ratings[~np.isnan(ratings).any(axis=1)]


def cross_table(
    ratings: FloatArray, categories: Sequence[float] | None = None
) -> tuple[IntArray, FloatArray]:
    """Two coders' contingency table over the units both rated.

    Returns ``(table, values)``: ``table[i, j]`` counts units coder 1 rated
    ``values[i]`` and coder 2 rated ``values[j]``.
    """
    both = paired(ratings)
    values = (
        category_values(both) if categories is None else np.sort(np.asarray(categories, dtype=np.float64))
    )
    q = len(values)
    rows = codes_of(values, both[:, 0])
    cols = codes_of(values, both[:, 1])
    table = np.bincount(rows * q + cols, minlength=q * q).reshape(q, q).astype(np.int64)
    return table, values
