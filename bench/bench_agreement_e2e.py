"""Benchmark: `coder agreement --json` as a whole process, against two references in the same run.

A synthetic project of about 1,000,000 words (``corpus.py`` transcripts,
Dutch) with two coders, ``anna`` and ``bram``, over a 300-code tree (20
themes of 14 codes, plus the themes). Each coder codes passages of 1-6
neighbouring sentences; bram keeps about 75 % of anna's passages (boundaries
shifted by up to a sentence) and adds as many of his own. Sentences are cut
with a regular expression at ``. ? !`` so the build takes seconds instead of
spaCy's minutes; the agreement code never looks at how units were made.

Timed, best of ``--repeat``, in the same run:

* **coder**: ``coder -p P agreement --coders anna,bram --json`` as a separate
  process (start-up, database read, unit overlap, roll-up, every measure for
  every code, pooled row, JSON); also with the span measures (``--spans``)
  and with ``--ci 1000`` (cluster bootstrap over transcripts);
* **in process**: the same report by ``agreement_report`` in this process
  and ``json.dumps`` (no interpreter start-up or imports);
* **read**: reading both coders' codings and the sentence bounds from SQLite
  (``Store.coding_spans`` and ``Store.segment_bounds``), in this process;
* **(a) krippendorff**: ``krippendorff.alpha`` (nominal) on the dense 2 x N
  0/1 data of each of the 300 rolled-up codes -- all 300, no scaling;
* **(b) numpy floor**: the dense closed form -- both coders' units x codes
  0/1 matrices, the four cells per code by column sums, and alpha
  ``1 - (2N - 1)(b + c) / (n1 n0)`` for all codes at once.

The dense inputs of (a) and (b) come from coder's own unit sets (not timed),
and (a), (b) and coder's alpha are checked to agree. Run:
``python bench/bench_agreement_e2e.py`` (``--words 100000`` for a quick check).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import random
import re
import subprocess
import sys
import tempfile
import time
from importlib import metadata
from pathlib import Path

import krippendorff
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_export import best_of
from corpus import make_transcript, sentence_pool

from coder.formats.transcripts import parse_text
from coder.model import Code, Segment, Transcript
from coder.services.agreement import agreement_report, collect_units, rolled_up
from coder.services.project import init_project
from coder.storage import Store
from coder.storage.store import new_guid, now

THEMES, PER_THEME = 20, 14  # 20 themes + 280 codes = 300 codes
SENTENCE = re.compile(r"[^.?!]+[.?!]*")


def sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """(start, end) of each sentence inside one turn, whitespace trimmed."""
    out = []
    for m in SENTENCE.finditer(text, start, end):
        s, e = m.start(), m.end()
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            out.append((s, e))
    return out


def build_project(root: Path, words: int, passages: int, seed: int) -> Store:
    """Transcripts with turn and sentence segments, the code tree, and two coders' codings."""
    rng = random.Random(seed)
    store, _ = init_project(root, name="Agreement benchmark")
    pool = sentence_pool("nl")
    units: list[tuple[str, int, int]] = []
    with store.transaction():
        for i in range((words + 9_999) // 10_000):
            tid = f"S{i:04d}"
            parsed = parse_text(make_transcript(rng, pool, 10_000, i), f"{tid}.txt")
            text = parsed.text
            transcript = Transcript(tid, new_guid(), text, "nl", parsed.attributes, f"{tid}.txt",
                                    hashlib.sha256(text.encode()).hexdigest(), now())  # fmt: skip
            segments = [Segment("turn", n, t.start, t.end, t.speaker) for n, t in enumerate(parsed.turns)]
            cut = [(s, e, t.speaker) for t in parsed.turns for s, e in sentences(text, t.start, t.end)]
            segments += [Segment("sentence", n, s, e, speaker) for n, (s, e, speaker) in enumerate(cut)]
            store.add_transcript(transcript, segments)
            units += [(tid, s, e) for s, e, _ in cut]
        codes = _code_tree(store)
        for coder in ("anna", "bram"):
            store.ensure_coder(coder, kind="coder")
        store.add_codings(_codings(rng, units, codes, passages))
    return store


def _code_tree(store: Store) -> list[str]:
    codes = []
    for t in range(THEMES):
        store.save_code(Code(f"thema-{t}", new_guid(), f"Thema {t}", description="Een thema.", position=t))
        codes.append(f"thema-{t}")
        for c in range(PER_THEME):
            store.save_code(Code(f"code-{t}-{c}", new_guid(), f"Code {t}.{c}", f"thema-{t}", position=c))
            codes.append(f"code-{t}-{c}")
    return codes


def _codings(rng: random.Random, units: list[tuple[str, int, int]], codes: list[str], n: int) -> list[dict]:
    """``n`` passages per coder: anna's, ~75 % of them kept by bram with shifted ends, plus bram's own."""
    rows = []

    def passage() -> tuple[int, int]:
        first = rng.randrange(len(units) - 6)
        last = first + rng.randint(0, 5)
        while units[last][0] != units[first][0]:
            last -= 1
        return first, last

    def row(coder: str, first: int, last: int, code: str) -> dict:
        return {"coder": coder, "transcript_id": units[first][0], "start": units[first][1],
                "end": units[last][2], "code_id": code}  # fmt: skip

    for _ in range(n):
        first, last = passage()
        code = rng.choice(codes)
        rows.append(row("anna", first, last, code))
        if rng.random() < 0.75:
            f2 = max(first + rng.randint(-1, 1), 0)
            l2 = max(f2, last + rng.randint(-1, 1))
            if units[f2][0] == units[first][0] and units[l2][0] == units[first][0]:
                first, last = f2, l2
            rows.append(row("bram", first, last, code))
        else:
            rows.append(row("bram", *passage(), rng.choice(codes)))
    return rows


def run_coder(root: Path, *extra: str) -> dict:
    """``coder agreement --json`` as its own process; its JSON."""
    cmd = [sys.executable, "-c", "from coder.cli import main; main()", "-p", str(root),
           "agreement", "--coders", "anna,bram", "--json", *extra]  # fmt: skip
    done = subprocess.run(cmd, capture_output=True, check=True, env=os.environ.copy())
    return json.loads(done.stdout)


def dense(store: Store) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Both coders' units x codes 0/1 matrices of the rolled-up codes (the references' input)."""
    data = collect_units(store, ("anna", "bram"))
    book = store.codebook()
    rolled = [rolled_up(d, book) for d in data.direct]
    codes = sorted(set(rolled[0]) | set(rolled[1]))
    mats = []
    for layer in rolled:
        m = np.zeros((data.n_units, len(codes)), dtype=np.int8)
        for j, code in enumerate(codes):
            m[layer.get(code, np.zeros(0, dtype=np.int64)), j] = 1
        mats.append(m)
    return mats[0], mats[1], codes


def numpy_floor(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Alpha of every code from dense matrices: the closed form, all codes at once."""
    n = a.shape[0]
    both = (a & b).sum(axis=0, dtype=np.int64)
    n_a, n_b = a.sum(axis=0, dtype=np.int64), b.sum(axis=0, dtype=np.int64)
    off = n_a + n_b - 2 * both
    n1 = n_a + n_b
    n0 = 2 * n - n1
    return 1 - (2 * n - 1) * off / (n1 * n0)


def reference(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``krippendorff.alpha`` per code on dense 2 x N data (all codes)."""
    return np.array([
        krippendorff.alpha(reliability_data=np.vstack([a[:, j], b[:, j]]).astype(float), level_of_measurement="nominal")
        for j in range(a.shape[1])
    ])  # fmt: skip


def main() -> None:
    """Build the project, time every contender, print a Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--words", type=int, default=1_000_000)
    parser.add_argument("--passages", type=int, default=60_000, help="passages per coder")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=20240611)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "proj"
        t0 = time.perf_counter()
        store = build_project(root, args.words, args.passages, args.seed)
        n_words = sum(t.n_words for t in store.transcripts())
        print(f"corpus: {n_words:,} words, {len(store.transcripts())} transcripts, "
              f"{args.passages:,} passages per coder, built in {time.perf_counter() - t0:.1f} s")  # fmt: skip
        a, b, codes = dense(store)
        print(f"{a.shape[0]:,} sentences x {len(codes)} codes; "
              f"{int(a.sum()) + int(b.sum()):,} (unit, code) decisions marked present\n")  # fmt: skip

        def read() -> None:
            store.coding_spans("anna"), store.coding_spans("bram"), store.segment_bounds("sentence")

        def in_process(spans: bool) -> None:
            json.dumps(agreement_report(store, ("anna", "bram"), spans=spans))

        times = {
            "in process: agreement_report + JSON (spans on)": best_of(lambda: in_process(True), args.repeat),
            "in process: agreement_report + JSON (no spans)": best_of(lambda: in_process(False), args.repeat),
            "coder agreement --json": best_of(lambda: run_coder(root), args.repeat),
            "coder agreement --json --spans": best_of(lambda: run_coder(root, "--spans"), args.repeat),
            "coder agreement --json --ci 1000": best_of(lambda: run_coder(root, "--ci", "1000"), 1),
            "read: codings + sentence bounds from SQLite": best_of(read, args.repeat),
            "python start-up + import coder.cli": best_of(
                lambda: subprocess.run([sys.executable, "-c", "import coder.cli"], check=True), args.repeat
            ),
            "(b) numpy dense closed form, 300 codes": best_of(lambda: numpy_floor(a, b), args.repeat),
        }
        t0 = time.perf_counter()
        ref = reference(a, b)
        times["(a) krippendorff.alpha, 300 codes (no scaling)"] = time.perf_counter() - t0
        ours = {r["code_id"]: r["krippendorff_alpha"] for r in run_coder(root)["codes"]}
        floor_values = numpy_floor(a, b)
        diff_ref = max(abs(ours[c] - ref[j]) for j, c in enumerate(codes))
        diff_floor = max(abs(ours[c] - floor_values[j]) for j, c in enumerate(codes))
        print(f"Python {platform.python_version()}, numpy {np.__version__}, "
              f"krippendorff {metadata.version('krippendorff')}, {platform.machine()}, {os.cpu_count()} cores\n")  # fmt: skip
        floor = (
            times["(b) numpy dense closed form, 300 codes"]
            + times["read: codings + sentence bounds from SQLite"]
        )
        print("| what | seconds | `coder agreement --json` ÷ this |\n|---|---:|---:|")
        whole = times["coder agreement --json"]
        for name, seconds in times.items():
            print(f"| {name} | {seconds:.3f} | {whole / seconds:.2f} |")
        print(f"| numpy floor + SQLite read | {floor:.3f} | {whole / floor:.2f} |")
        inside = times["in process: agreement_report + JSON (no spans)"]
        print(f"\nin process, no spans, ÷ (numpy floor + SQLite read): {inside / floor:.2f}")
        print(
            f"\nlargest |alpha difference|: coder vs krippendorff {diff_ref:.1e}, coder vs numpy floor {diff_floor:.1e}"
        )


if __name__ == "__main__":
    main()
