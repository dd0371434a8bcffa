"""Roles: who leads a project, and whose names a typed coder name might mean.

A project has coders and, once someone is made one, leads. Only a lead sees
other coders' work and the lead screens in the terminal UI; a project without
a lead keeps the open behaviour of a two-person team (everyone may look), and
the home screen says so. The command line stays open either way: it is the
lead's tool, run on the lead's copy of the project.

The leads are a JSON list in the project settings rather than a column of
``coders``: a lead need not code, and a coder layer without codings would
count as a coder in agreement and alignment.

Coder names are typed by hand, so ``Anna``, ``Änna`` or ``anan`` next to an
existing ``anna`` is almost always a slip that would start an empty, silent
second coder; ``similar_names`` finds such names (case, accents, small typos)
so the UI can ask first.
"""

from __future__ import annotations

import json

from rapidfuzz.distance import DamerauLevenshtein

from coder.errors import CoderError
from coder.naming import check_coder_name
from coder.services.finding import fold
from coder.storage import Store

LEADS_SETTING = "leads"
MAX_TYPO = 2  # edits (insert, delete, substitute, swap) that still look like a slip


def leads(store: Store) -> list[str]:
    """The project's leads, sorted (empty: no lead set)."""
    raw = json.loads(store.get_setting(LEADS_SETTING) or "[]")
    return sorted(str(name) for name in raw)


def is_lead(store: Store, name: str) -> bool:
    """Whether ``name`` is one of the project's leads."""
    return name in leads(store)


def sees_others(store: Store, name: str) -> bool:
    """Whether ``name`` may see other coders' work: a lead, or anyone while no lead is set."""
    current = leads(store)
    return not current or name in current


def check_name(name: str) -> str:
    """A coder or lead name as stored: one word without '/' (CoderError otherwise)."""
    name = name.strip()
    if not name:
        raise CoderError("a coder needs a name", "type the name you code under, e.g. anna")
    if any(ch.isspace() for ch in name) or "/" in name:
        raise CoderError(f"coder name {name!r} has spaces or '/'", "use one word, e.g. anna or bram")
    return name


def add_lead(store: Store, name: str, actor: str = "lead", new: bool = False) -> list[str]:
    """Make ``name`` a lead; a name that looks like a known one is refused unless ``new``."""
    name = check_name(name)
    current = leads(store)
    if name in current:
        return current
    near = similar_names(store, name)
    if near and not new:
        raise CoderError(
            f"{name!r} looks like {', '.join(repr(n) for n in near)} in this project",
            f"use that spelling, or add --new if {name} is someone else",
        )
    with store.transaction():
        store.set_setting(LEADS_SETTING, json.dumps(sorted([*current, name])))
        store.log(actor, "lead.add", name)
    return leads(store)


def remove_lead(store: Store, name: str, actor: str = "lead") -> list[str]:
    """Make ``name`` a coder again (error if not a lead)."""
    current = leads(store)
    if name not in current:
        hint = f"leads: {', '.join(current)}" if current else "this project has no lead"
        raise CoderError(f"{name!r} is not a lead", hint)
    with store.transaction():
        store.set_setting(LEADS_SETTING, json.dumps([n for n in current if n != name]))
        store.log(actor, "lead.remove", name)
    return leads(store)


def writing_coder(store: Store, name: str, new: bool = False) -> str:
    """``name`` checked before codings or codes are written under it.

    A coder layer the project has (a consensus layer included) or a lead is
    used as it is; a name that merely looks like a known one (``Anna`` beside
    ``anna``) is refused unless ``new`` says it is a genuinely new person, so a
    command line slip never starts a silent second coder. The name rule is
    the command line's own (``check_coder_name``: trimmed, no ','), as before.
    """
    name = check_coder_name(name)
    if name in _layer_names(store) or not (near := similar_names(store, name)) or new:
        return name
    raise CoderError(
        f"{name!r} looks like {', '.join(repr(n) for n in near)}, a coder in this project",
        f"use that spelling, or add --new-coder if {name} is someone else",
    )


def existing_coder(store: Store, name: str) -> str:
    """``name`` if it is a coder layer of the project; a ``CoderError`` naming the look-alikes otherwise."""
    name = check_coder_name(name)
    if name in _layer_names(store):
        return name
    near = similar_names(store, name)
    hint = (
        f"did you mean {' or '.join(near)}?"
        if near
        else f"coders: {', '.join(_layer_names(store)) or 'none yet'}"
    )
    raise CoderError(f"no coder {name!r} in this project", hint)


def _layer_names(store: Store) -> list[str]:
    """Every coder layer, consensus layers included."""
    return [c["name"] for c in store.coders()]


def known_names(store: Store) -> list[str]:
    """Every person the project knows: coder layers (not consensus layers) and leads."""
    people = {c["name"] for c in store.coders() if c["kind"] == "coder"}
    return sorted(people | set(leads(store)))


def similar_names(store: Store, name: str) -> list[str]:
    """Known names that ``name`` is not, but differs from only by case, accents or a small typo."""
    if name in known_names(store):
        return []
    typed = fold(name)
    return [known for known in known_names(store) if _looks_alike(typed, fold(known))]


def _looks_alike(typed: str, known: str) -> bool:
    """Same folded name, or a few edits apart (fewer for short names, so 'bo' is not 'jo')."""
    if typed == known:
        return True
    allowed = min(MAX_TYPO, max(len(typed), len(known)) // 4)
    return allowed > 0 and DamerauLevenshtein.distance(typed, known, score_cutoff=allowed) <= allowed
