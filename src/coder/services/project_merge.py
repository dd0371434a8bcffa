"""Bringing another project's work into this one, without duplicates.

Both `coder merge` (another coder's copy of the project, or a ``.qdpx``) and
`coder import-qdpx` describe what arrives as an :class:`Incoming` and hand it
to :func:`apply_incoming`, which first plans everything against the store
(reads only: conflicts are found before spaCy runs or anything is written),
then segments new transcripts, then writes in one transaction. Matching rules:

* transcripts by id AND the SHA-256 of their stored text; the same id with a
  different text is refused, because offsets would point at other words;
* codes by GUID, then by id (from a ``.qdpx``, which has no ids, also by name
  under the same parent). A code new to this project is added under its
  (matched) parent. When merging, a *concept* code that is missing here is an
  error if a merged coding needs it (the two copies should share the
  codebook), and only a warning otherwise;
* coders by GUID, then by name;
* codings by GUID, then by content (coder, transcript, span, code): see
  :mod:`coder.services.merge_codings` (memos joined, conflicts reported with
  both versions, replaced only when asked: ``update``);
* memos by (coder, target): added when missing, both texts joined when they differ;
* codes the audit log says were merged or deleted here are mapped or left out
  (:mod:`coder.services.merge_rules`), never resurrected.

A snapshot (mode ``snapshot``) carries the whole study: every code, coder
layer and record is brought along, code positions kept.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections import defaultdict
from collections.abc import Callable
from typing import Any, Literal

from coder.errors import CoderError
from coder.formats.qdpx import norm_guid
from coder.model import Codebook, Coding, Segment
from coder.services.merge_codings import plan_codings
from coder.services.merge_plan import Incoming, MergeReport, Mode, Plan
from coder.services.merge_rules import join_memos, merge_records, retired_codes
from coder.services.suggest import refresh_index
from coder.storage import Store
from coder.storage.rows import delete_codings_by_guid, insert_codes, insert_memos, update_codings_by_guid
from coder.storage.rows import update_memo_texts as _update_memo_texts
from coder.storage.store import new_guid, now

__all__ = ["Incoming", "MergeReport", "Mode", "apply_incoming", "text_sha256"]


def text_sha256(text: str) -> str:
    """The SHA-256 of a stored text (UTF-8), the fingerprint merges compare."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def apply_incoming(
    store: Store,
    incoming: Incoming,
    mode: Mode,
    update: bool = False,
    dry_run: bool = False,
    actor: str = "lead",
    progress: Callable[[int], None] | None = None,
    records: dict[str, list[dict[str, Any]]] | None = None,
    base: dict[str, Coding] | None = None,
    log: Literal["always", "changed", "never"] = "always",
    on_write: Callable[[Store], None] | None = None,
) -> MergeReport:
    """Plan, check, segment and write ``incoming`` into ``store`` (one transaction).

    ``records`` are plain rows of a snapshot (review decisions, audit, surveys
    …), added where missing; ``base`` the codings both sides started from;
    ``on_write`` runs inside the same transaction; ``log`` says when the
    merge is recorded in the audit log (a restore is not: it copies the log).
    """
    report = MergeReport(incoming.label, dry_run, warnings=list(incoming.warnings))
    report.transcripts_skipped = list(incoming.skipped_transcripts)
    plan = Plan()
    texts = _plan_transcripts(store, incoming, plan, report)
    _plan_codes(store, incoming, mode, plan, report)
    _plan_coders(store, incoming, mode, plan, report)
    plan_codings(store, incoming, texts, plan, report, update, base)
    _check_missing_concepts(incoming, plan, report)
    _plan_memos(store, incoming, plan, report)
    if dry_run:
        return report
    segments = _segment(plan, progress)
    with store.transaction():
        _write(store, plan, segments, keep_positions=mode == "snapshot")
        if on_write is not None:
            on_write(store)
        if records:
            report.records_added = merge_records(store, records, plan.code_map)
        if log == "always" or (log == "changed" and report.changed):
            store.log(actor, f"project.{mode}", incoming.label, after=_summary(report))
    return report


def _summary(report: MergeReport) -> dict[str, object]:
    data = report.as_dict()
    for noisy in ("warnings", "conflicts", "records_added"):
        data.pop(noisy)
    return data


def _plan_transcripts(store: Store, incoming: Incoming, plan: Plan, report: MergeReport) -> dict[str, str]:
    """Texts by transcript id (here and arriving); refuses an id whose text differs."""
    here = {t.id: t for t in store.transcripts()}
    used_guids = {norm_guid(t.guid) for t in here.values()}
    texts = {tid: t.text for tid, t in here.items()}
    for t in incoming.transcripts:
        old = here.get(t.id)
        if old is not None:
            if text_sha256(old.text) != text_sha256(t.text):
                raise CoderError(
                    f"transcript {t.id!r} in {incoming.label} has a different text than here",
                    "both projects must hold the same transcript text; re-import it in one of them "
                    "(coder import --replace) or rename it, then try again",
                )
            report.transcripts_matched.append(t.id)
            continue
        if norm_guid(t.guid) in used_guids:
            t = dataclasses.replace(t, guid=new_guid())
        used_guids.add(norm_guid(t.guid))
        segs = incoming.segments_of(t.id) if incoming.segments_of else None
        plan.transcripts.append((t, segs))
        texts[t.id] = t.text
        report.transcripts_added.append(t.id)
    return texts


def _plan_codes(store: Store, incoming: Incoming, mode: Mode, plan: Plan, report: MergeReport) -> None:
    here = store.codebook()
    by_guid = {norm_guid(c.guid): c.id for c in here.codes}
    ids = {c.id for c in here.codes}
    # REFI-QDA carries names, not ids: there a code with the same name under
    # the same parent is the same code, even when the GUIDs differ.
    by_name = {} if incoming.origins_known else {(c.parent_id, c.name.casefold()): c.id for c in here.codes}
    users = _code_users(incoming)
    retired = retired_codes(store)
    for code in incoming.codebook.tree_order():
        parent = plan.code_map.get(code.parent_id) if code.parent_id else None
        target = by_guid.get(norm_guid(code.guid))
        gone = retired.target(code.guid, code.id, ids) if target is None else None
        if gone is not None:
            _retire(code.id, gone, plan, report)
            continue
        target = (
            target or (code.id if code.id in ids else None) or by_name.get((parent, code.name.casefold()))
        )
        if target is not None:
            plan.code_map[code.id] = target
            report.codes_matched += 1
            continue
        if mode == "merge" and incoming.origins_known and code.origin == "concept":
            plan.missing_concept[code.id] = code
            continue
        if code.parent_id and parent is None:
            if code.parent_id in plan.retired:
                _retire(code.id, "", plan, report)
            else:
                plan.missing_concept.setdefault(code.id, code)
            continue
        if mode == "merge" and not incoming.origins_known:
            coders = users.get(code.id, set())
            code = dataclasses.replace(
                code, origin="coder", created_by=next(iter(coders)) if len(coders) == 1 else None
            )
        fresh = dataclasses.replace(code, parent_id=parent, guid=code.guid or new_guid())
        plan.codes.append(fresh)
        plan.code_map[code.id] = code.id
        ids.add(code.id)
        report.codes_added.append(code.id)


def _retire(code_id: str, target: str, plan: Plan, report: MergeReport) -> None:
    """A code this project merged (``target``) or deleted (``''``): map it, or leave its codings out."""
    if target:
        plan.code_map[code_id] = target
        report.codes_mapped[code_id] = target
    else:
        plan.retired.add(code_id)


def _code_users(incoming: Incoming) -> dict[str, set[str]]:
    users: dict[str, set[str]] = defaultdict(set)
    for coding in incoming.codings:
        users[coding.code_id].add(coding.coder)
    return users


def _plan_coders(store: Store, incoming: Incoming, mode: Mode, plan: Plan, report: MergeReport) -> None:
    """Import and snapshots bring every user along; a merge only the coders whose work arrives."""
    here = store.coders()
    by_guid = {norm_guid(c["guid"]): c["name"] for c in here}
    names = {c["name"] for c in here}
    working = {c.coder for c in incoming.codings} | {m.coder for m in incoming.memos}
    for coder in incoming.coders:
        if mode == "merge" and coder["name"] not in working:
            continue
        target = by_guid.get(norm_guid(coder["guid"])) or (coder["name"] if coder["name"] in names else None)
        if target is None:
            target = coder["name"]
            plan.coders.append(coder)
            names.add(target)
            by_guid[norm_guid(coder["guid"])] = target
            report.coders_added.append(target)
        plan.coder_map[coder["name"]] = target


def _check_missing_concepts(incoming: Incoming, plan: Plan, report: MergeReport) -> None:
    """A concept code missing here is an error when a merged coding needs it."""
    if not plan.missing_concept:
        return
    needed = {c.code_id for c in incoming.codings if c.code_id in plan.missing_concept}
    roots = sorted(_root_missing(code_id, plan, incoming.codebook) for code_id in needed)
    if roots:
        names = ", ".join(dict.fromkeys(roots))
        raise CoderError(
            f"{incoming.label} has codings with codes this project's codebook lacks: {names}",
            "load the same codebook here first (coder codebook load FILE), then merge again",
        )
    report.warnings.append(
        f"{len(plan.missing_concept)} codes of {incoming.label} are not in this project and no coding uses them: "
        + ", ".join(sorted(plan.missing_concept))
    )


def _root_missing(code_id: str, plan: Plan, codebook: Codebook) -> str:
    codes = codebook.by_id()
    while (parent := codes[code_id].parent_id) is not None and parent in plan.missing_concept:
        code_id = parent
    return code_id


def _plan_memos(store: Store, incoming: Incoming, plan: Plan, report: MergeReport) -> None:
    """Memos by (coder, target): added when missing; two different texts are joined."""
    here = {(m.coder, m.target_kind, m.target_id): m for m in store.memos()}
    for memo in incoming.memos:
        target = memo.target_id
        if memo.target_kind == "code":
            target = plan.code_map.get(memo.target_id, "")
        if memo.target_kind != "project" and not target:
            report.warnings.append(
                f"a memo by {memo.coder} on code {memo.target_id!r} was skipped (the code is not here)"
            )
            continue
        coder = plan.coder_map.get(memo.coder, memo.coder)
        old = here.get((coder, memo.target_kind, target))
        if old is None:
            new = dataclasses.replace(memo, coder=coder, target_id=target, guid=memo.guid or new_guid())
            plan.memos.append(new)
            here[(coder, memo.target_kind, target)] = new
            report.memos_added += 1
        elif join_memos(old.text, memo.text) == old.text:
            report.memos_present += 1
        else:
            plan.memo_texts.append((old.id, join_memos(old.text, memo.text)))
            report.memos_joined += 1
            report.memo_conflicts.append(f"{coder}: {memo.target_kind} {target}".rstrip())
    if report.memo_conflicts:
        report.warnings.append(
            f"{len(report.memo_conflicts)} memos differ between the two projects; both texts were kept, joined"
        )


def _segment(plan: Plan, progress: Callable[[int], None] | None) -> list[list[Segment]]:
    """Segments of each new transcript: copied from the source, or made here."""
    todo = [i for i, (_, segs) in enumerate(plan.transcripts) if segs is None]
    result = [segs or [] for _, segs in plan.transcripts]
    if todo:
        from coder.formats.transcripts.labels import find_turns
        from coder.segmentation import segment

        for language in sorted({plan.transcripts[i][0].language for i in todo}):
            batch = [i for i in todo if plan.transcripts[i][0].language == language]
            items = [(plan.transcripts[i][0].text, find_turns(plan.transcripts[i][0].text)) for i in batch]
            for i, segs in zip(batch, segment(items, language), strict=True):
                result[i] = segs
                if progress:
                    progress(len(plan.transcripts[i][0].text.split()))
    return result


def _write(store: Store, plan: Plan, segments: list[list[Segment]], keep_positions: bool) -> None:
    """Everything planned, in bulk statements (the caller holds the transaction)."""
    for (transcript, _), segs in zip(plan.transcripts, segments, strict=True):
        store.add_transcript(transcript, segs)
    refresh_index(store, [transcript.id for transcript, _ in plan.transcripts])
    for coder in plan.coders:
        store.add_coder(coder["name"], coder["guid"] or new_guid(), coder.get("kind") or "coder")
    if keep_positions:
        insert_codes(store, [dataclasses.asdict(c) for c in plan.codes])
    for code in [] if keep_positions else plan.codes:
        store.save_code(dataclasses.replace(code, position=store.next_code_position(code.parent_id)))
    for name in {str(row["coder"]) for row in plan.codings} | {m.coder for m in plan.memos}:
        store.ensure_coder(name)
    if plan.codings:
        store.add_codings(plan.codings)
    update_codings_by_guid(store, plan.updates)
    delete_codings_by_guid(store, plan.deletions)
    stamp = now()
    insert_memos(store, [{**dataclasses.asdict(m), "updated_at": m.updated_at or stamp} for m in plan.memos])
    _update_memo_texts(store, plan.memo_texts)
