"""R's `r` builds the consensus layer in a thread worker: the screen stays live and reloads when done."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from coder.services.project import open_project
from coder.services.reconcile import review_queue
from coder.tui.screens.review import ReviewScreen

from .test_review import ReviewApp, progress, shown, template  # noqa: F401 (template is a fixture)


async def test_r_builds_the_layer_in_a_worker_while_the_screen_stays_live(
    template: Path,  # noqa: F811
    tmp_path: Path,
) -> None:
    shutil.copytree(template, tmp_path / "p")
    store = open_project(tmp_path / "p")
    # Another writer holds the project: the build waits for it, so it must not wait on the UI thread.
    writer = sqlite3.connect(tmp_path / "p" / "coder.db")
    writer.execute("BEGIN IMMEDIATE")
    app = ReviewApp(ReviewScreen(store, "lead", layer="second"))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("r")
        assert shown(app.review, "#rv-heading") == "building 'second' from anna and bram…"
        assert app.review.check_action("build", ()) is False
        await pilot.press("P")  # keys still answer while the worker waits
        assert app.review.labels.paths
        writer.rollback()
        writer.close()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert progress(app.review) == "1 of 4 · 4 open"
        assert app.review.check_action("build", ()) is True
        assert any("second: " in n.message and "4 disagreements" in n.message for n in app._notifications)
    assert len(review_queue(store, "second")) == 4
    store.close()
