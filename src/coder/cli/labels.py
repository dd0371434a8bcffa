"""Code paths (``theme/code``) shortened for a narrow terminal column.

Rich cuts a too-long cell at the right (``netwerkgericht/netwe…``), which
hides the code's own id and can make two rows read alike. Here a path
loses its leading segments instead (``…/netwerkgericht-werken``); the
code's own id is always kept whole, and rows whose short forms would
clash keep more of their path.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

ELIDED = "…/"


def path_forms(path: str) -> list[str]:
    """The ways to show ``path``, longest first: the whole path, then fewer leading segments."""
    parts = path.split("/")
    return [path, *(ELIDED + "/".join(parts[i:]) for i in range(1, len(parts)))]


def shortest_width(paths: Sequence[str]) -> int:
    """The widest of the paths' shortest forms (each code's own id behind ``…/``)."""
    return max((len(path_forms(p)[-1]) for p in paths), default=0)


def shorten_paths(paths: Sequence[str], width: int) -> list[str]:
    """Each path in the longest form that fits ``width``, never two rows alike.

    A code's own id is never cut, so a form may be wider than ``width``
    when the id alone is.
    """
    forms = [path_forms(p) for p in paths]
    pick = [next((i for i, f in enumerate(fs) if len(f) <= width), len(fs) - 1) for fs in forms]
    while True:
        shown = [fs[i] for fs, i in zip(forms, pick, strict=True)]
        seen = Counter(shown)
        clashing = [k for k, s in enumerate(shown) if seen[s] > 1 and pick[k] > 0]
        if not clashing:
            return shown
        for k in clashing:
            pick[k] -= 1  # one more leading segment for each row that reads like another
