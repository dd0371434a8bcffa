"""What the lead reads outside the screens: the demo's consensus layer, the log, the README."""

from __future__ import annotations

import json
import re
from pathlib import Path

from click.testing import CliRunner

from coder.cli import cli
from coder.services.codings import apply_code, remove_coding
from coder.services.demo import create_demo
from coder.services.project import open_project
from coder.services.reconcile import review_queue
from coder.tui.app import make_app
from coder.tui.screens.home import HomeScreen
from tests.conftest import Coder

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def test_log_names_codings_by_transcript_sentence_and_code(loaded: Coder) -> None:
    store = open_project(loaded.root)
    text = store.get_transcript("T01").text
    start = text.index("We doen veel huisbezoeken")
    kept = apply_code(store, "anna", "T01", start, start + 25, "spanningsveld")
    gone = apply_code(store, "anna", "T01", start, start + 25, "eigen-kracht")
    remove_coding(store, "anna", gone.id)
    sentence = 1 + sum(s.start <= start for s in store.segments("T01", "sentence")[1:])
    entries = json.loads(loaded("log", "--action", "coding", "--json").output)["entries"]
    what = {e["action"] + " " + e["target"]: e["what"] for e in entries}
    assert what[f"coding.add {kept.guid}"] == f"T01 · sentence {sentence} · Spanningsveld"
    assert what[f"coding.remove {gone.guid}"] == f"T01 · sentence {sentence} · Eigen kracht"
    table = loaded("log", "--action", "coding").output
    assert "Spanningsveld" in table and kept.guid not in table


async def test_demo_opens_the_home_screen_with_a_consensus_layer(tmp_path: Path) -> None:
    store = create_demo(tmp_path / "demo")
    assert len(review_queue(store, "final")) > 0, "the review screen has disagreements at once"
    assert store.codings(coder="final"), "and the consensus layer has its agreed codings"
    app = make_app(store, "anna", cursor_blink=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
    store.close()


def test_readme_and_help_say_the_demo_opens_the_home_screen() -> None:
    paragraph = README[README.index("## Start here") : README.index("## The workflow")]
    assert "home screen" in paragraph and "opens the coding screen" not in paragraph
    help_text = CliRunner().invoke(cli, ["demo", "--help"]).output
    assert "home screen" in help_text and not re.search(r"opening the coding screen", help_text)
