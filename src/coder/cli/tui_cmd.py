"""The `coder tui` command: opens the coding screen."""

from __future__ import annotations

import click

from coder.cli import ProjectContext, cli, fail, project


def open_tui(context: ProjectContext, coder: str | None) -> None:
    """Run the Textual app on the project (imported lazily: textual is heavy)."""
    try:
        from coder.tui.app import make_app
    except ImportError:
        fail("the coding screen is not available in this installation")
        return
    store = context.store
    make_app(store, coder, confirm_new=True).run()


@cli.command()
@click.option("--coder", help="Your coder name (remembered per project).")
@click.pass_context
def tui(ctx: click.Context, coder: str | None) -> None:
    """Open the coding terminal UI.

    A name the project does not know yet (or one that looks like a known
    coder's, such as Anna for anna) is confirmed before a coder is created.

    Example: coder tui --coder anna
    """
    open_tui(project(ctx), coder)
