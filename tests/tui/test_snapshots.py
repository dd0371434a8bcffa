"""SVG snapshots of the home and coding screens at 80×24 and 120×40.

Deterministic: a fixed clock in the status line, no cursor blink, the same
template project every time. Update with ``pytest --snapshot-update`` after
an intended change, and look at the SVGs before committing them.
"""

from __future__ import annotations

from typing import Any

import pytest
from textual.pilot import Pilot

from coder.storage import Store
from coder.tui.app import make_app

from .conftest import fixed_clock

CODE_TWO_QUOTES = ["enter", "home", "j", "c", *"eigen", "enter", "j", "J", "1", "asterisk", "j"]


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
def test_home(store: Store, snap_compare: Any, size: tuple[int, int]) -> None:
    app = make_app(store, "anna", clock=fixed_clock, cursor_blink=False)
    assert snap_compare(app, terminal_size=size)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
def test_coding_screen(store: Store, snap_compare: Any, size: tuple[int, int]) -> None:
    app = make_app(store, "anna", clock=fixed_clock, cursor_blink=False)
    assert snap_compare(app, terminal_size=size, press=CODE_TWO_QUOTES)


def test_coding_screen_light_theme(store: Store, snap_compare: Any) -> None:
    app = make_app(store, "anna", clock=fixed_clock, cursor_blink=False)
    assert snap_compare(app, terminal_size=(120, 40), press=[*CODE_TWO_QUOTES, "ctrl+t"])


def test_code_picker(store: Store, snap_compare: Any) -> None:
    app = make_app(store, "anna", clock=fixed_clock, cursor_blink=False)

    async def settle(pilot: Pilot[None]) -> None:
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), press=["enter", "c", *"gen"], run_before=settle)


def test_similar_passages(store: Store, snap_compare: Any) -> None:
    """The "more like this" dialog over a coded sentence: passages with the lemmas they share."""
    app = make_app(store, "anna", clock=fixed_clock, cursor_blink=False)

    async def code_then_ask(pilot: Pilot[None]) -> None:
        # run_before runs ahead of any `press`, so the keys go here, then the ranking worker is awaited
        await pilot.press("enter", "home", "j", "j", "c", *"netwerk", "enter", "s")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()

    assert snap_compare(app, terminal_size=(120, 40), run_before=code_then_ask)
