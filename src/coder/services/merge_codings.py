"""Planning the codings of a merge: add, skip, join memos, take one-sided edits, report conflicts.

Codings match by GUID, then by content (coder, transcript, span, code). With
a ``base`` (the codings both sides started from, as ``coder sync`` knows from
git) an edit or a deletion made on one side only is taken over; without one,
a coding that differs is a conflict unless only its memo differs (then the
memos are joined). Lookups are dictionaries built once, so a merge of 50,000
codings makes no query per coding.
"""

from __future__ import annotations

import dataclasses

from coder.formats.qdpx import norm_guid
from coder.model import Coding
from coder.services.merge_plan import Incoming, MergeReport, Plan
from coder.services.merge_rules import content, join_memos, version
from coder.storage import Store
from coder.storage.store import new_guid

Key = tuple[str, str, int, int, str]


def plan_codings(
    store: Store,
    incoming: Incoming,
    texts: dict[str, str],
    plan: Plan,
    report: MergeReport,
    update: bool,
    base: dict[str, Coding] | None = None,
) -> None:
    """Decide what each incoming coding does to this project (nothing is written here)."""
    existing = {norm_guid(c.guid): c for c in store.codings()}
    keys = {(c.coder, c.transcript_id, c.start, c.end, c.code_id) for c in existing.values()}
    seen: set[str] = set()
    for c in incoming.codings:
        code = plan.code_map.get(c.code_id)
        coder = plan.coder_map.get(c.coder, c.coder)
        text = texts.get(c.transcript_id)
        seen.add(norm_guid(c.guid))
        if c.code_id in plan.retired:
            report.codings_retired += 1
            continue
        if code is None or text is None or not 0 <= c.start < c.end <= len(text):
            # codings of a missing concept code are reported by _check_missing_concepts
            report.codings_dropped += not (code is None and c.code_id in plan.missing_concept)
            continue
        theirs = dataclasses.replace(c, coder=coder, code_id=code)
        old = existing.get(norm_guid(c.guid))
        if old is not None:
            _plan_known(old, theirs, incoming.origins_known, plan, report, update, base)
            continue
        if base is not None and norm_guid(c.guid) in base:
            continue  # deleted here since the common ancestor: it stays deleted
        key = (coder, c.transcript_id, c.start, c.end, code)
        if key in keys:
            report.codings_duplicate += 1
            continue
        keys.add(key)
        existing[norm_guid(c.guid)] = theirs
        plan.codings.append(_row(theirs))
        report.codings_added[coder] = report.codings_added.get(coder, 0) + 1
    if base is not None:
        _plan_deletions(existing, base, seen, plan, report)
    _warn(report, update)


def _row(c: Coding) -> dict[str, object]:
    return {
        "guid": norm_guid(c.guid) or new_guid(),
        "coder": c.coder,
        "transcript_id": c.transcript_id,
        "start": c.start,
        "end": c.end,
        "code_id": c.code_id,
        "memo": c.memo,
        "key_quote": c.key_quote,
        "created_at": c.created_at or None,
        "flagged": c.flagged,
        "flagged_text": c.flagged_text,
    }


def _fields(c: Coding) -> dict[str, object]:
    return {"start": c.start, "end": c.end, "code_id": c.code_id, "memo": c.memo,
            "key_quote": c.key_quote, "flagged": c.flagged, "flagged_text": c.flagged_text}  # fmt: skip


def _plan_known(
    old: Coding,
    theirs: Coding,
    full: bool,
    plan: Plan,
    report: MergeReport,
    update: bool,
    base: dict[str, Coding] | None,
) -> None:
    """A coding both sides have (same GUID)."""
    if not full:  # REFI-QDA carries no key-quote marks or flags: keep this project's
        theirs = dataclasses.replace(
            theirs, key_quote=old.key_quote, flagged=old.flagged, flagged_text=old.flagged_text
        )
    same = content(old) == content(theirs)
    if same and (old.coder, old.transcript_id) == (theirs.coder, theirs.transcript_id):
        report.codings_present += 1
        return
    ancestor = base.get(norm_guid(old.guid)) if base is not None else None
    if ancestor is not None and content(ancestor) == content(theirs):
        report.codings_present += 1  # changed here only: ours is the newer
        return
    if ancestor is not None and content(ancestor) == content(old):
        plan.updates.append((old.guid, _fields(theirs)))  # changed there only: take theirs
        report.codings_updated += 1
        return
    if content(old)[:3] == content(theirs)[:3] and content(old)[4:] == content(theirs)[4:]:
        memo = join_memos(old.memo, theirs.memo)
        if memo == old.memo:
            report.codings_present += 1
            return
        plan.updates.append((old.guid, _fields(dataclasses.replace(old, memo=memo))))
        report.codings_memos_joined += 1
        return
    report.codings_changed.append(old.guid)
    report.conflicts.append(
        {"guid": old.guid, "coder": old.coder, "transcript": old.transcript_id,
         "here": version(old), "theirs": version(theirs)}
    )  # fmt: skip
    if update:
        plan.updates.append((old.guid, _fields(theirs)))
        report.codings_updated += 1


def _plan_deletions(
    existing: dict[str, Coding], base: dict[str, Coding], seen: set[str], plan: Plan, report: MergeReport
) -> None:
    """Codings the other side deleted since the common ancestor, unchanged here: delete them."""
    for guid, ancestor in base.items():
        here = existing.get(guid)
        if guid in seen or here is None or here.id == 0:
            continue
        if content(here) == content(ancestor):
            plan.deletions.append(here.guid)
            report.codings_deleted += 1


def _warn(report: MergeReport, update: bool) -> None:
    if report.codings_changed:
        verb = (
            "replaced by the incoming version"
            if update
            else "kept as they are here (use --update to take theirs)"
        )
        report.warnings.append(
            f"{len(report.codings_changed)} codings differ between the two projects and were {verb}"
        )
    if report.codings_dropped:
        report.warnings.append(
            f"{report.codings_dropped} codings point at a missing transcript, code or span and were skipped"
        )
    if report.codings_retired:
        report.warnings.append(
            f"{report.codings_retired} codings use codes deleted here (see the audit log) and were left out"
        )
