"""Reconciliation commands: the consensus layer, agreement after alignment, review.

Thin commands over ``services.reconcile`` and ``services.alignment``; each
prints a rich table for people or one JSON document with ``--json``. Merge
suggestions, code tree versions and the log are in ``cli.codebook_cmds``.
"""

from __future__ import annotations

from typing import Any

import click
from rich.table import Table
from rich.text import Text

from coder.cli import cli, out_console, print_json, project
from coder.cli.common import ACTOR, JSON
from coder.cli.labels import shorten_paths, shortest_width
from coder.services import alignment
from coder.services import reconcile as reconcile_service
from coder.services.agreement import parse_coders

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
    out_console.print(aligned_table(report, out_console.width))


def _num(value: Any) -> str:
    return "—" if value is None else f"{round(value, 2) + 0.0:.2f}"


_FIGURES = 22 + 4 * 3 + 1
"""Width of everything but the label columns: four figure columns (headings), padding, rules."""


def aligned_table(report: dict[str, Any], width: int = 10_000) -> Table:
    """Before and after alignment side by side, overall first; code paths shortened to fit ``width``.

    The "aligned to" column is left out when no code was aligned, to leave its room to the codes.
    """
    a, b = report["coders"]
    table = Table(title=f"Agreement {a} × {b}")
    targets = [r["aligned_to"] or "" for r in report["codes"]]
    room = width - _FIGURES - (6 if any(targets) else 3)
    codes, targets = _fitted_labels([r["code"] for r in report["codes"]], targets, room)
    table.add_column("code", min_width=min(max(map(len, codes), default=4), room), overflow="fold")
    if any(targets):
        table.add_column("aligned to", overflow="fold")
    # Two-line headings keep the figure columns narrow, leaving room for the code paths.
    for name in ("κ\nbefore", "κ\nafter", "α\nbefore", "α\nafter"):
        table.add_column(name, no_wrap=True)
    for label, key in (("overall", "after"), ("themes (rolled up)", "themes")):
        before, after = report["overall"]["before"], report["overall"][key]
        figures = [before["cohen_kappa"], after["cohen_kappa"]]
        figures += [before["krippendorff_alpha"], after["krippendorff_alpha"]]
        table.add_row(Text(label, style="bold"), *([""] if any(targets) else []), *map(_num, figures))
    for row, code, target in zip(report["codes"], codes, targets, strict=True):
        before, after = row["before"] or {}, row["after"] or {}
        figures = [before.get("cohen_kappa"), after.get("cohen_kappa")]
        figures += [before.get("krippendorff_alpha"), after.get("krippendorff_alpha")]
        table.add_row(code, *([target] if any(targets) else []), *map(_num, figures))
    return table


def _fitted_labels(codes: list[str], targets: list[str], room: int) -> tuple[list[str], list[str]]:
    """The code and aligned-to paths, shortened from the left to share ``room`` columns."""
    if not any(targets):
        return shorten_paths(codes, room), targets
    target_width = max(len("aligned to"), min(max(map(len, targets)), room // 3))
    target_width = max(target_width, shortest_width([t for t in targets if t]))
    shown = shorten_paths(targets, target_width)
    return shorten_paths(codes, room - target_width), [t and s for t, s in zip(targets, shown, strict=True)]


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
            d["choice"] or Text(d["status"], style="yellow"),
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
