"""Code tree versions: the concept tree, the working tree and frozen, labelled trees.

A version is named by a reference: a frozen label, ``working`` (the tree as it
stands), ``concept`` (a version frozen under that label, else the first
codebook file loaded into the project, kept in ``codebooks/``), or the path of
a codebook file. Diffs match codes by GUID and fall back to the id (files
written without GUIDs), and read merges from the audit log, so a merged code
is reported as merged, not as removed.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from coder.analysis.reconcile import CodebookVersion, diff_trees, resolve_merges
from coder.errors import CoderError
from coder.formats.codebook import load_codebook
from coder.model import Codebook
from coder.services.codebook import write_codebook
from coder.storage import Store

WORKING = "working"
CONCEPT = "concept"
LABEL = re.compile(r"^[\w][\w.\-]*$")


def freeze(store: Store, label: str, actor: str = "lead", note: str = "") -> CodebookVersion:
    """Freeze the working tree under ``label`` (labels are never reused)."""
    if not LABEL.match(label) or label == WORKING:
        raise CoderError(
            f"{label!r} cannot label a version", "use letters, digits, '.', '-' or '_' (not 'working')"
        )
    if store.has_codebook_version(label):
        raise CoderError(f"a version labelled {label!r} exists already", "choose a new label, e.g. final-2")
    book = store.codebook()
    if not book.codes:
        raise CoderError("the code tree is empty", "load a codebook first")
    with store.transaction():
        version = store.save_codebook_version(label, book, actor, note)
        store.log(
            actor, "codebook.freeze", label, after={"codes": len(book.codes), "name": book.name, "note": note}
        )
    return version


def _concept_file(store: Store) -> Path | None:
    """The first codebook file loaded into the project, as kept in ``codebooks/``."""
    for entry in store.audit_entries("codebook.load"):
        path = store.root / "codebooks" / entry.target
        if path.is_file():
            return path
    return None


def list_versions(store: Store) -> list[dict[str, Any]]:
    """Frozen versions, plus the concept file (when not frozen) and the working tree."""
    rows = [
        {
            "label": v.label,
            "kind": "frozen",
            "created_at": v.created_at,
            "created_by": v.created_by,
            "note": v.note,
            "codes": len(v.codebook.codes),
        }
        for v in store.codebook_versions()
    ]
    concept = _concept_file(store)
    if concept is not None and not store.has_codebook_version(CONCEPT):
        codes = len(load_codebook(concept).codes)
        rows.insert(0, {"label": CONCEPT, "kind": "file", "file": str(concept), "codes": codes})
    rows.append({"label": WORKING, "kind": "working", "codes": len(store.codebook().codes)})
    return rows


def resolve(store: Store, ref: str) -> Codebook:
    """The code tree a reference names (label, ``working``, ``concept`` or a file path)."""
    if ref == WORKING:
        return store.codebook()
    if store.has_codebook_version(ref):
        return store.codebook_version(ref).codebook
    if ref == CONCEPT and (concept := _concept_file(store)) is not None:
        return load_codebook(concept)
    path = Path(ref).expanduser()
    if path.suffix.lower() in (".yaml", ".yml", ".qdc") and path.is_file():
        return load_codebook(path)
    labels = [v.label for v in store.codebook_versions()]
    raise CoderError(
        f"no code tree version {ref!r}",
        f"use {', '.join([*labels, WORKING, CONCEPT])} or a codebook file",
    )


def _frozen_at(store: Store, ref: str, default: int) -> int:
    """The audit-log position at which a version was frozen (``default`` for other versions)."""
    if not store.has_codebook_version(ref):
        return default
    return next((e.id for e in store.audit_entries("codebook.freeze") if e.target == ref), default)


def diff(store: Store, old: str, new: str) -> dict[str, Any]:
    """What changed from one version to another: added, removed, merged, moved, renamed.

    Merges come from the audit log, between the two versions when they are
    frozen ones; codes a coder added and the lead merged away before the newer
    version are listed as merged too (``added_while_coding``), so a report
    says where every coder's code went.
    """
    since, until = _frozen_at(store, old, 0), _frozen_at(store, new, 2**62)
    entries = [e for e in store.audit_entries("code.merge") if e.after and since < e.id < until]
    merges = {e.target: str(e.after["into"]) for e in entries}
    before, after = resolve(store, old), resolve(store, new)
    changes = diff_trees(before, after, merges)
    known = set(before.by_id()) | set(after.by_id())
    for e in entries:
        into = resolve_merges(merges).get(e.target)
        if e.target not in known and into in after.by_id() and isinstance(e.before, dict):
            name = str(e.before.get("name", e.target))
            changes["merged"].append(
                {"code": e.target, "name": name, "into": into, "added_while_coding": "yes"}
            )
    return {"old": old, "new": new, **changes}


def export_version(store: Store, ref: str, fmt: str, out: Path, with_meta: bool = False) -> Codebook:
    """Write any version as YAML or REFI-QDA .qdc."""
    book = resolve(store, ref)
    write_codebook(book, fmt, out, with_meta)
    return book
