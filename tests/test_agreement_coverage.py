"""Do the bootstrap intervals cover the true value as often as they claim?

Coders code passages: runs of 3-9 neighbouring sentences. For each passage,
independently, both coders apply the code (probability .15), only A (.05),
only B (.05) or neither (.75), and every sentence of the passage inherits
that decision. Each sentence's 2x2 cell then has those probabilities, so the
population values are known exactly: kappa .6875 and alpha .6875 + a small
sample term (alpha is computed from the population table directly below).

The units of one passage are copies of one decision, so resampling units
counts each decision several times and the interval is too narrow; the
cluster bootstrap over transcripts resamples independent pieces. Over a few
hundred seeded studies of 60 transcripts, the cluster interval must cover
the population value 90-98 % of the time, and the unit interval visibly less.
"""

from __future__ import annotations

import numpy as np
import pytest

from coder.analysis.agreement import binary_tables
from coder.analysis.agreement.bootstrap import binary_ci
from coder.analysis.agreement.clusters import block_clusters, block_length, cluster_cells, cluster_ci

P_BOTH, P_A, P_B = 0.15, 0.05, 0.05
TRANSCRIPTS, PASSAGES = 60, 10
REPLICATIONS, RESAMPLES = 400, 400


def population() -> dict[str, float]:
    """Kappa and alpha of the population 2x2 table (alpha in its large-sample form, pi)."""
    p11, p10, p01 = P_BOTH, P_A, P_B
    p00 = 1 - p11 - p10 - p01
    kappa = 2 * (p11 * p00 - p10 * p01) / ((p11 + p10) * (p10 + p00) + (p11 + p01) * (p01 + p00))
    share = (2 * p11 + p10 + p01) / 2
    alpha = 1 - (p10 + p01) / (2 * share * (1 - share))
    return {"cohen_kappa": kappa, "krippendorff_alpha": alpha}


def study(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, list[int], int]:
    """One study: A's and B's unit indices and each transcript's first unit."""
    lengths = rng.integers(3, 10, size=(TRANSCRIPTS, PASSAGES))
    decision = rng.choice(4, size=(TRANSCRIPTS, PASSAGES), p=[P_BOTH, P_A, P_B, 1 - P_BOTH - P_A - P_B])
    per_unit = np.repeat(decision.ravel(), lengths.ravel())
    offsets = np.concatenate([[0], np.cumsum(lengths.sum(axis=1))[:-1]]).tolist()
    units = np.arange(len(per_unit))
    return (
        units[(per_unit == 0) | (per_unit == 1)],
        units[(per_unit == 0) | (per_unit == 2)],
        offsets,
        len(units),
    )


def coverage(method: str) -> dict[str, float]:
    """Share of seeded studies whose 95 % interval holds the population value."""
    truth = population()
    rng = np.random.default_rng(20261207)
    hits = {m: 0 for m in truth}
    for rep in range(REPLICATIONS):
        a, b, offsets, n_units = study(rng)
        pairs = {"x": (a, b)}
        if method == "unit":
            bounds = binary_ci(binary_tables(pairs, n_units), n_resamples=RESAMPLES, seed=rep)
        else:
            if method == "transcript":
                clusters = block_clusters(offsets, n_units, n_units)
            else:
                clusters = block_clusters(offsets, n_units, block_length(n_units, [a, b]))
            cells = cluster_cells(pairs, clusters)
            bounds, _ = cluster_ci(cells, cells, measures=list(truth), n_resamples=RESAMPLES, seed=rep)
        for m, value in truth.items():
            low, high = bounds[m]
            hits[m] += bool(low[0] <= value <= high[0])
    return {m: h / REPLICATIONS for m, h in hits.items()}


def test_population_values() -> None:
    assert population()["cohen_kappa"] == pytest.approx(0.6875)
    assert population()["krippendorff_alpha"] == pytest.approx(0.6875)


def test_cluster_interval_covers_and_unit_interval_does_not() -> None:
    by_transcript, by_unit = coverage("transcript"), coverage("unit")
    for measure in ("cohen_kappa", "krippendorff_alpha"):
        assert 0.90 <= by_transcript[measure] <= 0.98, (measure, by_transcript)
        assert by_unit[measure] < 0.85, (measure, by_unit)
        assert by_unit[measure] < by_transcript[measure] - 0.08


def test_block_interval_covers_too() -> None:
    """Blocks cut a passage now and then, so their coverage may fall a little short of the clusters'."""
    by_block = coverage("block")
    for measure in ("cohen_kappa", "krippendorff_alpha"):
        assert 0.88 <= by_block[measure] <= 0.98, (measure, by_block)
