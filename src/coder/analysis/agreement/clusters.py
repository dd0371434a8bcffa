"""Bootstrap intervals that resample whole transcripts (or blocks of neighbouring units).

A coded passage usually spans several neighbouring sentences, so the units
of one transcript are not independent: resampling single units treats six
sentences of one passage as six pieces of evidence and gives intervals far
too narrow (in a simulation with passages of about six sentences, a "95 %"
unit interval covered the true kappa about half of the time). The cluster
bootstrap resamples the independent pieces instead -- whole transcripts, or
blocks of neighbouring units that never cross a transcript boundary -- and
every unit comes along with its cluster.

Per cluster and code the four cells of the 2x2 table are counted once
(``cluster_cells``). A resample is a vector of cluster weights
``w ~ Multinomial(C, 1/C)``; every code's resampled table is then ``w @
cells``, one matrix product for all codes, so the same resample serves every
code, the pooled table, the mean of per-code values and de Vries et al.'s
pooled kappa. Cost: resamples x clusters x codes multiply-adds, never units.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence

import numpy as np
import numpy.typing as npt

from .binary import binary_measures, intersection, unit_set
from .bootstrap import Bounds, Seed, _check_resamples, _percentiles
from .ratings import FloatArray, IntArray

SUMMARY_MEASURES = ("mean_cohen_kappa", "mean_krippendorff_alpha", "de_vries_kappa")
"""The overall summaries besides the pooled-decisions table that get intervals too."""

_MAX_CELLS = 4_000_000  # resamples x codes x 4 held at once


def transcript_clusters(offsets: Sequence[int], n_units: int) -> IntArray:
    """The cluster (transcript index) of every unit, from each transcript's first unit.

    >>> transcript_clusters([0, 3], 5).tolist()
    [0, 0, 0, 1, 1]
    """
    sizes = np.diff(np.append(np.asarray(offsets, dtype=np.int64), n_units))
    return np.repeat(np.arange(len(sizes), dtype=np.int64), sizes)


def block_length(n_units: int, unit_sets: Sequence[npt.ArrayLike]) -> int:
    """Units per block: the larger of the cube root of the units and twice the mean passage.

    The cube-root rule is the usual order for block bootstraps (Hall,
    Horowitz & Jing 1995); a passage is a run of neighbouring units one coder
    gave one code, and twice its mean length keeps most passages inside one
    block, which is what the clustering is about.

    >>> block_length(1000, [[1, 2, 3, 4, 5, 6, 20, 21, 22, 23, 24, 25]])
    12
    """
    units = runs = 0
    for unit_set_ in unit_sets:
        arr = np.asarray(unit_set_, dtype=np.int64)
        if arr.size:
            units += int(arr.size)
            runs += 1 + int((np.diff(arr) != 1).sum())
    passage = units / runs if runs else 1.0
    return int(max(1, math.ceil(n_units ** (1 / 3)), math.ceil(2 * passage)))


def block_clusters(offsets: Sequence[int], n_units: int, length: int) -> IntArray:
    """Blocks of ``length`` neighbouring units, numbered across transcripts, never crossing one.

    >>> block_clusters([0, 5], 8, 2).tolist()
    [0, 0, 1, 1, 2, 3, 3, 4]
    """
    transcripts = transcript_clusters(offsets, n_units)
    local = np.arange(n_units, dtype=np.int64) - np.asarray(offsets, dtype=np.int64)[transcripts]
    keys = transcripts * (n_units + 1) + local // length
    return np.unique(keys, return_inverse=True)[1].astype(np.int64)


def cluster_cells(pairs: Mapping[str, tuple[npt.ArrayLike, npt.ArrayLike]], clusters: IntArray) -> IntArray:
    """Per cluster and code the 2x2 cells ``(n11, n10, n01, n00)``: shape (clusters, codes, 4)."""
    n_units = len(clusters)
    n_clusters = int(clusters.max()) + 1 if n_units else 0
    sizes = np.bincount(clusters, minlength=n_clusters)
    cells = np.zeros((n_clusters, len(pairs), 4), dtype=np.int64)
    for k, (units_a, units_b) in enumerate(pairs.values()):
        a, b = unit_set(units_a, n_units), unit_set(units_b, n_units)
        both = np.bincount(clusters[intersection(a, b)], minlength=n_clusters)
        only_a = np.bincount(clusters[a], minlength=n_clusters) - both
        only_b = np.bincount(clusters[b], minlength=n_clusters) - both
        cells[:, k] = np.stack([both, only_a, only_b, sizes - both - only_a - only_b], axis=1)
    return cells


def cluster_ci(
    code_cells: IntArray,
    pooled_cells: IntArray,
    *,
    measures: Sequence[str],
    n_resamples: int = 1000,
    confidence: float = 0.95,
    seed: Seed = 0,
    progress: Callable[[float], None] | None = None,
) -> tuple[Bounds, Bounds]:
    """Percentile intervals per code and for the overall summaries, resampling clusters.

    ``code_cells`` are the reported codes' cells, ``pooled_cells`` those of
    the codes pooled in the overall row (both from :func:`cluster_cells` on
    the same clusters). Returns per-code bounds (arrays over codes) and
    overall bounds (length-1 arrays) for ``measures`` of the pooled table
    and :data:`SUMMARY_MEASURES`. ``progress`` receives the share done.
    """
    _check_resamples(n_resamples)
    rng = np.random.default_rng(seed)
    n_clusters, n_codes = code_cells.shape[0], code_cells.shape[1]
    per_code = {m: np.full((n_resamples, n_codes), np.nan) for m in measures}
    overall = {m: np.full(n_resamples, np.nan) for m in (*measures, *SUMMARY_MEASURES)}
    if n_clusters == 0:
        return _bounds(per_code, confidence), _bounds({m: v[:, None] for m, v in overall.items()}, confidence)
    flat = code_cells.reshape(n_clusters, -1).astype(np.float64)
    flat_pooled = pooled_cells.reshape(n_clusters, -1).astype(np.float64)
    chunk = max(1, _MAX_CELLS // (4 * max(n_codes, pooled_cells.shape[1], 1)))
    for start in range(0, n_resamples, chunk):
        stop = min(n_resamples, start + chunk)
        weights = rng.multinomial(n_clusters, np.full(n_clusters, 1 / n_clusters), size=stop - start)
        tables = (weights @ flat).reshape(stop - start, n_codes, 4)
        values = binary_measures(*(tables[..., i] for i in range(4)))
        for m in measures:
            per_code[m][start:stop] = values[m].reshape(stop - start, n_codes)
        direct = (weights @ flat_pooled).reshape(stop - start, -1, 4)
        for m, v in summaries(direct, measures).items():
            overall[m][start:stop] = v
        if progress is not None:
            progress(stop / n_resamples)
    return _bounds(per_code, confidence), _bounds({m: v[:, None] for m, v in overall.items()}, confidence)


def summaries(tables: FloatArray, measures: Sequence[str]) -> dict[str, FloatArray]:
    """Over codes (axis -2 of ``tables``, cells on the last axis): pooled table, means, de Vries.

    * pooled decisions: ``measures`` of the sum of the codes' tables;
    * the mean of per-code kappa and of alpha over the codes where each is defined;
    * de Vries et al. (2008) pooled kappa ``(mean p_o - mean p_e) / (1 - mean p_e)``
      with each code's Cohen ``p_e``.
    """
    pooled = tables.sum(axis=-2)
    out = {m: v for m, v in binary_measures(*(pooled[..., i] for i in range(4))).items() if m in measures}
    per = binary_measures(*(tables[..., i] for i in range(4)))
    out["mean_cohen_kappa"] = _nanmean(per["cohen_kappa"])
    out["mean_krippendorff_alpha"] = _nanmean(per["krippendorff_alpha"])
    out["de_vries_kappa"] = de_vries_kappa(tables)
    return out


def de_vries_kappa(tables: npt.ArrayLike) -> FloatArray:
    """De Vries, Elliott, Kanouse & Teleki's (2008) pooled kappa over codes (axis -2).

    Observed and chance agreement are averaged over the codes first, then
    combined: ``(mean p_o - mean p_e) / (1 - mean p_e)``. Codes without units
    are left out. Two codes, one in full agreement (p_o 1, p_e .82) and one
    where the coders never meet (p_o .9, p_e .905): (.95 - .8625) / .1375:

    >>> round(float(de_vries_kappa([[10, 0, 0, 90], [0, 5, 5, 90]])), 4)
    0.6364
    """
    t = np.asarray(tables, dtype=np.float64)
    a, b, c, d = (t[..., i] for i in range(4))
    n = a + b + c + d
    with np.errstate(invalid="ignore", divide="ignore"):
        p_o = (a + d) / n
        p_e = ((a + b) * (a + c) + (c + d) * (b + d)) / (n * n)
        mean_o, mean_e = _nanmean(p_o), _nanmean(p_e)
        result: FloatArray = np.where(mean_e < 1, (mean_o - mean_e) / (1 - mean_e), np.nan)
    return result


def _nanmean(values: FloatArray) -> FloatArray:
    """Mean over the last axis ignoring NaN; NaN where every value is NaN."""
    defined = ~np.isnan(values)
    count = defined.sum(axis=-1)
    total = np.where(defined, values, 0.0).sum(axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean: FloatArray = np.where(count > 0, total / np.maximum(count, 1), np.nan)
    return mean


def _bounds(values: Mapping[str, FloatArray], confidence: float) -> Bounds:
    return {m: _percentiles(v, confidence) for m, v in values.items()}
