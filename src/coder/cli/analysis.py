"""Agreement commands: the figures a methods section reports."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import click
from rich.table import Table
from rich.text import Text

from coder.agreement import MEASURES
from coder.cli import cli, out_console, print_json, project
from coder.errors import CoderError
from coder.outfile import atomic_output
from coder.services.agreement import (
    agreement_report,
    breakdown,
    disagreements,
    multi_coder_report,
    parse_coder_list,
    parse_coders,
)
from coder.storage import Store

CSV_FIELDS = (
    "code",
    "n_units",
    "n_a",
    "n_b",
    "n_both",
    "n_neither",
    *MEASURES,
    "span_jaccard",
    "unitized_alpha",
)


def _fmt(value: Any, digits: int = 2) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def _table(report: dict[str, Any], with_ci: bool) -> Table:
    a, b = report["coders"]
    title = f"Agreement {a} × {b} — {report['n_units']} {report['unit']}s in {len(report['transcripts'])} transcripts"
    table = Table(title=title)
    columns = ["code", f"n {a}", f"n {b}", "both", "% agree", "κ", "α", "AC1", "span J", "uncoded"]
    if with_ci:
        columns[6:6] = ["κ 95% CI", "α 95% CI"]
    for col in columns:
        table.add_column(col, justify="left" if col == "code" else "right", no_wrap=col != "code")
    overall = {"code": Text("overall", style="bold"), **report["overall"]}
    for row in [overall, *report["codes"]]:
        cells = [
            row["code"],
            str(row["n_a"]),
            str(row["n_b"]),
            str(row["n_both"]),
            _fmt(row["percent_agreement"]),
            _fmt(row["cohen_kappa"]),
            f"{_fmt(row['krippendorff_alpha'])} {_reading(row)}",
            _fmt(row["gwet_ac1"]),
            _fmt(row.get("span_jaccard")),
            _fmt(row["neither_share"]),
        ]
        if with_ci:
            cells[6:6] = [_ci(row, "cohen_kappa"), _ci(row, "krippendorff_alpha")]
        table.add_row(*cells)
    return table


def _reading(row: dict[str, Any]) -> str:
    label = row["interpretation"]["krippendorff_alpha"]
    return {"reliable": "✓", "tentative": "~", "unreliable": "✗"}.get(label, "")


def _ci(row: dict[str, Any], measure: str) -> str:
    ci = row.get("ci", {}).get(measure)
    return "—" if not ci or ci["low"] is None else f"{ci['low']:.2f}–{ci['high']:.2f}"


def _write_csv(report: dict[str, Any], path: Path) -> None:
    with atomic_output(path) as tmp, tmp.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=CSV_FIELDS, extrasaction="ignore")
        writer.writeheader()
        writer.writerow({"code": "(overall)", **report["overall"]})
        writer.writerows(report["codes"])


@cli.command()
@click.option(
    "--coders",
    required=True,
    help="Two coder layers, e.g. anna,bram (anna@1,anna@2 for a re-test); three or more: Fleiss' kappa and alpha.",
)
@click.option("--unit", type=click.Choice(["sentence", "turn"]), default="sentence", show_default=True)
@click.option(
    "--level",
    type=click.Choice(["code", "theme"]),
    default="code",
    show_default=True,
    help="theme: roll every code up to its theme.",
)
@click.option(
    "--ci",
    "n_resamples",
    type=click.IntRange(0, 100_000),
    default=0,
    help="Bootstrap resamples for 95% intervals of kappa and alpha (e.g. 1000).",
)
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the bootstrap.")
@click.option(
    "--by", help="Break the overall figures down per 'transcript' or per attribute (e.g. gemeente)."
)
@click.option(
    "--lang",
    type=click.Choice(["en", "nl"]),
    default="en",
    show_default=True,
    help="Language of the readings.",
)
@click.option(
    "--csv",
    "csv_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write the per-code table as CSV.",
)
@click.option(
    "--aligned", is_flag=True, help="Before and after the lead's code merges, and rolled up to themes."
)
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.pass_context
def agreement(
    ctx: click.Context,
    coders: str,
    unit: str,
    level: str,
    n_resamples: int,
    seed: int,
    by: str | None,
    lang: str,
    csv_path: Path | None,
    aligned: bool,
    as_json: bool,
) -> None:
    """Inter-coder agreement per code and overall (percent, kappa, alpha, AC1 ...).

    Units are the sentences (or turns) of the transcripts both coders coded;
    parents roll up their children.

    Example: coder agreement --coders anna,bram --ci 1000
    """
    store = project(ctx).store
    names = parse_coder_list(coders)
    if len(names) > 2:
        _multi(store, names, unit, as_json, bool(aligned or n_resamples or by))
        return
    pair = parse_coders(coders)
    if aligned:
        _aligned(store, pair, unit, as_json)
        return
    report = agreement_report(store, pair, unit, level=level, ci=n_resamples, seed=seed, lang=lang)  # type: ignore[arg-type]
    if by:
        report["breakdown"] = {"by": by, "groups": breakdown(store, pair, by, unit, lang)}  # type: ignore[arg-type]
    if csv_path:
        _write_csv(report, csv_path)
    if as_json:
        print_json(report)
        return
    out_console.print(_table(report, bool(n_resamples)))
    click.echo(
        "α: ✓ reliable (≥ .80), ~ tentative (≥ .667), ✗ unreliable (Krippendorff 2004); uncoded = share of units neither coder coded"
    )
    if by:
        groups = Table(title=f"Overall agreement by {by}")
        for col in ("group", "units", "% agree", "κ", "α"):
            groups.add_column(col)
        for key, row in report["breakdown"]["groups"].items():
            groups.add_row(
                key,
                str(row["n_units"]),
                _fmt(row["percent_agreement"]),
                _fmt(row["cohen_kappa"]),
                _fmt(row["krippendorff_alpha"]),
            )
        out_console.print(groups)


def _multi(store: Store, names: list[str], unit: str, as_json: bool, two_only: bool) -> None:
    if two_only:
        raise CoderError("--aligned, --ci and --by compare two coders", "name two coders in --coders")
    report = multi_coder_report(store, names, unit)
    if as_json:
        print_json(report)
        return
    table = Table(title=f"Agreement among {', '.join(names)} — {report['n_units']} {unit}s")
    for col in ("code", *(f"n {n}" for n in names), "all", "% agree", "Fleiss κ", "α"):
        table.add_column(col, justify="left" if col == "code" else "right")
    for row in [
        {"code": Text("overall", style="bold"), "n": {}, "n_all": "", **report["overall"]},
        *report["codes"],
    ]:
        counts = [str(row["n"].get(n, "")) for n in names]
        table.add_row(row["code"], *counts, str(row["n_all"]), _fmt(row["percent_agreement"]),
                      _fmt(row["fleiss_kappa"]), _fmt(row["krippendorff_alpha"]))  # fmt: skip
    out_console.print(table)


def _aligned(store: Store, pair: tuple[str, str], unit: str, as_json: bool) -> None:
    from coder.cli.reconcile_cmds import aligned_table
    from coder.services.alignment import aligned_agreement

    report = aligned_agreement(store, pair, unit)
    if as_json:
        print_json(report)
    else:
        out_console.print(aligned_table(report))


@cli.command("disagreements")
@click.option("--coders", required=True, help="Two coder layers, e.g. anna,bram.")
@click.option("--code", "code_id", required=True, help="Code id.")
@click.option("--unit", type=click.Choice(["sentence", "turn"]), default="sentence", show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print the list as JSON.")
@click.pass_context
def disagreements_cmd(ctx: click.Context, coders: str, code_id: str, unit: str, as_json: bool) -> None:
    """List the units where only one of two coders applied a code.

    Example: coder disagreements --coders anna,bram --code eigen-kracht
    """
    rows = disagreements(project(ctx).store, parse_coders(coders), code_id, unit)
    if as_json:
        print_json(rows)
        return
    for row in rows:
        who = "A only" if row["applied_by"] == "a" else "B only"
        click.echo(f"{row['transcript']} #{row['unit']} ({who}): {row['text']}")
        click.echo(f"    A: {', '.join(row['codes_a']) or '—'}    B: {', '.join(row['codes_b']) or '—'}")
