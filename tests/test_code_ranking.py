"""The picker's ranking: exact name, prefix, word start, fuzzy; recency only within a rank."""

from __future__ import annotations

import pytest

from coder.model import Code
from coder.services.finding import EXACT, FUZZY, PREFIX, WORD_START, match_rank, rank_codes, same_name

NAMES = {
    "grenzen": "Grenzen aan eigen kracht",
    "eigen": "Eigen kracht",
    "wat-is": "Wat is generalistisch werken?",
    "gen": "Generalistisch werken",
    "eigenaar": "Eigenaarschap",
    "reg": "Regie",
}
CODES = [Code(i, "g", name) for i, name in NAMES.items()]


def ids(query: str, recent: list[str] | None = None) -> list[str]:
    return [c.id for c in rank_codes(CODES, query, recent or [])]


@pytest.mark.parametrize(
    ("query", "name", "rank"),
    [
        ("eigen kracht", "Eigen kracht", EXACT),
        ("EIGEN  Kracht ", "Eigen kracht", EXACT),
        ("generalistisch werken", "Généralistisch werken", EXACT),
        ("eigen", "Eigen kracht", PREFIX),
        ("eigen kracht", "Grenzen aan eigen kracht", WORD_START),
        ("gw", "Generalistisch werken", WORD_START),
        ("gen werk", "Generalistisch werken", WORD_START),
        ("igen", "Eigen kracht", FUZZY),
        ("generalistsch", "Generalistisch werken", FUZZY),
        ("zzz", "Eigen kracht", None),
    ],
)
def test_each_rank(query: str, name: str, rank: int | None) -> None:
    assert match_rank(query, name) == rank


def test_the_exact_name_beats_a_recent_code_that_only_contains_it() -> None:
    assert ids("Eigen kracht", recent=["grenzen"])[:2] == ["eigen", "grenzen"]
    assert ids("Generalistisch werken", recent=["wat-is"])[:2] == ["gen", "wat-is"]


def test_prefix_beats_word_start_beats_fuzzy() -> None:
    assert ids("eigen") == ["eigen", "eigenaar", "grenzen"]
    assert ids("gen")[:2] == ["gen", "wat-is"], "prefix, then a word start"
    assert set(ids("gen")[2:]) == {"eigen", "eigenaar", "grenzen"}, "then inside a word, and near misses"


def test_recency_breaks_ties_within_a_rank_only() -> None:
    assert ids("eigen", recent=["eigenaar"]) == ["eigenaar", "eigen", "grenzen"]
    assert ids("eigen", recent=["grenzen", "eigenaar"]) == ["eigenaar", "eigen", "grenzen"]
    assert ids("", recent=["reg", "gen"])[:2] == ["reg", "gen"], "empty query: recent first"


def test_same_name_ignores_case_accents_and_spacing() -> None:
    assert same_name(CODES, "  eigen   KRACHT") == CODES[1]
    assert same_name(CODES, "eigen") is None
