"""Quick throughput check: ``segment`` against raw ``nlp.pipe`` in the same run.

Generates labelled Dutch interview text, parses it with the text importer and
times (a) spaCy alone — ``nlp.pipe`` over the same turn texts with the same
pipeline, consuming the docs — also (a') without its lemmatizer (tokenizer and
sentencizer only, the cheapest possible reference), and (b)
:func:`coder.segmentation.segment`, which adds paragraph splitting, sentence
spans and lemma strings. Prints words per second and the ratios (the target is
a ratio of at least 0.5).

Usage: python bench/bench_segmentation_quick.py [WORDS] [TRANSCRIPTS]
"""

from __future__ import annotations

import random
import sys
import time
from collections.abc import Callable, Iterable

from coder.formats.transcripts import parse_text
from coder.model import ParsedTranscript
from coder.segmentation import make_pipeline, segment

_VOCAB = [
    "ik",
    "je",
    "het",
    "de",
    "een",
    "en",
    "dat",
    "is",
    "niet",
    "van",
    "wat",
    "die",
    "maar",
    "ook",
    "wel",
    "nog",
    "er",
    "zijn",
    "heb",
    "naar",
    "met",
    "voor",
    "op",
    "te",
    "als",
    "om",
    "ze",
    "hij",
    "geen",
    "mijn",
    "dan",
    "dus",
    "want",
    "omdat",
    "heel",
    "echt",
    "gewoon",
    "wijkteam",
    "buurt",
    "bewoners",
    "gemeente",
    "cliënt",
    "zorg",
    "ondersteuning",
    "samenwerking",
    "generalist",
    "specialist",
    "keukentafel",
    "gesprek",
    "huisbezoek",
    "vertrouwen",
    "regels",
    "tijd",
    "werkdruk",
    "collega's",
    "overleg",
    "netwerk",
    "mantelzorger",
    "schulden",
    "wonen",
    "al",
    "ver",
    "kon",
]


def _sentence(rng: random.Random) -> str:
    """One sentence of 4-18 words with a capital and a closing mark."""
    words = rng.choices(_VOCAB, k=rng.randint(4, 18))
    return words[0].capitalize() + " " + " ".join(words[1:]) + rng.choice([".", ".", ".", "?", "!"])


def _transcript(rng: random.Random, words: int) -> str:
    """Alternating I/R turns, some with a continuation paragraph."""
    parts: list[str] = []
    count = 0
    speaker = "I"
    while count < words:
        sentences = [_sentence(rng) for _ in range(rng.randint(1, 6))]
        turn = f"{speaker}: " + " ".join(sentences)
        if rng.random() < 0.2:
            turn += "\n\n" + " ".join(_sentence(rng) for _ in range(rng.randint(1, 3)))
        parts.append(turn)
        count += len(turn.split())
        speaker = "R" if speaker == "I" else "I"
    return "\n\n".join(parts)


def _consume(docs: Iterable[object]) -> None:
    """Run a lazy ``nlp.pipe`` to the end."""
    for _doc in docs:
        pass


def _best(run: Callable[[], object], repeat: int = 3) -> float:
    """Fastest of ``repeat`` timed runs (the machine may be busy)."""
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        run()
        times.append(time.perf_counter() - began)
    return min(times)


def main() -> None:
    """Run the comparison and print the ratio."""
    total = int(sys.argv[1]) if len(sys.argv) > 1 else 300_000
    n_docs = int(sys.argv[2]) if len(sys.argv) > 2 else 30
    rng = random.Random(7)
    parsed: list[ParsedTranscript] = [
        parse_text(_transcript(rng, total // n_docs), f"t{i}.txt") for i in range(n_docs)
    ]
    words = sum(len(p.text.split()) for p in parsed)
    nlp = make_pipeline("nl")
    turn_texts = [p.text[t.start : t.end] for p in parsed for t in p.turns]
    list(nlp.pipe(turn_texts[:200]))  # warm up caches of both runs alike

    items = [(p.text, p.turns) for p in parsed]
    raw = _best(lambda: _consume(nlp.pipe(turn_texts, batch_size=256)))
    bare = _best(lambda: _consume(nlp.pipe(turn_texts, batch_size=256, disable=["lemmatizer"])))
    ours = _best(lambda: segment(items, "nl"))
    result = segment(items, "nl")

    sentences = sum(1 for segments in result for s in segments if s.kind == "sentence")
    print(f"words: {words:,}  turns: {len(turn_texts):,}  sentences: {sentences:,}")
    print(f"raw nlp.pipe: {words / raw:,.0f} words/s ({raw:.2f} s)")
    print(f"raw, no lemmatizer: {words / bare:,.0f} words/s ({bare:.2f} s)")
    print(f"segment():    {words / ours:,.0f} words/s ({ours:.2f} s)")
    print(f"ratio segment/raw: {raw / ours:.2f}  segment/raw-without-lemmatizer: {bare / ours:.2f}")


if __name__ == "__main__":
    main()
