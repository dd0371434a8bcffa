"""Every command has help text with an example and is named in the README."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import click
import pytest

from coder.cli import cli

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def _commands(group: click.Group, prefix: str = "") -> Iterator[tuple[str, click.Command]]:
    for name, command in sorted(group.commands.items()):
        full = f"{prefix}{name}"
        yield full, command
        if isinstance(command, click.Group):
            yield from _commands(command, f"{full} ")


COMMANDS = list(_commands(cli))


@pytest.mark.parametrize(("name", "command"), COMMANDS, ids=[n for n, _ in COMMANDS])
def test_command_has_help_and_is_in_readme(name: str, command: click.Command) -> None:
    assert command.help and command.help.strip(), f"`coder {name}` has no help text"
    assert f"coder {name}" in README, f"`coder {name}` is not mentioned in README.md"
    if not isinstance(command, click.Group):
        assert "Example:" in command.help, f"`coder {name}` help has no example"
