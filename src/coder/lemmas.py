"""Word lemmas for search and suggestions, from simplemma where it is better.

spaCy's Dutch lookup table (``spacy-lookups-data``) leaves many everyday
interview words as they are ("weet", "mensen", "kinderen"): on the hand-made
list of 282 Dutch interview word forms in ``tests/data/dutch_lemmas.tsv`` it
gets 51% right, simplemma 97% (``bench/bench_lemmas.py``). So for the
languages in :data:`SIMPLEMMA_LANGUAGES` the lemmas that segmentation stores
and that search and suggestions match come from simplemma; other languages
keep spaCy's table. simplemma is pure Python with its own small dictionaries,
so it runs offline and needs no model download.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import lru_cache

_WORD = re.compile(r"\w+(?:[-']\w+)*")

# Languages where simplemma measured better than spaCy's lookup table.
SIMPLEMMA_LANGUAGES = frozenset({"nl"})


@lru_cache(maxsize=200_000)
def simplemma_lemma(word: str, lang: str) -> str:
    """simplemma's lower-case lemma of one lower-case ``word``."""
    import simplemma

    return str(simplemma.lemmatize(word, lang=lang)).lower()


def better_lemmatizer(lang: str) -> Callable[[str], str] | None:
    """A word -> lemma function for ``lang`` when simplemma is the better choice, else None."""
    if lang not in SIMPLEMMA_LANGUAGES:
        return None
    return lambda word: simplemma_lemma(word, lang)


def accuracy(pairs: Iterable[tuple[str, str]], lemmatize: Callable[[str], str]) -> float | None:
    """Share of ``(form, lemma)`` pairs that ``lemmatize`` gets right (None for no pairs)."""
    rows = list(pairs)
    if not rows:
        return None
    return sum(lemmatize(form) == lemma for form, lemma in rows) / len(rows)


def text_lemmas(text: str, languages: Iterable[str]) -> set[str]:
    """Each lower-case word of ``text`` and its simplemma lemma in each language, without spaCy.

    For matching a code's definition against stored lemmas cheaply: Dutch
    lemmas are stored from simplemma, so they match exactly; for English the
    word itself or simplemma's lemma usually equals spaCy's lookup lemma, and
    a form that matches nothing is simply not evidence.
    """
    import simplemma

    words = {w.lower() for w in _WORD.findall(text)}
    found = set(words)
    for lang in languages:
        found |= {str(simplemma.lemmatize(w, lang=lang)).lower() for w in words}
    return found
