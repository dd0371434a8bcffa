"""The joint display: themes beside linked survey figures, in every format."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import openpyxl
import pytest
from lxml import html as lxml_html

import coder.cli.export_cmds  # noqa: F401  (registers the commands)
from coder.analysis.survey import item_statistics, read_survey
from coder.formats.reports.data import Quote
from coder.services.joint import pick_exemplars
from tests.conftest import CODEBOOK_YAML, Coder
from tests.test_exports import add_final_layer

DATA = Path(__file__).parent / "data" / "survey"
JOINT_CODEBOOK = CODEBOOK_YAML.replace(
    "    description: Breed kijken naar de vraag.\n",
    "    description: Breed kijken naar de vraag.\n    links: [bakens:3_1, panel:q1, enquete:q9]\n",
)


@pytest.fixture
def joint_project(loaded: Coder, tmp_path: Path) -> Coder:
    """Final codings, two surveys (aggregate and respondents) and links from both sources."""
    book = tmp_path / "joint.yaml"
    book.write_text(JOINT_CODEBOOK, encoding="utf-8")
    assert loaded("codebook", "load", str(book)).exit_code == 0
    add_final_layer(loaded, tmp_path)
    for name in ("bakens", "panel"):
        assert loaded("survey", "import", str(DATA / f"{name}.csv"), "--name", name).exit_code == 0
    assert loaded("link", "beperkingen", "panel:q2").exit_code == 0
    return loaded


def joint_json(project: Coder, tmp_path: Path, *options: str) -> tuple[dict, str]:
    out = tmp_path / "joint.json"
    result = project("export", "joint", "--coder", "final", "--format", "json", "-o", str(out), *options)
    assert result.exit_code == 0, result.output
    return json.loads(out.read_text(encoding="utf-8")), result.stderr


def test_joint_json_follows_the_contract(joint_project: Coder, tmp_path: Path) -> None:
    doc, stderr = joint_json(joint_project, tmp_path)
    assert doc["coder"] == "final"
    codes = [t["code"] for t in doc["themes"]]
    assert codes == [
        "generalistisch",
        "generalistisch/handelingsverlegenheid",
        "generalistisch/spanningsveld",
        "eigen-kracht",
        "eigen-kracht/beperkingen",
    ]
    theme = doc["themes"][0]
    assert (theme["name"], theme["n_quotes"], theme["n_transcripts"], theme["n_quotes_direct"]) == (
        "Generalistisch werken",
        5,
        2,
        1,
    )
    assert len(theme["exemplars"]) == 3 and theme["exemplars"][0]["key_quote"] is True
    items = {(i["survey"], i["item"]): i for i in theme["items"]}
    assert set(items) == {("bakens", "3_1"), ("panel", "q1")}
    assert items[("bakens", "3_1")]["label"] == "Generalistisch werken"
    assert items[("bakens", "3_1")]["figures"] == {"2015": 4.6, "2016": 4.6, "2017": 4.7}
    assert "enquete" in stderr and "not imported" in stderr
    assert any("enquete" in w for w in doc["warnings"])


def test_respondent_figures_are_the_item_statistics(joint_project: Coder, tmp_path: Path) -> None:
    doc, _ = joint_json(joint_project, tmp_path)
    item = next(i for i in doc["themes"][0]["items"] if i["survey"] == "panel")
    stats = item_statistics(read_survey(DATA / "panel.csv", "panel"), "q1", "jaar")
    assert item["kind"] == "respondents" and item["group_by"] == "jaar"
    assert item["figures"] == {"2016": 2.4, "2017": 4.2} == stats.figures()
    assert [g["n"] for g in item["groups"]] == [5, 5]
    assert stats.first_last is not None
    assert item["first_last"]["p"] == pytest.approx(stats.first_last.p)
    assert (item["direction"], item["mark"]) == (stats.direction, stats.first_last.mark)
    grouped, _ = joint_json(joint_project, tmp_path, "--group-by", "gemeente")
    by_town = next(i for i in grouped["themes"][0]["items"] if i["survey"] == "panel")
    assert set(by_town["figures"]) == {"Deventer", "Zwolle"}


def test_command_links_join_codebook_links(joint_project: Coder, tmp_path: Path) -> None:
    doc, _ = joint_json(joint_project, tmp_path)
    limits = next(t for t in doc["themes"] if t["code"] == "eigen-kracht/beperkingen")
    assert [(i["survey"], i["item"], i["source"]) for i in limits["items"]] == [("panel", "q2", "link")]


def test_exemplars_are_exact_and_limited(joint_project: Coder, tmp_path: Path) -> None:
    doc, _ = joint_json(joint_project, tmp_path, "--exemplars", "1", "--depth", "1")
    assert [t["code"] for t in doc["themes"]] == ["generalistisch", "eigen-kracht"]
    [rolled] = doc["themes"][1]["items"]  # beperkingen's link, shown under its theme
    assert (rolled["item"], rolled["linked_code"]) == ("q2", "eigen-kracht/beperkingen")
    md = tmp_path / "joint.md"
    assert joint_project("export", "joint", "--depth", "1", "-o", str(md)).exit_code == 0
    assert "q2 — Het sociaal team werkt samen (via Beperkingen) |" in md.read_text(encoding="utf-8")
    texts = {t: joint_project("transcripts", "show", t, "--text").stdout for t in ("T01", "T02", "T03")}
    for theme in doc["themes"]:
        assert len(theme["exemplars"]) == 1
        for q in theme["exemplars"]:
            assert q["text"] == texts[q["transcript"]][q["start"] : q["end"]]


def test_pick_exemplars_prefers_key_quotes_then_new_voices() -> None:
    def quote(tid: str, start: int, code: str = "a", key: bool = False) -> Quote:
        return Quote(tid, start, start + 1, "x", code, {}, key_quote=key)

    quotes = [
        quote("R1", 0),
        quote("R1", 5),
        quote("R2", 0, "a/b"),
        quote("R3", 0, "a/b"),
        quote("R3", 9, key=True),
    ]
    picked = pick_exemplars(sorted(quotes, key=lambda q: not q.key_quote), 3)
    # the key quote; then R2, a new voice on a new subcode; then R1, a new voice
    assert [(q.transcript, q.start) for q in picked] == [("R3", 9), ("R2", 0), ("R1", 0)]


def test_a_link_to_an_item_the_survey_lacks_is_an_error(joint_project: Coder, tmp_path: Path) -> None:
    other = tmp_path / "enquete.csv"
    other.write_text("item;2017\nq1;3,5\n", encoding="utf-8")
    assert joint_project("survey", "import", str(other), "--name", "enquete").exit_code == 0
    out = tmp_path / "joint.md"
    result = joint_project("export", "joint", "-o", str(out))
    assert result.exit_code == 1
    assert "links to enquete:q9 (in the codebook), but survey 'enquete' has no item 'q9'" in result.stderr
    assert not out.exists()


def test_html_joint_display_has_svg_bars_and_exact_quotes(joint_project: Coder, tmp_path: Path) -> None:
    doc, _ = joint_json(joint_project, tmp_path)
    out = tmp_path / "joint.html"
    assert joint_project("export", "joint", "-o", str(out)).exit_code == 0
    tree = lxml_html.fromstring(out.read_bytes())
    rows = tree.xpath("//table[contains(@class, 'joint')]/tbody/tr")
    assert [r.get("id") for r in rows] == ["c-" + t["code"].replace("/", "--") for t in doc["themes"]]
    items = tree.xpath("//div[@class='item']")
    assert len(items) == sum(len(t["items"]) for t in doc["themes"]) == 3
    assert all(i.xpath(".//*[local-name()='svg']//*[local-name()='rect']") for i in items)
    shown = [p.text_content() for p in tree.find_class("quote-text")]
    assert shown == [q["text"] for t in doc["themes"] for q in t["exemplars"]]
    assert not tree.xpath("//script | //link | //img")


def test_markdown_csv_and_xlsx_joint_displays(joint_project: Coder, tmp_path: Path) -> None:
    md = tmp_path / "joint.md"
    assert joint_project("export", "joint", "-o", str(md), "--lang", "en").exit_code == 0
    text = md.read_text(encoding="utf-8")
    assert text.startswith("# Joint display: themes and survey figures")
    assert "| bakens | 3_1 — Generalistisch werken | 2015: 4.6 · 2016: 4.6 · 2017: 4.7 | +0.1 |" in text
    assert "two-sided Mann-Whitney U test" in text
    out = tmp_path / "joint.csv"
    assert joint_project("export", "joint", "-o", str(out)).exit_code == 0
    with out.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    row = next(r for r in rows if r["item"] == "3_1")
    assert (row["code"], row["n_quotes"], row["2015"], row["2017"]) == ("generalistisch", "5", "4.6", "4.7")
    assert row["exemplar_1"] and row["exemplar_1_transcript"] == "T01"
    assert {r["code"] for r in rows} >= {"generalistisch/spanningsveld"}  # themes without links stay in
    xlsx = tmp_path / "joint.xlsx"
    assert joint_project("export", "joint", "-o", str(xlsx)).exit_code == 0
    sheet = openpyxl.load_workbook(xlsx, read_only=True)["Joint display"]
    header = next(sheet.iter_rows(values_only=True))
    assert header[:4] == ("code", "name", "depth", "n_quotes") and "2016" in header
