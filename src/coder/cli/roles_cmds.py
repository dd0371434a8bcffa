"""Roles on the command line: `coder config lead NAME`, `coder config leads`, `coder init --lead`.

`coder config` stays one command (``KEY [VALUE]``) so the contract's
``coder config report_language nl`` keeps working; the keys ``lead`` and
``leads`` are handed to ``config_roles`` here. The command line itself is not
restricted by roles: it is the lead's tool, run on the lead's copy.
"""

from __future__ import annotations

import click

from coder.errors import CoderError
from coder.services import roles
from coder.storage import Store

ROLE_KEYS = ("lead", "leads")


def config_roles(store: Store, key: str, name: str | None, remove: bool, new: bool) -> None:
    """List the leads, or add (``--remove``: remove) one; prints the leads afterwards."""
    if key == "leads" or name is None:
        if key == "lead" and remove:
            raise CoderError("say whom to remove", "coder config lead --remove NAME")
        current = roles.leads(store)
    elif remove:
        current = roles.remove_lead(store, name)
    else:
        current = roles.add_lead(store, name, new=new)
    click.echo(_describe(current))


def _describe(current: list[str]) -> str:
    if not current:
        return "no lead: every coder sees the lead screens (set one with `coder config lead NAME`)"
    return f"leads: {', '.join(current)} (only they see other coders' work in the coding screen)"


def init_leads(store: Store, names: tuple[str, ...]) -> None:
    """Make each name given to `coder init --lead` a lead (they are new names: no similarity check)."""
    for name in names:
        roles.add_lead(store, name, actor=name, new=True)
    if names:
        click.echo(_describe(roles.leads(store)))
