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
* codings by GUID, then by content (coder, transcript, span, code): a coding
  already here is skipped; one whose GUID is here but whose span, code or memo
  differ is reported, and replaced only when asked (``update``);
* memos by (coder, target): added when missing, reported when they differ.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from coder.errors import CoderError
from coder.model import Code, Codebook, Coding, Memo, Segment, Transcript
from coder.qdpx import norm_guid
from coder.services.suggest import refresh_index
from coder.storage import Store
from coder.storage.store import new_guid

Mode = Literal["import", "merge"]


def text_sha256(text: str) -> str:
    """The SHA-256 of a stored text (UTF-8), the fingerprint merges compare."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass
class Incoming:
    """Another project's content, in this project's model.

    ``segments_of`` gives the stored segments of a transcript when the source
    has them (another coder.db); otherwise new transcripts are segmented here.
    ``origins_known`` says whether ``Code.origin`` is real (coder.db) or a
    default (REFI-QDA has no such field).
    """

    label: str
    codebook: Codebook
    coders: list[dict[str, str]]
    transcripts: list[Transcript]
    codings: list[Coding]
    memos: list[Memo] = field(default_factory=list)
    origins_known: bool = False
    segments_of: Callable[[str], list[Segment]] | None = None
    skipped_transcripts: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


@dataclass
class MergeReport:
    """What an import or merge added, matched and skipped."""

    source: str
    dry_run: bool = False
    transcripts_added: list[str] = field(default_factory=list)
    transcripts_matched: list[str] = field(default_factory=list)
    transcripts_skipped: list[str] = field(default_factory=list)
    codes_added: list[str] = field(default_factory=list)
    codes_matched: int = 0
    coders_added: list[str] = field(default_factory=list)
    codings_added: dict[str, int] = field(default_factory=dict)
    codings_present: int = 0
    codings_duplicate: int = 0
    codings_changed: list[str] = field(default_factory=list)
    codings_updated: int = 0
    codings_dropped: int = 0
    memos_added: int = 0
    memos_present: int = 0
    memo_conflicts: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        """The JSON document of `coder merge --json` / `coder import-qdpx --json`."""
        return {
            "source": self.source,
            "dry_run": self.dry_run,
            "transcripts": {
                "added": self.transcripts_added,
                "matched": self.transcripts_matched,
                "skipped": self.transcripts_skipped,
            },
            "codes": {"added": self.codes_added, "matched": self.codes_matched},
            "coders": {"added": self.coders_added},
            "codings": {
                "added": sum(self.codings_added.values()),
                "added_by_coder": self.codings_added,
                "already_present": self.codings_present,
                "duplicates": self.codings_duplicate,
                "changed": self.codings_changed,
                "updated": self.codings_updated,
                "dropped": self.codings_dropped,
            },
            "memos": {
                "added": self.memos_added,
                "already_present": self.memos_present,
                "conflicts": self.memo_conflicts,
            },
            "warnings": self.warnings,
        }


@dataclass
class _Plan:
    """Everything to write, decided before the transaction opens."""

    transcripts: list[tuple[Transcript, list[Segment] | None]] = field(default_factory=list)
    codes: list[Code] = field(default_factory=list)
    code_map: dict[str, str] = field(default_factory=dict)
    missing_concept: dict[str, Code] = field(default_factory=dict)
    coders: list[dict[str, str]] = field(default_factory=list)
    coder_map: dict[str, str] = field(default_factory=dict)
    codings: list[dict[str, object]] = field(default_factory=list)
    updates: list[tuple[int, dict[str, object]]] = field(default_factory=list)
    memos: list[Memo] = field(default_factory=list)


def apply_incoming(
    store: Store,
    incoming: Incoming,
    mode: Mode,
    update: bool = False,
    dry_run: bool = False,
    actor: str = "lead",
    progress: Callable[[int], None] | None = None,
) -> MergeReport:
    """Plan, check, segment and write ``incoming`` into ``store`` (one transaction)."""
    report = MergeReport(incoming.label, dry_run, warnings=list(incoming.warnings))
    report.transcripts_skipped = list(incoming.skipped_transcripts)
    plan = _Plan()
    texts = _plan_transcripts(store, incoming, plan, report)
    _plan_codes(store, incoming, mode, plan, report)
    _plan_coders(store, incoming, mode, plan, report)
    _plan_codings(store, incoming, texts, plan, report, update)
    _check_missing_concepts(incoming, plan, report)
    _plan_memos(store, incoming, plan, report)
    if dry_run:
        return report
    segments = _segment(plan, progress)
    with store.transaction():
        _write(store, plan, segments)
        store.log(actor, f"project.{mode}", incoming.label, after=_summary(report))
    return report


def _summary(report: MergeReport) -> dict[str, object]:
    data = report.as_dict()
    data.pop("warnings")
    return data


def _plan_transcripts(store: Store, incoming: Incoming, plan: _Plan, report: MergeReport) -> dict[str, str]:
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


def _plan_codes(store: Store, incoming: Incoming, mode: Mode, plan: _Plan, report: MergeReport) -> None:
    here = store.codebook()
    by_guid = {norm_guid(c.guid): c.id for c in here.codes}
    ids = {c.id for c in here.codes}
    # REFI-QDA carries names, not ids: there a code with the same name under
    # the same parent is the same code, even when the GUIDs differ.
    by_name = {} if incoming.origins_known else {(c.parent_id, c.name.casefold()): c.id for c in here.codes}
    users = _code_users(incoming)
    for code in incoming.codebook.tree_order():
        parent = plan.code_map.get(code.parent_id) if code.parent_id else None
        target = (
            by_guid.get(norm_guid(code.guid))
            or (code.id if code.id in ids else None)
            or by_name.get((parent, code.name.casefold()))
        )
        if target is not None:
            plan.code_map[code.id] = target
            report.codes_matched += 1
            continue
        if mode == "merge" and incoming.origins_known and code.origin == "concept":
            plan.missing_concept[code.id] = code
            continue
        if code.parent_id and parent is None:
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


def _code_users(incoming: Incoming) -> dict[str, set[str]]:
    users: dict[str, set[str]] = defaultdict(set)
    for coding in incoming.codings:
        users[coding.code_id].add(coding.coder)
    return users


def _plan_coders(store: Store, incoming: Incoming, mode: Mode, plan: _Plan, report: MergeReport) -> None:
    """Import brings every user along; a merge only the coders whose work arrives."""
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


def _plan_codings(
    store: Store, incoming: Incoming, texts: dict[str, str], plan: _Plan, report: MergeReport, update: bool
) -> None:
    existing = {norm_guid(c.guid): c for c in store.codings()}
    keys = {(c.coder, c.transcript_id, c.start, c.end, c.code_id) for c in existing.values()}
    for c in incoming.codings:
        code = plan.code_map.get(c.code_id)
        coder = plan.coder_map.get(c.coder, c.coder)
        text = texts.get(c.transcript_id)
        if code is None or text is None or not 0 <= c.start < c.end <= len(text):
            # codings of a missing concept code are reported by _check_missing_concepts
            report.codings_dropped += not (code is None and c.code_id in plan.missing_concept)
            continue
        key = (coder, c.transcript_id, c.start, c.end, code)
        old = existing.get(norm_guid(c.guid))
        if old is not None:
            if (old.coder, old.transcript_id, old.start, old.end, old.code_id) == key and old.memo == c.memo:
                report.codings_present += 1
                continue
            report.codings_changed.append(old.guid)
            if update:
                fields = {"start": c.start, "end": c.end, "code_id": code, "memo": c.memo}
                plan.updates.append((old.id, fields))
                report.codings_updated += 1
            continue
        if key in keys:
            report.codings_duplicate += 1
            continue
        keys.add(key)
        existing[norm_guid(c.guid)] = dataclasses.replace(c, coder=coder, code_id=code)
        plan.codings.append(
            {
                "guid": norm_guid(c.guid) or new_guid(),
                "coder": coder,
                "transcript_id": c.transcript_id,
                "start": c.start,
                "end": c.end,
                "code_id": code,
                "memo": c.memo,
                "key_quote": c.key_quote,
                "created_at": c.created_at or None,
                "flagged": c.flagged,
            }
        )
        report.codings_added[coder] = report.codings_added.get(coder, 0) + 1
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


def _check_missing_concepts(incoming: Incoming, plan: _Plan, report: MergeReport) -> None:
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


def _root_missing(code_id: str, plan: _Plan, codebook: Codebook) -> str:
    codes = codebook.by_id()
    while (parent := codes[code_id].parent_id) is not None and parent in plan.missing_concept:
        code_id = parent
    return code_id


def _plan_memos(store: Store, incoming: Incoming, plan: _Plan, report: MergeReport) -> None:
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
        old = store.memo(coder, memo.target_kind, target)
        if old is None:
            plan.memos.append(dataclasses.replace(memo, coder=coder, target_id=target))
            report.memos_added += 1
        elif old.text.strip() == memo.text.strip():
            report.memos_present += 1
        else:
            report.memo_conflicts.append(f"{coder}: {memo.target_kind} {target}".rstrip())
    if report.memo_conflicts:
        report.warnings.append(
            f"{len(report.memo_conflicts)} memos differ between the two projects; this project's text was kept"
        )


def _segment(plan: _Plan, progress: Callable[[int], None] | None) -> list[list[Segment]]:
    """Segments of each new transcript: copied from the source, or made here."""
    todo = [i for i, (_, segs) in enumerate(plan.transcripts) if segs is None]
    result = [segs or [] for _, segs in plan.transcripts]
    if todo:
        from coder.importers.labels import find_turns
        from coder.segmentation import segment

        for language in sorted({plan.transcripts[i][0].language for i in todo}):
            batch = [i for i in todo if plan.transcripts[i][0].language == language]
            items = [(plan.transcripts[i][0].text, find_turns(plan.transcripts[i][0].text)) for i in batch]
            for i, segs in zip(batch, segment(items, language), strict=True):
                result[i] = segs
                if progress:
                    progress(len(plan.transcripts[i][0].text.split()))
    return result


def _write(store: Store, plan: _Plan, segments: list[list[Segment]]) -> None:
    for (transcript, _), segs in zip(plan.transcripts, segments, strict=True):
        store.add_transcript(transcript, segs)
    refresh_index(store, [transcript.id for transcript, _ in plan.transcripts])
    for coder in plan.coders:
        store.add_coder(coder["name"], coder["guid"] or new_guid(), coder.get("kind") or "coder")
    for code in plan.codes:
        store.save_code(dataclasses.replace(code, position=store.next_code_position(code.parent_id)))
    for name in {str(row["coder"]) for row in plan.codings} | {m.coder for m in plan.memos}:
        store.ensure_coder(name)
    if plan.codings:
        store.add_codings(plan.codings)
    for coding_id, fields in plan.updates:
        store.update_coding(coding_id, **fields)
    for memo in plan.memos:
        store.set_memo(memo.coder, memo.target_kind, memo.target_id, memo.text)
