"""`coder merge DIR` of a snapshot folder, and `coder init P --from DIR`.

Into an empty project a snapshot is a restore: the study's settings, every
record and the audit log arrive as they are, and nothing is logged on top, so
snapshotting the new project again gives the same bytes. Into a project that
holds the study it is a merge by GUID (see :mod:`coder.services.project_merge`);
``base`` is the snapshot both sides started from, when known (``coder sync``).
"""

from __future__ import annotations

from pathlib import Path

from coder.formats.qdpx import norm_guid
from coder.model import Coding
from coder.services.merge_plan import MergeReport
from coder.services.merge_rules import check_same_study
from coder.services.project_merge import apply_incoming
from coder.services.snapshot_read import read_snapshot
from coder.storage import Store
from coder.storage.rows import study_counts


def merge_snapshot(
    store: Store,
    folder: Path,
    update: bool = False,
    dry_run: bool = False,
    force: bool = False,
    base: Path | None = None,
    actor: str = "lead",
) -> MergeReport:
    """Merge a snapshot folder into this project (a restore when the project is empty)."""
    snap = read_snapshot(folder)
    incoming = snap.incoming
    empty = not any(study_counts(store).values())
    if not force:
        check_same_study(
            store,
            snap.name,
            [t.guid for t in incoming.transcripts],
            [c.guid for c in incoming.codebook.codes],
            str(folder),
        )
    records = dict(snap.records)
    if not empty:
        # this project's own settings stay; only keys it lacks are added
        here = {r["key"] for r in records.get("project", []) if store.get_setting(r["key"]) is not None}
        records["project"] = [r for r in records.get("project", []) if r["key"] not in here]
    else:
        records["project"] = [r for r in records.get("project", []) if r["key"] != "name"]
    ancestors = _base_codings(base) if base is not None else None
    return apply_incoming(
        store,
        incoming,
        "snapshot",
        update,
        dry_run,
        actor=actor,
        records=records,
        base=ancestors,
        log="never" if empty else "changed" if base is not None else "always",
        on_write=(lambda st: st.set_setting("name", snap.name)) if empty and snap.name else None,
    )


def _base_codings(folder: Path) -> dict[str, Coding]:
    """The codings of the common ancestor snapshot, by GUID (none when it has no snapshot)."""
    from coder.services.snapshot_read import is_snapshot

    if not is_snapshot(folder):
        return {}
    return {norm_guid(c.guid): c for c in read_snapshot(folder).incoming.codings}
