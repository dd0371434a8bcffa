"""Codebook alignment and history commands: merge suggestions, added codes, versions, the log.

Thin commands over ``services.alignment``, ``services.versions`` and
``services.audit``; each prints a rich table for people or one JSON document
with ``--json``. They extend the ``codes`` and ``codebook`` groups of
``cli.core`` (split from ``cli.reconcile_cmds``, which keeps the consensus
layer and the review of disagreements).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from coder.cli import cli, console, print_json, project
from coder.cli.common import ACTOR, JSON
from coder.cli.core import codebook as codebook_group
from coder.cli.core import codes as codes_group
from coder.services import alignment, audit, versions

if TYPE_CHECKING:
    from rich.table import Table


def _new_table(*columns: str, **options: Any) -> Table:
    """A rich table (rich is imported here: these modules load with `coder codebook show`)."""
    from rich.table import Table

    return Table(*columns, **options)


Row = dict[str, Any]


def _print_rows(
    key: str, rows: list[Row], as_json: bool, table: Table, cells: Callable[[Row], Sequence[str]]
) -> None:
    """``{key: rows}`` as JSON, or ``table`` with one line of ``cells`` per row."""
    if as_json:
        print_json({key: rows})
        return
    for r in rows:
        table.add_row(*cells(r))
    console().print(table)


# -- codebook merge --------------------------------------------------------------


@codes_group.command("suggest")
@click.option(
    "--min-score",
    default=alignment.MIN_SCORE,
    show_default=True,
    type=click.FloatRange(0, 1),
    help="Hide weaker suggestions.",
)
@click.option(
    "--all", "include_kept", is_flag=True, help="Also list pairs marked as distinct (`coder codes keep`)."
)
@JSON
@click.pass_context
def codes_suggest(ctx: click.Context, min_score: float, include_kept: bool, as_json: bool) -> None:
    """Suggest merges of coder-added codes: similar names, shared lemmas, same sentences.

    Example: coder codes suggest --json
    """
    found = alignment.suggest(project(ctx).store, min_score, include_kept)
    if as_json:
        print_json({"suggestions": [s.as_dict() for s in found]})
        return
    from rich.text import Text

    table = _new_table("score", "merge", "into", "why", title="Merge suggestions, best first")
    for s in found:
        merge = Text(s.source.id).append(f" ({s.source.created_by})" if s.source.created_by else "", "dim")
        into = Text(s.target.id).append(
            f" ({s.target.created_by})" if s.target.origin == "coder" else "", "dim"
        )
        table.add_row(f"{s.score:.2f}", merge, into, "; ".join(r.text for r in s.reasons))
    console().print(table)
    if found:
        click.echo(
            f"Merge one with: coder codes merge {found[0].source.id} --into {found[0].target.id}", err=True
        )


@codes_group.command("added")
@JSON
@click.pass_context
def codes_added(ctx: click.Context, as_json: bool) -> None:
    """List the codes coders added while coding, with definition, coder and codings.

    Example: coder codes added
    """
    rows = alignment.added_codes(project(ctx).store)
    table = _new_table("code", "name", "added by", "codings", "definition")
    _print_rows("codes", rows, as_json, table, _added_cells)


def _added_cells(r: Row) -> tuple[str, ...]:
    counts = ", ".join(f"{k}:{v}" for k, v in r["codings"].items())
    return r["path"], r["name"], r["created_by"] or "", counts, r["description"]


@codes_group.command("keep")
@click.argument("code_id")
@click.argument("other")
@ACTOR
@click.pass_context
def codes_keep(ctx: click.Context, code_id: str, other: str, actor: str) -> None:
    """Mark two codes as distinct, so they are no longer suggested as a merge.

    Example: coder codes keep werkdruk stress
    """
    alignment.keep_separate(project(ctx).store, code_id, other, actor)
    click.echo(f"kept {code_id} and {other} separate")


# -- code tree versions -------------------------------------------------------------------


@codebook_group.command("freeze")
@click.argument("label")
@click.option("--note", default="", help="What this version is, e.g. 'after reconciliation round 1'.")
@ACTOR
@click.pass_context
def codebook_freeze(ctx: click.Context, label: str, note: str, actor: str) -> None:
    """Freeze the working code tree under a label (with the date and who froze it).

    Example: coder codebook freeze final-2024-05 --note "agreed in team meeting"
    """
    version = versions.freeze(project(ctx).store, label, actor, note)
    click.echo(f"froze {len(version.codebook.codes)} codes as {version.label} ({version.created_at})")


@codebook_group.command("versions")
@JSON
@click.pass_context
def codebook_versions(ctx: click.Context, as_json: bool) -> None:
    """List the code tree versions: concept, frozen labels, working.

    Example: coder codebook versions
    """
    rows = versions.list_versions(project(ctx).store)
    table = _new_table("label", "kind", "codes", "frozen at", "by", "note")
    _print_rows("versions", rows, as_json, table, _version_cells)


def _version_cells(r: Row) -> tuple[str, ...]:
    note = r.get("note") or r.get("file", "")
    return r["label"], r["kind"], str(r["codes"]), r.get("created_at", ""), r.get("created_by", ""), note


@codebook_group.command("diff")
@click.argument("old")
@click.argument("new", default="working")
@JSON
@click.pass_context
def codebook_diff(ctx: click.Context, old: str, new: str, as_json: bool) -> None:
    """What changed between two versions (labels, `working`, `concept` or YAML files).

    Example: coder codebook diff concept final
    """
    changes = versions.diff(project(ctx).store, old, new)
    if as_json:
        print_json(changes)
        return
    total = 0
    for kind in ("added", "removed", "merged", "moved", "renamed", "redefined"):
        for change in changes[kind]:
            click.echo(change_line(kind, change))
            total += 1
    if not total:
        click.echo(f"no changes between {old} and {new}")


def change_line(kind: str, c: dict[str, Any]) -> str:
    """One line of a code tree diff, for people."""
    if kind == "added":
        return f"+ {c['code']}  {c['name']}" + (f"  (under {c['parent']})" if c["parent"] else "")
    if kind == "removed":
        return f"- {c['code']}  {c['name']}"
    if kind == "merged":
        return f"» {c['code']} merged into {c['into']}"
    if kind == "moved":
        return f"→ {c['code']} moved from {c['from'] or '(top)'} to {c['to'] or '(top)'}"
    if kind == "renamed":
        was = f" (was id {c['old_id']})" if c["old_id"] != c["code"] else ""
        return f"✎ {c['code']} renamed {c['from']!r} → {c['to']!r}{was}"
    return f"≈ {c['code']} definition changed"


# -- the audit log ---------------------------------------------------------------------------


@cli.command("log")
@click.option("--action", help="Only these actions (a prefix: review, code, codebook.freeze ...).")
@click.option("--actor", help="Only this person's actions.")
@click.option(
    "--csv", "csv_file", type=click.Path(dir_okay=False, path_type=Path), help="Write the log as CSV."
)
@click.option("--limit", type=int, help="Only the last N entries.")
@JSON
@click.pass_context
def log_cmd(
    ctx: click.Context,
    action: str | None,
    actor: str | None,
    csv_file: Path | None,
    limit: int | None,
    as_json: bool,
) -> None:
    """The audit log: every action with who, when and the state before and after.

    Example: coder log --action review --csv decisions.csv
    """
    rows = audit.log_rows(project(ctx).store, action, actor)
    if limit is not None:
        rows = rows[-limit:] if limit > 0 else []
    if csv_file is not None:
        n = audit.write_log_csv(rows, csv_file)
        click.echo(f"wrote {n} entries to {csv_file}", err=True)
    if as_json or csv_file is None:
        _print_rows("entries", rows, as_json, _log_table(), _log_cells)


def _log_table() -> Table:
    """The log as a table: what an entry is about stays whole, before/after are cut to one line."""
    from rich.table import Table

    table = Table(expand=True)
    for name in ("id", "at", "actor", "action"):
        table.add_column(name, no_wrap=True)
    table.add_column("what", ratio=3, min_width=18)
    for name in ("before", "after"):
        table.add_column(name, ratio=1, no_wrap=True, overflow="ellipsis")
    return table


def _log_cells(r: Row) -> tuple[str, ...]:
    before, after = audit.summary(r["before"], 40), audit.summary(r["after"], 50)
    at = r["at"].replace("T", " ")[:16]
    return str(r["id"]), at, r["actor"], r["action"], r["what"] or r["target"], before, after
