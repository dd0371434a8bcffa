"""Projects written by other REFI-QDA tools (ATLAS.ti), from ``shared/refi-qda/examples``.

The files are read from the shared folder beside the repository (or
``$CODER_SHARED_DIR``), not copied into it: one of them has no stated licence.
The ATLAS.ti 8 ``.qde`` names its text sources but ships without them, so one
test packs that real XML into a ``.qdpx`` with stand-in texts of the right
length: the codings then take coder's whole import path (users, the
``A::B`` code hierarchy, selections by ``creatingUser``).
"""

from __future__ import annotations

import os
import re
import zipfile
from pathlib import Path

import pytest

from coder.services.exchange import import_qdpx
from coder.services.project import init_project
from coder.storage import Store


def _examples() -> Path:
    shared = os.environ.get("CODER_SHARED_DIR")
    base = Path(shared) if shared else Path(__file__).resolve().parents[2] / "shared"
    return base / "refi-qda" / "examples"


EXAMPLES = _examples()
ATLAS_8 = EXAMPLES / "atlas-standard-project.qde"
ATLAS_23 = EXAMPLES / "atlas-target-project.qdpx"
if not ATLAS_8.exists():
    pytest.skip(f"REFI-QDA examples not found at {EXAMPLES} (set CODER_SHARED_DIR)", allow_module_level=True)


def _project(tmp_path: Path, name: str) -> Store:
    store, _ = init_project(tmp_path / name)
    return store


def _with_stand_in_texts(tmp_path: Path) -> Path:
    """The ATLAS.ti 8 project as a .qdpx whose text sources hold stand-in text long enough for every selection."""
    xml = ATLAS_8.read_text(encoding="utf-8")
    sources = re.findall(r'<TextSource plainTextPath="internal://([^"]+)"', xml)
    line = "Dit is een zin die staat voor de tekst van het interview. "
    out = tmp_path / "atlas8.qdpx"
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("project.qde", xml)
        for name in sources:
            zf.writestr(f"sources/{name}", line * 40)
    return out


def test_atlas_8_project_file_without_its_sources_brings_the_code_tree_and_says_what_it_skipped(
    tmp_path: Path,
) -> None:
    store = _project(tmp_path, "p")
    report = import_qdpx(store, ATLAS_8)
    codebook = store.codebook()
    assert len(codebook.codes) == 14
    diet = codebook.by_id()["coke-diet-coke"]
    assert diet.name == "diet Coke" and diet.parent_id == "coke", "ATLAS.ti's Coke::diet Coke is a child"
    assert sorted(report.coders_added) == ["ATLAS.ti", "Friedrich Markgraf", "Sebastian Petrausch"]
    assert store.transcript_ids() == [] and report.transcripts_skipped
    assert any("PictureSource" in w for w in report.warnings), report.warnings
    again = import_qdpx(store, ATLAS_8)
    assert again.codes_added == [] and len(store.codebook().codes) == 14, "importing twice changes nothing"


def test_atlas_8_selections_become_codings_of_their_creating_users(tmp_path: Path) -> None:
    store = _project(tmp_path, "p")
    report = import_qdpx(store, _with_stand_in_texts(tmp_path))
    imported = store.codings()
    assert len(store.transcript_ids()) == 6
    # Seven of ATLAS.ti's codings sit on text selections (the rest on pictures, PDFs and video).
    assert sum(report.codings_added.values()) == len(imported) == 7
    texts = store.transcript_texts()
    for coding in imported:
        assert 0 <= coding.start < coding.end <= len(texts[coding.transcript_id])
        assert coding.coder == "Friedrich Markgraf", "the selection's creatingUser, by name"
        assert coding.code_id in store.codebook().by_id()


def test_atlas_23_qdpx_with_a_two_level_code_tree(tmp_path: Path) -> None:
    store = _project(tmp_path, "p")
    import_qdpx(store, ATLAS_23)
    codebook = store.codebook()
    [top] = [c for c in codebook.codes if c.parent_id is None]
    assert top.name == "Commits"
    assert {c.parent_id for c in codebook.codes if c is not top} == {top.id}
