"""Generate a synthetic interview corpus of a given size (for benchmarks).

Sentences are drawn, seeded, from the demo transcripts, so the text has the
real mix of short answers, long turns, abbreviations and Dutch and English
function words; files look like real transcripts (front matter, I:/R: turns).
"""

from __future__ import annotations

import argparse
import random
import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
LABEL = re.compile(r"^(?:\[[\d:]+\]\s*)?[\w .]{1,30}:\s*", re.MULTILINE)


def sentence_pool(lang: str) -> list[str]:
    """Sentences from the demo transcripts of one language (R* Dutch, E* English)."""
    prefix = "R" if lang == "nl" else "E"
    pool: list[str] = []
    for path in sorted((REPO / "transcripts").glob(f"{prefix}*.txt")):
        body = path.read_text(encoding="utf-8").split("---", 2)[-1]
        for para in body.split("\n\n"):
            text = LABEL.sub("", para.strip()).replace("\n", " ")
            pool.extend(s for s in re.split(r"(?<=[.?!])\s+", text) if len(s.split()) >= 2)
    return pool


def make_transcript(rng: random.Random, pool: list[str], words: int, index: int) -> str:
    """One transcript of about ``words`` words."""
    lines = ["---", f"gemeente: G{index % 12:02d}", f"jaar: {2016 + index % 3}", "---", ""]
    count = 0
    while count < words:
        question = rng.choice(pool)
        answer = " ".join(rng.choice(pool) for _ in range(rng.randint(1, 8)))
        lines += [f"I: {question}", "", f"R: {answer}", ""]
        count += len(question.split()) + len(answer.split())
    return "\n".join(lines)


def generate(
    out: Path, total_words: int, per_file: int = 2500, lang: str = "nl", seed: int = 42
) -> list[Path]:
    """Write transcripts totalling about ``total_words`` words into ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    pool = sentence_pool(lang)
    paths = []
    for i in range((total_words + per_file - 1) // per_file):
        path = out / f"S{i:05d}.txt"
        path.write_text(make_transcript(rng, pool, per_file, i), encoding="utf-8")
        paths.append(path)
    return paths


def main() -> None:
    """Command line: python bench/corpus.py OUT --words 1000000."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out", type=Path)
    parser.add_argument("--words", type=int, default=1_000_000)
    parser.add_argument("--per-file", type=int, default=2500)
    parser.add_argument("--lang", choices=["nl", "en"], default="nl")
    args = parser.parse_args()
    paths = generate(args.out, args.words, args.per_file, args.lang)
    print(f"wrote {len(paths)} transcripts to {args.out}")


if __name__ == "__main__":
    main()
