"""Quotes per theme from a coder layer: the data behind every quote export.

Why it is shaped like this:

* One query (``Store.quote_rows``) brings every coding of the layer with its
  transcript id and offsets; the texts are read once and sliced in Python, so
  a quote is ``text[start:end]`` by construction and 50,000 quotes cost one
  pass, not 50,000 look-ups.
* ``collect_quotes`` is the shared first step of the quote report, the quote
  table, the joint display and the themes screen: the same selection (``--where``),
  the same order (key quotes first, then by transcript and offset) and the
  same speaker/turn/context for a quote wherever it is shown.
* The report is plain data (``coder.formats.reports.data``); writing a format is the
  exporters' job, so nothing here knows about Markdown or Word.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from pathlib import Path

from coder.errors import CoderError, UnknownIdError
from coder.formats.reports.data import CodeSection, Quote, QuoteContext, QuoteReport
from coder.formats.reports.labels import LANGUAGES
from coder.model import Codebook
from coder.storage import Store

Filters = dict[str, tuple[str, ...]]
Turn = tuple[int, int, str | None]
REPORT_LANGUAGE = "report_language"
"""Project setting holding the language of exported documents (nl or en)."""


@dataclass(frozen=True)
class QuoteSet:
    """A coder layer's quotes in a selection of transcripts, by code id.

    ``by_code`` holds each code's own quotes, key quotes first, then in
    transcript and text order; codes without quotes are absent.
    """

    coder: str
    codebook: Codebook
    filters: Filters
    transcripts: tuple[str, ...]
    attributes: Mapping[str, Mapping[str, str]]
    by_code: Mapping[str, tuple[Quote, ...]]

    @cached_property
    def _children(self) -> dict[str | None, list[str]]:
        """Child code ids by parent, in tree order (built once: codebooks can be large)."""
        children: dict[str | None, list[str]] = {}
        for code in self.codebook.tree_order():
            children.setdefault(code.parent_id, []).append(code.id)
        return children

    def subtree(self, code_id: str) -> list[Quote]:
        """The quotes of ``code_id`` and of every code below it, in tree order."""
        found: list[Quote] = []
        stack = [code_id]
        while stack:
            current = stack.pop()
            found.extend(self.by_code.get(current, ()))
            stack.extend(reversed(self._children.get(current, [])))
        return found


def parse_where(options: Iterable[str]) -> Filters:
    """``["gemeente=Zwolle", "gemeente=Deventer", "jaar=2017"]`` -> {key: values}.

    Values of one key are alternatives (or); different keys must all match.
    """
    found: dict[str, list[str]] = {}
    for option in options:
        key, sep, value = option.partition("=")
        if not sep or not key.strip():
            raise CoderError(f"--where {option!r} is not KEY=VALUE", "write it as --where gemeente=Zwolle")
        found.setdefault(key.strip(), []).append(value.strip())
    return {k: tuple(v) for k, v in found.items()}


def select_transcripts(attributes: Mapping[str, Mapping[str, str]], filters: Filters) -> list[str]:
    """Transcript ids whose attributes match every filter; an empty match is an error."""
    chosen = [t for t, attrs in attributes.items() if all(attrs.get(k) in v for k, v in filters.items())]
    if filters and not chosen:
        key = next(k for k in filters if not any(a.get(k) in filters[k] for a in attributes.values()))
        values = sorted({a[key] for a in attributes.values() if key in a})
        hint = f"values of {key!r}: {', '.join(values)}" if values else f"no transcript has attribute {key!r}"
        raise CoderError(f"no transcript matches --where {key}={'|'.join(filters[key])}", hint)
    return sorted(chosen)


def report_language(store: Store, language: str | None = None) -> str:
    """``language``, else the project's ``report_language``, else the transcripts' majority.

    A tie between languages goes to the one with more words, then to Dutch.
    """
    chosen = language or store.get_setting(REPORT_LANGUAGE)
    if chosen:
        if chosen not in LANGUAGES:
            raise CoderError(f"unknown report language {chosen!r}", "use nl or en")
        return chosen
    languages = Counter(lang for lang in store.transcript_languages().values() if lang in LANGUAGES)
    if not languages:
        return "nl"
    top = max(languages.values())
    tied = [lang for lang in LANGUAGES if languages[lang] == top]
    if len(tied) == 1:
        return tied[0]
    words = Counter[str]()
    for t in store.transcripts():
        words[t.language] += t.n_words
    return max(tied, key=lambda lang: (words[lang], lang == "nl"))


def check_coder(store: Store, coder: str) -> None:
    """UnknownIdError when the project has no coder layer of that name."""
    names = [c["name"] for c in store.coders()]
    if coder not in names:
        raise UnknownIdError(
            f"no coder layer {coder!r}",
            f"layers: {', '.join(names) or '(none)'}; build a final layer with `coder reconcile`",
        )


def collect_quotes(
    store: Store,
    coder: str,
    filters: Filters | None = None,
    context: bool = False,
) -> QuoteSet:
    """Every quote of ``coder`` in the transcripts that match ``filters``."""
    check_coder(store, coder)
    filters = filters or {}
    attributes = store.transcript_attributes()
    chosen = select_transcripts(attributes, filters)
    wanted = set(chosen)
    rows = [r for r in store.quote_rows(coder, with_text=False) if r[1] in wanted]
    used = sorted({r[1] for r in rows})
    texts = store.transcript_texts(used)
    turns = store.turn_spans(used)
    codebook = store.codebook()
    paths = {c.id: codebook.path(c.id) for c in codebook.codes}
    starts = {tid: [t[0] for t in spans] for tid, spans in turns.items()}
    by_code: dict[str, list[Quote]] = {}
    for _id, tid, start, end, code_id, key, memo in rows:
        text, spans = texts[tid], turns.get(tid, [])
        speaker, turn, before = _position(text, spans, starts.get(tid, []), start, context)
        quote = Quote(
            tid, start, end, text[start:end], paths[code_id], attributes[tid], speaker, turn, bool(key), memo, before
        )  # fmt: skip
        by_code.setdefault(code_id, []).append(quote)
    ordered = {c: tuple(sorted(qs, key=lambda q: not q.key_quote)) for c, qs in by_code.items()}
    return QuoteSet(coder, codebook, filters, tuple(chosen), attributes, ordered)


def _position(
    text: str, turns: Sequence[Turn], starts: Sequence[int], start: int, context: bool
) -> tuple[str | None, int | None, QuoteContext | None]:
    """Speaker and (1-based) number of the turn a quote starts in, and optionally its context."""
    index = bisect_right(starts, start) - 1
    if index < 0:
        return None, None, None
    before = _context(text, turns, index) if context else None
    return turns[index][2], index + 1, before


def _context(text: str, turns: Sequence[Turn], index: int) -> QuoteContext | None:
    """The nearest earlier turn whose speaker differs from the quote's turn."""
    speaker = turns[index][2]
    for earlier in range(index - 1, -1, -1):
        start, end, other = turns[earlier]
        if other != speaker or speaker is None:
            return QuoteContext(other, start, end, text[start:end])
    return None


def build_quote_report(
    store: Store,
    coder: str = "final",
    *,
    filters: Filters | None = None,
    max_quotes: int | None = None,
    context: bool = False,
    language: str | None = None,
    include_empty: bool = False,
) -> QuoteReport:
    """Quotes per code in tree order, with counts, for one coder layer."""
    if max_quotes is not None and max_quotes < 0:
        raise CoderError(f"--max {max_quotes} is negative", "give 0 or more quotes per code")
    found = collect_quotes(store, coder, filters, context)
    book = found.codebook
    codes = book.by_id()
    sections = []
    for code in book.tree_order():
        own = found.by_code.get(code.id, ())
        below = found.subtree(code.id)
        if not below and not include_empty:
            continue
        path = book.path(code.id)
        names = tuple(codes[c].name for c in path.split("/"))
        sections.append(
            CodeSection(
                path,
                code.id,
                code.name,
                code.description,
                names,
                len(own),
                len({q.transcript for q in own}),
                len(below),
                len({q.transcript for q in below}),
                own[:max_quotes] if max_quotes is not None else own,
                code.color,
            )
        )
    keys = sorted({k for t in found.transcripts for k in found.attributes[t]})
    return QuoteReport(
        study=store.get_setting("name") or store.root.name,
        coder=coder,
        language=report_language(store, language),
        created=date.today().isoformat(),
        filters=found.filters,
        max_quotes=max_quotes,
        n_transcripts=len(found.transcripts),
        attribute_keys=tuple(keys),
        sections=tuple(sections),
    )


def format_from(out: Path, fmt: str | None, allowed: Sequence[str]) -> str:
    """``fmt``, else the output file's extension, checked against ``allowed``."""
    chosen = (fmt or out.suffix.lstrip(".")).lower()
    chosen = {"markdown": "md", "htm": "html"}.get(chosen, chosen)
    if chosen not in allowed:
        raise CoderError(
            f"cannot tell which format to write for {out.name}" if not fmt else f"unknown format {fmt!r}",
            f"pass --format, one of {', '.join(allowed)}",
        )
    return chosen
