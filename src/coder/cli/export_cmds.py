"""Export and config commands: quotes per theme, tables, matrices and the joint display.

Every command is one service call plus printing. Files are written by the
exporters; progress bars go to stderr when it is a terminal; warnings (a
codebook link to a survey that is not imported yet) go to stderr too, so
stdout holds only results. Survey data and code-item links, which the joint
display reads, are imported and listed by ``cli.survey_cmds``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

import click

from coder.cli import cli, progress_bar, project
from coder.cli.common import warn
from coder.cli.roles_cmds import ROLE_KEYS, config_roles
from coder.errors import CoderError
from coder.formats.reports import (
    JOINT_FORMATS,
    MATRIX_FORMATS,
    QUOTE_FORMATS,
    TABLE_FORMATS,
    write_joint,
    write_matrix,
    write_quotes,
    write_table,
)
from coder.formats.reports.labels import LANGUAGES
from coder.services import exports, matrices
from coder.services.roles import leads
from coder.storage import Store

OUTPUT = click.Path(dir_okay=False, writable=True, path_type=Path)
SETTINGS = {"report_language": LANGUAGES}
"""Project settings `coder config` may change, with their allowed values."""
T = TypeVar("T")
Writer = Callable[[T, str, Path, Callable[[int], None], bool], None]


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
    f = click.option(
        "--pseudonymize",
        "pseudonym_map",
        type=click.Path(exists=True, dir_okay=False, path_type=Path),
        metavar="MAP.yaml",
        help="Replace each name in MAP.yaml (`Zwolle: Gemeente A`) everywhere in the export.",
    )(f)
    f = click.option(
        "--csv-protect/--no-csv-protect",
        default=True,
        show_default=True,
        help="In CSV, prefix cells starting with = + - @ (a formula to Excel) with '.",
    )(f)
    return _where_option(f)


def _lang_option(f: click.decorators.FC) -> click.decorators.FC:
    return click.option(
        "--lang",
        type=click.Choice(LANGUAGES),
        help="Language of headings and labels (default: setting report_language, else the transcripts').",
    )(f)


def _format_option(formats: Sequence[str]) -> Callable[[click.decorators.FC], click.decorators.FC]:
    return click.option(
        "--format", "fmt", type=click.Choice(formats), help="Format (default: from -o's extension)."
    )


def _inputs(
    ctx: click.Context, output: Path, fmt: str | None, formats: Sequence[str], where: tuple[str, ...]
) -> tuple[str, Store, exports.Filters]:
    """The format (from -o's extension unless given), the project, the --where filters."""
    fmt = exports.format_from(output, fmt, formats)
    return fmt, project(ctx).store, exports.parse_where(where)


def _pseudonymized(result: T, pseudonym_map: Path | None) -> T:
    """``result`` with the map's names replaced; the counts go to stderr."""
    if pseudonym_map is None:
        return result
    from coder.formats.pseudonym import Pseudonymizer, load_map

    swapper = Pseudonymizer(load_map(pseudonym_map))
    changed: T = swapper.apply(result)
    for line in swapper.summary():
        click.echo(f"pseudonymised: {line}", err=True)
    return changed


def _write(
    label: str, total: int, writer: Writer[T], result: T, fmt: str, output: Path, protect: bool
) -> None:
    """Write an export with a progress bar (on stderr, when it is a terminal)."""
    with progress_bar(label, total) as advance:
        writer(result, fmt, output, advance, protect)


@cli.group()
def export() -> None:
    """Export quotes per theme, quote tables, code matrices and the joint display."""


@export.command("quotes")
@_common
@_format_option(QUOTE_FORMATS)
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
    csv_protect: bool,
    pseudonym_map: Path | None,
    fmt: str | None,
    max_quotes: int | None,
    context: bool,
    all_codes: bool,
    lang: str | None,
) -> None:
    """Quotes per theme, in code-tree order: md, docx, html, csv, json or xlsx.

    Example: coder export quotes --coder final --where gemeente=Zwolle --context -o hoofdstuk.docx
    """
    fmt, store, filters = _inputs(ctx, output, fmt, QUOTE_FORMATS, where)
    report = exports.build_quote_report(
        store,
        coder,
        filters=filters,
        max_quotes=max_quotes,
        context=context,
        language=lang,
        include_empty=all_codes,
    )
    report = _pseudonymized(report, pseudonym_map)
    _write("Writing quotes", report.n_shown, write_quotes, report, fmt, output, csv_protect)
    click.echo(f"wrote {report.n_shown} quotes in {len(report.sections)} codes to {output}")


@export.command("table")
@_common
@_format_option(TABLE_FORMATS)
@click.option("--context", is_flag=True, help="Add a column with the preceding question.")
@click.pass_context
def export_table(
    ctx: click.Context,
    where: tuple[str, ...],
    coder: str,
    output: Path,
    csv_protect: bool,
    pseudonym_map: Path | None,
    fmt: str | None,
    context: bool,
) -> None:
    """One row per quote (respondent, attributes, theme/subtheme columns, flags, text) for R or Excel.

    Example: coder export table --coder final -o quotes.csv
    """
    fmt, store, filters = _inputs(ctx, output, fmt, TABLE_FORMATS, where)
    report = _pseudonymized(
        exports.build_quote_report(store, coder, filters=filters, context=context), pseudonym_map
    )
    _write("Writing rows", report.n_shown, write_table, report, fmt, output, csv_protect)
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
@_format_option(MATRIX_FORMATS)
@click.pass_context
def export_matrix(
    ctx: click.Context,
    where: tuple[str, ...],
    coder: str,
    output: Path,
    csv_protect: bool,
    pseudonym_map: Path | None,
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
    fmt, store, filters = _inputs(ctx, output, fmt, MATRIX_FORMATS, where)
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
    matrix = _pseudonymized(matrix, pseudonym_map)
    write_matrix(matrix, fmt, output, csv_protect)
    rows, cols = matrix.frame.shape
    click.echo(f"wrote the {kind} matrix ({rows} rows, {cols} columns) to {output}")


@export.command("joint")
@_common
@_format_option(JOINT_FORMATS)
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
    csv_protect: bool,
    pseudonym_map: Path | None,
    fmt: str | None,
    exemplars: int,
    group_by: str | None,
    depth: int | None,
    lang: str | None,
) -> None:
    """The joint display: each theme's quotes and respondents beside its linked survey figures.

    Example: coder export joint --coder final --format html -o joint.html
    """
    from coder.services import joint  # survey statistics: scipy, pandas

    fmt, store, filters = _inputs(ctx, output, fmt, JOINT_FORMATS, where)
    display = joint.build_joint(
        store,
        coder,
        filters=filters,
        n_exemplars=exemplars,
        language=lang,
        group_by=group_by,
        max_depth=depth,
        warn=warn,
    )
    display = _pseudonymized(display, pseudonym_map)
    _write("Writing joint display", len(display.themes), write_joint, display, fmt, output, csv_protect)
    n_items = sum(len(t.items) for t in display.themes)
    click.echo(f"wrote {len(display.themes)} themes with {n_items} linked items to {output}")


# --- settings ----------------------------------------------------------------------------


@cli.command()
@click.argument("key", required=False)
@click.argument("value", required=False)
@click.option("--remove", is_flag=True, help="With `lead NAME`: NAME is no longer a lead.")
@click.option(
    "--new", is_flag=True, help="With `lead NAME`: NAME is a new person, though it looks like a coder's."
)
@click.pass_context
def config(ctx: click.Context, key: str | None, value: str | None, remove: bool, new: bool) -> None:
    """Show or change a project setting (report_language: nl or en), or the project's leads.

    `coder config lead NAME` makes NAME a lead: once a project has a lead, only
    leads see other coders' work and the lead screens in the coding screen.
    `coder config leads` lists them; `coder config lead --remove NAME` removes one.

    Example: coder config report_language nl
    """
    store = project(ctx).store
    if key in ROLE_KEYS:
        config_roles(store, key, value, remove, new)
        return
    if key is None:
        for name in SETTINGS:
            click.echo(f"{name} = {_in_effect(store, name)}")
        click.echo(f"leads = {', '.join(leads(store))}")
        return
    if key not in SETTINGS:
        raise CoderError(f"unknown setting {key!r}", f"settings: {', '.join(SETTINGS)}")
    if value is None:
        click.echo(_in_effect(store, key))
        return
    if value not in SETTINGS[key]:
        raise CoderError(f"{key} cannot be {value!r}", f"use one of {', '.join(SETTINGS[key])}")
    with store.transaction():
        store.set_setting(key, value)
        store.log("lead", "config.set", key, after=value)
    click.echo(f"{key} = {value}")


def _in_effect(store: Store, key: str) -> str:
    """A setting's value, or the one used while it is not set (and why)."""
    value = store.get_setting(key)
    if value or key != "report_language":
        return value or ""
    return f"{exports.report_language(store)} (not set: the transcripts' language)"


@export.command("codebook")
@click.option(
    "--format", "fmt", type=click.Choice(["md", "docx", "html"]), help="Default: from -o's extension."
)
@click.option(
    "-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path), help="File to write."
)
@_lang_option
@click.pass_context
def export_codebook_cmd(ctx: click.Context, fmt: str | None, output: Path, lang: str | None) -> None:
    """Write the codebook appendix: tree, definitions, notes, example quotes, counts, merges.

    Example: coder export codebook --format docx -o appendix-codebook.docx
    """
    from coder.services.codebook_doc import FORMATS, export_codebook

    chosen = exports.format_from(output, fmt, FORMATS)
    n = export_codebook(project(ctx).store, chosen, output, lang)
    click.echo(f"Wrote {n} codes to {output}", err=True)
