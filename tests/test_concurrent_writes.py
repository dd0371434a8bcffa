"""Another writer is not locked out while a long import runs (issues 11 and 12).

The import reads, segments and parses outside any transaction and writes in
one short ``BEGIN IMMEDIATE`` transaction at the end, so a coder applying codes
meanwhile waits at most for that write, within the busy timeout.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from coder.services.codings import apply_code
from coder.services.project import open_project
from tests.conftest import Coder

SENTENCES = (
    "Ik werk al jaren in het sociale team van de gemeente. ",
    "Dat vraagt veel overleg met de buren. ",
)


def _corpus(folder: Path, files: int, words_each: int) -> list[Path]:
    folder.mkdir()
    paths = []
    for i in range(files):
        turns = []
        while sum(len(t.split()) for t in turns) < words_each:
            turns.append(f"I: Hoe gaat het? \nR: {SENTENCES[len(turns) % 2] * 6}\n")
        path = folder / f"L{i:03d}.txt"
        path.write_text("".join(turns), encoding="utf-8")
        paths.append(path)
    return paths


def test_a_coder_applies_codes_while_a_long_import_runs(loaded: Coder, tmp_path: Path) -> None:
    paths = _corpus(tmp_path / "long", files=30, words_each=5_000)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    code = "import sys; from coder.cli import main; sys.argv[0] = 'coder'; main()"
    importer = subprocess.Popen(
        [sys.executable, "-c", code, "-p", str(loaded.root), "import", "--lang", "nl", *map(str, paths)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    store = open_project(loaded.root)
    applied = 0
    start = 0
    while importer.poll() is None:
        apply_code(store, "anna", "T01", start, start + 5, "beperkingen")
        applied += 1
        start = (start + 7) % 300
        time.sleep(0.05)
    _out, err = importer.communicate()
    assert importer.returncode == 0, err
    assert applied >= 3, "the import finished before the test could write alongside it"
    assert len(store.codings(coder="anna")) == applied
    assert len(store.transcript_ids()) == 2 + len(paths)
