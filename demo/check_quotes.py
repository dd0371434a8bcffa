"""Check the demo codings in ``demo/codings-quotes.csv`` against the transcripts.

The demo codings are written as quotes rather than character offsets, because
offsets into a transcript go stale with every edit of its wording while a
quote stays readable. That only works if every quote can be found again
without ambiguity, so this script checks, for each row:

- the transcript ``transcripts/<id>.txt`` exists;
- the quote occurs exactly once in the transcript body (the text after the
  front-matter block), character for character;
- the code is an id from ``codebooks/concept.yaml`` or ``demo/added-codes.yaml``.

It prints one line per problem and a per-coder summary, and exits with status
1 when any row fails.

Usage::

    python demo/check_quotes.py
"""

from __future__ import annotations

import csv
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
CODINGS = ROOT / "demo" / "codings-quotes.csv"
ADDED = ROOT / "demo" / "added-codes.yaml"
CODEBOOK = ROOT / "codebooks" / "concept.yaml"
TRANSCRIPTS = ROOT / "transcripts"


def transcript_body(text: str) -> str:
    """Return ``text`` without its leading ``---`` front-matter block, if any."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        return text
    for number, line in enumerate(lines[1:], start=1):
        if line.strip() == "---":
            return "\n".join(lines[number + 1 :]).lstrip("\n")
    raise ValueError("front matter opened with '---' but never closed")


def walk_codes(codes: list[dict[str, Any]]) -> Iterator[str]:
    """Yield every code id in a codebook tree, parents before children."""
    for code in codes:
        yield str(code["id"])
        yield from walk_codes(code.get("children") or [])


def known_codes() -> set[str]:
    """Return the ids of the concept codebook plus the coder-added codes."""
    codebook = yaml.safe_load(CODEBOOK.read_text(encoding="utf-8"))
    added = yaml.safe_load(ADDED.read_text(encoding="utf-8"))
    return set(walk_codes(codebook["codes"])) | {str(c["id"]) for c in added["codes"]}


def row_problems(row: dict[str, str], bodies: dict[str, str], codes: set[str]) -> list[str]:
    """Return what is wrong with one coding row (empty when it is fine)."""
    body = bodies.get(row["transcript"])
    if body is None:
        return [f"transcript {row['transcript']!r} not found in {TRANSCRIPTS}"]
    problems = []
    count = body.count(row["quote"])
    if count != 1:
        problems.append(f"quote occurs {count} times in {row['transcript']}: {row['quote']!r}")
    if row["quote"] != row["quote"].strip():
        problems.append(f"quote has leading or trailing whitespace: {row['quote']!r}")
    if row["code"] not in codes:
        problems.append(f"unknown code {row['code']!r}")
    return problems


def main() -> int:
    """Check every row, print problems and a summary, return the exit status."""
    bodies = {
        path.stem: transcript_body(path.read_text(encoding="utf-8"))
        for path in sorted(TRANSCRIPTS.glob("*.txt"))
    }
    codes = known_codes()
    per_coder: Counter[str] = Counter()
    failures = 0
    with CODINGS.open(encoding="utf-8", newline="") as handle:
        # Row 1 is the header, so data rows start at line 2.
        for line, row in enumerate(csv.DictReader(handle), start=2):
            per_coder[row["coder"]] += 1
            for problem in row_problems(row, bodies, codes):
                failures += 1
                print(f"{CODINGS.name}:{line}: {problem}")
    summary = ", ".join(f"{coder} {n}" for coder, n in sorted(per_coder.items()))
    print(f"{sum(per_coder.values())} codings ({summary}); {failures} problem(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
