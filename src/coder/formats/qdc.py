"""REFI-QDA codebooks (``.qdc``): the exchange format of ATLAS.ti, NVivo, MAXQDA.

Reading validates against the official ``Codebook.xsd`` (shipped in
``coder/formats/schemas``) and also accepts a project file's ``<CodeBook>``. REFI codes
carry a GUID and a name but no id, so ids are made from names; a code whose
GUID the project already knows keeps its id, so a round trip through another
tool does not rename anything. Matching is on the namespace, not on
``schemaLocation`` (vendors write old version strings there).
"""

from __future__ import annotations

from collections.abc import Mapping
from importlib import resources
from pathlib import Path

from lxml import etree

from coder.errors import InputFormatError
from coder.formats.outfile import atomic_output
from coder.model import Code, Codebook, slugify
from coder.naming import MAX_CODE_DEPTH

CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
PROJECT_NS = "urn:QDA-XML:project:1.0"


def _schema(name: str) -> etree.XMLSchema:
    data = (resources.files("coder.formats") / "schemas" / name).read_bytes()
    return etree.XMLSchema(etree.fromstring(data))


def read_qdc(path: Path, id_for_guid: Mapping[str, str] | None = None) -> Codebook:
    """A validated codebook from a ``.qdc`` file (or a ``project.qde``)."""
    try:
        tree = etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError as exc:
        raise InputFormatError(f"{path}: line {exc.lineno}: not well-formed XML ({exc.msg})") from exc
    refuse_doctype(tree, str(path))
    root = tree.getroot()
    ns = etree.QName(root).namespace
    if ns == CODEBOOK_NS:
        schema = _schema("Codebook.xsd")
    elif ns == PROJECT_NS:
        schema = _schema("Project-mrt2019.xsd")
    else:
        raise InputFormatError(
            f"{path}: not a REFI-QDA codebook (root namespace {ns!r})", f"expected {CODEBOOK_NS}"
        )
    if not schema.validate(tree):
        err = schema.error_log.last_error
        raise InputFormatError(f"{path}: line {err.line}: does not match the REFI-QDA schema ({err.message})")
    codes_el = (
        root.find(f"{{{ns}}}Codes") if ns == CODEBOOK_NS else root.find(f"{{{ns}}}CodeBook/{{{ns}}}Codes")
    )
    codes: list[Code] = []
    if codes_el is not None:
        _read_codes(codes_el, ns, None, codes, dict(id_for_guid or {}), set(), str(path))
    name = root.get("name") or path.stem
    return Codebook(name=name, codes=tuple(codes))


def _read_codes(
    parent_el: etree._Element,
    ns: str,
    parent: str | None,
    out: list[Code],
    known: dict[str, str],
    used: set[str],
    source: str,
    depth: int = 1,
) -> None:
    check_code_depth(depth, parent_el, source)
    for position, el in enumerate(parent_el.findall(f"{{{ns}}}Code")):
        guid = el.get("guid", "").strip("{}").lower()
        code_id = known.get(guid) or _unique(slugify(el.get("name", "")), used)
        used.add(code_id)
        desc = el.findtext(f"{{{ns}}}Description") or ""
        out.append(
            Code(
                id=code_id,
                guid=guid,
                name=el.get("name", code_id),
                parent_id=parent,
                description=desc.strip(),
                color=el.get("color"),
                position=position,
            )
        )
        _read_codes(el, ns, code_id, out, known, used, source, depth + 1)


def refuse_doctype(tree: etree._ElementTree, source: str) -> None:
    """REFI-QDA files have no DOCTYPE; one with entities is an attack (XXE, entity bombs)."""
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        raise InputFormatError(
            f"{source}: the XML declares a DOCTYPE, which REFI-QDA files never do; refused",
            "export the file again from the program that made it",
        )


def check_code_depth(depth: int, el: etree._Element, source: str) -> None:
    """Refuse a code tree deeper than MAX_CODE_DEPTH (before Python's recursion limit)."""
    if depth > MAX_CODE_DEPTH:
        raise InputFormatError(
            f"{source}: line {el.sourceline}: codes nested more than {MAX_CODE_DEPTH} levels deep",
            "a code tree this deep is a damaged file",
        )


def _unique(base: str, used: set[str]) -> str:
    candidate, n = base, 2
    while candidate in used:
        candidate, n = f"{base}-{n}", n + 1
    return candidate


def codebook_element(codebook: Codebook, ns: str = CODEBOOK_NS) -> etree._Element:
    """The ``<Codes>`` element of a codebook, nested by the tree."""
    codes_el = etree.Element(f"{{{ns}}}Codes", nsmap={None: ns})

    def add(parent_el: etree._Element, parent_id: str | None) -> None:
        for code in codebook.children(parent_id):
            attrs = {"guid": code.guid, "name": code.name, "isCodable": "true"}
            if code.color:
                attrs["color"] = code.color
            el = etree.SubElement(parent_el, f"{{{ns}}}Code", attrs)
            if code.description:
                etree.SubElement(el, f"{{{ns}}}Description").text = code.description
            add(el, code.id)

    add(codes_el, None)
    return codes_el


def write_qdc(codebook: Codebook, out: Path) -> None:
    """Write a ``.qdc`` file that validates against ``Codebook.xsd``."""
    root = etree.Element(f"{{{CODEBOOK_NS}}}CodeBook", nsmap={None: CODEBOOK_NS}, origin="coder")
    root.append(codebook_element(codebook))
    tree = etree.ElementTree(root)
    _schema("Codebook.xsd").assertValid(tree)
    with atomic_output(out) as tmp:
        tree.write(str(tmp), xml_declaration=True, encoding="utf-8", pretty_print=True)
