"""The codebook appendix: tree order, definitions, notes, examples, counts, merges; md, docx, html."""

from __future__ import annotations

from pathlib import Path

import pytest

from coder.errors import CoderError
from coder.model import Transcript
from coder.services.codebook import add_code, load_codebook_file, merge_codes
from coder.services.codebook_doc import codebook_entries, export_codebook
from coder.services.codings import apply_code, update_coding
from coder.storage import Store

TEXT = "R: Ik wacht al maanden. De buren helpen. Wachten is zwaar."


@pytest.fixture
def project(store: Store, codebook_file: Path) -> Store:
    """The test codebook, one transcript, codings by two coders, a memo and a merge."""
    load_codebook_file(store, codebook_file)
    store.add_transcript(Transcript("t1", "g1", TEXT, "nl", {}, "t1.txt", "x", "", 1), [])
    add_code(
        store, 'Wachten <script>alert("x")</script>', "anna", parent_id="eigen-kracht", code_id="wachten"
    )
    first = apply_code(store, "anna", "t1", 3, 23, "beperkingen")
    apply_code(store, "bram", "t1", 3, 23, "beperkingen")
    apply_code(store, "anna", "t1", 40, 58, "beperkingen")
    update_coding(store, "anna", first.id, key_quote=True)
    apply_code(store, "anna", "t1", 24, 39, "wachten")
    store.set_memo("lead", "code", "beperkingen", "Inclusie: alleen grenzen die de respondent zelf noemt.")
    merge_codes(store, ["wachten"], "beperkingen", "lead")
    return store


def test_entries_follow_the_tree_with_counts_examples_notes_and_merges(project: Store) -> None:
    entries = codebook_entries(project)
    assert [e.id for e in entries][:3] == ["generalistisch", "handelingsverlegenheid", "spanningsveld"]
    limits = next(e for e in entries if e.id == "beperkingen")
    assert limits.depth == 1 and limits.counts == {"anna": 3, "bram": 1}
    assert limits.examples[0] == ("t1", "Ik wacht al maanden.", True)  # the key quote first
    assert (
        len(limits.examples) == 2 and limits.examples[1][1] != "Ik wacht al maanden."
    )  # no duplicate passage
    assert limits.notes == ["Inclusie: alleen grenzen die de respondent zelf noemt. (lead)"]
    assert limits.absorbed == ['Wachten <script>alert("x")</script>']


def test_markdown_and_html_outputs(project: Store, tmp_path: Path) -> None:
    export_codebook(project, "md", tmp_path / "cb.md", "en")
    md = (tmp_path / "cb.md").read_text(encoding="utf-8")
    assert "# Test codebook" in md and "### Beperkingen (`beperkingen`)" in md
    assert "- **Codings:** anna 3 · bram 1" in md and "> Ik wacht al maanden. — t1 ★" in md
    export_codebook(project, "html", tmp_path / "cb.html", "en")
    html = (tmp_path / "cb.html").read_text(encoding="utf-8")
    assert "<script>" not in html and "&lt;script&gt;alert(&quot;x&quot;)" in html
    assert '<h3 id="code-beperkingen">' in html


def test_word_output_uses_heading_and_list_styles(project: Store, tmp_path: Path) -> None:
    from docx import Document

    export_codebook(project, "docx", tmp_path / "cb.docx", "en")
    paragraphs = Document(str(tmp_path / "cb.docx")).paragraphs
    styles = {(p.style.name if p.style else "", p.text.split(" (")[0]) for p in paragraphs}
    assert ("Heading 1", "Generalistisch werken") in styles and ("Heading 2", "Beperkingen") in styles
    assert any(s == "List Bullet" and t.startswith("Definition") for s, t in styles)
    assert any(s == "Quote" and t.startswith("Ik wacht al maanden.") for s, t in styles)


def test_bad_format_and_empty_project_write_nothing(store: Store, tmp_path: Path) -> None:
    with pytest.raises(CoderError):
        export_codebook(store, "md", tmp_path / "cb.md")
    with pytest.raises(CoderError):
        export_codebook(store, "pdf", tmp_path / "cb.pdf")
    assert list(tmp_path.glob("cb.*")) == []


def test_the_appendix_speaks_the_report_language(tmp_path: Path) -> None:
    from coder.formats.reports.codebook_doc import CodebookEntry, write_codebook

    entry = CodebookEntry("privacy", "Privacy", 0, "Over gegevens delen.", notes=["n"], absorbed=["avg"])
    nl, en = tmp_path / "nl.md", tmp_path / "en.md"
    write_codebook("Codeboek", [entry], "md", nl, "nl")
    write_codebook("Codebook", [entry], "md", en, "en")
    dutch, english = nl.read_text(encoding="utf-8"), en.read_text(encoding="utf-8")
    assert "**Definitie:**" in dutch and "**Coderingen:** niet gecodeerd" in dutch and "Samengevoegd" in dutch
    assert "**Definition:**" in english and "not coded" in english and "Definitie" not in english
