"""The extra screens the app can host, imported lazily by name.

Other screens (agreement, disagreement review, codebook merge, themes) live in
their own modules under ``coder/tui/screens/``. Listing them here, rather than
importing them, keeps the coding UI working while a screen is still being
written and keeps their import cost out of start-up. See ``coder.tui.app`` for
the pattern a screen follows.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from textual.screen import Screen

from coder.tui.context import TuiContext


@dataclass(frozen=True)
class ScreenEntry:
    """A screen written in its own module, opened by name (see the module docstring)."""

    name: str
    module: str
    cls: str
    title: str
    help: str
    key: str | None = None
    lead: bool = True
    """A lead screen: it shows other coders' work, so only a lead opens it once a project has one."""

    def available(self) -> bool:
        """Whether the module exists in this installation (looked up once)."""
        return _module_exists(self.module)

    def load(self) -> Callable[[TuiContext], Screen[Any]]:
        """Import the module and return the screen class (called with the context)."""
        screen: Callable[[TuiContext], Screen[Any]] = getattr(importlib.import_module(self.module), self.cls)
        return screen


EXTRA_SCREENS: tuple[ScreenEntry, ...] = (
    ScreenEntry("agreement", "coder.tui.screens.agreement", "AgreementScreen", "Agreement",
                "inter-coder agreement per code, worst first", "A"),
    ScreenEntry("review", "coder.tui.screens.review", "ReviewScreen", "Review disagreements",
                "one disagreement at a time: A | B side by side", "R"),
    ScreenEntry("merge", "coder.tui.screens.merge", "MergeScreen", "Codebook merge",
                "coder-added codes with suggested matches", "B"),
    ScreenEntry("themes", "coder.tui.screens.themes", "ThemesScreen", "Themes",
                "quotes per theme with linked survey items", "T"),
    ScreenEntry("log", "coder.tui.screens.log", "LogScreen", "Audit log",
                "every action: who, when, before/after", "L"),
    ScreenEntry("saturation", "coder.tui.screens.saturation", "SaturationScreen", "Saturation",
                "new codes per transcript and respondents per code (your codings)", "S", lead=False),
)  # fmt: skip


@cache
def _module_exists(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except ModuleNotFoundError:
        return False


def screen_entry(name: str) -> ScreenEntry | None:
    """The registered screen called ``name``, if any."""
    return next((e for e in EXTRA_SCREENS if e.name == name), None)


def lead_keys(sees_others: bool) -> list[str]:
    """The keys of the lead screens that a coder who may not see others' work cannot open."""
    return [] if sees_others else [e.key for e in EXTRA_SCREENS if e.key and e.lead]


def lead_only_message(title: str, leads: tuple[str, ...]) -> str:
    """The one line a coder gets on pressing a lead screen's key: blind coding, and who can look."""
    who = ", ".join(leads)
    return f"Only a lead ({who}) opens {title}: it shows other coders' work"
