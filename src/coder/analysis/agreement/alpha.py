"""Krippendorff's alpha in the coincidence-matrix form of Krippendorff (2011).

One computation serves every level of measurement: build the values x values
coincidence matrix ``o`` (each unit with ``m_u >= 2`` values contributes its
ordered value pairs, weighted ``1 / (m_u - 1)``), then

    alpha = 1 - D_o / D_e = 1 - (n - 1) * sum(o_ck * d_ck) / sum(n_c * n_k * d_ck)

where the metric ``d`` is the only thing the level changes. Units with fewer
than two values are unpairable and drop out, which is how alpha handles
missing data. The matrix is q x q, so memory is independent of the number of
coders and grows only with units x distinct values while counting.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

import numpy as np
import numpy.typing as npt

from .ratings import FloatArray, as_ratings, unit_counts
from .result import NO_VARIATION, Stat, ratio

Level = Literal["nominal", "ordinal", "interval", "ratio"]
Distance = Callable[[float, float], float]

FEW_VALUES = "fewer than 2 pairable values"


def coincidence_matrix(ratings: npt.ArrayLike) -> tuple[FloatArray, FloatArray]:
    """Krippendorff's (2011, eq. 2) coincidence matrix and the values it is indexed by.

    ``o[c, k]`` sums, over units with at least two values, the number of
    ordered c-k pairs of values in the unit divided by ``m_u - 1``.

    >>> o, values = coincidence_matrix([[1, 1], [1, 2]])
    >>> o.tolist(), values.tolist()
    ([[2.0, 1.0], [1.0, 0.0]], [1.0, 2.0])
    """
    counts, values = unit_counts(as_ratings(ratings))
    m = counts.sum(axis=1)
    pairable = m >= 2
    c = counts[pairable].astype(np.float64)
    weighted = c / (m[pairable] - 1)[:, None]
    o: FloatArray = weighted.T @ c - np.diag(weighted.sum(axis=0))
    return o, values


def krippendorff_alpha(ratings: npt.ArrayLike, level: Level | Distance = "nominal") -> Stat:
    """Krippendorff's alpha, Krippendorff (2011) "Computing Krippendorff's alpha-reliability", eq. 1-5.

    ``ratings`` is units x coders with NaN/None for missing. ``level`` picks
    the difference function: nominal (0/1), ordinal (rank distance through
    the coincidence marginals), interval ``(c - k)^2``, ratio
    ``((c - k) / (c + k))^2``, or any callable ``d(c, k)`` used directly.
    The worked example on Wikipedia (3 coders, 15 units, missing data):

    >>> nan = float("nan")
    >>> data = [[nan, 1, nan], [nan, nan, nan], [nan, 2, 2], [nan, 1, 1], [nan, 3, 3],
    ...         [3, 3, 4], [4, 4, 4], [1, 3, nan], [2, nan, 2], [1, nan, 1], [1, nan, 1],
    ...         [3, nan, 3], [3, nan, 3], [nan, nan, nan], [3, nan, 4]]
    >>> round(krippendorff_alpha(data).value, 6)
    0.691358
    >>> round(krippendorff_alpha(data, "interval").value, 6)
    0.810845
    """
    o, values = coincidence_matrix(ratings)
    n_c = o.sum(axis=1)
    n = float(n_c.sum())
    if n < 2:
        return Stat.undefined(FEW_VALUES)
    if np.count_nonzero(n_c) < 2:
        return Stat.undefined(NO_VARIATION)
    d = difference(level, values, n_c)
    observed = float((o * d).sum())
    expected = float((np.outer(n_c, n_c) * d).sum()) / (n - 1)
    result = ratio(observed, expected, NO_VARIATION)
    return result if result.value is None else Stat(1.0 - result.value)


def difference(level: Level | Distance, values: FloatArray, n_c: FloatArray) -> FloatArray:
    """The q x q difference function ``d_ck`` of Krippendorff (2011, section E).

    ``n_c`` are the coincidence marginals, which the ordinal metric needs.
    """
    if callable(level):
        return np.array([[level(float(c), float(k)) for k in values] for c in values], dtype=np.float64)
    c, k = values[:, None], values[None, :]
    if level == "nominal":
        return np.asarray(c != k, dtype=np.float64)
    if level == "interval":
        return np.asarray((c - k) ** 2, dtype=np.float64)
    if level == "ratio":
        total = c + k
        d = np.where(total == 0, 0.0, ((c - k) / np.where(total == 0, 1.0, total)) ** 2)
        return np.asarray(d, dtype=np.float64)
    if level == "ordinal":
        mid = np.cumsum(n_c) - n_c / 2  # ranks: values below, plus half of this one
        return np.asarray((mid[:, None] - mid[None, :]) ** 2, dtype=np.float64)
    raise ValueError(f"unknown level of measurement {level!r}")
