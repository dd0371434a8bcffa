"""Roles: leads set from the command line, and names that look like a known coder's."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from coder.cli import cli
from coder.errors import CoderError
from coder.services import roles
from coder.storage import Store, open_store
from tests.conftest import Coder


def test_init_with_leads_and_config_lead_add_list_remove(tmp_path: Path) -> None:
    root = tmp_path / "study"
    made = CliRunner().invoke(cli, ["init", str(root), "--lead", "lisa", "--lead", "mo"])
    assert made.exit_code == 0 and "leads: lisa, mo" in made.output
    run = Coder(root)
    assert "leads: anna, lisa, mo" in run("config", "lead", "anna").output
    assert run("config", "lead", "--remove", "mo").exit_code == 0
    assert "leads: anna, lisa " in run("config", "leads").output
    assert "leads = anna, lisa" in run("config").output
    store = open_store(root)
    assert roles.leads(store) == ["anna", "lisa"]
    assert [e.action for e in store.audit_entries()][-2:] == ["lead.add", "lead.remove"]
    store.close()


def test_config_lead_refuses_a_near_miss_and_an_unknown_lead(coder: Coder) -> None:
    assert coder("config", "lead", "lisa").exit_code == 0
    near = CliRunner().invoke(cli, ["-p", str(coder.root), "config", "lead", "Lisa"])
    assert near.exit_code == 1 and "looks like 'lisa'" in near.output and "Traceback" not in near.output
    assert coder("config", "lead", "Lisa", "--new").exit_code == 0
    gone = CliRunner().invoke(cli, ["-p", str(coder.root), "config", "lead", "--remove", "bob"])
    assert gone.exit_code == 1 and "'bob' is not a lead" in gone.output


def test_no_lead_means_everyone_sees_and_a_lead_limits_it(store: Store) -> None:
    assert roles.sees_others(store, "bram")
    roles.add_lead(store, "lisa")
    assert roles.sees_others(store, "lisa") and not roles.sees_others(store, "bram")


@pytest.mark.parametrize("typed", ["Anna", "ANNA", "Änna", "anan", "ana", "annaa"])
def test_names_that_differ_by_case_accents_or_a_typo_are_similar(store: Store, typed: str) -> None:
    store.ensure_coder("anna")
    store.ensure_coder("bram")
    assert roles.similar_names(store, typed) == ["anna"]


@pytest.mark.parametrize("typed", ["anna", "carla", "bo", "johannes"])
def test_known_or_clearly_different_names_are_not_similar(store: Store, typed: str) -> None:
    store.ensure_coder("anna")
    store.ensure_coder("jo")
    store.ensure_coder("consensus", kind="consensus")
    assert roles.similar_names(store, typed) == []


def test_a_lead_who_does_not_code_is_a_known_name(store: Store) -> None:
    roles.add_lead(store, "lisa")
    assert roles.known_names(store) == ["lisa"] and roles.similar_names(store, "Lisa") == ["lisa"]
    with pytest.raises(CoderError):
        roles.add_lead(store, "two words")


def test_the_demo_has_a_lead_and_its_coders_code_blind(tmp_path: Path) -> None:
    built = CliRunner().invoke(cli, ["demo", str(tmp_path / "demo"), "--no-open"])
    assert built.exit_code == 0 and "tui --coder lead" in built.output
    store = open_store(tmp_path / "demo")
    assert roles.leads(store) == ["lead"]
    assert roles.sees_others(store, "lead") and not roles.sees_others(store, "anna")
    assert roles.similar_names(store, "Anna") == ["anna"]
    store.close()


def test_the_leads_travel_through_qdpx_so_coding_stays_blind_there(loaded: Coder, tmp_path: Path) -> None:
    assert loaded("config", "lead", "lisa", "--new").exit_code == 0
    out = tmp_path / "study.qdpx"
    assert loaded("export", "qdpx", "-o", str(out)).exit_code == 0
    elsewhere = Coder(tmp_path / "elsewhere")
    assert elsewhere("init").exit_code == 0
    assert elsewhere("import-qdpx", str(out)).exit_code == 0
    assert "lisa" in elsewhere("config", "leads").output
    # A project that has its own lead keeps it: a copy never changes who leads.
    led = Coder(tmp_path / "led")
    assert led("init", "--lead", "piet").exit_code == 0
    assert led("import-qdpx", str(out)).exit_code == 0
    listed = led("config", "leads").output
    assert "piet" in listed and "lisa" not in listed
