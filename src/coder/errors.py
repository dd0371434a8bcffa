"""The one family of user-facing errors.

Core code raises ``CoderError`` with *what* went wrong and *where* (file, line,
row); the CLI prints it as one line and exits 1, the TUI shows it in a
notification. Anything else reaching the edges is a bug, not a user error.
"""

from __future__ import annotations


class CoderError(Exception):
    """A problem the user can fix: bad input, an unknown id, a refused action."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message} ({self.hint})" if self.hint else self.message


class NotAProjectError(CoderError):
    """The folder holds no coder project (or a foreign ``coder.db``)."""


class UnknownIdError(CoderError):
    """A transcript, code or coder id that the project does not know."""


class InputFormatError(CoderError):
    """A file that cannot be read as what it claims to be."""
