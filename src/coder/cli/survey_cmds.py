"""Survey and link commands: the survey data and code-item links the joint display reads.

Thin commands over ``services.surveys`` (split from ``cli.export_cmds``, which
writes the joint display). Reading and checking a survey file is
``coder.analysis.survey``'s job; warnings (a codebook link to an item the survey does
not have) go to stderr, so stdout holds only results.
"""

from __future__ import annotations

from pathlib import Path

import click

from coder.cli import cli, out_console, print_json, project
from coder.cli.common import warn
from coder.cli.core import EXISTING_FILE
from coder.services import surveys


@cli.group()
def survey() -> None:
    """Import and inspect survey data (.csv, .xlsx, .sav) for the joint display."""


@survey.command("import")
@click.argument("file", type=EXISTING_FILE)
@click.option("--name", required=True, help="Survey name used in links (SURVEY:ITEM).")
@click.option("--kind", type=click.Choice(["aggregate", "respondents"]), help="Override shape detection.")
@click.option("--sheet", help="Excel sheet (default: the first).")
@click.option("--group", "groups", multiple=True, help="Extra group column of respondent data (repeatable).")
@click.option("--id", "id_column", metavar="COLUMN", help="Aggregate table: the column of item keys.")
@click.option("--label", "label_column", metavar="COLUMN", help="Aggregate table: the column of item texts.")
@click.option("--figures", metavar="COL,...", help="Aggregate table: the figure columns (default: detected).")
@click.option("--json", "as_json", is_flag=True, help="Print what was stored as JSON.")
@click.pass_context
def survey_import(
    ctx: click.Context,
    file: Path,
    name: str,
    kind: str | None,
    sheet: str | None,
    groups: tuple[str, ...],
    id_column: str | None,
    label_column: str | None,
    figures: str | None,
    as_json: bool,
) -> None:
    """Store a survey file: an aggregate table (items × figures) or respondent answers.

    In an aggregate table the key column is detected (unique short values in a
    column named like id, key or code; else item or variable), a long text
    column is the label, and group or line numbers are not figures; --id,
    --label and --figures choose them.

    Example: coder survey import tabel.csv --name monitor --id key --figures mean_2019,mean_2020
    """
    chosen = [c.strip() for c in figures.split(",") if c.strip()] if figures else None
    result = surveys.import_survey(
        project(ctx).store,
        file,
        name,
        kind=kind,  # type: ignore[arg-type]
        sheet=sheet,
        groups=groups,
        columns=(id_column, label_column, chosen),
    )
    for message in result.warnings:
        warn(message)
    if as_json:
        print_json(result.as_dict())
        return
    verb = "replaced" if result.replaced else "imported"
    click.echo(f"{verb} {name}: {result.kind}, {result.n_rows} rows, {len(result.items)} items")


@survey.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print the list as JSON.")
@click.pass_context
def survey_list(ctx: click.Context, as_json: bool) -> None:
    """List the stored surveys.

    Example: coder survey list --json
    """
    rows = surveys.survey_list(project(ctx).store)
    if as_json:
        print_json(rows)
        return
    from rich.table import Table

    table = Table("name", "kind", "file", "rows", "items", "imported")
    for r in rows:
        table.add_row(
            r["name"], r["kind"], r["source_file"], str(r["n_rows"]), str(r["n_items"]), r["imported_at"]
        )
    out_console.print(table)


@survey.command("show")
@click.argument("name")
@click.option("--json", "as_json", is_flag=True, help="Print the survey as JSON.")
@click.pass_context
def survey_show(ctx: click.Context, name: str, as_json: bool) -> None:
    """Show a survey's items with labels, figures and the codes linked to them.

    Example: coder survey show medewerkers
    """
    doc = surveys.survey_document(project(ctx).store, name)
    if as_json:
        print_json(doc)
        return
    click.echo(f"{doc['name']} ({doc['kind']}, {doc['source_file']}, {doc['n_rows']} rows)")
    from rich.table import Table

    table = Table("item", "label", "figures", "codes")
    for item in doc["items"]:
        figures = "  ".join(f"{k}: {v:.2f}" for k, v in item["figures"].items())
        table.add_row(item["item"], item["label"], figures, ", ".join(item["codes"]))
    out_console.print(table)


# --- links -----------------------------------------------------------------------------


@cli.command()
@click.argument("code")
@click.argument("target", metavar="SURVEY:ITEM")
@click.option("--remove", is_flag=True, help="Remove the link instead (from the codebook too).")
@click.option("--actor", default="lead", show_default=True, help="Who makes the change (audit log).")
@click.pass_context
def link(ctx: click.Context, code: str, target: str, remove: bool, actor: str) -> None:
    """Link a code to a survey item for the joint display (or --remove the link).

    Example: coder link werkdruk medewerkers:q5
    """
    store = project(ctx).store
    if remove:
        source = surveys.remove_link(store, code, target, actor)
        where = {"codebook": " (from the working codebook)", "both": " (also from the working codebook)"}
        click.echo(f"removed {code} → {target}{where.get(source, '')}")
        return
    info = surveys.add_link(store, code, target, actor)
    click.echo(f"linked {info.code_path} → {info.survey}:{info.item} ({info.label})")


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print the links as JSON.")
@click.pass_context
def links(ctx: click.Context, as_json: bool) -> None:
    """List code-item links from the codebook and from `coder link`, with their status.

    Example: coder links --json
    """
    infos = surveys.all_links(project(ctx).store)
    if as_json:
        print_json([i.as_dict() for i in infos])
        return
    from rich.table import Table

    table = Table("code", "survey", "item", "label", "source", "status")
    for i in infos:
        table.add_row(i.code_path, i.survey, i.item, i.label, i.source, i.status)
    out_console.print(table)
