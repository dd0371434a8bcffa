"""Re-anchoring codings onto a corrected transcript text."""

from __future__ import annotations

from coder.analysis.anchoring import reanchor

OLD = "I: Hoe gaat het?\n\nR: Goed. De hulpvragen zijn groot.\n\nI: Dank je.\n"


def test_quote_follows_inserted_text() -> None:
    new = "I: Hoe gaat het met je?\n\nR: Goed hoor. De hulpvragen zijn groot.\n\nI: Dank je.\n"
    start = OLD.index("De hulpvragen")
    (anchor,) = reanchor(OLD, new, [(start, start + 13)])
    assert new[anchor.start : anchor.end] == "De hulpvragen" and anchor.flag is None


def test_vanished_words_are_flagged_not_dropped() -> None:
    new = "I: Hoe gaat het?\n\nR: Prima.\n\nI: Dank je.\n"
    start = OLD.index("hulpvragen")
    (anchor,) = reanchor(OLD, new, [(start, start + 10)])
    assert anchor.flag and 0 <= anchor.start < anchor.end <= len(new)


def test_nearest_of_repeated_quotes_is_chosen() -> None:
    old = "ja ja. nee. ja ja."
    new = "ja ja. nee nee. ja ja."
    (anchor,) = reanchor(old, new, [(12, 17)])
    assert anchor.start == 16
