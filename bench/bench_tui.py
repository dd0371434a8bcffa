"""Benchmark: the coding screen on long transcripts and in a large project.

Three projects are built (in a child process, so spaCy's memory is not counted
in the measurements) from the seeded generator in ``bench/corpus.py``:

* ``open``: one 1,000-word and one 100,000-word transcript;
* ``tiny``: one 1,000-word transcript and a handful of codings;
* ``big``: 1,000,000 words in 400 transcripts and 50,000 codings (two coders).

Then, in this process, the real app runs headless (``App.run_test``, 120x40):

* open time: from posting ``OpenTranscript`` to the coding screen's first
  complete render, 1,000 vs 100,000 words (median of 5; target ratio <= 3);
* apply time: applying a code through the screen (``Session.apply`` + the
  in-place update) and until the repaint, tiny vs big project (median of 40;
  target ratio about 1);
* resident memory (VmRSS) with the big project open (target < 400 MB).

Run: ``python bench/bench_tui.py`` (``--quick`` for a 100,000-word "big"
project); ``--write`` puts the figures into ``docs/benchmarks-tui.md``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from importlib import metadata
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
SEED = 20240611
REPEAT_OPEN, REPEAT_APPLY = 5, 40


# -- building the projects (child process) ---------------------------------------


def build(root: Path, big_words: int, big_codings: int) -> None:
    """Create the three projects under ``root`` (runs in a child process)."""
    sys.path.insert(0, str(REPO / "bench"))
    from corpus import make_transcript, sentence_pool

    from coder.services.codebook import load_codebook_file
    from coder.services.project import init_project
    from coder.services.transcripts import import_transcripts

    rng = random.Random(SEED)
    pool = sentence_pool("nl")
    files = root / "files"
    files.mkdir(parents=True)

    def write(name: str, words: int) -> Path:
        path = files / f"{name}.txt"
        path.write_text(make_transcript(rng, pool, words, len(name)), encoding="utf-8")
        return path

    small, large = write("W1K", 1_000), write("W100K", 100_000)
    per_file = 2_500
    bulk = [write(f"B{i:04d}", per_file) for i in range(big_words // per_file)]
    for name, paths, codings in (
        ("open", [small, large], 0),
        ("tiny", [small], 20),
        ("big", bulk, big_codings),
    ):
        store, _ = init_project(root / name, name=name)
        import_transcripts(store, paths, lang="nl")
        load_codebook_file(store, REPO / "codebooks" / "concept.yaml")
        add_codings(store, codings, rng)
        store.close()


def add_codings(store: Any, n: int, rng: random.Random) -> None:
    """``n`` codings of sentence spans, half anna's and half bram's."""
    codes = [c.id for c in store.codebook().codes]
    bounds = store.segment_bounds("sentence")
    tids = sorted(bounds)
    rows = []
    for i in range(n):
        tid = rng.choice(tids)
        first = rng.randrange(len(bounds[tid]))
        last = min(len(bounds[tid]) - 1, first + rng.randint(0, 2))
        coder = "anna" if i % 2 else "bram"
        store.ensure_coder(coder)
        rows.append(
            {
                "coder": coder,
                "transcript_id": tid,
                "start": bounds[tid][first][0],
                "end": bounds[tid][last][1],
                "code_id": rng.choice(codes),
            }
        )
    with store.transaction():
        store.ensure_coder("anna")
        store.add_codings(rows)


# -- measuring (this process) ----------------------------------------------------------


def rss_mb() -> float:
    """Resident memory of this process in MB (Linux)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def open_times(root: Path, transcripts: list[str], repeat: int) -> dict[str, list[float]]:
    """Seconds from OpenTranscript to the first full render, per transcript."""
    from coder.storage import open_store
    from coder.tui.app import make_app
    from coder.tui.messages import OpenTranscript
    from coder.tui.screens.coding import CodingScreen

    store = open_store(root)
    app = make_app(store, "anna", cursor_blink=False)
    found: dict[str, list[float]] = {t: [] for t in transcripts}
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        for _ in range(repeat):
            for tid in transcripts:
                start = time.perf_counter()
                app.post_message(OpenTranscript(tid))
                while not (isinstance(app.screen, CodingScreen) and app.screen.is_mounted):
                    await asyncio.sleep(0)
                await pilot.pause()
                found[tid].append(time.perf_counter() - start)
                app.pop_screen()
                await pilot.pause()
    store.close()
    return found


async def apply_times(root: Path, repeat: int) -> dict[str, Any]:
    """Seconds to apply a code: the action (wall clock), and the CPU time until the app is idle again.

    The second is CPU time rather than wall clock because the test driver
    detects idleness by sampling, which adds a variable wait of its own.
    """
    from coder.storage import open_store
    from coder.tui.app import make_app
    from coder.tui.messages import OpenTranscript
    from coder.tui.screens.coding import CodingScreen
    from coder.tui.widgets.transcript_view import TranscriptView

    store = open_store(root)
    tid = store.transcript_ids()[0]
    app = make_app(store, "anna", cursor_blink=False)
    action, repaint = [], []
    started = time.perf_counter()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        home = time.perf_counter() - started
        app.post_message(OpenTranscript(tid))
        while not (isinstance(app.screen, CodingScreen) and app.screen.is_mounted):
            await asyncio.sleep(0)
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, CodingScreen)
        view = screen.query_one(TranscriptView)
        for i in range(repeat):
            await pilot.press("j")
            await pilot.pause()
            start, cpu = time.perf_counter(), time.process_time()
            screen._apply(["eigen-kracht", "netwerkgericht", "collectiviteit"][i % 3])
            action.append(time.perf_counter() - start)
            await pilot.pause()
            repaint.append(time.process_time() - cpu)
        assert view.selection is not None
        rss = rss_mb()
    n_codings = len(store.codings())
    store.close()
    return {"action": action, "repaint": repaint, "rss_mb": rss, "codings": n_codings, "home": home}


def ms(values: list[float]) -> float:
    """Median in milliseconds."""
    return statistics.median(values) * 1000


def markdown(figures: dict[str, Any]) -> str:
    """The benchmark page."""
    o, a = figures["open"], figures["apply"]
    return f"""# Coding screen benchmark

`bench/bench_tui.py` runs the real app headless (`App.run_test`, 120x40) on
generated projects (`bench/corpus.py`, seed {SEED}) and compares, in the same
run, a long transcript with a short one and a large project with a tiny one.

## Setup

- **Machine:** {figures["machine"]}.
- **Software:** Python {platform.python_version()}, textual {metadata.version("textual")}.
- **Projects** (built in a child process; segmented with the blank Dutch pipeline):
  - open: one 1,000-word and one 100,000-word transcript;
  - tiny: one 1,000-word transcript, 20 codings;
  - big: {figures["big_words"]:,} words in {figures["big_words"] // 2500} transcripts,
    {a["big"]["codings"]:,} codings by two coders.
- **Open time:** from posting `OpenTranscript` to the coding screen's first
  complete render (median of {figures["repeat_open"]}).
- **Apply time:** `CodingScreen._apply` (the `Session.apply` service call, one
  committed transaction, plus the in-place update of codings, coverage, tree
  counts and margin) by wall clock, and the process CPU time until the app is
  idle again, repaint included (median of {figures["repeat_apply"]}).

## Results

| what | small | large | ratio | target |
|---|---|---|---|---|
| open a transcript (1,000 vs 100,000 words) | {o["small_ms"]:.0f} ms | {o["large_ms"]:.0f} ms | **{o["ratio"]:.2f}×** | ≤ 3× |
| apply a code: action (tiny vs big project) | {a["tiny_action_ms"]:.1f} ms | {a["big_action_ms"]:.1f} ms | **{a["action_ratio"]:.2f}×** | ≈ 1× |
| apply a code: CPU time until repainted and idle | {a["tiny_repaint_ms"]:.1f} ms | {a["big_repaint_ms"]:.1f} ms | **{a["repaint_ratio"]:.2f}×** | ≈ 1× |
| start the app up to the home screen (tiny vs big project) | {a["tiny"]["home_ms"]:.0f} ms | {a["big"]["home_ms"]:.0f} ms | {a["big"]["home_ms"] / a["tiny"]["home_ms"]:.2f}× | (not a target) |
| resident memory with the project open | {a["tiny"]["rss_mb"]:.0f} MB | {a["big"]["rss_mb"]:.0f} MB | | < 400 MB |

## Why it scales

- The transcript pane is a Line API widget: wrapping is one `str.rfind` per
  screen line, and only the lines on screen are rendered.
- An action returns a `Change`; the screen updates a dict of this coder's
  codings in the open transcript, a per-sentence coverage counter and the tree
  counts in place. Nothing is reloaded, so the project's size does not enter.
- The coding screen reads one transcript and one coder's codings on it; the
  codebook counts come from one grouped query when the screen opens.
"""


def main() -> None:
    """Build, measure, print (and optionally write the doc page)."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="a 100,000-word big project")
    parser.add_argument("--write", action="store_true", help="write docs/benchmarks-tui.md")
    parser.add_argument("--build", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--measure", nargs=2, metavar=("WHAT", "DIR"), help=argparse.SUPPRESS)
    parser.add_argument("--words", type=int, default=1_000_000, help=argparse.SUPPRESS)
    parser.add_argument("--codings", type=int, default=50_000, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.build:
        build(args.build, args.words, args.codings)
        return
    if args.measure:
        what, folder = args.measure
        if what == "open":
            result: Any = asyncio.run(open_times(Path(folder), ["W1K", "W100K"], REPEAT_OPEN))
        else:
            result = asyncio.run(apply_times(Path(folder), REPEAT_APPLY))
        print(json.dumps(result))
        return
    words, codings = (100_000, 5_000) if args.quick else (1_000_000, 50_000)
    root = Path(tempfile.mkdtemp(prefix="bench-tui-"))
    try:
        started = time.perf_counter()
        cmd = [
            sys.executable,
            __file__,
            "--build",
            str(root),
            "--words",
            str(words),
            "--codings",
            str(codings),
        ]
        subprocess.run(cmd, check=True)
        print(f"built projects in {time.perf_counter() - started:.0f} s", file=sys.stderr)
        figures = measure(root, words)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    print(json.dumps(figures, indent=2))
    if args.write:
        (REPO / "docs" / "benchmarks-tui.md").write_text(markdown(figures), encoding="utf-8")


def child(what: str, folder: Path) -> Any:
    """Run one measurement in a fresh process (so memory and caches start clean)."""
    out = subprocess.run(
        [sys.executable, __file__, "--measure", what, str(folder)], check=True, capture_output=True, text=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def measure(root: Path, words: int) -> dict[str, Any]:
    """All figures, from the projects under ``root``, each in its own process."""
    opened = child("open", root / "open")
    tiny, big = child("apply", root / "tiny"), child("apply", root / "big")
    small_ms, large_ms = ms(opened["W1K"]), ms(opened["W100K"])
    return {
        "machine": f"{platform.machine()}, {platform.system()} {platform.release()}",
        "big_words": words,
        "repeat_open": REPEAT_OPEN,
        "repeat_apply": REPEAT_APPLY,
        "open": {"small_ms": small_ms, "large_ms": large_ms, "ratio": large_ms / small_ms},
        "apply": {
            "tiny": {"rss_mb": tiny["rss_mb"], "codings": tiny["codings"], "home_ms": tiny["home"] * 1000},
            "big": {"rss_mb": big["rss_mb"], "codings": big["codings"], "home_ms": big["home"] * 1000},
            "tiny_action_ms": ms(tiny["action"]),
            "big_action_ms": ms(big["action"]),
            "action_ratio": ms(big["action"]) / ms(tiny["action"]),
            "tiny_repaint_ms": ms(tiny["repaint"]),
            "big_repaint_ms": ms(big["repaint"]),
            "repaint_ratio": ms(big["repaint"]) / ms(tiny["repaint"]),
        },
    }


if __name__ == "__main__":
    main()
