"""CLI tables print user data that looks like Rich markup exactly as written."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import Coder

TRANSCRIPT = """---
rol: "[/x]"
gemeente: "[anoniem]"
---

R: Ik heet [/naam] en woon in [anoniem].
"""
CODEBOOK = """\
name: "[b]Boek"
codes:
  - id: wonen
    name: "[/b] Wonen"
"""


def test_transcripts_and_codebook_show_markup_like_data(coder: Coder, tmp_path: Path) -> None:
    source, book, rows = tmp_path / "M01.txt", tmp_path / "book.yaml", tmp_path / "rows.csv"
    source.write_text(TRANSCRIPT, encoding="utf-8")
    book.write_text(CODEBOOK, encoding="utf-8")
    rows.write_text("transcript,start,end,code,memo\nM01,3,10,wonen,[/memo]\n", encoding="utf-8")
    assert coder("import", str(source)).exit_code == 0
    assert coder("codebook", "load", str(book)).exit_code == 0
    assert coder("codings", "import", str(rows), "--coder", "[/]").exit_code == 0
    listing = coder("transcripts")
    assert listing.exit_code == 0, listing.output
    assert "[/x]" in listing.output and "[anoniem]" in listing.output and "[/]" in listing.output
    tree = coder("codebook", "show")
    assert tree.exit_code == 0 and "[/b] Wonen" in tree.output and "[b]Boek" in tree.output
