"""Lemma accuracy on the hand-made Dutch interview word list, both lemmatizers.

Reads ``tests/data/dutch_lemmas.tsv`` and prints the share of forms that
spaCy's lookup table (spacy-lookups-data) and simplemma lemmatize as listed,
with the forms each gets wrong.

Usage: python bench/bench_lemmas.py
"""

from __future__ import annotations

from pathlib import Path

from coder.lemmas import accuracy, simplemma_lemma
from coder.segmentation import table_lemma

LIST = Path(__file__).resolve().parents[1] / "tests" / "data" / "dutch_lemmas.tsv"


def main() -> None:
    """Print both accuracies and the misses."""
    rows = [line.split("\t") for line in LIST.read_text(encoding="utf-8").splitlines()]
    pairs = [(r[0], r[1]) for r in rows if r and not r[0].startswith("#")]
    for name, lemmatize in (
        ("spacy-lookups-data table", lambda w: table_lemma(w, "nl")),
        ("simplemma", lambda w: simplemma_lemma(w, "nl")),
    ):
        score = accuracy(pairs, lemmatize) or 0.0
        misses = [f"{f}->{lemmatize(f)}" for f, lemma in pairs if lemmatize(f) != lemma]
        print(f"{name}: {score:.1%} of {len(pairs)} forms right; wrong: {', '.join(misses[:12])} ...")


if __name__ == "__main__":
    main()
