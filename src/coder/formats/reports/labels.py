"""The words of exported documents, in Dutch and English.

A report draft is handed to colleagues in the study's language, so every
heading and label a writer prints comes from here, looked up by a short key.
Numbers are written the way that language writes them (``4,6`` in Dutch).
Tables meant for R or SPSS keep stable English column names instead: they
are data, not prose, and scripts refer to them.
"""

from __future__ import annotations

from typing import Literal

Language = Literal["nl", "en"]
LANGUAGES: tuple[Language, ...] = ("nl", "en")

_WORDS: dict[str, tuple[str, str]] = {
    # key: (nl, en)
    "quotes_title": ("Citaten per thema", "Quotes per theme"),
    "joint_title": ("Joint display: thema's en enquêtecijfers", "Joint display: themes and survey figures"),
    "contents": ("Inhoud", "Contents"),
    "study": ("Onderzoek", "Study"),
    "coder": ("Codeerlaag", "Coding layer"),
    "created": ("Gemaakt op", "Created on"),
    "selection": ("Selectie", "Selection"),
    "all_transcripts": ("alle transcripten", "all transcripts"),
    "respondents_in_selection": ("respondenten in de selectie", "respondents in the selection"),
    "definition": ("Definitie", "Definition"),
    "quote": ("citaat", "quote"),
    "quotes": ("citaten", "quotes"),
    "respondent": ("respondent", "respondent"),
    "respondents": ("respondenten", "respondents"),
    "from": ("van", "from"),
    "incl_sub": ("inclusief subthema's", "including subthemes"),
    "direct": ("direct bij deze code", "coded here directly"),
    "all_below": ("alle in de subthema's hieronder", "all in the subthemes below"),
    "shown_of": ("{shown} van {total} citaten getoond", "{shown} of {total} quotes shown"),
    "key_quote": ("kerncitaat", "key quote"),
    "turn": ("beurt", "turn"),
    "position": ("positie", "position"),
    "context": ("Voorafgaande vraag", "Preceding question"),
    "no_quotes": ("Geen citaten.", "No quotes."),
    "theme": ("Thema", "Theme"),
    "qualitative": ("Interviews", "Interviews"),
    "quantitative": ("Enquête", "Survey"),
    "exemplars": ("Voorbeeldcitaten", "Exemplar quotes"),
    "linked_items": ("Gekoppelde enquêtevragen", "Linked survey items"),
    "no_items": ("Geen gekoppelde enquêtevragen.", "No linked survey items."),
    "item": ("Vraag", "Item"),
    "survey": ("Enquête", "Survey"),
    "figures": ("Cijfers", "Figures"),
    "mean": ("gemiddelde", "mean"),
    "agree": ("% eens", "% agree"),
    "change": ("verandering", "change"),
    "direction": ("Richting", "Direction"),
    "up": ("stijgt", "rises"),
    "down": ("daalt", "falls"),
    "flat": ("geen significant verschil", "no significant difference"),
    "aggregate": ("tabel met cijfers per vraag", "table of figures per item"),
    "respondent_data": ("antwoorden van respondenten", "respondent answers"),
    "grouped_by": ("per", "by"),
    "significance": (
        "* p < 0,05; ** p < 0,01; *** p < 0,001 (tweezijdige Mann-Whitney U-toets, "
        "eerste tegen laatste groep; tussen opeenvolgende groepen in de tabel).",
        "* p < .05; ** p < .01; *** p < .001 (two-sided Mann-Whitney U test, "
        "first against last group; between consecutive groups in the table).",
    ),
    "aggregate_note": (
        "Cijfers uit een tabel met gemiddelden: geen toets mogelijk.",
        "Figures from a table of aggregates: no test possible.",
    ),
    "chart_of": ("Staafdiagram van", "Bar chart of"),
    "via": ("via", "via"),
    "codebook_codings": ("Coderingen", "Codings"),
    "codebook_note": ("Notitie", "Note"),
    "codebook_absorbed": ("Samengevoegd", "Absorbed"),
    "not_coded": ("niet gecodeerd", "not coded"),
}


def word(language: str, key: str, **values: object) -> str:
    """The text for ``key`` in ``language`` (English when the language is unknown)."""
    nl, en = _WORDS[key]
    text = nl if language == "nl" else en
    return text.format(**values) if values else text


def number(language: str, value: float | None, digits: int = 1) -> str:
    """A figure as that language writes it: ``4,6`` in Dutch, ``4.6`` in English."""
    if value is None:
        return "–"
    text = f"{value:.{digits}f}"
    return text.replace(".", ",") if language == "nl" else text


def signed(language: str, value: float | None, digits: int = 1) -> str:
    """A change with its sign: ``+0,2`` / ``−0.3``."""
    if value is None:
        return "–"
    sign = "+" if value > 0 else "−" if value < 0 else "±"
    return sign + number(language, abs(value), digits)


def count(language: str, n: int, singular: str, plural: str) -> str:
    """``1 citaat`` / ``3 citaten``: a count with the word for it."""
    return f"{n} {word(language, singular if n == 1 else plural)}"


ARROWS = {"up": "↑", "down": "↓", "flat": "→"}
"""Direction of change as an arrow, beside the significance mark."""
