"""A footer that shows only whole keys.

Textual's footer lays the keys out in one row and lets the command-palette
key, docked on the right, cover whatever reaches under it, so at 80 columns
a key could read ``e adjust  m not``. This footer hides the first key that
does not fit whole, and every key after it (the screens list their most
important bindings first; the rest are in the help screen and the palette).
"""

from __future__ import annotations

from textual import events
from textual.app import ComposeResult
from textual.widgets import Footer
from textual.widgets._footer import FooterKey


class FittedFooter(Footer):
    """A footer whose visible keys are always whole."""

    def compose(self) -> ComposeResult:
        """The keys, measured and fitted once they are laid out."""
        yield from super().compose()
        self.call_after_refresh(self.fit_keys)

    def on_resize(self, event: events.Resize) -> None:
        """Show every key again, then hide those that no longer fit."""
        for key in self.query(FooterKey):
            key.display = True
        self.call_after_refresh(self.fit_keys)

    def fit_keys(self, tries: int = 5) -> None:
        """Hide the first key that does not fit whole, and every key after it."""
        keys = list(self.query(FooterKey))
        if any(not k.region for k in keys if k.display):
            if tries:  # not laid out yet: measure after the next refresh (a hidden screen never is)
                self.call_after_refresh(self.fit_keys, tries - 1)
            return
        palette = [k for k in keys if k.has_class("-command-palette")]
        edge = palette[0].region.x if palette else self.region.right
        cut = False
        for key in (k for k in keys if not k.has_class("-command-palette")):
            cut = cut or key.region.right > edge
            if key.display == cut:
                key.display = not cut
