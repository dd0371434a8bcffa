"""The coding session: selection arithmetic, coverage, blind codebook, search, undo/redo."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from coder.errors import CoderError
from coder.model import Code, Codebook, Segment, Transcript
from coder.services import finding, reading
from coder.services import session as ops
from coder.services.codebook import add_code, load_codebook_file
from coder.services.reading import Selection
from coder.services.session import Session
from coder.storage import Store, open_store

TEXT = (
    "I: Hoe begint een huisbezoek?\n\n"
    "R: Ik kom binnen en ik luister. Mensen hebben vaak meer hulpvragen. Dat is generalistisch.\n\n"
    "I: En dan?\n\n"
    "R: Dan bel ik een collega."
)


def segments_of(text: str) -> list[Segment]:
    """Turns and sentences of TEXT, cut by hand (no spaCy needed)."""
    turns = [
        ("I", "Hoe begint een huisbezoek?"),
        ("R", "Ik kom binnen"),
        ("I", "En dan?"),
        ("R", "Dan bel ik"),
    ]
    out: list[Segment] = []
    sentence_index = 0
    for t_index, (speaker, first) in enumerate(turns):
        start = text.index(first)
        end = text.find("\n\n", start)
        end = len(text) if end < 0 else end
        out.append(Segment("turn", t_index, start, end, speaker))
        pos = start
        for piece in text[start:end].split(". "):
            s_end = pos + len(piece) + (0 if piece.endswith((".", "?")) else 1)
            lemmas = text[pos:s_end].lower().replace("hulpvragen", "hulpvraag").strip(".?")
            out.append(Segment("sentence", sentence_index, pos, s_end, speaker, lemmas, {"turn": t_index}))
            sentence_index += 1
            pos = s_end + 1
    return out


@pytest.fixture
def project(store: Store, codebook_file: Path) -> Store:
    """A project with one hand-segmented transcript and the small codebook."""
    transcript = Transcript("T01", "g-1", TEXT, "nl", {"gemeente": "Zwolle"}, "T01.txt", "sha", "now")
    with store.transaction():
        store.add_transcript(transcript, segments_of(TEXT))
    load_codebook_file(store, codebook_file)
    return store


@pytest.fixture
def doc(project: Store) -> reading.TranscriptDoc:
    """T01 as the coding screen reads it."""
    return reading.load_doc(project, "T01")


def quote(doc: reading.TranscriptDoc, sel: Selection) -> str:
    """The selected text."""
    return doc.text[sel.start : sel.end]


def test_sentences_turns_and_respondents(doc: reading.TranscriptDoc) -> None:
    assert [doc.text[s.start : s.end] for s in doc.sentences[:3]] == [
        "Hoe begint een huisbezoek?",
        "Ik kom binnen en ik luister.",
        "Mensen hebben vaak meer hulpvragen.",
    ]
    assert [doc.is_respondent(i) for i in range(len(doc.sentences))] == [False, True, True, True, False, True]
    assert doc.sentence_at(doc.sentences[2].start + 3) == 2


def test_move_extend_and_shrink_back(doc: reading.TranscriptDoc) -> None:
    sel = reading.move(doc, reading.select_sentence(doc, 0), 1)
    assert quote(doc, sel) == "Ik kom binnen en ik luister."
    grown = reading.extend(doc, reading.extend(doc, sel, 1), 1)
    assert quote(doc, grown).startswith("Ik kom") and quote(doc, grown).endswith("generalistisch.")
    assert reading.extend(doc, reading.extend(doc, grown, -1), -1) == sel
    up = reading.extend(doc, sel, -1)
    assert (up.first, up.last) == (0, 1)
    assert reading.move(doc, sel, -5).head == 0 and reading.move(doc, sel, 99).head == len(doc.sentences) - 1


def test_word_trimming_keeps_at_least_one_word(doc: reading.TranscriptDoc) -> None:
    sel = reading.select_sentence(doc, 1)
    narrowed = reading.move_end(doc.text, reading.move_start(doc.text, sel, 1), -1)
    assert quote(doc, narrowed) == "kom binnen en ik"
    widened = reading.move_start(doc.text, reading.move_end(doc.text, narrowed, 1), -1)
    assert quote(doc, widened) == "Ik kom binnen en ik luister."
    one = reading.select_span(doc, sel.start, sel.start + 2)
    assert reading.move_start(doc.text, one, 1) == one and reading.move_end(doc.text, one, -1) == one
    assert quote(doc, reading.move_end(doc.text, sel, 1)) == "Ik kom binnen en ik luister. Mensen"


def test_extending_keeps_a_trimmed_start(doc: reading.TranscriptDoc) -> None:
    trimmed = reading.move_start(doc.text, reading.select_sentence(doc, 1), 1)
    assert quote(doc, reading.extend(doc, trimmed, 1)).startswith("kom binnen")


def test_select_turn(doc: reading.TranscriptDoc) -> None:
    turn = reading.select_turn(doc, reading.select_sentence(doc, 2))
    assert quote(doc, turn).startswith("Ik kom") and quote(doc, turn).endswith("generalistisch.")


def test_coverage_and_next_uncoded(doc: reading.TranscriptDoc) -> None:
    s = doc.sentences
    cover = reading.Coverage(doc, [(s[1].start + 3, s[2].start + 2)])
    assert cover.covered == 2
    assert cover.next_uncoded(0, 1) == 3
    assert cover.next_uncoded(3, 1) == 5, "sentence 4 is the interviewer's"
    assert cover.next_uncoded(3, -1) is None
    cover.add(s[1].start + 3, s[2].start + 2, -1)
    assert cover.covered == 0 and cover.next_uncoded(0, 1) == 1


def test_blind_codebook_hides_other_coders_codes(project: Store) -> None:
    add_code(project, "Van bram", "bram", "generalistisch")
    add_code(project, "Van anna", "anna")
    visible = {c.name for c in finding.visible_codebook(project.codebook(), "anna").codes}
    assert "Van anna" in visible and "Van bram" not in visible and "Eigen kracht" in visible


def test_blind_codebook_hides_children_of_hidden_codes() -> None:
    codes = (
        Code("a", "g", "A", origin="coder", created_by="bram"),
        Code("b", "g", "B", parent_id="a"),
    )
    assert finding.visible_codebook(Codebook("x", codes), "anna").codes == ()


def test_fuzzy_codes_rank_close_names_first() -> None:
    codes = [Code(i, "g", name) for i, name in [("a", "Eigen kracht"), ("b", "Generalistisch werken")]]
    assert [c.id for c in finding.fuzzy_codes(codes, "gener")] == ["b"]
    assert [c.id for c in finding.fuzzy_codes(codes, "")] == ["a", "b"]
    assert finding.fuzzy_codes(codes, "généralist")[0].id == "b"
    assert finding.fuzzy_codes(codes, "zzz") == []


def test_search_by_lemma_and_literally(project: Store) -> None:
    hits = finding.search(project, "hulpvragen", "T01")
    assert [h.snippet for h in hits] == ["Mensen hebben vaak meer hulpvragen."]
    assert [h.snippet for h in finding.search(project, "binnen en ik")] == ["Ik kom binnen en ik luister."]
    assert finding.search(project, "  ") == []


def test_transcript_rows_count_only_this_coder(project: Store) -> None:
    s = reading.load_doc(project, "T01").sentences
    anna = Session(project, "anna")
    anna.apply("T01", s[1].start, s[2].end, "eigen-kracht")
    Session(project, "bram").apply("T01", s[3].start, s[3].end, "eigen-kracht")
    anna.set_done("T01", True)
    (row,) = finding.transcript_rows(project, "anna")
    assert (row.sentences, row.coded_sentences, row.codings, row.done) == (6, 2, 1, True)
    assert finding.row_matches(row, "gemeente=zwol") and finding.row_matches(row, "T01")
    assert not finding.row_matches(row, "gemeente=Deventer")


def test_remember_coder(project: Store) -> None:
    assert ops.last_coder(project) is None
    assert ops.remember_coder(project, " anna ") == "anna"
    assert ops.last_coder(project) == "anna"
    with pytest.raises(CoderError):
        ops.remember_coder(project, "an na")


def committed(store: Store) -> list[tuple[int, int, str, str, bool]]:
    """Codings as another connection sees them (only what was committed)."""
    other = open_store(store.root)
    try:
        return [(c.start, c.end, c.code_id, c.memo, c.key_quote) for c in other.codings()]
    finally:
        other.close()


def test_every_action_is_committed_and_undoable(project: Store) -> None:
    session = Session(project, "anna")
    s = reading.load_doc(project, "T01").sentences
    applied = session.apply("T01", s[1].start, s[1].end, "eigen-kracht").added[0]
    session.set_span(applied.id, s[1].start, s[2].end)
    session.set_coding_memo(applied.id, "mooi")
    session.toggle_key_quote(applied.id)
    assert committed(project) == [(s[1].start, s[2].end, "eigen-kracht", "mooi", True)]
    assert not project.in_transaction()
    for _ in range(3):
        session.undo()
    assert committed(project) == [(s[1].start, s[1].end, "eigen-kracht", "", False)]
    session.undo()
    assert committed(project) == [] and not session.can_undo
    for _ in range(4):
        session.redo()
    assert committed(project) == [(s[1].start, s[2].end, "eigen-kracht", "mooi", True)]
    assert project.codings()[0].id == applied.id, "redo restores the same coding"


def test_remove_and_undo_restores_the_same_coding(project: Store) -> None:
    session = Session(project, "anna")
    coding = session.apply("T01", 5, 20, "eigen-kracht").added[0]
    change = session.remove(coding.id)
    assert change.removed == (coding,) and project.codings() == []
    assert session.undo().added == (coding,)
    assert project.codings() == [coding]


def test_add_code_memo_done_and_their_undo(project: Store) -> None:
    session = Session(project, "anna")
    code = session.add_code("Eerst luisteren", "generalistisch", "Luisteren voor handelen").codes[0]
    assert (code.origin, code.created_by, code.parent_id) == ("coder", "anna", "generalistisch")
    session.edit_code(code.id, name="Eerst goed luisteren")
    session.set_memo("transcript", "T01", "lang")
    session.set_done("T01", True)
    session.undo()
    session.undo()
    assert not project.is_done("T01", "anna") and project.memo("anna", "transcript", "T01") is None
    session.undo()
    assert project.get_code(code.id).name == "Eerst luisteren"
    session.undo()
    assert not project.has_code(code.id)
    session.redo()
    assert project.get_code(code.id) == dataclasses.replace(code)


def test_undo_of_a_code_in_use_is_refused(project: Store) -> None:
    session = Session(project, "anna")
    code = session.add_code("Nieuw").codes[0]
    Session(project, "anna").apply("T01", 5, 20, code.id)
    with pytest.raises(CoderError):
        session.undo()
    assert project.has_code(code.id) and session.can_undo


def test_coders_cannot_edit_shared_or_others_codes(project: Store) -> None:
    with pytest.raises(CoderError):
        Session(project, "anna").edit_code("eigen-kracht", name="X")
    bram_code = add_code(project, "Van bram", "bram")
    with pytest.raises(CoderError):
        Session(project, "anna").edit_code(bram_code.id, name="X")


def test_recent_codes_come_from_the_project_and_move_to_front(project: Store) -> None:
    first = Session(project, "anna")
    first.apply("T01", 5, 20, "eigen-kracht")
    first.apply("T01", 5, 20, "generalistisch")
    assert Session(project, "anna").recent == ["generalistisch", "eigen-kracht"]
    first.apply("T01", 5, 20, "eigen-kracht")
    assert first.recent[:2] == ["eigen-kracht", "generalistisch"]
    assert Session(project, "bram").recent == []


def test_merging_one_code_can_be_undone_exactly(project: Store) -> None:
    from coder.services.codebook import add_code, merge_code, merge_preview, undo_merge
    from coder.services.codings import apply_code

    store = project
    a = add_code(store, "Privacy", "anna")
    b = add_code(store, "Privacywetgeving", "bram", description="Wetten.")
    child = add_code(store, "AVG", "bram", b.id)
    apply_code(store, "anna", "T01", 0, 5, a.id)
    apply_code(store, "bram", "T01", 0, 5, b.id)
    apply_code(store, "bram", "T01", 6, 9, b.id)
    before = (store.codebook(), store.codings())
    assert merge_preview(store, b.id) == {"bram": 2}
    record = merge_code(store, b.id, a.id, "lisa")
    assert not store.has_code(b.id) and store.get_code(child.id).parent_id == a.id
    assert store.get_code(a.id).description == "Wetten."
    undo_merge(store, record, "lisa")
    assert (store.codebook(), store.codings()) == before
    assert [e.action for e in store.audit_entries()][-2:] == ["code.merge", "code.unmerge"]
