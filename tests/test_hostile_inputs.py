"""Inputs that would eat the machine or reach outside what the user named."""

from __future__ import annotations

import csv
import json
import zipfile
from pathlib import Path

import pytest

import coder.cli.exchange_cmds  # noqa: F401  (registers the commands)
from coder.formats.qdpx import PROJECT_NS
from tests.conftest import Coder

CODE = '<Code guid="22222222-2222-2222-2222-222222222222" name="Zorg" isCodable="true"/>'
SOURCE_GUID = "33333333-3333-3333-3333-333333333333"


def laughs(levels: int = 9) -> str:
    """The 'billion laughs' YAML: each level aliases the one before nine times."""
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, levels):
        name, prev = chr(97 + i), chr(96 + i)
        lines.append(f"{name}: &{name} [{','.join(['*' + prev] * 9)}]")
    return "\n".join(lines) + "\n"


def one_line_error(result: object, *words: str) -> str:
    out = result.output  # type: ignore[attr-defined]
    assert result.exit_code == 1, out  # type: ignore[attr-defined]
    assert "Traceback" not in out and len(out.strip().splitlines()) == 1, out
    for word in words:
        assert word in out, out
    return str(out)


def qdpx(path: Path, *, codes: str = CODE, text_path: str | None = None, doctype: str = "") -> Path:
    """A small REFI-QDA project: one text source (inside the archive unless ``text_path``)."""
    url = text_path or f"internal://{SOURCE_GUID}.txt"
    qde = (
        f'<?xml version="1.0" encoding="utf-8"?>{doctype}<Project xmlns="{PROJECT_NS}" name="x" '
        'basePath="/etc"><Users><User guid="11111111-1111-1111-1111-111111111111" name="Carla"/></Users>'
        f"<CodeBook><Codes>{codes}</Codes></CodeBook><Sources>"
        f'<TextSource guid="{SOURCE_GUID}" name="R07.txt" plainTextPath="{url}"/></Sources></Project>'
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("project.qde", qde)
        zf.writestr(f"sources/{SOURCE_GUID}.txt", "R: de tekst in het archief.")
    return path


# --- YAML ------------------------------------------------------------------------------


def test_billion_laughs_codebook_is_refused_at_once(coder: Coder, tmp_path: Path) -> None:
    book = tmp_path / "lol.yaml"
    book.write_text(laughs() + "codes: [{id: x, name: X}]\n", encoding="utf-8")
    one_line_error(coder("codebook", "load", str(book)), "aliases")


def test_billion_laughs_front_matter_is_refused(coder: Coder, tmp_path: Path) -> None:
    source = tmp_path / "T01.txt"
    source.write_text("---\n" + laughs() + "---\n\nR: tekst.\n", encoding="utf-8")
    one_line_error(coder("import", str(source)), "T01.txt", "aliases")
    assert "T01" not in coder("transcripts").output


def test_billion_laughs_survey_labels_are_refused(coder: Coder, tmp_path: Path) -> None:
    survey = tmp_path / "enquete.csv"
    survey.write_text("id,q1\n1,3\n2,4\n", encoding="utf-8")
    (tmp_path / "enquete-labels.yaml").write_text(laughs(), encoding="utf-8")
    one_line_error(coder("survey", "import", str(survey), "--name", "enquete"), "aliases")


def test_a_few_anchors_are_still_fine(coder: Coder, tmp_path: Path) -> None:
    book = tmp_path / "ok.yaml"
    book.write_text(
        "codes:\n  - id: a\n    name: A\n    keywords: &kw [zorg, hulp]\n  - id: b\n    name: B\n    keywords: *kw\n",
        encoding="utf-8",
    )
    assert coder("codebook", "load", str(book)).exit_code == 0


def test_deeply_nested_yaml_and_code_trees_are_one_line_errors(coder: Coder, tmp_path: Path) -> None:
    nested = tmp_path / "nested.yaml"
    nested.write_text("codes: " + "[" * 1500 + "]" * 1500 + "\n", encoding="utf-8")
    one_line_error(coder("codebook", "load", str(nested)), "deep")
    flat = tmp_path / "flat.yaml"
    rows = ["codes:"] + [
        f"  - {{id: c{i}, name: C{i}" + (f", parent: c{i - 1}}}" if i else "}") for i in range(1500)
    ]
    flat.write_text("\n".join(rows) + "\n", encoding="utf-8")
    one_line_error(coder("codebook", "load", str(flat)), "levels deep")
    source = tmp_path / "T09.txt"
    source.write_text("---\nrol: " + "[" * 1500 + "]" * 1500 + "\n---\n\nR: tekst.\n", encoding="utf-8")
    one_line_error(coder("import", str(source)), "T09.txt")


def test_deep_jsonl_is_a_one_line_error(loaded: Coder, tmp_path: Path) -> None:
    rows = tmp_path / "deep.jsonl"
    rows.write_text('{"transcript": ' + "[" * 100_000 + "]" * 100_000 + "}\n", encoding="utf-8")
    one_line_error(loaded("codings", "import", str(rows), "--coder", "anna"), "line 1")


# --- REFI-QDA --------------------------------------------------------------------------


def test_deep_code_tree_in_qdpx_and_qdc_is_a_one_line_error(coder: Coder, tmp_path: Path) -> None:
    deep = "".join(
        f'<Code guid="00000000-0000-0000-0000-{i:012d}" name="c{i}" isCodable="true">' for i in range(1500)
    )
    deep += "</Code>" * 1500
    one_line_error(coder("import-qdpx", str(qdpx(tmp_path / "deep.qdpx", codes=deep))), "deep")
    qdc = tmp_path / "deep.qdc"
    ns = "urn:QDA-XML:codebook:1.0"
    qdc.write_text(
        f'<?xml version="1.0"?><CodeBook xmlns="{ns}"><Codes>{deep}</Codes></CodeBook>', encoding="utf-8"
    )
    one_line_error(coder("codebook", "load", str(qdc)), "deep.qdc")


def test_external_entity_doctype_is_refused(coder: Coder, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("GEHEIM", encoding="utf-8")
    doctype = f'<!DOCTYPE Project [<!ENTITY xxe SYSTEM "{secret.as_uri()}">]>'
    path = qdpx(tmp_path / "xxe.qdpx", doctype=doctype)
    one_line_error(coder("import-qdpx", str(path)), "DOCTYPE")
    qdc = tmp_path / "xxe.qdc"
    qdc.write_text(
        f'<?xml version="1.0"?><!DOCTYPE CodeBook [<!ENTITY xxe SYSTEM "{secret.as_uri()}">]>'
        '<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>'
        '<Code guid="22222222-2222-2222-2222-222222222222" name="x" isCodable="true">'
        "<Description>&xxe;</Description></Code></Codes></CodeBook>",
        encoding="utf-8",
    )
    one_line_error(coder("codebook", "load", str(qdc)), "DOCTYPE")


def test_zip_bomb_and_oversized_members_are_refused_before_reading(coder: Coder, tmp_path: Path) -> None:
    bomb = qdpx(tmp_path / "bomb.qdpx")
    with zipfile.ZipFile(bomb, "a", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("sources/zeros.txt", b"\0" * (40 * 1024 * 1024))
    assert bomb.stat().st_size < 1024 * 1024
    one_line_error(coder("import-qdpx", str(bomb)), "zip bomb")
    big = qdpx(tmp_path / "big.qdpx")
    with zipfile.ZipFile(big, "a", zipfile.ZIP_STORED) as zf:
        zf.writestr("sources/big.txt", b"x" * (2 * 1024 * 1024 + 10))
    one_line_error(coder("import-qdpx", str(big), "--max-size", "1"), "--max-size 3")
    assert coder("import-qdpx", str(big), "--max-size", "3").exit_code == 0


def test_relative_sources_never_leave_the_archive_or_the_base_path(coder: Coder, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("R: GEHEIM wachtwoord.", encoding="utf-8")
    inner = tmp_path / "a" / "b"
    inner.mkdir(parents=True)
    path = qdpx(inner / "evil.qdpx", text_path="relative://../../secret.txt")
    result = coder("import-qdpx", str(path))
    assert result.exit_code == 0, result.output
    assert "R07" not in coder("transcripts").output
    result = coder("import-qdpx", str(path), "--base-path", str(inner))
    assert "outside" in result.output and "R07" not in coder("transcripts").output
    listed = coder("transcripts", "--json").output
    assert "GEHEIM" not in listed


def test_relative_sources_inside_the_base_path_are_read(coder: Coder, tmp_path: Path) -> None:
    texts = tmp_path / "texts"
    texts.mkdir()
    (texts / "r07.txt").write_text("R: een gewone tekst.", encoding="utf-8")
    path = qdpx(tmp_path / "ok.qdpx", text_path="relative://r07.txt")
    assert coder("import-qdpx", str(path), "--base-path", str(texts)).exit_code == 0
    assert coder("transcripts", "show", "R07", "--text").output == "R: een gewone tekst."


def test_absolute_sources_need_permission_and_keep_their_slash(coder: Coder, tmp_path: Path) -> None:
    target = tmp_path / "abs.txt"
    target.write_text("R: absoluut.", encoding="utf-8")
    path = qdpx(tmp_path / "abs.qdpx", text_path=f"absolute://{target}")
    result = coder("import-qdpx", str(path))
    assert result.exit_code == 0 and "--allow-absolute" in result.output
    assert "R07" not in coder("transcripts").output
    assert coder("import-qdpx", str(path), "--allow-absolute").exit_code == 0
    assert coder("transcripts", "show", "R07", "--text").output == "R: absoluut."


# --- long memos --------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".csv", ".jsonl"])
def test_memos_over_128_kb_survive_codings_round_trips(loaded: Coder, tmp_path: Path, suffix: str) -> None:
    memo = ('Een lange memo, met komma\'s, "aanhalingstekens"\nen regels. ' * 4000)[:200_000]
    rows = tmp_path / f"in{suffix}"
    record = {"transcript": "T01", "start": 0, "end": 10, "code": "generalistisch", "memo": memo}
    if suffix == ".csv":
        with rows.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=list(record))
            writer.writeheader()
            writer.writerow(record)
    else:
        rows.write_text(json.dumps(record) + "\n", encoding="utf-8")
    assert loaded("codings", "import", str(rows), "--coder", "anna").exit_code == 0
    out = tmp_path / f"out{suffix}"
    assert loaded("codings", "export", "--coder", "anna", "-o", str(out)).exit_code == 0
    assert loaded("codings", "import", str(out), "--coder", "bram").exit_code == 0
    again = tmp_path / f"again{suffix}"
    assert loaded("codings", "export", "--coder", "bram", "-o", str(again)).exit_code == 0
    assert again.read_text(encoding="utf-8") == out.read_text(encoding="utf-8")
    qdpx_out = tmp_path / "memo.qdpx"
    assert loaded("export", "qdpx", "-o", str(qdpx_out)).exit_code == 0
    with zipfile.ZipFile(qdpx_out) as zf:
        assert (
            memo.replace("\n", "&#10;")[:50] in zf.read("project.qde").decode()
            or memo[:50] in zf.read("project.qde").decode()
        )
