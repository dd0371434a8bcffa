"""Benchmark: what the hostile-input safeguards cost a whole export process.

One synthetic project (``bench_export.build_project``: transcripts with
turns, a 48-code tree, ``--codings`` codings in layer ``final``); one code in
ten gets a memo starting with ``=`` so the formula guard has work to do.
Each row times a whole ``coder export`` process (best of ``--repeat``) and
prints its ratio to the reference measured in the same run: the same export
without the safeguard under test.

* CSV table: ``--no-csv-protect`` (reference) vs the default ``'`` prefix;
* XLSX table: the safeguards are always on, so it is compared with CSV;
* quotes as Markdown: without (reference) and with ``--pseudonymize`` of a
  ten-name map.

Run: ``python bench/bench_hostile.py`` (``--words 100000 --codings 5000`` for
a quick check).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_export import build_project

NAMES = "\n".join(f"{name}: Plaats {i}" for i, name in enumerate(
    ["Zwolle", "Deventer", "Kampen", "Almelo", "Hengelo", "Enschede", "Meppel", "Assen", "Emmen", "Hoorn"]
))  # fmt: skip


def run(root: Path, *args: str) -> None:
    subprocess.run(
        [sys.executable, "-c", "from coder.cli import main; main()", "-p", str(root), *args],
        check=True,
        capture_output=True,
    )


def best_of(root: Path, args: list[str], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        run(root, *args)
        times.append(time.perf_counter() - t0)
    return min(times)


def main() -> None:
    """Build the corpus, time each export with and without its safeguard, print a Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--words", type=int, default=300_000)
    parser.add_argument("--codings", type=int, default=15_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=20240611)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "proj"
        store = build_project(root, args.words, args.codings, args.seed)
        with store.transaction():
            store.db.execute('update codings set memo = \'=HYPERLINK("http://x","y")\' where id % 10 = 0')
        store.close()
        names = Path(tmp) / "names.yaml"
        names.write_text(NAMES + "\n", encoding="utf-8")
        out = Path(tmp)
        cases = [
            ("table CSV, --no-csv-protect", ["export", "table", "-o", str(out / "t.csv"), "--no-csv-protect"], None),
            ("table CSV, formula cells prefixed", ["export", "table", "-o", str(out / "t.csv")], 0),
            ("table XLSX, text never a formula", ["export", "table", "-o", str(out / "t.xlsx")], 0),
            ("quotes Markdown", ["export", "quotes", "-o", str(out / "q.md")], None),
            ("quotes Markdown, --pseudonymize (10 names)", ["export", "quotes", "-o", str(out / "q.md"), "--pseudonymize", str(names)], 3),
        ]  # fmt: skip
        print(
            f"corpus: {args.words:,} words, {args.codings:,} codings; {os.cpu_count()} CPUs; best of {args.repeat}\n"
        )
        print("| export (whole process) | seconds | × reference |\n|---|---:|---:|")
        measured: list[float] = []
        for label, cmd, ref in cases:
            seconds = best_of(root, cmd, args.repeat)
            measured.append(seconds)
            ratio = seconds / measured[ref] if ref is not None else 1.0
            print(f"| {label} | {seconds:.2f} | {ratio:.2f} |")


if __name__ == "__main__":
    main()
