"""Shared fixtures: real project folders with a real coder.db on disk."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from coder.cli import cli
from coder.services.project import init_project
from coder.storage import Store

DATA = Path(__file__).parent / "data"
REPO = Path(__file__).resolve().parents[1]

CODEBOOK_YAML = """\
name: Test codebook
codes:
  - id: generalistisch
    name: Generalistisch werken
    description: Breed kijken naar de vraag.
    children:
      - id: handelingsverlegenheid
        name: Handelingsverlegenheid
      - id: spanningsveld
        name: Spanningsveld
  - id: eigen-kracht
    name: Eigen kracht
    children:
      - id: beperkingen
        name: Beperkingen
"""


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    """An empty project in a temp folder."""
    st, _ = init_project(tmp_path / "proj")
    yield st
    st.close()


@pytest.fixture
def interviews(tmp_path: Path) -> list[Path]:
    """Copies of the small test interviews."""
    folder = tmp_path / "in"
    shutil.copytree(DATA / "interviews", folder)
    return sorted(folder.glob("*.txt"))


@pytest.fixture
def codebook_file(tmp_path: Path) -> Path:
    """A small codebook YAML file."""
    path = tmp_path / "codebook.yaml"
    path.write_text(CODEBOOK_YAML, encoding="utf-8")
    return path


class Coder:
    """Runs the CLI against one project folder, as a script would."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.runner = CliRunner()

    def __call__(self, *args: str) -> Result:
        return self.runner.invoke(cli, ["-p", str(self.root), *args], catch_exceptions=False)


@pytest.fixture
def coder(tmp_path: Path) -> Coder:
    """A CLI runner bound to a fresh project folder."""
    c = Coder(tmp_path / "proj")
    assert c("init").exit_code == 0
    return c


@pytest.fixture
def loaded(coder: Coder, interviews: list[Path], codebook_file: Path) -> Coder:
    """A project with the test interviews and codebook loaded."""
    assert coder("import", *map(str, interviews)).exit_code == 0
    assert coder("codebook", "load", str(codebook_file)).exit_code == 0
    return coder
