"""Time to first paint of the coding UI, as a whole process, against importing textual.

``coder -p PROJECT tui --coder anna`` runs in a pseudo-terminal (100x30); the
clock stops when the home screen has drawn the first transcript id. The
reference is ``python -c "import textual.app"`` in the same run (median of
``--runs``). Projects: the demo, and 200 generated transcripts x 5,000 words
(1M words) built as in ``bench_codings.py``.

    python bench/bench_tui_start.py [--runs 5]

Target (issue 12): <= 3x the reference.
"""

from __future__ import annotations

import argparse
import json
import os
import pty
import select
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from fcntl import ioctl
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_codings import ENTRY, build


def first_paint(project: Path, marker: bytes, timeout: float = 120.0) -> float:
    """Seconds from spawning the TUI until ``marker`` appears on its terminal."""
    pid, fd = pty.fork()
    if pid == 0:  # child: the real command on a 100x30 terminal
        os.environ["TERM"] = "xterm-256color"
        os.execv(sys.executable, [sys.executable, "-c", ENTRY, "-p", str(project), "tui", "--coder", "anna"])
    ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
    t0 = time.perf_counter()
    seen = b""
    try:
        while time.perf_counter() - t0 < timeout:
            ready, _, _ = select.select([fd], [], [], 0.5)
            if ready:
                try:
                    seen += os.read(fd, 65536)
                except OSError:
                    break
                if marker in seen:
                    return time.perf_counter() - t0
        raise SystemExit(f"no {marker!r} on screen after {timeout} s:\n{seen[-2000:]!r}")
    finally:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        os.close(fd)


def first_transcript(project: Path) -> bytes:
    """The id the home screen lists first."""
    out = subprocess.run(
        [sys.executable, "-c", ENTRY, "-p", str(project), "transcripts", "--json"],
        check=True,
        capture_output=True,
    )
    return str(json.loads(out.stdout)[0]["id"]).encode()


def reference() -> float:
    """Seconds of ``python -c "import textual.app"``."""
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import textual.app"], check=True)
    return time.perf_counter() - t0


def main() -> None:
    """Build the projects, time reference and first paints, print the ratios."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        demo = Path(tmp) / "demo"
        subprocess.run(
            [sys.executable, "-c", ENTRY, "demo", str(demo), "--no-open"], check=True, capture_output=True
        )
        big = build(Path(tmp) / "big", 200, 5_000)
        first_id = {project: first_transcript(project) for project in (demo, big)}
        reference()
        ref = statistics.median(reference() for _ in range(args.runs))
        print(f'reference `python -c "import textual.app"`: {ref * 1000:.0f} ms')
        for name, project in (("demo", demo), ("1M words", big)):
            secs = statistics.median(first_paint(project, first_id[project]) for _ in range(args.runs))
            print(f"first paint, {name}: {secs * 1000:.0f} ms = {secs / ref:.1f}x the reference")


if __name__ == "__main__":
    main()
