"""Benchmark: concurrent writers and an online backup on one project.

Times whole processes, in the same run:

* reference: one process applying 2 x N codings, one transaction each;
* ours: two processes applying N codings each at the same time (they queue on
  the write lock, ``BEGIN IMMEDIATE`` with the busy timeout);
* ``coder backup`` of the result while a third writer runs, beside the
  start-up of ``coder --help`` (the process cost every command pays).

Prints the ratio of the concurrent run to the serial one, and checks that
every coding arrived once. Run: ``python bench/bench_concurrency.py [N]``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from coder.services.codebook import load_codebook_file
from coder.services.project import init_project
from coder.services.transcripts import import_transcripts

ROOT = Path(__file__).resolve().parents[1]
WRITER = """
import sys
from pathlib import Path
from coder.services.codings import apply_code
from coder.services.project import open_project
root, coder, n = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
store = open_project(root)
length = len(store.get_transcript("T01").text)
for i in range(n):
    start, width = i % (length - 10), 1 + i // (length - 10)
    apply_code(store, coder, "T01", start, start + width, "beperkingen")
store.close()
"""
CODER = (sys.executable, "-c", "from coder.cli import main; main()")
CODEBOOK = "name: b\ncodes:\n  - id: beperkingen\n    name: Beperkingen\n"


def make_project(folder: Path) -> Path:
    """A project with one transcript and one code."""
    store, _ = init_project(folder / "p")
    import_transcripts(store, [ROOT / "tests" / "data" / "interviews" / "T01.txt"], lang="nl")
    (folder / "cb.yaml").write_text(CODEBOOK, encoding="utf-8")
    load_codebook_file(store, folder / "cb.yaml")
    store.close()
    return folder / "p"


def run_writers(root: Path, jobs: list[tuple[str, int]]) -> float:
    """Seconds until every writer process has finished (each must exit 0)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    began = time.perf_counter()
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, str(root), c, str(n)], env=env) for c, n in jobs]
    if any(p.wait() for p in procs):
        raise SystemExit("a writer failed")
    return time.perf_counter() - began


def main() -> None:
    """Run the three timings and print them with the ratio."""
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    with tempfile.TemporaryDirectory() as tmp:
        serial = run_writers(make_project(Path(tmp) / "a"), [("anna", 2 * n)])
        root = make_project(Path(tmp) / "b")
        both = run_writers(root, [("anna", n), ("bram", n)])
        env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
        writer = subprocess.Popen([sys.executable, "-c", WRITER, str(root), "carla", str(n)], env=env)
        began = time.perf_counter()
        subprocess.run(
            [*CODER, "-p", str(root), "backup", str(Path(tmp) / "copy.db")],
            env=env,
            check=True,
        )
        backup = time.perf_counter() - began
        writer.wait()
        began = time.perf_counter()
        subprocess.run([*CODER, "--help"], env=env, check=True, capture_output=True)
        startup = time.perf_counter() - began
        check = subprocess.run([*CODER, "-p", str(root), "check"], env=env, capture_output=True, text=True)
    print(f"reference: one process, {2 * n} codings: {serial:.2f} s")
    print(f"ours: two processes, {n} codings each at once: {both:.2f} s (ratio {both / serial:.2f})")
    print(
        f"coder backup while a third writer runs: {backup:.2f} s (whole process; `coder --help` {startup:.2f} s)"
    )
    print(f"coder check afterwards: {check.stdout.strip()}")


if __name__ == "__main__":
    main()
