"""One validation for code ids, code names and coder names, on every path that makes them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from coder.errors import CoderError
from coder.naming import check_code_id, check_coder_name
from tests.conftest import Coder

BAD_IDS = ["..", "a b", "=cmd", "", " x", "x/y", ".hidden", "a..b", 'x" onmouseover="alert(1)']


@pytest.mark.parametrize("bad", BAD_IDS)
def test_bad_ids_are_refused_with_a_hint(bad: str) -> None:
    with pytest.raises(CoderError) as caught:
        check_code_id(bad)
    assert caught.value.hint and "lowercase" in caught.value.hint


@pytest.mark.parametrize("good", ["privacy", "eigen-kracht", "zorg_2", "privé", "v1.2", "ziekte-ø"])
def test_slugs_with_unicode_letters_are_fine(good: str) -> None:
    assert check_code_id(good) == good


def one_line(result: object, *words: str) -> None:
    out = result.output  # type: ignore[attr-defined]
    assert result.exit_code == 1 and len(out.strip().splitlines()) == 1, out  # type: ignore[attr-defined]
    assert "Traceback" not in out and all(w in out for w in words), out


@pytest.mark.parametrize("bad", ["..", "a b", "=cmd", "Privé", 'x" onmouseover="alert(1)'])
def test_codes_add_refuses_bad_ids(loaded: Coder, bad: str) -> None:
    one_line(loaded("codes", "add", "Iets", "--coder", "anna", "--id", bad), "code id")


def test_codes_add_refuses_a_case_twin(loaded: Coder) -> None:
    one_line(loaded("codes", "add", "Spanning", "--coder", "anna", "--id", "Spanningsveld"), "spanningsveld")
    assert loaded("codes", "add", "Werkdruk", "--coder", "anna").exit_code == 0


def test_empty_names_are_refused_on_add_and_rename(loaded: Coder) -> None:
    one_line(loaded("codes", "add", "  ", "--coder", "anna"), "name")
    one_line(loaded("codes", "rename", "spanningsveld", "   "), "name")
    assert "Spanningsveld" in loaded("codebook", "show").output


def test_add_missing_codes_uses_the_existing_id_whatever_the_case(loaded: Coder, tmp_path: Path) -> None:
    rows = tmp_path / "rows.csv"
    rows.write_text(
        "transcript,start,end,code\nT01,0,5,Spanningsveld\nT01,5,9,Generalistisch/Spanningsveld\n"
    )
    result = loaded("codings", "import", str(rows), "--coder", "anna", "--add-missing-codes")
    assert result.exit_code == 0, result.output
    book = json.loads(loaded("codebook", "show", "--json").output)
    ids = []
    stack = list(book["codes"])
    while stack:
        code = stack.pop()
        ids.append(code["id"])
        stack.extend(code.get("children", []))
    assert "spanningsveld" in ids and "Spanningsveld" not in ids and "Generalistisch" not in ids
    exported = tmp_path / "out.csv"
    assert loaded("codings", "export", "--coder", "anna", "-o", str(exported)).exit_code == 0
    assert exported.read_text().count("generalistisch/spanningsveld") == 2


@pytest.mark.parametrize("bad", ["..", "a b", "=cmd"])
def test_add_missing_codes_refuses_bad_ids_and_changes_nothing(
    loaded: Coder, tmp_path: Path, bad: str
) -> None:
    rows = tmp_path / "rows.csv"
    rows.write_text(f'transcript,start,end,code\nT01,0,5,generalistisch\nT01,0,5,"{bad}"\n')
    one_line(loaded("codings", "import", str(rows), "--coder", "anna", "--add-missing-codes"), "row 3")
    assert loaded("codings", "export", "--coder", "anna", "-o", str(tmp_path / "o.csv")).exit_code == 0
    assert (tmp_path / "o.csv").read_text().strip() == "transcript,start,end,code,memo"


def test_codebook_yaml_refuses_case_twins_and_bad_ids(coder: Coder, tmp_path: Path) -> None:
    twins = tmp_path / "twins.yaml"
    twins.write_text("codes:\n  - {id: privacy, name: P}\n  - {id: Privacy, name: Q}\n", encoding="utf-8")
    one_line(coder("codebook", "load", str(twins)), "line 3")
    dots = tmp_path / "dots.yaml"
    dots.write_text("codes:\n  - {id: '..', name: P}\n", encoding="utf-8")
    one_line(coder("codebook", "load", str(dots)), "line 2", "not a slug")


def test_exported_codebook_loads_again(loaded: Coder, tmp_path: Path) -> None:
    assert loaded("codes", "add", "Privé zaken", "--coder", "anna", "--id", "privé").exit_code == 0
    out = tmp_path / "book.yaml"
    assert loaded("codebook", "export", "--format", "yaml", "-o", str(out)).exit_code == 0
    assert loaded("codebook", "load", str(out)).exit_code == 0


def test_coder_names_are_trimmed_and_may_not_hold_commas(loaded: Coder, tmp_path: Path) -> None:
    assert check_coder_name("  anna ") == "anna"
    rows = tmp_path / "rows.csv"
    rows.write_text("transcript,start,end,code\nT01,0,5,generalistisch\n")
    one_line(loaded("codings", "import", str(rows), "--coder", "anna,bram"), "','")
    assert loaded("codings", "import", str(rows), "--coder", "  anna  ").exit_code == 0
    assert "anna" in loaded("transcripts", "--json").output
    assert '"  anna  "' not in loaded("transcripts", "--json").output
