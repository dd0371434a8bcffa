"""Hostile data in, trusted files out: formula injection, atomic 0600 exports."""

from __future__ import annotations

import csv
import os
import stat
import zipfile
from pathlib import Path

import openpyxl
import pytest

import coder.cli.export_cmds  # noqa: F401  (registers the commands)
from coder.formats.outfile import atomic_output
from coder.services.project import open_project
from tests.conftest import Coder

FORMULA = '=HYPERLINK("http://evil.example","x")'
YAML_FORMULA = FORMULA.replace('"', '\\"')
TRANSCRIPT = f"""---
gemeente: "{YAML_FORMULA}"
rol: "+31 6 1234"
---

I: Wat zei u?

R: {FORMULA} zei ik toen.

I: En daarna?

R: @SUM(1+1) en -2 erbij.
"""
CODEBOOK = """\
name: Hostile
codes:
  - id: formule
    name: "=Formule"
    description: "-- begint met een min"
  - id: ander
    name: "@ander"
"""


@pytest.fixture
def hostile(coder: Coder, tmp_path: Path) -> Coder:
    """A project whose attributes, code names, quotes and memos look like formulas."""
    source = tmp_path / "H01.txt"
    source.write_text(TRANSCRIPT, encoding="utf-8")
    book = tmp_path / "book.yaml"
    book.write_text(CODEBOOK, encoding="utf-8")
    assert coder("import", str(source)).exit_code == 0
    assert coder("codebook", "load", str(book)).exit_code == 0
    store = open_project(coder.root)
    try:
        text = store.transcript_texts()["H01"]
        with store.transaction():
            store.ensure_coder("final", kind="consensus")
            for passage, code in ((FORMULA, "formule"), ("@SUM(1+1) en -2 erbij.", "ander")):
                start = text.index(passage)
                store.add_coding("final", "H01", start, start + len(passage), code, memo="-memo " + FORMULA)
    finally:
        store.close()
    return coder


EXPORTS = [
    ("quotes", []),
    ("table", []),
    ("matrix", ["--kind", "attribute", "--by", "gemeente"]),
    ("matrix", ["--kind", "presence"]),
    ("joint", []),
]


def _export(project: Coder, out: Path, kind: str, options: list[str], *extra: str) -> None:
    result = project("export", kind, "--coder", "final", "-o", str(out), *options, *extra)
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(("kind", "options"), EXPORTS)
def test_xlsx_exports_never_hold_a_formula(
    hostile: Coder, tmp_path: Path, kind: str, options: list[str]
) -> None:
    out = tmp_path / f"{kind}.xlsx"
    _export(hostile, out, kind, options)
    with zipfile.ZipFile(out) as zf:
        sheets = [zf.read(n).decode() for n in zf.namelist() if n.startswith("xl/worksheets/")]
    assert sheets and not any("<f>" in s or "<f " in s for s in sheets)
    values = {
        c
        for ws in openpyxl.load_workbook(out).worksheets
        for row in ws.iter_rows(values_only=True)
        for c in row
        if isinstance(c, str)
    }
    if kind in ("quotes", "table", "joint"):
        assert FORMULA in values
    if kind == "matrix" and "gemeente" in options:
        assert FORMULA in values  # the attribute value as a column header


@pytest.mark.parametrize(("kind", "options"), EXPORTS)
def test_csv_exports_prefix_formula_cells(
    hostile: Coder, tmp_path: Path, kind: str, options: list[str]
) -> None:
    out = tmp_path / f"{kind}.csv"
    _export(hostile, out, kind, options)
    cells = [c for row in csv.reader(out.open(encoding="utf-8")) for c in row]
    assert not [c for c in cells if c[:1] in ("=", "+", "@", "\t", "\r") or c.startswith("-m")]
    if kind != "matrix" or "gemeente" in options:
        assert "'" + FORMULA in cells or any(c.startswith("'" + FORMULA) for c in cells)


def test_no_csv_protect_writes_cells_unchanged(hostile: Coder, tmp_path: Path) -> None:
    out = tmp_path / "table.csv"
    _export(hostile, out, "table", [], "--no-csv-protect")
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert {r["text"] for r in rows} >= {FORMULA}
    assert {r["memo"] for r in rows} == {"-memo " + FORMULA}


FORMATS = {
    "quotes": ["md", "csv", "json", "docx", "html", "xlsx"],
    "table": ["csv", "xlsx"],
    "matrix": ["csv", "xlsx", "sav"],
    "joint": ["md", "csv", "xlsx", "html", "json", "docx"],
}


def test_every_export_is_created_0600_whatever_the_umask(hostile: Coder, tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        for kind, formats in FORMATS.items():
            for fmt in formats:
                out = tmp_path / f"{kind}-perm.{fmt}"
                _export(hostile, out, kind, [])
                assert stat.S_IMODE(out.stat().st_mode) == 0o600, out
        for args, name in (
            (["codebook", "export", "--format", "yaml"], "book.yaml"),
            (["codebook", "export", "--format", "qdc"], "book.qdc"),
            (["codings", "export", "--coder", "final"], "codings.csv"),
            (["export", "qdpx"], "project.qdpx"),
        ):
            out = tmp_path / name
            result = hostile(*args, "-o", str(out))
            assert result.exit_code == 0, result.output
            assert stat.S_IMODE(out.stat().st_mode) == 0o600, out
    finally:
        os.umask(old)
    assert not list(tmp_path.glob(".*.part"))


def test_a_failed_write_leaves_the_previous_file(tmp_path: Path) -> None:
    out = tmp_path / "q.csv"
    out.write_text("the previous good export\n", encoding="utf-8")
    with pytest.raises(RuntimeError), atomic_output(out) as tmp:
        tmp.write_text("half a fi", encoding="utf-8")
        raise RuntimeError("killed")
    assert out.read_text(encoding="utf-8") == "the previous good export\n"
    assert [p.name for p in tmp_path.iterdir()] == ["q.csv"]


def test_exports_write_through_a_temporary_file_beside_the_output(hostile: Coder, tmp_path: Path) -> None:
    """The export replaces the old file by a rename, so its inode changes."""
    out = tmp_path / "table.csv"
    out.write_text("old\n", encoding="utf-8")
    before = out.stat().st_ino
    _export(hostile, out, "table", [])
    assert out.stat().st_ino != before and out.read_text(encoding="utf-8").startswith("transcript")


def test_an_unwritable_output_is_one_line(hostile: Coder, tmp_path: Path) -> None:
    result = hostile("export", "quotes", "--coder", "final", "-o", str(tmp_path / "nope" / "q.md"))
    assert result.exit_code == 1
    assert "does not exist" in result.output and "Traceback" not in result.output
