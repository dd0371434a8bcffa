"""Code tree versions: freezing, listing, diffing by GUID, exporting any version."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

import coder.cli.reconcile_cmds  # noqa: F401  (registers the commands)
from coder.analysis.reconcile import diff_trees, resolve_merges
from coder.errors import CoderError
from coder.formats.codebook import parse_codebook
from coder.model import Code, Codebook
from coder.services import versions
from coder.services.codebook import edit_code, merge_codes
from coder.services.project import open_project
from coder.storage import Store
from tests.conftest import CODEBOOK_YAML, Coder
from tests.test_reconcile import add_two_coders


@pytest.fixture
def two(loaded: Coder) -> Store:
    """The loaded test project with anna's and bram's codes and codings."""
    store = open_project(loaded.root)
    add_two_coders(store)
    return store


def _book(*codes: tuple[str, str, str | None, str]) -> Codebook:
    """A codebook from (id, name, parent, guid) tuples."""
    return Codebook("t", tuple(Code(id=i, guid=g, name=n, parent_id=p) for i, n, p, g in codes))


def test_diff_matches_by_guid_then_by_id() -> None:
    old = _book(
        ("a", "A", None, "g-a"), ("b", "B", "a", "g-b"), ("c", "C", None, "g-c"), ("d", "D", None, "")
    )
    new = _book(
        ("a2", "A", None, "g-a"), ("b", "Bee", None, "g-b"), ("d", "D", "a2", ""), ("e", "E", None, "g-e")
    )
    changes = diff_trees(old, new, {"c": "x", "x": "a2"})
    assert changes["added"] == [{"code": "e", "name": "E", "parent": None}]
    assert changes["merged"] == [{"code": "c", "name": "C", "into": "a2"}]
    assert changes["removed"] == []
    assert {"code": "a2", "old_id": "a", "from": "A", "to": "A"} in changes["renamed"]
    assert {"code": "b", "old_id": "b", "from": "B", "to": "Bee"} in changes["renamed"]
    assert {"code": "b", "from": "a", "to": None} in changes["moved"]
    assert {"code": "d", "from": None, "to": "a2"} in changes["moved"]


def test_resolve_merges_follows_chains() -> None:
    assert resolve_merges({"a": "b", "b": "c", "x": "y"}) == {"a": "c", "b": "c", "x": "y"}
    assert resolve_merges({"a": "b", "b": "a"})["a"] in {"a", "b"}  # a cycle does not hang


def test_freeze_keeps_a_copy_that_later_edits_do_not_touch(two: Store) -> None:
    version = versions.freeze(two, "round-1", "lead", note="after the first round")
    assert version.created_by == "lead" and version.created_at and version.note == "after the first round"
    edit_code(two, "privacy", "lead", name="Privacy en gegevens")
    frozen = two.codebook_version("round-1").codebook
    assert frozen.by_id()["privacy"].name == "Privacy"
    assert frozen.by_id()["privacy"].guid == two.get_code("privacy").guid
    assert [c.id for c in frozen.tree_order()] == [c.id for c in frozen.codes]
    entry = two.audit_entries("codebook.freeze")[-1]
    assert entry.target == "round-1" and entry.actor == "lead" and entry.after["codes"] == len(frozen.codes)


@pytest.mark.parametrize(
    ("label", "message"),
    [("working", "cannot label"), ("two words", "cannot label"), ("round-1", "exists already")],
)
def test_freeze_refuses_bad_or_reused_labels(two: Store, label: str, message: str) -> None:
    versions.freeze(two, "round-1")
    with pytest.raises(CoderError, match=message):
        versions.freeze(two, label)
    assert [v.label for v in two.codebook_versions()] == ["round-1"]


def test_versions_list_concept_frozen_and_working(two: Store) -> None:
    versions.freeze(two, "final")
    rows = versions.list_versions(two)
    assert [(r["label"], r["kind"]) for r in rows] == [
        ("concept", "file"),
        ("final", "frozen"),
        ("working", "working"),
    ]
    assert rows[0]["codes"] == 5 and rows[1]["codes"] == 9


def test_diff_concept_to_working_reports_merges_moves_and_renames(two: Store) -> None:
    merge_codes(two, ["privacywetgeving"], "privacy", "lead")
    edit_code(two, "werkdruk", "lead", parent_id="eigen-kracht")
    edit_code(two, "handelingsverlegenheid", "lead", name="Handelingsverlegen")
    versions.freeze(two, "final")
    merge_codes(two, ["werkbelasting"], "werkdruk", "lead")
    changes = versions.diff(two, "concept", "final")
    assert {c["code"] for c in changes["added"]} == {"privacy", "werkdruk", "werkbelasting"}
    assert changes["renamed"] == [
        {
            "code": "handelingsverlegenheid",
            "old_id": "handelingsverlegenheid",
            "from": "Handelingsverlegenheid",
            "to": "Handelingsverlegen",
        }
    ]
    later = versions.diff(two, "final", "working")
    assert later["merged"] == [{"code": "werkbelasting", "name": "Werkbelasting", "into": "werkdruk"}]
    assert later["removed"] == [] and later["added"] == []
    assert versions.diff(two, "final", "final") == {
        "old": "final",
        "new": "final",
        **{key: [] for key in ("added", "removed", "merged", "moved", "renamed", "redefined")},
    }


def test_diff_against_a_yaml_file_and_unknown_versions(two: Store, tmp_path: Path) -> None:
    path = tmp_path / "other.yaml"
    path.write_text(CODEBOOK_YAML.replace("name: Spanningsveld", "name: Spanning"), encoding="utf-8")
    changes = versions.diff(two, str(path), "working")
    assert {c["code"] for c in changes["added"]} == {
        "privacy",
        "werkdruk",
        "privacywetgeving",
        "werkbelasting",
    }
    assert changes["renamed"] == [
        {"code": "spanningsveld", "old_id": "spanningsveld", "from": "Spanning", "to": "Spanningsveld"}
    ]
    with pytest.raises(CoderError, match="no code tree version 'nope'"):
        versions.diff(two, "nope", "working")


def test_cli_freeze_versions_diff_and_export(loaded: Coder, tmp_path: Path) -> None:
    store = open_project(loaded.root)
    add_two_coders(store)
    assert loaded("codebook", "freeze", "round-1").exit_code == 0
    again = loaded("codebook", "freeze", "round-1")
    assert again.exit_code == 1 and "exists already" in again.stderr
    assert loaded("codes", "merge", "werkbelasting", "--into", "werkdruk").exit_code == 0
    assert loaded("codebook", "freeze", "final", "--note", "agreed").exit_code == 0
    listed = json.loads(loaded("codebook", "versions", "--json").output)["versions"]
    assert [v["label"] for v in listed] == ["concept", "round-1", "final", "working"]
    human = loaded("codebook", "diff", "round-1", "final").output
    assert "werkbelasting merged into werkdruk" in human
    out = tmp_path / "round-1.yaml"
    assert loaded("codebook", "export", "--version", "round-1", "-o", str(out), "--with-meta").exit_code == 0
    exported = parse_codebook(out.read_text(encoding="utf-8"))
    assert "werkbelasting" in exported.by_id() and exported.by_id()["werkbelasting"].origin == "coder"
    assert yaml.safe_load(out.read_text(encoding="utf-8"))["codes"][0]["id"] == "generalistisch"
    roundtrip = json.loads(loaded("codebook", "diff", str(out), "round-1", "--json").output)
    assert all(not roundtrip[k] for k in ("added", "removed", "merged", "moved", "renamed", "redefined"))
    missing = loaded("codebook", "export", "--version", "nope", "-o", str(tmp_path / "x.yaml"))
    assert missing.exit_code == 1 and "no code tree version" in missing.stderr
