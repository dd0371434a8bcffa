"""Loading two coders' codings files as whole processes, against the SQLite floor.

A project of 200 generated transcripts x 5,000 words gets two coders' files
of 30,000 codings each (60,000 rows, spans and codes drawn with a fixed seed).
Timed, each as a fresh process:

* ``coder codings import anna.csv --coder anna`` then the same for bram
  (start-up, reading, validating every row, one transaction each);
* the floor: a bare Python process that reads the same CSV with ``csv`` and
  ``executemany``-inserts the rows into the same table of a copy of the
  project, validating nothing.

    python bench/bench_codings.py [--transcripts 200] [--words 5000] [--rows 30000]

Target (issue 12): both files in about 1.2 s (100x the 500 rows/s of qc).
"""

from __future__ import annotations

import argparse
import csv
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
ENTRY = "import sys; from coder.cli import main; sys.argv[0] = 'coder'; main()"
FLOOR = """
import csv, sqlite3, sys, uuid
conn = sqlite3.connect(sys.argv[1])
with open(sys.argv[2], encoding="utf-8", newline="") as fh:
    rows = [(str(uuid.uuid4()), sys.argv[3], r["transcript"], int(r["start"]), int(r["end"]),
             r["code"].rsplit("/", 1)[-1], r["memo"], 0, "2026-01-01") for r in csv.DictReader(fh)]
with conn:
    conn.executemany("insert into codings (guid, coder, transcript_id, start, end, code_id, memo, key_quote, created_at)"
                     " values (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
"""


def build(root: Path, transcripts: int, words: int) -> Path:
    """A project with generated transcripts and the concept codebook (in a child process)."""
    code = f"""
import random, sys
sys.path.insert(0, {str(REPO / "bench")!r})
from pathlib import Path
from corpus import make_transcript, sentence_pool
from coder.services.codebook import load_codebook_file
from coder.services.project import init_project
from coder.services.transcripts import import_transcripts
root = Path({str(root)!r}); files = root / "files"; files.mkdir(parents=True)
rng = random.Random(7); pool = sentence_pool("nl"); paths = []
for i in range({transcripts}):
    p = files / f"T{{i:03d}}.txt"; p.write_text(make_transcript(rng, pool, {words}, i), encoding="utf-8"); paths.append(p)
store, _ = init_project(root / "project")
import_transcripts(store, paths, lang="nl")
load_codebook_file(store, Path({str(REPO / "codebooks" / "concept.yaml")!r}))
"""
    subprocess.run([sys.executable, "-c", code], check=True)
    return root / "project"


def write_rows(project: Path, out: Path, rows: int, seed: int) -> None:
    """``rows`` random codings over the project's transcripts and codes, as CSV."""
    import sqlite3

    conn = sqlite3.connect(project / "coder.db")
    lengths = dict(conn.execute("select id, length(text) from transcripts"))
    codes = [r[0] for r in conn.execute("select id from codes")]
    conn.close()
    rng = random.Random(seed)
    ids = sorted(lengths)
    with out.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["transcript", "start", "end", "code", "memo"])
        for _ in range(rows):
            tid = rng.choice(ids)
            start = rng.randrange(lengths[tid] - 400)
            writer.writerow([tid, start, start + rng.randrange(20, 400), rng.choice(codes), ""])


def timed(argv: list[str]) -> float:
    """Seconds of one process, which must succeed."""
    t0 = time.perf_counter()
    subprocess.run(argv, check=True, capture_output=True)
    return time.perf_counter() - t0


def main() -> None:
    """Build, generate, time coder and the floor; print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--transcripts", type=int, default=200)
    parser.add_argument("--words", type=int, default=5_000)
    parser.add_argument("--rows", type=int, default=30_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        project = build(Path(tmp) / "build", args.transcripts, args.words)
        floor_copy = Path(tmp) / "floor"
        shutil.copytree(project, floor_copy)
        files = {name: Path(tmp) / f"{name}.csv" for name in ("anna", "bram")}
        for seed, (_name, path) in enumerate(files.items()):
            write_rows(project, path, args.rows, seed)
        floor = sum(
            timed([sys.executable, "-c", FLOOR, str(floor_copy / "coder.db"), str(p), name])
            for name, p in files.items()
        )
        ours = sum(
            timed(
                [
                    sys.executable,
                    "-c",
                    ENTRY,
                    "-p",
                    str(project),
                    "codings",
                    "import",
                    str(p),
                    "--coder",
                    name,
                ]
            )
            for name, p in files.items()
        )
    total = 2 * args.rows
    print(f"project: {args.transcripts} transcripts x {args.words:,} words; {total:,} codings in two files")
    print(f"floor (csv + executemany, no checks): {floor:.2f} s ({total / floor:,.0f} rows/s)")
    print(f"coder codings import x2:              {ours:.2f} s ({total / ours:,.0f} rows/s)")
    print(f"ratio coder/floor: {ours / floor:.1f}x the floor's time; target: both files in about 1.2 s")


if __name__ == "__main__":
    main()
