"""Concurrent writers: real processes, one project, no 'database is locked'."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

from tests.conftest import Coder

WRITER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from coder.services.codings import apply_code
    from coder.services.project import open_project

    root, coder, n = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
    store = open_project(root)
    length = len(store.get_transcript("T01").text)
    for i in range(n):  # n distinct spans: no two codings of one coder are the same
        start, width = i % (length - 10), 1 + i // (length - 10)
        apply_code(store, coder, "T01", start, start + width, "beperkingen")
    store.close()
    """
)


def _env() -> dict[str, str]:
    src = str(Path(__file__).resolve().parents[1] / "src")
    return {**os.environ, "PYTHONPATH": src + os.pathsep + os.environ.get("PYTHONPATH", "")}


def test_two_processes_write_1000_codings_each(
    coder: Coder, interviews: list[Path], codebook_file: Path
) -> None:
    assert coder("import", "--lang", "nl", str(interviews[0])).exit_code == 0
    assert coder("codebook", "load", str(codebook_file)).exit_code == 0
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(coder.root), name, "1000"],
            env=_env(),
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in ("anna", "bram")
    ]
    errors = [p.communicate(timeout=600)[1] for p in procs]
    assert [p.returncode for p in procs] == [0, 0], errors
    from coder.services.project import open_project

    store = open_project(coder.root)
    try:
        rows = store.db.execute(
            "select coder, count(*), count(distinct guid) from codings group by coder"
        ).fetchall()
    finally:
        store.close()
    assert sorted(rows) == [("anna", 1000, 1000), ("bram", 1000, 1000)]
    sound = coder("check")
    assert sound.exit_code == 0, sound.output
