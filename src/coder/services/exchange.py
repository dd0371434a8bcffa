"""REFI-QDA project exchange and project merging: the use cases.

Export turns the store into a :class:`coder.formats.qdpx.ExProject` and writes it as a
``.qdpx``. Import and merge go the other way: a ``.qdpx`` (read by
:mod:`coder.formats.qdpx_read`) or another project's ``coder.db`` becomes an
:class:`~coder.services.project_merge.Incoming`, and
:func:`~coder.services.project_merge.apply_incoming` matches it against this
project and writes what is new in one transaction. `coder import-qdpx` and
`coder merge` differ only in how they treat codes this project lacks: an
import adds them as concept codes; a merge adds coder-added codes and refuses
concept codes a merged coding needs (load the same codebook first).

REFI-QDA carries no code ids, only names and GUIDs, nor key-quote marks,
review flags, code keywords and links, coder-layer kinds, transcript
languages or review decisions. An export keeps them in ``coder/extras.json``
inside the zip (:mod:`coder.services.qdpx_extras`), so a coder → ``.qdpx`` →
coder round trip loses nothing the file can hold; from another tool's file,
imported codes get ids made from their names, except codes whose GUID this
project knows, which keep their id. Export warns what other programs will not see.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from coder.errors import CoderError, UnknownIdError
from coder.formats.qdpx import ExCoding, ExNote, ExProject, ExSource, ExUser, norm_guid, refi_guid, write_qdpx
from coder.model import Codebook, Coding, Memo, Transcript
from coder.services.atlas_names import flat_names, split_names
from coder.services.merge_rules import check_same_study
from coder.services.project_merge import Incoming, MergeReport, apply_incoming, text_sha256
from coder.services.qdpx_extras import MEMBER as EXTRAS
from coder.services.qdpx_extras import apply_extras, code_ids, extras_document, read_extras
from coder.storage import DB_FILENAME, Store, open_store
from coder.storage.store import new_guid, now

FLAG_MARK = "coder:flagged"

if TYPE_CHECKING:
    from coder.formats.qdpx_read import SourceAccess

_RGB = re.compile(r"#([0-9a-fA-F]{6}|[0-9a-fA-F]{3})")
_DOCUMENT_SUFFIXES = (".txt", ".docx", ".doc", ".rtf", ".odt", ".pdf", ".md")


@dataclass
class ExportReport:
    """What `coder export qdpx` wrote, and what REFI-QDA could not carry."""

    file: str
    transcripts: int = 0
    codes: int = 0
    coders: list[str] = field(default_factory=list)
    codings: int = 0
    memos: int = 0
    coding_memos: int = 0
    """Memos on codings, written as the selections' descriptions (not counted in ``memos``)."""
    warnings: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        """JSON-able form."""
        return dataclasses.asdict(self)


# -- export -----------------------------------------------------------------------


def export_qdpx(
    store: Store, out: Path, coders: Sequence[str] | None = None, atlas_names: bool = False
) -> ExportReport:
    """Write the project (all coder layers, or ``coders``) as a REFI-QDA ``.qdpx``.

    ``atlas_names`` writes the tree flat, each code named ``Theme::Code`` (ATLAS.ti).
    """
    report = ExportReport(str(out))
    layers = _chosen_layers(store, coders)
    guid_of = {c["name"]: c["guid"] for c in layers}
    codebook = _exportable_codebook(store.codebook(), report)
    if atlas_names:
        codebook = flat_names(codebook)
    code_guid = {c.id: c.guid for c in codebook.codes}
    codings = [c for c in store.codings() if c.coder in guid_of]
    memos = [m for m in store.memos() if m.coder in guid_of]
    transcripts = store.transcripts()
    notes, source_notes, code_notes, project_notes = _notes(
        memos, guid_of, codebook, {t.id for t in transcripts}
    )
    by_transcript: dict[str, list[ExCoding]] = defaultdict(list)
    for c in codings:
        by_transcript[c.transcript_id].append(
            ExCoding(
                c.guid, guid_of[c.coder], c.start, c.end, code_guid[c.code_id], flag_to_memo(c), c.created_at
            )
        )
    sources = tuple(
        ExSource(
            t.guid, t.id, t.text, t.attributes, tuple(by_transcript[t.id]), source_notes[t.id], t.imported_at
        )
        for t in transcripts
    )
    project = ExProject(
        name=store.get_setting("name") or store.root.name,
        users=tuple(ExUser(c["guid"], c["name"]) for c in layers),
        codebook=codebook,
        sources=sources,
        notes=tuple(notes),
        code_notes=code_notes,
        project_notes=tuple(project_notes),
        origin=_origin(),
    )
    write_qdpx(project, out, {EXTRAS: extras_document(store, codebook, codings, layers)})
    report.transcripts, report.codes, report.codings, report.memos = (
        len(sources),
        len(codebook.codes),
        len(codings),
        len(notes),
    )
    report.coding_memos = sum(bool(c.memo) for c in codings)
    report.coders = [c["name"] for c in layers]
    report.warnings.extend(_export_losses(codings, codebook, layers))
    return report


def flag_to_memo(coding: Coding) -> str:
    """The selection description: the memo, then a coder-specific flag paragraph when flagged.

    REFI-QDA has no review flag; a last paragraph ``coder:flagged {json}``
    carries the reason and the lost words so that a round trip keeps them,
    and other tools show it as readable text.
    """
    if coding.flagged is None:
        return coding.memo
    flag = json.dumps({"reason": coding.flagged, "text": coding.flagged_text}, ensure_ascii=False)
    return "\n\n".join(t for t in (coding.memo, f"{FLAG_MARK} {flag}") if t)


def flag_from_memo(description: str) -> tuple[str, str | None, str | None]:
    """(memo, flag, lost words) of a coding from a description ``flag_to_memo`` wrote."""
    head, mark, last = description.rpartition(FLAG_MARK + " ")
    if not mark or (head and not head.endswith("\n\n")):
        return description, None, None
    try:
        flag = json.loads(last)
    except json.JSONDecodeError:
        return description, None, None
    if not isinstance(flag, dict) or not isinstance(flag.get("reason"), str):
        return description, None, None
    text = flag.get("text")
    return head.removesuffix("\n\n"), flag["reason"], text if isinstance(text, str) else None


def _chosen_layers(store: Store, coders: Sequence[str] | None) -> list[dict[str, str]]:
    layers = store.coders()
    if not coders:
        return layers
    known = {c["name"] for c in layers}
    unknown = [name for name in coders if name not in known]
    if unknown:
        raise UnknownIdError(
            f"no coder layer named {', '.join(map(repr, unknown))}",
            f"the layers are: {', '.join(sorted(known)) or '(none yet)'}",
        )
    return [c for c in layers if c["name"] in coders]


def _exportable_codebook(codebook: Codebook, report: ExportReport) -> Codebook:
    """GUIDs the schema accepts and colours in ``#RRGGBB`` form (others dropped, with a warning)."""
    codes = []
    for code in codebook.codes:
        color = code.color if code.color and _RGB.fullmatch(code.color) else None
        if code.color and color is None:
            report.warnings.append(f"code {code.id!r}: colour {code.color!r} is not #RRGGBB and was left out")
        codes.append(dataclasses.replace(code, guid=refi_guid(code.guid), color=color))
    return Codebook(codebook.name, tuple(codes))


def _notes(
    memos: list[Memo], guid_of: dict[str, str], codebook: Codebook, transcript_ids: set[str]
) -> tuple[list[ExNote], dict[str, tuple[str, ...]], dict[str, tuple[str, ...]], list[str]]:
    """Memos as notes, with what points at them: sources, codes, the project."""
    codes = codebook.by_id()
    notes: list[ExNote] = []
    on_source: dict[str, list[str]] = defaultdict(list)
    on_code: dict[str, list[str]] = defaultdict(list)
    on_project: list[str] = []
    for memo in memos:
        guid = refi_guid(memo.guid or new_guid())
        if memo.target_kind == "transcript" and memo.target_id in transcript_ids:
            on_source[memo.target_id].append(guid)
            name = f"Memo on {memo.target_id} by {memo.coder}"
        elif memo.target_kind == "code" and memo.target_id in codes:
            on_code[codes[memo.target_id].guid].append(guid)
            name = f"Memo on code {codes[memo.target_id].name} by {memo.coder}"
        elif memo.target_kind == "project":
            on_project.append(guid)
            name = f"Project memo by {memo.coder}"
        else:
            continue
        notes.append(ExNote(guid, memo.text, name, guid_of[memo.coder], memo.updated_at))
    sources = defaultdict(tuple, {k: tuple(v) for k, v in on_source.items()})
    return notes, sources, {k: tuple(v) for k, v in on_code.items()}, on_project


def _origin() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return f"coder {version('coder')}"
    except PackageNotFoundError:
        return "coder"


def _export_losses(codings: list[Coding], codebook: Codebook, layers: list[dict[str, str]]) -> list[str]:
    """Warnings for what REFI-QDA has no place for (section 7 asks tools to say so)."""
    found = []
    key_quotes = sum(c.key_quote for c in codings)
    if key_quotes:
        found.append(f"{key_quotes} key-quote marks are kept for coder only (REFI-QDA has no such mark)")
    flagged = sum(c.flagged is not None for c in codings)
    if flagged:
        found.append(f"{flagged} review flags on codings are kept for coder only")
    extras = [c.id for c in codebook.codes if c.keywords or c.links]
    if extras:
        found.append(f"keywords and survey links of {len(extras)} codes are kept for coder only")
    special = [c["name"] for c in layers if c.get("kind", "coder") != "coder"]
    if special:
        found.append(
            f"{', '.join(special)} will arrive in other programs as ordinary users, not consensus layers"
        )
    return found


# -- import and merge -------------------------------------------------------------


def import_qdpx(
    store: Store,
    path: Path,
    lang: str = "auto",
    dry_run: bool = False,
    progress: Callable[[int], None] | None = None,
    flat_names: bool = False,
    access: SourceAccess | None = None,
) -> MergeReport:
    """Import a REFI-QDA project (``.qdpx``, or a ``.qde``) into this project.

    ATLAS.ti's ``A::B`` code names become B under A unless ``flat_names``.
    ``access`` says which files outside the archive may be read (none by default).
    """
    incoming, records = incoming_from_qdpx(store, path, lang, access)
    if not flat_names and not records:
        incoming.codebook = split_names(incoming.codebook)
    return apply_incoming(
        store, incoming, "import", dry_run=dry_run, actor="import", progress=progress, records=records
    )


def merge_project(
    store: Store,
    source: Path,
    update: bool = False,
    dry_run: bool = False,
    progress: Callable[[int], None] | None = None,
    force: bool = False,
) -> MergeReport:
    """Bring the codings, coder-added codes and memos of another copy of the study into this one.

    ``source`` is a project folder (or its coder.db), a ``.qdpx``, or a
    snapshot folder; another study is refused unless ``force``.
    """
    from coder.services.snapshot_merge import merge_snapshot
    from coder.services.snapshot_read import is_snapshot

    if is_snapshot(source):
        return merge_snapshot(store, source, update, dry_run, force=force)
    if source.is_file() and source.name != DB_FILENAME:
        incoming, records = incoming_from_qdpx(store, source, "auto")
        _same_study(store, incoming, force)
        return apply_incoming(store, incoming, "merge", update, dry_run, progress=progress, records=records)
    root = source.parent if source.name == DB_FILENAME else source
    if root.resolve() == store.root.resolve():
        raise CoderError(f"{source} is this project itself", "name the other coder's copy of the project")
    if not (root / DB_FILENAME).is_file():
        raise CoderError(
            f"{source} is neither a coder project, a snapshot folder nor a REFI-QDA file",
            "name the other copy's project folder (the one holding coder.db), a snapshot folder or a .qdpx",
        )
    other = open_store(root)
    try:
        incoming = incoming_from_store(other, str(root))
        _same_study(store, incoming, force)
        return apply_incoming(store, incoming, "merge", update, dry_run, progress=progress)
    finally:
        other.close()


def _same_study(store: Store, incoming: Incoming, force: bool) -> None:
    if not force:
        transcripts = [t.guid for t in incoming.transcripts]
        check_same_study(
            store, incoming.study, transcripts, [c.guid for c in incoming.codebook.codes], incoming.label
        )


def incoming_from_store(other: Store, label: str) -> Incoming:
    """Everything another ``coder`` project holds, as it is stored there."""
    return Incoming(
        label=label,
        codebook=other.codebook(),
        coders=other.coders(),
        transcripts=other.transcripts(),
        codings=other.codings(),
        memos=other.memos(),
        origins_known=True,
        segments_of=other.segments,
        study=other.get_setting("name") or other.root.name,
    )


def incoming_from_qdpx(
    store: Store, path: Path, lang: str = "auto", access: SourceAccess | None = None
) -> tuple[Incoming, dict[str, list[dict[str, Any]]]]:
    """A REFI-QDA project file in this project's model, and the records its coder extras hold.

    Codes known here keep their ids; a file written by coder brings back its
    own ids, origins, key quotes, flags and records (:mod:`coder.services.qdpx_extras`).
    """
    from coder.formats.qdpx_read import read_project_file
    from coder.segmentation import detect_language

    extras = read_extras(path)
    known = {**code_ids(extras), **{norm_guid(c.guid): c.id for c in store.codebook().codes}}
    project = read_project_file(path, known, access)
    incoming = Incoming(
        path.name, project.codebook, [], [], [], warnings=list(project.warnings), study=project.name
    )
    coder_of = _Coders(project.users, incoming.coders)
    code_id = {c.guid: c.id for c in project.codebook.codes}
    used: set[str] = set()
    source_ids: dict[str, str] = {}
    unknown_codes = 0
    for source in project.sources:
        tid = _transcript_id(source, used)
        if source.text is None:
            incoming.skipped_transcripts.append(tid)
            continue
        source_ids[source.guid] = tid
        language = detect_language(source.text) if lang == "auto" else lang
        incoming.transcripts.append(
            Transcript(
                tid, source.guid or new_guid(), source.text, language, dict(source.attributes),
                path.name, text_sha256(source.text), now(),
            )
        )  # fmt: skip
        for c in source.codings:
            if c.code_guid not in code_id:
                unknown_codes += 1
                continue
            coder = coder_of(c.user_guid)
            memo, flagged, flagged_text = flag_from_memo(c.memo)
            incoming.codings.append(
                Coding(
                    0,
                    c.guid,
                    coder,
                    tid,
                    c.start,
                    c.end,
                    code_id[c.code_guid],
                    memo,
                    created_at=c.created_at,
                    flagged=flagged,
                    flagged_text=flagged_text,
                )
            )
    if unknown_codes:
        incoming.warnings.append(
            f"{unknown_codes} codings refer to codes that are not in the codebook; skipped"
        )
    incoming.memos = _memos(project, source_ids, code_id, coder_of, incoming.warnings)
    records = apply_extras(incoming, extras) if extras else {}
    return incoming, records


class _Coders:
    """Coder names for REFI user GUIDs: the user's name, else the GUID, else ``imported``."""

    def __init__(self, users: tuple[ExUser, ...], out: list[dict[str, str]]) -> None:
        self.out = out
        self.names: dict[str, str] = {}
        for user in users:
            self._add(user.guid, user.name)

    def _add(self, guid: str, name: str) -> str:
        taken = {c["name"] for c in self.out}
        if name not in taken:
            self.out.append({"name": name, "guid": guid or new_guid(), "kind": "coder"})
        self.names[guid] = name
        return name

    def __call__(self, guid: str | None) -> str:
        if not guid:
            return self.names.get("") or self._add("", "imported")
        return self.names.get(guid) or self._add(guid, guid)


def _transcript_id(source: ExSource, used: set[str]) -> str:
    """A transcript id from a source name: the name without a document extension, unique."""
    name = source.name.strip()
    suffix = Path(name).suffix.lower()
    base = (name[: -len(suffix)] if suffix in _DOCUMENT_SUFFIXES else name).strip() or source.guid
    tid, n = base, 2
    while tid in used:
        tid, n = f"{base}-{n}", n + 1
    used.add(tid)
    return tid


def _memos(
    project: ExProject,
    source_ids: dict[str, str],
    code_id: dict[str, str],
    coder_of: _Coders,
    warnings: list[str],
) -> list[Memo]:
    """Notes as memos; several notes of one user on one target become one memo."""
    notes = {n.guid: n for n in project.notes}
    targets: list[tuple[str, str, str]] = []
    for source in project.sources:
        tid = source_ids.get(source.guid)
        targets.extend(("transcript", tid, g) for g in source.note_guids if tid)
        if tid is None and source.note_guids:
            warnings.append(
                f"{len(source.note_guids)} memos on the skipped source {source.name!r} were not imported"
            )
    for guid, refs in project.code_notes.items():
        targets.extend(("code", code_id[guid], g) for g in refs if guid in code_id)
    targets.extend(("project", "", g) for g in project.project_notes)
    joined: dict[tuple[str, str, str], list[ExNote]] = defaultdict(list)
    for kind, target, guid in targets:
        if guid in notes:
            joined[(coder_of(notes[guid].user_guid), kind, target)].append(notes[guid])
    return [
        Memo(0, group[0].guid, coder, kind, target, "\n\n".join(n.text for n in group), group[0].created_at)  # type: ignore[arg-type]
        for (coder, kind, target), group in joined.items()
    ]
