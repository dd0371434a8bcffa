"""ATLAS.ti writes a code hierarchy into names (``Coke::diet Coke``); coder keeps a tree.

On import, :func:`split_names` turns ``A::B`` into a code B under a code A
(made when the file has no code A); on export, :func:`flat_names` writes
every code as a top-level code named by its path, the form ATLAS.ti users
expect. Group codes made on import get a GUID derived from their path, so
importing the same file twice finds them again.
"""

from __future__ import annotations

import dataclasses
import uuid

from coder.formats.codebook import slugify
from coder.model import Code, Codebook

SEPARATOR = "::"
_GROUPS = uuid.UUID("9a1f0c52-3f0e-4c44-8a0e-2f1d3c1b7a10")


def split_names(codebook: Codebook) -> Codebook:
    """``A::B`` names as a tree: B under A (A found by name among the top-level codes, or made)."""
    codes = list(codebook.codes)
    ids = {c.id for c in codes}
    by_name = {(c.parent_id, c.name.strip().casefold()): c.id for c in codes}
    out: list[Code] = []
    for code in codes:
        parts = [p.strip() for p in code.name.split(SEPARATOR)]
        if code.parent_id is not None or len(parts) < 2 or not all(parts):
            out.append(code)
            continue
        parent: str | None = None
        for depth, part in enumerate(parts[:-1]):
            found = by_name.get((parent, part.casefold()))
            if found is None:
                found = _unique(slugify(part), ids)
                path = SEPARATOR.join(parts[: depth + 1])
                guid = str(uuid.uuid5(_GROUPS, path))
                out.append(Code(found, guid, part, parent, position=len(out)))
                by_name[(parent, part.casefold())] = found
            parent = found
        out.append(dataclasses.replace(code, name=parts[-1], parent_id=parent))
    return Codebook(codebook.name, tuple(out))


def flat_names(codebook: Codebook) -> Codebook:
    """Every code at the top, named by its path of names joined with ``::``."""
    by_id = codebook.by_id()

    def path(code: Code) -> str:
        names = [code.name]
        while code.parent_id is not None:
            code = by_id[code.parent_id]
            names.append(code.name)
        return SEPARATOR.join(reversed(names))

    return Codebook(
        codebook.name,
        tuple(
            dataclasses.replace(c, name=path(c), parent_id=None, position=i)
            for i, c in enumerate(codebook.tree_order())
        ),
    )


def _unique(base: str, ids: set[str]) -> str:
    found, n = base, 2
    while found in ids:
        found, n = f"{base}-{n}", n + 1
    ids.add(found)
    return found
