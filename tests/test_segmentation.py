"""Segmentation: pipelines, Dutch abbreviations, sentences inside turns, lemmas."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
import spacy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coder.errors import CoderError
from coder.formats.transcripts import parse_text, read_transcript
from coder.formats.transcripts.labels import find_turns
from coder.model import Segment, Turn
from coder.segmentation import (
    _reader_for,
    detect_language,
    iter_segments,
    lemmatize_query,
    make_pipeline,
    paragraph_spans,
    segment,
)

DATA = Path(__file__).parent / "data"
REPO = Path(__file__).resolve().parents[1]


def sentences_of(text: str, lang: str = "nl") -> list[str]:
    """The sentence texts of a one-turn transcript."""
    parsed = parse_text(text, "x.txt")
    segments = segment([(parsed.text, parsed.turns)], lang)[0]
    return [parsed.text[s.start : s.end] for s in segments if s.kind == "sentence"]


def check_invariants(text: str, turns: list[Turn], segments: list[Segment]) -> None:
    """Offsets inside the text, trimmed, sentences ordered inside their turn and covering it."""
    turn_segments = [s for s in segments if s.kind == "turn"]
    assert [s.index for s in turn_segments] == list(range(len(turn_segments)))
    sentence_index = 0
    for segment_ in segments:
        assert 0 <= segment_.start < segment_.end <= len(text)
        words = text[segment_.start : segment_.end]
        assert words == words.strip()
    for turn_index, turn_segment in enumerate(turn_segments):
        sentences = [s for s in segments if s.kind == "sentence" and s.meta["turn"] == turn_index]
        assert sentences, "every turn has at least one sentence"
        covered: set[int] = set()
        previous_end = turn_segment.start
        for sentence in sentences:
            assert sentence.index == sentence_index
            sentence_index += 1
            assert turn_segment.start <= sentence.start < sentence.end <= turn_segment.end
            assert sentence.start >= previous_end
            assert sentence.speaker == turn_segment.speaker
            previous_end = sentence.end
            covered.update(range(sentence.start, sentence.end))
        visible = {i for i in range(turn_segment.start, turn_segment.end) if not text[i].isspace()}
        assert visible <= covered


# --- pipelines ------------------------------------------------------------------------------


def test_pipelines_are_cached() -> None:
    assert make_pipeline("nl") is make_pipeline("nl")
    assert make_pipeline("nl") is not make_pipeline("en")


def test_blank_pipeline_components() -> None:
    nlp = make_pipeline("nl")
    assert nlp.pipe_names == ["sentencizer", "lemmatizer"]
    assert [t.lemma_ for t in nlp("ik ging")] == ["ik", "gaan"]


def test_model_that_is_not_installed() -> None:
    with pytest.raises(CoderError) as err:
        make_pipeline("nl", "nl_core_news_sm")
    assert "nl_core_news_sm" in err.value.message
    assert err.value.hint is not None and "pip install nl_core_news_sm" in err.value.hint


def test_unknown_language() -> None:
    with pytest.raises(CoderError, match="unknown language 'zz'"):
        make_pipeline("zz")


def test_saved_pipeline_without_sentences_gets_a_sentencizer(tmp_path: Path) -> None:
    spacy.blank("nl").to_disk(tmp_path / "pipeline")
    model = str(tmp_path / "pipeline")
    nlp = make_pipeline("nl", model)
    assert "sentencizer" in nlp.pipe_names
    text = "Dat weet ik al. Hij komt."
    segments = segment([(text, [Turn(0, len(text), None)])], "nl", model)[0]
    assert [text[s.start : s.end] for s in segments if s.kind == "sentence"] == [
        "Dat weet ik al.",
        "Hij komt.",
    ]
    assert segments[0].lemmas == "dat weet ik al hij komt"


def test_pipeline_with_its_own_sentence_model_is_read_as_is(tmp_path: Path) -> None:
    nlp = spacy.blank("en")
    nlp.add_pipe("senter")
    nlp.initialize()
    nlp.to_disk(tmp_path / "senter")
    model = str(tmp_path / "senter")
    loaded = make_pipeline("en", model)
    assert "sentencizer" not in loaded.pipe_names
    text = "Went home. The children were there, and then they left! Fine."
    segments = segment([(text, [Turn(0, len(text), "R")])], "en", model)[0]
    check_invariants(text, [Turn(0, len(text), "R")], segments)
    expected = [(s.start_char, s.end_char) for s in loaded(text).sents]
    assert [(s.start, s.end) for s in segments if s.kind == "sentence"] == expected
    assert segments[0].lemmas == "went home the children were there and then they left fine"


def test_language_without_lookup_tables_lowercases() -> None:
    text = "Hallo Wereld. Tweede zin!"
    segments = segment([(text, [Turn(0, len(text), None)])], "xx")[0]
    assert [s.lemmas for s in segments] == ["hallo wereld tweede zin", "hallo wereld", "tweede zin"]


# --- Dutch abbreviations ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Dat weet ik al. Hij komt morgen.", ["Dat weet ik al.", "Hij komt morgen."]),
        ("Ik deed wat ik kon. Toen ging ik.", ["Ik deed wat ik kon.", "Toen ging ik."]),
        ("Het is te ver. Echt.", ["Het is te ver.", "Echt."]),
        ("De bus was vol. We liepen.", ["De bus was vol.", "We liepen."]),
        ("Dank u. Tot ziens.", ["Dank u.", "Tot ziens."]),
        ("Ik doe mijn best. Echt.", ["Ik doe mijn best.", "Echt."]),
        ("Dat zei mijn ex. Zij was boos.", ["Dat zei mijn ex.", "Zij was boos."]),
        ("Ik bedoel bijv. de buurt.", ["Ik bedoel bijv. de buurt."]),
        ("Dat is d.w.z. lastig.", ["Dat is d.w.z. lastig."]),
        ("We doen o.a. huisbezoeken, enz. en nog meer.", ["We doen o.a. huisbezoeken, enz. en nog meer."]),
        ("Mevr. Jansen en dhr. De Vries kwamen.", ["Mevr. Jansen en dhr. De Vries kwamen."]),
        ("Het kost ca. tien euro, incl. btw.", ["Het kost ca. tien euro, incl. btw."]),
        ("Zie nr. 5 resp. 6 m.b.t. de wijk.", ["Zie nr. 5 resp. 6 m.b.t. de wijk."]),
        ("J. Jansen kwam langs.", ["J. Jansen kwam langs."]),
    ],
)
def test_dutch_abbreviations(text: str, expected: list[str]) -> None:
    assert sentences_of(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Dr. Smith came. He left early.", ["Dr. Smith came.", "He left early."]),
        ("I saw Mr. Jones. Then I went home.", ["I saw Mr. Jones.", "Then I went home."]),
    ],
)
def test_english_abbreviations(text: str, expected: list[str]) -> None:
    assert sentences_of(text, "en") == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Het overleg over het overleg. (lacht) Casuïstiek, dat is het.",
            ["Het overleg over het overleg. (lacht)", "Casuïstiek, dat is het."],
        ),
        ("Hoog. (stilte) Ja, hoog.", ["Hoog. (stilte)", "Ja, hoog."]),
        ("Dat weet ik niet. [pauze] Misschien.", ["Dat weet ik niet. [pauze]", "Misschien."]),
        ("Ja. [onverstaanbaar] Nee.", ["Ja. [onverstaanbaar]", "Nee."]),
        ("(lacht) Hoeveel tijd heb je?", ["(lacht) Hoeveel tijd heb je?"]),
        ("Twee, sorry. (lacht)", ["Twee, sorry. (lacht)"]),
        (
            "Klaar. (Hij aarzelt lang, kijkt weg en zegt dan iets anders) Goed.",
            [
                "Klaar.",
                "(Hij aarzelt lang, kijkt weg en zegt dan iets anders) Goed.",
            ],
        ),
    ],
)
def test_dutch_bracketed_asides_stay_whole(text: str, expected: list[str]) -> None:
    assert sentences_of(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("More people. (laughs) Sorry, that is boring.", ["More people. (laughs)", "Sorry, that is boring."]),
        ("It is slow. [pause] But good.", ["It is slow. [pause]", "But good."]),
        ("Pff. (laughs) It is a big topic.", ["Pff. (laughs)", "It is a big topic."]),
    ],
)
def test_english_bracketed_asides_stay_whole(text: str, expected: list[str]) -> None:
    assert sentences_of(text, "en") == expected


def assert_no_torn_brackets(paths: list[Path]) -> None:
    """No sentence in ``paths`` starts with a closing bracket or ends with an opening one."""
    parsed = [read_transcript(path) for path in paths]
    for item, segments in zip(parsed, iter_segments([(p.text, p.turns) for p in parsed], "nl"), strict=True):
        for s in segments:
            text = item.text[s.start : s.end]
            assert text[0] not in ")]}" and text[-1] not in "([{", text


def test_no_demo_sentence_tears_a_bracket() -> None:
    assert_no_torn_brackets(sorted((REPO / "transcripts").glob("*.txt")))


def test_no_generated_sentence_tears_a_bracket(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("corpus", REPO / "bench" / "corpus.py")
    assert spec is not None and spec.loader is not None
    corpus = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(corpus)
    assert_no_torn_brackets(corpus.generate(tmp_path, 40_000, per_file=4000))


# --- sentences, turns and lemmas ------------------------------------------------------------------


def test_segments_of_a_small_interview() -> None:
    parsed = parse_text(
        "I: Wat doet u?\nR: Ik ging naar huis. Mensen zeggen het!\n\nNog iets\nI: Oké", "x.txt"
    )
    segments = segment([(parsed.text, parsed.turns)], "nl")[0]
    rows = [(s.kind, s.index, parsed.text[s.start : s.end], s.speaker, s.lemmas) for s in segments]
    assert rows == [
        ("turn", 0, "Wat doet u?", "I", "wat doen u"),
        ("sentence", 0, "Wat doet u?", "I", "wat doen u"),
        (
            "turn",
            1,
            "Ik ging naar huis. Mensen zeggen het!\n\nNog iets",
            "R",
            "ik gaan naar huis mens zeggen het nog iets",
        ),
        ("sentence", 1, "Ik ging naar huis.", "R", "ik gaan naar huis"),
        ("sentence", 2, "Mensen zeggen het!", "R", "mens zeggen het"),
        ("sentence", 3, "Nog iets", "R", "nog iets"),
        ("turn", 2, "Oké", "I", "oké"),
        ("sentence", 4, "Oké", "I", "oké"),
    ]
    assert segments[0].meta == {}
    assert segments[1].meta == {"turn": 0}


def test_turn_meta_is_kept() -> None:
    parsed = read_transcript(DATA / "import" / "sample.vtt")
    turn = segment([(parsed.text, parsed.turns)], "en")[0][0]
    assert turn.meta["begin"] == "00:00:01.000"


def test_sentences_never_cross_a_paragraph_or_turn() -> None:
    text = "R: eerste alinea zonder punt\n\ntweede alinea zonder punt\nI: vraag zonder punt"
    assert sentences_of(text) == [
        "eerste alinea zonder punt",
        "tweede alinea zonder punt",
        "vraag zonder punt",
    ]


def test_capitalised_words_are_lemmatised_in_lower_case() -> None:
    text = "Went home. Children were there."
    segments = segment([(text, [Turn(0, len(text), None)])], "en")[0]
    assert segments[0].lemmas == "go home child be there"


def test_whitespace_turns_are_trimmed_or_dropped() -> None:
    text = "  Hallo daar.  \n\n   "
    segments = segment([(text, [Turn(0, len(text), "A"), Turn(15, len(text), "B")])], "nl")[0]
    assert [(s.kind, s.start, s.end, s.speaker) for s in segments] == [
        ("turn", 2, 13, "A"),
        ("sentence", 2, 13, "A"),
    ]


def test_many_transcripts_in_one_call() -> None:
    texts = ["I: Een. Twee.\nR: Drie.", "Vier? Vijf!", "R: Zes."]
    items = [(text, find_turns(text)) for text in texts]
    result = segment(items, "nl", batch_size=2)
    assert len(result) == 3
    for (text, turns), segments in zip(items, result, strict=True):
        check_invariants(text, turns, segments)
    assert [s.lemmas for s in result[1] if s.kind == "sentence"] == ["vier", "vijf"]


def test_iter_segments_yields_every_item_in_order() -> None:
    items: list[tuple[str, list[Turn]]] = [("", []), ("Een.", [Turn(0, 4, None)]), ("  ", [Turn(0, 2, None)])]
    items.append(("Twee. Drie.", [Turn(0, 11, "R")]))
    result = list(iter_segments(items, "nl"))
    assert [len(segments) for segments in result] == [0, 2, 0, 3]
    assert segment([], "nl") == []


def test_punctuation_only_sentence_has_empty_lemmas() -> None:
    text = "R: ... Ja."
    parsed = parse_text(text, "x.txt")
    segments = segment([(parsed.text, parsed.turns)], "nl")[0]
    check_invariants(parsed.text, parsed.turns, segments)
    assert segments[0].lemmas == "ja"


def test_lemmatize_query() -> None:
    assert lemmatize_query("Ging de mensen?", "nl") == ["gaan", "de", "mens"]
    assert lemmatize_query("Children went", "en") == ["child", "go"]
    assert lemmatize_query("  ", "nl") == []


def test_paragraph_spans_split_long_paragraphs() -> None:
    text = "een twee drie\nvier vijf zes zeven"
    spans = list(paragraph_spans(text, 0, len(text), max_length=16))
    assert [text[a:b] for a, b in spans] == ["een twee drie", "vier vijf zes", "zeven"]
    assert list(paragraph_spans("  \n\n  ", 0, 6)) == []


# --- language detection -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("I: Wat vind je van het werk? R: Ik weet het niet, maar het is wel druk.", "nl"),
        ("I: What do you think about the work? R: Well, it is not easy, but I like it.", "en"),
        ("", "nl"),
    ],
)
def test_detect_language(text: str, lang: str) -> None:
    assert detect_language(text) == lang


@pytest.mark.parametrize("path", sorted((REPO / "transcripts").glob("*.*")), ids=lambda p: p.name)
def test_demo_transcripts_language(path: Path) -> None:
    expected = "en" if path.name.startswith("E") else "nl"
    assert detect_language(read_transcript(path).text) == expected


# --- invariants on every file and on generated text ------------------------------------------------


def every_file() -> list[Path]:
    """Importable test inputs and the demo transcripts."""
    inputs = [p for p in sorted((DATA / "import").iterdir()) if not p.name.startswith(("bad_", "no_header"))]
    return inputs + sorted((REPO / "transcripts").glob("*.*")) + sorted((DATA / "interviews").glob("*.txt"))


@pytest.mark.parametrize("path", every_file(), ids=lambda p: p.name)
def test_invariants_on_every_file(path: Path) -> None:
    parsed = read_transcript(path)
    lang = detect_language(parsed.text)
    segments = segment([(parsed.text, parsed.turns)], lang)[0]
    check_invariants(parsed.text, parsed.turns, segments)


_words = st.sampled_from(
    ["ik", "weet", "het", "al", "bijv", "Dr", "ver", "één", "café", "I", "R", "Jan", "de", "mevr", "u", "x"]
)
_GLUE = (" ", " ", ". ", "? ", "! ", ", ", ": ", "\n", "\n\n", " \n \n", "... ", '." ', "\t", ".\n")
_glue = st.sampled_from([*_GLUE, "?! ", ".) ", " (", "\u3002", "!!", " - ", ".", "  "])
_texts = st.lists(st.tuples(_words, _glue), max_size=40).map(lambda parts: "".join(w + g for w, g in parts))
_labelled = st.lists(st.tuples(st.sampled_from(["I: ", "R: ", "", "\n"]), _texts), max_size=6).map(
    lambda turns: "\n".join(label + body for label, body in turns)
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_labelled)
def test_invariants_on_generated_text(raw: str) -> None:
    if not raw.strip():
        return
    parsed = parse_text(raw, "generated.txt")
    segments = segment([(parsed.text, parsed.turns)], "nl")[0]
    check_invariants(parsed.text, parsed.turns, segments)


_unbracketed = st.lists(
    st.tuples(_words, st.sampled_from([*_GLUE, "?! ", "\u3002", "!!", " - ", ".", "  "])), max_size=40
).map(lambda parts: "".join(w + g for w, g in parts))


@settings(max_examples=150, deadline=None)
@given(_unbracketed, st.sampled_from(["nl", "en"]))
def test_sentence_boundaries_match_spacys_sentencizer(text: str, lang: str) -> None:
    """Where no bracket follows a sentence end, the boundaries are spaCy's own."""
    nlp = make_pipeline(lang)
    reader = _reader_for(nlp)
    ours = [
        (start, end) for start, end, _ in reader.sentences(next(nlp.pipe([text], disable=reader.disabled)))
    ]
    theirs = [(s.start_char, s.end_char) for s in nlp(text).sents]
    assert ours == theirs
