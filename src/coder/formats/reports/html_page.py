"""HTML: one self-contained file (no scripts, fonts or links to fetch).

The quotes page has a table of contents and a section per code; the joint
display is one table, a row per theme, with exemplar quotes beside inline SVG
bar charts of the linked survey items. The file can be mailed, opened
offline, printed, or pasted into a word processor. Quote text is escaped for
HTML and nothing else; every attribute value (code ids in ``id`` and ``href``
included) is escaped too, and colours must be hex; ``white-space: pre-wrap`` keeps its line breaks, so
the text a browser shows is the stored slice.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from html import escape
from pathlib import Path

from coder.formats.outfile import write_text
from coder.formats.reports.data import CodeSection, JointDisplay, JointTheme, LinkedItem, Quote, QuoteReport
from coder.formats.reports.labels import word
from coder.formats.reports.phrasing import (
    attribution,
    change_text,
    context_text,
    direction_text,
    kind_text,
    numbering,
    section_counts,
    selection_text,
    theme_counts,
)
from coder.formats.reports.svg import bar_chart

Progress = Callable[[int], None] | None
HEX_COLOR = re.compile(r"#(?:[0-9a-fA-F]{3}){1,2}")

CSS = """
:root { --ink: #1f2328; --muted: #59636e; --line: #d1d9e0; --accent: #4C72B0; --key: #fff8c5; }
* { box-sizing: border-box; }
body { font: 16px/1.55 Georgia, "Times New Roman", serif; color: var(--ink); margin: 0 auto;
  padding: 2rem 1.5rem 4rem; max-width: 52rem; }
body.wide { max-width: 80rem; }
h1, h2, h3, h4, h5, h6, nav, .meta, .counts, figcaption, table, .note {
  font-family: "Segoe UI", Helvetica, Arial, sans-serif; }
h1 { font-size: 1.7rem; margin-bottom: .3rem; }
h2 { font-size: 1.35rem; margin-top: 2.4rem; border-bottom: 1px solid var(--line); padding-bottom: .2rem; }
h3 { font-size: 1.15rem; margin-top: 1.8rem; } h4, h5, h6 { font-size: 1rem; }
.num { color: var(--muted); margin-right: .4rem; }
.meta { color: var(--muted); font-size: .9rem; margin: 0 0 1.5rem; }
.meta dt { display: inline; font-weight: 600; } .meta dd { display: inline; margin: 0 1.2rem 0 .3rem; }
nav.toc { background: #f6f8fa; border: 1px solid var(--line); border-radius: 6px; padding: .6rem 1.2rem; }
nav.toc h2 { border: 0; margin: .3rem 0; font-size: 1.05rem; }
nav.toc ol { list-style: none; padding-left: 1.1rem; margin: .1rem 0; } nav.toc > ol { padding-left: 0; }
nav.toc a { color: var(--ink); text-decoration: none; } nav.toc a:hover { text-decoration: underline; }
nav.toc .n { color: var(--muted); font-size: .85em; }
.definition { font-style: italic; } .counts { color: var(--muted); font-size: .9rem; font-weight: normal; }
figure.quote { margin: 1rem 0 1.2rem; }
figure.quote blockquote { margin: 0; padding: .4rem .9rem; border-left: 4px solid var(--accent); }
figure.quote.key blockquote { background: var(--key); }
.quote-text { white-space: pre-wrap; margin: 0; }
.context { color: var(--muted); font-style: italic; font-size: .9rem; margin: 0 0 .3rem 1rem; white-space: pre-wrap; }
figcaption { color: var(--muted); font-size: .85rem; margin: .3rem 0 0 1rem; }
.badge { background: #bf8700; color: #fff; border-radius: 3px; padding: 0 .35rem; font-size: .75rem; }
table.joint { border-collapse: collapse; width: 100%; font-size: .92rem; }
table.joint th, table.joint td { border-top: 1px solid var(--line); padding: .7rem .6rem; vertical-align: top; text-align: left; }
table.joint thead th { border-top: 0; border-bottom: 2px solid var(--ink); }
table.joint th.theme { width: 18%; } table.joint td.exemplars { width: 47%; }
table.joint th.depth-1 { padding-left: 1.4rem; } table.joint th.depth-2 { padding-left: 2.2rem; }
table.joint .quote-text { font-family: Georgia, serif; }
.item { margin-bottom: .9rem; } .item-head { font-weight: 600; } .item-label { color: var(--muted); }
.item-kind { color: var(--muted); font-size: .8rem; }
.change { font-weight: 600; } .direction { color: var(--muted); font-size: .85rem; }
svg.bars { display: block; margin: .3rem 0; overflow: visible; }
svg.bars text { font: 10px Helvetica, Arial, sans-serif; text-anchor: middle; fill: var(--ink); }
svg.bars text.group { fill: var(--muted); } svg.bars line.axis { stroke: var(--muted); stroke-width: 1; }
.none { color: var(--muted); font-style: italic; }
.note { color: var(--muted); font-size: .85rem; margin-top: 2rem; }
@media print { nav.toc { display: none; } h2 { break-after: avoid; } figure.quote { break-inside: avoid; } }
"""


def _page(language: str, title: str, body: Iterable[str], wide: bool = False) -> str:
    head = (
        f'<!DOCTYPE html>\n<html lang="{escape(language)}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(title)}</title>\n<style>{CSS}</style>\n</head>\n"
    )
    opening = '<body class="wide">' if wide else "<body>"
    return head + opening + "\n" + "\n".join(body) + "\n</body>\n</html>\n"


def _meta(language: str, coder: str, created: str, selection: str) -> str:
    pairs = (("coder", coder), ("selection", selection), ("created", created))
    items = "".join(f"<dt>{escape(word(language, k))}:</dt><dd>{escape(v)}</dd>" for k, v in pairs)
    return f'<dl class="meta">{items}</dl>'


def quote_html(language: str, quote: Quote) -> str:
    """A quote as a figure: context, block quote (exact text), attribution."""
    context = context_text(language, quote)
    key = f' <span class="badge">{escape(word(language, "key_quote"))}</span>' if quote.key_quote else ""
    return (
        f'<figure class="quote{" key" if quote.key_quote else ""}">'
        + (f'<p class="context">{escape(context)}</p>' if context is not None else "")
        + f'<blockquote data-transcript="{escape(quote.transcript)}" data-start="{quote.start}" '
        f'data-end="{quote.end}" data-code="{escape(quote.code)}">'
        f'<p class="quote-text">{escape(quote.text)}</p></blockquote>'
        f"<figcaption>— {escape(attribution(language, quote))}{key}</figcaption></figure>"
    )


def _anchor(code: str) -> str:
    """A section id from a code id, escaped: a code id is user data and may hold quotes."""
    return escape("c-" + code.replace("/", "--"))


def _color(color: str | None, default: str | None = None) -> str | None:
    """A ``#rgb``/``#rrggbb`` colour or ``default``: anything else could smuggle CSS into a style."""
    return color if color and HEX_COLOR.fullmatch(color) else default


def _toc(language: str, entries: list[tuple[int, str, str, str]]) -> str:
    """Nested lists from (depth, anchor, number + name, count) in tree order."""
    out = [f'<nav class="toc"><h2>{escape(word(language, "contents"))}</h2><ol>']
    depth = 0
    for i, (d, anchor, label, n) in enumerate(entries):
        if i and d > depth:
            out.append("<ol>" * (d - depth))
        elif i:
            out.append("</li>" + "</ol></li>" * (depth - d))
        out.append(f'<li><a href="#{anchor}">{escape(label)}</a> <span class="n">{escape(n)}</span>')
        depth = d
    out.append("</li>" + "</ol></li>" * depth + "</ol></nav>")
    return "".join(out)


def _section(language: str, number: str, section: CodeSection) -> Iterable[str]:
    level = min(section.depth + 2, 6)
    color = _color(section.color)
    style = f' style="--accent: {color}"' if color else ""
    yield f'<section id="{_anchor(section.code)}" class="code depth-{section.depth}"{style}>'
    yield f'<h{level}><span class="num">{number}</span>{escape(section.name)}</h{level}>'
    if section.description:
        label = escape(word(language, "definition"))
        yield f'<p class="definition"><strong>{label}:</strong> {escape(section.description)}</p>'
    yield f'<p class="counts">{escape(section_counts(language, section))}</p>'
    yield from (quote_html(language, q) for q in section.quotes)
    yield "</section>"


def write_quotes_html(report: QuoteReport, out: Path, progress: Progress = None) -> None:
    """The quotes page: title, meta, table of contents, sections per code."""
    lang = report.language
    title = f"{word(lang, 'quotes_title')} — {report.study}"
    numbers = numbering([s.depth for s in report.sections])
    body = [f"<header><h1>{escape(title)}</h1>"]
    body.append(
        _meta(lang, report.coder, report.created, selection_text(lang, report.filters, report.n_transcripts))
        + "</header>"
    )
    entries = [
        (s.depth, _anchor(s.code), f"{n} {s.name}", str(s.n_quotes_subtree))
        for n, s in zip(numbers, report.sections, strict=True)
    ]
    body.append(_toc(lang, entries) + "\n<main>")
    for number, section in zip(numbers, report.sections, strict=True):
        body.append("\n".join(_section(lang, number, section)))
        if progress:
            progress(len(section.quotes))
    body.append("</main>")
    write_text(out, _page(lang, title, body))


def _item_html(language: str, item: LinkedItem, color: str) -> str:
    figures = list(item.figures.items())
    chart = bar_chart(figures, language, f"{item.survey}:{item.item}", item.scale_max, color)
    label = f' <span class="item-label">{escape(item.label)}</span>' if item.label != item.item else ""
    if item.via:
        label += f' <span class="item-kind">({escape(word(language, "via"))} {escape(item.via)})</span>'
    direction = direction_text(language, item)
    return (
        f'<div class="item" data-survey="{escape(item.survey)}" data-item="{escape(item.item)}">'
        f'<div class="item-head">{escape(item.survey)} · {escape(item.item)}{label}</div>'
        f'<div class="item-kind">{escape(kind_text(language, item))}</div>{chart}'
        f'<div><span class="change">{escape(word(language, "change"))}: {escape(change_text(language, item))}</span>'
        + (f' <span class="direction">{escape(direction)}</span>' if direction else "")
        + "</div></div>"
    )


def _theme_row(language: str, number: str, theme: JointTheme) -> str:
    color = _color(theme.color, "#4C72B0") or "#4C72B0"
    exemplars = "".join(quote_html(language, q) for q in theme.exemplars)
    items = "".join(_item_html(language, i, color) for i in theme.items)
    none_items = f'<p class="none">{escape(word(language, "no_items"))}</p>'
    return (
        f'<tr id="{_anchor(theme.code)}" style="--accent: {escape(color)}">'
        f'<th scope="row" class="theme depth-{theme.depth}"><span class="num">{number}</span>'
        f'{escape(theme.name)}<div class="counts">{escape(theme_counts(language, theme))}</div></th>'
        f'<td class="exemplars">{exemplars or escape(word(language, "no_quotes"))}</td>'
        f'<td class="items">{items or none_items}</td></tr>'
    )


def write_joint_html(display: JointDisplay, out: Path, progress: Progress = None) -> None:
    """The joint display as one table: theme | exemplar quotes | survey figures with bars."""
    lang = display.language
    title = f"{word(lang, 'joint_title')} — {display.study}"
    selection = selection_text(lang, display.filters, display.n_transcripts)
    body = [
        f"<header><h1>{escape(title)}</h1>{_meta(lang, display.coder, display.created, selection)}</header>"
    ]
    heads = (word(lang, "theme"), word(lang, "exemplars"), word(lang, "linked_items"))
    body.append('<table class="joint"><thead><tr>' + "".join(f"<th>{escape(h)}</th>" for h in heads))
    body.append("</tr></thead><tbody>")
    numbers = numbering([t.depth for t in display.themes])
    for number, theme in zip(numbers, display.themes, strict=True):
        body.append(_theme_row(lang, number, theme))
        if progress:
            progress(1)
    body.append("</tbody></table>")
    notes = []
    if any(i.first_last is not None for t in display.themes for i in t.items):
        notes.append(word(lang, "significance"))
    if any(i.kind == "aggregate" for t in display.themes for i in t.items):
        notes.append(word(lang, "aggregate_note"))
    body += [f'<p class="note">{escape(n)}</p>' for n in notes]
    write_text(out, _page(lang, title, body, wide=True))
