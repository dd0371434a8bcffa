"""Codebook merge suggestions, pure: evidence that two codes mean the same, and a score.

Why it is shaped like this (split from ``reconcile``):

* Each kind of evidence is one small function returning a ``Reason`` (a kind,
  a strength in [0, 1] and a sentence a lead coder can read): similar names,
  shared lemmas, Dutch compounds (``privacy`` in ``privacywetgeving``), a
  shared first word (werk-druk, werk-belasting), similar definitions and
  — gathered by ``services.alignment`` — the same sentences coded by both.
* ``combined_score`` is a noisy-OR over weighted reasons, so one strong reason
  suffices and weak ones add up, and a suggestion always says why.
* Only values come in: codes, lemmas and counts are handed in by the services,
  so there is no database access and no spaCy here.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from rapidfuzz import fuzz
from rapidfuzz.utils import default_process

from coder.model import Code, Codebook

# Function words that say nothing about a code's meaning (Dutch and English).
# fmt: off
STOP_WORDS = frozenset((
    "aan", "als", "bij", "dan", "dat", "die", "door", "een", "het", "hun", "met", "naar", "niet", "over",
    "van", "voor", "wat", "zijn", "and", "are", "but", "for", "from", "has", "have", "its", "not", "off",
    "out", "than", "that", "the", "their", "them", "this", "with",
))
# fmt: on
WEIGHTS = {"name": 0.9, "lemma": 0.8, "compound": 0.7, "segments": 0.9, "definition": 0.5, "prefix": 0.35}


@dataclass(frozen=True)
class Reason:
    """Why two codes look alike: a kind, a strength in [0, 1] and a sentence."""

    kind: str
    strength: float
    text: str


def _words(text: str) -> list[str]:
    plain = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(ch for ch in plain if not unicodedata.combining(ch))
    return [w for w in re.split(r"[^\w]+", plain) if len(w) > 1]


def _compound(words: tuple[set[str], set[str]], single: tuple[bool, bool]) -> Reason | None:
    """A word of one name is the first or last part of a longer word of the other.

    Strong when that word is the whole name of its code (``privacy`` in
    ``privacywetgeving``), weak when it is one word of a longer name.
    """
    for this, other in ((0, 1), (1, 0)):
        for short in sorted(words[this]):
            for long in sorted(words[other]):
                if (
                    len(short) >= 4
                    and len(long) - len(short) >= 3
                    and (long.startswith(short) or long.endswith(short))
                ):
                    strength = 1.0 if single[this] else 0.4
                    return Reason("compound", strength, f"'{short}' is part of the compound '{long}'")
    return None


def _shared_prefix(words_a: Iterable[str], words_b: Iterable[str]) -> Reason | None:
    """Two compounds starting with the same word, e.g. werk-druk and werk-belasting."""
    best = ""
    for a in words_a:
        for b in words_b:
            n = 0
            while n < min(len(a), len(b)) and a[n] == b[n]:
                n += 1
            if n >= 4 and n < min(len(a), len(b)) and n > len(best):
                best = a[:n]
    return Reason("prefix", 1.0, f"both start with '{best}-'") if best else None


def name_reasons(
    a: Code, b: Code, lemmas_a: Iterable[str] = (), lemmas_b: Iterable[str] = ()
) -> list[Reason]:
    """Evidence from the names and definitions of two codes."""
    reasons = []
    sim = (
        max(fuzz.ratio(a.name, b.name, processor=default_process), fuzz.token_sort_ratio(a.name, b.name))
        / 100
    )
    if sim >= 0.7:
        reasons.append(Reason("name", sim, f"similar names ({sim:.0%})"))
    la = {x.casefold() for x in lemmas_a if len(x) > 2 and x.casefold() not in STOP_WORDS}
    lb = {x.casefold() for x in lemmas_b if len(x) > 2 and x.casefold() not in STOP_WORDS}
    if la & lb:
        shared = sorted(la & lb)
        reasons.append(Reason("lemma", len(la & lb) / len(la | lb), f"shared lemma {', '.join(shared)}"))
    names = (set(_words(a.name)) - STOP_WORDS, set(_words(b.name)) - STOP_WORDS)
    words = (names[0] | la, names[1] | lb)
    compound = _compound(words, (len(names[0]) == 1, len(names[1]) == 1))
    if compound:
        reasons.append(compound)
    elif not (la & lb) and (prefix := _shared_prefix(sorted(words[0]), sorted(words[1]))):
        reasons.append(prefix)
    if len(a.description.split()) >= 3 and len(b.description.split()) >= 3:
        dsim = fuzz.token_set_ratio(a.description, b.description, processor=default_process) / 100
        if dsim >= 0.7:
            reasons.append(Reason("definition", dsim, f"similar definitions ({dsim:.0%})"))
    return reasons


def segment_reason(n_shared: int, n_a: int, n_b: int, unit: str = "sentence") -> Reason | None:
    """Evidence that one coder used code A where the other used code B."""
    if n_shared == 0 or min(n_a, n_b) == 0:
        return None
    share = n_shared / min(n_a, n_b)
    confidence = min(1.0, n_shared / 3)
    plural = "" if n_shared == 1 else "s"
    text = f"the coders applied them to the same {n_shared} {unit}{plural} ({share:.0%} of the rarer one)"
    return Reason("segments", share * confidence, text)


def combined_score(reasons: Iterable[Reason]) -> float:
    """Noisy-OR of the weighted reasons: any strong reason suffices, weak ones add up."""
    miss = 1.0
    for r in reasons:
        miss *= 1.0 - WEIGHTS.get(r.kind, 0.5) * max(0.0, min(1.0, r.strength))
    return round(1.0 - miss, 4)


def candidate_pairs(codebook: Codebook) -> list[tuple[Code, Code]]:
    """Pairs worth comparing: a coder-added code against every code not its own coder's, parent or child."""
    codes = codebook.tree_order()
    pairs = []
    for i, a in enumerate(codes):
        for b in codes[i + 1 :]:
            if "coder" not in (a.origin, b.origin) or a.parent_id == b.id or b.parent_id == a.id:
                continue
            if a.origin == b.origin == "coder" and a.created_by == b.created_by:
                continue
            pairs.append((a, b))
    return pairs


def merge_direction(a: Code, b: Code, counts: Callable[[str], int]) -> tuple[Code, Code]:
    """(source, target): added codes go into concept codes, else into the more used code."""
    if a.origin != b.origin:
        return (a, b) if a.origin == "coder" else (b, a)
    if counts(a.id) != counts(b.id):
        return (a, b) if counts(a.id) < counts(b.id) else (b, a)
    return (b, a) if (len(a.name), a.id) <= (len(b.name), b.id) else (a, b)
