"""The working code tree: loading codebook files and editing codes.

Loading a codebook merges it into the working copy by code id: new codes are
added, existing ones take the file's name, definition, parent and colour, and
codes the file does not mention (such as codes coders added while coding) are
kept. Every edit of the tree is written to the audit log with before/after.
"""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

from coder.errors import CoderError, UnknownIdError
from coder.formats.codebook import check_codebook, dump_codebook_yaml, load_codebook, slugify
from coder.formats.outfile import write_text
from coder.model import Code, Codebook
from coder.naming import check_code_id, check_code_name, check_coder_name, existing_id
from coder.storage import Store
from coder.storage.store import new_guid


@dataclasses.dataclass
class LoadReport:
    """What loading a codebook changed."""

    name: str
    added: list[str]
    updated: list[str]
    kept: list[str]

    def as_dict(self) -> dict[str, object]:
        """JSON-able form."""
        return dataclasses.asdict(self)


def load_codebook_file(store: Store, path: Path, actor: str = "lead") -> LoadReport:
    """Validate a codebook file and merge it into the working tree."""
    if path.suffix.lower() == ".qdc":
        from coder.formats.qdc import read_qdc

        incoming = check_codebook(read_qdc(path, {c.guid: c.id for c in store.codebook().codes}), str(path))
    else:
        incoming = load_codebook(path)
    with store.transaction():
        report = merge_codebook(store, incoming, actor)
        store.set_setting("codebook_name", incoming.name)
        store.log(actor, "codebook.load", path.name, after={"added": report.added, "updated": report.updated})
    _keep_copy(store, path)
    return report


def _keep_copy(store: Store, path: Path) -> None:
    """Keep the loaded file in the project's codebooks/ folder (the team's record)."""
    target = store.root / "codebooks" / path.name
    if target.resolve() != path.resolve():
        target.parent.mkdir(exist_ok=True)
        shutil.copyfile(path, target)


def merge_codebook(store: Store, incoming: Codebook, actor: str) -> LoadReport:
    """Upsert ``incoming``'s codes by id, parents first; links are registered too."""
    existing = store.codebook().by_id()
    added, updated = [], []
    for code in incoming.tree_order():
        old = existing.get(code.id)
        guid = code.guid or (old.guid if old else new_guid())
        origin, created_by = (old.origin, old.created_by) if old else (code.origin, code.created_by)
        fresh = dataclasses.replace(code, guid=guid, origin=origin, created_by=created_by)
        if old is None:
            added.append(code.id)
        elif fresh != old:
            updated.append(code.id)
        store.save_code(fresh)
    kept = sorted(set(existing) - {c.id for c in incoming.codes})
    return LoadReport(incoming.name, added, updated, kept)


def export_codebook(store: Store, fmt: str, out: Path, with_meta: bool = False) -> None:
    """Write the working tree as YAML or REFI-QDA .qdc."""
    write_codebook(store.codebook(), fmt, out, with_meta)


def write_codebook(codebook: Codebook, fmt: str, out: Path, with_meta: bool = False) -> None:
    """Write a code tree as YAML (``with_meta``: GUIDs and who added each code) or REFI-QDA .qdc."""
    if fmt == "yaml":
        write_text(out, dump_codebook_yaml(codebook, with_meta=with_meta))
    elif fmt == "qdc":
        from coder.formats.qdc import write_qdc

        write_qdc(codebook, out)
    else:
        raise CoderError(f"unknown codebook format {fmt!r}", "use yaml or qdc")


def resolve_code(codebook: Codebook, ref: str) -> str:
    """A code id from an id or a ``/``-joined id path; error if unknown."""
    codes = codebook.by_id()
    code_id = ref.strip().strip("/").split("/")[-1]
    if code_id not in codes:
        raise UnknownIdError(f"unknown code {ref!r}", "see `coder codebook show` for the ids")
    if "/" in ref.strip("/") and codebook.path(code_id) != ref.strip().strip("/"):
        raise CoderError(f"code path {ref!r} does not match the tree (it is {codebook.path(code_id)!r})")
    return code_id


def add_code(
    store: Store,
    name: str,
    coder: str,
    parent_id: str | None = None,
    description: str = "",
    code_id: str | None = None,
    color: str | None = None,
) -> Code:
    """A code added by a coder while coding (the lead merges these later)."""
    with store.transaction():
        code = new_coder_code(store, name, coder, parent_id, description, code_id, color)
        store.log(coder, "code.add", code.id, after=dataclasses.asdict(code))
    return code


def new_coder_code(
    store: Store,
    name: str,
    coder: str,
    parent_id: str | None,
    description: str = "",
    code_id: str | None = None,
    color: str | None = None,
) -> Code:
    """Create a coder-added code inside the caller's transaction (id and names validated)."""
    name = check_code_name(name)
    coder = check_coder_name(coder)
    if parent_id is not None and not store.has_code(parent_id):
        raise CoderError(f"unknown parent code {parent_id!r}")
    derived = code_id is None
    code_id = check_code_id(code_id if code_id is not None else slugify(name))
    codes = store.codebook().codes
    twin = existing_id(code_id, (c.id for c in codes))
    if twin is not None:
        hidden = next(c for c in codes if c.id == twin)
        if not (derived and _hidden_from(hidden, coder)):
            raise CoderError(
                f"a code with id {twin!r} already exists", "ids ignore case; choose another name or id"
            )
        # Another coder's own code: saying so would break blind coding, so this
        # coder's code simply gets an id of its own.
        code_id = _free_id(code_id, {c.id.casefold() for c in codes})
    store.ensure_coder(coder)
    code = Code(
        id=code_id,
        guid=new_guid(),
        name=name.strip(),
        parent_id=parent_id,
        description=description.strip(),
        color=color,
        origin="coder",
        created_by=coder,
        position=store.next_code_position(parent_id),
    )
    store.save_code(code)
    return code


def _hidden_from(code: Code, coder: str) -> bool:
    """Whether ``code`` is another coder's own code, which ``coder`` does not see while coding blind."""
    return code.origin == "coder" and code.created_by not in (None, "", coder)


def _free_id(base: str, taken: set[str]) -> str:
    """``base-2``, ``base-3`` ...: the first id not taken (compared ignoring case)."""
    n = 2
    while f"{base}-{n}".casefold() in taken:
        n += 1
    return f"{base}-{n}"


def edit_code(store: Store, code_id: str, actor: str, **changes: object) -> Code:
    """Rename, redefine, recolour or move a code (recorded in the audit log)."""
    if "name" in changes:
        changes["name"] = check_code_name(changes["name"])
    with store.transaction():
        old = store.get_code(code_id)
        if "parent_id" in changes:
            _check_move(store, code_id, changes["parent_id"])  # type: ignore[arg-type]
            changes["position"] = store.next_code_position(changes["parent_id"])  # type: ignore[arg-type]
        new = dataclasses.replace(old, **changes)  # type: ignore[arg-type]
        store.save_code(new)
        store.log(
            actor, "code.edit", code_id, before=_diff(old, changes), after={k: changes[k] for k in changes}
        )
    return new


def _diff(old: Code, changes: dict[str, object]) -> dict[str, object]:
    return {k: getattr(old, k) for k in changes}


def _check_move(store: Store, code_id: str, parent_id: str | None) -> None:
    if parent_id is None:
        return
    tree = store.codebook()
    if parent_id not in tree.by_id():
        raise CoderError(f"unknown parent code {parent_id!r}")
    if parent_id in tree.descendants(code_id):
        raise CoderError(f"cannot move {code_id!r} under {parent_id!r}: that is inside {code_id!r} itself")


def merge_codes(store: Store, sources: list[str], into: str, actor: str = "lead") -> dict[str, int]:
    """Merge codes into ``into``: codings move, children move up, sources go."""
    with store.transaction():
        target = store.get_code(into)
        moved: dict[str, int] = {}
        for src in sources:
            if src == into:
                raise CoderError(f"cannot merge {src!r} into itself")
            code = store.get_code(src)
            tree = store.codebook()
            if into in tree.descendants(src):
                raise CoderError(f"cannot merge {src!r} into its own descendant {into!r}")
            for child in tree.children(src):
                store.save_code(dataclasses.replace(child, parent_id=target.id))
            moved[src] = store.move_codings(src, into)
            _merge_description(store, target, code)
            target = store.get_code(into)
            store.delete_code(src)
            store.log(
                actor,
                "code.merge",
                src,
                before=dataclasses.asdict(code),
                after={"into": into, "codings_moved": moved[src]},
            )
    return moved


def _merge_description(store: Store, target: Code, source: Code) -> None:
    """Keep the merged code's definition if the target has none."""
    if source.description and not target.description:
        store.save_code(dataclasses.replace(target, description=source.description))


def delete_code(
    store: Store, code_id: str, codings: str, actor: str = "lead", into: str | None = None
) -> int:
    """Delete a code; ``codings`` says what happens to its codings: 'delete' or 'move' (to ``into``)."""
    if codings not in ("delete", "move"):
        raise CoderError(
            "say what happens to the code's codings", "--codings delete, or --codings move --into CODE"
        )
    if codings == "move":
        if into is None:
            raise CoderError("--codings move needs --into CODE")
        return sum(merge_codes(store, [code_id], into, actor).values())
    with store.transaction():
        code = store.get_code(code_id)
        tree = store.codebook()
        if tree.children(code_id):
            raise CoderError(
                f"code {code_id!r} has children", "move or delete them first, or merge the code instead"
            )
        n = store.delete_codings(code_id=code_id)
        store.delete_code(code_id)
        store.log(
            actor, "code.delete", code_id, before=dataclasses.asdict(code), after={"codings_deleted": n}
        )
    return n


@dataclasses.dataclass(frozen=True)
class MergeRecord:
    """What merging one code into another changed, so that it can be taken back exactly."""

    source: Code
    target: Code
    children: tuple[str, ...]
    codings: tuple[int, ...]


def merge_preview(store: Store, source: str) -> dict[str, int]:
    """How many codings of ``source`` each coder layer has (what a merge would move)."""
    counts: dict[str, int] = {}
    for coding in store.codings(code_ids=[source]):
        counts[coding.coder] = counts.get(coding.coder, 0) + 1
    return dict(sorted(counts.items()))


def merge_code(store: Store, source: str, into: str, actor: str = "lead") -> MergeRecord:
    """Merge one code into another (see ``merge_codes``) and return how to undo it."""
    with store.transaction():
        record = MergeRecord(
            store.get_code(source),
            store.get_code(into),
            tuple(c.id for c in store.codebook().children(source)),
            tuple(c.id for c in store.codings(code_ids=[source])),
        )
        merge_codes(store, [source], into, actor)
    return record


def undo_merge(store: Store, record: MergeRecord, actor: str = "lead") -> None:
    """Bring a merged code back with its own codings, children and the target's old definition."""
    source, target = record.source, record.target
    with store.transaction():
        if store.has_code(source.id):
            raise CoderError(f"a code {source.id!r} exists again", "the merge cannot be undone")
        store.save_code(source)
        now = store.get_code(target.id)
        store.save_code(dataclasses.replace(now, description=target.description))
        for child in record.children:
            store.save_code(dataclasses.replace(store.get_code(child), parent_id=source.id))
        for coding_id in record.codings:
            store.update_coding(coding_id, code_id=source.id)
        store.log(actor, "code.unmerge", source.id, after={"from": target.id, "codings": len(record.codings)})
