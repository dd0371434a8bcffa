"""Project, transcript, codebook, codings and code-tree commands."""

from __future__ import annotations

from pathlib import Path

import click

from coder.cli import cli, console, print_json, progress_bar, project
from coder.cli.common import NEW_CODER, echo_lists
from coder.cli.roles_cmds import init_leads
from coder.services import codebook as codebook_service
from coder.services import codings as codings_service
from coder.services import roles
from coder.services.project import init_project
from coder.services.transcripts import import_transcripts, parse_attr_options, transcript_document

EXISTING_FILE = click.Path(exists=True, dir_okay=False, path_type=Path)
CHANGE_ACTOR = click.option(
    "--actor", default="lead", show_default=True, help="Who makes the change (audit log)."
)


@cli.command()
@click.argument("directory", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option("--name", help="Study name shown in the coding screen.")
@click.option("--rename", is_flag=True, help="Give an existing project the --name (refused otherwise).")
@click.option(
    "--from",
    "from_snapshot",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Rebuild the study from a snapshot folder (coder snapshot).",
)
@click.option("--lead", "leads", multiple=True, metavar="NAME", help="Make NAME a lead (repeat for several).")
@click.pass_context
def init(
    ctx: click.Context,
    directory: Path | None,
    name: str | None,
    rename: bool,
    from_snapshot: Path | None,
    leads: tuple[str, ...],
) -> None:
    """Create a project folder (coder.db, codebooks/, transcripts/); again on a project, changes nothing.

    With --lead, only the leads see other coders' work and the lead screens
    in the coding screen (see `coder config lead`).

    Example: coder init sociale-teams --name "Sociale teams" --lead lisa
    """
    root = directory.resolve() if directory else project(ctx).root
    store, created = init_project(root, name, rename)
    click.echo(f"{'Created' if created else 'Already a project:'} {root}")
    if from_snapshot is not None:
        from coder.services.snapshot_merge import merge_snapshot

        report = merge_snapshot(store, from_snapshot)
        n = sum(report.codings_added.values())
        click.echo(f"Rebuilt from {from_snapshot}: {len(report.transcripts_added)} transcripts, {n} codings")
    init_leads(store, leads)


@cli.command("import")
@click.argument("files", nargs=-1, required=True, type=EXISTING_FILE)
@click.option(
    "--lang",
    type=click.Choice(["nl", "en", "auto"]),
    default="auto",
    show_default=True,
    help="Transcript language.",
)
@click.option(
    "--attr", "attrs", multiple=True, metavar="KEY=VALUE", help="Attribute for every file (repeatable)."
)
@click.option(
    "--replace", is_flag=True, help="Replace a changed transcript's text and re-anchor its codings."
)
@click.option("--model", help="An installed spaCy pipeline to use, e.g. nl_core_news_sm.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.pass_context
def import_(
    ctx: click.Context,
    files: tuple[Path, ...],
    lang: str,
    attrs: tuple[str, ...],
    replace: bool,
    model: str | None,
    as_json: bool,
) -> None:
    """Import transcripts (.txt .md .docx .vtt .srt); the id is the file stem.

    Example: coder import transcripts/*.txt --attr jaar=2017
    """
    store = project(ctx).store
    total = sum(f.stat().st_size for f in files) // 6
    with progress_bar("Importing", total) as advance:
        report = import_transcripts(
            store, list(files), lang, parse_attr_options(attrs), replace, model, advance
        )
    if as_json:
        print_json(report.as_dict())
        return
    echo_lists((("added", report.added), ("replaced", report.replaced), ("unchanged", report.unchanged)))
    if report.flagged_codings:
        click.echo(f"{report.flagged_codings} codings lost their words and are flagged for review", err=True)


@cli.group(invoke_without_command=True)
@click.option("--json", "as_json", is_flag=True, help="Print the list as JSON.")
@click.pass_context
def transcripts(ctx: click.Context, as_json: bool) -> None:
    """List transcripts: words, turns, sentences, attributes, codings per coder.

    Example: coder transcripts --json
    """
    if ctx.invoked_subcommand is not None:
        return
    rows = project(ctx).store.transcript_summaries()
    if as_json:
        print_json(rows)
        return
    from rich.table import Table

    table = Table("id", "lang", "words", "turns", "sentences", "attributes", "coded")
    for r in rows:
        attrs = ", ".join(f"{k}={v}" for k, v in r["attributes"].items())
        coded = ", ".join(f"{k}:{v}" for k, v in r["coded"].items())
        table.add_row(
            r["id"], r["language"], str(r["words"]), str(r["turns"]), str(r["sentences"]), attrs, coded
        )
    console().print(table)


@transcripts.command("show")
@click.argument("transcript_id", required=False)
@click.option("--all", "show_all", is_flag=True, help="Show every transcript (with --json: one JSON list).")
@click.option("--ids", metavar="A,B,...", help="Show the transcripts with these ids, in this order.")
@click.option("--text", "as_text", is_flag=True, help="Print exactly the stored text that offsets index.")
@click.option("--json", "as_json", is_flag=True, help="Print text and segments as JSON.")
@click.pass_context
def transcripts_show(
    ctx: click.Context,
    transcript_id: str | None,
    show_all: bool,
    ids: str | None,
    as_text: bool,
    as_json: bool,
) -> None:
    """Show one transcript, or many at once with --all or --ids.

    With --json and --all or --ids the output is one JSON list of the same
    documents, so a script reads a whole study in one call.

    Example: coder transcripts show R01 --text
    Example: coder transcripts show --ids R01,R02 --json
    """
    store = project(ctx).store
    if (transcript_id is not None) + show_all + (ids is not None) != 1:
        raise click.UsageError("name one transcript, or pass --all or --ids A,B,...")
    if transcript_id is None:
        wanted = (
            store.transcript_ids() if show_all else [i.strip() for i in (ids or "").split(",") if i.strip()]
        )
        if as_text:
            raise click.UsageError("--text prints one transcript; use --json for many")
        docs = [transcript_document(store, tid) for tid in wanted]
        if as_json:
            print_json(docs)
            return
        for doc in docs:
            click.echo(f"== {doc['id']}\n")
            _echo_turns(doc)
        return
    if as_text:
        click.echo(store.get_transcript(transcript_id).text, nl=False)
        return
    doc = transcript_document(store, transcript_id)
    if as_json:
        print_json(doc)
        return
    _echo_turns(doc)


def _echo_turns(doc: dict[str, object]) -> None:
    """Each turn of a transcript document as ``[speaker] text``."""
    for seg in doc["segments"]:  # type: ignore[attr-defined]
        if seg["kind"] == "turn":
            label = seg["speaker"] or "—"
            click.echo(f"[{label}] {doc['text'][seg['start'] : seg['end']]}\n")  # type: ignore[index]


@cli.group()
def codebook() -> None:
    """Load, show and export the code tree."""


@codebook.command("load")
@click.argument("file", type=EXISTING_FILE)
@click.option("--json", "as_json", is_flag=True, help="Print what changed as JSON.")
@click.pass_context
def codebook_load(ctx: click.Context, file: Path, as_json: bool) -> None:
    """Validate a codebook (.yaml/.yml or REFI-QDA .qdc) and merge it into the project.

    Example: coder codebook load codebooks/concept.yaml
    """
    report = codebook_service.load_codebook_file(project(ctx).store, file)
    if as_json:
        print_json(report.as_dict())
    else:
        click.echo(
            f"{report.name}: {len(report.added)} added, {len(report.updated)} updated, {len(report.kept)} kept"
        )


@codebook.command("show")
@click.option("--json", "as_json", is_flag=True, help="Print the tree as JSON.")
@click.pass_context
def codebook_show(ctx: click.Context, as_json: bool) -> None:
    """Show the code tree with definitions and this project's coding counts.

    Example: coder codebook show --json
    """
    from coder.formats.codebook import codebook_to_dict

    book = project(ctx).store.codebook()
    if as_json:
        print_json(codebook_to_dict(book, with_meta=True))
        return
    from rich.text import Text
    from rich.tree import Tree

    tree = Tree(Text(book.name or "Codebook", style="bold"))
    nodes = {None: tree}
    for code in book.tree_order():
        added = f" (added by {code.created_by})" if code.origin == "coder" else ""
        label = Text.assemble((code.name, "bold"), " ", (code.id + added, "dim"))
        nodes[code.id] = nodes[code.parent_id].add(label)  # type: ignore[index]
    console().print(tree)


@codebook.command("export")
@click.option("--format", "fmt", type=click.Choice(["yaml", "qdc"]), default="yaml", show_default=True)
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--with-meta", is_flag=True, help="Keep GUIDs and who added each code (YAML).")
@click.option(
    "--version", "version", help="A frozen label, `concept` or `working` (default: the working tree)."
)
@click.pass_context
def codebook_export(ctx: click.Context, fmt: str, output: Path, with_meta: bool, version: str | None) -> None:
    """Write the working code tree, or any frozen version, as YAML or REFI-QDA .qdc.

    Example: coder codebook export --version final --format qdc -o final.qdc
    """
    if version is not None:
        from coder.services.versions import export_version

        export_version(project(ctx).store, version, fmt, output, with_meta)
    else:
        codebook_service.export_codebook(project(ctx).store, fmt, output, with_meta)
    click.echo(f"wrote {output}")


@cli.group()
def codings() -> None:
    """Import and export codings as rows (CSV or JSONL)."""


@codings.command("import")
@click.argument("file", type=EXISTING_FILE)
@click.option("--coder", required=True, help="Whose codings these are.")
@click.option("--add-missing-codes", is_flag=True, help="Add unknown codes as created by this coder.")
@click.option("--replace", is_flag=True, help="Replace the coder's codings of the transcripts in the file.")
@NEW_CODER
@click.pass_context
def codings_import(
    ctx: click.Context, file: Path, coder: str, add_missing_codes: bool, replace: bool, new_coder: bool
) -> None:
    """Import rows of transcript,start,end,code[,memo] for one coder.

    Rows identical to a coding the coder already has (same transcript, span
    and code) are skipped, so importing a file twice changes nothing. CSV
    files may use `,` or `;` (Dutch Excel) between cells.

    Example: coder codings import anna.csv --coder anna
    """
    store = project(ctx).store
    coder = roles.writing_coder(store, coder, new_coder)
    result = codings_service.import_codings(store, file, coder, add_missing_codes, replace)
    line = f"imported {result['imported']} codings for {coder} ({result['codes_added']} codes added)"
    extra = [
        f"{result[k]} {what}"
        for k, what in (("skipped", "identical skipped"), ("replaced", "replaced"))
        if k in result
    ]
    click.echo(line + (f"; {', '.join(extra)}" if extra else ""))


@codings.command("export")
@click.option("--coder", required=True, help="Whose codings to write.")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.pass_context
def codings_export(ctx: click.Context, coder: str, output: Path) -> None:
    """Write one coder's codings as CSV or JSONL (by extension).

    Example: coder codings export --coder anna -o anna.csv
    """
    n = codings_service.export_codings(project(ctx).store, coder, output)
    click.echo(f"wrote {n} codings to {output}")


@cli.group()
def codes() -> None:
    """Edit the code tree: add, rename, move, merge, delete."""


@codes.command("add")
@click.argument("name")
@click.option("--coder", required=True, help="Who adds the code.")
@click.option("--parent", help="Parent code id.")
@click.option("--description", default="", help="Definition.")
@click.option("--id", "code_id", help="Code id (default: from the name).")
@NEW_CODER
@click.pass_context
def codes_add(
    ctx: click.Context,
    name: str,
    coder: str,
    parent: str | None,
    description: str,
    code_id: str | None,
    new_coder: bool,
) -> None:
    """Add a code as created by a coder.

    Example: coder codes add "Werkdruk" --coder anna --parent organisatie
    """
    store = project(ctx).store
    coder = roles.writing_coder(store, coder, new_coder)
    code = codebook_service.add_code(store, name, coder, parent, description, code_id)
    click.echo(f"added {code.id}")


def _edit_command(name: str, field: str, done: str, help_text: str) -> click.Command:
    """``coder codes NAME CODE_ID VALUE``: set one field of a code and say so."""

    @codes.command(name, help=help_text)
    @click.argument("code_id")
    @click.argument(field)
    @CHANGE_ACTOR
    @click.pass_context
    def command(ctx: click.Context, /, code_id: str, actor: str, **change: str) -> None:
        codebook_service.edit_code(project(ctx).store, code_id, actor, **change)
        click.echo(f"{done} {code_id}")

    return command


codes_rename = _edit_command(
    "rename",
    "name",
    "renamed",
    """Give a code a new name (its id stays).

    Example: coder codes rename privacy "Privacy en gegevensdeling"
    """,
)
codes_describe = _edit_command(
    "describe",
    "description",
    "updated",
    """Change a code's definition.

    Example: coder codes describe privacy "Uitspraken over het delen van gegevens"
    """,
)


@codes.command("move")
@click.argument("code_id")
@click.option("--parent", "parent_id", help="New parent id (omit to make it a theme).")
@CHANGE_ACTOR
@click.pass_context
def codes_move(ctx: click.Context, code_id: str, parent_id: str | None, actor: str) -> None:
    """Move a code under another parent.

    Example: coder codes move werkdruk --parent organisatie
    """
    codebook_service.edit_code(project(ctx).store, code_id, actor, parent_id=parent_id)
    click.echo(f"moved {code_id}")


@codes.command("merge")
@click.argument("sources", nargs=-1, required=True)
@click.option("--into", "into", required=True, help="The code that remains.")
@CHANGE_ACTOR
@click.pass_context
def codes_merge(ctx: click.Context, sources: tuple[str, ...], into: str, actor: str) -> None:
    """Merge codes: their codings move to the target, the sources are removed.

    Example: coder codes merge privacywetgeving --into privacy
    """
    moved = codebook_service.merge_codes(project(ctx).store, list(sources), into, actor)
    for src, n in moved.items():
        click.echo(f"merged {src} into {into} ({n} codings moved)")


@codes.command("delete")
@click.argument("code_id")
@click.option(
    "--codings",
    "codings_action",
    type=click.Choice(["delete", "move"]),
    required=True,
    help="What happens to its codings.",
)
@click.option("--into", help="Target code when --codings move.")
@CHANGE_ACTOR
@click.pass_context
def codes_delete(ctx: click.Context, code_id: str, codings_action: str, into: str | None, actor: str) -> None:
    """Delete a code, saying explicitly what happens to its codings.

    Example: coder codes delete werkbelasting --codings move --into werkdruk
    """
    n = codebook_service.delete_code(project(ctx).store, code_id, codings_action, actor, into)
    click.echo(f"deleted {code_id} ({n} codings {'moved' if codings_action == 'move' else 'deleted'})")


@cli.command()
@click.argument("directory", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option("--no-open", is_flag=True, help="Build the demo project without opening the home screen.")
@click.option(
    "--coder",
    default="anna",
    show_default=True,
    help="Open the home screen as this coder (`lead` opens the lead screens).",
)
def demo(directory: Path | None, no_open: bool, coder: str) -> None:
    """Build the demo study (Dutch and English interviews, two coders) and open its home screen.

    Example: coder demo ~/coder-demo
    """
    from coder.services.demo import create_demo

    target = (directory or Path("coder-demo")).resolve()
    store = create_demo(target)
    click.echo(f"Demo project ready in {target}", err=True)
    click.echo(
        f"anna and bram code blind; the lead screens (A R B T L) open for the lead: "
        f"coder -p {target} tui --coder lead",
        err=True,
    )
    if no_open:
        click.echo(f"Open it with: coder -p {target} tui --coder {coder}", err=True)
        return
    from coder.cli import ProjectContext
    from coder.cli.tui_cmd import open_tui

    context = ProjectContext(target)
    context._store = store
    open_tui(context, coder)
