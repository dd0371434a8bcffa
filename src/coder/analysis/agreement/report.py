"""Per-code agreement records: numbers, reasons, intervals and labels together.

The vectorised binary path yields arrays with NaN for undefined values. A
researcher-facing report must instead say *why* a number is missing, so this
module turns each code's row into a :class:`CodeAgreement` of ``Stat`` values
with reasons derived from the 2x2 counts, attaches bootstrap intervals when
given, and renders the dictionary the ``agreement --json`` contract asks for
(``null`` for undefined values, never NaN).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .binary import MEASURES, BinaryTables
from .bootstrap import Bounds, to_interval
from .labels import Lang, krippendorff_label, landis_koch_label
from .result import NO_UNITS, NO_VARIATION, NOT_APPLIED, Interval, Stat

_KAPPA_LIKE = ("cohen_kappa", "scott_pi", "krippendorff_alpha")


@dataclass(frozen=True)
class CodeAgreement:
    """Two coders' agreement on one code (or on the pooled table of all codes)."""

    code: str
    n_units: int
    n_a: int
    n_b: int
    n_both: int
    stats: Mapping[str, Stat]
    intervals: Mapping[str, Interval] = field(default_factory=dict)

    @property
    def n_neither(self) -> int:
        """Units where neither coder applied the code."""
        return self.n_units - self.n_a - self.n_b + self.n_both

    def as_dict(self, lang: Lang = "en") -> dict[str, Any]:
        """A JSON-ready dict: counts, each measure's value (``None`` if undefined), reasons, labels."""
        out: dict[str, Any] = {
            "code": self.code,
            "n_units": self.n_units,
            "n_a": self.n_a,
            "n_b": self.n_b,
            "n_both": self.n_both,
            "n_neither": self.n_neither,
        }
        out.update({name: stat.value for name, stat in self.stats.items()})
        out["undefined"] = {name: s.reason for name, s in self.stats.items() if s.reason is not None}
        out["interpretation"] = {
            "cohen_kappa": landis_koch_label(self.stats["cohen_kappa"], lang),
            "krippendorff_alpha": krippendorff_label(self.stats["krippendorff_alpha"], lang),
        }
        if self.intervals:
            out["ci"] = {
                name: {"low": iv.low, "high": iv.high, "confidence": iv.confidence}
                for name, iv in self.intervals.items()
            }
        return out


def code_agreements(
    tables: BinaryTables, intervals: Bounds | None = None, *, confidence: float = 0.95
) -> list[CodeAgreement]:
    """One :class:`CodeAgreement` per code in ``tables``, in the same order.

    ``intervals`` is the output of ``binary_ci`` (or ``pooled_ci`` for
    ``tables.pooled()``), computed at level ``confidence``. For the report's
    "overall" row call this on ``tables.pooled()``.

    >>> from coder.analysis.agreement import binary_tables
    >>> row = code_agreements(binary_tables({"x": ([0, 1], [1])}, n_units=4))[0]
    >>> row.n_a, row.n_b, row.n_both, row.stats["percent_agreement"].value
    (2, 1, 1, 0.75)
    """
    values = tables.measures()
    rows = []
    for i, code in enumerate(tables.codes):
        cells = (int(tables.n11[i]), int(tables.n10[i]), int(tables.n01[i]), int(tables.n00[i]))
        stats = {m: _stat(m, float(values[m][i]), cells) for m in MEASURES}
        bounds: dict[str, Interval] = {}
        for m, (low, high) in (intervals or {}).items():
            bounds[m] = to_interval(float(low[i]), float(high[i]), confidence)
        rows.append(
            CodeAgreement(code, sum(cells), cells[0] + cells[1], cells[0] + cells[2], cells[0], stats, bounds)
        )
    return rows


def _stat(measure: str, value: float, cells: tuple[int, int, int, int]) -> Stat:
    """A Stat for one measure of one code, with the reason read off the counts when undefined."""
    if not np.isnan(value):
        return Stat(value)
    n11, n10, n01, n00 = cells
    if n11 + n10 + n01 + n00 == 0:
        return Stat.undefined(NO_UNITS)
    if measure == "positive_agreement":
        return Stat.undefined(NOT_APPLIED)
    if measure == "negative_agreement":
        return Stat.undefined("both coders applied the code to every unit")
    if measure in _KAPPA_LIKE:
        return Stat.undefined(NO_VARIATION)
    return Stat.undefined("undefined")
