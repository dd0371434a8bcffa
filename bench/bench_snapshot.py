"""Benchmark: `coder snapshot` and its load (`coder init --from`) against `sqlite3 .dump` and its load.

The project is ``bench_export.build_project``: about 1,000,000 words in
transcripts of 10,000 words (speaker turns stored, no sentences: the build
skips spaCy), a 48-code tree and 50,000 codings. Both sides are timed as
whole processes, as a user runs them, in the same run:

* coder: ``coder -p P snapshot S`` (write) and ``coder init Q --from S`` (load);
* reference: ``sqlite3 P/coder.db .dump > dump.sql`` (write) and
  ``sqlite3 R.db < dump.sql`` (load).

The target is a ratio within 2× for write plus load. Run:
``python bench/bench_snapshot.py`` (``--words 100000 --codings 5000`` for a quick check).
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_export import build_project


def timed(cmd: list[str] | str, **kw: object) -> float:
    """Wall time of one process (a shell line when ``cmd`` is a string)."""
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, shell=isinstance(cmd, str), capture_output=True, **kw)  # type: ignore[call-overload]
    return time.perf_counter() - t0


def best(fn: object, repeat: int) -> float:
    """The fastest of ``repeat`` runs of ``fn()``."""
    return min(fn() for _ in range(repeat))  # type: ignore[operator]


def main() -> None:
    """Build the project, time both sides, print a Markdown table with the ratios."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--words", type=int, default=1_000_000)
    parser.add_argument("--codings", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args()
    coder = shutil.which("coder") or sys.exit("the coder command is not on PATH")
    sqlite = shutil.which("sqlite3") or sys.exit("sqlite3 is not on PATH")
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        store = build_project(root / "p", args.words, args.codings, args.seed)
        store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        store.close()
        env = dict(os.environ)

        def snap() -> float:
            shutil.rmtree(root / "s", ignore_errors=True)
            return timed([coder, "-p", str(root / "p"), "snapshot", str(root / "s")], env=env)

        def load() -> float:
            shutil.rmtree(root / "q", ignore_errors=True)
            return timed([coder, "init", str(root / "q"), "--from", str(root / "s")], env=env)

        def dump() -> float:
            return timed(f"{sqlite} {root / 'p' / 'coder.db'} .dump > {root / 'dump.sql'}")

        def restore() -> float:
            (root / "r.db").unlink(missing_ok=True)
            return timed(f"{sqlite} {root / 'r.db'} < {root / 'dump.sql'}")

        rows = [("write", best(snap, args.repeat), best(dump, args.repeat))]
        rows.append(("load", best(load, args.repeat), best(restore, args.repeat)))
        size = sum(p.stat().st_size for p in (root / "s").rglob("*") if p.is_file())
        dump_size = (root / "dump.sql").stat().st_size
    total = ("write + load", sum(r[1] for r in rows), sum(r[2] for r in rows))
    print(
        f"{args.words:,} words, {args.codings:,} codings; {platform.python_version()}, best of {args.repeat}"
    )
    print(f"snapshot {size / 2**20:.1f} MB, dump {dump_size / 2**20:.1f} MB\n")
    print("| step | coder (s) | sqlite3 (s) | ratio |\n|---|---|---|---|")
    for name, ours, ref in [*rows, total]:
        print(f"| {name} | {ours:.2f} | {ref:.2f} | {ours / ref:.2f}× |")


if __name__ == "__main__":
    main()
