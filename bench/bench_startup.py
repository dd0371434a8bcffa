"""Start-up of everyday commands, as whole processes, against ``python -c pass``.

Each command runs as a user's shell runs it (a fresh interpreter through the
``coder`` entry point); wall time is the median of ``--runs`` runs and peak
memory the child's own maximum RSS (``os.wait4``). The reference, an empty
interpreter, is measured in the same run, so the ratio holds on a busy machine.

    python bench/bench_startup.py [--project DIR] [--runs 15]

Targets (issue 12): <= 10x the reference and <= 50 MiB peak.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ENTRY = "import sys; from coder.cli import main; sys.argv[0] = 'coder'; main()"


def timed(argv: list[str], cwd: Path) -> tuple[float, float]:
    """(seconds, peak MiB) of one process."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(argv, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _pid, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - t0
    if status:
        raise SystemExit(f"{argv} failed with status {status}")
    return seconds, usage.ru_maxrss / 1024


def measure(argv: list[str], cwd: Path, runs: int) -> tuple[float, float]:
    """Median seconds and largest peak MiB over ``runs`` runs (after one warm-up)."""
    timed(argv, cwd)
    results = [timed(argv, cwd) for _ in range(runs)]
    return statistics.median(r[0] for r in results), max(r[1] for r in results)


def main() -> None:
    """Time the reference and each command; print a markdown table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--project", type=Path, help="Project folder (default: a fresh empty project).")
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        project = args.project or Path(tmp) / "p"
        if args.project is None:
            subprocess.run(
                [sys.executable, "-c", ENTRY, "init", str(project)], check=True, capture_output=True
            )
        ref_s, ref_mb = measure([sys.executable, "-c", "pass"], project, args.runs)
        print(f"reference `python -c pass`: {ref_s * 1000:.0f} ms, {ref_mb:.0f} MiB peak")
        print("| command | median | peak | ratio to `python -c pass` |")
        print("|---|---|---|---|")
        commands = (
            ["--help"],
            ["transcripts", "--json"],
            ["codebook", "show"],
            ["config"],
            ["survey", "list", "--json"],
        )
        for command in commands:
            secs, mb = measure([sys.executable, "-c", ENTRY, *command], project, args.runs)
            print(
                f"| `coder {' '.join(command)}` | {secs * 1000:.0f} ms | {mb:.0f} MiB | {secs / ref_s:.1f}x |"
            )


if __name__ == "__main__":
    main()
