"""The agreement screen's tables: alpha's reading, bars, short paths, and filling a ``DataTable``.

These are the pieces of the agreement screen that only turn report rows into
cells and lines (the code table, the lines around it, one coder's side of a
disagreement in context), kept apart from the screen's drill-down and workers
so they can be tested without running an app. The reading thresholds are
Krippendorff's (2004, p. 241): alpha of .800 or more is reliable, .667 or more
tentative. Columns are sized to their widest cell at once so a screenshot
taken right after filling shows every column whole.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from itertools import combinations
from typing import Any

from rich.text import Text
from textual.content import Content
from textual.widgets import DataTable

Row = dict[str, Any]
RELIABLE, TENTATIVE = 0.800, 0.667  # Krippendorff (2004, p. 241)
BAR_WIDTH = 10
EIGHTHS = " ▏▎▍▌▋▊▉"
TEXT_WIDTH = 72
CODE_WIDTH = 38
CODE_COLUMNS = ("code", "n A", "n B", "both", "agree", "κ", "α", "AC1", "span J", "uncoded", "α bar")
CI_COLUMN = "α 95% CI"
INTERVAL_RESAMPLES = 1000


def code_columns(with_ci: bool = False) -> tuple[str, ...]:
    """The code table's column labels; with intervals, alpha's interval follows alpha."""
    return (*CODE_COLUMNS[:7], CI_COLUMN, *CODE_COLUMNS[7:]) if with_ci else CODE_COLUMNS


def interval_progress(share: float, resamples: int) -> str:
    """The status line while the bootstrap runs."""
    return f"computing 95% intervals: {resamples} resamples of whole transcripts… {100 * share:.0f}%"


def interval_cell(row: Row) -> str:
    """Alpha's interval, or why there is none."""
    if row.get("ci") is None:
        return "no CI" if "ci" in row else "—"
    iv = row["ci"].get("krippendorff_alpha") or {}
    return "—" if iv.get("low") is None else f"{iv['low']:.2f}–{iv['high']:.2f}"


def worst_first(rows: list[Row]) -> list[Row]:
    """Codes by alpha, lowest first; codes whose alpha is undefined come last."""
    return sorted(
        rows, key=lambda r: (r["krippendorff_alpha"] is None, r["krippendorff_alpha"] or 0.0, r["code"])
    )


def reading(alpha: float | None) -> tuple[str, str]:
    """(symbol, theme colour name) of Krippendorff's reading of an alpha value."""
    if alpha is None:
        return "·", "foreground-muted"
    if alpha >= RELIABLE:
        return "✓", "success"
    return ("~", "warning") if alpha >= TENTATIVE else ("✗", "error")


def alpha_bar(alpha: float, width: int = BAR_WIDTH) -> str:
    """A bar of full and eighth blocks, ``width`` cells for alpha 1 (empty at or below 0)."""
    eighths = round(max(0.0, min(1.0, alpha)) * width * 8)
    full, part = divmod(eighths, 8)
    return ("█" * full + (EIGHTHS[part] if part else "")).ljust(width)


def trimmed(text: str, width: int = TEXT_WIDTH) -> str:
    """One line of at most ``width`` characters, with an ellipsis when cut."""
    line = " ".join(text.split())
    return line if len(line) <= width else line[: width - 1].rstrip() + "…"


def short_path(path: str, width: int = CODE_WIDTH) -> str:
    """A code path that fits ``width``: leading themes become ``…/``, the code's own name stays.

    Name paths ("Werk › Huisbezoek") are shortened the same way ("… › Huisbezoek").
    """
    sep = " › " if " › " in path else "/"
    parts = path.split(sep)
    if len(path) <= width or len(parts) == 1:
        return trimmed(path, width)
    parts.pop(0)
    while len(parts) > 1 and len("…" + sep + sep.join(parts)) > width:
        parts.pop(0)
    return trimmed("…" + sep + sep.join(parts), width)


def coder_pairs(candidates: list[str], me: str | None = None) -> list[tuple[str, str]]:
    """Every pair of coders (A before B alphabetically); pairs with ``me`` in them first."""
    pairs = list(combinations(sorted(candidates), 2))
    return sorted(pairs, key=lambda pair: me not in pair)


GIVES_WAY = ("α bar", "span J", "uncoded", "AC1", "both", "agree")
"""Code-table columns left out, in this order, when the table is wider than its screen."""


def fill_table(
    table: DataTable[Any],
    labels: Sequence[str],
    rows: list[list[Text]],
    keys: Sequence[str] = (),
    available: int | None = None,
) -> None:
    """Replace a table's columns and rows, each column as wide as its widest cell.

    Fixed widths lay the table out at once; auto widths would wait for the
    table's next idle, and a screenshot taken before it shows cut columns.
    With ``available`` (the table's width in cells), the columns in
    ``GIVES_WAY`` are left out one by one until the rest fits: the code, its
    counts, κ, α and α's interval stay on screen, and a bar is never cut at
    the edge (a cut bar makes .66 and 1.00 look alike).
    """
    keep = list(range(len(labels)))
    widths = [max([len(label), *(r[i].cell_len for r in rows)]) for i, label in enumerate(labels)]
    padding = 2 * table.cell_padding
    for label in GIVES_WAY if available else ():
        if sum(widths[i] + padding for i in keep) <= (available or 0):
            break
        keep = [i for i in keep if labels[i] != label]
    table.clear(columns=True)
    for i in keep:
        justify = (rows[0][i].justify if rows else None) or "left"
        table.add_column(Text(labels[i], justify=justify), width=widths[i])
    for n, cells in enumerate(rows):
        table.add_row(*(cells[i] for i in keep), key=keys[n] if keys else None)


def _num(value: float | None, digits: int = 2) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.1f}%"


def overall_line(report: dict[str, Any]) -> Content:
    """The line above the table: the pooled figures over all codes, with alpha's reading."""
    o = report["overall"]
    symbol, colour = reading(o["krippendorff_alpha"])
    mean = o["mean_per_code"]
    ci = o.get("ci") or {}
    parts: list[str | tuple[str, str]] = [
        (f"Overall, pooled decisions ({o['n_codes']} codes, {o['n_decisions']} decisions)  ", "bold"),
        (f"α {_num(o['krippendorff_alpha'], 3)} {symbol} ", f"bold ${colour}"),
        (f"{o['interpretation'].get('krippendorff_alpha', '')}", f"${colour}"),
        _interval(ci.get("krippendorff_alpha")),
        f" · κ {_num(o['cohen_kappa'])} · AC1 {_num(o['gwet_ac1'])}",
        f"\n{_pct(o['percent_agreement'])} agree · {_pct(o['neither_share'])} uncoded",
        f" · mean of the {mean['n_codes']} directly applied codes: α {_num(mean['krippendorff_alpha'])}",
        _interval(ci.get("mean_krippendorff_alpha")),
        f", κ {_num(mean['cohen_kappa'])} · pooled κ (de Vries 2008) {_num(o['de_vries_kappa'])}",
        _interval(ci.get("de_vries_kappa")),
    ]
    meta = report.get("bootstrap")
    if meta:
        parts.append((f" · 95% CI: {meta['resamples']} resamples of {meta['clusters']} transcripts", "dim"))
        if meta.get("warning"):
            parts.append((f"\n{meta['warning']}", "$warning"))
    return Content.assemble(*parts)


def _interval(iv: dict[str, Any] | None) -> str:
    return "" if not iv or iv.get("low") is None else f" [{iv['low']:.2f}, {iv['high']:.2f}]"


def code_cells(row: Row, colours: dict[str, str], with_ci: bool = False) -> list[Text]:
    """One row of the code table; ``colours`` are the theme's variables, for the reading's colour."""
    alpha = row["krippendorff_alpha"]
    symbol, colour = reading(alpha)
    style = colours.get(colour, "")
    if alpha is None:
        bar = Text("undefined: " + row["undefined"].get("krippendorff_alpha", ""), style="dim")
    else:
        bar = Text(alpha_bar(alpha), style=style)
    counts = [str(row[k]) for k in ("n_a", "n_b", "n_both")]
    first = [*counts, _pct(row["percent_agreement"]), _num(row["cohen_kappa"])]
    after = [_num(row["gwet_ac1"]), _num(row["span_jaccard"]), _pct(row["neither_share"])]
    shown = "—" if alpha is None else f"{alpha:.3f} {symbol}"
    interval = [Text(interval_cell(row), justify="right")] if with_ci else []
    return [
        Text(short_path(row["code"])),
        *(Text(v, justify="right") for v in first),
        Text(shown, style=f"bold {style}".strip(), justify="right"),
        *interval,
        *(Text(v, justify="right") for v in after),
        bar,
    ]


def code_detail(row: Row) -> Content:
    """The two lines under the table: the highlighted code's figures, then its rare flag or the legend."""
    alpha = row["krippendorff_alpha"]
    labels = row["interpretation"]
    figures = f"α {_num(alpha, 3)} {labels.get('krippendorff_alpha', '')}"
    if alpha is None:
        figures = f"α undefined: {row['undefined'].get('krippendorff_alpha')}"
    return Content.assemble(
        (row["code"], "bold"),
        f"  {figures} · κ {_num(row['cohen_kappa'])} {labels.get('cohen_kappa', '')}",
        f" · A {row['n_a']}, B {row['n_b']}, both {row['n_both']} units · ⏎ the disagreements\n",
        (f"rare: {row['low_prevalence']}, so agree and AC1 say little", "$warning")
        if row.get("low_prevalence")
        else ("✓ reliable ≥ .800 · ~ tentative ≥ .667 · ✗ unreliable (Krippendorff 2004)", "dim"),
    )


def side_lines(
    unit: str,
    path: str,
    codes: list[str],
    codings: list[tuple[str, int, int, str]],
    label: Callable[[str], str] = str,
) -> Content:
    """One coder's side of a disagreement in context: the codes on the unit, the codings on it.

    ``path`` is the code at issue; it and the codes below it are marked.
    ``label`` names a code (id path) as the screen shows it.
    """
    parts: list[str | tuple[str, str]] = [(f"codes on this {unit}\n", "bold")]
    for code in codes:
        hit = code == path or code.startswith(path + "/")
        parts.append((f"  {'▶' if hit else '·'} {label(code)}\n", "bold $accent" if hit else ""))
    if not codes:
        parts.append("  · (none)\n")
    parts.append(("\ncodings overlapping it\n", "bold"))
    for code, start, end, text in codings:
        parts.append((f"  {label(code)}", "bold"))
        parts.append((f"  chars {start}–{end}\n", "dim"))
        parts.append((f"    “{trimmed(text, 60)}”\n", "italic"))
    if not codings:
        parts.append(("  (none)\n", "dim"))
    return Content.assemble(*parts).rstrip()
