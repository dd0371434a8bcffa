"""`--pseudonymize MAP.yaml`: no listed name survives in any export format."""

from __future__ import annotations

import json
import re
from pathlib import Path

import openpyxl
import pyreadstat
import pytest
from docx import Document

import coder.cli.export_cmds  # noqa: F401  (registers the commands)
from coder.formats.pseudonym import Pseudonymizer
from coder.services.project import open_project
from tests.conftest import Coder

MAP = "Zwolle: Gemeente A\nDeventer: Gemeente B\nSarah Jones: Respondent 2\n"
LEAKS = re.compile(r"zwol|deventer|deventen|sarah|jones", re.IGNORECASE)
EXTRA = """---
gemeente: Deventer
plaats: Zwolle
---

I: Hoe werkt het in Zwolle?

R: De Zwolse aanpak is anders dan Zwolle's oude beleid; in ZWOLLE en bij de Deventenaren ook.
"""
PASSAGES = [
    ("T01", "We doen veel huisbezoeken, bijv. bij gezinnen met schulden.", "generalistisch"),
    ("T02", "When a family has several problems at once, I try to keep it with me.", "spanningsveld"),
    ("T03", "De Zwolse aanpak is anders dan Zwolle's oude beleid", "beperkingen"),
]


@pytest.fixture
def named(loaded: Coder, tmp_path: Path) -> Coder:
    """The test project plus a transcript full of place names, coded in layer final."""
    extra = tmp_path / "T03.txt"
    extra.write_text(EXTRA, encoding="utf-8")
    assert loaded("import", str(extra)).exit_code == 0
    assert loaded("codes", "rename", "beperkingen", "Beperkingen in Zwolle").exit_code == 0
    store = open_project(loaded.root)
    try:
        texts = store.transcript_texts()
        with store.transaction():
            store.ensure_coder("final", kind="consensus")
            for tid, passage, code in PASSAGES:
                start = texts[tid].index(passage)
                memo = "Sarah Jones zei dit over Zwolle" if tid == "T02" else ""
                store.add_coding("final", tid, start, start + len(passage), code, memo=memo)
    finally:
        store.close()
    return loaded


def text_of(path: Path) -> str:
    """Every piece of text a reader of ``path`` could see."""
    suffix = path.suffix
    if suffix == ".docx":
        doc = Document(str(path))
        return "\n".join(p.text for p in doc.paragraphs) + "\n".join(
            c.text for t in doc.tables for r in t.rows for c in r.cells
        )
    if suffix == ".xlsx":
        book = openpyxl.load_workbook(path)
        return "\n".join(
            f"{ws.title} "
            + " ".join(str(c) for row in ws.iter_rows(values_only=True) for c in row if c is not None)
            for ws in book.worksheets
        )
    if suffix == ".sav":
        frame, meta = pyreadstat.read_sav(str(path))
        return " ".join(
            [*map(str, frame.columns), *map(str, frame.to_numpy().ravel()), *map(str, meta.column_labels)]
            + [str(v) for labels in meta.variable_value_labels.values() for v in labels.values()]
        )
    return path.read_text(encoding="utf-8")


EXPORTS = (
    [("quotes", fmt, []) for fmt in ("md", "csv", "json", "docx", "html", "xlsx")]
    + [
        ("table", "csv", ["--context"]),
        ("table", "xlsx", []),
        ("matrix", "csv", ["--kind", "attribute", "--by", "gemeente"]),
        ("matrix", "xlsx", ["--kind", "transcript"]),
        ("matrix", "sav", ["--kind", "presence"]),
    ]
    + [("joint", fmt, []) for fmt in ("md", "csv", "xlsx", "html", "json", "docx")]
)


@pytest.mark.parametrize(("kind", "fmt", "options"), EXPORTS)
def test_no_listed_name_survives_in_any_format(
    named: Coder, tmp_path: Path, kind: str, fmt: str, options: list[str]
) -> None:
    names = tmp_path / "map.yaml"
    names.write_text(MAP, encoding="utf-8")
    plain = tmp_path / f"plain.{fmt}"
    assert named("export", kind, "--coder", "final", "-o", str(plain), *options).exit_code == 0
    assert LEAKS.search(text_of(plain)), "the unmasked export should hold the names"
    out = tmp_path / f"masked.{fmt}"
    result = named("export", kind, "--coder", "final", "-o", str(out), "--pseudonymize", str(names), *options)
    assert result.exit_code == 0, result.output
    shown = text_of(out)
    assert not LEAKS.search(shown), LEAKS.findall(shown)
    assert "Gemeente" in shown or kind == "matrix"
    assert re.search(r"Zwolle → Gemeente A: [1-9]\d* replaced", result.output)


def test_inflections_and_possessives() -> None:
    swap = Pseudonymizer({"Zwolle": "Gemeente A", "Amsterdam": "Stad C", "Jones": "R2"})
    text = "De Zwolse aanpak, Zwolle's beleid, ZWOLLE, zwollenaren, Amsterdammers en Jones' boek."
    assert (
        swap.text(text)
        == "De Gemeente A aanpak, Gemeente A's beleid, Gemeente A, Gemeente A, Stad C en R2' boek."
    )
    assert (
        swap.text("Zwolletje? Nee: Zwolsche, niet Zwolbeek.") == "Zwolletje? Nee: Gemeente A, niet Zwolbeek."
    )
    assert swap.counts["Zwolle"] == 5


def test_a_bad_map_is_a_one_line_error(named: Coder, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("- Zwolle\n- Deventer\n", encoding="utf-8")
    result = named(
        "export", "quotes", "--coder", "final", "-o", str(tmp_path / "q.md"), "--pseudonymize", str(bad)
    )
    assert result.exit_code == 1 and "Name: Pseudonym" in result.output
    assert not (tmp_path / "q.md").exists()


def test_json_document_keeps_its_shape(named: Coder, tmp_path: Path) -> None:
    names = tmp_path / "map.yaml"
    names.write_text(MAP, encoding="utf-8")
    out = tmp_path / "q.json"
    assert (
        named("export", "quotes", "--coder", "final", "-o", str(out), "--pseudonymize", str(names)).exit_code
        == 0
    )
    doc = json.loads(out.read_text(encoding="utf-8"))
    quotes = [q for c in doc["codes"] for q in c["quotes"]]
    assert {q["attributes"].get("gemeente") for q in quotes} >= {"Gemeente A", "Gemeente B"}
