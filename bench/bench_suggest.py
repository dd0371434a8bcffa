"""How good and how fast are "more like this" suggestions?

Quality, on the demo study and on a generated one: for each coder, the
transcripts are split in two halves (alternating by id); the coder's codings
in one half are deleted ("hidden"), suggestions per code are asked for
sentences of the hidden half only, from the codings left in the other half,
and compared with the hidden codings. Reported per study, averaged over every
(coder, code) with at least one coding in each half:

- precision@10: share of the first 10 suggested sentences that carry the code
  in the hidden codings; recall@50: share of the hidden coded sentences found
  in the first 50;
- random baseline: the expected values when sentences are drawn at random
  (precision = the share of hidden-half sentences carrying the code,
  recall@50 = 50 / number of hidden-half sentences);
- keyword baseline: the same ranking with the code's name lemmas as the only
  evidence (no codings, no description).

The generated study reuses the demo's sentences with the codes anna gave
them, shuffled into 40 new transcripts, so a sentence may recur in both
halves: its figures are an upper bound, the demo's are the honest ones.

Speed, on a generated Dutch project of about 1M words: the one-time index
build; the first suggestion in a process (it reads and weights the stored
index); the following ones (median of 5, the index kept in memory as in a TUI
session); and the whole ``coder suggest --json`` process beside
``coder --help`` timed in the same run.

Usage: python bench/bench_suggest.py [--words 1000000] [--skip-speed]
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import generate

import coder as coder_package
from coder.services.demo import create_demo
from coder.services.project import init_project, open_project
from coder.services.suggest import build_index, suggest
from coder.services.transcripts import import_transcripts
from coder.storage import Store


def overlaps(spans: list[tuple[str, int, int]], tid: str, start: int, end: int) -> bool:
    """Whether a sentence shares a character with any span."""
    return any(t == tid and s < end and start < e for t, s, e in spans)


def evaluate(root: Path, coder: str, name_terms: dict[str, list[str]]) -> list[dict[str, float]]:
    """Hide half the coder's codings in a copy of the project; score each code's suggestions."""
    store = open_project(root)
    ids = store.transcript_ids()
    hidden_ids = set(ids[1::2])
    codings = store.codings(coder=coder)
    hidden = [c for c in codings if c.transcript_id in hidden_ids]
    with store.transaction():
        for c in hidden:
            store.delete_coding(c.id)
    sentences = [
        (tid, s, e) for tid, bounds in store.segment_bounds("sentence").items() if tid in hidden_ids
        for s, e in bounds
    ]  # fmt: skip
    results = []
    for code in sorted(
        {c.code_id for c in hidden} & {c.code_id for c in codings if c.transcript_id not in hidden_ids}
    ):
        truth = [(c.transcript_id, c.start, c.end) for c in hidden if c.code_id == code]
        relevant = [x for x in sentences if overlaps(truth, *x)]
        row: dict[str, float] = {"random_p10": len(relevant) / len(sentences), "random_r50": min(1.0, 50 / len(sentences)),
                                 "ceiling_p10": min(10, len(relevant)) / 10}  # fmt: skip
        for label, who, evidence in (("model", coder, None), ("keyword", "__keyword__", name_terms[code])):
            found = suggest(store, code, who, 50, ("sentence",), hidden_ids, evidence)["suggestions"]
            good = [overlaps(truth, s["transcript"], s["start"], s["end"]) for s in found]
            row[f"{label}_p10"] = sum(good[:10]) / 10
            row[f"{label}_r50"] = sum(good) / len(relevant)
        results.append(row)
    store.close()
    return results


def quality(root: Path, label: str) -> dict[str, Any]:
    """Mean precision@10 and recall@50 for the model and both baselines, over coders and codes."""
    from coder.segmentation import lemmatize_query

    store = open_project(root)
    coders = sorted({c.coder for c in store.codings()} - {"final"})
    lang = sorted(set(store.transcript_languages().values()))
    names = {
        c.id: sorted({t for g in lang for t in lemmatize_query(c.name, g)}) for c in store.codebook().codes
    }
    store.close()
    rows: list[dict[str, float]] = []
    for coder in coders:
        with tempfile.TemporaryDirectory() as tmp:
            copy = Path(tmp) / "p"
            shutil.copytree(root, copy)
            rows += evaluate(copy, coder, names)
    mean = {k: statistics.fmean(r[k] for r in rows) for k in rows[0]} if rows else {}
    return {"study": label, "pairs": len(rows), **mean}


def generated_study(root: Path, seed: int = 7) -> None:
    """40 transcripts of demo sentences, each coded as anna coded its source sentence."""
    demo = open_project(root.parent / "demo")
    texts = demo.transcript_texts()
    own = demo.codings(coder="anna")
    pool = []
    for tid, bounds in demo.segment_bounds("sentence").items():
        if texts[tid] and demo.transcript_languages()[tid] == "nl":
            for s, e in bounds:
                codes = {c.code_id for c in own if c.transcript_id == tid and c.start < e and s < c.end}
                pool.append((" ".join(texts[tid][s:e].split()), codes))
    codebook = demo.codebook()
    demo.close()
    rng = random.Random(seed)
    folder = root.parent / "gen-src"
    folder.mkdir()
    planned: list[tuple[str, int, int, str]] = []
    for i in range(40):
        body = ""
        for _ in range(12):
            picks = [rng.choice(pool) for _ in range(rng.randint(2, 6))]
            turn = "R: " + " ".join(p[0] for p in picks)
            position = len(body) + 3
            for text, codes in picks:
                planned += [(f"g{i:02d}", position, position + len(text), code) for code in codes]
                position += len(text) + 1
            body += turn + "\n\n"
        (folder / f"g{i:02d}.txt").write_text(body, encoding="utf-8")
    store, _ = init_project(root)
    with store.transaction():
        for code in codebook.tree_order():
            store.save_code(code)
    import_transcripts(store, sorted(folder.glob("*.txt")), lang="nl")
    with store.transaction():
        store.ensure_coder("anna")
        store.add_codings({"coder": "anna", "transcript_id": t, "start": s, "end": e, "code_id": c, "memo": ""}
                          for t, s, e, c in planned)  # fmt: skip
    store.close()


def speed(tmp: Path, words: int) -> dict[str, float]:
    """Index build and suggestion time over a generated project of ``words`` words."""
    src = tmp / "big-src"
    generate(src, words)
    root = tmp / "big"
    store: Store = init_project(root)[0]
    import_transcripts(store, sorted(src.glob("*.txt")), lang="nl")
    store.save_code(dataclasses.replace(open_project(tmp / "demo").get_code("wachtlijsten"), parent_id=None))
    rng = random.Random(1)
    bounds = [(t, s, e) for t, b in store.segment_bounds("sentence").items() for s, e in b]
    with store.transaction():
        store.ensure_coder("anna")
        store.add_codings({"coder": "anna", "transcript_id": t, "start": s, "end": e, "code_id": "wachtlijsten",
                           "memo": ""} for t, s, e in rng.sample(bounds, 20))  # fmt: skip
    started = time.perf_counter()
    build_index(store)
    build = time.perf_counter() - started
    started = time.perf_counter()
    suggest(store, "wachtlijsten", "anna", 20)
    cold = time.perf_counter() - started
    runs = []
    for _ in range(5):
        started = time.perf_counter()
        suggest(store, "wachtlijsten", "anna", 20)
        runs.append(time.perf_counter() - started)
    store.close()
    cli = [timed([CODER, "suggest", "--code", "wachtlijsten", "--coder", "anna", "--json"], root) for _ in range(3)]  # fmt: skip
    ref = [timed([CODER, "--help"], root) for _ in range(3)]
    return {"words": words, "passages": len(bounds), "build_s": build, "cold_s": cold, "suggest_s": statistics.median(runs),
            "cli_s": min(cli), "help_s": min(ref)}  # fmt: skip


CODER = str(Path(sys.executable).with_name("coder"))


def timed(command: list[str], cwd: Path) -> float:
    """Wall time of one whole process."""
    started = time.perf_counter()
    # This checkout's coder, whatever the folder the process runs in.
    env = {**os.environ, "PYTHONPATH": str(Path(coder_package.__file__).resolve().parents[1])}
    subprocess.run(command, cwd=cwd, check=True, capture_output=True, env=env)
    return time.perf_counter() - started


def main() -> None:
    """Run the quality benchmark on both studies, then the speed benchmark."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--words", type=int, default=1_000_000)
    parser.add_argument("--skip-speed", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        create_demo(tmp / "demo").close()
        generated_study(tmp / "generated")
        for root, label in ((tmp / "demo", "demo"), (tmp / "generated", "generated")):
            q = quality(root, label)
            print(f"{label}: {q['pairs']} (coder, code) pairs")
            print(
                f"  best possible precision@10 (few hidden codings per code): {q.get('ceiling_p10', 0.0):.3f}"
            )
            for who in ("model", "keyword", "random"):
                p, r = q.get(f"{who}_p10", 0.0), q.get(f"{who}_r50", 0.0)
                print(f"  {who:8s} precision@10 {p:.3f}  recall@50 {r:.3f}")
            if q.get("random_p10"):
                print(f"  ratio to random (precision@10): {q['model_p10'] / q['random_p10']:.1f}x")
        if not args.skip_speed:
            s = speed(tmp, args.words)
            print(f"speed: {s['words']:,} words, {s['passages']:,} sentences; index build {s['build_s']:.2f} s; "
                  f"first suggestion (loads and weights the index) {s['cold_s'] * 1000:.0f} ms; "
                  f"next ones (in process, median of 5) {s['suggest_s'] * 1000:.0f} ms; `coder suggest --json` {s['cli_s']:.2f} s "
                  f"vs `coder --help` {s['help_s']:.2f} s (ratio {s['cli_s'] / s['help_s']:.1f})")  # fmt: skip


if __name__ == "__main__":
    main()
