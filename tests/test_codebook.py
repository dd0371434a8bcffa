"""Codebook YAML: validation with file and line, and a lossless round trip."""

from __future__ import annotations

from pathlib import Path

import pytest

from coder.errors import InputFormatError
from coder.formats.codebook import dump_codebook_yaml, load_codebook, parse_codebook, slugify
from tests.conftest import CODEBOOK_YAML


def test_parse_nested_tree_in_order() -> None:
    book = parse_codebook(CODEBOOK_YAML, "cb.yaml")
    assert book.name == "Test codebook"
    assert [c.id for c in book.tree_order()] == [
        "generalistisch",
        "handelingsverlegenheid",
        "spanningsveld",
        "eigen-kracht",
        "beperkingen",
    ]
    assert book.path("beperkingen") == "eigen-kracht/beperkingen"
    assert book.descendants("generalistisch") == {"generalistisch", "handelingsverlegenheid", "spanningsveld"}


def test_round_trip_through_yaml() -> None:
    book = parse_codebook(CODEBOOK_YAML)
    again = parse_codebook(dump_codebook_yaml(book))
    assert again.codes == book.codes


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "codes:\n  - id: a\n    name: A\n  - id: a\n    name: B\n",
            r"line 4: duplicate code id 'a' \(first at line 2\)",
        ),
        ("codes:\n  - id: a\n    name: [unclosed\n", "malformed YAML"),
        ("codes:\n  - id: a\n", "line 2: code 'a' has no name"),
        ("codes:\n  - id: Not A Slug\n    name: x\n", "not a slug"),
        ("name: x\n", "top-level `codes:` list"),
        ("codes:\n  - {id: a, name: A, parent: b}\n  - {id: b, name: B, parent: a}\n", "cycle"),
        ("codes:\n  - {id: a, name: A, parent: zz}\n", "parent 'zz' of 'a' does not exist"),
        ("codes:\n  - {id: a, name: A, links: [nocolon]}\n", "not SURVEY:ITEM"),
        ("codes:\n  - {id: a, name: A, colour: red}\n", "unknown key"),
    ],
)
def test_bad_codebooks_name_the_problem(text: str, message: str) -> None:
    with pytest.raises(InputFormatError, match=message):
        parse_codebook(text, "cb.yaml")


def test_load_names_the_file_and_rejects_other_formats(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("codes:\n  - id: a\n    name: A\n  - id: a\n    name: B\n", encoding="utf-8")
    with pytest.raises(InputFormatError, match=r"bad\.yaml"):
        load_codebook(bad)
    with pytest.raises(InputFormatError, match="unsupported codebook format"):
        load_codebook(tmp_path / "codes.txt")


def test_slugify() -> None:
    assert slugify("Privacy & wetgeving (AVG)") == "privacy-wetgeving-avg"
    assert slugify("Coördinatie") == "coordinatie"
