"""Messages that travel up from a screen to the app, which owns navigation.

A screen never pushes another full screen itself: it posts one of these and
the app decides (so that, for instance, a search hit in another transcript
replaces the coding screen rather than stacking a second one).
"""

from __future__ import annotations

from textual.message import Message


class OpenTranscript(Message):
    """Open a transcript on the coding screen, optionally with a span selected."""

    def __init__(self, transcript_id: str, span: tuple[int, int] | None = None) -> None:
        self.transcript_id = transcript_id
        self.span = span
        super().__init__()


class OpenScreen(Message):
    """Open one of the registered extra screens (agreement, review, merge, themes)."""

    def __init__(self, name: str) -> None:
        self.name = name
        super().__init__()
