"""Aggregate tables whose key is not the first column: detection, --id/--label/--figures, close matches."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import Coder

TABLE = """\
key,group,question,mean_2019,mean_2020,line,note
A1.1,1,Ik werk vanuit de vraag van de burger en niet vanuit het aanbod,3.4,3.6,1,
A1.2,1,Ik kijk breed naar alle leefgebieden van het huishouden,3.1,3.3,2,klein
A2.1,2,Ik weet bij wie ik terecht kan als ik vastloop in een casus,3.8,3.9,3,
A2.2,2,Ik heb voldoende tijd voor de huishoudens die ik begeleid,2.7,2.5,4,
"""


def _code(loaded: Coder) -> str:
    from coder.services.codings import apply_code
    from coder.services.project import open_project

    store = open_project(loaded.root)
    text = store.get_transcript("T01").text
    words = "ik werk nu drie jaar in het team"
    apply_code(store, "anna", "T01", text.index(words), text.index(words) + len(words), "generalistisch")
    store.close()
    return words


def _joint(loaded: Coder, tmp_path: Path) -> dict:
    _code(loaded)
    out = tmp_path / "joint.json"
    result = loaded("export", "joint", "--coder", "anna", "-o", str(out))
    assert result.exit_code == 0, result.output
    return json.loads(out.read_text(encoding="utf-8"))


def _table(tmp_path: Path) -> Path:
    path = tmp_path / "monitor.csv"
    path.write_text(TABLE, encoding="utf-8")
    return path


def test_key_column_is_detected_and_counters_are_not_figures(loaded: Coder, tmp_path: Path) -> None:
    assert loaded("survey", "import", str(_table(tmp_path)), "--name", "monitor").exit_code == 0
    shown = json.loads(loaded("survey", "show", "monitor", "--json").stdout)
    text = json.dumps(shown)
    assert "A1.1" in text and "A2.2" in text
    result = loaded("link", "generalistisch", "monitor:A1.2")
    assert result.exit_code == 0, result.output
    joint = _joint(loaded, tmp_path)
    (item,) = [i for t in joint["themes"] for i in t["items"]]
    assert item["item"] == "A1.2" and item["label"].startswith("Ik kijk breed")
    assert item["figures"] == {"mean_2019": 3.1, "mean_2020": 3.3}


def test_columns_can_be_chosen(loaded: Coder, tmp_path: Path) -> None:
    path = _table(tmp_path)
    result = loaded(
        "survey",
        "import",
        str(path),
        "--name",
        "m",
        "--id",
        "key",
        "--label",
        "note",
        "--figures",
        "mean_2020,line",
    )
    assert result.exit_code == 0, result.output
    loaded("link", "generalistisch", "m:A1.2")
    joint = _joint(loaded, tmp_path)
    (item,) = [i for t in joint["themes"] for i in t["items"]]
    assert item["figures"] == {"mean_2020": 3.3, "line": 2.0} and item["label"] == "klein"
    bad = loaded("survey", "import", str(path), "--name", "m2", "--id", "nope")
    assert bad.exit_code == 1 and "no column named 'nope'" in bad.output


def test_an_unknown_item_lists_a_few_close_matches(loaded: Coder, tmp_path: Path) -> None:
    loaded("survey", "import", str(_table(tmp_path)), "--name", "monitor")
    result = loaded("link", "generalistisch", "monitor:A1.3")
    assert result.exit_code == 1
    assert "Did you mean" in result.output and "A1.1" in result.output


def test_joint_display_as_docx_has_a_table_per_theme_and_the_quotes(loaded: Coder, tmp_path: Path) -> None:
    from docx import Document

    words = _code(loaded)
    loaded("survey", "import", str(_table(tmp_path)), "--name", "monitor")
    loaded("link", "generalistisch", "monitor:A1.2")
    out = tmp_path / "joint.docx"
    result = loaded("export", "joint", "--coder", "anna", "--lang", "en", "-o", str(out))
    assert result.exit_code == 0, result.output
    document = Document(str(out))
    (table,) = document.tables
    rows = [[c.text for c in r.cells] for r in table.rows]
    assert rows[0][:4] == ["Survey", "Item", "mean_2019", "mean_2020"]
    assert (
        rows[1][0] == "monitor"
        and rows[1][1].startswith("A1.2 — Ik kijk breed")
        and rows[1][2:4] == ["3.1", "3.3"]
    )
    quotes = [p.text for p in document.paragraphs if p.style.name == "Quote"]
    assert quotes == [words]
