"""Turns, sentences and lemmas: the only module that talks to spaCy.

spaCy is imported lazily inside functions, so commands that never segment do
not pay its start-up. Pipelines are built once per ``(lang, model)`` and
cached: a named, installed pipeline (``nl_core_news_sm``) when asked for, else
a blank pipeline with the rule-based sentencizer and the lookup lemmatizer
from ``spacy-lookups-data`` — no trained model is needed.

Throughput shapes :func:`segment`. Each turn is cut into its paragraphs
(blank-line separated) and every paragraph of every transcript goes through
one ``nlp.pipe`` stream, so spaCy batches freely and a sentence never crosses
a paragraph or a turn. spaCy's lookup ``lemmatizer`` walks the tokens in
Python, one ``Token`` object each, and takes about twice as long as the
tokenizer and sentencizer together; so for pipelines built from those
components, ``segment`` disables the lemmatizer and the sentencizer and
applies the same rules in one pass over the tokens' lower-case hashes
(``Doc.to_array``), looking each distinct word up once. The result is the
same — a test compares the sentence boundaries with the sentencizer's — and
``segment`` runs faster than a plain ``nlp.pipe`` over the same text with the
full pipeline (``bench/bench_segmentation_quick.py``). Pipelines with a
parser, senter or another lemmatizer run unchanged and their annotations are
read.

Lemmas are lower-case, punctuation and whitespace left out, space-joined — the
form lemma-aware search matches. Lookup tables are keyed on lower-case forms,
so the lower-case form is what is looked up ("Ging" → "gaan"). For Dutch,
simplemma replaces the table ("mensen" → "mens"; :mod:`coder.lemmas` says why).

Dutch abbreviations: spaCy's Dutch tokenizer lists some 1,500 forms with a
trailing period as abbreviations, among them ordinary words ("al.", "dat.",
"vol.", "ver.", "kon."), which glues "Dat weet ik al. Hij komt." into one
sentence. :func:`fix_dutch_abbreviations` drops such a form when the word
before the period is an ordinary word — a Dutch stop word, a form or lemma in
the lookup table, or one of :data:`DUTCH_WORDS_ADDED` ("best", "red", "ov") —
and not one of the abbreviations that stay (:data:`DUTCH_ABBREVIATIONS_KEPT`:
"bijv.", "enz.", "nr.", "prof.", ...). Single letters stay (initials, list
items), except the pronoun "u." ("Dank u."). A few common abbreviations
missing from spaCy ("incl.", "mw.") are added.
"""

from __future__ import annotations

import functools
import re
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from coder.errors import CoderError
from coder.lemmas import better_lemmatizer
from coder.model import Segment, Turn

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

DEFAULT_BATCH_SIZE = 256

# fmt: off
DUTCH_ABBREVIATIONS_KEPT = frozenset((
    "alg", "bet", "bijl", "bijv", "bv", "ca", "co", "dhr", "enz", "etc", "fa", "gem", "incl",
    "int", "inz", "max", "mevr", "min", "nr", "pp", "prof", "prot", "publ", "rect", "resp",
    "toep", "verg", "vert", "vgl", "volg",
))
DUTCH_ABBREVIATIONS_ADDED = ("incl.", "excl.", "mw.", "ong.", "mld.", "m.i.")
# Everyday words listed as abbreviations that the lookup table does not know.
DUTCH_WORDS_ADDED = frozenset(("best", "red", "ov"))
_DUTCH_WORDS = frozenset((
    "de", "het", "een", "en", "ik", "niet", "dat", "van", "je", "wat", "die", "maar", "ook",
    "wel", "nog", "er", "zijn", "heb", "hebben", "naar", "met", "voor", "op", "te", "als", "om",
    "ze", "hij", "zij", "geen", "mijn", "dan", "dus", "want", "omdat", "heel", "echt", "gewoon",
    "nou", "ja", "nee", "hoe", "bij", "uit", "kan", "moet", "wordt", "werd", "mensen", "zo",
))
_ENGLISH_WORDS = frozenset((
    "the", "and", "of", "to", "you", "that", "it", "what", "with", "have", "this", "not", "but",
    "they", "my", "are", "be", "for", "on", "so", "just", "like", "yes", "no", "because",
    "really", "there", "he", "she", "do", "don't", "think", "about", "people", "would",
    "can't", "how",
))
# fmt: on

_BLANK_LINE = re.compile(r"\n[ \t]*\n")
_lock = threading.RLock()
_pipelines: dict[tuple[str, str | None], Language] = {}
_readers: dict[int, _DocReader] = {}
_segmenters: dict[str, tuple[Language, _DocReader]] = {}


def make_pipeline(lang: str, model: str | None = None) -> Language:
    """The cached spaCy pipeline for ``lang``, or for the installed ``model``."""
    key = (lang, model)
    with _lock:
        if key not in _pipelines:
            if model:
                nlp = _load_model(model)
                if nlp.lang == "nl":
                    fix_dutch_abbreviations(nlp)
            else:
                nlp = _blank_pipeline(lang)
            _pipelines[key] = nlp
        return _pipelines[key]


def _load_model(model: str) -> Language:
    """An installed pipeline (name or path), with sentence boundaries guaranteed."""
    import spacy

    try:
        nlp = spacy.load(model)
    except OSError as exc:
        raise CoderError(
            f"spaCy pipeline '{model}' is not installed",
            hint=f"pip install {model}, or omit --model to use the built-in rules",
        ) from exc
    if not {"parser", "senter", "sentencizer"} & set(nlp.pipe_names):
        nlp.add_pipe("sentencizer")
    return nlp


def _blank_pipeline(lang: str) -> Language:
    """Blank pipeline + sentencizer + lookup lemmatizer (when tables exist)."""
    nlp = _blank_language(lang, _lemma_table(lang))
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    try:
        nlp.initialize()
    except ValueError:  # spacy-lookups-data has no lookup table for this language
        nlp.remove_pipe("lemmatizer")
        nlp.initialize()
    return nlp


def _blank_language(lang: str, table: dict[str, str] | None) -> Language:
    """``spacy.blank(lang)``, its Dutch tokenizer built once with the fixed abbreviations.

    Building a tokenizer loads its ~9,000 special cases; replacing its rules
    afterwards (:func:`fix_dutch_abbreviations`) loads them all again, which
    was half of the pipeline's start-up. A subclass of the language whose
    defaults hold the fixed rules gets the same tokenizer in one load.
    """
    from spacy.util import get_lang_class

    try:
        base: Any = get_lang_class(lang)
    except ImportError as exc:
        raise CoderError(f"unknown language '{lang}'", hint="use a language code such as nl or en") from exc
    if lang != "nl":
        return base.from_config()  # type: ignore[no-any-return]
    defaults = base.Defaults
    rules = _dutch_rules(defaults.tokenizer_exceptions, set(defaults.stop_words), table)
    fixed = type("Defaults", (defaults,), {"tokenizer_exceptions": rules})
    language: Any = type(base.__name__, (base,), {"Defaults": fixed})
    return language.from_config()  # type: ignore[no-any-return]


def _lemma_table(lang: str) -> dict[str, str] | None:
    """The lookup lemma table of spacy-lookups-data for ``lang`` as a plain dict, or None.

    A plain dict is what the segmenter needs: spaCy's ``Table`` hashes every
    key into the string store on load (a second of start-up for Dutch) and is
    only used by the lemmatizer component, which segmenting replaces.
    """
    from spacy.util import load_language_data, registry

    if lang not in registry.lookups:
        return None
    paths = registry.lookups.get(lang)
    return dict(load_language_data(paths["lemma_lookup"])) if "lemma_lookup" in paths else None


def _lookup_table(nlp: Language) -> Any:
    """The table of the pipeline's lookup-mode lemmatizer, or None."""
    if "lemmatizer" not in nlp.pipe_names:
        return None
    lemmatizer = nlp.get_pipe("lemmatizer")
    lookups = getattr(lemmatizer, "lookups", None)
    if getattr(lemmatizer, "mode", None) != "lookup" or lookups is None:
        return None
    return lookups.get_table("lemma_lookup") if lookups.has_table("lemma_lookup") else None


def fix_dutch_abbreviations(nlp: Language) -> None:
    """Drop ordinary Dutch words from the tokenizer's abbreviation exceptions."""
    table = _lookup_table(nlp)
    if table is None:
        table = _lemma_table("nl")
    tokenizer: Any = nlp.tokenizer
    tokenizer.rules = _dutch_rules(tokenizer.rules or {}, set(nlp.Defaults.stop_words), table)


def _dutch_rules(rules: dict[str, Any], stop_words: set[str], table: Any) -> dict[str, Any]:
    """Tokenizer exceptions without ordinary words + ".", with the abbreviations spaCy lacks."""
    from spacy.attrs import ORTH

    words = stop_words | DUTCH_WORDS_ADDED | (set(table.values()) if table is not None else set())
    kept = {
        form: tokens
        for form, tokens in rules.items()
        if not _is_ordinary_word_dot(form, stop_words, words, table)
    }
    for form in DUTCH_ABBREVIATIONS_ADDED:
        for variant in (form, form[0].upper() + form[1:]):
            kept[variant] = [{ORTH: variant}]
    return kept


@functools.cache
def _load_dutch_table() -> dict[str, str] | None:
    """The Dutch lookup table, for a pipeline whose lemmatizer has none."""
    return _lemma_table("nl")


def _is_ordinary_word_dot(form: str, stop_words: set[str], words: set[str], table: Any) -> bool:
    """``form`` is one word + "." and that word is not an abbreviation.

    A single letter is an initial or a list item ("J.", "a.") unless it is a
    lower-case stop word ("u.", as in "Dank u.").
    """
    word = form[:-1]
    if not form.endswith(".") or not word.isalpha():
        return False
    if len(word) == 1:
        return word.islower() and word in stop_words
    lower = word.lower()
    if lower in DUTCH_ABBREVIATIONS_KEPT:
        return False
    return lower in words or (table is not None and lower in table)


def detect_language(text: str) -> str:
    """``"nl"`` or ``"en"``, by counting common function words (a tie is ``"nl"``).

    Words both languages share ("is", "in", "we", "was") and the interview
    label "I" are not counted. Only the first 100,000 characters are read.
    """
    words = re.findall(r"[a-z']+", text[:100_000].lower())
    dutch = sum(1 for w in words if w in _DUTCH_WORDS)
    english = sum(1 for w in words if w in _ENGLISH_WORDS)
    return "en" if english > dutch else "nl"


_WORD, _PUNCT, _FINAL, _OPEN, _CLOSE = 0, 1, 2, 3, 4  # token kinds, as the sentence rule sees them
_OPENING, _CLOSING = "([{", ")]}"
# An aside such as "(lacht)" or "[onverstaanbaar]" is this many tokens at most.
_ASIDE_TOKENS = 8


class _DocReader(dict[int, tuple[str, int]]):
    """Reads sentences and lemma strings off a Doc's token arrays.

    As a dict it maps the hash of the token attribute it keys on (the
    lower-case form for a lookup table, the assigned lemma otherwise) to the
    token's lower-case lemma (``""`` for punctuation and whitespace) and its
    kind for the sentence rule, so each distinct word costs one lookup.
    """

    def __init__(self, nlp: Language, table: dict[str, str] | None = None) -> None:
        from spacy.attrs import IS_PUNCT, IS_SPACE, LEMMA, LOWER

        super().__init__()
        vocab: Any = nlp.vocab
        self._strings = vocab.strings
        getters = vocab.lex_attr_getters
        self._is_punct, self._is_space = getters[IS_PUNCT], getters[IS_SPACE]
        names = set(nlp.pipe_names)
        self._table = table if table is not None else _lookup_table(nlp)
        # Where simplemma measured better than the lookup table it replaces it (coder.lemmas).
        self._better = better_lemmatizer(str(nlp.lang)) if self._table is not None else None
        own_lemmas = self._table is not None or "lemmatizer" not in names
        own_sentences = "sentencizer" in names and not {"parser", "senter"} & names
        lookup_lemmatizer = self._table is not None and "lemmatizer" in names
        self.disabled = ["lemmatizer"] * lookup_lemmatizer + ["sentencizer"] * own_sentences
        self.key_attr = LOWER if own_lemmas else LEMMA
        chars = getattr(nlp.get_pipe("sentencizer"), "punct_chars", ()) if own_sentences else ()
        # Sentence-final characters have no case: their lower-case form is their own.
        self._finals = {self._strings[c.lower()] for c in chars}
        self.sentences = self._rule_sentences if own_sentences and own_lemmas else self._read_sentences

    def __missing__(self, key: int) -> tuple[str, int]:
        text = self._strings[key]
        if key in self._finals:
            value = ("", _FINAL)
        elif text in _OPENING or text in _CLOSING:
            value = ("", _OPEN if text in _OPENING else _CLOSE)
        elif self._is_punct(text):
            value = ("", _PUNCT)
        elif self._is_space(text):
            value = ("", _WORD)  # not punctuation: it may start a sentence, as in spaCy
        elif self._better is not None:
            value = (self._better(text.lower()), _WORD)
        else:
            value = (str(self._table.get(text, text) if self._table is not None else text).lower(), _WORD)
        self[key] = value
        return value

    def _rule_sentences(self, doc: Doc) -> Iterator[tuple[int, int, str]]:
        """Sentences by the rule of spaCy's ``Sentencizer.predict``, and their lemmas.

        A sentence starts at the first token after a sentence-final character
        that is neither punctuation nor another sentence-final character. One
        pass over the lower-case hashes, which are also the cache keys.

        Brackets are the exception (spaCy would end "overleg. (" and start
        "lacht) Casuïstiek"): after a sentence end, a short bracketed aside
        ("(lacht)", "[pauze]") stays with the sentence it follows, and any
        other opening bracket starts the next sentence.
        """
        from spacy.attrs import LOWER

        first, seen_final, aside = 0, False, False
        words: list[str] = []
        keys = doc.to_array(LOWER).tolist()
        for i, key in enumerate(keys):
            word, kind = self[key]
            if kind == _FINAL:
                seen_final = True
            elif kind == _CLOSE:
                aside = False
            elif seen_final and not aside and kind != _PUNCT:
                if kind == _OPEN and self._closes_aside(keys, i):
                    aside = True
                else:
                    yield _span(doc, first, i, words)
                    first, words, seen_final = i, [], False
            if word:
                words.append(word)
        if keys:
            yield _span(doc, first, len(keys), words)

    def _closes_aside(self, keys: list[int], start: int) -> bool:
        """The bracket at ``start`` closes within a few tokens, with no bracket between."""
        for key in keys[start + 1 : start + 1 + _ASIDE_TOKENS]:
            kind = self[key][1]
            if kind == _CLOSE:
                return True
            if kind == _OPEN:
                return False
        return False

    def _read_sentences(self, doc: Doc) -> Iterator[tuple[int, int, str]]:
        """Sentences as the pipeline marked them (parser, senter or sentencizer)."""
        from spacy.attrs import IS_PUNCT, IS_SPACE

        rows = doc.to_array([self.key_attr, IS_PUNCT, IS_SPACE]).tolist()
        for sent in doc.sents:
            words = [
                self[key][0] for key, punct, space in rows[sent.start : sent.end] if not (punct or space)
            ]
            yield sent.start_char, sent.end_char, " ".join(w for w in words if w)


def _span(doc: Doc, first: int, stop: int, words: list[str]) -> tuple[int, int, str]:
    """Character span of tokens ``first:stop`` and their joined lemmas."""
    last = doc[stop - 1]
    return doc[first].idx, last.idx + len(last), " ".join(words)


def _reader_for(nlp: Language) -> _DocReader:
    """The reader of a cached pipeline, kept as long as the pipeline."""
    with _lock:
        if id(nlp) not in _readers:
            _readers[id(nlp)] = _DocReader(nlp)
        return _readers[id(nlp)]


def _segmenter(lang: str, model: str | None) -> tuple[Language, _DocReader]:
    """The pipeline and reader that segmenting runs (cached).

    Without a model, segmenting needs only the tokenizer and the
    sentencizer's sentence-final characters: the reader applies the
    sentencizer's rule and looks lemmas up in the plain table itself. So the
    lemmatizer component and spaCy's hashed ``Table`` are never built — the
    same tokens, boundaries and lemmas as :func:`make_pipeline`'s pipeline
    (a test compares them), at a fraction of its start-up.
    """
    if model:
        nlp = make_pipeline(lang, model)
        return nlp, _reader_for(nlp)
    with _lock:
        if lang not in _segmenters:
            table = _lemma_table(lang)
            nlp = _blank_language(lang, table)
            nlp.add_pipe("sentencizer")
            _segmenters[lang] = (nlp, _DocReader(nlp, table))
        return _segmenters[lang]


@dataclass(frozen=True)
class _Chunk:
    """A paragraph of one turn, as fed to spaCy."""

    item: int
    turn: int
    offset: int
    text: str


def segment(
    parsed_items: Sequence[tuple[str, list[Turn]]],
    lang: str,
    model: str | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
) -> list[list[Segment]]:
    """Turn and sentence segments of each ``(text, turns)`` item.

    Per item the segments come in text order, each turn followed by its
    sentences. ``index`` counts turns and sentences separately from 0; a
    sentence's ``meta`` is ``{"turn": turn_index}``. Turns are trimmed of
    surrounding whitespace; a turn with no words gives no segment.
    """
    return list(iter_segments(parsed_items, lang, model, batch_size))


def iter_segments(
    parsed_items: Sequence[tuple[str, list[Turn]]],
    lang: str,
    model: str | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
) -> Iterator[list[Segment]]:
    """:func:`segment`, yielding each item's segments as soon as it is done.

    All items still share one ``nlp.pipe`` stream; use this for progress
    reporting or to store transcripts one by one.
    """
    nlp, reader = _segmenter(lang, model)
    turns_of = [
        [t for t in (_trimmed_turn(text, turn) for turn in turns) if t] for text, turns in parsed_items
    ]
    chunks = list(_chunks([text for text, _ in parsed_items], turns_of, nlp.max_length))
    docs = nlp.pipe((chunk.text for chunk in chunks), batch_size=batch_size, disable=reader.disabled)
    item = 0
    found: list[list[tuple[int, int, str]]] = [[] for _ in turns_of[0]] if turns_of else []
    for chunk, doc in zip(chunks, docs, strict=True):
        while chunk.item > item:
            yield _segments(turns_of[item], found)
            item += 1
            found = [[] for _ in turns_of[item]]
        found[chunk.turn].extend(_trimmed_sentences(reader.sentences(doc), chunk))
    while item < len(turns_of):
        yield _segments(turns_of[item], found)
        item += 1
        found = [[] for _ in turns_of[item]] if item < len(turns_of) else []


def _trimmed_sentences(
    sentences: Iterator[tuple[int, int, str]], chunk: _Chunk
) -> Iterator[tuple[int, int, str]]:
    """Sentences as offsets into the transcript, trimmed of whitespace, never empty."""
    for start, end, lemmas in sentences:
        text = chunk.text[start:end]
        trimmed = text.strip()
        if trimmed:
            first = chunk.offset + start + len(text) - len(text.lstrip())
            yield first, first + len(trimmed), lemmas


def _trimmed_turn(text: str, turn: Turn) -> Turn | None:
    """``turn`` without surrounding whitespace, None if nothing is left."""
    span = text[turn.start : turn.end]
    stripped = span.strip()
    if not stripped:
        return None
    start = turn.start + len(span) - len(span.lstrip())
    if start == turn.start and len(stripped) == len(span):
        return turn
    return Turn(start, start + len(stripped), turn.speaker, turn.meta)


def _chunks(texts: list[str], turns_of: list[list[Turn]], max_length: int) -> Iterator[_Chunk]:
    """The paragraphs of every turn of every item, trimmed, never empty."""
    for item, (text, turns) in enumerate(zip(texts, turns_of, strict=True)):
        for index, turn in enumerate(turns):
            for start, end in paragraph_spans(text, turn.start, turn.end, max_length):
                yield _Chunk(item, index, start, text[start:end])


def paragraph_spans(
    text: str, start: int, end: int, max_length: int = 1_000_000
) -> Iterator[tuple[int, int]]:
    """Whitespace-trimmed, blank-line separated spans of ``text[start:end]``.

    A paragraph longer than ``max_length`` (spaCy's limit) is cut at a line
    break or space: a sentence may then end at the cut, which only happens in
    megabyte-long paragraphs.
    """
    position = start
    for blank in _BLANK_LINE.finditer(text, start, end):
        yield from _trimmed_pieces(text, position, blank.start(), max_length)
        position = blank.end()
    yield from _trimmed_pieces(text, position, end, max_length)


def _trimmed_pieces(text: str, start: int, end: int, max_length: int) -> Iterator[tuple[int, int]]:
    """``text[start:end]`` trimmed, in pieces of at most ``max_length``."""
    piece = text[start:end]
    start, end = start + len(piece) - len(piece.lstrip()), start + len(piece.rstrip())
    while end - start > max_length:
        cut = _cut_point(text, start, start + max_length)
        yield from _trimmed_pieces(text, start, cut, max_length)
        piece = text[cut:end]
        start = cut + len(piece) - len(piece.lstrip())
    if start < end:
        yield start, end


def _cut_point(text: str, start: int, limit: int) -> int:
    """The last line break, else space, before ``limit`` (``limit`` if none)."""
    for separator in ("\n", " "):
        cut = text.rfind(separator, start + 1, limit)
        if cut > start:
            return cut
    return limit


def _segments(turns: list[Turn], found: list[list[tuple[int, int, str]]]) -> list[Segment]:
    """Turn segments, each followed by its sentence segments."""
    segments: list[Segment] = []
    sentence_index = 0
    for index, (turn, sentences) in enumerate(zip(turns, found, strict=True)):
        lemmas = " ".join(lemma for _, _, lemma in sentences if lemma)
        segments.append(Segment("turn", index, turn.start, turn.end, turn.speaker, lemmas, dict(turn.meta)))
        for start, end, sentence_lemmas in sentences:
            meta = {"turn": index}
            segments.append(
                Segment("sentence", sentence_index, start, end, turn.speaker, sentence_lemmas, meta)
            )
            sentence_index += 1
    return segments


def table_lemma(word: str, lang: str) -> str:
    """The lemma spaCy's lookup table gives a lower-case ``word`` (the word itself if none)."""
    table = _lookup_table(make_pipeline(lang)) if lang != "nl" else _load_dutch_table()
    return str(table.get(word, word)).lower() if table is not None else word


@functools.cache
def stop_lemmas(lang: str) -> frozenset[str]:
    """The language's stop words and their lemmas, as segmentation stores them."""
    nlp = make_pipeline(lang)
    words = {w.lower() for w in nlp.Defaults.stop_words}
    reader = _reader_for(nlp)
    lemmas = {reader[nlp.vocab.strings.add(w)][0] for w in words}
    return frozenset(words | lemmas) - {""}


def lemmatize_query(query: str, lang: str, model: str | None = None) -> list[str]:
    """The lower-case lemmas of a search query, as :func:`segment` stores them."""
    nlp, reader = _segmenter(lang, model)
    doc = next(iter(nlp.pipe([query], disable=reader.disabled)))
    return [word for _, _, lemmas in reader.sentences(doc) for word in lemmas.split()]
