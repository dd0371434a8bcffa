"""Transcript importers: every format, label style, encoding and refusal."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import docx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coder.errors import InputFormatError
from coder.formats.transcripts import SUPPORTED_EXTENSIONS, parse_text, read_transcript
from coder.formats.transcripts.decoding import looks_like_western_text
from coder.formats.transcripts.labels import accepted_speakers, find_turns, is_role, match_label
from coder.model import ParsedTranscript

DATA = Path(__file__).parent / "data" / "import"
REPO = Path(__file__).resolve().parents[1]


def spoken(parsed: ParsedTranscript) -> list[tuple[str | None, str]]:
    """(speaker, words) of each turn."""
    return [(t.speaker, parsed.text[t.start : t.end]) for t in parsed.turns]


def check_turns(parsed: ParsedTranscript) -> None:
    """Turns are in order, non-overlapping, trimmed and inside the text."""
    previous_end = 0
    for turn in parsed.turns:
        assert previous_end <= turn.start < turn.end <= len(parsed.text)
        words = parsed.text[turn.start : turn.end]
        assert words == words.strip()
        previous_end = turn.end


# --- dispatch -----------------------------------------------------------------


def test_supported_extensions() -> None:
    assert set(SUPPORTED_EXTENSIONS) == {".txt", ".md", ".docx", ".vtt", ".srt"}


def test_extension_is_case_insensitive(tmp_path: Path) -> None:
    path = tmp_path / "INTERVIEW.TXT"
    path.write_text("I: Hallo?\nR: Ja.", encoding="utf-8")
    assert spoken(read_transcript(path)) == [("I", "Hallo?"), ("R", "Ja.")]


def test_unsupported_extension_names_file_and_formats(tmp_path: Path) -> None:
    path = tmp_path / "notes.pdf"
    path.write_bytes(b"%PDF-1.4")
    with pytest.raises(InputFormatError) as err:
        read_transcript(path)
    assert "notes.pdf" in err.value.message
    for ext in SUPPORTED_EXTENSIONS:
        assert ext in err.value.message


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputFormatError, match="no such file"):
        read_transcript(tmp_path / "gone.txt")


def test_importers_do_not_import_spacy() -> None:
    code = "import sys, coder.formats.transcripts, coder.segmentation; print('spacy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# --- decoding and normalisation ---------------------------------------------------


def test_utf8_bom_is_stripped(tmp_path: Path) -> None:
    path = tmp_path / "bom.txt"
    path.write_bytes(b"\xef\xbb\xbfI: Caf\xc3\xa9?\nR: Ja.")
    parsed = read_transcript(path)
    assert parsed.text == "I: Café?\nR: Ja."
    assert spoken(parsed)[0] == ("I", "Café?")


def test_utf16_with_bom(tmp_path: Path) -> None:
    path = tmp_path / "notepad.txt"
    path.write_bytes("I: één café\nR: Ja.".encode("utf-16"))
    assert read_transcript(path).text == "I: één café\nR: Ja."


def test_cp1252_dutch_imports_correctly(tmp_path: Path) -> None:
    path = tmp_path / "word-export.txt"
    path.write_bytes("één café".encode("cp1252"))
    assert read_transcript(path).text == "één café"


def test_cp1252_with_typographic_quotes(tmp_path: Path) -> None:
    path = tmp_path / "quotes.txt"
    text = "R: Hij zei \u201cnee\u201d \u2013 echt waar\u2026 Geïnterviewde is tevreden."
    path.write_bytes(text.encode("cp1252"))
    assert read_transcript(path).text == text


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        ("Привет, как дела? Это тест на кодировку.", "cp1251"),
        ("Zażółć gęślą jaźń, mówię ci.", "iso-8859-2"),
        ("één café, echt waar", "cp850"),
    ],
)
def test_other_encodings_are_refused_not_garbled(tmp_path: Path, text: str, encoding: str) -> None:
    path = tmp_path / "legacy.txt"
    path.write_bytes(text.encode(encoding))
    with pytest.raises(InputFormatError) as err:
        read_transcript(path)
    assert err.value.message == (
        f"{path} is not UTF-8 text and its encoding could not be detected; save it as UTF-8"
    )


def test_damaged_utf8_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "damaged.txt"
    path.write_bytes("één café\ntweede regel ".encode() + b"\xff")
    with pytest.raises(InputFormatError, match="not UTF-8") as err:
        read_transcript(path)
    assert err.value.hint == "the first byte that is not UTF-8 is on line 2"


def test_western_text_heuristic() -> None:
    assert looks_like_western_text("Ça va? Überall schön, één café.")
    assert not looks_like_western_text("Ïðèâåò, êàê äåëà?")
    assert not looks_like_western_text("cafÃ© met melk")


@pytest.mark.parametrize(
    "payload",
    [b"I: hallo\x00\x00wereld", b"PK\x03\x04\x14\x00\x06\x00word/document.xml", b"%PDF-1.7\n%binary"],
)
def test_binary_files_are_refused(tmp_path: Path, payload: bytes) -> None:
    path = tmp_path / "renamed.txt"
    path.write_bytes(payload)
    with pytest.raises(InputFormatError) as err:
        read_transcript(path)
    assert err.value.message == f"{path} looks binary, not a transcript"


@pytest.mark.parametrize("content", [b"", b"   \n\t\n  ", b"\xef\xbb\xbf\n\n"])
def test_empty_files_are_refused(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "leeg.txt"
    path.write_bytes(content)
    with pytest.raises(InputFormatError) as err:
        read_transcript(path)
    assert err.value.message == f"{path} is empty"


def test_crlf_and_cr_become_lf(tmp_path: Path) -> None:
    path = tmp_path / "windows.txt"
    path.write_bytes(b"I: Een?\r\nR: Twee.\r\n\r\nDrie.\rI: Vier?\r\n")
    parsed = read_transcript(path)
    assert parsed.text == "I: Een?\nR: Twee.\n\nDrie.\nI: Vier?"
    assert spoken(parsed) == [("I", "Een?"), ("R", "Twee.\n\nDrie."), ("I", "Vier?")]


def test_nfc_normalisation(tmp_path: Path) -> None:
    path = tmp_path / "decomposed.txt"
    path.write_text("R: Cafe\u0301 e\u0301e\u0301n", encoding="utf-8")
    parsed = read_transcript(path)
    assert parsed.text == "R: Café één"
    assert len(parsed.text) == 11


def test_leading_blank_lines_and_trailing_whitespace_are_trimmed() -> None:
    parsed = parse_text("\n  \n\n  Hallo daar.  \n\n\t\n", "x.txt")
    assert parsed.text == "  Hallo daar."
    assert spoken(parsed) == [(None, "Hallo daar.")]


_LABELS = (
    "I: ",
    "R: ",
    "**Jan:** ",
    "[00:01:02] Anna: ",
    "Anna: ",
    "Speaker 1  0:03",
    "# Kop",
    "---",
    "a: b",
)
_pieces = st.sampled_from(
    [
        *_LABELS,
        "\n",
        "\n\n",
        " ",
        "\t",
        "\r\n",
        "\r",
        "Dat is het punt: ja.",
        "e\u0301",
        "woord",
        "\u00a0",
        "",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(_pieces, st.text(max_size=8)), max_size=30).map("".join))
def test_any_text_gives_valid_turns(raw: str) -> None:
    try:
        parsed = parse_text(raw, "generated.txt")
    except InputFormatError as err:  # empty, or front matter that is not valid
        assert "empty" in err.message or "front matter" in err.message
        return
    assert parsed.text == parsed.text.rstrip()
    assert "\r" not in parsed.text
    check_turns(parsed)
    for turn in parsed.turns:
        assert turn.speaker is None or turn.speaker.strip() == turn.speaker != ""


# --- front matter ------------------------------------------------------------------


def test_front_matter_becomes_attributes_and_is_cut() -> None:
    raw = "---\ngemeente: Zwolle\njaar: 2017\nafgerond: yes\nnotitie:\n---\n\n\nI: Hallo?\n"
    parsed = parse_text(raw, "x.md", "md")
    assert parsed.attributes == {"gemeente": "Zwolle", "jaar": "2017", "afgerond": "true", "notitie": ""}
    assert parsed.text == "I: Hallo?"
    assert parsed.source_format == "md"


def test_front_matter_dates_and_lists_are_strings() -> None:
    parsed = parse_text("---\ndatum: 2024-03-01\nthema: [zorg, wonen]\n---\nR: Ja.", "x.txt")
    assert parsed.attributes == {"datum": "2024-03-01", "thema": "zorg, wonen"}


def test_malformed_front_matter_names_line() -> None:
    raw = "---\ngemeente: Zwolle\nrol: [generalist\n---\nI: Hallo?"
    with pytest.raises(InputFormatError, match=r"^x\.txt line \d+: front matter is malformed"):
        parse_text(raw, "x.txt")


def test_unclosed_front_matter_names_line() -> None:
    with pytest.raises(InputFormatError, match=r"x\.txt line 1: front matter .* never closed"):
        parse_text("---\ngemeente: Zwolle\n\nI: Hallo?", "x.txt")


def test_nested_front_matter_value_names_its_line() -> None:
    with pytest.raises(InputFormatError, match=r"x\.txt line 3: .*'team' is nested"):
        parse_text("---\ngemeente: Zwolle\nteam:\n  naam: Noord\n---\nI: Hallo?", "x.txt")


def test_a_rule_at_the_top_is_not_front_matter() -> None:
    parsed = parse_text("---\nDit is geen front matter.\n---\nR: Ja.", "x.txt")
    assert parsed.attributes == {}
    assert parsed.text.startswith("---\nDit is")


def test_front_matter_only_is_empty() -> None:
    with pytest.raises(InputFormatError, match="is empty"):
        parse_text("---\ngemeente: Zwolle\n---\n\n", "x.txt")


# --- speaker labels --------------------------------------------------------------------


def test_role_labels_continuations_and_preamble() -> None:
    parsed = read_transcript(DATA / "labels_roles.txt")
    assert spoken(parsed) == [
        (None, "Interview 3, wijkteam Zwolle, maart 2017."),
        ("I", "Wat is voor jou generalistisch werken?"),
        (
            "R",
            "Hm, ja. Ik kom op huisbezoek. Dat weet ik al. Hij komt morgen.\n"
            "Dat is het punt: we kijken naar alles.\n\n"
            "En dan bedoel ik bijv. de buurt en de school.",
        ),
        ("I", "Kun je een voorbeeld geven?"),
        ("R", "Eh, ja. Vorige week nog."),
    ]
    check_turns(parsed)
    assert parsed.text.startswith("Interview 3")
    assert "\nI: Wat is" in parsed.text  # the label stays in the stored text


def test_name_labels_with_timestamps() -> None:
    parsed = read_transcript(DATA / "labels_names.txt")
    anna, mo = "Anna de Vries", "Mohamed El Amrani"
    assert spoken(parsed) == [
        (anna, "Goedemorgen, fijn dat je er bent."),
        (mo, "Graag gedaan."),
        (anna, "Waar werk je nu?"),
        (mo, "In het wijkteam, al drie jaar."),
        (anna, "En daarvoor?"),
        (mo, "Bij de GGD.\nOpmerking: de opname stopte hier even."),
    ]
    times = [t.meta.get("time") for t in parsed.turns]
    assert times == ["00:00:05", "00:00:09", "00:01:02", "00:01:10", "00:02:00", "00:02:04"]


def test_markdown_bold_labels_and_headings() -> None:
    parsed = read_transcript(DATA / "interview.md")
    assert parsed.attributes == {"gemeente": "Deventer", "rol": "wijkverpleegkundige", "jaar": "2018"}
    assert parsed.source_format == "md"
    assert spoken(parsed) == [
        (None, "# Interview Deventer"),
        ("Interviewer", "Hoe ziet uw week eruit?"),
        ("Respondent", "Druk. Heel druk, eigenlijk.\n\nMaar ik vind het mooi werk."),
        (None, "## Deel 2"),
        ("Interviewer", "Wat zou u veranderen?"),
        ("Respondent", "Minder regels."),
    ]


def test_no_labels_gives_paragraph_turns() -> None:
    parsed = read_transcript(DATA / "no_labels.txt")
    assert spoken(parsed) == [
        (None, "Dit is een verslag zonder sprekers. Dat is het punt: niemand wordt genoemd."),
        (None, "Een tweede alinea\nover twee regels."),
        (None, "Derde alinea."),
    ]


def test_caption_tool_layout() -> None:
    parsed = read_transcript(DATA / "caption_tool.txt")
    assert spoken(parsed) == [
        ("Speaker 1", "Hello, thanks for joining."),
        ("Speaker 2", "Happy to be here. It has been a busy week."),
        ("Speaker 1", "Let's start with your role."),
    ]
    assert parsed.turns[1].meta == {"time": "0:07"}


def test_sentence_with_colon_is_not_a_label() -> None:
    parsed = parse_text("I: Vraag?\nR: Antwoord.\nDat is het punt: we gaan door.\nI: Goed.", "x.txt")
    assert [t.speaker for t in parsed.turns] == ["I", "R", "I"]
    assert spoken(parsed)[1] == ("R", "Antwoord.\nDat is het punt: we gaan door.")


def test_recurring_names_count_once_off_names_do_not() -> None:
    text = "Jan: Hoi.\nPiet: Hallo.\nJan: Alles goed?\nKortom: dit is geen spreker.\nPiet: Ja."
    assert [t.speaker for t in find_turns(text)] == ["Jan", "Piet", "Jan", "Piet"]


def test_label_spellings_merge_to_first() -> None:
    parsed = parse_text("Interviewer: Een?\nINTERVIEWER: Twee?\ninterviewer: Drie?", "x.txt")
    assert [t.speaker for t in parsed.turns] == ["Interviewer"] * 3


def test_urls_and_clock_times_are_not_labels() -> None:
    assert match_label("https://example.org is de site") is None
    assert match_label("Om 10:30 begon het") is None
    assert match_label("Dit zijn veel te veel woorden voor een label: nee") is None


@pytest.mark.parametrize(
    ("name", "role"),
    [
        ("I", True),
        ("R", True),
        ("Int.", True),
        ("Respondent 2", True),
        ("Interviewer (Anna)", True),
        ("P1", True),
        ("Geïnterviewde", True),
        ("I think", False),
        ("Kortom", False),
    ],
)
def test_roles(name: str, role: bool) -> None:
    assert is_role(name) is role


def test_accepted_speakers_rule() -> None:
    labels = [match_label(line) for line in ["Anna: a", "Anna: b", "Let op: c", "R: d"]]
    assert accepted_speakers(m for m in labels if m) == {"anna": "Anna", "r": "R"}


def test_label_alone_on_its_line() -> None:
    parsed = parse_text("I:\nWat doet u?\n\nR:\n\nVeel.\nI:\nR: Klaar.", "x.txt")
    assert spoken(parsed) == [("I", "Wat doet u?"), ("R", "Veel."), ("R", "Klaar.")]


def test_english_labels() -> None:
    parsed = read_transcript(DATA / "english.txt")
    assert [t.speaker for t in parsed.turns] == ["Interviewer", "Participant 1", "Participant 1"]


# --- docx ----------------------------------------------------------------------------------


def make_docx(path: Path, paragraphs: list[str], table: list[list[str]] | None = None) -> Path:
    """A Word file with the given paragraphs and, after the first, a table."""
    document = docx.Document()
    for i, text in enumerate(paragraphs):
        document.add_paragraph(text)
        if i == 0 and table:
            grid = document.add_table(rows=len(table), cols=len(table[0]))
            for r, row in enumerate(table):
                for c, cell in enumerate(row):
                    grid.cell(r, c).text = cell
    document.save(str(path))
    return path


def test_docx_paragraphs_and_labels(tmp_path: Path) -> None:
    path = make_docx(
        tmp_path / "interview.docx", ["I: Hoe gaat het?", "", "R: Goed.", "Echt goed.", "I: Mooi."]
    )
    parsed = read_transcript(path)
    assert parsed.source_format == "docx"
    assert parsed.text == "I: Hoe gaat het?\n\nR: Goed.\n\nEcht goed.\n\nI: Mooi."
    assert spoken(parsed) == [("I", "Hoe gaat het?"), ("R", "Goed.\n\nEcht goed."), ("I", "Mooi.")]


def test_docx_tables_in_order(tmp_path: Path) -> None:
    table = [["Interviewer", "Wat doet u?"], ["Respondent", "Ik werk in de wijk."], ["Datum", "12 maart"]]
    path = make_docx(tmp_path / "tabel.DOCX", ["Interview 4", "Einde."], table)
    parsed = read_transcript(path)
    assert parsed.text == (
        "Interview 4\n\nInterviewer: Wat doet u?\n\nRespondent: Ik werk in de wijk.\n\nDatum: 12 maart\n\nEinde."
    )
    assert spoken(parsed) == [
        (None, "Interview 4"),
        ("Interviewer", "Wat doet u?"),
        ("Respondent", "Ik werk in de wijk.\n\nDatum: 12 maart\n\nEinde."),
    ]


def test_docx_wide_table_rows_join_cells(tmp_path: Path) -> None:
    table = [["Naam", "Rol", "Jaar"], ["Anna", "generalist", "2017"]]
    path = make_docx(tmp_path / "breed.docx", ["Deelnemers"], table)
    assert read_transcript(path).text == "Deelnemers\n\nNaam | Rol | Jaar\n\nAnna | generalist | 2017"


def test_docx_decomposed_text_is_nfc(tmp_path: Path) -> None:
    path = make_docx(tmp_path / "nfc.docx", ["R: e\u0301e\u0301n cafe\u0301"])
    assert read_transcript(path).text == "R: één café"


def test_empty_docx(tmp_path: Path) -> None:
    path = make_docx(tmp_path / "leeg.docx", ["", "  "])
    with pytest.raises(InputFormatError, match=r"leeg\.docx is empty"):
        read_transcript(path)


def test_damaged_docx(tmp_path: Path) -> None:
    path = tmp_path / "kapot.docx"
    path.write_text("dit is geen zip", encoding="utf-8")
    with pytest.raises(InputFormatError, match=r"kapot\.docx is not a readable \.docx"):
        read_transcript(path)


# --- subtitles ---------------------------------------------------------------------------------


def test_vtt_voices_merge_and_timing() -> None:
    parsed = read_transcript(DATA / "sample.vtt")
    assert parsed.source_format == "vtt"
    assert parsed.text == (
        "Sophie Bakker: Hi Tom, can you hear me okay?\n\n"
        "Tom Hughes: Yes & loud and clear. Sorry I'm late. The clinic overran.\n\n"
        "Sophie Bakker: No problem.\n\n"
        "Tom Hughes: Shall we start?"
    )
    assert [t.speaker for t in parsed.turns] == ["Sophie Bakker", "Tom Hughes", "Sophie Bakker", "Tom Hughes"]
    tom = parsed.turns[1]
    assert parsed.text[tom.start : tom.end] == "Yes & loud and clear. Sorry I'm late. The clinic overran."
    assert (tom.meta["begin"], tom.meta["end"]) == ("00:00:05.000", "00:00:12.000")
    cue_texts = [parsed.text[offset:].split(".")[0] for offset, _, _ in tom.meta["cues"]]
    assert cue_texts == ["Yes & loud and clear", "Sorry I'm late", "The clinic overran"]
    assert [c[1:] for c in tom.meta["cues"]] == [
        ["00:00:05.000", "00:00:07.500"],
        ["00:00:08.000", "00:00:09.000"],
        ["00:00:10.000", "00:00:12.000"],
    ]
    check_turns(parsed)


def test_srt_name_prefixes_merge_and_timing() -> None:
    parsed = read_transcript(DATA / "sample.srt")
    assert parsed.source_format == "srt"
    assert parsed.text == (
        "Interviewer: Hoe gaat het?\n\nRespondent: Goed, dank je. Het is wel druk.\n\nInterviewer: Hoezo?"
    )
    assert spoken(parsed)[1] == ("Respondent", "Goed, dank je. Het is wel druk.")
    assert parsed.turns[1].meta["begin"] == "00:00:04.000"
    assert parsed.turns[1].meta["end"] == "00:00:08.000"
    check_turns(parsed)


def test_srt_without_speakers_is_one_turn(tmp_path: Path) -> None:
    path = tmp_path / "plain.srt"
    path.write_text("1\n0:00:01,5 --> 0:00:02,000\nEerste.\n\n2\n00:00:03,000 --> 00:00:04,000\nTweede.\n")
    parsed = read_transcript(path)
    assert spoken(parsed) == [(None, "Eerste. Tweede.")]
    assert parsed.turns[0].meta["cues"] == [
        [0, "00:00:01.500", "00:00:02.000"],
        [8, "00:00:03.000", "00:00:04.000"],
    ]


@pytest.mark.parametrize(
    ("name", "line"),
    [("bad_timing.vtt", 6), ("no_header.vtt", 1), ("bad_timing.srt", 6)],
)
def test_malformed_captions_name_the_line(name: str, line: int) -> None:
    with pytest.raises(InputFormatError, match=rf"{name} line {line}: "):
        read_transcript(DATA / name)


def test_caption_file_without_text_is_empty(tmp_path: Path) -> None:
    path = tmp_path / "leeg.vtt"
    path.write_text("WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v Anna></v>\n", encoding="utf-8")
    with pytest.raises(InputFormatError, match=r"leeg\.vtt is empty"):
        read_transcript(path)


# --- every file we ship ---------------------------------------------------------------------------


def shipped_files() -> list[Path]:
    """The test inputs and the demo transcripts that should import."""
    files = [p for p in sorted(DATA.iterdir()) if not p.name.startswith(("bad_", "no_header"))]
    return files + sorted((REPO / "transcripts").glob("*.*"))


@pytest.mark.parametrize("path", shipped_files(), ids=lambda p: p.name)
def test_shipped_files_import_cleanly(path: Path) -> None:
    parsed = read_transcript(path)
    assert parsed.text == parsed.text.strip("\n").rstrip()
    assert "\r" not in parsed.text
    assert parsed.turns
    check_turns(parsed)
