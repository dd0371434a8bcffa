"""Everyday commands start without the heavy libraries (issue 12).

Each command runs in its own interpreter, as a user's shell would run it, and
reports which heavy modules ended up in ``sys.modules``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import click
import pytest

from coder.cli import COMMANDS, cli, load_command
from tests.conftest import Coder

HEAVY = ("scipy", "pandas", "numpy", "spacy", "textual", "openpyxl", "docx", "yaml")
SURVEYS = Path(__file__).parent / "data" / "survey"

# Run the command in-process, then print the heavy top-level modules it loaded.
PROBE = """
import json, sys
from coder.cli import cli
try:
    cli.main(args=sys.argv[1:], prog_name="coder", standalone_mode=False)
finally:
    heavy = sorted({m.split(".")[0] for m in sys.modules} & set(json.loads(os.environ["HEAVY"])))
    sys.__stdout__.write("\\nLEAKED " + json.dumps(heavy) + "\\n")
"""


def _leaked(project: Path, *args: str) -> list[str]:
    env = {**os.environ, "HEAVY": json.dumps(HEAVY), "PYTHONPATH": os.pathsep.join(sys.path)}
    proc = subprocess.run(
        [sys.executable, "-c", "import os\n" + PROBE, *args],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    last = [line for line in proc.stdout.splitlines() if line.startswith("LEAKED ")][-1]
    return list(json.loads(last.removeprefix("LEAKED ")))


@pytest.mark.parametrize(
    "args",
    [
        ("--help",),
        ("transcripts", "--json"),
        ("codebook", "show"),
        ("codings", "export", "--coder", "anna", "-o", "out.csv"),
        ("codes", "add", "Werkdruk", "--coder", "anna"),
        ("config",),
        ("config", "report_language", "en"),
        ("survey", "list"),
        ("survey", "list", "--json"),
    ],
    ids=[
        "help",
        "transcripts",
        "codebook-show",
        "codings-export",
        "codes-add",
        "config",
        "config-set",
        "survey-list",
        "survey-list-json",
    ],
)
def test_everyday_commands_leave_heavy_libraries_unloaded(
    loaded: Coder, tmp_path: Path, args: tuple[str, ...]
) -> None:
    rows = tmp_path / "rows.csv"
    rows.write_text("transcript,start,end,code\nT01,0,20,generalistisch\n", encoding="utf-8")
    assert loaded("codings", "import", str(rows), "--coder", "anna").exit_code == 0
    for name in ("bakens", "panel"):  # one aggregate table, one of respondents
        assert loaded("survey", "import", str(SURVEYS / f"{name}.csv"), "--name", name).exit_code == 0
    leaked = _leaked(loaded.root, *args)
    assert leaked == [], f"`coder {' '.join(args)}` imported {', '.join(leaked)}"


def test_registry_help_lines_match_the_commands() -> None:
    for name, (_target, help_line) in COMMANDS.items():
        command = load_command(name)
        assert command.name == name
        assert command.get_short_help_str(limit=150) == help_line, name


def test_help_lists_every_registered_command_and_runs_one() -> None:
    ctx = click.Context(cli)
    assert set(cli.list_commands(ctx)) >= set(COMMANDS)
    assert cli.get_command(ctx, "no-such-command") is None
    transcripts = cli.get_command(ctx, "codes")
    assert isinstance(transcripts, click.Group)
    # subcommands that another module adds to the group are there too
    assert {"add", "suggest", "keep"} <= set(transcripts.list_commands(ctx))


def test_extensions_load_even_when_the_defining_module_was_imported_first() -> None:
    script = (
        "import click, coder.cli.core\n"
        "from coder.cli import cli\n"
        "group = cli.get_command(click.Context(cli), 'codes')\n"
        "print(sorted(group.commands))\n"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True)
    assert "'suggest'" in out.stdout


def test_every_top_level_command_in_the_cli_modules_is_registered() -> None:
    """A command written with ``@cli.command`` but missing from COMMANDS would never load."""
    import ast

    folder = Path(__file__).resolve().parents[1] / "src" / "coder" / "cli"
    missing = []
    for path in sorted(folder.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.FunctionDef):
                continue
            for deco in node.decorator_list:
                call = deco if isinstance(deco, ast.Call) else None
                func = call.func if call else None
                if isinstance(func, ast.Attribute) and getattr(func.value, "id", "") == "cli":
                    name = call.args[0].value if call and call.args else node.name.replace("_", "-")
                    if name not in COMMANDS:
                        missing.append(f"{path.name}: {name}")
    assert missing == [], f"not in coder.cli.COMMANDS: {missing}"


def test_survey_list_counts_without_pandas_match_the_survey(loaded: Coder) -> None:
    from coder.services.project import open_project
    from coder.services.surveys import load_survey, survey_list

    for name in ("bakens", "panel"):
        assert loaded("survey", "import", str(SURVEYS / f"{name}.csv"), "--name", name).exit_code == 0
    store = open_project(loaded.root)
    rows = survey_list(store)
    assert [r["name"] for r in rows] == ["bakens", "panel"]
    for row in rows:
        survey = load_survey(store, row["name"])
        assert (row["n_rows"], row["n_items"]) == (len(survey.data), len(survey.items()))
        assert row["n_items"] > 0
