"""The `coder agreement` table, fitted to the terminal.

A table wider than the terminal makes rich squeeze its widest column -- the
code label -- to nothing, so every row loses its name. Instead, the columns
that matter least are dropped one by one (span measures first, then
uncoded, AC1, ...) until the rest fits, and the label may wrap but is never
dropped. Shares are shown as percentages under plain headings ("agree",
"uncoded"), never as proportions under a "%".
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rich.table import Table
from rich.text import Text

from coder.cli.labels import shorten_paths, shortest_width

Row = dict[str, Any]
LABEL_MIN = 16  # the code column wraps down to this width before columns are dropped
LABEL_MAX = 32  # columns are dropped to give a code's own id up to this width
DROP_ORDER = ("u-α 2004", "span J", "uncoded", "AC1", "both", "κ CI", "agree", "κ")
"""Columns dropped, first to last, when the table is wider than the terminal."""


def num(value: float | None, digits: int = 2) -> str:
    """A coefficient with ``digits`` decimals, or a dash when undefined."""
    return "—" if value is None else f"{value:.{digits}f}"


def pct(value: float | None) -> str:
    """A share as a percentage, or a dash when undefined."""
    return "—" if value is None else f"{100 * value:.1f}%"


def _ci(row: Row, measure: str) -> str:
    ci = row.get("ci")
    if ci is None:
        return "—" if "ci" not in row else "no CI"
    iv = ci.get(measure)
    return "—" if not iv or iv["low"] is None else f"{iv['low']:.2f}–{iv['high']:.2f}"


def _reading(alpha: float | None, labels: dict[str, str]) -> str:
    if alpha is None:
        return ""
    return {"reliable": " ✓", "tentative": " ~", "unreliable": " ✗"}.get(
        labels.get("krippendorff_alpha", ""), ""
    )


def _note(row: Row) -> str:
    return "rare" if row.get("low_prevalence") else ""


COLUMNS: dict[str, Callable[[Row], str]] = {
    "n A": lambda r: str(r.get("n_a", "")),
    "n B": lambda r: str(r.get("n_b", "")),
    "both": lambda r: str(r.get("n_both", "")),
    "agree": lambda r: pct(r.get("percent_agreement")),
    "κ": lambda r: num(r.get("cohen_kappa")),
    "κ CI": lambda r: _ci(r, "cohen_kappa"),
    "α": lambda r: (
        num(r.get("krippendorff_alpha")) + _reading(r.get("krippendorff_alpha"), r.get("interpretation", {}))
    ),
    "α CI": lambda r: _ci(r, "krippendorff_alpha"),
    "AC1": lambda r: num(r.get("gwet_ac1")),
    "span J": lambda r: num(r.get("span_jaccard")),
    "u-α 2004": lambda r: num(r.get("u_alpha_2004")),
    "uncoded": lambda r: pct(r.get("neither_share")),
    "note": _note,
}


def summary_rows(report: dict[str, Any]) -> list[Row]:
    """The overall rows: pooled decisions, the mean of per-code values, de Vries' pooled kappa."""
    o = report["overall"]
    mean = o["mean_per_code"]
    ci = o.get("ci")
    pooled: Row = {k: v for k, v in o.items() if k not in ("mean_per_code", "de_vries_kappa", "ci_reason")}
    pooled["label"] = f"{o['label']} ({o['n_codes']} codes)"
    rows = [pooled]
    mean_row: Row = {
        "label": f"mean of {mean['n_codes']} codes (direct)",
        **{k: mean[k] for k in mean if k != "n_codes"},
    }
    de_vries: Row = {"label": "pooled κ (de Vries 2008)", "cohen_kappa": o["de_vries_kappa"]}
    if ci is not None:
        mean_row["ci"] = _renamed(
            ci, {"mean_cohen_kappa": "cohen_kappa", "mean_krippendorff_alpha": "krippendorff_alpha"}
        )
        de_vries["ci"] = _renamed(ci, {"de_vries_kappa": "cohen_kappa"})
    return [*rows, mean_row, de_vries]


def _renamed(ci: dict[str, Any], names: dict[str, str]) -> dict[str, Any]:
    return {new: ci[old] for old, new in names.items() if old in ci}


def agreement_table(report: dict[str, Any], width: int, with_ci: bool) -> Table:
    """The per-code table (summary rows first), with columns dropped until it fits ``width``."""
    a, b = report["coders"]
    names = list(COLUMNS)
    if not with_ci:
        names = [n for n in names if "CI" not in n]
    if not any("span_jaccard" in r for r in report["codes"]):
        names = [n for n in names if n not in ("span J", "u-α 2004")]
    rows = [*summary_rows(report), *({**r, "label": r["code"]} for r in report["codes"])]
    cells = {n: [COLUMNS[n](r) for r in rows] for n in names}
    codes = [r["code"] for r in report["codes"]]
    # Columns give way until each code's own id fits whole (up to LABEL_MAX), its path shortened from the left.
    label_width = min(LABEL_MIN, max((len(r["label"]) for r in rows), default=4))
    label_width = min(max(label_width, shortest_width(codes)), LABEL_MAX)
    for drop in DROP_ORDER:
        if _width(names, cells, label_width) <= width:
            break
        if drop in names:
            names.remove(drop)
    label_width = max(label_width, width - _width(names, cells, 0) - 3)
    for row, shown in zip(rows[3:], shorten_paths(codes, label_width), strict=True):
        row["label"] = shown
    title = f"Agreement {a} (A) × {b} (B) — {report['n_units']} {report['unit']}s in {len(report['transcripts'])} transcripts"
    table = Table(title=title)
    table.add_column("code", min_width=label_width, overflow="fold", ratio=1)
    for n in names:
        table.add_column(n, justify="left" if n == "note" else "right", no_wrap=True)
    for i, row in enumerate(rows):
        label = Text(row["label"], style="bold" if i < 3 else "")
        table.add_row(label, *(cells[n][i] for n in names), end_section=i == 2)
    return table


def _width(names: list[str], cells: dict[str, list[str]], label_width: int) -> int:
    """Width of the table: each column's widest cell plus padding and a rule, and the outer edge."""
    widths = [label_width, *(max(len(n), *(len(c) for c in cells[n])) for n in names)]
    return sum(w + 3 for w in widths) + 1
