"""Commands that write under a typed --coder name refuse a look-alike of a known coder."""

from __future__ import annotations

from pathlib import Path

import pytest

from coder.services.project import open_project
from tests.conftest import Coder


@pytest.fixture
def anna(loaded: Coder, tmp_path: Path) -> Coder:
    """The loaded project with anna's layer (one code of her own)."""
    assert loaded("codes", "add", "Werkdruk", "--coder", "anna").exit_code == 0
    return loaded


def _coders(coder: Coder) -> list[str]:
    store = open_project(coder.root)
    try:
        return [c["name"] for c in store.coders()]
    finally:
        store.close()


def _state(coder: Coder) -> tuple[int, int, int]:
    """Codes, codings and audit entries: what a refused command must leave alone."""
    store = open_project(coder.root)
    try:
        return len(store.codebook().codes), len(store.codings()), len(store.audit_entries())
    finally:
        store.close()


def _empty_rows(tmp_path: Path) -> str:
    rows = tmp_path / "rows.csv"
    rows.write_text("transcript,start,end,code\n", encoding="utf-8")
    return str(rows)


def _writers(tmp_path: Path, name: str) -> list[list[str]]:
    """Each command that creates a coder layer, run as ``name``."""
    return [
        ["codings", "import", _empty_rows(tmp_path), "--coder", name],
        ["codes", "add", f"Nieuw {name}", "--coder", name],
        ["autocode", "--query", "hulpvragen", "--code", "beperkingen", "--coder", name],
    ]


@pytest.mark.parametrize("which", [0, 1, 2])
@pytest.mark.parametrize("name", ["Anna", "Änna", "anan"])
def test_a_look_alike_name_is_refused_and_creates_nothing(
    anna: Coder, tmp_path: Path, which: int, name: str
) -> None:
    before = _state(anna)
    result = anna(*_writers(tmp_path, name)[which])
    assert result.exit_code == 1
    [line] = result.output.strip().splitlines()
    assert f"{name!r} looks like 'anna'" in line and "--new-coder" in line
    assert _coders(anna) == ["anna"]
    assert _state(anna) == before


@pytest.mark.parametrize("which", [0, 1, 2])
def test_new_coder_confirms_a_genuinely_new_person(anna: Coder, tmp_path: Path, which: int) -> None:
    assert anna(*_writers(tmp_path, "Anna")[which], "--new-coder").exit_code == 0
    assert _coders(anna) == ["Anna", "anna"]


@pytest.mark.parametrize("which", [0, 1, 2])
def test_known_and_unrelated_names_need_no_confirmation(anna: Coder, tmp_path: Path, which: int) -> None:
    assert anna(*_writers(tmp_path, "anna")[which]).exit_code == 0
    assert anna(*_writers(tmp_path, "bram")[which]).exit_code == 0
    assert _coders(anna) == ["anna", "bram"]


def test_suggest_refuses_an_unknown_coder_and_names_the_one_meant(anna: Coder) -> None:
    near = anna("suggest", "--code", "beperkingen", "--coder", "Anna")
    assert near.exit_code == 1 and "no coder 'Anna'" in near.output and "did you mean anna?" in near.output
    unknown = anna("suggest", "--code", "beperkingen", "--coder", "zed")
    assert unknown.exit_code == 1 and "coders: anna" in unknown.output
    assert _coders(anna) == ["anna"]
    assert anna("suggest", "--code", "beperkingen", "--coder", "anna").exit_code == 0
