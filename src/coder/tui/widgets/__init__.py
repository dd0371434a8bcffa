"""Widgets of the coding UI: the transcript view, the code tree, the one-line strips."""
