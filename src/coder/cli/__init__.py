"""The `coder` command line: a thin click layer over the services.

Each command parses its arguments, calls one service and prints the result
(rich tables for people, ``--json`` for scripts). ``CoderError`` becomes one
line on stderr and exit status 1; nothing here computes or touches SQL.
"""

from __future__ import annotations

import importlib
import json
import sqlite3
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from coder.errors import CoderError
from coder.services.project import open_project, project_root
from coder.storage import Store

if TYPE_CHECKING:
    from rich.console import Console

    err_console: Console
    out_console: Console


def __getattr__(name: str) -> Any:
    """``out_console`` and ``err_console`` on first use: rich costs start-up time."""
    if name in ("out_console", "err_console"):
        from rich.console import Console

        # Markup is off: table cells and tree labels hold user data (a coder
        # named "[/]", an attribute "[anoniem]") that must print as written;
        # styles are given as rich.text.Text objects instead.
        globals()["out_console"] = Console(markup=False)
        globals()["err_console"] = Console(stderr=True, markup=False)
        return globals()[name]
    raise AttributeError(name)


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


class _Commands(dict[str, click.Command]):
    """The group's commands by name; a registered command's module is imported on first use.

    Looking up one name imports one module; listing them all (``items()``,
    iteration) imports every registered module, for tools that walk the tree.
    """

    _done: set[str]

    def _load(self, name: str) -> None:
        # Tracked apart from registration: a module imported directly registers
        # its commands, but the modules extending them may still be due.
        done = self.__dict__.setdefault("_done", set())
        if name in COMMANDS and name not in done:
            load_command(name)
            done.add(name)

    def __getitem__(self, name: str) -> click.Command:
        self._load(name)
        return dict.__getitem__(self, name)

    def get(self, name: str, default: Any = None) -> Any:
        self._load(name)
        return dict.get(self, name, default)

    def __contains__(self, name: object) -> bool:
        return name in COMMANDS or dict.__contains__(self, name)

    def loaded_names(self) -> set[str]:
        """Names registered so far, without importing anything."""
        return set(dict.keys(self))

    def _load_all(self) -> None:
        for name in COMMANDS:
            self._load(name)

    def __iter__(self) -> Iterator[str]:
        self._load_all()
        return dict.__iter__(self)

    def __len__(self) -> int:
        self._load_all()
        return dict.__len__(self)

    def keys(self) -> Any:
        self._load_all()
        return dict.keys(self)

    def values(self) -> Any:
        self._load_all()
        return dict.values(self)

    def items(self) -> Any:
        self._load_all()
        return dict.items(self)


class CoderGroup(click.Group):
    """The top-level group: loads commands on demand; user errors become one line and exit 1."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.commands: _Commands = _Commands(self.commands)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*COMMANDS, *self.commands.loaded_names()})

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The command list from the registry's help lines, without importing a command."""
        rows = [(name, self._help_line(name)) for name in self.list_commands(ctx)]
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)

    def _help_line(self, name: str) -> str:
        if name in COMMANDS:
            return COMMANDS[name][1]
        return self.commands[name].get_short_help_str(limit=150)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except BrokenPipeError:
            raise  # the reader closed the pipe (`| head`): click and main() end quietly
        except CoderError as exc:
            fail(exc.message, exc.hint)
        except sqlite3.OperationalError as exc:
            fail(f"the project database is busy or unreadable ({exc})", "close other coder windows and retry")
        except OSError as exc:
            fail(f"{exc.filename or ''}: {exc.strerror or exc}".lstrip(": "))


def console() -> Console:
    """The rich console for stdout, created (and rich imported) on first use."""
    return __getattr__("out_console")  # type: ignore[no-any-return]


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

    with Progress(
        TextColumn(label), BarColumn(), TimeRemainingColumn(), console=__getattr__("err_console")
    ) as bar:
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


def load_command(name: str) -> click.Command:
    """Import the module of a registered command (and the modules that extend it)."""
    target, _help = COMMANDS[name]
    module_name, attr = target.split(":")
    command = getattr(importlib.import_module(module_name), attr)
    for extension in EXTENSIONS.get(name, ()):
        importlib.import_module(extension)
    assert isinstance(command, click.Command)
    return command


def main() -> None:
    """Console-script entry point; a closed pipe (``coder ... | head``) ends quietly."""
    try:
        cli(prog_name="coder")
    except BrokenPipeError:
        quiet_broken_pipe()


def quiet_broken_pipe() -> None:
    """End after the reader closed stdout: no message, exit status 1 (as click does for the same case).

    Python flushes stdout once more at exit and would print a second broken
    pipe error, so stdout is pointed at /dev/null first (Python docs,
    "Note on SIGPIPE").
    """
    import os

    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    sys.exit(1)


# -- the command registry ---------------------------------------------------
#
# `coder` imports a command's module only when that command runs, so that
# `coder transcripts --json` never pays for pandas, scipy or textual. To add a
# command: write it in a module under ``coder/cli/`` with ``@cli.command()``
# or ``@cli.group()`` as usual, then add ONE line to ``COMMANDS``:
#
#     "name": ("coder.cli.my_cmds:function", "The one-line help shown by --help."),
#
# The help line must equal the first line of the command's docstring (a test
# checks it). A module that adds subcommands to a group defined elsewhere
# (``@codes_group.command(...)``) is listed in ``EXTENSIONS`` under that group.
COMMANDS: dict[str, tuple[str, str]] = {
    "agreement": (
        "coder.cli.analysis:agreement",
        "Inter-coder agreement per code and overall (percent, kappa, alpha, AC1 ...).",
    ),
    "autocode": (
        "coder.cli.assist_cmds:autocode_cmd",
        "Apply a code to every search hit, extended to its sentence or turn (one transaction).",
    ),
    "backup": (
        "coder.cli.integrity_cmds:backup",
        "Copy coder.db consistently (SQLite online backup), safe while others write.",
    ),
    "check": (
        "coder.cli.integrity_cmds:check",
        "Check the project's integrity; exit 1 listing what is wrong.",
    ),
    "codebook": ("coder.cli.core:codebook", "Load, show and export the code tree."),
    "codes": ("coder.cli.core:codes", "Edit the code tree: add, rename, move, merge, delete."),
    "codings": ("coder.cli.core:codings", "Import and export codings as rows (CSV or JSONL)."),
    "config": (
        "coder.cli.export_cmds:config",
        "Show or change a project setting (report_language: nl or en), or the project's leads.",
    ),
    "demo": (
        "coder.cli.core:demo",
        "Build the demo study (Dutch and English interviews, two coders) and open its home screen.",
    ),
    "disagreements": (
        "coder.cli.analysis:disagreements_cmd",
        "List the units where only one of two coders applied a code.",
    ),
    "export": (
        "coder.cli.export_cmds:export",
        "Export quotes per theme, quote tables, code matrices and the joint display.",
    ),
    "import": (
        "coder.cli.core:import_",
        "Import transcripts (.txt .md .docx .vtt .srt); the id is the file stem.",
    ),
    "import-qdpx": (
        "coder.cli.exchange_cmds:import_qdpx_cmd",
        "Import a REFI-QDA project (.qdpx, or a .qde with inline text).",
    ),
    "init": (
        "coder.cli.core:init",
        "Create a project folder (coder.db, codebooks/, transcripts/); again on a project, changes nothing.",
    ),
    "link": (
        "coder.cli.survey_cmds:link",
        "Link a code to a survey item for the joint display (or --remove the link).",
    ),
    "links": (
        "coder.cli.survey_cmds:links",
        "List code-item links from the codebook and from `coder link`, with their status.",
    ),
    "log": (
        "coder.cli.codebook_cmds:log_cmd",
        "The audit log: every action with who, when and the state before and after.",
    ),
    "merge": (
        "coder.cli.exchange_cmds:merge_cmd",
        "Bring codings, coder-added codes and memos from another copy of the project.",
    ),
    "reconcile": (
        "coder.cli.reconcile_cmds:reconcile",
        "Build or update a consensus layer; disagreements are queued for review.",
    ),
    "review": (
        "coder.cli.reconcile_cmds:review",
        "Review the disagreements of a consensus layer, one decision at a time.",
    ),
    "saturation": (
        "coder.cli.assist_cmds:saturation_cmd",
        "New codes per transcript, cumulative, and how many respondents mention each code.",
    ),
    "snapshot": (
        "coder.cli.exchange_cmds:snapshot_cmd",
        "Write the project as sorted, stable text files (for git, review and archives).",
    ),
    "sync": (
        "coder.cli.exchange_cmds:sync_cmd",
        "Share the project through git: snapshot, commit, pull and merge, push.",
    ),
    "suggest": (
        "coder.cli.assist_cmds:suggest_cmd",
        "List passages not yet coded with CODE by this coder, most similar to their codings first.",
    ),
    "survey": (
        "coder.cli.survey_cmds:survey",
        "Import and inspect survey data (.csv, .xlsx, .sav) for the joint display.",
    ),
    "transcripts": (
        "coder.cli.core:transcripts",
        "List transcripts: words, turns, sentences, attributes, codings per coder.",
    ),
    "tui": ("coder.cli.tui_cmd:tui", "Open the coding terminal UI."),
}

EXTENSIONS: dict[str, tuple[str, ...]] = {
    "codebook": ("coder.cli.codebook_cmds",),
    "codes": ("coder.cli.codebook_cmds",),
    "codings": ("coder.cli.integrity_cmds",),
    "export": ("coder.cli.exchange_cmds",),
}

__all__ = ["COMMANDS", "EXTENSIONS", "cli", "console", "load_command", "main"]
