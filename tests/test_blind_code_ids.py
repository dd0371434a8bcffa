"""Adding a code never tells a coder that another coder has one like it.

Code ids are unique in the whole tree, but a coder coding blind does not see
other coders' own codes. A name whose id another coder's code already holds
gets an id of its own instead of an error that would give the other code away.
"""

from __future__ import annotations

import pytest

from coder.errors import CoderError
from coder.services.codebook import add_code, new_coder_code
from coder.storage import Store


def test_a_name_another_coder_used_gets_its_own_id_without_a_word(store: Store) -> None:
    with store.transaction():
        bram = new_coder_code(store, "Werkbelasting", "bram", None)
        anna = new_coder_code(store, "Werkbelasting", "anna", None)
    assert bram.id == "werkbelasting" and anna.id == "werkbelasting-2"
    assert store.codebook().by_id()["werkbelasting"].created_by == "bram", "bram's code is untouched"


def test_a_code_the_coder_can_see_is_still_refused(store: Store) -> None:
    with store.transaction():
        new_coder_code(store, "Werkdruk", "anna", None)
    with pytest.raises(CoderError, match="already exists"), store.transaction():
        new_coder_code(store, "Werkdruk", "anna", None)


def test_an_id_typed_on_purpose_is_not_changed(store: Store) -> None:
    with store.transaction():
        new_coder_code(store, "Werkbelasting", "bram", None)
    with pytest.raises(CoderError, match="already exists"), store.transaction():
        new_coder_code(store, "Andere naam", "anna", None, code_id="werkbelasting")


def test_adding_through_the_service_reports_the_new_id(store: Store) -> None:
    add_code(store, "Privacy", "bram")
    code = add_code(store, "Privacy", "anna")
    assert code.id == "privacy-2" and code.name == "Privacy"
