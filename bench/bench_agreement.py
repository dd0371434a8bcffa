"""Benchmark: the per-code agreement kernel (no database, no process) on a large sparse corpus.

The whole command is timed by ``bench_agreement_e2e.py``; this one isolates
the counting and measures, given the unit sets.

Two coders, 1,000,000 sentence units, 300 codes; each code is applied to
0.05-2% of the units and the coders agree on about 80% of a code's units.
Times, in the same run:

* ours: ``binary_tables`` + ``code_agreements`` (all binary measures for every
  code, plus the pooled overall row), no bootstrap;
* reference: ``krippendorff.alpha(reliability_data=2 x N, "nominal")`` once per
  code on dense binary data -- every code (``--sample K`` times K and scales);
* the bootstrap (per-code and pooled) per 1,000 resamples;
* peak memory of our path (tracemalloc, separate run so timing is untouched).

Run: ``python bench/bench_agreement.py`` (``--help`` for a smaller corpus).
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import statistics
import time
import tracemalloc
from collections.abc import Callable
from importlib import metadata
from typing import Any

import krippendorff
import numpy as np

from coder.analysis.agreement import binary_ci, binary_tables, code_agreements, pooled_ci

Pairs = dict[str, tuple[np.ndarray, np.ndarray]]


def make_corpus(n_units: int, n_codes: int, seed: int) -> Pairs:
    """Sparse codings: coder B keeps ~80% of A's units and adds as many elsewhere."""
    rng = np.random.default_rng(seed)
    pairs: Pairs = {}
    for i in range(n_codes):
        k = max(1, int(rng.uniform(0.0005, 0.02) * n_units))
        a = np.unique(rng.integers(0, n_units, k))
        kept = a[rng.random(len(a)) < 0.8]
        extra = rng.integers(0, n_units, len(a) - len(kept))
        pairs[f"code{i:03d}"] = (a, np.unique(np.concatenate([kept, extra])))
    return pairs


def report(pairs: Pairs, n_units: int) -> list[Any]:
    """The full per-code report without intervals, plus the overall row."""
    tables = binary_tables(pairs, n_units)
    return code_agreements(tables) + code_agreements(tables.pooled())


def best_of(fn: Callable[[], object], repeat: int) -> tuple[float, list[float]]:
    """Minimum and all wall times of ``repeat`` calls."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times), times


def reference_alpha(pairs: Pairs, n_units: int, sample: list[str]) -> tuple[float, dict[str, float]]:
    """Seconds per code for krippendorff.alpha on dense 2 x N data, and its values."""
    elapsed, values = 0.0, {}
    for code in sample:
        dense = np.zeros((2, n_units))
        dense[0, pairs[code][0]] = 1
        dense[1, pairs[code][1]] = 1
        start = time.perf_counter()
        values[code] = float(krippendorff.alpha(reliability_data=dense, level_of_measurement="nominal"))
        elapsed += time.perf_counter() - start
    return elapsed / len(sample), values


def peak_memory(fn: Callable[[], object]) -> int:
    """Peak bytes allocated by ``fn`` (tracemalloc)."""
    tracemalloc.start()
    fn()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


def main() -> None:
    """Run the benchmark and print the results (markdown-friendly)."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--units", type=int, default=1_000_000)
    parser.add_argument("--codes", type=int, default=300)
    parser.add_argument(
        "--sample", type=int, default=0, help="codes timed with the reference (0: all of them, no scaling)"
    )
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=20240611)
    args = parser.parse_args()

    pairs = make_corpus(args.units, args.codes, args.seed)
    codings = sum(len(a) + len(b) for a, b in pairs.values())
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"numpy {np.__version__}, krippendorff {metadata.version('krippendorff')}"
    )
    print(f"corpus: {args.units:,} units, {args.codes} codes, {codings:,} codings (both coders)")

    ours, times = best_of(lambda: report(pairs, args.units), args.repeat)
    print(
        f"ours: full per-code report, all measures: best {ours * 1000:.1f} ms "
        f"(median {statistics.median(times) * 1000:.1f} ms of {args.repeat})"
    )

    size = args.sample or args.codes
    sample = sorted(pairs)[:: max(1, args.codes // size)][:size]
    per_code, values = reference_alpha(pairs, args.units, sample)
    scaled = per_code * args.codes
    scaling = (
        "" if len(sample) == args.codes else f" (SCALED x{args.codes / len(sample):.0f} from {len(sample)})"
    )
    print(
        f"reference: krippendorff.alpha per code {per_code * 1000:.1f} ms; {args.codes} codes{scaling}: {scaled:.1f} s"
    )
    print(f"ratio: ours is {scaled / ours:.0f}x faster")

    ours_alpha = binary_tables({c: pairs[c] for c in sample}, args.units).measures()["krippendorff_alpha"]
    diff = max(abs(a - values[c]) for a, c in zip(ours_alpha, sample, strict=True))
    print(f"check: max |alpha ours - reference| on the sample = {diff:.2e}")

    peak = peak_memory(lambda: report(pairs, args.units))
    print(
        f"peak memory, our report (tracemalloc): {peak / 2**20:.1f} MiB "
        f"(a dense units x codes 0/1 matrix per coder would be {args.units * args.codes / 2**20:.0f} MiB as bytes)"
    )

    tables = binary_tables(pairs, args.units)
    per_code_ci, _ = best_of(lambda: binary_ci(tables, n_resamples=1000, seed=1), 3)
    print(
        f"bootstrap per code (kappa + alpha, {args.codes} codes): {per_code_ci * 1000:.0f} ms per 1,000 resamples"
    )
    pooled, _ = best_of(lambda: pooled_ci(pairs, args.units, n_resamples=1000, seed=1), 3)
    print(f"bootstrap pooled overall (kappa + alpha): {pooled * 1000:.0f} ms per 1,000 resamples")
    print(
        f"process max RSS (includes the reference's dense arrays): "
        f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB"
    )


if __name__ == "__main__":
    main()
