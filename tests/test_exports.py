"""Quotes per theme, the quote table and code matrices, end to end on a real project."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import openpyxl
import pyreadstat
import pytest
from docx import Document
from lxml import html as lxml_html

import coder.cli.export_cmds  # noqa: F401  (registers the commands)
from coder.services.project import open_project
from tests.conftest import Coder

TRICKY = '---\ngemeente: Deventer\n---\n\nI: En toen?\n\nR: Ik zei: <niet doen> & "stop" — *echt* | klaar.\n'

# (transcript, passage, code, key quote)
CODINGS = [
    ("T01", "We doen veel huisbezoeken, bijv. bij gezinnen met schulden.", "generalistisch", False),
    ("T01", "Soms goed, soms niet.", "spanningsveld", False),
    ("T01", "De hulpvragen zijn vaak groot en complex.", "spanningsveld", True),
    (
        "T02",
        "When a family has several problems at once, I try to keep it with me.",
        "handelingsverlegenheid",
        False,
    ),
    ("T02", "Debt counselling. I know the basics, but the specialist knows the law.", "beperkingen", False),
    (
        "T02",
        "But some things I just can't do.\n\nInterviewer: Can you give an example?",
        "spanningsveld",
        False,
    ),
    ("T03", 'Ik zei: <niet doen> & "stop" — *echt* | klaar.', "beperkingen", False),
]


def add_final_layer(project: Coder, tmp_path: Path) -> dict[str, str]:
    """Import a third, tricky transcript and code all three under the layer ``final``."""
    extra = tmp_path / "T03.txt"
    extra.write_text(TRICKY, encoding="utf-8")
    assert project("import", str(extra)).exit_code == 0
    store = open_project(project.root)
    try:
        texts = store.transcript_texts()
        with store.transaction():
            store.ensure_coder("final", kind="consensus")
            for tid, passage, code, key in CODINGS:
                start = texts[tid].index(passage)
                store.add_coding("final", tid, start, start + len(passage), code, key_quote=key)
    finally:
        store.close()
    return texts


@pytest.fixture
def final(loaded: Coder, tmp_path: Path) -> Coder:
    """The test project with a coded ``final`` layer over T01 (nl), T02 (en) and T03 (nl)."""
    add_final_layer(loaded, tmp_path)
    return loaded


def quotes_json(project: Coder, tmp_path: Path, *options: str) -> dict:
    out = tmp_path / "quotes.json"
    result = project("export", "quotes", "--coder", "final", "-o", str(out), *options)
    assert result.exit_code == 0, result.output
    return json.loads(out.read_text(encoding="utf-8"))


def stored_slices(project: Coder, doc: dict) -> list[str]:
    """The stored text of every quote in the document, from `coder transcripts show --text`."""
    texts: dict[str, str] = {}
    slices = []
    for code in doc["codes"]:
        for q in code["quotes"]:
            if q["transcript"] not in texts:
                texts[q["transcript"]] = project("transcripts", "show", q["transcript"], "--text").stdout
            slices.append(texts[q["transcript"]][q["start"] : q["end"]])
    return slices


# --- the JSON contract ----------------------------------------------------------------


def test_quotes_json_follows_the_contract(final: Coder, tmp_path: Path) -> None:
    doc = quotes_json(final, tmp_path)
    assert doc["coder"] == "final"
    codes = [c["code"] for c in doc["codes"]]
    assert codes == [
        "generalistisch",
        "generalistisch/handelingsverlegenheid",
        "generalistisch/spanningsveld",
        "eigen-kracht",
        "eigen-kracht/beperkingen",
    ]
    by_code = {c["code"]: c for c in doc["codes"]}
    tension = by_code["generalistisch/spanningsveld"]
    assert (tension["name"], tension["n_quotes"], tension["n_transcripts"]) == ("Spanningsveld", 3, 2)
    assert tension["quotes"][0]["text"] == "De hulpvragen zijn vaak groot en complex."
    assert tension["quotes"][0]["key_quote"] is True
    assert by_code["eigen-kracht"]["n_quotes"] == 0 and by_code["eigen-kracht"]["n_quotes_with_subcodes"] == 2
    first = by_code["generalistisch"]["quotes"][0]
    assert first["attributes"] == {"gemeente": "Zwolle", "rol": "generalist"}
    assert (first["speaker"], first["turn"]) == ("R", 2)
    assert [q["text"] for c in doc["codes"] for q in c["quotes"]] == stored_slices(final, doc)


# --- every format carries the exact text ------------------------------------------------


def md_quotes(path: Path) -> list[str]:
    found, current = [], None
    for line in path.read_text(encoding="utf-8").split("\n"):
        if line.startswith(">"):
            current = [*(current or []), line[2:]]
        elif current is not None:
            found.append("\n".join(current))
            current = None
    return found


def html_quotes(path: Path) -> list[str]:
    tree = lxml_html.fromstring(path.read_bytes())
    return [p.text_content() for p in tree.find_class("quote-text")]


def docx_quotes(path: Path) -> list[str]:
    return [p.text for p in Document(str(path)).paragraphs if p.style.name in ("Quote", "Intense Quote")]


def csv_quotes(path: Path) -> list[str]:
    with path.open(encoding="utf-8", newline="") as fh:
        return [row["text"] for row in csv.DictReader(fh)]


def xlsx_quotes(path: Path) -> list[str]:
    sheet = openpyxl.load_workbook(path, read_only=True)["Quotes"]
    rows = list(sheet.iter_rows(values_only=True))
    column = rows[0].index("text")
    return [r[column] for r in rows[1:]]


def json_quotes(path: Path) -> list[str]:
    return [q["text"] for c in json.loads(path.read_text(encoding="utf-8"))["codes"] for q in c["quotes"]]


READERS = {
    "md": md_quotes,
    "html": html_quotes,
    "docx": docx_quotes,
    "csv": csv_quotes,
    "xlsx": xlsx_quotes,
    "json": json_quotes,
}


@pytest.mark.parametrize("fmt", sorted(READERS))
def test_every_format_carries_each_quote_exactly(final: Coder, tmp_path: Path, fmt: str) -> None:
    expected = stored_slices(final, quotes_json(final, tmp_path))
    assert any("\n" in e for e in expected) and any("<" in e and "&" in e for e in expected)
    out = tmp_path / f"quotes.{fmt}"
    result = final("export", "quotes", "--coder", "final", "--context", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert f"wrote {len(expected)} quotes" in result.stdout
    assert READERS[fmt](out) == expected


def test_docx_is_a_report_draft(final: Coder, tmp_path: Path) -> None:
    out = tmp_path / "draft.docx"
    assert final("export", "quotes", "--format", "docx", "-o", str(out), "--context").exit_code == 0
    paragraphs = Document(str(out)).paragraphs
    styles = {p.style.name: p.text for p in paragraphs}
    assert styles["Title"].startswith("Citaten per thema")
    headings = [p.text for p in paragraphs if p.style.name.startswith("Heading")]
    assert headings[:3] == ["1 Generalistisch werken", "1.1 Handelingsverlegenheid", "1.2 Spanningsveld"]
    sources = [p.text for p in paragraphs if p.style.name == "Quote Source"]
    assert sources[0].startswith("— T01 (gemeente: Zwolle, rol: generalist), beurt 2 (R)")
    context = [p.text for p in paragraphs if p.style.name == "Quote Context"]
    assert "Voorafgaande vraag (I): En hoe gaat de samenwerking met specialisten?" in context


def test_html_has_a_table_of_contents_and_no_external_resources(final: Coder, tmp_path: Path) -> None:
    out = tmp_path / "quotes.html"
    assert final("export", "quotes", "-o", str(out)).exit_code == 0
    tree = lxml_html.fromstring(out.read_bytes())
    anchors = [e.get("id") for e in tree.xpath("//section[@id]")]
    hrefs = [a.get("href") for a in tree.xpath("//nav[contains(@class, 'toc')]//a")]
    assert hrefs == [f"#{a}" for a in anchors] and len(anchors) == 5
    assert not tree.xpath("//script | //link | //img")
    assert tree.get("lang") == "nl"


# --- selection, order, context and language ---------------------------------------------


def test_where_max_and_key_quotes_first(final: Coder, tmp_path: Path) -> None:
    doc = quotes_json(final, tmp_path, "--where", "gemeente=Zwolle", "--max", "1")
    assert doc["filters"] == {"gemeente": ["Zwolle"]} and doc["n_transcripts"] == 1
    quotes = [q for c in doc["codes"] for q in c["quotes"]]
    assert {q["transcript"] for q in quotes} == {"T01"}
    tension = next(c for c in doc["codes"] if c["code"].endswith("spanningsveld"))
    assert tension["n_quotes"] == 2 and [q["key_quote"] for q in tension["quotes"]] == [True]
    either = quotes_json(final, tmp_path, "--where", "gemeente=Zwolle", "--where", "gemeente=Deventer")
    assert either["n_transcripts"] == 2


def test_context_is_the_preceding_turn_of_another_speaker(final: Coder, tmp_path: Path) -> None:
    doc = quotes_json(final, tmp_path, "--context")
    quotes = {q["text"]: q for c in doc["codes"] for q in c["quotes"]}
    context = quotes["Soms goed, soms niet."]["context"]
    assert (context["speaker"], context["text"]) == ("I", "En hoe gaat de samenwerking met specialisten?")
    assert "context" not in quotes_json(final, tmp_path)["codes"][0]["quotes"][0]


def test_report_language_majority_option_and_setting(final: Coder, tmp_path: Path) -> None:
    out = tmp_path / "q.md"
    final("export", "quotes", "-o", str(out))
    assert out.read_text(encoding="utf-8").startswith("# Citaten per thema")
    final("export", "quotes", "-o", str(out), "--lang", "en")
    assert out.read_text(encoding="utf-8").startswith("# Quotes per theme")
    assert final("config", "report_language").stdout.startswith("nl (not set"), "the value in effect"
    assert final("config", "report_language", "en").exit_code == 0
    assert final("config", "report_language").stdout.strip() == "en"
    final("export", "quotes", "-o", str(out))
    assert "2 quotes from 2 respondents" in out.read_text(encoding="utf-8")
    refused = final("config", "report_language", "de")
    assert refused.exit_code == 1 and "use one of nl, en" in refused.stderr


# --- quote table and matrices ----------------------------------------------------------------


def test_quote_table_splits_the_code_path(final: Coder, tmp_path: Path) -> None:
    out = tmp_path / "table.csv"
    assert final("export", "table", "--coder", "final", "-o", str(out)).exit_code == 0
    with out.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == len(CODINGS)
    row = next(r for r in rows if r["text"] == "Soms goed, soms niet.")
    assert (row["theme"], row["subtheme"], row["code"]) == (
        "Generalistisch werken",
        "Spanningsveld",
        "generalistisch/spanningsveld",
    )
    assert (row["transcript"], row["gemeente"], row["coder"], row["key_quote"]) == (
        "T01",
        "Zwolle",
        "final",
        "0",
    )
    xlsx = tmp_path / "table.xlsx"
    assert final("export", "table", "-o", str(xlsx)).exit_code == 0
    assert xlsx_quotes(xlsx) == [r["text"] for r in rows]


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_presence_matrix_csv_and_sav(final: Coder, tmp_path: Path) -> None:
    out = tmp_path / "presence.csv"
    assert final("export", "matrix", "--kind", "presence", "-o", str(out)).exit_code == 0
    rows = {r["transcript"]: r for r in read_csv(out)}
    assert set(rows) == {"T01", "T02", "T03"}
    t01 = rows["T01"]
    assert (t01["gemeente"], t01["spanningsveld"], t01["spanningsveld_n"]) == ("Zwolle", "1", "2")
    assert (t01["generalistisch"], t01["generalistisch_n"]) == ("1", "3")  # rolled up: 1 direct + 2 below
    assert (rows["T03"]["eigen-kracht"], rows["T03"]["beperkingen_n"]) == ("1", "1")
    direct = tmp_path / "direct.csv"
    final("export", "matrix", "--no-rollup", "-o", str(direct))
    assert read_csv(direct)[0]["generalistisch_n"] == "1"
    sav = tmp_path / "presence.sav"
    assert final("export", "matrix", "--kind", "presence", "-o", str(sav)).exit_code == 0
    frame, meta = pyreadstat.read_sav(str(sav))
    labels = meta.column_names_to_labels
    assert (
        labels["eigen_kracht"] == "eigen-kracht: Eigen kracht" and labels["spanningsveld"] == "Spanningsveld"
    )
    assert meta.variable_value_labels["spanningsveld"] == {0: "absent", 1: "present"}
    assert frame.loc[frame["transcript"] == "T01", "spanningsveld_n"].item() == 2


def test_code_by_transcript_attribute_and_cooccurrence(final: Coder, tmp_path: Path) -> None:
    out = tmp_path / "m.csv"
    final("export", "matrix", "--kind", "transcript", "-o", str(out))
    by_code = {r["code"]: r for r in read_csv(out)}
    assert (
        by_code["generalistisch/spanningsveld"]["T01"],
        by_code["generalistisch/spanningsveld"]["T02"],
    ) == ("2", "1")
    final(
        "export",
        "matrix",
        "--kind",
        "attribute",
        "--by",
        "gemeente",
        "--count",
        "transcripts",
        "-o",
        str(out),
    )
    by_code = {r["code"]: r for r in read_csv(out)}
    assert by_code["eigen-kracht"]["Deventer"] == "1" and by_code["eigen-kracht"]["(missing)"] == "1"
    store = open_project(final.root)
    with store.transaction():
        start = store.get_transcript("T01").text.index("vaak groot")
        store.add_coding("final", "T01", start, start + 10, "beperkingen")
    store.close()
    final("export", "matrix", "--kind", "cooccurrence", "-o", str(out))
    by_code = {r["code"]: r for r in read_csv(out)}
    tension = by_code["generalistisch/spanningsveld"]
    assert tension["generalistisch/spanningsveld"] == "4"  # T02's passage covers two sentences
    assert (
        tension["eigen-kracht/beperkingen"] == "1"
        and by_code["eigen-kracht/beperkingen"]["generalistisch/spanningsveld"] == "1"
    )
    assert tension["generalistisch/handelingsverlegenheid"] == "0"
    xlsx = tmp_path / "m.xlsx"
    assert final("export", "matrix", "--kind", "cooccurrence", "-o", str(xlsx)).exit_code == 0


# --- bad input --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["export", "quotes", "--coder", "nobody", "-o", "x.md"], "no coder layer 'nobody'"),
        (["export", "quotes", "--where", "gemeente", "-o", "x.md"], "is not KEY=VALUE"),
        (
            ["export", "quotes", "--where", "gemeente=Ommen", "-o", "x.md"],
            "no transcript matches --where gemeente=Ommen",
        ),
        (["export", "quotes", "-o", "x.pdf"], "cannot tell which format"),
        (["export", "matrix", "--kind", "transcript", "-o", "x.sav"], "cannot be written as .sav"),
        (["export", "matrix", "--kind", "attribute", "-o", "x.csv"], "needs --by"),
        (
            ["export", "matrix", "--kind", "attribute", "--by", "land", "-o", "x.csv"],
            "no transcript has attribute 'land'",
        ),
    ],
)
def test_bad_input_exits_1_with_one_line(final: Coder, tmp_path: Path, args: list[str], message: str) -> None:
    args = [a if not a.startswith("x.") else str(tmp_path / a) for a in args]
    result = final(*args)
    assert result.exit_code == 1
    assert message in result.stderr and result.stderr.count("\n") == 1
    assert not any(tmp_path.glob("x.*"))
