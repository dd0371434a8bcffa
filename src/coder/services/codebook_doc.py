"""The codebook appendix: the final tree with definitions, notes, examples, counts and merges.

Every qualitative report has one. This module gathers it from the project as
plain data (:class:`coder.formats.reports.codebook_doc.CodebookEntry`) and the
exporters write Markdown, Word or HTML. Notes are the memos written on a code
(inclusion and exclusion rules live there); example quotes come from the
``final`` layer when there is one, else from every coder, key quotes first;
"absorbed" lists what ``coder codes merge`` folded into a code, followed
through chains of merges, from the audit log.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from coder.errors import CoderError
from coder.formats.reports.codebook_doc import CodebookEntry, write_codebook
from coder.model import Coding
from coder.storage import Store

FORMATS = ("md", "docx", "html")
EXAMPLE_CHARS = 300


def _absorbed(store: Store) -> dict[str, list[str]]:
    """Names of the codes merged into each code, directly or through earlier merges."""
    into: dict[str, tuple[str, str]] = {}
    for entry in store.audit_entries("code.merge"):
        if entry.after and entry.before:
            into[entry.target] = (str(entry.after["into"]), str(entry.before.get("name") or entry.target))
    found: dict[str, list[str]] = {}
    for source, (target, name) in into.items():
        seen = {source}
        while target in into and target not in seen:  # follow a chain of merges to its end
            seen.add(target)
            target = into[target][0]
        found.setdefault(target, []).append(name)
    return {k: sorted(v, key=str.lower) for k, v in found.items()}


def codebook_entries(store: Store, examples: int = 2) -> list[CodebookEntry]:
    """One entry per code of the tree, in tree order."""
    codebook = store.codebook()
    codings = store.codings()
    counts: dict[str, Counter[str]] = {}
    for c in codings:
        counts.setdefault(c.code_id, Counter())[c.coder] += 1
    layer = [c for c in codings if c.coder == "final"] or codings
    texts = store.transcript_texts()
    notes: dict[str, list[str]] = {}
    for memo in store.memos():
        if memo.target_kind == "code" and memo.text.strip():
            notes.setdefault(memo.target_id, []).append(f"{memo.text.strip()} ({memo.coder})")
    absorbed = _absorbed(store)
    depth: dict[str | None, int] = {None: -1}
    entries = []
    for code in codebook.tree_order():
        depth[code.id] = depth.get(code.parent_id, -1) + 1
        mine = sorted(
            (c for c in layer if c.code_id == code.id),
            key=lambda c: (not c.key_quote, c.transcript_id, c.start),
        )
        quotes = [
            (c.transcript_id, _quote(texts[c.transcript_id][c.start : c.end]), c.key_quote)
            for c in _distinct(mine, examples)
        ]
        entries.append(CodebookEntry(code.id, code.name, depth[code.id], code.description, notes.get(code.id, []),
                                     quotes, dict(sorted(counts.get(code.id, Counter()).items())), absorbed.get(code.id, [])))  # fmt: skip
    return entries


def _distinct(codings: list[Coding], limit: int) -> list[Coding]:
    """The first ``limit`` codings that do not overlap each other (two coders, one passage: one example)."""
    chosen: list[Coding] = []
    for c in codings:
        clash = any(
            o.transcript_id == c.transcript_id and o.start < c.end and c.start < o.end for o in chosen
        )
        if len(chosen) < limit and not clash:
            chosen.append(c)
    return chosen


def _quote(text: str) -> str:
    """A quote on one line, shortened to EXAMPLE_CHARS at a word boundary."""
    flat = " ".join(text.split())
    return flat if len(flat) <= EXAMPLE_CHARS else flat[:EXAMPLE_CHARS].rsplit(" ", 1)[0] + " …"


def export_codebook(store: Store, fmt: str, out: Path, language: str | None = None) -> int:
    """Write the codebook appendix as Markdown, Word or HTML; returns the number of codes.

    Labels are in ``language``, else the project's report language (as quote exports).
    """
    from coder.services.exports import report_language

    if fmt not in FORMATS:
        raise CoderError(f"unsupported codebook format {fmt!r}", f"use one of {', '.join(FORMATS)}")
    entries = codebook_entries(store)
    if not entries:
        raise CoderError("the project has no codebook yet", "load one with `coder codebook load`")
    write_codebook(store.codebook().name, entries, fmt, out, report_language(store, language))
    return len(entries)
