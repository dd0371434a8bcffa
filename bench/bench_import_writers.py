"""How long another writer waits while a large `coder import` runs.

A coder applying codes (one transaction each, as the TUI does) runs beside a
whole-process `coder import` of a generated corpus. The import stages its
rows outside the project's write lock and swaps them in with one short
transaction, so the longest wait of a single write should be a fraction of a
second, against the import's own duration — the wait a writer would have if
the import held the lock from start to end (the reference, same run).

    python bench/bench_import_writers.py --words 1000000
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
from corpus import generate

from coder.services.codebook import load_codebook_file
from coder.services.codings import apply_code
from coder.services.project import init_project

ROOT = Path(__file__).resolve().parents[1]
CODEBOOK = "name: b\ncodes:\n  - id: beperkingen\n    name: Beperkingen\n"
ENTRY = "import sys; from coder.cli import main; sys.argv[0] = 'coder'; main()"


def main() -> None:
    """Run the import and the writer side by side; print the longest wait against the import's time."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--words", type=int, default=1_000_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        corpus = generate(Path(tmp) / "corpus", args.words)
        store, _ = init_project(Path(tmp) / "p")
        (Path(tmp) / "cb.yaml").write_text(CODEBOOK, encoding="utf-8")
        load_codebook_file(store, Path(tmp) / "cb.yaml")
        subprocess.run(
            [sys.executable, "-c", ENTRY, "-p", str(store.root), "import", "--lang", "nl", str(corpus[0])],
            check=True,
            env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
            stdout=subprocess.DEVNULL,
        )
        waits: list[float] = []
        began = time.perf_counter()
        importer = subprocess.Popen(
            [
                sys.executable,
                "-c",
                ENTRY,
                "-p",
                str(store.root),
                "import",
                "--lang",
                "nl",
                *map(str, corpus[1:]),
            ],
            env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
            stdout=subprocess.DEVNULL,
        )
        while importer.poll() is None:
            t0 = time.perf_counter()
            apply_code(store, "anna", corpus[0].stem, 0, 5, "beperkingen")
            waits.append(time.perf_counter() - t0)
            time.sleep(0.02)
        took = time.perf_counter() - began
        assert importer.returncode == 0
        assert len(store.codings(coder="anna")) == len(waits)
    waits.sort()
    print(f"corpus: {len(corpus) - 1} transcripts imported, about {args.words:,} words")
    print(f"`coder import` whole process: {took:.1f} s (reference: a writer blocked for the whole import)")
    print(
        f"writer alongside: {len(waits)} codings applied, median {waits[len(waits) // 2] * 1000:.0f} ms, "
        f"longest {waits[-1] * 1000:.0f} ms = {waits[-1] / took:.1%} of the import"
    )


if __name__ == "__main__":
    main()
