"""The parts of the two-coder report a methods section leans on: intervals, flags, the overall row.

``services.agreement`` gathers the units and each coder's unit sets; this
module turns them into what may be published:

* bootstrap intervals, resampling whole transcripts by default (``by``:
  ``transcript``, ``block`` of neighbouring units, or single ``unit``s), with
  a note of which, and a warning when there are too few transcripts for a
  cluster bootstrap to be trusted;
* per code, an interval withheld (``"ci": null`` with ``ci_reason``) when one
  coder applied the code to fewer than ``min_units`` units or every resample
  gave the same value, and a prevalence flag when so few positive units make
  percent agreement and AC1 uninformative;
* the overall row named for what it is -- pooled (unit, code) decisions --
  with the mean of the per-code values and de Vries et al.'s (2008) pooled
  kappa beside it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from coder.analysis.agreement import binary_ci, pooled_ci
from coder.analysis.agreement.binary import BinaryTables
from coder.analysis.agreement.bootstrap import DEFAULT_MEASURES, Bounds
from coder.analysis.agreement.clusters import (
    block_clusters,
    block_length,
    cluster_cells,
    cluster_ci,
    summaries,
    transcript_clusters,
)

CiBy = Literal["transcript", "block", "unit"]
CI_BY = ("transcript", "block", "unit")
MIN_CLUSTERS = 10
"""Below this many transcripts a cluster bootstrap is unreliable (too few pieces to resample)."""
POOLED_LABEL = "pooled decisions"
UNINFORMATIVE = ("percent_agreement", "gwet_ac1", "brennan_prediger", "negative_agreement", "neither_share")
"""Measures dominated by the units neither coder coded when a code is rare."""

UNIT_SUMMARY_REASON = (
    "the unit bootstrap resamples each code on its own, so the mean and de Vries kappa get no interval"
)

Pairs = Mapping[str, tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]]


@dataclass(frozen=True)
class Intervals:
    """Bootstrap bounds per code and overall, and how they were made (the report's ``bootstrap``)."""

    codes: Bounds
    overall: Bounds
    meta: dict[str, Any]


def bootstrap(
    tables: BinaryTables,
    pairs: Pairs,
    direct_pairs: Pairs,
    offsets: Sequence[int],
    *,
    n_resamples: int,
    seed: int,
    by: CiBy = "transcript",
    min_units: int = 5,
    progress: Callable[[float], None] | None = None,
) -> Intervals:
    """Intervals for the reported codes (``pairs``) and the overall row (``direct_pairs``)."""
    n_units = tables.n_units
    meta: dict[str, Any] = {"by": by, "resamples": n_resamples, "seed": seed, "confidence": 0.95,
                            "min_units": min_units, "clusters": None, "block_length": None, "warning": None}  # fmt: skip
    if by == "unit":
        codes = binary_ci(tables, n_resamples=n_resamples, seed=seed)
        overall = pooled_ci(direct_pairs, n_units, n_resamples=n_resamples, seed=seed) if direct_pairs else {}
        meta["clusters"] = n_units
        meta["warning"] = (
            "single units resampled as if independent: intervals are too narrow when passages span several units"
        )
        if progress is not None:
            progress(1.0)
        return Intervals(codes, overall, meta)
    if by == "block":
        length = block_length(n_units, [u for pair in direct_pairs.values() for u in pair])
        clusters = block_clusters(offsets, n_units, length)
        meta["block_length"] = length
    else:
        clusters = transcript_clusters(offsets, n_units)
    n_clusters = int(clusters.max()) + 1 if n_units else 0
    meta["clusters"] = n_clusters
    if by == "transcript" and n_clusters < MIN_CLUSTERS:
        meta["warning"] = (
            f"only {n_clusters} transcript{'s' if n_clusters != 1 else ''}: a bootstrap over fewer than "
            f"{MIN_CLUSTERS} transcripts is unreliable; read the intervals as rough"
        )
    codes, overall = cluster_ci(
        cluster_cells(pairs, clusters),
        cluster_cells(direct_pairs, clusters),
        measures=DEFAULT_MEASURES,
        n_resamples=n_resamples,
        seed=seed,
        progress=progress,
    )
    return Intervals(codes, overall, meta)


def flag_code(row: dict[str, Any], coders: Sequence[str], min_units: int, with_ci: bool) -> None:
    """Withhold a degenerate interval and flag low prevalence on one report row (in place)."""
    counts = {coders[0]: row["n_a"], coders[1]: row["n_b"]}
    few = {name: n for name, n in counts.items() if n < min_units}
    if few:
        who = ", ".join(f"{name} {n}" for name, n in few.items())
        row["low_prevalence"] = f"fewer than {min_units} units coded by {who}"
        row["uninformative"] = [m for m in UNINFORMATIVE if m in row]
    else:
        row["low_prevalence"] = None
        row["uninformative"] = []
    if not with_ci:
        return
    if few:
        row["ci"], row["ci_reason"] = None, f"fewer than {min_units} units coded by {who}"
    elif row.get("ci") and all(
        iv["low"] is not None and iv["low"] == iv["high"] for iv in row["ci"].values()
    ):
        row["ci"], row["ci_reason"] = (
            None,
            "every resample gave the same value, so the interval shows nothing",
        )
    else:
        row["ci_reason"] = None


def overall_summary(direct: BinaryTables) -> dict[str, Any]:
    """The mean of per-code values and de Vries et al.'s pooled kappa, over the pooled codes."""
    cells = np.stack([direct.n11, direct.n10, direct.n01, direct.n00], axis=1).astype(np.float64)
    values = summaries(cells, DEFAULT_MEASURES)
    per_code = direct.measures()
    mean: dict[str, Any] = {"n_codes": len(direct)}
    for m in ("percent_agreement", "cohen_kappa", "krippendorff_alpha", "gwet_ac1"):
        defined = per_code[m][~np.isnan(per_code[m])]
        mean[m] = float(defined.mean()) if defined.size else None
        mean.setdefault("n_defined", {})[m] = int(defined.size)
    de_vries = float(values["de_vries_kappa"])
    return {"mean_per_code": mean, "de_vries_kappa": None if np.isnan(de_vries) else de_vries}
