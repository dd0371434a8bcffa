"""A coding session: one coder working through transcripts, with undo.

The terminal UI is a thin shell over this module, so everything a coder can do
on the coding screen can be tested and scripted without a terminal:

- ``Session`` performs each action through a service (one committed
  transaction) and returns a ``Change`` that says exactly what changed, so the
  screen updates in place instead of reloading the project. Applying a code
  therefore costs the same in a tiny project and in a huge one.
- Every action pushes a ``Step`` holding two closures that undo and redo it
  through the same services; coding ids survive undo/redo because a removed
  coding is restored with its original id and GUID.

What the screen reads lives next door: a transcript as sentences and turns,
the selection and coverage in ``coder.services.reading``; the blind codebook,
fuzzy code filtering, search and per-transcript progress in
``coder.services.finding``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from coder.errors import CoderError
from coder.model import Code, Coding
from coder.naming import check_coder_name
from coder.services import autocode
from coder.services import codebook as codebook_service
from coder.services import codings as coding_service
from coder.services.roles import check_name
from coder.storage import Store

Clock = Callable[[], datetime]
MAX_RECENT = 9


@dataclass(frozen=True)
class Change:
    """What one action (or its undo) changed, for a screen to apply in place.

    A changed coding appears in ``removed`` (old state) and ``added`` (new
    state); ``codes`` are codes added or edited, ``dropped_codes`` code ids
    that no longer exist.
    """

    label: str
    saved_at: datetime
    added: tuple[Coding, ...] = ()
    removed: tuple[Coding, ...] = ()
    codes: tuple[Code, ...] = ()
    dropped_codes: tuple[str, ...] = ()
    memo: tuple[str, str, str] | None = None
    done: tuple[str, bool] | None = None


@dataclass(frozen=True)
class Step:
    """An undoable action: how to take it back and how to do it again."""

    label: str
    undo: Callable[[], Change]
    redo: Callable[[], Change]


def last_coder(store: Store) -> str | None:
    """The coder name last used in this project, if any."""
    return store.get_setting("last_coder")


def remember_coder(store: Store, name: str) -> str:
    """Register ``name`` as a coder and remember it for this project."""
    name = check_name(check_coder_name(name))
    with store.transaction():
        store.ensure_coder(name)
        store.set_setting("last_coder", name)
    return name


@dataclass
class Session:
    """One coder's actions in one sitting, with undo/redo and recent codes."""

    store: Store
    coder: str
    clock: Clock = datetime.now
    recent: list[str] = field(default_factory=list)
    _undo: list[Step] = field(default_factory=list)
    _redo: list[Step] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.recent:
            self.recent = self.store.recent_code_ids(self.coder, MAX_RECENT)

    # -- undo and redo ---------------------------------------------------------

    @property
    def can_undo(self) -> bool:
        """Whether there is an action to undo."""
        return bool(self._undo)

    @property
    def can_redo(self) -> bool:
        """Whether there is an undone action to redo."""
        return bool(self._redo)

    def undo(self) -> Change:
        """Take back the last action; its Change says what was restored."""
        if not self._undo:
            raise CoderError("nothing to undo")
        step = self._undo[-1]
        change = step.undo()
        self._redo.append(self._undo.pop())
        return dataclasses.replace(change, label=f"undone: {step.label}")

    def redo(self) -> Change:
        """Do the last undone action again."""
        if not self._redo:
            raise CoderError("nothing to redo")
        step = self._redo[-1]
        change = step.redo()
        self._undo.append(self._redo.pop())
        return dataclasses.replace(change, label=f"redone: {step.label}")

    def _push(self, step: Step, change: Change) -> Change:
        self._undo.append(step)
        self._redo.clear()
        return change

    def _change(self, label: str, **parts: Any) -> Change:
        return Change(label, self.clock(), **parts)

    # -- codings ----------------------------------------------------------------

    def apply(self, transcript_id: str, start: int, end: int, code_id: str) -> Change:
        """Apply a code to a span of a transcript."""
        coding = coding_service.apply_code(self.store, self.coder, transcript_id, start, end, code_id)
        self._touch_recent(code_id)
        label = f"applied {self._name(code_id)}"

        def undo() -> Change:
            coding_service.remove_coding(self.store, self.coder, coding.id)
            return self._change(label, removed=(coding,))

        def redo() -> Change:
            coding_service.restore_coding(self.store, coding)
            return self._change(label, added=(coding,))

        return self._push(Step(label, undo, redo), self._change(label, added=(coding,)))

    def apply_many(self, passages: Sequence[tuple[str, int, int]], code_id: str) -> Change:
        """Apply a code to many passages at once (code from search): one undoable step."""
        codings = tuple(autocode.apply_many(self.store, self.coder, code_id, passages))
        self._touch_recent(code_id)
        label = f"applied {self._name(code_id)} to {len(codings)} passages"

        def undo() -> Change:
            with self.store.transaction():
                for coding in codings:
                    coding_service.remove_coding(self.store, self.coder, coding.id)
            return self._change(label, removed=codings)

        def redo() -> Change:
            with self.store.transaction():
                for coding in codings:
                    coding_service.restore_coding(self.store, coding)
            return self._change(label, added=codings)

        return self._push(Step(label, undo, redo), self._change(label, added=codings))

    def remove(self, coding_id: int) -> Change:
        """Remove one of this coder's codings."""
        coding = coding_service.remove_coding(self.store, self.coder, coding_id)
        label = f"removed {self._name(coding.code_id)}"

        def undo() -> Change:
            coding_service.restore_coding(self.store, coding)
            return self._change(label, added=(coding,))

        def redo() -> Change:
            coding_service.remove_coding(self.store, self.coder, coding.id)
            return self._change(label, removed=(coding,))

        return self._push(Step(label, undo, redo), self._change(label, removed=(coding,)))

    def set_span(self, coding_id: int, start: int, end: int) -> Change:
        """Move a coding's start and end (narrow or widen the quote)."""
        if not 0 <= start < end:
            raise CoderError(f"span {start}-{end} is empty or negative")
        return self._edit(coding_id, "changed the span of", start=start, end=end)

    def set_coding_memo(self, coding_id: int, text: str) -> Change:
        """Write the memo of a coding (empty text clears it)."""
        return self._edit(coding_id, "memo on", memo=text.strip())

    def toggle_key_quote(self, coding_id: int) -> Change:
        """Flag a coding as a key quote, or unflag it."""
        flagged = not self.store.get_coding(coding_id).key_quote
        return self._edit(coding_id, "key quote" if flagged else "not a key quote:", key_quote=flagged)

    def _edit(self, coding_id: int, verb: str, **fields: Any) -> Change:
        before = self.store.get_coding(coding_id)
        after = coding_service.update_coding(self.store, self.coder, coding_id, **fields)
        old = {k: getattr(before, k) for k in fields}
        if before.flagged and after.flagged is None:
            # Undoing a re-anchoring puts the review flag back with the span.
            old |= {"flagged": before.flagged, "flagged_text": before.flagged_text}
        label = f"{verb} {self._name(before.code_id)}"

        def undo() -> Change:
            restored = coding_service.update_coding(self.store, self.coder, coding_id, **old)
            return self._change(label, added=(restored,), removed=(after,))

        def redo() -> Change:
            again = coding_service.update_coding(self.store, self.coder, coding_id, **fields)
            return self._change(label, added=(again,), removed=(before,))

        return self._push(Step(label, undo, redo), self._change(label, added=(after,), removed=(before,)))

    # -- codes ------------------------------------------------------------------

    def add_code(self, name: str, parent_id: str | None = None, description: str = "") -> Change:
        """Add a code of this coder's own to the codebook."""
        code = codebook_service.add_code(self.store, name, self.coder, parent_id, description)
        label = f"new code {code.name}"

        def undo() -> Change:
            if self.store.codings(code_ids=[code.id]):
                raise CoderError(f"code {code.name!r} is in use", "remove its codings first")
            codebook_service.delete_code(self.store, code.id, "delete", actor=self.coder)
            self.recent = [c for c in self.recent if c != code.id]
            return self._change(label, dropped_codes=(code.id,))

        def redo() -> Change:
            with self.store.transaction():
                self.store.save_code(code)
                self.store.log(self.coder, "code.add", code.id, after=dataclasses.asdict(code))
            return self._change(label, codes=(code,))

        return self._push(Step(label, undo, redo), self._change(label, codes=(code,)))

    def edit_code(self, code_id: str, **changes: Any) -> Change:
        """Rename or redefine one of this coder's own codes."""
        old = self.store.get_code(code_id)
        if old.origin != "coder" or old.created_by != self.coder:
            raise CoderError(
                f"{old.name!r} is not a code you added", "only the lead edits the shared codebook"
            )
        new = codebook_service.edit_code(self.store, code_id, self.coder, **changes)
        before = {k: getattr(old, k) for k in changes}
        label = f"edited code {new.name}"

        def undo() -> Change:
            code = codebook_service.edit_code(self.store, code_id, self.coder, **before)
            return self._change(label, codes=(code,))

        def redo() -> Change:
            code = codebook_service.edit_code(self.store, code_id, self.coder, **changes)
            return self._change(label, codes=(code,))

        return self._push(Step(label, undo, redo), self._change(label, codes=(new,)))

    # -- memos and progress -----------------------------------------------------

    def memo_text(self, target_kind: str, target_id: str) -> str:
        """This coder's memo on a transcript or code ('' if none)."""
        memo = self.store.memo(self.coder, target_kind, target_id)
        return memo.text if memo else ""

    def set_memo(self, target_kind: str, target_id: str, text: str) -> Change:
        """Write this coder's memo on a transcript or a code."""
        if target_kind not in ("transcript", "code"):
            raise CoderError(f"cannot write a memo on a {target_kind!r}")
        before = self.memo_text(target_kind, target_id)
        label = f"memo on {target_kind} {target_id}"

        def write(value: str) -> Change:
            with self.store.transaction():
                self.store.set_memo(self.coder, target_kind, target_id, value)
                self.store.log(self.coder, "memo.set", f"{target_kind}:{target_id}", after={"text": value})
            return self._change(label, memo=(target_kind, target_id, value))

        change = write(text.strip())
        return self._push(Step(label, lambda: write(before), lambda: write(text.strip())), change)

    def set_done(self, transcript_id: str, done: bool) -> Change:
        """Mark a transcript done (or not done) for this coder."""
        before = self.store.is_done(transcript_id, self.coder)
        label = f"{transcript_id} {'done' if done else 'not done'}"

        def write(value: bool) -> Change:
            with self.store.transaction():
                self.store.set_done(transcript_id, self.coder, value)
                self.store.log(self.coder, "transcript.done", transcript_id, after={"done": value})
            return self._change(label, done=(transcript_id, value))

        change = write(done)
        return self._push(Step(label, lambda: write(before), lambda: write(done)), change)

    # -- helpers ----------------------------------------------------------------

    def _touch_recent(self, code_id: str) -> None:
        self.recent = [code_id, *(c for c in self.recent if c != code_id)][:MAX_RECENT]

    def _name(self, code_id: str) -> str:
        try:
            return self.store.get_code(code_id).name
        except CoderError:
            return code_id
