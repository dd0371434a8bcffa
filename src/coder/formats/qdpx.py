"""REFI-QDA projects (``.qdpx`` / ``project.qde``): the exchange value and its XML.

Pure: no database. A project travels as an :class:`ExProject`, the same value in
both directions, so the export, import and merge use cases only translate
between it and the store; :mod:`coder.formats.qdpx_read` parses files into it. Shaped by
the standard (``Project-mrt2019.xsd``, shipped in ``coder/formats/schemas``):

* the schema's ``xsd:sequence`` fixes child order, so elements are appended in
  schema order and the written document is validated before it is returned;
* one ``PlainTextSelection`` per coding (guid = coding guid) holding one
  ``Coding`` (its guid derived from the coding's, so re-exports are stable);
  coders are ``Users``, told apart by ``creatingUser``; a coding memo is the
  selection's ``Description``; transcript, code and project memos are
  ``Notes`` with ``NoteRef``; transcript attributes are ``Text`` variables;
* import normalises newlines and Unicode as every importer does;
  :func:`normalise_text` returns the :class:`PositionMap` that moves the
  selections with the text;
* a ``.qdpx`` is a zip holding ``project.qde`` and ``sources/<guid>.txt``, the
  exact stored text in UTF-8, so the positions match it code point for code
  point (end exclusive).

GUIDs are written as stored; a value that is not a REFI GUID is replaced by a
stable GUID derived from it (:func:`refi_guid`), so the file always validates.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
import uuid
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from importlib import resources
from pathlib import Path

from lxml import etree

from coder.formats.outfile import atomic_output
from coder.model import Codebook

PROJECT_NS = "urn:QDA-XML:project:1.0"
_GUID = re.compile(r"\{?[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\}?")
_GUID_SPACE = uuid.UUID("6f1c2a52-7d0e-4f5e-9a57-3c2b8e0d4a11")
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass(frozen=True)
class ExUser:
    """A REFI user: one coder layer."""

    guid: str
    name: str


@dataclass(frozen=True)
class ExCoding:
    """One code applied by one user to ``[start, end)`` of a text source."""

    guid: str
    user_guid: str | None
    start: int
    end: int
    code_guid: str
    memo: str = ""
    created_at: str = ""


@dataclass(frozen=True)
class ExNote:
    """A memo (REFI ``Note``) with inline text."""

    guid: str
    text: str
    name: str = ""
    user_guid: str | None = None
    created_at: str = ""


@dataclass(frozen=True)
class ExSource:
    """A text source: a transcript, or ``text=None`` when its text is unavailable."""

    guid: str
    name: str
    text: str | None
    attributes: Mapping[str, str] = field(default_factory=dict)
    codings: tuple[ExCoding, ...] = ()
    note_guids: tuple[str, ...] = ()
    created_at: str = ""


@dataclass(frozen=True)
class ExProject:
    """Everything a REFI-QDA project exchange carries that ``coder`` uses."""

    name: str
    users: tuple[ExUser, ...] = ()
    codebook: Codebook = field(default_factory=lambda: Codebook("", ()))
    sources: tuple[ExSource, ...] = ()
    notes: tuple[ExNote, ...] = ()
    code_notes: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    project_notes: tuple[str, ...] = ()
    origin: str = ""
    warnings: tuple[str, ...] = ()


@cache
def project_schema() -> etree.XMLSchema:
    """The REFI-QDA project schema (``Project-mrt2019.xsd``), loaded once."""
    data = (resources.files("coder.formats") / "schemas" / "Project-mrt2019.xsd").read_bytes()
    return etree.XMLSchema(etree.fromstring(data))


def refi_guid(value: str) -> str:
    """``value`` when it is a REFI GUID, else a stable GUID derived from it."""
    return value if _GUID.fullmatch(value or "") else str(uuid.uuid5(_GUID_SPACE, value or ""))


def norm_guid(value: str | None) -> str:
    """A GUID as ``coder`` stores it: lower case, no braces."""
    return (value or "").strip().strip("{}").lower()


def xml_datetime(value: str) -> str | None:
    """An ISO timestamp as ``xsd:dateTime`` in UTC (``...Z``), or None if unparsable."""
    try:
        stamp = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return None
    stamp = stamp.replace(tzinfo=UTC) if stamp.tzinfo is None else stamp.astimezone(UTC)
    return stamp.strftime("%Y-%m-%dT%H:%M:%SZ")


def iso_datetime(value: str | None) -> str:
    """An ``xsd:dateTime`` back in the store's form (``+00:00``), or ``""``."""
    try:
        stamp = datetime.fromisoformat(value or "")
    except ValueError:
        return ""
    stamp = stamp.replace(tzinfo=UTC) if stamp.tzinfo is None else stamp.astimezone(UTC)
    return stamp.isoformat(timespec="seconds")


def xml_safe(text: str) -> str:
    """``text`` without the control characters XML 1.0 cannot carry."""
    return _NOT_XML.sub("", text)


# -- positions ----------------------------------------------------------------


class PositionMap:
    """Moves offsets from a text to its normalised form.

    ``regions`` are spans whose length changed: old ``[a, b)`` became new
    ``[c, d)``. An offset strictly inside such a span snaps outward (a start
    to ``c``, an end to ``d``) so a selection never loses a character.
    """

    def __init__(self, regions: list[tuple[int, int, int, int]], then: PositionMap | None = None) -> None:
        self.regions = regions
        self._starts = [r[0] for r in regions]
        self.then = then

    def __call__(self, pos: int, end: bool = False) -> int:
        i = bisect.bisect_right(self._starts, pos) - 1
        new = pos
        if i >= 0:
            a, b, c, d = self.regions[i]
            new = d + pos - b if pos >= b else (c if pos == a or not end else d)
        return self.then(new, end) if self.then else new


def normalise_text(text: str) -> tuple[str, PositionMap]:
    """``\\n`` newlines and NFC, as every importer stores text, with the offset map."""
    pieces: list[str] = []
    regions: list[tuple[int, int, int, int]] = []
    last = shift = 0
    for match in re.finditer(r"\r\n?", text):
        pieces.append(text[last : match.start()])
        pieces.append("\n")
        if match.end() - match.start() == 2:
            new = match.start() - shift
            regions.append((match.start(), match.end(), new, new + 1))
            shift += 1
        last = match.end()
    pieces.append(text[last:])
    lf = "".join(pieces)
    nfc, nfc_map = _nfc_with_map(lf)
    return nfc, PositionMap(regions, nfc_map)


def _nfc_with_map(text: str) -> tuple[str, PositionMap | None]:
    """NFC per base character and its combining marks; unchanged if that is not exact."""
    if unicodedata.is_normalized("NFC", text):
        return text, None
    out: list[str] = []
    regions: list[tuple[int, int, int, int]] = []
    starts = [i for i, ch in enumerate(text) if i == 0 or not unicodedata.combining(ch)]
    new = 0
    for a, b in zip(starts, [*starts[1:], len(text)], strict=True):
        piece = unicodedata.normalize("NFC", text[a:b])
        if len(piece) != b - a:
            regions.append((a, b, new, new + len(piece)))
        out.append(piece)
        new += len(piece)
    result = "".join(out)
    if result != unicodedata.normalize("NFC", text):
        return text, None
    return result, PositionMap(regions)


# -- writing --------------------------------------------------------------------


def _el(parent: etree._Element, tag: str, **attrs: str | None) -> etree._Element:
    clean = {k: xml_safe(v) for k, v in attrs.items() if v is not None}
    return etree.SubElement(parent, f"{{{PROJECT_NS}}}{tag}", clean)


def _text_el(parent: etree._Element, tag: str, text: str) -> None:
    _el(parent, tag).text = xml_safe(text)


def _quote_name(text: str | None, start: int, end: int) -> str | None:
    if text is None:
        return None
    quote = " ".join(text[start:end].split())
    return quote if len(quote) <= 60 else quote[:59] + "…"


def variable_guid(name: str) -> str:
    """The stable GUID of the variable that holds attribute ``name``."""
    return str(uuid.uuid5(_GUID_SPACE, f"variable:{name}"))


def project_xml(project: ExProject) -> bytes:
    """``project.qde`` for ``project``, validated against the REFI-QDA schema."""
    from coder.formats.qdc import codebook_element

    root = etree.Element(f"{{{PROJECT_NS}}}Project", nsmap={None: PROJECT_NS})
    root.set("name", xml_safe(project.name or "coder project"))
    root.set("origin", project.origin or "coder")
    root.set("creationDateTime", datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"))
    if project.users:
        users = _el(root, "Users")
        for user in project.users:
            _el(users, "User", guid=refi_guid(user.guid), name=user.name)
    if project.codebook.codes:
        book = _el(root, "CodeBook")
        book.append(codebook_element(project.codebook, PROJECT_NS))
        _add_code_notes(book, project.code_notes)
    names = sorted({key for s in project.sources for key in s.attributes})
    if names:
        variables = _el(root, "Variables")
        for name in names:
            _el(variables, "Variable", guid=variable_guid(name), name=name, typeOfVariable="Text")
    if project.sources:
        sources = _el(root, "Sources")
        for source in project.sources:
            _add_source(sources, source)
    if project.notes:
        notes = _el(root, "Notes")
        for note in project.notes:
            el = _el(notes, "Note", guid=refi_guid(note.guid), name=note.name or None)
            _set_user_and_time(el, note.user_guid, note.created_at)
            _text_el(el, "PlainTextContent", note.text)
    for guid in project.project_notes:
        _el(root, "NoteRef", targetGUID=refi_guid(guid))
    _check(etree.ElementTree(root))
    # A double-quoted declaration: some readers in the wild accept no other form.
    body = etree.tostring(root, encoding="utf-8", pretty_print=True)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + bytes(body)


def _set_user_and_time(el: etree._Element, user_guid: str | None, created_at: str) -> None:
    if user_guid:
        el.set("creatingUser", refi_guid(user_guid))
    stamp = xml_datetime(created_at) if created_at else None
    if stamp:
        el.set("creationDateTime", stamp)


def _add_code_notes(book: etree._Element, code_notes: Mapping[str, tuple[str, ...]]) -> None:
    """Put each code's ``NoteRef``s after its ``Description`` (schema order)."""
    for code_el in book.iter(f"{{{PROJECT_NS}}}Code"):
        refs = code_notes.get(code_el.get("guid", ""), ())
        at = 1 if code_el.find(f"{{{PROJECT_NS}}}Description") is not None else 0
        for offset, guid in enumerate(refs):
            ref = etree.Element(f"{{{PROJECT_NS}}}NoteRef", targetGUID=refi_guid(guid))
            code_el.insert(at + offset, ref)


def _add_source(parent: etree._Element, source: ExSource) -> None:
    guid = refi_guid(source.guid)
    el = _el(parent, "TextSource", guid=guid, name=source.name, plainTextPath=f"internal://{guid}.txt")
    _set_user_and_time(el, None, source.created_at)
    for coding in source.codings:
        sel = _el(
            el,
            "PlainTextSelection",
            guid=refi_guid(coding.guid),
            name=_quote_name(source.text, coding.start, coding.end),
            startPosition=str(coding.start),
            endPosition=str(coding.end),
        )
        _set_user_and_time(sel, coding.user_guid, coding.created_at)
        if coding.memo:
            _text_el(sel, "Description", coding.memo)
        code_el = _el(sel, "Coding", guid=str(uuid.uuid5(_GUID_SPACE, f"coding:{coding.guid}")))
        _set_user_and_time(code_el, coding.user_guid, coding.created_at)
        _el(code_el, "CodeRef", targetGUID=refi_guid(coding.code_guid))
    for note in source.note_guids:
        _el(el, "NoteRef", targetGUID=refi_guid(note))
    for key, value in sorted(source.attributes.items()):
        vv = _el(el, "VariableValue")
        _el(vv, "VariableRef", targetGUID=variable_guid(key))
        _text_el(vv, "TextValue", str(value))


def _check(tree: etree._ElementTree) -> None:
    from coder.errors import CoderError

    schema = project_schema()
    if not schema.validate(tree):
        err = next(iter(schema.error_log))
        raise CoderError(
            f"the REFI-QDA project built from this project does not validate: {err.message}",
            "please report this as a bug in coder, with the command you ran",
        )


def source_file_name(source: ExSource) -> str:
    """The file name of a source's plain text inside the ``.qdpx``."""
    return f"{refi_guid(source.guid)}.txt"


def write_qdpx(project: ExProject, out: Path, extra_members: Mapping[str, bytes] | None = None) -> None:
    """Write ``project`` as a ``.qdpx`` zip; nothing is left behind on failure.

    ``extra_members`` are further files for the zip (other tools ignore them).
    """
    data = project_xml(project)
    with atomic_output(out) as tmp, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("project.qde", data)
        for name, member in (extra_members or {}).items():
            zf.writestr(name, member)
        for source in project.sources:
            if source.text is not None:
                zf.writestr(f"sources/{source_file_name(source)}", source.text.encode("utf-8"))
