"""Dutch lemmas: the hand-made list of interview word forms, both lemmatizers measured."""

from __future__ import annotations

from pathlib import Path

from coder.lemmas import accuracy, better_lemmatizer, simplemma_lemma
from coder.model import Turn
from coder.segmentation import lemmatize_query, segment, table_lemma

LIST = Path(__file__).parent / "data" / "dutch_lemmas.tsv"


def dutch_pairs() -> list[tuple[str, str]]:
    """The (form, lemma) pairs of tests/data/dutch_lemmas.tsv."""
    rows = [line.split("\t") for line in LIST.read_text(encoding="utf-8").splitlines()]
    return [(row[0], row[1]) for row in rows if row and not row[0].startswith("#")]


def test_the_list_is_large_and_well_formed() -> None:
    pairs = dutch_pairs()
    assert len(pairs) >= 200
    assert len({form for form, _ in pairs}) == len(pairs)
    assert all(form == form.lower() and lemma for form, lemma in pairs)


def test_simplemma_beats_the_lookup_table_on_dutch_interview_words() -> None:
    pairs = dutch_pairs()
    table = accuracy(pairs, lambda w: table_lemma(w, "nl"))
    simple = accuracy(pairs, lambda w: simplemma_lemma(w, "nl"))
    assert table is not None and simple is not None
    assert simple > table + 0.2
    assert simple >= 0.9


def test_accuracy_of_nothing_is_undefined() -> None:
    assert accuracy([], str) is None


def test_segmentation_and_search_use_the_better_lemmas() -> None:
    assert better_lemmatizer("nl") is not None and better_lemmatizer("en") is None
    text = "Ik weet niet wat de mensen willen. De kinderen gingen naar school."
    segments = segment([(text, [Turn(0, len(text), "R", {})])], "nl")[0]
    assert [s.lemmas for s in segments if s.kind == "sentence"] == [
        "ik weten niet wat de mens willen",
        "de kind gaan naar school",
    ]
    assert lemmatize_query("Mensen weet", "nl") == ["mens", "weten"]


def test_text_lemmas_holds_words_and_their_lemmas_without_spacy() -> None:
    from coder.lemmas import text_lemmas

    found = text_lemmas("Mensen weten het; children went", ["nl", "en"])
    assert {"mensen", "mens", "weten", "children", "child", "went", "go"} <= found
