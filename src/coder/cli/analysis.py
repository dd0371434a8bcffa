"""Agreement commands: the figures a methods section reports."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import click
from rich.table import Table
from rich.text import Text

from coder.cli import cli, out_console, print_json, project
from coder.cli.agreement_table import agreement_table, num, pct
from coder.cli.common import warn
from coder.errors import CoderError
from coder.formats.outfile import atomic_output
from coder.storage import Store

COUNT_FIELDS = ("code", "n_units", "n_a", "n_b", "n_both", "n_neither")
EXTRA_FIELDS = ("span_jaccard", "u_alpha_2004", "low_prevalence")
LEGEND = (
    "α: ✓ reliable (≥ .80), ~ tentative (≥ .667), ✗ unreliable (Krippendorff 2004). "
    "rare: a coder applied the code to fewer than {min_units} units, so agree and AC1 say little; "
    "no CI: interval withheld (--json gives ci_reason). Report α per code with its interval; "
    "see the README's agreement section."
)


def _note(line: str) -> None:
    """A line under the table, wrapped to the terminal (user text: no markup)."""
    out_console.print(Text(line), soft_wrap=False)


def _write_csv(report: dict[str, Any], path: Path) -> None:
    from coder.analysis.agreement import MEASURES  # numpy: only when a CSV is asked for

    with atomic_output(path) as tmp, tmp.open("w", encoding="utf-8", newline="") as fh:
        fields = [*COUNT_FIELDS, *MEASURES, *EXTRA_FIELDS]
        writer = csv.DictWriter(fh, fieldnames=fields, extrasaction="ignore")
        writer.writeheader()
        writer.writerow({"code": f"({report['overall']['label']})", **report["overall"]})
        writer.writerows(report["codes"])


def _warnings(report: dict[str, Any]) -> None:
    """Warnings on stderr, so that stdout holds only the table or the JSON."""
    if report.get("not_on_any_unit"):
        warn(f"left out, their codings touch no {report['unit']}: {', '.join(report['not_on_any_unit'])}")
    meta = report.get("bootstrap")
    if meta and meta.get("warning"):
        warn(meta["warning"])


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
@click.option(
    "--ci-by",
    type=click.Choice(["transcript", "block", "unit"]),
    default="transcript",
    show_default=True,
    help="What the bootstrap resamples: whole transcripts, blocks of neighbouring units, or single units.",
)
@click.option(
    "--ci-min-units",
    type=click.IntRange(1, None),
    default=5,
    show_default=True,
    help="Withhold a code's interval, and flag its AC1 and agreement, when a coder applied it to fewer units.",
)
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the bootstrap.")
@click.option(
    "--spans/--no-spans",
    default=False,
    show_default=True,
    help="Also the span measures (character Jaccard, u-alpha 2004): about 5 s more per million words.",
)
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
    ci_by: str,
    ci_min_units: int,
    seed: int,
    spans: bool,
    by: str | None,
    lang: str,
    csv_path: Path | None,
    aligned: bool,
    as_json: bool,
) -> None:
    """Inter-coder agreement per code and overall (percent, kappa, alpha, AC1 ...).

    Units are the sentences (or turns) of the transcripts both coders coded;
    parents roll up their children. --ci resamples whole transcripts.

    Example: coder agreement --coders anna,bram --ci 1000
    """
    from coder.services.agreement import agreement_report, breakdown, parse_coder_list, parse_coders

    store = project(ctx).store
    names = parse_coder_list(coders)
    if len(names) > 2:
        _multi(store, names, unit, as_json, bool(aligned or n_resamples or by))
        return
    pair = parse_coders(coders)
    if aligned:
        _aligned(store, pair, unit, as_json)
        return
    report = agreement_report(store, pair, unit, level=level, ci=n_resamples, seed=seed, lang=lang,  # type: ignore[arg-type]
                              ci_by=ci_by, ci_min_units=ci_min_units, spans=spans)  # type: ignore[arg-type]  # fmt: skip
    if by:
        report["breakdown"] = {"by": by, "groups": breakdown(store, pair, by, unit, lang)}  # type: ignore[arg-type]
    if csv_path:
        _write_csv(report, csv_path)
    _warnings(report)
    if as_json:
        print_json(report)
        return
    out_console.print(agreement_table(report, out_console.width, bool(n_resamples)))
    meta = report.get("bootstrap")
    if meta:
        what = {"transcript": "whole transcripts", "block": f"blocks of {meta['block_length']} neighbouring {unit}s",
                "unit": f"single {unit}s"}[meta["by"]]  # fmt: skip
        _note(f"95% intervals: {meta['resamples']} resamples of {what} ({meta['clusters']} to draw from).")
    _note(LEGEND.format(min_units=ci_min_units))
    if by:
        groups = Table(title=f"Overall agreement by {by}")
        for col in ("group", "units", "agree", "κ", "α"):
            groups.add_column(col)
        for key, row in report["breakdown"]["groups"].items():
            groups.add_row(key, str(row["n_units"]), pct(row["percent_agreement"]),
                           num(row["cohen_kappa"]), num(row["krippendorff_alpha"]))  # fmt: skip
        out_console.print(groups)


def _multi(store: Store, names: list[str], unit: str, as_json: bool, two_only: bool) -> None:
    if two_only:
        raise CoderError("--aligned, --ci and --by compare two coders", "name two coders in --coders")
    from coder.services.agreement_multi import multi_coder_report

    report = multi_coder_report(store, names, unit)
    if as_json:
        print_json(report)
        return
    table = Table(title=f"Agreement among {', '.join(names)} — {report['n_units']} {unit}s")
    for col in ("code", *(f"n {n}" for n in names), "all", "agree", "Fleiss κ", "α"):
        table.add_column(col, justify="left" if col == "code" else "right")
    for row in [
        {"code": Text("overall", style="bold"), "n": {}, "n_all": "", **report["overall"]},
        *report["codes"],
    ]:
        counts = [str(row["n"].get(n, "")) for n in names]
        table.add_row(row["code"], *counts, str(row["n_all"]), pct(row["percent_agreement"]),
                      num(row["fleiss_kappa"]), num(row["krippendorff_alpha"]))  # fmt: skip
    out_console.print(table)


def _aligned(store: Store, pair: tuple[str, str], unit: str, as_json: bool) -> None:
    from coder.cli.reconcile_cmds import aligned_table
    from coder.services.alignment import aligned_agreement

    report = aligned_agreement(store, pair, unit)
    if as_json:
        print_json(report)
    else:
        out_console.print(aligned_table(report, out_console.width))


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
    from coder.services.agreement import disagreements, parse_coders

    rows = disagreements(project(ctx).store, parse_coders(coders), code_id, unit)
    if as_json:
        print_json(rows)
        return
    for row in rows:
        who = "A only" if row["applied_by"] == "a" else "B only"
        click.echo(f"{row['transcript']} #{row['unit']} ({who}): {row['text']}")
        click.echo(f"    A: {', '.join(row['codes_a']) or '—'}    B: {', '.join(row['codes_b']) or '—'}")
