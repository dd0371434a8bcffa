"""Is the project sound? `coder check`, its safe repairs, `coder backup`, and resolving flagged codings.

A check gathers findings without changing anything; ``--fix`` repairs only
what cannot lose work (rows that describe something deleted, exact duplicate
codings with nothing of their own, spans outside their text, which become
flagged) in one transaction, logs it, and checks again. Everything else is
listed with what to do, and the command exits 1 until it is resolved.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from coder.errors import CoderError
from coder.formats.codebook import dump_codebook_yaml, parse_codebook
from coder.model import Coding
from coder.storage import DB_FILENAME, Store
from coder.storage.integrity import DELETABLE_ORPHANS

LISTED = 20  # items named per finding; the count says how many there are


@dataclass(frozen=True)
class Finding:
    """One kind of problem: what is wrong, how many, and whether --fix repairs it."""

    check: str
    message: str
    count: int
    items: tuple[str, ...] = ()
    fixable: bool = False


@dataclass
class CheckReport:
    """The findings of one check, and what --fix repaired before it."""

    summary: str
    findings: list[Finding] = field(default_factory=list)
    fixed: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Sound: nothing is wrong."""
        return not self.findings

    def as_dict(self) -> dict[str, object]:
        """JSON-able form."""
        return {
            "ok": self.ok,
            "summary": self.summary,
            "problems": [asdict(f) for f in self.findings],
            "fixed": self.fixed,
        }


def check_project(store: Store, fix: bool = False) -> CheckReport:
    """Check the project; with ``fix``, repair what is safe first (one transaction) and check again."""
    fixed: list[str] = []
    if fix:
        with store.transaction():
            fixed = _repair(store)
            if fixed:
                store.log("check", "check.fix", "project", after={"fixed": fixed})
    findings = _findings(store)
    counts = store.project_size()
    size = f"{counts[0]} transcripts, {counts[1]} codings, {counts[2]} codes"
    if findings:
        summary = f"{sum(f.count for f in findings)} problems in {store.root} ({size})"
    else:
        summary = f"sound: {size}, no problems found"
    return CheckReport(summary, findings, fixed)


def _findings(store: Store) -> list[Finding]:
    found: list[Finding] = []
    problems = store.sqlite_problems()
    if problems:
        found.append(_finding("database", "SQLite integrity or foreign key check failed", problems))
    outside = store.codings_out_of_range()
    if outside:
        items = [f"coding {i} ({c}, {t}) {s}-{e} of {n} characters" for i, c, t, s, e, n in outside]
        found.append(_finding("range", "codings whose span is outside their transcript", items, fixable=True))
    flagged = store.codings(flagged=True)
    if flagged:
        found.append(
            _finding(
                "flagged",
                "codings whose words are gone (resolve with `coder codings resolve ID`)",
                [_flagged_item(c) for c in flagged],
            )
        )
    for label, table, rowids in store.orphan_rows():
        fixable = table in DELETABLE_ORPHANS
        found.append(_finding("orphans", label, [f"{table} row {i}" for i in rowids], fixable=fixable))
    duplicates = store.duplicate_codings()
    if duplicates:
        items = [", ".join(str(i) for i, *_ in group) for group in duplicates]
        extra = sum(len(g) - 1 for g in duplicates)
        found.append(Finding("duplicates", "duplicate codings (ids)", extra, tuple(items[:LISTED]), True))
    trip = _codebook_round_trip(store)
    if trip:
        found.append(_finding("codebook", "the codebook does not survive a YAML export and load", [trip]))
    return found


def _finding(check: str, message: str, items: list[str], fixable: bool = False) -> Finding:
    return Finding(check, message, len(items), tuple(items[:LISTED]), fixable)


def _flagged_item(c: Coding) -> str:
    words = (c.flagged_text or "").replace("\n", " ")
    words = words if len(words) <= 60 else words[:57] + "..."
    return f"coding {c.id} ({c.coder}, {c.transcript_id}, {c.code_id}): {words!r}"


def _codebook_round_trip(store: Store) -> str | None:
    """Why the stored codebook would not load back from its own YAML export, or None."""
    try:
        codebook = store.codebook()
        again = parse_codebook(dump_codebook_yaml(codebook, with_meta=True), "exported codebook")
    except CoderError as exc:
        return exc.message
    before = {(c.id, c.parent_id, c.name, c.description) for c in codebook.codes}
    after = {(c.id, c.parent_id, c.name, c.description) for c in again.codes}
    differ = sorted(c[0] for c in before ^ after)
    return f"codes change on reload: {', '.join(differ[:LISTED])}" if differ else None


# -- repairs ------------------------------------------------------------------------


def _repair(store: Store) -> list[str]:
    fixed: list[str] = []
    for label, table, rowids in store.orphan_rows():
        if table in DELETABLE_ORPHANS:
            store.delete_rows(table, rowids)
            fixed.append(f"deleted {len(rowids)} {label}")
    removed = _drop_duplicates(store)
    if removed:
        fixed.append(f"deleted {removed} duplicate codings (same coder, span and code; no memo of their own)")
    flagged = _flag_out_of_range(store)
    if flagged:
        fixed.append(f"flagged {flagged} codings whose span was outside their transcript")
    return fixed


def _drop_duplicates(store: Store) -> int:
    """Delete copies that carry nothing the first coding lacks (memo, key-quote mark)."""
    removed = 0
    for group in store.duplicate_codings():
        kept = store.get_coding(group[0][0])
        for coding_id, _memo in group[1:]:
            copy = store.get_coding(coding_id)
            if copy.memo in ("", kept.memo) and (kept.key_quote or not copy.key_quote):
                store.delete_coding(coding_id)
                removed += 1
    return removed


def _flag_out_of_range(store: Store) -> int:
    """Clamp a span that left its text into it, and flag the coding for review."""
    rows = store.codings_out_of_range()
    for coding_id, _coder, _tid, start, end, length in rows:
        if length == 0:
            continue
        new_start = min(max(start, 0), length - 1)
        new_end = min(max(end, new_start + 1), length)
        store.update_coding(
            coding_id,
            start=new_start,
            end=new_end,
            flagged=f"span {start}-{end} was outside the transcript ({length} characters)",
            flagged_text="",
        )
    return sum(1 for r in rows if r[5])


# -- resolving a flag ---------------------------------------------------------------


def resolve_flagged(
    store: Store, coding_id: int, actor: str, span: tuple[int, int] | None = None, delete: bool = False
) -> Coding | None:
    """Resolve a flagged coding: put it on ``span``, keep its current span, or delete it."""
    coding = store.get_coding(coding_id)
    if coding.flagged is None:
        raise CoderError(f"coding {coding_id} is not flagged", "`coder check` lists the flagged ones")
    before = {
        "start": coding.start,
        "end": coding.end,
        "flagged": coding.flagged,
        "text": coding.flagged_text,
    }
    with store.transaction():
        if delete:
            store.delete_coding(coding_id)
            store.log(actor, "coding.resolve", coding.guid, before=before, after={"deleted": True})
            return None
        start, end = span or (coding.start, coding.end)
        length = len(store.get_transcript(coding.transcript_id).text)
        if not 0 <= start < end <= length:
            raise CoderError(
                f"span {start}-{end} is outside {coding.transcript_id!r} (0 <= start < end <= {length})"
            )
        updated = store.update_coding(coding_id, start=start, end=end, flagged=None, flagged_text=None)
        store.log(actor, "coding.resolve", coding.guid, before=before, after={"start": start, "end": end})
    return updated


# -- backup -------------------------------------------------------------------------


def backup_project(store: Store, dest: Path, force: bool = False) -> Path:
    """Copy coder.db consistently to ``dest`` (a file, or a folder to put a dated copy in)."""
    if dest.is_dir():
        stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
        dest = dest / f"coder-{stamp}.db"
    if dest.resolve() == (store.root / DB_FILENAME).resolve():
        raise CoderError(f"{dest} is the project database itself", "back up to another file")
    if dest.exists() and not force:
        raise CoderError(f"{dest} already exists", "choose another name, or pass --force to overwrite it")
    if not dest.parent.is_dir():
        raise CoderError(f"{dest.parent} is not a folder", "create it first")
    store.backup_to(dest)
    return dest


def backup_before(store: Store, action: str, actor: str) -> Path:
    """A dated backup in the project's ``backups/`` folder (0700) before a destructive ``action``."""
    folder = store.root / "backups"
    folder.mkdir(mode=0o700, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S-%f")
    dest = backup_project(store, folder / f"before-{action}-{stamp}.db")
    with store.transaction():
        store.log(actor, "backup", dest.name, after={"before": action})
    return dest
