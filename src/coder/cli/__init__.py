"""The `coder` command line: a thin click layer over the services.

Each command parses its arguments, calls one service and prints the result
(rich tables for people, ``--json`` for scripts). ``CoderError`` becomes one
line on stderr and exit status 1; nothing here computes or touches SQL.
"""

from __future__ import annotations

import json
import sqlite3
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click
from rich.console import Console

from coder.errors import CoderError
from coder.services.project import open_project, project_root
from coder.storage import Store

err_console = Console(stderr=True)
out_console = Console()


class ProjectContext:
    """The project folder of this invocation; the store opens on first use."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._store: Store | None = None

    @property
    def store(self) -> Store:
        """The open project (NotAProjectError when the folder has none)."""
        if self._store is None:
            self._store = open_project(self.root)
        return self._store


class CoderGroup(click.Group):
    """A click group that turns user errors into one line and exit 1."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except CoderError as exc:
            fail(exc.message, exc.hint)
        except sqlite3.OperationalError as exc:
            fail(f"the project database is busy or unreadable ({exc})", "close other coder windows and retry")
        except OSError as exc:
            fail(f"{exc.filename or ''}: {exc.strerror or exc}".lstrip(": "))


def fail(message: str, hint: str | None = None) -> None:
    """Print one error line on stderr and exit 1."""
    line = f"Error: {message}" + (f" — {hint}" if hint else "")
    click.echo(line, err=True)
    sys.exit(1)


def print_json(data: Any) -> None:
    """One JSON document on stdout."""
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


@contextmanager
def progress_bar(label: str, total: int) -> Iterator[Callable[[int], None]]:
    """A rich progress bar on stderr when it is a terminal; a no-op otherwise."""
    if not sys.stderr.isatty() or total <= 0:
        yield lambda _n: None
        return
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    with Progress(TextColumn(label), BarColumn(), TimeRemainingColumn(), console=err_console) as bar:
        task = bar.add_task(label, total=total)
        yield lambda n: bar.advance(task, n)


def project(ctx: click.Context) -> ProjectContext:
    """The ProjectContext of the running command."""
    obj = ctx.find_object(ProjectContext)
    assert obj is not None
    return obj


@click.group(cls=CoderGroup, invoke_without_command=True)
@click.option(
    "-p",
    "--project",
    "project_dir",
    metavar="DIR",
    help="Project folder (default: $CODER_PROJECT or the current folder).",
)
@click.version_option(package_name="coder")
@click.pass_context
def cli(ctx: click.Context, project_dir: str | None) -> None:
    """coder — qualitative interview coding in the terminal.

    Two coders code the same transcripts blind, the lead coder measures
    agreement and reconciles, the analyst exports quotes per theme and a joint
    display with survey figures. Run `coder demo` to see it all at once.
    `coder` alone inside a project opens the coding screen.
    """
    ctx.obj = ProjectContext(project_root(project_dir))
    if ctx.invoked_subcommand is None:
        from coder.cli.tui_cmd import open_tui

        open_tui(ctx.obj, None)


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="coder")


from coder.cli import (  # noqa: E402  (commands register on import)
    analysis,
    assist_cmds,
    codebook_cmds,
    core,
    exchange_cmds,
    export_cmds,
    reconcile_cmds,
    survey_cmds,
    tui_cmd,
)

__all__ = [
    "analysis",
    "assist_cmds",
    "cli",
    "codebook_cmds",
    "core",
    "exchange_cmds",
    "export_cmds",
    "main",
    "reconcile_cmds",
    "survey_cmds",
    "tui_cmd",
]
