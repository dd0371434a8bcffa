"""Benchmark: quotes per theme in every format, against one query's floor.

A synthetic project of about 1,000,000 words (``corpus.py`` transcripts) with
50,000 codings in a ``final`` layer over a 48-code tree (8 themes × 5
subthemes plus the themes themselves), 5% of them key quotes. Transcripts
are stored with their speaker turns only: exports read turns (for speaker,
turn number and context) but never sentences, so the build skips spaCy and
takes seconds instead of minutes.

Times, in the same run, best of ``--repeat``:

* floor: ``Store.quote_rows(coder, with_text=True)`` -- the same rows (id,
  transcript, offsets, code, key flag, memo, text slice) read with one SQL
  query, text sliced by SQLite's ``substr``;
* build: ``build_quote_report`` (the rows, texts sliced in Python, speaker and
  turn per quote, code paths, counts, tree order), also with ``--context``;
* write: each format's writer on the built report;
* total = build + write, as ``coder export quotes`` runs it.

Run: ``python bench/bench_export.py`` (``--words 100000 --codings 5000`` for a
quick check).
"""

from __future__ import annotations

import argparse
import hashlib
import platform
import random
import sys
import tempfile
import time
from collections.abc import Callable
from importlib import metadata
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import make_transcript, sentence_pool

from coder.formats.reports import QUOTE_FORMATS, write_quotes
from coder.formats.transcripts import parse_text
from coder.model import Code, Segment, Transcript
from coder.services.exports import build_quote_report
from coder.services.project import init_project
from coder.storage import Store
from coder.storage.store import new_guid, now

THEMES, SUBTHEMES = 8, 5


def build_project(root: Path, words: int, codings: int, seed: int) -> Store:
    """Transcripts (turns only), a two-level code tree and ``codings`` final codings."""
    rng = random.Random(seed)
    store, _ = init_project(root, name="Benchmark")
    pool = sentence_pool("nl")
    respondent_turns: list[tuple[str, int, int]] = []
    with store.transaction():
        for i in range((words + 9_999) // 10_000):
            tid = f"S{i:04d}"
            parsed = parse_text(make_transcript(rng, pool, 10_000, i), f"{tid}.txt")
            transcript = Transcript(
                tid, new_guid(), parsed.text, "nl", parsed.attributes, f"{tid}.txt",
                hashlib.sha256(parsed.text.encode()).hexdigest(), now(),
            )  # fmt: skip
            turns = [Segment("turn", n, t.start, t.end, t.speaker) for n, t in enumerate(parsed.turns)]
            store.add_transcript(transcript, turns)
            respondent_turns += [(tid, t.start, t.end) for t in parsed.turns if t.speaker == "R"]
        for t in range(THEMES):
            store.save_code(
                Code(f"thema-{t}", new_guid(), f"Thema {t}", description="Een thema.", position=t)
            )
            for s in range(SUBTHEMES):
                store.save_code(
                    Code(f"sub-{t}-{s}", new_guid(), f"Subthema {t}.{s}", f"thema-{t}", position=s)
                )
        store.ensure_coder("final", kind="consensus")
        codes = [f"thema-{t}" for t in range(THEMES)]
        codes += [f"sub-{t}-{s}" for t in range(THEMES) for s in range(SUBTHEMES)]
        rows = []
        for _ in range(codings):
            tid, start, end = rng.choice(respondent_turns)
            a = rng.randrange(start, max(start + 1, end - 40))
            rows.append(
                {
                    "coder": "final",
                    "transcript_id": tid,
                    "start": a,
                    "end": min(end, a + rng.randint(40, 400)),
                    "code_id": rng.choice(codes),
                    "key_quote": rng.random() < 0.05,
                }
            )
        store.add_codings(rows)
    return store


def best_of(fn: Callable[[], object], repeat: int) -> float:
    """The fastest of ``repeat`` wall times."""
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def main() -> None:
    """Build the corpus, time floor, build and every writer, print a Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--words", type=int, default=1_000_000)
    parser.add_argument("--codings", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=20240611)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        store = build_project(Path(tmp) / "proj", args.words, args.codings, args.seed)
        n_words = sum(t.n_words for t in store.transcripts())
        print(
            f"corpus: {n_words:,} words, {args.codings:,} codings, built in {time.perf_counter() - t0:.1f} s"
        )
        floor = best_of(lambda: store.quote_rows("final", with_text=True), args.repeat)
        rows_only = best_of(lambda: store.quote_rows("final", with_text=False), args.repeat)
        build = best_of(lambda: build_quote_report(store, "final"), args.repeat)
        build_ctx = best_of(lambda: build_quote_report(store, "final", context=True), args.repeat)
        report = build_quote_report(store, "final")
        assert report.n_shown == args.codings
        print(f"\nPython {platform.python_version()}, python-docx {metadata.version('python-docx')}, "
              f"openpyxl {metadata.version('openpyxl')}, {platform.machine()}\n")  # fmt: skip
        print("| step | seconds | × floor |\n|---|---:|---:|")
        print(f"| floor: one query, text by `substr` | {floor:.3f} | 1.0 |")
        print(f"| one query without text | {rows_only:.3f} | {rows_only / floor:.2f} |")
        print(f"| build report | {build:.3f} | {build / floor:.1f} |")
        print(f"| build report with `--context` | {build_ctx:.3f} | {build_ctx / floor:.1f} |")
        for fmt in QUOTE_FORMATS:
            out = Path(tmp) / f"quotes.{fmt}"
            write = best_of(lambda fmt=fmt, out=out: write_quotes(report, fmt, out), args.repeat)
            total = build + write
            size = out.stat().st_size / 1e6
            print(
                f"| {fmt}: write ({size:.1f} MB) / total | {write:.3f} / **{total:.3f}** | **{total / floor:.1f}** |"
            )
        store.close()


if __name__ == "__main__":
    main()
