"""The fast path: two coders, many binary codes, sparse unit sets.

This is the tool's main use. For every code each coder either applied it to a
unit (sentence, turn) or not, so one code is a 2x2 table::

                  B applied   B not
    A applied        n11        n10
    A not            n01        n00

Coders apply a code to a small share of the units, so the input per code is
the two sorted arrays of unit indices where each coder applied it, never a
units x codes matrix: counting costs O(codings) time and memory, and
``n00`` follows from the number of units. Every measure then has a closed
form in the four counts and is evaluated for all codes at once with numpy.

Closed forms (a=n11, b=n10, c=n01, d=n00, N=a+b+c+d, n1=2a+b+c, n0=2d+b+c):

* Cohen's kappa ``2(ad - bc) / ((a+b)(b+d) + (a+c)(c+d))``
* Scott's pi ``1 - 2N(b+c) / (n1 n0)``
* Krippendorff's alpha (nominal, two coders, nothing missing)
  ``1 - (2N - 1)(b+c) / (n1 n0)`` -- the coincidence matrix of a 2x2 table
  has ``o_01 = o_10 = b + c``, ``n_1 = n1``, ``n_0 = n0``
* Gwet's AC1 with ``p_e = n1 n0 / (2 N^2)``, Brennan-Prediger ``2 p_o - 1``
* positive (specific) agreement, Dice ``2a / (2a + b + c)``, and negative
  agreement ``2d / (2d + b + c)`` (Cicchetti & Feinstein 1990)

Arrays returned here hold NaN where a measure is undefined; ``report``
turns them into ``Stat(None, reason)`` before anything is shown.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from .ratings import FloatArray, IntArray

MEASURES = (
    "percent_agreement",
    "cohen_kappa",
    "scott_pi",
    "krippendorff_alpha",
    "gwet_ac1",
    "brennan_prediger",
    "positive_agreement",
    "negative_agreement",
    "neither_share",
)
"""The keys of :func:`binary_measures`, in report order."""


@dataclass(frozen=True)
class BinaryTables:
    """Per-code 2x2 tables of two coders' present/absent decisions over ``n_units`` units."""

    codes: tuple[str, ...]
    n11: IntArray
    n10: IntArray
    n01: IntArray
    n00: IntArray
    n_units: int

    @property
    def n_a(self) -> IntArray:
        """Units where coder A applied each code."""
        return self.n11 + self.n10

    @property
    def n_b(self) -> IntArray:
        """Units where coder B applied each code."""
        return self.n11 + self.n01

    def __len__(self) -> int:
        return len(self.codes)

    def pooled(self, code: str = "overall") -> BinaryTables:
        """One table summing every code's table: the pooled (unit, code) decisions."""
        n_decisions = self.n_units * len(self.codes)

        def total(x: IntArray) -> IntArray:
            return np.array([int(x.sum())], dtype=np.int64)

        return BinaryTables(
            (code,), total(self.n11), total(self.n10), total(self.n01), total(self.n00), n_decisions
        )

    def measures(self) -> dict[str, FloatArray]:
        """:func:`binary_measures` of these tables."""
        return binary_measures(self.n11, self.n10, self.n01, self.n00)


def unit_set(indices: npt.ArrayLike, n_units: int) -> IntArray:
    """Validate one coder's unit indices for a code: sorted, unique, within ``[0, n_units)``."""
    arr = np.asarray(indices, dtype=np.int64).ravel()
    if arr.size and (arr[0] < 0 or arr[-1] >= n_units or (np.diff(arr) <= 0).any()):
        arr = np.unique(arr)  # tolerate unsorted or repeated input; bounds checked below
        if arr[0] < 0 or arr[-1] >= n_units:
            raise ValueError(f"unit indices must lie in [0, {n_units}), got {arr[0]}..{arr[-1]}")
    return arr


def intersection(a: IntArray, b: IntArray) -> IntArray:
    """Elements common to two sorted unique arrays, in O(len(a) log len(b))."""
    if len(a) > len(b):
        a, b = b, a
    if len(a) == 0:
        return a
    idx = np.minimum(np.searchsorted(b, a), len(b) - 1)
    common: IntArray = a[b[idx] == a]
    return common


def binary_tables(pairs: Mapping[str, tuple[npt.ArrayLike, npt.ArrayLike]], n_units: int) -> BinaryTables:
    """Count each code's 2x2 table from the unit indices each coder applied it to.

    ``pairs[code] = (units_a, units_b)``: sorted int arrays of unit indices
    (0-based, below ``n_units``). Time and memory are linear in the number of
    codings; the units x codes matrix is never built.

    >>> t = binary_tables({"x": ([0, 1, 2], [1, 2, 3]), "y": ([], [4])}, n_units=10)
    >>> t.n11.tolist(), t.n10.tolist(), t.n01.tolist(), t.n00.tolist()
    ([2, 0], [1, 0], [1, 1], [6, 9])
    """
    if n_units < 0:
        raise ValueError("n_units cannot be negative")
    codes = tuple(pairs)
    n11, n_a, n_b = (np.zeros(len(codes), dtype=np.int64) for _ in range(3))
    for i, code in enumerate(codes):
        a, b = (unit_set(x, n_units) for x in pairs[code])
        n11[i], n_a[i], n_b[i] = len(intersection(a, b)), len(a), len(b)
    n10, n01 = n_a - n11, n_b - n11
    return BinaryTables(codes, n11, n10, n01, n_units - n11 - n10 - n01, n_units)


def binary_measures(
    n11: npt.ArrayLike, n10: npt.ArrayLike, n01: npt.ArrayLike, n00: npt.ArrayLike
) -> dict[str, FloatArray]:
    """Every binary measure for every code at once, from the 2x2 counts.

    Returns arrays keyed by :data:`MEASURES`; NaN marks an undefined value
    (no units; no variation for kappa, pi and alpha; neither coder applied
    the code for positive agreement). Krippendorff (1995, p. 57) digitized
    pair A (24 steps; kappa .385, pi .314, alpha .329):

    >>> m = binary_measures(6, 8, 0, 10)
    >>> [round(float(m[k][0]), 3) for k in ("cohen_kappa", "scott_pi", "krippendorff_alpha")]
    [0.385, 0.314, 0.329]
    """
    a, b, c, d = (np.atleast_1d(np.asarray(x, dtype=np.float64)) for x in (n11, n10, n01, n00))
    n = a + b + c + d
    n1, n0 = 2 * a + b + c, 2 * d + b + c
    p_o = _div(a + d, n)
    p_e_ac1 = _div(n1 * n0, 2 * n * n)
    return {
        "percent_agreement": p_o,
        "cohen_kappa": _div(2 * (a * d - b * c), (a + b) * (b + d) + (a + c) * (c + d)),
        "scott_pi": 1 - _div(2 * n * (b + c), n1 * n0),
        "krippendorff_alpha": 1 - _div((2 * n - 1) * (b + c), n1 * n0),
        "gwet_ac1": _div(p_o - p_e_ac1, 1 - p_e_ac1),
        "brennan_prediger": 2 * p_o - 1,
        "positive_agreement": _div(2 * a, n1),
        "negative_agreement": _div(2 * d, n0),
        "neither_share": _div(d, n),
    }


def _div(num: FloatArray, den: FloatArray) -> FloatArray:
    """Elementwise ``num / den`` with NaN (undefined) where ``den`` is 0."""
    out = np.full(np.broadcast(num, den).shape, np.nan)
    np.divide(num, den, out=out, where=den != 0)
    return out
