"""Codebook files <-> ``Codebook``: parsing, validation and writing (pure).

The YAML file a team keeps in version control is the source of truth; the
database holds a working copy. Codes may be nested with ``children:`` or given
flat with ``parent:`` (handy for generated lists); both are validated the same
way, and every error names the file and line so the author can fix it.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from coder.errors import InputFormatError
from coder.model import Code, Codebook
from coder.model import slugify as slugify  # re-exported: callers import it from here
from coder.naming import ID_HINT, MAX_CODE_DEPTH, id_problem

if TYPE_CHECKING:
    import yaml

COLOR = re.compile(r"^#(?:[0-9a-fA-F]{3}){1,2}$")
LINK = re.compile(r"^[^:\s]+:[^:\s]+$")
CODE_KEYS = {
    "id",
    "name",
    "description",
    "color",
    "keywords",
    "links",
    "children",
    "parent",
    "guid",
    "origin",
    "created_by",
}


@cache
def _line_loader() -> type[yaml.SafeLoader]:
    """A safe loader that remembers the line of every mapping.

    Built on first use, so that commands which only read the database (every
    one that imports this module for ``slugify``) do not import PyYAML.
    """
    import yaml

    from coder.formats.safe_yaml import SafeLoader  # aliases, nesting and size capped

    class LineLoader(SafeLoader):
        pass

    def construct_mapping(loader: LineLoader, node: yaml.MappingNode) -> dict[str, Any]:
        mapping = {str(k): v for k, v in loader.construct_mapping(node, deep=True).items()}
        mapping["__line__"] = node.start_mark.line + 1
        return mapping

    LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, construct_mapping)
    return LineLoader


def load_codebook(path: Path) -> Codebook:
    """Read and validate a codebook file (``.yaml``/``.yml`` or REFI-QDA ``.qdc``)."""
    suffix = path.suffix.lower()
    if suffix == ".qdc":
        from coder.formats.qdc import read_qdc

        return check_codebook(read_qdc(path), str(path))
    if suffix not in (".yaml", ".yml"):
        raise InputFormatError(
            f"{path}: unsupported codebook format {suffix or '(none)'}",
            "use a .yaml/.yml codebook or a REFI-QDA .qdc file",
        )
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputFormatError(f"{path}: not UTF-8 text", "save the codebook as UTF-8") from exc
    return parse_codebook(text, str(path))


def parse_codebook(text: str, source: str = "<codebook>") -> Codebook:
    """Parse codebook YAML text; ``source`` names the file in errors."""
    import yaml

    try:
        data = yaml.load(text, Loader=_line_loader())  # a SafeLoader subclass: safe
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise InputFormatError(f"{source}:{where} malformed YAML: {problem}", "fix the YAML syntax") from exc
    if not isinstance(data, dict) or not isinstance(data.get("codes"), list):
        raise InputFormatError(
            f"{source}: a codebook needs a top-level `codes:` list",
            "see README, 'Codebook YAML'",
        )
    raw: list[tuple[dict[str, Any], str | None]] = []
    _flatten(data["codes"], None, raw, source)
    codes = _build_codes(raw, source)
    return Codebook(name=str(data.get("name") or Path(source).stem), codes=tuple(codes))


def _flatten(
    items: list[Any],
    parent: str | None,
    out: list[tuple[dict[str, Any], str | None]],
    source: str,
) -> None:
    for item in items:
        if not isinstance(item, dict):
            raise InputFormatError(
                f"{source}: every code must be a mapping with `id` and `name`, got {item!r}"
            )
        out.append((item, parent))
        children = item.get("children") or []
        if not isinstance(children, list):
            raise InputFormatError(f"{source}: line {item['__line__']}: `children` must be a list")
        _flatten(children, str(item.get("id")), out, source)


def _build_codes(raw: list[tuple[dict[str, Any], str | None]], source: str) -> list[Code]:
    seen: dict[str, int] = {}
    folded: dict[str, int] = {}
    codes: list[Code] = []
    positions: dict[str | None, int] = {}
    for item, nested_parent in raw:
        line = item["__line__"]
        where = f"{source}: line {line}"
        unknown = set(item) - CODE_KEYS - {"__line__"}
        if unknown:
            raise InputFormatError(
                f"{where}: unknown key(s) {', '.join(sorted(unknown))}",
                f"allowed: {', '.join(sorted(CODE_KEYS))}",
            )
        code_id = item.get("id")
        problem = "is missing" if code_id is None else id_problem(str(code_id))
        if problem:
            raise InputFormatError(f"{where}: code id {code_id!r} {problem}", ID_HINT)
        code_id = str(code_id)
        if code_id.casefold() in folded:
            raise InputFormatError(
                f"{where}: duplicate code id {code_id!r} (first at line {folded[code_id.casefold()]})",
                "ids must be unique in the whole tree, ignoring case",
            )
        folded[code_id.casefold()] = line
        seen[code_id] = line
        name = item.get("name")
        if not name or not str(name).strip():
            raise InputFormatError(f"{where}: code {code_id!r} has no name", "add `name: ...`")
        parent = nested_parent if nested_parent is not None else item.get("parent")
        color = item.get("color")
        if color is not None and not COLOR.match(str(color)):
            raise InputFormatError(f"{where}: color {color!r} of {code_id!r} is not #RRGGBB")
        links = [str(x) for x in item.get("links") or []]
        for link in links:
            if not LINK.match(link):
                raise InputFormatError(f"{where}: link {link!r} of {code_id!r} is not SURVEY:ITEM")
        position = positions.get(parent, 0)
        positions[parent] = position + 1
        codes.append(
            Code(
                id=code_id,
                guid=str(item.get("guid") or ""),
                name=str(name).strip(),
                parent_id=str(parent) if parent is not None else None,
                description=str(item.get("description") or "").strip(),
                color=str(color) if color else None,
                keywords=tuple(str(k) for k in item.get("keywords") or []),
                links=tuple(links),
                origin="coder" if item.get("origin") == "coder" else "concept",
                created_by=item.get("created_by"),
                position=position,
            )
        )
    _check_tree(codes, seen, source)
    return codes


def check_codebook(codebook: Codebook, source: str) -> Codebook:
    """``codebook`` when every id is valid and unique ignoring case and every code has a name."""
    seen: set[str] = set()
    for code in codebook.codes:
        problem = id_problem(code.id)
        if problem:
            raise InputFormatError(f"{source}: code id {code.id!r} {problem}", ID_HINT)
        if code.id.casefold() in seen:
            raise InputFormatError(f"{source}: code id {code.id!r} is there twice (ids ignore case)")
        if not code.name.strip():
            raise InputFormatError(f"{source}: code {code.id!r} has no name")
        seen.add(code.id.casefold())
    return codebook


def _check_tree(codes: list[Code], lines: dict[str, int], source: str) -> None:
    parents = {c.id: c.parent_id for c in codes}
    for code in codes:
        if code.parent_id is not None and code.parent_id not in parents:
            raise InputFormatError(
                f"{source}: line {lines[code.id]}: parent {code.parent_id!r} of {code.id!r} does not exist"
            )
    for code in codes:
        seen = {code.id}
        current = code.parent_id
        while current is not None:
            if current in seen:
                raise InputFormatError(
                    f"{source}: line {lines[code.id]}: code {code.id!r} is part of a cycle of parents",
                    "a code cannot be its own ancestor",
                )
            seen.add(current)
            current = parents[current]
        if len(seen) > MAX_CODE_DEPTH:
            raise InputFormatError(
                f"{source}: line {lines[code.id]}: code {code.id!r} is nested {len(seen)} levels deep",
                f"at most {MAX_CODE_DEPTH} levels are accepted",
            )


def codebook_to_dict(codebook: Codebook, *, with_meta: bool = False) -> dict[str, Any]:
    """The nested YAML structure of a codebook (``with_meta`` keeps guid/origin)."""

    def node(code: Code) -> dict[str, Any]:
        out: dict[str, Any] = {"id": code.id, "name": code.name}
        if code.description:
            out["description"] = code.description
        if code.color:
            out["color"] = code.color
        if code.keywords:
            out["keywords"] = list(code.keywords)
        if code.links:
            out["links"] = list(code.links)
        if with_meta:
            out["guid"] = code.guid
            if code.origin == "coder":
                out["origin"] = "coder"
                out["created_by"] = code.created_by
        kids = codebook.children(code.id)
        if kids:
            out["children"] = [node(k) for k in kids]
        return out

    return {"name": codebook.name, "codes": [node(c) for c in codebook.children(None)]}


def dump_codebook_yaml(codebook: Codebook, *, with_meta: bool = False) -> str:
    """The codebook as YAML text, in tree order."""
    import yaml

    return yaml.safe_dump(
        codebook_to_dict(codebook, with_meta=with_meta),
        allow_unicode=True,
        sort_keys=False,
        width=100,
    )
