"""Reconciliation: merge suggestions, the consensus layer, decisions, idempotence, the log.

The project: the two test interviews, the small test codebook, and two
coders, anna and bram, who each added codes of their own — anna ``privacy``
and ``werkdruk``, bram ``privacywetgeving`` and ``werkbelasting``, near
duplicates a lead coder has to merge. Their codings agree on some passages,
differ in span on one, conflict on one and are one-sided on one.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

import coder.cli.reconcile_cmds  # noqa: F401  (registers the commands)
from coder.analysis.merge_suggestions import combined_score, name_reasons
from coder.analysis.reconcile import (
    Item,
    Piece,
    carried_choice,
    choice_pieces,
    compare,
    span_intersection,
)
from coder.analysis.units import nonspace_prefix
from coder.errors import CoderError
from coder.model import Code
from coder.services import alignment
from coder.services.codebook import add_code, delete_code, edit_code, merge_codes
from coder.services.project import open_project
from coder.services.reconcile import decide, reconcile, reopen, review_queue
from coder.storage import Store
from tests.conftest import Coder

# (coder, transcript, quote, code)
CODINGS = [
    ("anna", "T01", "ik werk nu drie jaar in het team.", "werkdruk"),
    ("bram", "T01", "Ja, eh, ik werk nu drie jaar in het team.", "werkbelasting"),
    ("anna", "T01", "We doen veel huisbezoeken", "privacy"),
    ("bram", "T01", "We doen veel huisbezoeken, bijv. bij gezinnen met schulden.", "privacywetgeving"),
    ("anna", "T01", "De hulpvragen zijn vaak groot", "beperkingen"),
    ("bram", "T01", "hulpvragen zijn vaak groot en complex.", "beperkingen"),
    ("anna", "T02", "But some things I just can't do.", "handelingsverlegenheid"),
    ("bram", "T02", "But some things I just can't do.", "spanningsveld"),
    ("bram", "T02", "Debt counselling.", "beperkingen"),
    ("anna", "T02", "When a family has several problems at once", "generalistisch"),
    (
        "bram",
        "T02",
        "When a family has several problems at once, I try to keep it with me.",
        "generalistisch",
    ),
]
# (name, coder, parent, id, definition)
ADDED = [
    ("Privacy", "anna", "generalistisch", "privacy", "Uitspraken over het delen van gegevens van cliënten."),
    ("Werkdruk", "anna", None, "werkdruk", "Ervaren werkdruk en tijdgebrek."),
    ("Privacywetgeving", "bram", "generalistisch", "privacywetgeving", "Regels over het delen van gegevens."),
    ("Werkbelasting", "bram", None, "werkbelasting", "De belasting door het werk."),
]


def span(store: Store, transcript: str, quote: str) -> tuple[int, int]:
    """The offsets of ``quote`` in a stored transcript."""
    text = store.get_transcript(transcript).text
    start = text.index(quote)
    return start, start + len(quote)


def add_two_coders(store: Store) -> None:
    """The added codes and both coders' codings (needs the test interviews and codebook)."""
    for name, who, parent, code_id, description in ADDED:
        add_code(store, name, who, parent, description, code_id)
    rows = []
    for who, tid, quote, code in CODINGS:
        start, end = span(store, tid, quote)
        rows.append({"coder": who, "transcript_id": tid, "start": start, "end": end, "code_id": code})
    with store.transaction():
        store.add_codings(rows)


def codings_csv(store: Store, who: str) -> str:
    """One coder's codings as `coder codings import` rows, added codes by path."""
    parents = {code_id: parent for _, _, parent, code_id, _ in ADDED}
    book = store.codebook()
    lines = ["transcript,start,end,code"]
    for coder_name, tid, quote, code in CODINGS:
        if coder_name == who:
            start, end = span(store, tid, quote)
            path = (
                book.path(code) if store.has_code(code) else "/".join(filter(None, [parents.get(code), code]))
            )
            lines.append(f"{tid},{start},{end},{path}")
    return "\n".join(lines) + "\n"


@pytest.fixture
def two(loaded: Coder) -> Store:
    """The loaded test project with anna's and bram's codings."""
    store = open_project(loaded.root)
    add_two_coders(store)
    return store


def layer(store: Store, name: str = "final") -> set[tuple[str, int, int, str]]:
    """A coder layer's codings as comparable tuples."""
    return {(c.transcript_id, c.start, c.end, c.code_id) for c in store.codings(coder=name)}


def orphans(store: Store) -> list[tuple[object, ...]]:
    """Foreign-key violations: codings of codes that no longer exist, and the like."""
    return list(store.db.execute("PRAGMA foreign_key_check").fetchall())


# -- pure: comparing, spans, decisions ------------------------------------------

TEXT = "Een zin hier. Nog een zin.  Derde zin."


def _item(side: str, guid: str, start: int, end: int, code: str) -> Item:
    return Item(side, guid, start, end, code)


def test_overlap_needs_a_non_space_character_to_agree() -> None:
    prefix = nonspace_prefix(TEXT)
    touching_space = [_item("a", "g1", 0, 14, "x"), _item("b", "g2", 13, 26, "x")]
    agreed, clusters = compare(touching_space, prefix)
    assert agreed == [] and len(clusters) == 2  # two one-sided codings, not one disagreement
    overlapping = [_item("a", "g1", 0, 13, "x"), _item("b", "g2", 4, 26, "x")]
    agreed, clusters = compare(overlapping, prefix)
    assert clusters == [] and [(p.start, p.end) for p in agreed[0].pieces] == [(0, 26)]
    agreed, _ = compare(overlapping, prefix, "intersection")
    assert [(p.start, p.end) for p in agreed[0].pieces] == [(4, 13)]


def test_intersection_keeps_only_pieces_with_text() -> None:
    prefix = nonspace_prefix(TEXT)
    assert span_intersection(prefix, [(0, 14)], [(13, 26)]) == []
    assert span_intersection(prefix, [(0, 10), (14, 26)], [(5, 20)]) == [(5, 10), (14, 20)]


def test_conflicting_codes_on_one_passage_are_one_disagreement() -> None:
    prefix = nonspace_prefix(TEXT)
    items = [_item("a", "g1", 0, 13, "x"), _item("b", "g2", 0, 13, "y"), _item("b", "g3", 28, 38, "z")]
    agreed, clusters = compare(items, prefix)
    assert agreed == []
    assert [sorted(i.guid for i in c.items) for c in clusters] == [["g1", "g2"], ["g3"]]
    again = compare(list(reversed(items)), prefix)[1]
    assert [c.key for c in again] == [c.key for c in clusters]  # keys do not depend on order


def test_choices_and_carried_verdicts() -> None:
    a, b = _item("a", "g1", 0, 13, "x"), _item("b", "g2", 0, 13, "y")
    assert choice_pieces("a", [a, b]) == (Piece(0, 13, "x"),)
    assert choice_pieces("both", [a, b]) == (Piece(0, 13, "x"), Piece(0, 13, "y"))
    assert choice_pieces("neither", [a, b]) == ()
    assert carried_choice([b], {"g1": True, "g2": False}) == ("neither", ())
    assert carried_choice([a], {"g1": True}) == ("a", (Piece(0, 13, "x"),))
    assert carried_choice([a, b], {"g1": True}) is None


def _code(code_id: str, name: str, **kw: object) -> Code:
    return Code(id=code_id, guid=code_id, name=name, **kw)


def test_name_reasons_find_compounds_prefixes_and_lemmas() -> None:
    privacy, wet = _code("privacy", "Privacy"), _code("privacywetgeving", "Privacywetgeving")
    texts = [r.text for r in name_reasons(privacy, wet)]
    assert "'privacy' is part of the compound 'privacywetgeving'" in texts
    werk = name_reasons(_code("werkdruk", "Werkdruk"), _code("werkbelasting", "Werkbelasting"))
    assert [r.kind for r in werk] == ["prefix"]
    lemma = name_reasons(
        _code("a", "Hoge werkdruk"),
        _code("b", "Werkdruk ervaren"),
        ["hoge", "werkdruk"],
        ["werkdruk", "ervaren"],
    )
    assert any(r.kind == "lemma" and "werkdruk" in r.text for r in lemma)
    assert name_reasons(_code("a", "Eigen kracht"), _code("b", "Netwerk")) == []
    assert combined_score(werk) < combined_score(name_reasons(privacy, wet))


# -- suggestions and code operations --------------------------------------------


def test_suggestions_rank_near_duplicates_with_reasons(two: Store) -> None:
    found = alignment.suggest(two)
    pairs = [(s.source.id, s.target.id) for s in found]
    assert ("werkbelasting", "werkdruk") in pairs or ("werkdruk", "werkbelasting") in pairs
    assert ("privacy", "privacywetgeving") in pairs or ("privacywetgeving", "privacy") in pairs
    top_two = {frozenset(p) for p in pairs[:2]}
    assert top_two == {frozenset(("privacy", "privacywetgeving")), frozenset(("werkdruk", "werkbelasting"))}
    werk = next(s for s in found if {s.source.id, s.target.id} == {"werkdruk", "werkbelasting"})
    kinds = {r.kind for r in werk.reasons}
    assert {"segments", "prefix"} <= kinds
    assert any("same 1 sentence" in r.text for r in werk.reasons)
    # two concept codes are never suggested, even when applied to the same sentence: the codebook defines them
    assert all("coder" in (s.source.origin, s.target.origin) for s in found)
    assert all(s.score >= alignment.MIN_SCORE for s in found)


def test_keep_separate_hides_a_suggestion_and_is_logged(two: Store) -> None:
    alignment.keep_separate(two, "werkdruk", "werkbelasting", "lead")
    pairs = [{s.source.id, s.target.id} for s in alignment.suggest(two)]
    assert {"werkdruk", "werkbelasting"} not in pairs
    assert {"werkdruk", "werkbelasting"} in [
        {s.source.id, s.target.id} for s in alignment.suggest(two, include_kept=True)
    ]
    assert two.audit_entries("code.keep_separate")[-1].after == {"other": "werkbelasting"}


def test_added_codes_list_definition_coder_and_codings(two: Store) -> None:
    rows = {r["code"]: r for r in alignment.added_codes(two)}
    assert set(rows) == {"privacy", "werkdruk", "privacywetgeving", "werkbelasting"}
    assert rows["privacy"]["path"] == "generalistisch/privacy"
    assert rows["privacy"]["created_by"] == "anna" and rows["privacy"]["codings"] == {"anna": 1}
    assert rows["werkbelasting"]["description"] == "De belasting door het werk."


def test_merge_moves_codings_keeps_memos_and_counts(two: Store) -> None:
    two.set_memo("bram", "code", "werkbelasting", "Bram's note on the code")
    total = len(two.codings())
    merge_codes(two, ["werkbelasting"], "werkdruk", "lead")
    assert not two.has_code("werkbelasting")
    assert len(two.codings()) == total and orphans(two) == []
    assert {c.coder for c in two.codings(code_ids=["werkdruk"])} == {"anna", "bram"}
    assert two.memo("bram", "code", "werkbelasting").text == "Bram's note on the code"
    entry = two.audit_entries("code.merge")[-1]
    assert (entry.target, entry.after["into"]) == ("werkbelasting", "werkdruk")


def test_rename_move_describe_and_delete_are_logged(two: Store) -> None:
    edit_code(two, "werkdruk", "lead", name="Werkdruk en tijdgebrek")
    edit_code(two, "werkdruk", "lead", parent_id="eigen-kracht")
    edit_code(two, "werkdruk", "lead", description="Nieuwe definitie.")
    code = two.get_code("werkdruk")
    assert (code.name, code.parent_id, code.description) == (
        "Werkdruk en tijdgebrek",
        "eigen-kracht",
        "Nieuwe definitie.",
    )
    total = len(two.codings())
    with pytest.raises(CoderError, match="what happens"):
        delete_code(two, "privacy", "keep")
    moved = delete_code(two, "privacy", "move", "lead", into="privacywetgeving")
    assert moved == 1 and len(two.codings()) == total and orphans(two) == []
    deleted = delete_code(two, "werkbelasting", "delete", "lead")
    assert deleted == 1 and len(two.codings()) == total - 1 and orphans(two) == []
    actions = [e.action for e in two.audit_entries()]
    assert actions.count("code.edit") == 3 and "code.merge" in actions and "code.delete" in actions


# -- the consensus layer ----------------------------------------------------------


def test_reconcile_accepts_agreements_and_queues_disagreements(two: Store) -> None:
    report = reconcile(two, ("anna", "bram"), "final")
    assert report["agreed"] == 2  # beperkingen in T01, generalistisch in T02
    assert report["disagreements"]["total"] == 4 and report["disagreements"]["open"] == 4
    hulp = span(two, "T01", "De hulpvragen zijn vaak groot en complex.")
    family = span(two, "T02", "When a family has several problems at once, I try to keep it with me.")
    assert layer(two) == {("T01", *hulp, "beperkingen"), ("T02", *family, "generalistisch")}
    assert {c["name"]: c["kind"] for c in two.coders()}["final"] == "consensus"
    queue = review_queue(two)
    conflict = next(q for q in queue if q.transcript_id == "T02" and q.side("a") and q.side("b"))
    assert {i.code for i in conflict.items} == {"handelingsverlegenheid", "spanningsveld"}


def test_span_intersection_setting(two: Store) -> None:
    reconcile(two, ("anna", "bram"), "final", span="intersection")
    assert ("T01", *span(two, "T01", "hulpvragen zijn vaak groot"), "beperkingen") in layer(two)


def test_rerun_is_idempotent(two: Store) -> None:
    reconcile(two, ("anna", "bram"), "final")
    before = [(c.guid, c.start, c.end, c.code_id) for c in two.codings(coder="final")]
    rows = [(r.id, r.key) for r in two.review_items("final")]
    again = reconcile(two, ("anna", "bram"), "final")
    assert again["codings"] == {"inserted": 0, "updated": 0, "deleted": 0}
    assert [(c.guid, c.start, c.end, c.code_id) for c in two.codings(coder="final")] == before
    assert [(r.id, r.key) for r in two.review_items("final")] == rows
    assert len(two.audit_entries("reconcile.run")) == 2


def test_decisions_update_the_layer_and_survive_reruns(two: Store) -> None:
    reconcile(two, ("anna", "bram"), "final")
    queue = review_queue(two)
    conflict = next(
        q for q in queue if {i.code for i in q.items} == {"handelingsverlegenheid", "spanningsveld"}
    )
    decided = decide(two, conflict.id, "b", "lead", note="B's code fits the definition")
    cant = span(two, "T02", "But some things I just can't do.")
    assert ("T02", *cant, "spanningsveld") in layer(two)
    assert ("T02", *cant, "handelingsverlegenheid") not in layer(two)
    assert decided.status == "decided" and decided.decided_by == "lead"
    entry = two.audit_entries("review.decide")[-1]
    assert entry.target == f"final#{conflict.id}" and entry.after["choice"] == "b"
    assert entry.after["note"] == "B's code fits the definition"
    snapshot = layer(two)
    reconcile(two, ("anna", "bram"), "final")
    assert layer(two) == snapshot
    kept = two.get_review_item(conflict.id)
    assert (kept.choice, kept.note, kept.status) == ("b", "B's code fits the definition", "decided")
    decide(two, conflict.id, "both", "lead")
    assert {("T02", *cant, "spanningsveld"), ("T02", *cant, "handelingsverlegenheid")} <= layer(two)
    assert two.audit_entries("review.decide")[-1].before == {
        "choice": "b",
        "note": "B's code fits the definition",
    }
    decide(two, conflict.id, "neither", "lead")
    assert not any(c[1:3] == cant for c in layer(two))
    reopen(two, conflict.id, "lead")
    assert two.get_review_item(conflict.id).status == "open"


def test_edit_decision_uses_the_given_span_and_code(two: Store) -> None:
    reconcile(two, ("anna", "bram"), "final")
    debt = next(
        q
        for q in review_queue(two)
        if {i.code for i in q.items} == {"beperkingen"} and q.transcript_id == "T02"
    )
    start, end = span(two, "T02", "Debt counselling. I know the basics")
    decide(two, debt.id, "edit", "lead", edit=[Piece(start, end, "handelingsverlegenheid")])
    assert ("T02", start, end, "handelingsverlegenheid") in layer(two)
    with pytest.raises(CoderError, match="outside"):
        decide(two, debt.id, "edit", "lead", edit=[Piece(0, 10_000, "beperkingen")])
    with pytest.raises(CoderError, match="unknown choice"):
        decide(two, debt.id, "maybe", "lead")


def test_merging_after_decisions_carries_them_over(two: Store) -> None:
    reconcile(two, ("anna", "bram"), "final")
    werk = next(q for q in review_queue(two) if {i.code for i in q.items} == {"werkdruk", "werkbelasting"})
    decide(two, werk.id, "a", "lead", note="werkdruk is the better name")
    merge_codes(two, ["werkbelasting"], "werkdruk", "lead")
    report = reconcile(two, ("anna", "bram"), "final")
    assert report["disagreements"]["gone"] == 1 and report["agreed"] == 3  # the merge made it agreement
    assert two.get_review_item(werk.id).status == "gone"
    team = span(two, "T01", "Ja, eh, ik werk nu drie jaar in het team.")
    assert ("T01", *team, "werkdruk") in layer(two)
    assert sum(1 for c in layer(two) if c[1:3] == team) == 1  # no duplicate from the old decision
    assert orphans(two) == []


def test_carry_over_when_a_disagreement_changes_shape(two: Store) -> None:
    start, end = span(two, "T02", "But some things I just can't do.")
    with two.transaction():
        two.add_coding("anna", "T02", start, end, "beperkingen")
    reconcile(two, ("anna", "bram"), "final")
    three = next(q for q in review_queue(two) if len(q.items) == 3)
    decide(two, three.id, "a", "lead", note="anna saw both")
    merge_codes(two, ["spanningsveld"], "handelingsverlegenheid", "lead")  # now anna and bram agree on one
    report = reconcile(two, ("anna", "bram"), "final")
    assert report["disagreements"]["carried"] == 1
    carried = next(
        q
        for q in review_queue(two)
        if q.transcript_id == "T02" and {i.code for i in q.items} == {"beperkingen"} and q.side("a")
    )
    assert carried.status == "decided" and carried.choice == "a" and f"#{three.id}" in carried.note
    assert ("T02", start, end, "beperkingen") in layer(two)
    assert two.audit_entries("review.carry")


def test_union_strategy_takes_everything_until_decided(two: Store) -> None:
    reconcile(two, ("anna", "bram"), "final", strategy="union")
    assert len(review_queue(two, status="open")) == 4
    everything = {(c.transcript_id, c.code_id) for c in two.codings() if c.coder != "final"}
    assert {(t, c) for t, _, _, c in layer(two)} == everything
    conflict = next(
        q
        for q in review_queue(two)
        if {i.code for i in q.items} == {"handelingsverlegenheid", "spanningsveld"}
    )
    decide(two, conflict.id, "a", "lead")
    assert ("T02", "spanningsveld") not in {(t, c) for t, _, _, c in layer(two)}


def test_hand_made_consensus_codings_are_left_alone(two: Store) -> None:
    reconcile(two, ("anna", "bram"), "final")
    extra = two.add_coding("final", "T01", 0, 10, "eigen-kracht")
    reconcile(two, ("anna", "bram"), "final", span="intersection")
    assert two.get_coding(extra.id).code_id == "eigen-kracht"


@pytest.mark.parametrize(
    ("coders", "into", "kwargs", "message"),
    [
        (("anna", "bram"), "anna", {}, "--into must name a new layer"),
        (("anna", "carl"), "final", {}, "no coder named 'carl'"),
        (("anna", "bram"), "final", {"strategy": "all"}, "unknown strategy"),
        (("anna", "bram"), "final", {"span": "half"}, "unknown span rule"),
    ],
)
def test_reconcile_refuses_bad_requests(
    two: Store, coders: tuple[str, str], into: str, kwargs: dict[str, str], message: str
) -> None:
    with pytest.raises(CoderError, match=message):
        reconcile(two, coders, into, **kwargs)
    assert two.codings(coder="final") == [] and two.review_items() == []


def test_a_layer_is_bound_to_its_pair_of_coders(two: Store) -> None:
    reconcile(two, ("anna", "bram"), "final")
    two.ensure_coder("carl")
    with pytest.raises(CoderError, match="was built from anna,bram"):
        reconcile(two, ("anna", "carl"), "final")


def test_agreement_before_and_after_alignment(two: Store) -> None:
    before = alignment.aligned_agreement(two, ("anna", "bram"))
    assert before["code_map"] == {}
    merge_codes(two, ["werkbelasting"], "werkdruk", "lead")
    merge_codes(two, ["privacywetgeving"], "privacy", "lead")
    report = alignment.aligned_agreement(two, ("anna", "bram"))
    assert report["code_map"] == {"werkbelasting": "werkdruk", "privacywetgeving": "privacy"}
    rows = {r["code"]: r for r in report["codes"]}
    assert rows["werkbelasting"]["aligned_to"] == "werkdruk"
    assert rows["werkbelasting"]["before"]["n_both"] == 0 and rows["werkbelasting"]["after"]["n_both"] == 1
    assert report["overall"]["after"]["percent_agreement"] >= report["overall"]["before"]["percent_agreement"]
    assert report["themes"]["level"] == "theme"


def test_suggested_merges_preview_the_aligned_agreement(two: Store) -> None:
    report = alignment.aligned_agreement(two, ("anna", "bram"), with_suggestions=True)
    assert report["code_map"] == {"privacywetgeving": "privacy", "werkbelasting": "werkdruk"}
    rows = {r["code"]: r for r in report["codes"]}
    assert rows["werkbelasting"]["after"]["n_both"] == 1
    assert two.has_code("werkbelasting")  # a preview merges nothing


# -- the command line, end to end --------------------------------------------------


def test_cli_suggest_reconcile_review_and_log(loaded: Coder, tmp_path: Path) -> None:
    store = open_project(loaded.root)
    add_two_coders(store)
    suggestions = json.loads(loaded("codes", "suggest", "--json").output)["suggestions"]
    assert suggestions and all(s["reasons"] for s in suggestions)
    report = json.loads(loaded("reconcile", "--coders", "anna,bram", "--into", "final", "--json").output)
    assert report["disagreements"]["open"] == 4
    listing = json.loads(loaded("review", "list", "--json").output)
    assert listing["n_open"] == 4
    first = listing["disagreements"][0]
    assert {"id", "transcript", "a", "b", "status"} <= set(first) and first["a"]["coder"] == "anna"
    result = loaded("review", "decide", str(first["id"]), "--accept", "a", "--note", "fits")
    assert result.exit_code == 0, result.output
    bad = loaded("review", "decide", "9999", "--accept", "a")
    assert bad.exit_code == 1 and "no disagreement with id 9999" in bad.stderr
    entries = json.loads(loaded("log", "--action", "review", "--json").output)["entries"]
    assert [e["action"] for e in entries] == ["review.decide"] and entries[0]["after"]["note"] == "fits"
    out = tmp_path / "log.csv"
    assert loaded("log", "--csv", str(out)).exit_code == 0
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert {"reconcile.run", "review.decide", "code.add"} <= {r["action"] for r in rows}
    assert loaded("review", "show", str(first["id"])).exit_code == 0
    assert "decision: a" in loaded("review", "show", str(first["id"])).output


def test_full_scenario_from_the_terminal(loaded: Coder, tmp_path: Path) -> None:
    """Two coders' codings imported → merged tree → consensus layer → frozen final tree as YAML."""
    store = open_project(loaded.root)
    for who in ("anna", "bram"):
        rows = tmp_path / f"{who}.csv"
        rows.write_text(codings_csv(store, who), encoding="utf-8")
        assert loaded("codings", "import", str(rows), "--coder", who, "--add-missing-codes").exit_code == 0
    added = json.loads(loaded("codes", "added", "--json").output)["codes"]
    assert {c["code"]: c["created_by"] for c in added} == {
        "privacy": "anna",
        "werkdruk": "anna",
        "privacywetgeving": "bram",
        "werkbelasting": "bram",
    }
    for suggestion in json.loads(loaded("codes", "suggest", "--json").output)["suggestions"][:2]:
        assert loaded("codes", "merge", suggestion["source"], "--into", suggestion["target"]).exit_code == 0
    merged = {c["code"] for c in json.loads(loaded("codes", "added", "--json").output)["codes"]}
    assert len(merged) == 2
    werk = next(c for c in merged if c.startswith("werk"))
    assert loaded("codes", "rename", werk, "Werkdruk en belasting").exit_code == 0
    assert loaded("codes", "move", werk, "--parent", "eigen-kracht").exit_code == 0
    assert loaded("reconcile", "--coders", "anna,bram").exit_code == 0
    for item in json.loads(loaded("review", "list", "--status", "open", "--json").output)["disagreements"]:
        choice = "both" if item["a"]["codings"] and item["b"]["codings"] else "neither"
        assert loaded("review", "decide", str(item["id"]), "--accept", choice).exit_code == 0
    assert json.loads(loaded("review", "list", "--status", "open", "--json").output)["n"] == 0
    rerun = json.loads(loaded("reconcile", "--coders", "anna,bram", "--json").output)
    assert rerun["codings"] == {"inserted": 0, "updated": 0, "deleted": 0}
    assert loaded("codebook", "freeze", "final", "--note", "after reconciliation").exit_code == 0
    diff = json.loads(loaded("codebook", "diff", "concept", "final", "--json").output)
    assert {c["code"] for c in diff["added"]} == merged
    assert len(diff["merged"]) == 2 and all(c["added_while_coding"] == "yes" for c in diff["merged"])
    assert loaded("codes", "add", "Late code", "--coder", "anna").exit_code == 0  # the working tree moves on
    out = tmp_path / "final.yaml"
    assert loaded("codebook", "export", "--version", "final", "-o", str(out)).exit_code == 0
    text = out.read_text(encoding="utf-8")
    assert "Werkdruk en belasting" in text and "late-code" not in text
    final = open_project(loaded.root)
    assert final.codings(coder="final") and orphans(final) == []
    actions = {e["action"] for e in json.loads(loaded("log", "--json").output)["entries"]}
    assert {"code.merge", "code.edit", "reconcile.run", "review.decide", "codebook.freeze"} <= actions
