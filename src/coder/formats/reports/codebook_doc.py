"""The codebook appendix as Markdown, Word (real heading and list styles) or HTML.

Plain data in, one file out, written to a temporary name and renamed. HTML
escapes every piece of user text, attributes included; Word uses the built-in
``Heading n``, ``List Bullet`` and ``Quote`` styles so the appendix joins the
report's own outline and table of contents.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from html import escape
from pathlib import Path

from coder.formats.outfile import atomic_output
from coder.formats.reports.labels import word


@dataclass(frozen=True)
class CodebookEntry:
    """One code of the appendix, at ``depth`` 0 for a theme."""

    id: str
    name: str
    depth: int
    definition: str
    notes: list[str] = field(default_factory=list)
    examples: list[tuple[str, str, bool]] = field(default_factory=list)  # transcript, quote, key quote
    counts: dict[str, int] = field(default_factory=dict)
    absorbed: list[str] = field(default_factory=list)


def _counts(entry: CodebookEntry, lang: str) -> str:
    """'anna 4 · bram 3 · final 4', or 'not coded'."""
    return " · ".join(f"{coder} {n}" for coder, n in entry.counts.items()) or word(lang, "not_coded")


def _lines(entry: CodebookEntry, lang: str) -> list[tuple[str, str]]:
    """The labelled facts of an entry, in order, empty ones left out, in the report's language."""
    rows = [
        (word(lang, "definition"), entry.definition or "—"),
        (word(lang, "codebook_codings"), _counts(entry, lang)),
    ]
    rows += [(word(lang, "codebook_note"), note) for note in entry.notes]
    if entry.absorbed:
        rows.append((word(lang, "codebook_absorbed"), ", ".join(entry.absorbed)))
    return rows


def _markdown(title: str, entries: list[CodebookEntry], out: Path, lang: str) -> None:
    parts = [f"# {title}", ""]
    for e in entries:
        parts += [f"{'#' * min(6, e.depth + 2)} {e.name} (`{e.id}`)", ""]
        parts += [f"- **{label}:** {text}" for label, text in _lines(e, lang)]
        for tid, quote, key in e.examples:
            parts += ["", f"> {quote} — {tid}{' ★' if key else ''}"]
        parts.append("")
    out.write_text("\n".join(parts), encoding="utf-8")


def _html(title: str, entries: list[CodebookEntry], out: Path, lang: str) -> None:
    body = [f"<h1>{escape(title)}</h1>"]
    for e in entries:
        level = min(6, e.depth + 2)
        body.append(f'<h{level} id="{escape("code-" + e.id, quote=True)}">{escape(e.name)} '
                    f"<code>{escape(e.id)}</code></h{level}>")  # fmt: skip
        body.append(
            "<ul>"
            + "".join(f"<li><b>{escape(k)}:</b> {escape(v)}</li>" for k, v in _lines(e, lang))
            + "</ul>"
        )
        for tid, quote, key in e.examples:
            body.append(
                f"<blockquote>{escape(quote)} <cite>{escape(tid)}{' ★' if key else ''}</cite></blockquote>"
            )
    page = (f'<!DOCTYPE html>\n<html lang="{escape(lang, quote=True)}"><head><meta charset="utf-8">'
            f"<title>{escape(title)}</title></head><body>\n" + "\n".join(body) + "\n</body></html>\n")  # fmt: skip
    out.write_text(page, encoding="utf-8")


def _docx(title: str, entries: list[CodebookEntry], out: Path, lang: str) -> None:
    from docx import Document

    document = Document()
    document.add_heading(title, level=0)
    for e in entries:
        document.add_heading(f"{e.name} ({e.id})", level=min(9, e.depth + 1))
        for label, text in _lines(e, lang):
            item = document.add_paragraph(style="List Bullet")
            item.add_run(f"{label}: ").bold = True
            item.add_run(text)
        for tid, quote, key in e.examples:
            document.add_paragraph(f"{quote} — {tid}{' ★' if key else ''}", style="Quote")
    document.save(str(out))


WRITERS: dict[str, Callable[[str, list[CodebookEntry], Path, str], None]] = {
    "md": _markdown,
    "html": _html,
    "docx": _docx,
}


def write_codebook(title: str, entries: list[CodebookEntry], fmt: str, out: Path, lang: str = "en") -> None:
    """Write the appendix in ``fmt`` and language ``lang`` (nl or en) to ``out`` via a temporary file."""
    with atomic_output(out) as temp:
        WRITERS[fmt](title, entries, temp, lang)
