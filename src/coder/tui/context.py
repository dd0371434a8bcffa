"""What every screen of the coding UI is given: the project, the coder's session, a clock.

Screens take a ``TuiContext`` in their constructor (attributes down) instead
of reaching into the app, so a screen can be built and tested on its own and
the app stays a thin host. ``clock`` is injectable so that snapshots show a
fixed "saved at" time.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from coder.services.finding import SearchHit
from coder.services.session import Clock, Session
from coder.storage import Store


@dataclass
class TuiContext:
    """The project, the coding session and the clock shared by all screens."""

    store: Store
    session: Session
    clock: Clock
    last_query: str = ""
    last_hits: list[SearchHit] = field(default_factory=list)
    leads: tuple[str, ...] = ()
    """The project's leads when the UI started (empty: no lead set, everyone may look)."""

    @property
    def sees_others(self) -> bool:
        """Whether this coder may open the lead screens: a lead, or anyone while no lead is set."""
        return not self.leads or self.coder in self.leads

    @property
    def coder(self) -> str:
        """The coder whose work this UI shows (and only theirs)."""
        return self.session.coder

    @property
    def study(self) -> str:
        """The project's name."""
        return self.store.get_setting("name", "") or self.store.root.name
