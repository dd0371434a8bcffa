"""REFI-QDA .qdc codebooks: schema-valid output, lossless round trip."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from coder.errors import InputFormatError
from coder.formats.codebook import parse_codebook
from coder.formats.qdc import read_qdc, write_qdc
from tests.conftest import CODEBOOK_YAML

SHARED = Path(__file__).resolve().parents[2] / "shared" / "refi-qda"


def _with_guids():
    import dataclasses
    import uuid

    book = parse_codebook(CODEBOOK_YAML)
    codes = tuple(
        dataclasses.replace(c, guid=str(uuid.uuid4()), color="#4C72B0" if c.parent_id is None else None)
        for c in book.codes
    )
    return dataclasses.replace(book, codes=codes)


def test_qdc_round_trip_keeps_tree_guids_and_ids(tmp_path: Path) -> None:
    book = _with_guids()
    out = tmp_path / "book.qdc"
    write_qdc(book, out)
    again = read_qdc(out, {c.guid: c.id for c in book.codes})
    assert [(c.id, c.guid, c.name, c.parent_id, c.description, c.color) for c in again.tree_order()] == [
        (c.id, c.guid, c.name, c.parent_id, c.description, c.color) for c in book.tree_order()
    ]
    fresh = read_qdc(out)
    assert [c.id for c in fresh.tree_order()][:2] == ["generalistisch-werken", "handelingsverlegenheid"]


def test_invalid_qdc_is_refused_with_a_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.qdc"
    bad.write_text(
        '<?xml version="1.0"?>\n<CodeBook xmlns="urn:QDA-XML:codebook:1.0">\n<Codes><Code name="x"/></Codes></CodeBook>',
        encoding="utf-8",
    )
    with pytest.raises(InputFormatError, match="line 3: does not match the REFI-QDA schema"):
        read_qdc(bad)
    (tmp_path / "junk.qdc").write_text("<nope", encoding="utf-8")
    with pytest.raises(InputFormatError, match="not well-formed"):
        read_qdc(tmp_path / "junk.qdc")


@pytest.mark.skipif(not SHARED.is_dir(), reason="REFI-QDA examples not present")
def test_reads_the_codebook_of_a_real_atlas_project(tmp_path: Path) -> None:
    with zipfile.ZipFile(SHARED / "examples" / "atlas-target-project.qdpx") as zf:
        name = next(n for n in zf.namelist() if n.lower().endswith(".qde"))
        (tmp_path / "project.qde").write_bytes(zf.read(name))
    book = read_qdc(tmp_path / "project.qde")
    assert book.codes and any(c.parent_id for c in book.codes)
