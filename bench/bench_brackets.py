"""Bracketed asides over a generated corpus: no torn brackets, and the time it takes.

Generates a corpus with ``bench/corpus.py`` (sentences drawn from the demo
transcripts, "(lacht)" and "(laughs)" among them), segments it with
:func:`coder.segmentation.iter_segments`, counts sentences that start with a
closing bracket or end with an opening one (the target is 0), and times the
segmentation against spaCy's own ``nlp.pipe`` over the same turn texts in the
same run.

Usage: python bench/bench_brackets.py [WORDS] [LANG]
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from bench_segmentation_quick import _best
from corpus import generate

from coder.formats.transcripts import read_transcript
from coder.segmentation import iter_segments, make_pipeline


def main() -> None:
    """Generate, segment, check and time."""
    words = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    lang = sys.argv[2] if len(sys.argv) > 2 else "nl"
    with tempfile.TemporaryDirectory() as folder:
        parsed = [read_transcript(path) for path in generate(Path(folder), words, lang=lang)]
    items = [(p.text, p.turns) for p in parsed]
    nlp = make_pipeline(lang)
    turn_texts = [p.text[t.start : t.end] for p in parsed for t in p.turns]
    raw = _best(lambda: sum(1 for _ in nlp.pipe(turn_texts, batch_size=256)))
    ours = _best(lambda: list(iter_segments(items, lang)))
    torn = sentences = 0
    for item, segments in zip(parsed, iter_segments(items, lang), strict=True):
        for s in segments:
            if s.kind == "sentence":
                sentences += 1
                text = item.text[s.start : s.end]
                torn += text[0] in ")]}" or text[-1] in "([{"
    print(f"words: {words:,}  sentences: {sentences:,}  torn brackets: {torn}")
    print(
        f"nlp.pipe: {raw:.2f} s  iter_segments: {ours:.2f} s  ratio nlp.pipe/iter_segments: {raw / ours:.2f}"
    )


if __name__ == "__main__":
    main()
