"""One validation for code ids, code names and coder names (pure).

Every path that creates or renames a code (``codes add``, ``codings import
--add-missing-codes``, ``codes rename``, codebook YAML and ``.qdc``/``.qdpx``
import, the TUI) calls these, so an id that one path accepts is never one
that another path, or the exported YAML, refuses later. Ids are slugs:
lowercase letters (Unicode letters included, so ``privé`` is fine), digits,
``-`` and ``_``, and ``.`` inside (``v1.2``); ids differing only in case are
one id. Names are any text that is not blank. Coder names are trimmed and may
not contain ``,`` because ``--coders A,B`` lists them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from coder.errors import CoderError

MAX_CODE_DEPTH = 100
"""Deepest code tree accepted from any file: deeper is a broken or hostile file."""
ID_HINT = "ids use lowercase letters, digits, '-', '_' (and '.' inside), e.g. `eigen-kracht`"
_ID = re.compile(r"[^\W_](?:[\w.-]*[\w-])?")


def id_problem(code_id: str) -> str | None:
    """Why ``code_id`` is not a valid code id, or None when it is."""
    if not code_id:
        return "is empty"
    if code_id != code_id.strip() or not _ID.fullmatch(code_id) or ".." in code_id:
        return "is not a slug"
    if code_id != code_id.lower():
        return "has capitals"
    return None


def check_code_id(code_id: str, where: str = "") -> str:
    """``code_id`` when valid; otherwise a ``CoderError`` saying why, with the hint."""
    problem = id_problem(code_id)
    if problem:
        suggestion = f" (try `{code_id.strip().lower()}`)" if problem == "has capitals" else ""
        raise CoderError(f"{where}code id {code_id!r} {problem}{suggestion}", ID_HINT)
    return code_id


def check_code_name(name: object, where: str = "") -> str:
    """A code name, trimmed; a blank name is a ``CoderError``."""
    text = "" if name is None else str(name).strip()
    if not text:
        raise CoderError(f"{where}a code needs a name", "give it a non-empty name")
    return text


def existing_id(code_id: str, known: Iterable[str]) -> str | None:
    """The known id equal to ``code_id`` ignoring case (``Privacy`` -> ``privacy``), if any."""
    folded = code_id.strip().casefold()
    return next((k for k in known if k.casefold() == folded), None)


def check_coder_name(name: str) -> str:
    """A coder name, trimmed; blank or with ``,`` is a ``CoderError``."""
    text = name.strip()
    if not text:
        raise CoderError("a coder needs a name", "e.g. --coder anna")
    if "," in text:
        raise CoderError(f"coder name {text!r} contains ','", "commas separate coders in --coders A,B")
    return text
