"""REFI-QDA project exchange and project merging: `coder export qdpx`,
`coder import-qdpx` and `coder merge`.

Each command is one service call plus printing. What the other format or the
other project could not bring along is printed as warnings on stderr, so
stdout holds only the result (or the ``--json`` document).
"""

from __future__ import annotations

from pathlib import Path

import click

from coder.cli import cli, print_json, progress_bar, project
from coder.cli.common import echo_lists, warn
from coder.cli.export_cmds import export as export_group
from coder.services.exchange import export_qdpx, import_qdpx, merge_project
from coder.services.project_merge import MergeReport

OUTPUT = click.Path(dir_okay=False, writable=True, path_type=Path)
EXISTING_FILE = click.Path(exists=True, dir_okay=False, path_type=Path)


def _warn(lines: list[str]) -> None:
    for line in lines:
        warn(line)


@export_group.command("qdpx")
@click.option("-o", "--output", required=True, type=OUTPUT, help="The .qdpx file to write.")
@click.option("--coders", metavar="A,B", help="Only these coder layers (comma-separated; default: all).")
@click.option("--json", "as_json", is_flag=True, help="Print what was written as JSON.")
@click.pass_context
def export_qdpx_cmd(ctx: click.Context, output: Path, coders: str | None, as_json: bool) -> None:
    """Export the project as REFI-QDA (.qdpx) for ATLAS.ti, NVivo, MAXQDA, QualCoder.

    Transcripts, the code tree, coder layers (as users), codings with their
    memos, memos and transcript attributes.

    Example: coder export qdpx -o study.qdpx --coders anna,bram
    """
    chosen = [c.strip() for c in coders.split(",") if c.strip()] if coders else None
    report = export_qdpx(project(ctx).store, output, chosen)
    _warn(report.warnings)
    if as_json:
        print_json(report.as_dict())
        return
    click.echo(
        f"Wrote {output}: {report.transcripts} transcripts, {report.codes} codes, "
        f"{report.codings} codings by {', '.join(report.coders) or 'no coders'}, {report.memos} memos"
    )


@cli.command("import-qdpx")
@click.argument("file", type=EXISTING_FILE)
@click.option(
    "--lang",
    type=click.Choice(["nl", "en", "auto"]),
    default="auto",
    show_default=True,
    help="Language of the transcripts.",
)
@click.option("--dry-run", is_flag=True, help="Show what would be imported; change nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.option(
    "--base-path",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Folder that relative:// sources outside the archive are read from (never beyond it).",
)
@click.option("--allow-absolute", is_flag=True, help="Also read absolute:// sources (files anywhere).")
@click.option(
    "--max-size",
    type=click.IntRange(min=1),
    default=512,
    show_default=True,
    metavar="MB",
    help="Refuse archives or sources that unpack to more than this.",
)
@click.pass_context
def import_qdpx_cmd(
    ctx: click.Context,
    file: Path,
    lang: str,
    dry_run: bool,
    as_json: bool,
    base_path: Path | None,
    allow_absolute: bool,
    max_size: int,
) -> None:
    """Import a REFI-QDA project (.qdpx, or a .qde with inline text).

    Text sources become transcripts, users become coders, selections become
    codings; pictures, PDFs, media, sets and links are reported and skipped.

    Sources outside the archive are read only from --base-path, or anywhere
    with --allow-absolute; the paths written inside the file are not trusted.

    Example: coder import-qdpx study.qdpx --base-path ../texts
    """
    from coder.qdpx_read import SourceAccess

    store = project(ctx).store
    access = SourceAccess(base_path, allow_absolute, max_size)
    with progress_bar("Segmenting", file.stat().st_size // 6) as advance:
        report = import_qdpx(store, file, lang, dry_run, advance, access)
    _print_report(report, as_json)


@cli.command("merge")
@click.argument("source", type=click.Path(exists=True, path_type=Path))
@click.option("--update", is_flag=True, help="Take the source's version of codings that differ here.")
@click.option("--dry-run", is_flag=True, help="Show what would be merged; change nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.pass_context
def merge_cmd(ctx: click.Context, source: Path, update: bool, dry_run: bool, as_json: bool) -> None:
    """Bring codings, coder-added codes and memos from another copy of the project.

    SOURCE is a project folder (with coder.db) or a .qdpx. Transcripts must hold
    the same text; codings already here are skipped.

    Example: coder merge ../laptop-anna/sociale-teams
    """
    store = project(ctx).store
    with progress_bar("Segmenting", 0) as advance:
        report = merge_project(store, source, update, dry_run, advance)
    _print_report(report, as_json)


def _print_report(report: MergeReport, as_json: bool) -> None:
    _warn(report.warnings)
    if as_json:
        print_json(report.as_dict())
        return
    prefix = "Would add" if report.dry_run else "Added"
    added = ", ".join(f"{coder}: {n}" for coder, n in sorted(report.codings_added.items())) or "none"
    click.echo(f"{prefix} codings: {added}")
    echo_lists(
        (
            (f"{prefix} transcripts", report.transcripts_added),
            (f"{prefix} codes", report.codes_added),
            (f"{prefix} coders", report.coders_added),
        )
    )
    if report.memos_added:
        click.echo(f"{prefix} memos: {report.memos_added}")
    skipped = report.codings_present + report.codings_duplicate
    if skipped:
        click.echo(f"Skipped {skipped} codings already in this project")
    if report.transcripts_skipped:
        click.echo(f"Skipped transcripts without text: {', '.join(report.transcripts_skipped)}")
