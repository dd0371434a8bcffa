"""The coding terminal UI (Textual). Entry point: ``coder.tui.app.make_app``."""
