"""Survey import, listing and links between codes and survey items (CLI and service)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pyreadstat
import pytest

import coder.cli.export_cmds  # noqa: F401  (registers the commands)
from coder.errors import CoderError
from coder.services import surveys
from coder.storage import Store
from tests.conftest import CODEBOOK_YAML, Coder

DATA = Path(__file__).parent / "data" / "survey"
LINKED_CODEBOOK = CODEBOOK_YAML.replace(
    "    description: Breed kijken naar de vraag.\n",
    "    description: Breed kijken naar de vraag.\n    links: [bakens:3_1, enquete:q9]\n",
)


def listing(project: Coder) -> list[dict]:
    result = project("survey", "list", "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_import_list_and_show_an_aggregate_table(loaded: Coder) -> None:
    result = loaded("survey", "import", str(DATA / "bakens.csv"), "--name", "bakens", "--json")
    assert result.exit_code == 0, result.output
    stored = json.loads(result.stdout)
    assert (stored["kind"], stored["n_rows"], stored["items"]) == ("aggregate", 3, ["3_1", "3_2", "3_3"])
    [row] = listing(loaded)
    assert (row["name"], row["kind"], row["source_file"], row["n_items"]) == (
        "bakens",
        "aggregate",
        "bakens.csv",
        3,
    )
    doc = json.loads(loaded("survey", "show", "bakens", "--json").stdout)
    first = doc["items"][0]
    assert (first["item"], first["label"]) == ("3_1", "Generalistisch werken")
    assert first["figures"] == {"2015": 4.6, "2016": 4.6, "2017": 4.7}
    assert doc["items"][1]["figures"] == {"2015": 3.9, "2016": 4.1}  # the empty 2017 cell is left out
    assert "bakens" in loaded("survey", "show", "bakens").stdout


def test_import_respondent_data_with_labels_and_replace(loaded: Coder, tmp_path: Path) -> None:
    assert loaded("survey", "import", str(DATA / "panel.csv"), "--name", "panel").exit_code == 0
    doc = json.loads(loaded("survey", "show", "panel", "--json").stdout)
    assert doc["kind"] == "respondents" and doc["group_columns"][0] == "jaar"
    assert doc["items"][0]["label"] == "Ik weet bij wie ik terecht kan"
    assert set(doc["items"][0]["figures"]) >= {"2016"}
    again = loaded("survey", "import", str(DATA / "bakens.csv"), "--name", "panel")
    assert again.exit_code == 0 and again.stdout.startswith("replaced panel: aggregate")
    assert [r["kind"] for r in listing(loaded)] == ["aggregate"]


BAD_FILES = {
    "pipes.csv": ("item|2015|2016\nq1|4|5\n", "cannot tell which delimiter"),
    "doubles.csv": ("item;2015\nq1;4,5\nq1;4,6\n", "item key 'q1' appears more than once (rows 2, 3)"),
    "words.csv": (
        "item;2015\nq1;4,5\nq2;4,1\nq3;veel\n",
        "row 4 (item 'q3'), column '2015': 'veel' is not a number",
    ),
    "fake.sav": ("this is not SPSS", "fake.sav is not an SPSS .sav file"),
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_bad_survey_files_exit_1_and_store_nothing(loaded: Coder, tmp_path: Path, name: str) -> None:
    text, message = BAD_FILES[name]
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    result = loaded("survey", "import", str(path), "--name", "s")
    assert result.exit_code == 1
    assert message in result.stderr and result.stderr.count("\n") == 1
    assert listing(loaded) == []


def test_a_survey_name_must_fit_in_links(store: Store) -> None:
    with pytest.raises(CoderError, match="cannot be used in links"):
        surveys.import_survey(store, DATA / "bakens.csv", "my survey")
    assert store.survey_names() == []


# --- links --------------------------------------------------------------------------


@pytest.fixture
def linked(loaded: Coder, tmp_path: Path) -> Coder:
    """The test project with bakens imported and a codebook that links to bakens and to enquete."""
    book = tmp_path / "linked.yaml"
    book.write_text(LINKED_CODEBOOK, encoding="utf-8")
    assert loaded("codebook", "load", str(book)).exit_code == 0
    assert loaded("survey", "import", str(DATA / "bakens.csv"), "--name", "bakens").exit_code == 0
    return loaded


def links_json(project: Coder) -> list[dict]:
    return json.loads(project("links", "--json").stdout)


def test_links_are_the_union_of_codebook_and_command(linked: Coder) -> None:
    result = linked("link", "generalistisch/spanningsveld", "bakens:3_2")
    assert result.exit_code == 0 and "Eigen kracht" in result.stdout
    assert linked("link", "generalistisch", "bakens:3_1").exit_code == 0
    found = {(r["code"], r["survey"], r["item"]): r for r in links_json(linked)}
    assert set(found) == {
        ("generalistisch", "bakens", "3_1"),
        ("generalistisch", "enquete", "q9"),
        ("spanningsveld", "bakens", "3_2"),
    }
    assert found[("generalistisch", "bakens", "3_1")]["source"] == "both"
    assert found[("spanningsveld", "bakens", "3_2")]["source"] == "link"
    assert found[("spanningsveld", "bakens", "3_2")]["code_path"] == "generalistisch/spanningsveld"
    assert found[("generalistisch", "enquete", "q9")]["status"] == "survey not imported"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["spanningsveld", "bakens:9_9"], "survey 'bakens' has no item '9_9'"),
        (["spanningsveld", "enquete:q1"], "no survey named 'enquete'"),
        (["nergens", "bakens:3_1"], "unknown code 'nergens'"),
        (["spanningsveld", "bakens"], "is not SURVEY:ITEM"),
    ],
)
def test_bad_links_exit_1_naming_what_is_wrong(linked: Coder, args: list[str], message: str) -> None:
    result = linked("link", *args)
    assert result.exit_code == 1 and message in result.stderr
    assert len(links_json(linked)) == 2


def test_remove_a_link_from_the_table_and_the_codebook(linked: Coder) -> None:
    linked("link", "spanningsveld", "bakens:3_2")
    assert linked("link", "--remove", "spanningsveld", "bakens:3_2").exit_code == 0
    removed = linked("link", "--remove", "generalistisch", "bakens:3_1")
    assert removed.exit_code == 0 and "working codebook" in removed.stdout
    assert [(r["survey"], r["item"]) for r in links_json(linked)] == [("enquete", "q9")]
    again = linked("link", "--remove", "generalistisch", "bakens:3_1")
    assert again.exit_code == 1 and "is not linked to bakens:3_1" in again.stderr


def test_importing_a_survey_warns_about_links_to_missing_items(linked: Coder, tmp_path: Path) -> None:
    other = tmp_path / "enquete.csv"
    other.write_text("item;2017\nq1;3,5\n", encoding="utf-8")
    result = linked("survey", "import", str(other), "--name", "enquete")
    assert result.exit_code == 0
    assert "Warning: generalistisch links to enquete:q9, which enquete.csv does not have" in result.stderr
    status = {(r["survey"], r["item"]): r["status"] for r in links_json(linked)}
    assert status[("enquete", "q9")] == "unknown item"


def test_import_spss_and_excel_files(loaded: Coder, tmp_path: Path) -> None:
    frame = pd.DataFrame({"jaar": [2016.0, 2016.0, 2017.0, 2017.0], "q1": [1.0, 2.0, 4.0, 5.0]})
    sav = tmp_path / "panel.sav"
    pyreadstat.write_sav(
        frame, str(sav), column_labels={"jaar": "Jaar", "q1": "Ik weet bij wie ik terecht kan"}
    )
    assert loaded("survey", "import", str(sav), "--name", "spss").exit_code == 0
    doc = json.loads(loaded("survey", "show", "spss", "--json").stdout)
    assert doc["kind"] == "respondents" and doc["items"][0]["label"] == "Ik weet bij wie ik terecht kan"
    assert doc["items"][0]["figures"] == {"2016": 1.5, "2017": 4.5}
    xlsx = tmp_path / "bakens.xlsx"
    pd.DataFrame({"item": ["3_1"], "2016": [4.6], "2017": [4.7]}).to_excel(xlsx, index=False)
    assert loaded("survey", "import", str(xlsx), "--name", "excel").exit_code == 0
    assert json.loads(loaded("survey", "show", "excel", "--json").stdout)["items"][0]["figures"] == {
        "2016": 4.6,
        "2017": 4.7,
    }
