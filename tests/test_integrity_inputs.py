"""Silent acceptances turned into clear words: survey columns, front-matter lists, init renaming."""

from __future__ import annotations

from pathlib import Path

import pytest

from coder.errors import InputFormatError
from coder.formats.transcripts.frontmatter import split_front_matter
from coder.services.project import open_project
from tests.conftest import Coder


def test_a_year_column_spoiled_by_notes_is_named_not_dropped(coder: Coder, tmp_path: Path) -> None:
    table = tmp_path / "bakens.csv"
    table.write_text("item;2016;2017\nb1;4,5;zie noot\nb2;4,1;4,6\nb3;3,9;onbekend\n", encoding="utf-8")
    result = coder("survey", "import", str(table), "--name", "bakens")
    assert result.exit_code == 0
    warning = [line for line in result.stderr.splitlines() if "'2017'" in line]
    assert warning and "rows 2, 4" in warning[0] and "zie noot" in warning[0]


def test_a_clean_text_column_gives_no_warning(coder: Coder, tmp_path: Path) -> None:
    table = tmp_path / "bakens.csv"
    table.write_text("item;label;2016\nb1;Baken een;4,5\nb2;Baken twee;4,1\n", encoding="utf-8")
    result = coder("survey", "import", str(table), "--name", "bakens")
    assert result.exit_code == 0 and "Warning" not in result.stderr


def test_front_matter_list_is_refused_with_its_line() -> None:
    with pytest.raises(InputFormatError, match=r"^x\.txt line 2: front matter is a list"):
        split_front_matter("---\n- Zwolle\n- generalist\n---\n\nI: Hallo?\n", "x.txt")


def test_a_rule_then_text_is_still_text() -> None:
    text = "---\n- een opsomming zonder afsluiting\nI: Hallo?\n"
    assert split_front_matter(text, "x.txt") == ({}, text)


def test_init_again_changes_nothing_and_refuses_to_rename(tmp_path: Path) -> None:
    coder = Coder(tmp_path / "p")
    assert coder("init", "--name", "Sociale teams").exit_code == 0
    assert "Already a project" in coder("init").output
    refused = coder("init", "--name", "Iets anders")
    assert refused.exit_code == 1 and "--rename" in refused.stderr
    assert coder("init", "--name", "Sociale teams").exit_code == 0
    store = open_project(coder.root)
    assert store.get_setting("name") == "Sociale teams"
    store.close()
    assert coder("init", "--name", "Iets anders", "--rename").exit_code == 0
    store = open_project(coder.root)
    assert store.get_setting("name") == "Iets anders"
    store.close()
