"""Assisted coding: suggestions (blind, explained, stored index), code from search, saturation."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import coder
from coder.errors import CoderError
from coder.model import Transcript, Turn
from coder.segmentation import segment
from coder.services import autocode as autocode_service
from coder.services import saturation as saturation_service
from coder.services import suggest as suggest_service
from coder.services.codebook import load_codebook_file
from coder.services.codings import apply_code
from coder.services.finding import search
from coder.services.session import Session
from coder.services.transcripts import import_transcripts
from coder.storage import Store
from tests.conftest import Coder

INTERVIEWS = {
    "a1": (
        "I: Hoe gaat het met de wachtlijst?\n\n"
        "R: De wachtlijst voor de jeugdzorg is enorm lang. Gezinnen wachten maanden op hulp.\n\n"
        "I: En de buren?\n\n"
        "R: De buren helpen soms met boodschappen. Dat is fijn."
    ),
    "a2": (
        "I: Wat merkt u van wachttijden?\n\n"
        "R: Kinderen staan maanden op een wachtlijst bij de specialist. Ouders wachten en wachten.\n\n"
        "I: Werkt u met vrijwilligers?\n\n"
        "R: Vrijwilligers uit de wijk doen de boodschappen."
    ),
    "a3": (
        "I: Nog iets over de jeugdzorg?\n\n"
        "R: Voor jeugdzorg wachten gezinnen eindeloos op een plek. Het team doet wat het kan.\n\n"
        "I: Dank u.\n\n"
        "R: Graag gedaan."
    ),
}


@pytest.fixture
def project(store: Store, tmp_path: Path, codebook_file: Path) -> Store:
    """Three small Dutch interviews, imported and segmented for real, with the test codebook."""
    folder = tmp_path / "interviews"
    folder.mkdir()
    for name, text in INTERVIEWS.items():
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")
    load_codebook_file(store, codebook_file)
    import_transcripts(store, sorted(folder.glob("*.txt")), lang="nl")
    return store


def invoke(root: Path, *args: str, expect_exit: int = 0) -> object:
    """Run the CLI on a project folder and check its exit status."""
    result = Coder(root)(*args)
    assert result.exit_code == expect_exit, result.output
    return result


def span(store: Store, tid: str, words: str) -> tuple[int, int]:
    """Start and end of ``words`` in a transcript."""
    start = store.get_transcript(tid).text.index(words)
    return start, start + len(words)


def passage(store: Store, s: dict[str, object]) -> str:
    """The text of one suggestion."""
    return store.get_transcript(str(s["transcript"])).text[int(s["start"]) : int(s["end"])]  # type: ignore[call-overload]


def test_suggestions_rank_similar_passages_and_explain_them(project: Store) -> None:
    apply_code(
        project,
        "anna",
        "a1",
        *span(project, "a1", "De wachtlijst voor de jeugdzorg is enorm lang."),
        "beperkingen",
    )
    result = suggest_service.suggest(project, "beperkingen", "anna", limit=3, units=("sentence",))
    top = result["suggestions"][0]
    assert set(top) >= {"transcript", "start", "end", "score", "shared_lemmas"}
    assert "wachtlijst" in passage(project, top) or "jeugdzorg" in passage(project, top)
    assert {"wachtlijst", "jeugdzorg"} & set(top["shared_lemmas"])
    assert all("enorm lang" not in passage(project, s) for s in result["suggestions"])  # already coded
    scores = [s["score"] for s in result["suggestions"]]
    assert scores == sorted(scores, reverse=True)


def test_suggestions_use_only_the_asking_coders_codings(project: Store) -> None:
    before = suggest_service.suggest(project, "spanningsveld", "anna", units=("sentence",))
    assert before["suggestions"] == []  # no codings, no words of the definition in the text
    apply_code(
        project, "bram", "a1", *span(project, "a1", "De buren helpen soms met boodschappen."), "spanningsveld"
    )
    assert suggest_service.suggest(project, "spanningsveld", "anna", units=("sentence",)) == before
    mine = suggest_service.suggest(project, "spanningsveld", "bram", units=("sentence",))
    assert any("doen de boodschappen" in passage(project, s) for s in mine["suggestions"][:2])


def test_dismissed_passages_are_not_proposed_again(project: Store) -> None:
    apply_code(
        project, "anna", "a1", *span(project, "a1", "De buren helpen soms met boodschappen."), "spanningsveld"
    )
    first = suggest_service.suggest(project, "spanningsveld", "anna", units=("sentence",))["suggestions"][0]
    suggest_service.dismiss(
        project, "anna", "spanningsveld", first["transcript"], first["start"], first["end"]
    )
    again = suggest_service.suggest(project, "spanningsveld", "anna", units=("sentence",))["suggestions"]
    assert (first["transcript"], first["start"]) not in {(s["transcript"], s["start"]) for s in again}
    other = suggest_service.suggest(project, "spanningsveld", "bram", units=("sentence",))
    assert other["suggestions"] == []  # bram has no codings: nothing to go on, and anna's dismissal is hers


def test_turns_and_sentences_never_overlap_in_one_list(project: Store) -> None:
    apply_code(
        project,
        "anna",
        "a1",
        *span(project, "a1", "De wachtlijst voor de jeugdzorg is enorm lang."),
        "beperkingen",
    )
    found = suggest_service.suggest(project, "beperkingen", "anna", limit=10)["suggestions"]
    assert {s["unit"] for s in found} <= {"sentence", "turn"}
    for i, a in enumerate(found):
        for b in found[i + 1 :]:
            assert a["transcript"] != b["transcript"] or a["end"] <= b["start"] or b["end"] <= a["start"]


def test_the_index_is_stored_and_updated_on_import(project: Store, tmp_path: Path) -> None:
    assert project.index_blob("passages") is None
    suggest_service.load_index(project)
    assert project.index_blob("passages") is not None
    extra = tmp_path / "a4.txt"
    extra.write_text("R: Ook hier een lange wachtlijst voor jeugdzorg.", encoding="utf-8")
    import_transcripts(project, [extra], lang="nl")
    index = suggest_service.load_index(project)
    keys = [(index.kind_of(i), *index.key(i)) for i in range(index.size)]
    assert any(key[1] == "a4" for key in keys)
    rebuilt = suggest_service.build_index(project)
    assert sorted(keys) == sorted((rebuilt.kind_of(i), *rebuilt.key(i)) for i in range(rebuilt.size))
    again = extra.with_name("a4-new")
    again.mkdir()
    (again / "a4.txt").write_text("R: Nu gaat het over vrijwilligers.", encoding="utf-8")
    import_transcripts(project, [again / "a4.txt"], lang="nl", replace=True)
    replaced = suggest_service.load_index(project)  # the in-memory copy follows the stored one
    assert [replaced.key(i) for i in range(replaced.size) if replaced.key(i)[0] == "a4"] == [
        ("a4", 3, 34),
        ("a4", 3, 34),
    ]
    words = {index.vocab[c] for c in index.counts[index.rows_of(["a4"])].indices}
    assert {"wachtlijst", "jeugdzorg", "lang"} <= words


def test_transcripts_added_behind_the_index_s_back_are_indexed(project: Store) -> None:
    suggest_service.load_index(project)
    text = "R: Een nieuwe wachtlijst voor de jeugdzorg."
    segments = segment([(text, [Turn(3, len(text), "R", {})])], "nl")[0]
    project.add_transcript(Transcript("b1", "g-b1", text, "nl", {}, "b1.txt", "x", ""), segments)
    index = suggest_service.load_index(project)  # no refresh_index call was made
    assert "b1" in index.versions and index.rows_of(["b1"]).sum() == 2
    apply_code(
        project,
        "anna",
        "a1",
        *span(project, "a1", "De wachtlijst voor de jeugdzorg is enorm lang."),
        "beperkingen",
    )
    found = suggest_service.suggest(project, "beperkingen", "anna", units=("sentence",))["suggestions"]
    assert found[0]["transcript"] == "b1"


def test_an_unreadable_or_former_index_is_rebuilt(project: Store, tmp_path: Path) -> None:
    project.save_index_blob("passages", b"not an index")
    assert suggest_service.load_index(project).size > 0
    from coder.analysis.similarity import from_bytes

    assert from_bytes(project.index_blob("passages") or b"").size > 0
    project.save_index_blob("passages", b"still not one")
    extra = tmp_path / "a5.txt"
    extra.write_text("R: Weer een wachtlijst.", encoding="utf-8")
    import_transcripts(project, [extra], lang="nl")  # the update on import rebuilds it too
    assert "a5" in from_bytes(project.index_blob("passages") or b"").transcripts


def test_a_suggestion_from_a_built_index_loads_no_spacy(project: Store) -> None:
    suggest_service.load_index(project)
    script = (
        "import sys; from pathlib import Path; from coder.storage import open_store; "
        "from coder.services.suggest import suggest; "
        f"s = open_store(Path({str(project.root)!r})); suggest(s, 'beperkingen', 'anna'); "
        "print('spacy' in sys.modules)"
    )
    env = {**os.environ, "PYTHONPATH": str(Path(coder.__file__).resolve().parents[1])}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, check=True)
    assert done.stdout.strip() == "False"


def test_suggest_cli_json_follows_the_contract(project: Store) -> None:
    apply_code(
        project,
        "anna",
        "a2",
        *span(project, "a2", "Vrijwilligers uit de wijk doen de boodschappen."),
        "spanningsveld",
    )
    result = invoke(
        project.root, "suggest", "--code", "spanningsveld", "--coder", "anna", "--limit", "2", "--json"
    )
    data = json.loads(result.output)
    assert data["code"] == "spanningsveld" and len(data["suggestions"]) <= 2
    assert all(
        {"transcript", "start", "end", "score", "shared_lemmas"} <= set(s) for s in data["suggestions"]
    )
    bad = invoke(project.root, "suggest", "--code", "nope", "--coder", "anna", expect_exit=1)
    assert "nope" in bad.output and "Traceback" not in bad.output


def test_autocode_extends_hits_and_skips_what_is_coded(project: Store) -> None:
    dry = autocode_service.autocode(project, "wachtlijst", "beperkingen", "anna", "turn", apply=False)
    assert [p["transcript"] for p in dry["passages"]] == ["a1", "a1", "a2"]
    assert project.codings(coder="anna") == []
    answer = dry["passages"][1]["text"]  # the whole turn, not just the sentence with the hit
    assert answer.startswith("De wachtlijst") and answer.endswith("op hulp.")
    done = autocode_service.autocode(project, "wachtlijst", "beperkingen", "anna", "sentence", apply=True)
    assert len(done["passages"]) == 3 and len(project.codings(coder="anna")) == 3
    again = autocode_service.autocode(project, "wachtlijst", "beperkingen", "anna", "turn", apply=True)
    assert again["passages"] == [] and again["skipped"] == 3
    with pytest.raises(CoderError):
        autocode_service.autocode(project, "wachtlijst", "beperkingen", "anna", "paragraph", apply=False)


def test_autocode_cli_dry_run_lists_and_changes_nothing(project: Store) -> None:
    result = invoke(project.root, "autocode", "--query", "boodschappen", "--code", "spanningsveld",
                    "--coder", "anna", "--dry-run")  # fmt: skip
    assert "Would code 2 sentences" in result.output
    assert project.codings(coder="anna") == []


def test_code_from_search_is_one_undoable_step(project: Store) -> None:
    session = Session(project, "anna")
    hits = autocode_service.extend_hits(project, [], "turn")
    assert hits == []
    passages = autocode_service.extend_hits(project, search(project, "wachten"), "turn")
    change = session.apply_many(passages, "beperkingen")
    assert len(change.added) == len(passages) == 3
    session.undo()
    assert project.codings(coder="anna") == []
    session.redo()
    assert len(project.codings(coder="anna")) == 3


def test_saturation_counts_new_codes_and_respondents(project: Store) -> None:
    apply_code(project, "anna", "a1", *span(project, "a1", "Dat is fijn."), "handelingsverlegenheid")
    apply_code(project, "anna", "a2", *span(project, "a2", "Ouders wachten en wachten."), "beperkingen")
    apply_code(
        project,
        "anna",
        "a2",
        *span(project, "a2", "Vrijwilligers uit de wijk doen de boodschappen."),
        "spanningsveld",
    )
    apply_code(project, "anna", "a3", *span(project, "a3", "Graag gedaan."), "spanningsveld")
    report = saturation_service.saturation(project, "anna", "interview")
    rows = {r["transcript"]: r for r in report["transcripts"]}
    assert (rows["a1"]["new_codes"], rows["a1"]["new_subcodes"], rows["a1"]["cumulative"]) == (1, 1, 2)
    assert (rows["a2"]["new_codes"], rows["a2"]["new_subcodes"], rows["a2"]["cumulative"]) == (1, 2, 5)
    assert (rows["a3"]["new_codes"], rows["a3"]["new_subcodes"], rows["a3"]["cumulative"]) == (0, 0, 5)
    respondents = {c["code"]: c["respondents"] for c in report["codes"]}
    assert (
        respondents["generalistisch"] == 3
        and respondents["spanningsveld"] == 2
        and report["n_transcripts"] == 3
    )
    with pytest.raises(CoderError):
        saturation_service.saturation(project, "nobody")


def test_saturation_chart_is_written_as_svg(project: Store, tmp_path: Path) -> None:
    apply_code(project, "anna", "a1", *span(project, "a1", "Dat is fijn."), "handelingsverlegenheid")
    out = tmp_path / "sat.svg"
    result = invoke(project.root, "saturation", "--coder", "anna", "--chart", str(out))
    assert "1 of 3" in result.output
    assert out.read_text(encoding="utf-8").lstrip().startswith("<?xml") and "<svg" in out.read_text(
        encoding="utf-8"
    )
    bad = invoke(project.root, "saturation", "--chart", str(tmp_path / "sat.gif"), expect_exit=1)
    assert "unsupported chart format" in bad.output


def test_interviewer_questions_are_never_proposed(project: Store) -> None:
    """ "Hoe gaat het met de wachtlijst?" shares the lemma, but it is the interviewer's question."""
    apply_code(
        project,
        "anna",
        "a1",
        *span(project, "a1", "De wachtlijst voor de jeugdzorg is enorm lang."),
        "beperkingen",
    )
    result = suggest_service.suggest(project, "beperkingen", "anna", limit=20)
    texts = [passage(project, s) for s in result["suggestions"]]
    assert any("wachtlijst" in t for t in texts), texts
    assert not any(t.startswith(("I:", "Hoe gaat", "Wat merkt", "Nog iets")) for t in texts), texts
    assert not set(result["evidence"]["definition_terms"]) & {"de", "het", "en", "van"}
