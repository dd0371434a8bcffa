"""Keeping a project sound: `coder check`, `coder backup` and `coder codings resolve`."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from coder.cli import cli, print_json, project
from coder.cli.common import ACTOR, JSON
from coder.cli.core import codings
from coder.services.integrity import backup_project, check_project, resolve_flagged


@cli.command()
@click.option("--fix", is_flag=True, help="Repair what is safe to repair (orphan rows, exact duplicates).")
@JSON
@click.pass_context
def check(ctx: click.Context, fix: bool, as_json: bool) -> None:
    """Check the project's integrity; exit 1 listing what is wrong.

    SQLite's integrity and foreign key checks, codings outside their text or
    flagged, rows that refer to something deleted, duplicate codings, and a
    codebook that would not load back from its YAML export.

    Example: coder check --fix
    """
    report = check_project(project(ctx).store, fix=fix)
    if as_json:
        print_json(report.as_dict())
    else:
        for line in report.fixed:
            click.echo(f"fixed: {line}", err=True)
        click.echo(report.summary)
        for finding in report.findings:
            hint = " (--fix repairs this)" if finding.fixable else ""
            click.echo(f"- {finding.check}: {finding.count} {finding.message}{hint}")
            for item in finding.items:
                click.echo(f"    {item}")
            if finding.count > len(finding.items):
                click.echo(f"    ... and {finding.count - len(finding.items)} more")
    if not report.ok:
        sys.exit(1)


@cli.command()
@click.argument("dest", type=click.Path(path_type=Path))
@click.option("--force", is_flag=True, help="Overwrite DEST if it exists.")
@click.pass_context
def backup(ctx: click.Context, dest: Path, force: bool) -> None:
    """Copy coder.db consistently (SQLite online backup), safe while others write.

    DEST is a file, or a folder to put a dated copy in; the copy is 0600.

    Example: coder backup ~/backups/sociale-teams.db
    """
    written = backup_project(project(ctx).store, dest, force)
    click.echo(f"backed up to {written}")


@codings.command("resolve")
@click.argument("coding_id", type=int)
@click.option("--start", type=int, help="Put the coding on this span (with --end).")
@click.option("--end", type=int, help="End of the new span.")
@click.option("--delete", is_flag=True, help="Delete the flagged coding instead.")
@ACTOR
@click.pass_context
def codings_resolve(
    ctx: click.Context, coding_id: int, start: int | None, end: int | None, delete: bool, actor: str
) -> None:
    """Resolve a flagged coding (its words are gone): re-anchor it, keep its span, or delete it.

    Without --start/--end/--delete the coding keeps the span it has now.
    `coder check` lists flagged codings with their ids.

    Example: coder codings resolve 42 --start 1200 --end 1310
    """
    if (start is None) != (end is None):
        raise click.UsageError("give --start and --end together")
    if delete and start is not None:
        raise click.UsageError("--delete takes no span")
    span = (start, end) if start is not None and end is not None else None
    resolved = resolve_flagged(project(ctx).store, coding_id, actor, span, delete)
    if resolved is None:
        click.echo(f"deleted coding {coding_id}")
    else:
        click.echo(f"coding {coding_id} now covers {resolved.start}-{resolved.end}; flag cleared")
