"""Reading REFI-QDA projects: a ``.qdpx`` zip or a bare ``project.qde``.

Pure: no database; the result is a :class:`coder.formats.qdpx.ExProject`. Choices:

* the file must validate against ``Project-mrt2019.xsd``; an invalid one is
  refused with its line number. Only the root namespace is checked, never
  ``xsi:schemaLocation`` (lxml does not fetch it), so vendor files that carry
  an old version string there are accepted;
* ``project.qde`` and the ``sources`` folder are matched ignoring case (NVivo
  writes ``Sources``), source text is decoded like any transcript (a UTF-8 BOM
  is not a character); ``relative://`` and ``absolute://`` sources are read
  from disk only when they are ``.txt`` files;
* every importer stores ``\\n`` newlines and NFC text, so the text is
  normalised the same way and :class:`PositionMap` moves each selection with
  it (a CRLF source exported by NVivo counts two characters per line break);
* what a coder project cannot hold (pictures, PDFs, media, sets, links,
  graphs, codings of a whole source, selections without a code, text sources
  whose text is missing) is listed in ``ExProject.warnings`` so the caller can
  tell the user, as REFI-QDA section 7 asks.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from coder.errors import InputFormatError
from coder.formats.qdc import check_code_depth, refuse_doctype
from coder.formats.qdpx import (
    PROJECT_NS,
    ExCoding,
    ExNote,
    ExProject,
    ExSource,
    ExUser,
    PositionMap,
    iso_datetime,
    norm_guid,
    normalise_text,
    project_schema,
)
from coder.model import Codebook

Fetch = Callable[[str, str], tuple[str | None, str]]
"""Given a ``plainTextPath`` URL and the project's ``basePath``: (text or None, why not)."""
MB = 1024 * 1024
DEFAULT_MAX_MB = 512
MAX_RATIO = 200
"""Largest compression ratio accepted for a member over 1 MB (text compresses ~5-10x)."""


@dataclass(frozen=True)
class SourceAccess:
    """What reading a project may touch besides the file itself; the user decides.

    ``base_path``: the folder ``relative://`` sources are read from (the
    ``basePath`` written inside the file is never trusted); without it they
    are looked up inside the archive only. ``allow_absolute``: whether
    ``absolute://`` sources may be read at all. ``max_mb``: the most a
    member, and all members together, may hold once unpacked.
    """

    base_path: Path | None = None
    allow_absolute: bool = False
    max_mb: int = DEFAULT_MAX_MB


# -- reading --------------------------------------------------------------------


def _q(tag: str) -> str:
    return f"{{{PROJECT_NS}}}{tag}"


def parse_project(
    data: bytes,
    label: str,
    read_source: Callable[[str, str], tuple[str | None, str]],
    id_for_guid: Mapping[str, str] | None = None,
) -> ExProject:
    """An :class:`ExProject` from ``project.qde`` bytes, validated first.

    ``read_source(url, base_path)`` fetches a source's plain text; ``label``
    names the file in messages; ``id_for_guid`` keeps the ids of codes the
    project already knows (other codes get ids made from their names).
    """
    root = _parse_checked(data, label)
    warnings: list[str] = []
    users = tuple(
        ExUser(norm_guid(u.get("guid")), u.get("name") or u.get("id") or norm_guid(u.get("guid")))
        for u in root.iterfind(f"{_q('Users')}/{_q('User')}")
    )
    codebook, code_notes = _read_codebook(root, dict(id_for_guid or {}))
    notes = _NoteIndex(root, lambda url: read_source(url, root.get("basePath", "")))
    variables = {
        norm_guid(v.get("guid")): v.get("name", "")
        for v in root.iterfind(f"{_q('Variables')}/{_q('Variable')}")
    }
    case_attrs = _case_attributes(root, variables)
    sources: list[ExSource] = []
    for el in root.iterfind(f"{_q('Sources')}/*"):
        kind = etree.QName(el).localname
        if kind != "TextSource":
            n = sum(1 for _ in el.iter(_q("Coding")))
            warnings.append(
                f"{kind} {el.get('name', el.get('guid'))!r} skipped: only text sources are imported{_dropped(n)}"
            )
            continue
        reader = _SourceReader(el, variables, notes, warnings)
        sources.append(reader.read(lambda url: read_source(url, root.get("basePath", "")), case_attrs))
    project_notes = [norm_guid(r.get("targetGUID")) for r in root.iterfind(_q("NoteRef"))]
    notes.mark_used(project_notes)
    project_notes.extend(notes.unreferenced(code_notes, sources))
    warnings.extend(_dropped_extras(root))
    return ExProject(
        name=root.get("name", ""),
        users=users,
        codebook=codebook,
        sources=tuple(sources),
        notes=tuple(notes.values()),
        code_notes=code_notes,
        project_notes=tuple(project_notes),
        origin=root.get("origin", ""),
        warnings=tuple(warnings),
    )


def _parse_checked(data: bytes, label: str) -> etree._Element:
    from coder.errors import InputFormatError

    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
    try:
        tree = etree.ElementTree(etree.fromstring(data, parser))
    except etree.XMLSyntaxError as exc:
        raise InputFormatError(f"{label}: line {exc.lineno}: not well-formed XML ({exc.msg})") from exc
    refuse_doctype(tree, label)
    ns = etree.QName(tree.getroot()).namespace
    if ns != PROJECT_NS:
        raise InputFormatError(
            f"{label}: not a REFI-QDA project (root namespace {ns!r})",
            f"expected a .qdpx or project.qde in namespace {PROJECT_NS}",
        )
    schema = project_schema()
    if not schema.validate(tree):
        err = next(iter(schema.error_log))
        raise InputFormatError(
            f"{label}: line {err.line}: does not match the REFI-QDA project schema ({err.message})",
            "export the project again from the other program, or report the file to its maker",
        )
    return tree.getroot()


def _read_codebook(
    root: etree._Element, known: dict[str, str]
) -> tuple[Codebook, dict[str, tuple[str, ...]]]:
    from coder.model import Code, slugify

    codes: list[Code] = []
    notes: dict[str, tuple[str, ...]] = {}
    used: set[str] = set()

    def walk(parent_el: etree._Element, parent: str | None, depth: int = 1) -> None:
        check_code_depth(depth, parent_el, "project.qde")
        for position, el in enumerate(parent_el.iterfind(_q("Code"))):
            guid = norm_guid(el.get("guid"))
            base = known.get(guid) or slugify(el.get("name", ""))
            code_id, n = base, 2
            while code_id in used:
                code_id, n = f"{base}-{n}", n + 1
            used.add(code_id)
            desc = (el.findtext(_q("Description")) or "").strip()
            name = el.get("name") or code_id
            codes.append(Code(code_id, guid, name, parent, desc, el.get("color"), position=position))
            refs = tuple(norm_guid(r.get("targetGUID")) for r in el.iterfind(_q("NoteRef")))
            if refs:
                notes[guid] = refs
            walk(el, code_id, depth + 1)

    top = root.find(f"{_q('CodeBook')}/{_q('Codes')}")
    if top is not None:
        walk(top, None)
    return Codebook(root.get("name", ""), tuple(codes)), notes


def _value_text(vv: etree._Element) -> str:
    values = [c for c in vv if isinstance(c.tag, str) and etree.QName(c).localname != "VariableRef"]
    return (values[0].text or "").strip() if values else ""


def _variable_values(el: etree._Element, variables: Mapping[str, str]) -> dict[str, str]:
    found: dict[str, str] = {}
    for vv in el.iterfind(_q("VariableValue")):
        ref = vv.find(_q("VariableRef"))
        name = variables.get(norm_guid(ref.get("targetGUID") if ref is not None else ""))
        if name:
            found[name] = _value_text(vv)
    return found


def _case_attributes(root: etree._Element, variables: Mapping[str, str]) -> dict[str, dict[str, str]]:
    """Attributes a source takes from the cases it belongs to (NVivo keeps them there)."""
    per_source: dict[str, dict[str, str]] = {}
    for case in root.iterfind(f"{_q('Cases')}/{_q('Case')}"):
        values = _variable_values(case, variables)
        for ref in case.iterfind(_q("SourceRef")):
            target = per_source.setdefault(norm_guid(ref.get("targetGUID")), {})
            for key, value in values.items():
                target.setdefault(key, value)
    return per_source


class _NoteIndex(dict[str, ExNote]):
    """The project's notes by GUID, remembering which ones something points at."""

    def __init__(self, root: etree._Element, read: Callable[[str], tuple[str | None, str]]) -> None:
        super().__init__()
        self.names: dict[str, str] = {}
        self.used: set[str] = set()
        for el in root.iterfind(f"{_q('Notes')}/{_q('Note')}"):
            text = el.findtext(_q("PlainTextContent"))
            if text is None and el.get("plainTextPath"):
                text = read(el.get("plainTextPath", ""))[0]
            if text and text.strip():
                guid = norm_guid(el.get("guid"))
                user = norm_guid(el.get("creatingUser")) or None
                created = iso_datetime(el.get("creationDateTime"))
                self[guid] = ExNote(guid, text, el.get("name", ""), user, created)

    def mark_used(self, guids: list[str] | tuple[str, ...]) -> None:
        """Remember that these notes are attached to something."""
        self.used.update(guids)

    def texts(self, guids: list[str]) -> list[str]:
        """The texts of the notes that exist, marking them used."""
        self.mark_used(guids)
        return [self[g].text for g in guids if g in self]

    def unreferenced(self, code_notes: Mapping[str, tuple[str, ...]], sources: list[ExSource]) -> list[str]:
        """Notes nothing points at, as project notes headed by their name."""
        for refs in code_notes.values():
            self.mark_used(refs)
        for source in sources:
            self.mark_used(source.note_guids)
        loose = [g for g in self if g not in self.used]
        for guid in loose:
            note = self[guid]
            if note.name:
                self[guid] = ExNote(
                    guid, f"{note.name}\n\n{note.text}", note.name, note.user_guid, note.created_at
                )
        return loose


class _SourceReader:
    """One ``TextSource``: its text, attributes, notes and codings."""

    def __init__(
        self, el: etree._Element, variables: Mapping[str, str], notes: _NoteIndex, warnings: list[str]
    ) -> None:
        self.el, self.variables, self.notes, self.warnings = el, variables, notes, warnings
        self.label = el.get("name") or el.get("guid", "")
        self.uncoded = 0

    def read(
        self, fetch: Callable[[str], tuple[str | None, str]], case_attrs: Mapping[str, dict[str, str]]
    ) -> ExSource:
        """The source, its selections moved onto the normalised text."""
        el, guid = self.el, norm_guid(self.el.get("guid"))
        raw = el.findtext(_q("PlainTextContent"))
        why = "it has no plain text"
        if raw is None and el.get("plainTextPath"):
            raw, why = fetch(el.get("plainTextPath", ""))
        attributes = {**case_attrs.get(guid, {}), **_variable_values(el, self.variables)}
        notes = tuple(norm_guid(r.get("targetGUID")) for r in el.iterfind(_q("NoteRef")))
        whole = len(el.findall(_q("Coding")))
        if whole:
            self.warnings.append(
                f"{self.label!r}: {_plural(whole, 'coding')} of the whole source not imported"
            )
        if raw is None or not raw.strip():
            n = sum(len(s.findall(_q("Coding"))) for s in el.iterfind(_q("PlainTextSelection")))
            self.warnings.append(f"text source {self.label!r} skipped: {why}{_dropped(n)}")
            return ExSource(guid, el.get("name", ""), None, attributes, (), notes)
        text, moved = normalise_text(raw)
        codings = [
            c for sel in el.iterfind(_q("PlainTextSelection")) for c in self._selection(sel, len(raw), moved)
        ]
        if self.uncoded:
            quotations = _plural(self.uncoded, "selection")
            self.warnings.append(f"{self.label!r}: {quotations} without a code (quotations) not imported")
        created = iso_datetime(el.get("creationDateTime"))
        return ExSource(guid, el.get("name", ""), text, attributes, tuple(codings), notes, created)

    def _selection(self, sel: etree._Element, length: int, moved: PositionMap) -> list[ExCoding]:
        start, end = int(sel.get("startPosition", "0")), int(sel.get("endPosition", "0"))
        codings = sel.findall(_q("Coding"))
        if not codings:
            self.uncoded += 1
            return []
        if not 0 <= start < end <= length:
            self.warnings.append(
                f"{self.label!r}: selection {start}-{end} lies outside the text ({length} characters){_dropped(len(codings))}"
            )
            return []
        description = sel.findtext(_q("Description")) or ""
        sel_notes = [norm_guid(r.get("targetGUID")) for r in sel.iterfind(_q("NoteRef"))]
        found: list[ExCoding] = []
        for coding in codings:
            refs = [norm_guid(r.get("targetGUID")) for r in coding.iterfind(_q("NoteRef"))]
            memo = "\n\n".join(t for t in (description, *self.notes.texts(sel_notes + refs)) if t)
            ref = coding.find(_q("CodeRef"))
            found.append(
                ExCoding(
                    guid=norm_guid(sel.get("guid") if len(codings) == 1 else coding.get("guid")),
                    user_guid=norm_guid(coding.get("creatingUser") or sel.get("creatingUser")) or None,
                    start=moved(start),
                    end=moved(end, end=True),
                    code_guid=norm_guid(ref.get("targetGUID") if ref is not None else ""),
                    memo=memo,
                    created_at=iso_datetime(coding.get("creationDateTime") or sel.get("creationDateTime")),
                )
            )
        return found


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _dropped(n: int) -> str:
    """`` (3 codings dropped)``, or nothing when none were."""
    return f" ({_plural(n, 'coding')} dropped)" if n else ""


def _dropped_extras(root: etree._Element) -> list[str]:
    """Warnings for the parts of a project that ``coder`` has no place for."""
    found = []
    for group, item, what in (
        ("Sets", "Set", "sets (groups of codes or sources)"),
        ("Links", "Link", "links between objects"),
        ("Graphs", "Graph", "graphs (network views)"),
    ):
        n = len(root.findall(f"{_q(group)}/{_q(item)}"))
        if n:
            found.append(f"{n} {what} not imported")
    case_codes = len(root.findall(f"{_q('Cases')}/{_q('Case')}/{_q('CodeRef')}"))
    if case_codes:
        found.append(f"{_plural(case_codes, 'code')} applied to cases not imported")
    return found


# -- containers -------------------------------------------------------------------


def read_project_file(
    path: Path, id_for_guid: Mapping[str, str] | None = None, access: SourceAccess | None = None
) -> ExProject:
    """An :class:`ExProject` from a ``.qdpx`` (zip) or a bare ``.qde`` file."""
    access = access or SourceAccess()
    if not path.is_file():
        raise InputFormatError(f"cannot read {path}: no such file")
    if not zipfile.is_zipfile(path):
        if path.stat().st_size > access.max_mb * MB:
            raise _too_big(path, path.name, path.stat().st_size, access)
        return parse_project(path.read_bytes(), str(path), _folder_fetch(path, access), id_for_guid)
    try:
        with zipfile.ZipFile(path) as zf:
            _check_sizes(zf, path, access)
            members = {n.replace("\\", "/").lower(): n for n in zf.namelist() if not n.endswith("/")}
            qde = members.get("project.qde") or next(
                (n for k, n in sorted(members.items()) if k.endswith(".qde")), None
            )
            if qde is None:
                raise InputFormatError(
                    f"{path}: no project.qde inside", "is this a REFI-QDA project export (.qdpx)?"
                )
            fetch = _zip_fetch(zf, members, path, access)
            return parse_project(zf.read(qde), f"{path} ({qde})", fetch, id_for_guid)
    except zipfile.BadZipFile as exc:
        raise InputFormatError(f"{path}: damaged zip file ({exc})", "export the project again") from exc


def _too_big(path: Path, member: str, size: int, access: SourceAccess) -> InputFormatError:
    return InputFormatError(
        f"{path}: {member} unpacks to {size / MB:,.0f} MB, more than the limit of {access.max_mb} MB",
        f"if you trust the file, raise the limit with --max-size {size // MB + 1}",
    )


def _check_sizes(zf: zipfile.ZipFile, path: Path, access: SourceAccess) -> None:
    """Refuse a zip whose members are too large or compressed suspiciously well, before reading any."""
    total = 0
    for info in zf.infolist():
        total += info.file_size
        if info.file_size > access.max_mb * MB:
            raise _too_big(path, info.filename, info.file_size, access)
        if info.file_size > MB and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise InputFormatError(
                f"{path}: {info.filename} is compressed {info.file_size // max(info.compress_size, 1):,} to 1, "
                "which only a zip bomb does",
                "export the project again from the program that made it",
            )
    if total > access.max_mb * MB:
        raise _too_big(path, "the archive", total, access)


def _split_url(url: str) -> tuple[str, str]:
    """(scheme, path): ``absolute://`` paths keep their leading slash (``absolute:///home/x.txt``)."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        return "relative", url.replace("\\", "/")
    scheme, rest = scheme.lower(), rest.replace("\\", "/")
    if scheme == "absolute":
        return scheme, rest if rest.startswith("/") or rest[1:3] == ":/" else "/" + rest
    return scheme, rest.lstrip("/")


def _decode(data: bytes, name: str) -> tuple[str | None, str]:
    from coder.formats.transcripts.decoding import decode_bytes

    try:
        return decode_bytes(data, name), ""
    except InputFormatError as exc:
        return None, exc.message


def _external(scheme: str, rest: str, access: SourceAccess) -> tuple[str | None, str]:
    """A source outside the project file, only where the user allowed it, and only ``.txt``.

    ``relative://`` resolves under ``access.base_path`` and may not leave it
    (``../`` or a symlink out is refused); ``absolute://`` needs
    ``access.allow_absolute``. The ``basePath`` inside the file is ignored:
    a file from elsewhere must not choose which of the user's files it reads.
    """
    if scheme == "relative":
        if access.base_path is None:
            return None, f"relative://{rest} is outside the archive; pass --base-path DIR to read it"
        base = access.base_path.resolve()
        target = (base / rest).resolve()
        if not target.is_relative_to(base):
            return None, f"relative://{rest} points outside {access.base_path}; refused"
    elif scheme == "absolute":
        if not access.allow_absolute:
            return None, f"absolute://{rest} is a file outside the archive; pass --allow-absolute to read it"
        target = Path(rest)
    else:
        return None, f"{scheme}://{rest}: unknown kind of path"
    if target.suffix.lower() != ".txt":
        return None, f"{scheme}://{rest} is not a .txt file"
    if not target.is_file():
        return None, f"{target} does not exist"
    if target.stat().st_size > access.max_mb * MB:
        return None, f"{target} is larger than {access.max_mb} MB"
    return _decode(target.read_bytes(), str(target))


def _zip_fetch(zf: zipfile.ZipFile, members: Mapping[str, str], path: Path, access: SourceAccess) -> Fetch:
    def fetch(url: str, base: str) -> tuple[str | None, str]:
        scheme, rest = _split_url(url)
        if scheme == "relative" and access.base_path is None:
            inside = _member(members, rest)
            if inside is not None:
                return _decode(zf.read(inside), f"{path.name}:{inside}")
        if scheme != "internal":
            return _external(scheme, rest, access)
        name = rest.lower()
        member = members.get(f"sources/{name}") or next(
            (n for k, n in members.items() if k.rsplit("/", 1)[-1] == name), None
        )
        if member is None:
            return None, f"{rest} is not inside {path.name}"
        return _decode(zf.read(member), f"{path.name}:{member}")

    return fetch


def _member(members: Mapping[str, str], rest: str) -> str | None:
    """The archive member a relative path names, if it stays inside the archive."""
    parts = [p for p in rest.lower().split("/") if p not in ("", ".")]
    if ".." in parts:
        return None
    return members.get("/".join(parts))


def _folder_fetch(qde: Path, access: SourceAccess) -> Fetch:
    """Internal sources of a bare ``.qde``: looked up in a ``sources`` folder beside it."""

    def fetch(url: str, base: str) -> tuple[str | None, str]:
        scheme, rest = _split_url(url)
        if scheme != "internal":
            return _external(scheme, rest, access)
        folders = [d for d in qde.parent.iterdir() if d.is_dir() and d.name.lower() == "sources"]
        for folder in [*folders, qde.parent]:
            for candidate in folder.iterdir():
                if candidate.name.lower() == rest.lower() and candidate.is_file():
                    return _decode(candidate.read_bytes(), str(candidate))
        return None, f"{rest} is not beside {qde.name} (the .qde holds no text; import the .qdpx instead)"

    return fetch
