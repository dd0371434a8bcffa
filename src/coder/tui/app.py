"""The coding terminal UI: the app that hosts the screens.

``make_app(store, coder)`` builds the app around an open project (the
app-factory pattern: no module-level state, tests pass a temp project and a
fixed clock). The app asks for the coder's name when none is given, remembers
it per project, and owns navigation: screens post ``OpenTranscript`` /
``OpenScreen`` messages and the app decides what to push or replace.

Adding a screen (agreement, review, merge, themes, or a new one)
-----------------------------------------------------------------
1. Write ``coder/tui/screens/<name>.py`` with a ``Screen`` subclass whose
   constructor takes one argument, the ``TuiContext`` (``ctx.store``,
   ``ctx.session``, ``ctx.coder``, ``ctx.clock``). Keep SQL in the Store and
   logic in a service; follow the widget file order of DESIGN.md.
2. Add a ``ScreenEntry`` to ``EXTRA_SCREENS`` in ``coder/tui/registry.py``
   (name, module, class, title, help, optional key on the home screen). The
   module is imported lazily, only when the screen is opened; if it is not
   there yet, its key and palette entry are simply hidden. Screens that show
   both coders' work open from the home screen only, never mid-coding.
3. Open it from anywhere with ``self.post_message(OpenScreen(name))`` or the
   action ``app.open_screen('<name>')``; ``q``/``escape`` in the screen should
   ``self.dismiss()`` to come back.
Its bindings then appear in the help screen (``?``) and in the command
palette (``ctrl+p``) automatically (give a ``tooltip`` when the footer's short
``description`` is too terse for the help). A screen may add palette entries
of its own with a ``palette_commands()`` method yielding (title, help,
callback), as the coding screen does for the recent codes.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from functools import partial
from typing import Any, ClassVar

from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.dom import DOMNode
from textual.notifications import SeverityLevel
from textual.screen import Screen

from coder.errors import CoderError
from coder.services import roles
from coder.services import session as ops
from coder.services.session import Clock, Session
from coder.storage import Store
from coder.tui.context import TuiContext
from coder.tui.messages import OpenScreen, OpenTranscript
from coder.tui.registry import EXTRA_SCREENS, lead_keys, lead_only_message, screen_entry
from coder.tui.screens.coding import CodingScreen
from coder.tui.screens.dialogs import ChoiceDialog, NamePrompt
from coder.tui.screens.help import HelpScreen, key_label, sections_for
from coder.tui.screens.home import HomeScreen

DARK, LIGHT = "textual-dark", "textual-light"


class CoderApp(App[None]):
    """Two coders, one codebook, blind: the coding UI of one project."""

    CSS_PATH = "coder.tcss"
    TITLE = "coder"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]  # noqa: RUF012 (textual's own declaration)
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("question_mark", "help", "help", key_display="?"),
        Binding("ctrl+t", "toggle_theme", "light / dark theme", show=False),
        Binding("ctrl+q", "quit", "quit", show=False, priority=True),
    ]

    def __init__(
        self,
        store: Store,
        coder: str | None = None,
        clock: Clock = datetime.now,
        cursor_blink: bool = True,
        confirm_new: bool = False,
    ) -> None:
        super().__init__()
        self.store = store
        self.coder = coder
        self.confirm_new = confirm_new
        self.clock = clock
        self.cursor_blink = cursor_blink
        self.ctx: TuiContext | None = None

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = False,
    ) -> None:
        """A notification shown as written: messages carry user data (names, quotes, file names)."""
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=False)

    def on_mount(self) -> None:
        self.theme = DARK
        if self.coder:
            self._start(self.coder)
        else:
            self._ask_name()

    # -- starting ----------------------------------------------------------------------

    def _ask_name(self, error: str = "") -> None:
        # Never filled in with the last name: on a shared machine, ⏎ would open
        # the last person's layer (a lead's screens, or another coder's work).
        self.push_screen(NamePrompt("", error), self._named)

    def _named(self, name: str | None) -> None:
        if not name:
            self.exit()
        else:
            self._start(name)

    def _start(self, name: str) -> None:
        """Start as ``name``; a name the project does not know yet is confirmed first."""
        try:
            name = roles.check_name(name)
        except CoderError as exc:
            self._ask_name(exc.message)
            return
        if self.confirm_new and name not in roles.known_names(self.store):
            choices = [
                (f"use:{n}", f"I am {n} (coder in this project)")
                for n in roles.similar_names(self.store, name)
            ]
            choices += [("new", f"Create a new coder {name!r}"), ("again", "Type another name")]
            question = f"{name!r} is not a coder in this project yet"
            self.push_screen(ChoiceDialog(question, choices), partial(self._confirmed, name))
            return
        self._begin(name)

    def _confirmed(self, name: str, answer: str | None) -> None:
        if answer == "new":
            self._begin(name)
        elif answer and answer.startswith("use:"):
            self._begin(answer.removeprefix("use:"))
        else:
            self._ask_name()

    def _begin(self, name: str) -> None:
        try:
            coder = ops.remember_coder(self.store, name)
        except CoderError as exc:
            self._ask_name(exc.message)
            return
        self.coder = coder
        leads = tuple(roles.leads(self.store))
        self.ctx = TuiContext(self.store, Session(self.store, coder, self.clock), self.clock, leads=leads)
        self.sub_title = f"coder {coder}"
        self.push_screen(HomeScreen(self.ctx))

    # -- navigation ----------------------------------------------------------------------

    def on_open_transcript(self, message: OpenTranscript) -> None:
        if self.ctx is None:
            return
        if isinstance(self.screen, CodingScreen):
            self.pop_screen()
        self.push_screen(CodingScreen(self.ctx, message.transcript_id, message.span))

    def on_open_screen(self, message: OpenScreen) -> None:
        self.action_open_screen(message.name)

    # -- actions ---------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Keys of extra screens show only when their module is installed and a coder is set."""
        if action == "open_screen":
            entry = screen_entry(str(parameters[0])) if parameters else None
            return bool(entry and entry.available() and self.ctx and (self.ctx.sees_others or not entry.lead))
        return True

    def action_open_screen(self, name: str) -> None:
        """Open a registered extra screen by name (a lead screen only for a lead)."""
        entry = screen_entry(name)
        if entry is None or not entry.available() or self.ctx is None:
            self.notify(f"the {name} screen is not available", severity="warning")
            return
        if entry.lead and not self.ctx.sees_others:
            self.notify(lead_only_message(entry.title, self.ctx.leads), severity="warning")
            return
        self.push_screen(entry.load()(self.ctx))

    def action_help(self) -> None:
        """Show every key of the current screen."""
        if not isinstance(self.screen, HelpScreen):
            refused = [] if self.ctx is None else lead_keys(self.ctx.sees_others)
            self.push_screen(HelpScreen(sections_for(self.screen, self, refused)))

    def action_toggle_theme(self) -> None:
        """Switch between the light and the dark theme."""
        self.theme = LIGHT if self.theme == DARK else DARK

    # -- command palette ----------------------------------------------------------------------

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """Every key of the screen as a command, plus theme, help and the extra screens."""
        yield from super().get_system_commands(screen)
        yield SystemCommand(
            "Light / dark theme", "switch the colour theme (ctrl+t)", self.action_toggle_theme
        )
        yield SystemCommand("Help: all keys", "every key of this screen (?)", self.action_help)
        seen: set[tuple[str, int]] = set()
        for key, active in screen.active_bindings.items():
            yield from self._binding_command(key, active.binding, active.node, active.enabled, seen)
        for widget in screen.query("*"):
            if type(widget).__module__.startswith("coder.tui") and "BINDINGS" in vars(type(widget)):
                for binding in Binding.make_bindings(type(widget).BINDINGS):
                    enabled = widget.check_action(binding.action, ()) is not False
                    yield from self._binding_command(binding.key, binding, widget, enabled, seen)
        extra = getattr(screen, "palette_commands", None)
        for title, help_text, callback in extra() if callable(extra) else ():
            yield SystemCommand(title, help_text, callback)
        for entry in EXTRA_SCREENS if isinstance(screen, HomeScreen) else ():
            if (
                entry.available()
                and self.ctx is not None
                and entry.key is None
                and (self.ctx.sees_others or not entry.lead)
            ):
                yield SystemCommand(entry.title, entry.help, partial(self.action_open_screen, entry.name))

    def _binding_command(
        self, key: str, binding: Binding, node: DOMNode, enabled: bool, seen: set[tuple[str, int]]
    ) -> Iterable[SystemCommand]:
        """One palette command for a key binding (once per action and widget)."""
        what = binding.tooltip or binding.description
        if not enabled or not what or binding.action in ("help", "toggle_theme", "quit"):
            return
        if (what, id(node)) in seen:
            return
        seen.add((what, id(node)))
        run = partial(self.call_later, self.run_action, binding.action, node)
        yield SystemCommand(what[:1].upper() + what[1:], f"key {key_label(key)}", run)


def make_app(
    store: Store,
    coder: str | None = None,
    clock: Clock = datetime.now,
    cursor_blink: bool = True,
    confirm_new: bool = False,
) -> CoderApp:
    """The coding UI on an open project; ``coder`` None asks for a name.

    ``confirm_new`` (what a person at the keyboard gets): a name the project
    does not know is confirmed before a coder is created, offering the known
    names it resembles (``Anna`` for ``anna``).
    """
    return CoderApp(store, coder, clock=clock, cursor_blink=cursor_blink, confirm_new=confirm_new)
