"""Reconciliation commands: merge suggestions, the consensus layer, review, versions, the log.

Thin commands over ``services.alignment``, ``services.reconcile``,
``services.versions`` and ``services.audit``; each prints a rich table for
people or one JSON document with ``--json``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
from rich.table import Table

from coder.cli import cli, out_console, print_json, project
from coder.cli.core import codebook as codebook_group
from coder.cli.core import codes as codes_group
from coder.services import alignment, audit, versions
from coder.services import reconcile as reconcile_service
from coder.services.agreement import parse_coders

ACTOR = click.option("--actor", default="lead", show_default=True, help="Who takes the action (audit log).")
JSON = click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")


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
    table = Table("score", "merge", "into", "why", title="Merge suggestions, best first")
    for s in found:
        who = f" [dim]({s.source.created_by})[/]" if s.source.created_by else ""
        into = f"{s.target.id}" + (f" [dim]({s.target.created_by})[/]" if s.target.origin == "coder" else "")
        table.add_row(f"{s.score:.2f}", f"{s.source.id}{who}", into, "; ".join(r.text for r in s.reasons))
    out_console.print(table)
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
    if as_json:
        print_json({"codes": rows})
        return
    table = Table("code", "name", "added by", "codings", "definition")
    for r in rows:
        counts = ", ".join(f"{k}:{v}" for k, v in r["codings"].items())
        table.add_row(r["path"], r["name"], r["created_by"] or "", counts, r["description"])
    out_console.print(table)


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


# -- the consensus layer ------------------------------------------------------------


@cli.group(invoke_without_command=True)
@click.option("--coders", help="The two coders to reconcile, e.g. anna,bram.")
@click.option("--into", "into", default="final", show_default=True, help="The consensus layer to build.")
@click.option(
    "--strategy",
    type=click.Choice(["agreed", "union"]),
    default="agreed",
    show_default=True,
    help="agreed: only what both coded; union: everything, disagreements still listed.",
)
@click.option(
    "--span",
    type=click.Choice(["union", "intersection"]),
    default="union",
    show_default=True,
    help="Which characters an agreed coding covers.",
)
@ACTOR
@JSON
@click.pass_context
def reconcile(
    ctx: click.Context, coders: str | None, into: str, strategy: str, span: str, actor: str, as_json: bool
) -> None:
    """Build or update a consensus layer; disagreements are queued for review.

    Rerunning keeps every decision already taken.
    Example: coder reconcile --coders anna,bram --into final --strategy agreed
    """
    if ctx.invoked_subcommand is not None:
        return
    if not coders:
        raise click.UsageError("--coders A,B is required")
    report = reconcile_service.reconcile(
        project(ctx).store, parse_coders(coders), into, strategy, span, actor
    )
    if as_json:
        print_json(report)
        return
    q, w = report["disagreements"], report["codings"]
    carried = f", {q['carried']} carried over" if q["carried"] else ""
    click.echo(
        f"{into}: {report['agreed']} agreed, {q['total']} disagreements "
        f"({q['open']} open, {q['decided']} decided{carried}); {report['n_final_codings']} codings "
        f"(+{w['inserted']} ~{w['updated']} -{w['deleted']})"
    )
    for coder, tids in report["single_coder_transcripts"].items():
        if tids:
            click.echo(f"only {coder} coded: {', '.join(tids)}", err=True)
    if q["open"]:
        click.echo("Review them with: coder review list  (or the review screen in coder tui)", err=True)


@reconcile.command("report")
@click.option("--coders", required=True, help="The two coders, e.g. anna,bram.")
@click.option("--unit", type=click.Choice(["sentence", "turn"]), default="sentence", show_default=True)
@click.option("--with-suggestions", is_flag=True, help="Also count the suggested merges (a preview).")
@click.option("--rebaseline", is_flag=True, help="Take the current figures as the new 'before'.")
@JSON
@click.pass_context
def reconcile_report(
    ctx: click.Context, coders: str, unit: str, with_suggestions: bool, rebaseline: bool, as_json: bool
) -> None:
    """Agreement before and after aligning the codebooks (merges, roll-up to themes).

    Example: coder reconcile report --coders anna,bram --json
    """
    report = alignment.aligned_agreement(
        project(ctx).store, parse_coders(coders), unit, with_suggestions, rebaseline
    )
    if as_json:
        print_json(report)
        return
    out_console.print(aligned_table(report))


def _num(value: Any) -> str:
    return "—" if value is None else f"{round(value, 2) + 0.0:.2f}"


def aligned_table(report: dict[str, Any]) -> Table:
    """Before and after alignment side by side, overall first."""
    a, b = report["coders"]
    table = Table(
        "code", "aligned to", "κ before", "κ after", "α before", "α after", title=f"Agreement {a} × {b}"
    )
    for label, key in (("overall", "after"), ("themes (rolled up)", "themes")):
        before, after = report["overall"]["before"], report["overall"][key]
        table.add_row(
            f"[bold]{label}[/]",
            "",
            _num(before["cohen_kappa"]),
            _num(after["cohen_kappa"]),
            _num(before["krippendorff_alpha"]),
            _num(after["krippendorff_alpha"]),
        )
    for row in report["codes"]:
        before, after = row["before"] or {}, row["after"] or {}
        table.add_row(
            row["code"],
            row["aligned_to"] or "",
            _num(before.get("cohen_kappa")),
            _num(after.get("cohen_kappa")),
            _num(before.get("krippendorff_alpha")),
            _num(after.get("krippendorff_alpha")),
        )
    return table


# -- reviewing disagreements -----------------------------------------------------------


@cli.group()
def review() -> None:
    """Review the disagreements of a consensus layer, one decision at a time."""


@review.command("list")
@click.option("--layer", default="final", show_default=True, help="The consensus layer.")
@click.option(
    "--status",
    type=click.Choice(["open", "decided", "gone", "all"]),
    help="Only these (default: open and decided).",
)
@JSON
@click.pass_context
def review_list(ctx: click.Context, layer: str, status: str | None, as_json: bool) -> None:
    """List disagreements: transcript, span, each coder's codes, the decision.

    Example: coder review list --status open --json
    """
    store = project(ctx).store
    wanted = None if status in (None, "all") else status
    items = (
        store.review_items(layer) if status == "all" else reconcile_service.review_queue(store, layer, wanted)
    )
    docs = [reconcile_service.review_document(store, i) for i in items]
    if as_json:
        print_json(
            {
                "layer": layer,
                "n": len(docs),
                "n_open": sum(d["status"] == "open" for d in docs),
                "disagreements": docs,
            }
        )
        return
    table = Table("id", "transcript", "span", "a", "b", "decision", "note")
    for d in docs:
        codes = [", ".join(c["code"].split("/")[-1] for c in d[s]["codings"]) for s in ("a", "b")]
        table.add_row(
            str(d["id"]),
            d["transcript"],
            f"{d['start']}–{d['end']}",
            codes[0],
            codes[1],
            d["choice"] or f"[yellow]{d['status']}[/]",
            d["note"],
        )
    out_console.print(table)


@review.command("show")
@click.argument("item_id", type=int)
@click.option("--context", default=200, show_default=True, help="Characters of text around the disagreement.")
@JSON
@click.pass_context
def review_show(ctx: click.Context, item_id: int, context: int, as_json: bool) -> None:
    """Show one disagreement with its context and both coders' codings.

    Example: coder review show 12
    """
    store = project(ctx).store
    doc = reconcile_service.review_document(store, store.get_review_item(item_id), context)
    if as_json:
        print_json(doc)
        return
    click.echo(f"#{doc['id']} {doc['transcript']} {doc['start']}–{doc['end']} [{doc['status']}]")
    click.echo(doc["context"]["text"])
    for side in ("a", "b"):
        for c in doc[side]["codings"]:
            click.echo(f"  {side} {doc[side]['coder']}: {c['code']} {c['start']}–{c['end']} “{c['text']}”")
    if doc["choice"]:
        click.echo(
            f"decision: {doc['choice']} by {doc['decided_by']}" + (f" — {doc['note']}" if doc["note"] else "")
        )


@review.command("decide")
@click.argument("item_id", type=int)
@click.option(
    "--accept",
    "choice",
    required=True,
    type=click.Choice(["a", "b", "both", "neither", "edit"]),
    help="Whose codings go into the consensus layer.",
)
@click.option(
    "--edit",
    "edits",
    multiple=True,
    metavar="START:END:CODE",
    help="The codings to use with --accept edit (repeatable).",
)
@click.option("--note", help="Why (kept with the decision and in the log).")
@ACTOR
@click.pass_context
def review_decide(
    ctx: click.Context, item_id: int, choice: str, edits: tuple[str, ...], note: str | None, actor: str
) -> None:
    """Decide a disagreement; the consensus layer is updated at once.

    Example: coder review decide 12 --accept b --note "B's span is the whole answer"
    """
    pieces = [reconcile_service.parse_edit(e) for e in edits]
    item = reconcile_service.decide(project(ctx).store, item_id, choice, actor, note, pieces or None)
    click.echo(f"#{item.id}: {item.choice} ({len(item.result)} codings in {item.layer})")


@review.command("reopen")
@click.argument("item_id", type=int)
@ACTOR
@click.pass_context
def review_reopen(ctx: click.Context, item_id: int, actor: str) -> None:
    """Take a decision back; the disagreement is open again.

    Example: coder review reopen 12
    """
    item = reconcile_service.reopen(project(ctx).store, item_id, actor)
    click.echo(f"#{item.id}: open again")


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
    if as_json:
        print_json({"versions": rows})
        return
    table = Table("label", "kind", "codes", "frozen at", "by", "note")
    for r in rows:
        table.add_row(
            r["label"],
            r["kind"],
            str(r["codes"]),
            r.get("created_at", ""),
            r.get("created_by", ""),
            r.get("note") or r.get("file", ""),
        )
    out_console.print(table)


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
    if as_json:
        print_json({"entries": rows})
    elif csv_file is None:
        table = Table("id", "at", "actor", "action", "target", "before", "after")
        for r in rows:
            table.add_row(
                str(r["id"]),
                r["at"],
                r["actor"],
                r["action"],
                r["target"],
                audit.summary(r["before"], 40),
                audit.summary(r["after"], 50),
            )
        out_console.print(table)
