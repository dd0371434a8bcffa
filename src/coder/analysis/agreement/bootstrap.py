"""Percentile bootstrap confidence intervals, resampling units.

Resampling N units with replacement gives every unit a multinomial weight
``w ~ Multinomial(N, 1/N, ..., 1/N)``, and a code's resampled table is the
sum of those weights over its four cells (A and B, A only, B only, neither).
A sum of multinomial counts over disjoint groups of units is itself
multinomial with the groups' shares as probabilities, so each code's
resampled 2x2 table can be drawn directly as ``Multinomial(N, table / N)``.
That is the same bootstrap distribution as drawing N unit weights, exactly,
at the cost of four numbers per code instead of N -- which is what makes a
million-unit bootstrap cheap.

The pooled ("overall") table needs the codes resampled together, because
one unit counts once in every code's table. Units are grouped by their
profile (how many codes both, only A, only B applied to them); units with the
same profile are exchangeable, so drawing one multinomial weight per profile
group is again exact.

Resamples in which a measure is undefined (say, a rare code that no
resampled unit carries) are left out of that measure's percentiles; when all
are undefined the interval is undefined. Everything is driven by one seeded
``numpy.random.Generator``, so the same seed gives the same intervals.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Mapping, Sequence

import numpy as np
import numpy.typing as npt

from .binary import BinaryTables, binary_measures, intersection, unit_set
from .ratings import FloatArray, IntArray, as_ratings
from .result import NO_DEFINED_RESAMPLES, Interval, Stat

DEFAULT_MEASURES = ("cohen_kappa", "krippendorff_alpha")
Seed = int | np.random.Generator
Bounds = dict[str, tuple[FloatArray, FloatArray]]

_MAX_DRAWS = 4_000_000  # cells drawn per block; bounds memory for many codes x resamples


def binary_ci(
    tables: BinaryTables,
    *,
    measures: Sequence[str] = DEFAULT_MEASURES,
    n_resamples: int = 1000,
    confidence: float = 0.95,
    seed: Seed = 0,
) -> Bounds:
    """Per-code percentile intervals for binary measures, resampling units.

    Returns ``{measure: (low, high)}``, arrays over ``tables.codes`` with NaN
    where the interval is undefined. Cost grows with codes x resamples, not
    with units. The same seed gives the same intervals:

    >>> from coder.analysis.agreement import binary_tables
    >>> t = binary_tables({"x": (range(0, 40), range(5, 45))}, n_units=200)
    >>> low, high = binary_ci(t, seed=1)["cohen_kappa"]
    >>> bool(low[0] < t.measures()["cohen_kappa"][0] < high[0])
    True
    >>> bool((binary_ci(t, seed=1)["cohen_kappa"][0] == low).all())
    True
    """
    _check_resamples(n_resamples)
    rng = np.random.default_rng(seed)
    cells = np.stack([tables.n11, tables.n10, tables.n01, tables.n00], axis=1)
    k = len(tables)
    low = {m: np.full(k, np.nan) for m in measures}
    high = {m: np.full(k, np.nan) for m in measures}
    if tables.n_units == 0 or k == 0:
        return {m: (low[m], high[m]) for m in measures}
    block = max(1, _MAX_DRAWS // (4 * n_resamples))
    for start in range(0, k, block):
        part = cells[start : start + block]
        draws = rng.multinomial(tables.n_units, part / tables.n_units, size=(n_resamples, len(part)))
        values = binary_measures(draws[..., 0], draws[..., 1], draws[..., 2], draws[..., 3])
        for m in measures:
            low[m][start : start + len(part)], high[m][start : start + len(part)] = _percentiles(
                values[m], confidence
            )
    return {m: (low[m], high[m]) for m in measures}


def pooled_ci(
    pairs: Mapping[str, tuple[npt.ArrayLike, npt.ArrayLike]],
    n_units: int,
    *,
    measures: Sequence[str] = DEFAULT_MEASURES,
    n_resamples: int = 1000,
    confidence: float = 0.95,
    seed: Seed = 0,
) -> Bounds:
    """Percentile intervals for the pooled table of all codes in ``pairs``.

    Resamples units (each unit carrying its decisions for every code), so it
    matches ``binary_tables(pairs, n_units).pooled()``. Returns length-1
    arrays in the same shape as :func:`binary_ci`.
    """
    _check_resamples(n_resamples)
    rng = np.random.default_rng(seed)
    profiles, sizes = unit_profiles(pairs, n_units)
    if n_units == 0:
        nan = np.full(1, np.nan)
        return {m: (nan.copy(), nan.copy()) for m in measures}
    weights = rng.multinomial(n_units, sizes / n_units, size=n_resamples)
    tables = weights @ profiles  # resamples x 4 pooled cells
    values = binary_measures(tables[:, 0], tables[:, 1], tables[:, 2], tables[:, 3])
    result: Bounds = {}
    for m in measures:
        lo, hi = _percentiles(values[m][:, None], confidence)
        result[m] = (lo, hi)
    return result


def unit_profiles(
    pairs: Mapping[str, tuple[npt.ArrayLike, npt.ArrayLike]], n_units: int
) -> tuple[IntArray, IntArray]:
    """Group units by (codes both applied, only A, only B, neither).

    Returns the distinct profiles (G x 4) and how many units share each (G).
    Memory is O(n_units + codings): three small counters per unit.
    """
    both, only_a, only_b = (np.zeros(n_units, dtype=np.int64) for _ in range(3))
    for units_a, units_b in pairs.values():
        a, b = unit_set(units_a, n_units), unit_set(units_b, n_units)
        common = intersection(a, b)
        only_a[a] += 1  # indices are unique within a code, so += counts each once
        only_b[b] += 1
        both[common] += 1
    only_a -= both
    only_b -= both
    base = len(pairs) + 1
    keys, sizes = np.unique((both * base + only_a) * base + only_b, return_counts=True)
    profile = np.stack([keys // (base * base), (keys // base) % base, keys % base], axis=1)
    neither = len(pairs) - profile.sum(axis=1)
    return np.column_stack([profile, neither]).astype(np.int64), sizes.astype(np.int64)


def bootstrap_ci(
    statistic: Callable[[FloatArray], Stat],
    ratings: npt.ArrayLike,
    *,
    n_resamples: int = 1000,
    confidence: float = 0.95,
    seed: Seed = 0,
) -> Interval:
    """Percentile interval of any measure over the general units x coders data.

    ``statistic`` is one of the measure functions (or a lambda fixing its
    options); units (rows) are drawn with replacement. Slow but general:
    for the binary per-code case use :func:`binary_ci`.
    """
    _check_resamples(n_resamples)
    data = as_ratings(ratings)
    rng = np.random.default_rng(seed)
    values = np.full(n_resamples, np.nan)
    for i in range(n_resamples):
        stat = statistic(data[rng.integers(0, len(data), size=len(data))])
        if stat.value is not None:
            values[i] = stat.value
    lo, hi = _percentiles(values[:, None], confidence)
    return to_interval(float(lo[0]), float(hi[0]), confidence)


def to_interval(low: float, high: float, confidence: float) -> Interval:
    """An :class:`Interval`, undefined when the bounds are NaN."""
    if np.isnan(low) or np.isnan(high):
        return Interval(None, None, confidence, NO_DEFINED_RESAMPLES)
    return Interval(float(low), float(high), confidence)


def _check_resamples(n_resamples: int) -> None:
    if n_resamples < 1:
        raise ValueError(f"n_resamples must be at least 1, got {n_resamples}")


def _percentiles(values: FloatArray, confidence: float) -> tuple[FloatArray, FloatArray]:
    """Column-wise percentile bounds over resamples (rows), ignoring NaN."""
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must lie between 0 and 1, got {confidence}")
    tail = (1 - confidence) / 2
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN columns: undefined interval
        bounds = np.nanquantile(values, [tail, 1 - tail], axis=0)
    return bounds[0], bounds[1]
