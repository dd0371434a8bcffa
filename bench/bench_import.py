"""Import throughput against raw spaCy, and peak memory of the import.

The reference is what any spaCy user would get: the same blank pipeline
(sentencizer + lookup lemmatizer) over the same transcript texts with
``nlp.pipe``. coder's import does that plus reading, turn parsing, storing
segments and lemmas in SQLite, so the ratio says what the rest costs.
Each side runs in its own subprocess so that peak RSS is its own.

    python bench/bench_import.py --words 1000000 --runs 3
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from statistics import median

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import generate

RAW = """
import json, resource, sys, time
from pathlib import Path
import spacy
paths = sorted(Path(sys.argv[1]).glob("*.txt"))
texts = [p.read_text(encoding="utf-8").split("---", 2)[-1] for p in paths]
t0 = time.perf_counter()
nlp = spacy.blank("nl"); nlp.add_pipe("sentencizer"); nlp.add_pipe("lemmatizer", config={"mode": "lookup"}); nlp.initialize()
load = time.perf_counter() - t0
t0 = time.perf_counter()
n = 0
for doc in nlp.pipe(texts, batch_size=64):
    n += sum(1 for _ in doc.sents)
print(json.dumps({"seconds": time.perf_counter() - t0, "load": load, "sentences": n,
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

CODER = """
import json, resource, sys, time
from pathlib import Path
from coder.services.project import init_project
from coder.services.transcripts import import_transcripts
paths = sorted(Path(sys.argv[1]).glob("*.txt"))
store, _ = init_project(Path(sys.argv[2]))
t0 = time.perf_counter()
report = import_transcripts(store, paths, lang="nl")
secs = time.perf_counter() - t0
n = store.db.execute("select count(*) from segments where kind = 'sentence'").fetchone()[0]
print(json.dumps({"seconds": secs, "sentences": n, "added": len(report.added),
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def run(code: str, *args: str) -> dict[str, float]:
    """Run ``code`` in a fresh interpreter and read its JSON line."""
    out = subprocess.run([sys.executable, "-c", code, *args], check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def whole_process(corpus: Path, project: Path) -> float:
    """Seconds of `coder init` + `coder import --lang nl` of every file, as a user runs them."""
    entry = "import sys; from coder.cli import main; sys.argv[0] = 'coder'; main()"
    subprocess.run([sys.executable, "-c", entry, "init", str(project)], check=True, capture_output=True)
    files = sorted(str(p) for p in corpus.glob("*.txt"))
    t0 = time.perf_counter()
    subprocess.run(
        [sys.executable, "-c", entry, "-p", str(project), "import", "--lang", "nl", *files],
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - t0


def main() -> None:
    """Generate the corpus, time both sides ``--runs`` times (alternating), print the median ratios."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--words", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=1, help="alternating runs; medians are reported")
    args = parser.parse_args()
    raws, raw_walls, ourss, walls, clis = [], [], [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus"
        paths = generate(corpus, args.words)
        words = sum(len(p.read_text(encoding="utf-8").split()) for p in paths)
        for i in range(args.runs):
            t0 = time.perf_counter()
            raws.append(run(RAW, str(corpus)))
            raw_walls.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            ourss.append(run(CODER, str(corpus), str(Path(tmp) / f"project{i}")))
            walls.append(time.perf_counter() - t0)
            clis.append(whole_process(corpus, Path(tmp) / f"cli-project{i}"))
    raw = min(raws, key=lambda r: abs(r["seconds"] - median(r["seconds"] for r in raws)))
    ours = min(ourss, key=lambda r: abs(r["seconds"] - median(r["seconds"] for r in ourss)))
    raw_wall, wall, cli = median(raw_walls), median(walls), median(clis)
    runs = f" (median of {args.runs} runs)" if args.runs > 1 else ""
    print(f"corpus: {len(paths)} transcripts, {words:,} words{runs}")
    print(
        f"raw spaCy nlp.pipe: {raw['seconds']:.1f} s ({words / raw['seconds']:,.0f} words/s), {raw['sentences']:,} sentences, peak {raw['rss_mb']:.0f} MB"
    )
    print(
        f"coder import:       {ours['seconds']:.1f} s ({words / ours['seconds']:,.0f} words/s), {ours['sentences']:,} sentences, peak {ours['rss_mb']:.0f} MB (process wall {wall:.1f} s)"
    )
    print(f"throughput ratio coder/raw: {raw['seconds'] / ours['seconds']:.0%}")
    print(
        f"whole processes: `coder import` {cli:.1f} s vs raw spaCy script {raw_wall:.1f} s (start-up and "
        f"pipeline loading included): ratio {raw_wall / cli:.0%}; vs nlp.pipe alone {raw['seconds'] / cli:.0%}"
    )
    if args.runs > 1:
        pairs = ", ".join(f"{r['seconds']:.1f}/{c:.1f}" for r, c in zip(raws, clis, strict=True))
        print(f"each run, nlp.pipe alone / `coder import` whole process (s): {pairs}")


if __name__ == "__main__":
    main()
