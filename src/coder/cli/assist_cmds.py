"""Assisted coding and the analyst's views: suggest, autocode, saturation.

Thin commands over ``services.suggest``, ``services.autocode`` and
``services.saturation``. Nothing here codes on its own: ``suggest`` only
lists, ``autocode`` lists with ``--dry-run`` and otherwise applies exactly
what it lists, in one transaction.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
from rich.table import Table
from rich.text import Text

from coder.cli import cli, out_console, print_json, project
from coder.cli.common import JSON, NEW_CODER, warn
from coder.services import roles


@cli.command("suggest")
@click.option("--code", "code_id", required=True, help="Code id to find more passages for.")
@click.option("--coder", required=True, help="Whose codings are the evidence (only theirs are used).")
@click.option(
    "--limit", type=click.IntRange(min=1), default=20, show_default=True, help="At most N passages."
)
@click.option(
    "--unit",
    type=click.Choice(["any", "sentence", "turn"]),
    default="any",
    show_default=True,
    help="Propose sentences, turns or both.",
)
@JSON
@click.pass_context
def suggest_cmd(ctx: click.Context, code_id: str, coder: str, limit: int, unit: str, as_json: bool) -> None:
    """List passages not yet coded with CODE by this coder, most similar to their codings first.

    Example: coder suggest --code eigen-kracht --coder anna --limit 10
    """
    from coder.services.suggest import KINDS, suggest

    store = project(ctx).store
    coder = roles.existing_coder(store, coder)
    result = suggest(store, code_id, coder, limit, KINDS if unit == "any" else (unit,))
    if as_json:
        print_json(result)
        return
    if not result["suggestions"]:
        warn("nothing similar found: code a few passages with this code first, or give it a definition")
        return
    texts = store.transcript_texts({s["transcript"] for s in result["suggestions"]})
    table = Table(title=f"More like '{code_id}' for {coder} ({result['evidence']['codings']} codings)")
    for column in ("transcript", "span", "score", "shared lemmas", "passage"):
        table.add_column(column, justify="right" if column == "score" else "left")
    for s in result["suggestions"]:
        passage = " ".join(texts[s["transcript"]][s["start"] : s["end"]].split())
        table.add_row(Text(s["transcript"]), f"{s['start']}-{s['end']}", f"{s['score']:.3f}",
                      Text(", ".join(s["shared_lemmas"])), Text(passage[:120]))  # fmt: skip
    out_console.print(table)


@cli.command("autocode")
@click.option("--query", required=True, help="Search text (matched by lemma, else literally).")
@click.option("--code", "code_id", required=True, help="Code id to apply.")
@click.option("--coder", required=True, help="Who applies the code.")
@click.option("--unit", type=click.Choice(["sentence", "turn"]), default="sentence", show_default=True,
              help="Extend each hit to its sentence or its turn.")  # fmt: skip
@click.option("--dry-run", is_flag=True, help="Only list what would be coded.")
@NEW_CODER
@JSON
@click.pass_context
def autocode_cmd(
    ctx: click.Context,
    query: str,
    code_id: str,
    coder: str,
    unit: str,
    dry_run: bool,
    new_coder: bool,
    as_json: bool,
) -> None:
    """Apply a code to every search hit, extended to its sentence or turn (one transaction).

    Example: coder autocode --query "wachtlijst" --code wachtlijsten --coder anna --unit turn --dry-run
    """
    from coder.services.autocode import autocode

    store = project(ctx).store
    coder = roles.writing_coder(store, coder, new_coder)
    result = autocode(store, query, code_id, coder, unit, apply=not dry_run)
    if as_json:
        print_json(result)
        return
    verb = "Would code" if dry_run else "Coded"
    for p in result["passages"]:
        click.echo(f"{p['transcript']} {p['start']}-{p['end']}: {p['text'][:100]}")
    click.echo(f"{verb} {len(result['passages'])} {unit}s with '{code_id}' "
               f"({result['skipped']} already coded).")  # fmt: skip


@cli.command("saturation")
@click.option("--coder", help="Whose codings (default: all coders together).")
@click.option("--order", type=click.Choice(["coding", "interview"]), default="coding", show_default=True,
              help="Transcripts in the order they were first coded, or by id.")  # fmt: skip
@click.option("--chart", "chart", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write the curve as a chart (.svg or .png).")  # fmt: skip
@JSON
@click.pass_context
def saturation_cmd(
    ctx: click.Context, coder: str | None, order: str, chart: Path | None, as_json: bool
) -> None:
    """New codes per transcript, cumulative, and how many respondents mention each code.

    Example: coder saturation --coder anna --chart saturation.svg
    """
    from coder.services.saturation import saturation, write_chart

    report = saturation(project(ctx).store, coder, order)
    if chart is not None:
        write_chart(report, chart)
    if as_json:
        print_json(report)
        return
    out_console.print(saturation_table(report))
    out_console.print(respondents_table(report))
    if chart is not None:
        click.echo(f"Wrote {chart}", err=True)


def saturation_table(report: dict[str, Any]) -> Table:
    """New and cumulative codes per transcript."""
    table = Table(title="Saturation: new codes per transcript")
    for column in ("#", "transcript", "new codes", "new subcodes", "cumulative", "codes first seen"):
        table.add_column(column, justify="left" if column in ("transcript", "codes first seen") else "right")
    for i, row in enumerate(report["transcripts"], start=1):
        table.add_row(str(i), Text(row["transcript"]), str(row["new_codes"]), str(row["new_subcodes"]),
                      str(row["cumulative"]), Text(", ".join(row["first_seen"])))  # fmt: skip
    return table


def respondents_table(report: dict[str, Any]) -> Table:
    """Respondents (transcripts) per code, as reports quote them."""
    table = Table(title="Respondents per code")
    table.add_column("code")
    table.add_column("respondents", justify="right")
    for row in report["codes"]:
        table.add_row(Text(row["code"]), f"{row['respondents']} of {report['n_transcripts']}")
    return table
