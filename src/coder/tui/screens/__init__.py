"""Screens of the coding UI: home, coding, dialogs, help, search (and extra screens by name)."""
