"""Unit overlap as CONTRACT.md defines it: one non-whitespace character."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from coder.analysis.units import merge_spans, nonspace_prefix, touched_units

TEXT = "Een zin. Nog een zin.  Derde zin."
BOUNDS = [(0, 8), (9, 21), (23, 33)]


def _touch(spans: list[tuple[int, int]]) -> list[list[int]]:
    starts = np.array([b[0] for b in BOUNDS])
    ends = np.array([b[1] for b in BOUNDS])
    return [list(map(int, x)) for x in touched_units(nonspace_prefix(TEXT), starts, ends, spans)]


def test_overlap_needs_a_non_space_character() -> None:
    assert _touch([(8, 9)]) == [[]]  # only the space between sentences
    assert _touch([(7, 9)]) == [[0]]  # the full stop counts
    assert _touch([(7, 10)]) == [[0, 1]]
    assert _touch([(21, 23)]) == [[]]
    assert _touch([(0, 33)]) == [[0, 1, 2]]


@given(
    st.lists(
        st.tuples(st.integers(0, 33), st.integers(0, 33)).map(sorted).filter(lambda t: t[0] < t[1]),
        max_size=8,
    )
)
def test_matches_brute_force(spans: list[list[int]]) -> None:
    got = _touch([tuple(s) for s in spans])  # type: ignore[misc]
    for (a, b), units in zip(spans, got, strict=True):
        expected = [i for i, (us, ue) in enumerate(BOUNDS) if TEXT[max(a, us) : min(b, ue)].strip()]
        assert units == expected


def test_merge_spans() -> None:
    assert merge_spans([(5, 9), (0, 3), (2, 4), (9, 10)]) == [(0, 4), (5, 10)]


def test_space_code_points_are_pythons() -> None:
    """The vectorised prefix must agree with ``str.isspace`` on every code point."""
    import sys

    from coder.analysis.units import SPACE_CODE_POINTS

    assert sorted(int(c) for c in SPACE_CODE_POINTS) == [
        c for c in range(sys.maxunicode + 1) if chr(c).isspace()
    ]


@given(st.text(alphabet=st.sampled_from(list("ab. \n\t\u00a0\u2009\u3000é😀")), max_size=40))
def test_nonspace_prefix_matches_isspace(text: str) -> None:
    expected = [0]
    for ch in text:
        expected.append(expected[-1] + (not ch.isspace()))
    assert nonspace_prefix(text).tolist() == expected
