"""Export, survey, link and config commands: quotes per theme, tables,
matrices, survey data, code-item links and the joint display.

Every command is one service call plus printing. Files are written by the
exporters; progress bars go to stderr when it is a terminal; warnings (a
codebook link to a survey that is not imported yet) go to stderr too, so
stdout holds only results.
"""

from __future__ import annotations

from pathlib import Path

import click
from rich.table import Table

from coder.cli import cli, out_console, print_json, progress_bar, project
from coder.errors import CoderError
from coder.exporters import (
    JOINT_FORMATS,
    MATRIX_FORMATS,
    QUOTE_FORMATS,
    TABLE_FORMATS,
    write_joint,
    write_matrix,
    write_quotes,
    write_table,
)
from coder.exporters.labels import LANGUAGES
from coder.services import exports, joint, matrices, surveys

OUTPUT = click.Path(dir_okay=False, writable=True, path_type=Path)
EXISTING_FILE = click.Path(exists=True, dir_okay=False, path_type=Path)
SETTINGS = {"report_language": LANGUAGES}
"""Project settings `coder config` may change, with their allowed values."""


def _where_option(f: click.decorators.FC) -> click.decorators.FC:
    return click.option(
        "--where",
        "where",
        multiple=True,
        metavar="KEY=VALUE",
        help="Only transcripts with this attribute value (repeatable; same key = or).",
    )(f)


def _common(f: click.decorators.FC) -> click.decorators.FC:
    f = click.option("-o", "--output", required=True, type=OUTPUT, help="File to write.")(f)
    f = click.option("--coder", default="final", show_default=True, help="Coder layer to export.")(f)
    return _where_option(f)


def _lang_option(f: click.decorators.FC) -> click.decorators.FC:
    return click.option(
        "--lang",
        type=click.Choice(LANGUAGES),
        help="Language of headings and labels (default: setting report_language, else the transcripts').",
    )(f)


def _warn(message: str) -> None:
    click.echo(f"Warning: {message}", err=True)


@cli.group()
def export() -> None:
    """Export quotes per theme, quote tables, code matrices and the joint display."""


@export.command("quotes")
@_common
@click.option(
    "--format", "fmt", type=click.Choice(QUOTE_FORMATS), help="Format (default: from -o's extension)."
)
@click.option("--max", "max_quotes", type=click.IntRange(min=0), help="At most N quotes per code.")
@click.option("--context", is_flag=True, help="Show the preceding turn of another speaker (the question).")
@click.option("--all-codes", is_flag=True, help="Also list codes without quotes.")
@_lang_option
@click.pass_context
def export_quotes(
    ctx: click.Context,
    where: tuple[str, ...],
    coder: str,
    output: Path,
    fmt: str | None,
    max_quotes: int | None,
    context: bool,
    all_codes: bool,
    lang: str | None,
) -> None:
    """Quotes per theme, in code-tree order: md, docx, html, csv, json or xlsx.

    Example: coder export quotes --coder final --where gemeente=Zwolle --context -o hoofdstuk.docx
    """
    fmt = exports.format_from(output, fmt, QUOTE_FORMATS)
    report = exports.build_quote_report(
        project(ctx).store,
        coder,
        filters=exports.parse_where(where),
        max_quotes=max_quotes,
        context=context,
        language=lang,
        include_empty=all_codes,
    )
    with progress_bar("Writing quotes", report.n_shown) as advance:
        write_quotes(report, fmt, output, advance)
    click.echo(f"wrote {report.n_shown} quotes in {len(report.sections)} codes to {output}")


@export.command("table")
@_common
@click.option(
    "--format", "fmt", type=click.Choice(TABLE_FORMATS), help="Format (default: from -o's extension)."
)
@click.option("--context", is_flag=True, help="Add a column with the preceding question.")
@click.pass_context
def export_table(
    ctx: click.Context, where: tuple[str, ...], coder: str, output: Path, fmt: str | None, context: bool
) -> None:
    """One row per quote (respondent, attributes, theme/subtheme columns, flags, text) for R or Excel.

    Example: coder export table --coder final -o quotes.csv
    """
    fmt = exports.format_from(output, fmt, TABLE_FORMATS)
    store = project(ctx).store
    report = exports.build_quote_report(store, coder, filters=exports.parse_where(where), context=context)
    with progress_bar("Writing rows", report.n_shown) as advance:
        write_table(report, fmt, output, advance)
    click.echo(f"wrote {report.n_shown} rows to {output}")


@export.command("matrix")
@_common
@click.option(
    "--kind",
    type=click.Choice(matrices.KINDS),
    default="presence",
    show_default=True,
    help="presence: transcript rows with 0/1 and counts per code; transcript: code × transcript; "
    "attribute: code × values of --by; cooccurrence: code × code in one unit.",
)
@click.option("--by", help="Attribute for --kind attribute, e.g. gemeente.")
@click.option(
    "--count",
    type=click.Choice(["codings", "transcripts"]),
    default="codings",
    show_default=True,
    help="What --kind attribute counts.",
)
@click.option(
    "--unit",
    type=click.Choice(["sentence", "turn"]),
    default="sentence",
    show_default=True,
    help="The unit two codes share for --kind cooccurrence.",
)
@click.option(
    "--rollup/--no-rollup",
    default=None,
    help="Count subcodes' codings for their parents (default: on, off for cooccurrence).",
)
@click.option(
    "--format", "fmt", type=click.Choice(MATRIX_FORMATS), help="Format (default: from -o's extension)."
)
@click.pass_context
def export_matrix(
    ctx: click.Context,
    where: tuple[str, ...],
    coder: str,
    output: Path,
    kind: str,
    by: str | None,
    count: str,
    unit: str,
    rollup: bool | None,
    fmt: str | None,
) -> None:
    """Code matrices for statistics: CSV, XLSX, and SPSS .sav for --kind presence.

    Example: coder export matrix --kind attribute --by gemeente -o gemeenten.xlsx
    """
    fmt = exports.format_from(output, fmt, MATRIX_FORMATS)
    store = project(ctx).store
    filters = exports.parse_where(where)
    if kind == "presence":
        matrix = matrices.presence_matrix(store, coder, filters, rollup is not False)
    elif kind == "transcript":
        matrix = matrices.transcript_matrix(store, coder, filters, rollup is not False)
    elif kind == "attribute":
        if not by:
            raise CoderError("--kind attribute needs --by ATTRIBUTE", "e.g. --by gemeente")
        matrix = matrices.attribute_matrix(store, coder, by, filters, rollup is not False, count)
    else:
        matrix = matrices.cooccurrence_matrix(store, coder, filters, bool(rollup), unit)
    write_matrix(matrix, fmt, output)
    rows, cols = matrix.frame.shape
    click.echo(f"wrote the {kind} matrix ({rows} rows, {cols} columns) to {output}")


@export.command("joint")
@_common
@click.option(
    "--format", "fmt", type=click.Choice(JOINT_FORMATS), help="Format (default: from -o's extension)."
)
@click.option(
    "--exemplars", type=click.IntRange(0, 10), default=3, show_default=True, help="Quotes per theme."
)
@click.option("--group-by", help="Group respondent-level survey answers by this column (default: the first).")
@click.option("--depth", type=click.IntRange(min=1), help="Show codes down to this level (1: themes only).")
@_lang_option
@click.pass_context
def export_joint(
    ctx: click.Context,
    where: tuple[str, ...],
    coder: str,
    output: Path,
    fmt: str | None,
    exemplars: int,
    group_by: str | None,
    depth: int | None,
    lang: str | None,
) -> None:
    """The joint display: each theme's quotes and respondents beside its linked survey figures.

    Example: coder export joint --coder final --format html -o joint.html
    """
    fmt = exports.format_from(output, fmt, JOINT_FORMATS)
    display = joint.build_joint(
        project(ctx).store,
        coder,
        filters=exports.parse_where(where),
        n_exemplars=exemplars,
        language=lang,
        group_by=group_by,
        max_depth=depth,
        warn=_warn,
    )
    with progress_bar("Writing joint display", len(display.themes)) as advance:
        write_joint(display, fmt, output, advance)
    n_items = sum(len(t.items) for t in display.themes)
    click.echo(f"wrote {len(display.themes)} themes with {n_items} linked items to {output}")


# --- surveys ---------------------------------------------------------------------------


@cli.group()
def survey() -> None:
    """Import and inspect survey data (.csv, .xlsx, .sav) for the joint display."""


@survey.command("import")
@click.argument("file", type=EXISTING_FILE)
@click.option("--name", required=True, help="Survey name used in links (SURVEY:ITEM).")
@click.option("--kind", type=click.Choice(["aggregate", "respondents"]), help="Override shape detection.")
@click.option("--sheet", help="Excel sheet (default: the first).")
@click.option("--group", "groups", multiple=True, help="Extra group column of respondent data (repeatable).")
@click.option("--json", "as_json", is_flag=True, help="Print what was stored as JSON.")
@click.pass_context
def survey_import(
    ctx: click.Context,
    file: Path,
    name: str,
    kind: str | None,
    sheet: str | None,
    groups: tuple[str, ...],
    as_json: bool,
) -> None:
    """Store a survey file: an aggregate table (items × figures) or respondent answers.

    Example: coder survey import surveys/bakens.csv --name bakens
    """
    result = surveys.import_survey(
        project(ctx).store,
        file,
        name,
        kind=kind,  # type: ignore[arg-type]
        sheet=sheet,
        groups=groups,
    )
    for message in result.warnings:
        _warn(message)
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
    table = Table("code", "survey", "item", "label", "source", "status")
    for i in infos:
        table.add_row(i.code_path, i.survey, i.item, i.label, i.source, i.status)
    out_console.print(table)


@cli.command()
@click.argument("key", required=False)
@click.argument("value", required=False)
@click.pass_context
def config(ctx: click.Context, key: str | None, value: str | None) -> None:
    """Show or change a project setting (report_language: nl or en).

    Example: coder config report_language nl
    """
    store = project(ctx).store
    if key is None:
        for name in SETTINGS:
            click.echo(f"{name} = {store.get_setting(name) or ''}")
        return
    if key not in SETTINGS:
        raise CoderError(f"unknown setting {key!r}", f"settings: {', '.join(SETTINGS)}")
    if value is None:
        click.echo(store.get_setting(key) or "")
        return
    if value not in SETTINGS[key]:
        raise CoderError(f"{key} cannot be {value!r}", f"use one of {', '.join(SETTINGS[key])}")
    with store.transaction():
        store.set_setting(key, value)
        store.log("lead", "config.set", key, after=value)
    click.echo(f"{key} = {value}")
