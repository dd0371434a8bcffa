"""`coder transcripts show --all/--ids`: many transcripts in one process."""

from __future__ import annotations

import json

from tests.conftest import Coder


def test_show_all_json_is_a_list_of_the_single_documents(loaded: Coder) -> None:
    many = json.loads(loaded("transcripts", "show", "--all", "--json").output)
    assert [d["id"] for d in many] == ["T01", "T02"]
    assert many[1] == json.loads(loaded("transcripts", "show", "T02", "--json").output)


def test_show_ids_keeps_the_order_given(loaded: Coder) -> None:
    many = json.loads(loaded("transcripts", "show", "--ids", "T02, T01", "--json").output)
    assert [d["id"] for d in many] == ["T02", "T01"]
    assert all(d["segments"] and d["text"] for d in many)


def test_show_ids_names_an_unknown_id_and_prints_nothing_else(loaded: Coder) -> None:
    result = loaded("transcripts", "show", "--ids", "T01,T99", "--json")
    assert result.exit_code == 1
    assert "T99" in result.output
    assert "segments" not in result.output


def test_show_needs_exactly_one_choice(loaded: Coder) -> None:
    assert loaded("transcripts", "show").exit_code == 2
    assert loaded("transcripts", "show", "T01", "--all").exit_code == 2
    assert loaded("transcripts", "show", "--all", "--text").exit_code == 2
    human = loaded("transcripts", "show", "--all").output
    assert "== T01" in human and "== T02" in human
