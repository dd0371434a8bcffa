"""Codes as a reader names them: "Werkdruk", or on demand "Randvoorwaarden › Werkdruk".

Services and the CLI speak in ids and id paths (``randvoorwaarden/werkdruk``),
which are stable and scriptable; a lead reading a screen wants the names the
codebook gives. The lead screens turn every id or id path into a label here,
and a key toggles between the name alone and the name path (the code's place
in the tree). A code the codebook no longer knows keeps its id, so nothing is
ever shown blank.
"""

from __future__ import annotations

from coder.model import Codebook

SEPARATOR = " › "


class CodeLabels:
    """Names (or name paths) for the codes of one codebook, looked up by id or id path."""

    def __init__(self, codebook: Codebook, paths: bool = False) -> None:
        self.codebook = codebook
        self.codes = codebook.by_id()
        self.paths = paths

    def __call__(self, code: str) -> str:
        """The label of ``code``, an id or a ``/``-joined id path."""
        code_id = code.rsplit("/", 1)[-1]
        if code_id not in self.codes:
            return code
        return self.name_path(code_id) if self.paths else self.codes[code_id].name

    def name_path(self, code_id: str) -> str:
        """The names from the theme down to ``code_id``: "Randvoorwaarden › Werkdruk"."""
        return SEPARATOR.join(self.codes[part].name for part in self.codebook.path(code_id).split("/"))
