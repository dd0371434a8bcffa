"""Options and printing helpers that several command modules share.

The package ``__init__`` holds the group, the error handling and JSON
output; what lives here is smaller: the ``--actor`` and ``--json`` options of
the reconciliation and codebook commands, ``--new-coder`` of the
commands that write under a typed coder name, warnings, and the lines that list
what an import or a merge added, so that every command words them alike.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import click

ACTOR = click.option("--actor", default="lead", show_default=True, help="Who takes the action (audit log).")
JSON = click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
NEW_CODER = click.option(
    "--new-coder",
    is_flag=True,
    help="--coder is a new person, although the name looks like a known coder's (Anna beside anna).",
)


def warn(message: str) -> None:
    """One warning line on stderr, so that stdout holds only results."""
    click.echo(f"Warning: {message}", err=True)


def echo_lists(lists: Iterable[tuple[str, Sequence[str]]]) -> None:
    """One line ``label: a, b, c`` per non-empty list, in the order given."""
    for label, items in lists:
        if items:
            click.echo(f"{label}: {', '.join(items)}")
