"""The CLI contract end to end on real project folders (CONTRACT.md)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import Coder


def test_import_lists_and_shows_exact_text(loaded: Coder, interviews: list[Path]) -> None:
    listing = json.loads(loaded("transcripts", "--json").output)
    assert [t["id"] for t in listing] == ["T01", "T02"]
    t01 = listing[0]
    assert t01["attributes"] == {"gemeente": "Zwolle", "rol": "generalist"}
    assert t01["turns"] == 4 and t01["sentences"] >= 8 and t01["words"] > 40
    text = loaded("transcripts", "show", "T01", "--text").output
    assert text.startswith("I: Kunt u iets vertellen") and not text.startswith("---")
    doc = json.loads(loaded("transcripts", "show", "T01", "--json").output)
    assert doc["text"] == text and doc["language"] == "nl"
    for seg in doc["segments"]:
        piece = text[seg["start"] : seg["end"]]
        assert piece and piece == piece.strip()
    speakers = [s["speaker"] for s in doc["segments"] if s["kind"] == "turn"]
    assert speakers == ["I", "R", "I", "R"]
    sentences = [text[s["start"] : s["end"]] for s in doc["segments"] if s["kind"] == "sentence"]
    assert "Dat weet ik al." in sentences and "Hij komt morgen." in sentences


def test_reimport_unchanged_is_a_noop_and_changed_is_refused(loaded: Coder, interviews: list[Path]) -> None:
    again = loaded("import", "--json", *map(str, interviews))
    assert json.loads(again.output)["unchanged"] == ["T01", "T02"]
    interviews[0].write_text(
        interviews[0].read_text(encoding="utf-8") + "\nI: Dank u wel.\n", encoding="utf-8"
    )
    refused = loaded("import", str(interviews[0]))
    assert refused.exit_code == 1
    assert "already exists with different content" in refused.stderr and "--replace" in refused.stderr


def test_replace_reanchors_codings(loaded: Coder, interviews: list[Path], tmp_path: Path) -> None:
    text = loaded("transcripts", "show", "T01", "--text").output
    start = text.index("De hulpvragen")
    rows = tmp_path / "rows.csv"
    rows.write_text(f"transcript,start,end,code\nT01,{start},{start + 13},beperkingen\n", encoding="utf-8")
    assert loaded("codings", "import", str(rows), "--coder", "anna").exit_code == 0
    original = interviews[0].read_text(encoding="utf-8")
    interviews[0].write_text(original.replace("Nou ja.", "Nou ja, weet je."), encoding="utf-8")
    result = json.loads(loaded("import", "--replace", "--json", str(interviews[0])).output)
    assert result["replaced"] == ["T01"] and result["codings_flagged"] == 0
    new_text = loaded("transcripts", "show", "T01", "--text").output
    out = tmp_path / "out.jsonl"
    loaded("codings", "export", "--coder", "anna", "-o", str(out))
    row = json.loads(out.read_text(encoding="utf-8"))
    assert new_text[row["start"] : row["end"]] == "De hulpvragen"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.txt", b"", "is empty"),
        ("binary.txt", b"\x00\x01\x02PK\x03\x04" * 20, "binary"),
        ("notes.pdf", b"%PDF-1.4", "unsupported"),
        ("bad.txt", b"\x81\x8d\x8f\x90\x9d" * 30, "encoding"),
    ],
)
def test_bad_transcripts_exit_1_and_change_nothing(
    coder: Coder, tmp_path: Path, name: str, content: bytes, message: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    good = tmp_path / "good.txt"
    good.write_text("I: Hallo?\n\nR: Ja.\n", encoding="utf-8")
    result = coder("import", str(good), str(path))
    assert result.exit_code == 1
    assert message in result.stderr and name in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr
    assert json.loads(coder("transcripts", "--json").output) == []


def test_codebook_errors_and_show(coder: Coder, tmp_path: Path, codebook_file: Path) -> None:
    bad = tmp_path / "dup.yaml"
    bad.write_text("codes:\n  - {id: a, name: A}\n  - {id: a, name: B}\n", encoding="utf-8")
    result = coder("codebook", "load", str(bad))
    assert result.exit_code == 1 and "dup.yaml: line 3: duplicate code id" in result.stderr
    assert json.loads(coder("codebook", "show", "--json").output)["codes"] == []
    assert coder("codebook", "load", str(codebook_file)).exit_code == 0
    tree = json.loads(coder("codebook", "show", "--json").output)
    assert [c["id"] for c in tree["codes"]] == ["generalistisch", "eigen-kracht"]
    out = tmp_path / "out.yaml"
    assert coder("codebook", "export", "--format", "yaml", "-o", str(out)).exit_code == 0
    assert "handelingsverlegenheid" in out.read_text(encoding="utf-8")


def test_not_a_project(tmp_path: Path) -> None:
    result = Coder(tmp_path / "nowhere")("transcripts")
    assert result.exit_code == 1 and "is not a coder project" in result.stderr


def test_commands_that_do_not_segment_do_not_load_spacy(loaded: Coder) -> None:
    code = (
        "import sys; from coder.cli import cli\n"
        "try:\n    cli(['-p', sys.argv[1], 'transcripts', '--json'])\n"
        "except SystemExit:\n    pass\n"
        "assert 'spacy' not in sys.modules, 'spacy was imported'\n"
    )
    subprocess.run([sys.executable, "-c", code, str(loaded.root)], check=True, capture_output=True)
