"""Importing transcripts: read, segment with spaCy, store — all or nothing.

Every file is read and checked first, so a bad file in a batch fails the
whole command before anything is written. spaCy is imported only when there
is something new to segment. Segments are staged chunk by chunk as spaCy
produces them, in TEMP tables that take no lock on the project
(``coder.storage.staging``), and swapped in at the end in one short
transaction: another writer (a coder applying codes) waits for that swap, not
for the import, and a failed or killed import leaves the project as it was.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from coder.analysis.anchoring import Anchor, reanchor
from coder.errors import CoderError, InputFormatError
from coder.model import Coding, ParsedTranscript, Segment, Transcript
from coder.services.suggest import refresh_index
from coder.storage import Store
from coder.storage.store import new_guid, now

LANGUAGES = ("nl", "en")
# Segment rows per staging transaction: short enough to keep memory flat.
STAGE_ROWS = 20_000


@dataclass
class ImportReport:
    """What an import did, per transcript id."""

    added: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    flagged_codings: int = 0
    moved_codings: int = 0

    def as_dict(self) -> dict[str, object]:
        """JSON-able form."""
        return {
            "added": self.added,
            "unchanged": self.unchanged,
            "replaced": self.replaced,
            "codings_reanchored": self.moved_codings,
            "codings_flagged": self.flagged_codings,
        }


@dataclass(frozen=True)
class _Pending:
    path: Path
    id: str
    sha256: str
    parsed: ParsedTranscript
    language: str
    attributes: dict[str, str]
    replace: bool


def parse_attr_options(pairs: Sequence[str]) -> dict[str, str]:
    """``KEY=VALUE`` strings from the command line as a dict."""
    attrs: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise CoderError(f"--attr {pair!r} is not KEY=VALUE", "e.g. --attr gemeente=Zwolle")
        attrs[key.strip()] = value.strip()
    return attrs


def _check_language(lang: str) -> str:
    if lang not in (*LANGUAGES, "auto"):
        raise CoderError(f"unsupported language {lang!r}", f"use one of {', '.join(LANGUAGES)} or auto")
    return lang


def _plan(store: Store, path: Path, lang: str, attrs: dict[str, str], replace: bool) -> _Pending | None:
    from coder.formats.transcripts import read_transcript
    from coder.segmentation import detect_language

    raw = path.read_bytes()
    digest = hashlib.sha256(raw).hexdigest()
    transcript_id = path.stem
    exists = store.has_transcript(transcript_id)
    if exists:
        current = store.get_transcript(transcript_id)
        if current.sha256 == digest:
            return None
        if not replace:
            raise CoderError(
                f"{path}: transcript {transcript_id!r} already exists with different content",
                "re-import with --replace to update its text (codings are re-anchored), or rename the file",
            )
    parsed = read_transcript(path)
    language = detect_language(parsed.text) if lang == "auto" else lang
    return _Pending(path, transcript_id, digest, parsed, language, {**parsed.attributes, **attrs}, exists)


def import_transcripts(
    store: Store,
    paths: Sequence[Path],
    lang: str = "auto",
    attrs: dict[str, str] | None = None,
    replace: bool = False,
    model: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Import transcript files; re-importing an unchanged file is a no-op."""
    _check_language(lang)
    report = ImportReport()
    pending: list[_Pending] = []
    seen: dict[str, Path] = {}
    for path in paths:
        if path.stem in seen:
            raise InputFormatError(
                f"{path} and {seen[path.stem]} would both get the id {path.stem!r}", "rename one of them"
            )
        seen[path.stem] = path
        item = _plan(store, path, lang, attrs or {}, replace)
        if item is None:
            report.unchanged.append(path.stem)
        else:
            pending.append(item)
    if not pending:
        return report
    store.begin_staging()
    try:
        _stage(store, pending, model, progress)
        with store.transaction():
            _swap_in(store, pending, report)
            refresh_index(store, report.added + report.replaced)
    finally:
        store.end_staging()
    return report


def _stage(
    store: Store, pending: list[_Pending], model: str | None, progress: Callable[[int], None] | None
) -> None:
    """Segment the pending files and stage them in chunks, outside the project's write lock."""
    batch: list[tuple[int, bool, Transcript, Sequence[Segment]]] = []
    rows = 0
    for position, segments in _segment(pending, model, progress):
        item = pending[position]
        batch.append((position, item.replace, _transcript(item), segments))
        rows += len(segments) + 1
        if rows >= STAGE_ROWS:
            store.stage(batch)
            batch, rows = [], 0
    if batch:
        store.stage(batch)


def _segment(
    pending: list[_Pending], model: str | None, progress: Callable[[int], None] | None
) -> Iterator[tuple[int, list[Segment]]]:
    """``(position in pending, segments)`` of each file as spaCy finishes it, one stream per language."""
    from coder.segmentation import iter_segments

    for language in sorted({p.language for p in pending}):
        indices = [i for i, p in enumerate(pending) if p.language == language]
        items = [(pending[i].parsed.text, pending[i].parsed.turns) for i in indices]
        for i, segs in zip(indices, iter_segments(items, language, model=model), strict=True):
            if progress:
                progress(len(pending[i].parsed.text.split()))
            yield i, segs


def _transcript(item: _Pending) -> Transcript:
    return Transcript(
        id=item.id,
        guid=new_guid(),
        text=item.parsed.text,
        language=item.language,
        attributes=item.attributes,
        source_file=item.path.name,
        sha256=item.sha256,
        imported_at=now(),
    )


def _swap_in(store: Store, pending: list[_Pending], report: ImportReport) -> None:
    """The staged import into the project, in the caller's (short) transaction."""
    conflicts = store.staged_conflicts()
    if conflicts:
        raise CoderError(
            f"transcript {conflicts[0]!r} was added or removed by another command while this import ran",
            "nothing was imported; run the import again",
        )
    before = {
        p.id: (store.get_transcript(p.id), store.codings(transcript_id=p.id)) for p in pending if p.replace
    }
    store.swap_in_staged()
    for item in pending:
        if not item.replace:
            after = {"file": item.path.name, "sha256": item.sha256}
            store.log("import", "transcript.add", item.id, after=after)
            report.added.append(item.id)
            continue
        old, codings = before[item.id]
        _reanchor(store, item.parsed.text, old, codings, report)
        store.log(
            "import",
            "transcript.replace",
            item.id,
            before={"sha256": old.sha256},
            after={"sha256": item.sha256},
        )
        report.replaced.append(item.id)


def _reanchor(store: Store, text: str, old: Transcript, codings: list[Coding], report: ImportReport) -> None:
    """Move (or flag) the codings of a replaced transcript onto its new text."""
    anchors = reanchor(old.text, text, [(c.start, c.end) for c in codings])
    for coding, anchor in zip(codings, anchors, strict=True):
        if (anchor.start, anchor.end) != (coding.start, coding.end) or anchor.flag:
            store.update_coding(
                coding.id, start=anchor.start, end=anchor.end, **_flag_fields(coding, anchor, old)
            )
            report.moved_codings += 1
        report.flagged_codings += anchor.flag is not None


def _flag_fields(coding: Coding, anchor: Anchor, old: Transcript) -> dict[str, str | None]:
    """A coding whose words are gone keeps them (the first text it lost) and the reason."""
    if anchor.flag is None:
        return {"flagged": coding.flagged, "flagged_text": coding.flagged_text}
    lost = coding.flagged_text if coding.flagged else old.text[coding.start : coding.end]
    return {"flagged": anchor.flag, "flagged_text": lost}


def transcript_document(store: Store, transcript_id: str) -> dict[str, object]:
    """The JSON document of `coder transcripts show ID --json`."""
    transcript = store.get_transcript(transcript_id)
    segments = store.segments(transcript_id)
    return {
        "id": transcript.id,
        "guid": transcript.guid,
        "language": transcript.language,
        "attributes": transcript.attributes,
        "source_file": transcript.source_file,
        "version": transcript.version,
        "text": transcript.text,
        "segments": [
            {
                "kind": s.kind,
                "index": s.index,
                "start": s.start,
                "end": s.end,
                "speaker": s.speaker,
                **({"meta": s.meta} if s.meta else {}),
            }
            for s in segments
        ],
    }
