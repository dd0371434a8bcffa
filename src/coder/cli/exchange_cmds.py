"""REFI-QDA project exchange and project merging: `coder export qdpx`,
`coder import-qdpx`, `coder merge`, `coder snapshot` and `coder sync`.

Each command is one service call plus printing. What the other format or the
other project could not bring along is printed as warnings on stderr, so
stdout holds only the result (or the ``--json`` document).
"""

from __future__ import annotations

import json
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
@click.option("--atlas-names", is_flag=True, help="Write the tree flat, codes named Theme::Code (ATLAS.ti).")
@click.option("--json", "as_json", is_flag=True, help="Print what was written as JSON.")
@click.pass_context
def export_qdpx_cmd(
    ctx: click.Context, output: Path, coders: str | None, atlas_names: bool, as_json: bool
) -> None:
    """Export the project as REFI-QDA (.qdpx) for ATLAS.ti, NVivo, MAXQDA, QualCoder.

    Transcripts, the code tree, coder layers (as users), codings with their
    memos, memos and transcript attributes.

    Example: coder export qdpx -o study.qdpx --coders anna,bram
    """
    chosen = [c.strip() for c in coders.split(",") if c.strip()] if coders else None
    report = export_qdpx(project(ctx).store, output, chosen, atlas_names)
    _warn(report.warnings)
    if as_json:
        print_json(report.as_dict())
        return
    click.echo(
        f"Wrote {output}: {report.transcripts} transcripts, {report.codes} codes, "
        f"{report.codings} codings by {', '.join(report.coders) or 'no coders'}, {report.memos} memos, "
        f"{report.coding_memos} memos on codings"
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
@click.option("--flat-names", is_flag=True, help="Keep ATLAS.ti names like A::B as one flat code.")
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
    flat_names: bool,
    as_json: bool,
    base_path: Path | None,
    allow_absolute: bool,
    max_size: int,
) -> None:
    """Import a REFI-QDA project (.qdpx, or a .qde with inline text).

    Text sources become transcripts, users become coders, selections become
    codings; pictures, PDFs, media, sets and links are reported and skipped.
    ATLAS.ti names like `Coke::diet Coke` become `diet Coke` under `Coke`.
    A file exported by coder comes back with its code ids and records.

    Sources outside the archive are read only from --base-path, or anywhere
    with --allow-absolute; the paths written inside the file are not trusted.

    Example: coder import-qdpx study.qdpx --base-path ../texts
    """
    from coder.formats.qdpx_read import SourceAccess

    store = project(ctx).store
    access = SourceAccess(base_path, allow_absolute, max_size)
    with progress_bar("Segmenting", file.stat().st_size // 6) as advance:
        report = import_qdpx(store, file, lang, dry_run, advance, flat_names, access)
    _print_report(report, as_json)


@cli.command("merge")
@click.argument("source", type=click.Path(exists=True, path_type=Path))
@click.option("--update", is_flag=True, help="Take the source's version of codings that differ here.")
@click.option("--dry-run", is_flag=True, help="Show what would be merged; change nothing.")
@click.option("--force", is_flag=True, help="Merge even when SOURCE is another study.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.pass_context
def merge_cmd(
    ctx: click.Context, source: Path, update: bool, dry_run: bool, force: bool, as_json: bool
) -> None:
    """Bring codings, coder-added codes and memos from another copy of the project.

    SOURCE is a project folder (with coder.db), a .qdpx, or a snapshot folder
    (`coder snapshot`; into an empty project it rebuilds the study). Transcripts
    must hold the same text; codings already here are skipped; codings edited
    on both sides are reported with both versions.

    Example: coder merge ../laptop-anna/sociale-teams
    """
    store = project(ctx).store
    with progress_bar("Segmenting", 0) as advance:
        report = merge_project(store, source, update, dry_run, advance, force=force)
    _print_report(report, as_json)


@cli.command("snapshot")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print what was written as JSON.")
@click.pass_context
def snapshot_cmd(ctx: click.Context, directory: Path, as_json: bool) -> None:
    """Write the project as sorted, stable text files (for git, review and archives).

    Taken twice without changes, the folder is byte-identical; one new coding
    is a one-line diff. `coder init P --from DIR` rebuilds the study.

    Example: coder snapshot study
    """
    from coder.services.snapshot import write_snapshot

    report = write_snapshot(project(ctx).store, directory)
    if as_json:
        print_json(report.as_dict())
        return
    click.echo(
        f"Snapshot {directory}: {report.files} files, {len(report.written)} written, "
        f"{len(report.removed)} removed"
    )


@cli.command("sync")
@click.option("--as", "actor", help="Who syncs: commit author and audit actor (default: the last coder).")
@click.option("--remote", default="origin", show_default=True, help="The git remote to sync with.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.pass_context
def sync_cmd(ctx: click.Context, actor: str | None, remote: str, as_json: bool) -> None:
    """Share the project through git: snapshot, commit, pull and merge, push.

    The project folder is a git clone; git tracks only the snapshot in study/.
    Codings edited on both sides are reported with both versions, never
    resolved silently.

    Example: coder sync --as anna
    """
    from coder.services.sync import sync

    store = project(ctx).store
    report = sync(store, actor or store.get_setting("last_coder") or "lead", remote)
    for merged in report.merges:
        _warn(merged.warnings)
    if as_json:
        print_json(report.as_dict())
        return
    added = sum(sum(m.codings_added.values()) for m in report.merges)
    click.echo(
        f"Synced with {report.remote}/{report.branch}: {report.committed} commits, "
        f"{added} codings merged in, pushed"
    )
    _echo_conflicts(report.conflicts)


def _echo_conflicts(conflicts: list[dict[str, object]]) -> None:
    """Each coding edited on both sides, with both versions, so the lead can choose."""
    for c in conflicts:
        click.echo(f"Conflict: coding {c['guid']} of {c['coder']} in {c['transcript']}")
        click.echo(f"  here:   {json.dumps(c['here'], ensure_ascii=False, sort_keys=True)}")
        click.echo(f"  theirs: {json.dumps(c['theirs'], ensure_ascii=False, sort_keys=True)}")
    if conflicts:
        click.echo("Kept the version here; take theirs with coder merge SOURCE --update")


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
    _echo_conflicts(report.conflicts)
