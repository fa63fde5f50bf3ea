"""`inbox settings`: the same table, names, checks and defaults as the Settings window."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from inbox.cli import main
from inbox.store import Store
from tests.services.test_settings import DictSettings


@pytest.fixture
def local(monkeypatch):
    fake = DictSettings()
    fake.sync = lambda: None  # type: ignore[attr-defined]
    monkeypatch.setattr("inbox.cli.settings.local_settings", lambda: fake)
    return fake


def run(*args: str):
    return CliRunner().invoke(main, ["settings", *args], catch_exceptions=False)


def test_list_shows_every_visible_setting_with_its_value(tmp_path, local):
    db = str(tmp_path / "w.db")
    assert run("set", "sync.interval_minutes", "15", "--db", db).output == "sync.interval_minutes = 15\n"
    rows = json.loads(run("list", "--json", "--db", db).output)
    by_name = {r["name"]: r for r in rows}
    assert by_name["sync.interval_minutes"]["value"] == 15
    assert by_name["reading.mark_read_on_open"] == {
        "name": "reading.mark_read_on_open", "value": True, "default": True, "kept_in": "computer",
        "description": "Opening a review or mention marks it read, as opening an email does."}
    assert "demo_anchor" not in by_name
    assert "demo_anchor" in {r["name"] for r in json.loads(run("list", "--all", "--json", "--db", db).output)}
    text = run("list", "--db", db).output
    assert "sync.interval_minutes        15 minutes" in text and "(this computer)" in text


def test_set_checks_values_and_get_reads_them_back(tmp_path, local):
    db = str(tmp_path / "w.db")
    refused = CliRunner().invoke(main, ["settings", "set", "replies.undo_seconds", "90", "--db", db])
    assert refused.exit_code == 2 and "from 0 to 60 seconds" in refused.output
    assert run("set", "export.bom", "yes").output == "export.bom = true\n"
    assert local.values == {"export/bom": True}
    assert run("get", "export.bom").output == "true\n"
    assert run("set", "business_name", "Harbour Café", "--db", db).exit_code == 0
    with Store(tmp_path / "w.db") as store:
        assert store.get_setting("business_name") == "Harbour Café"
    assert run("reset", "business_name", "--db", db).output == "business_name is back to its default: (not set)\n"
    assert run("get", "business_name", "--db", db).output == "\n"


def test_unknown_and_internal_settings_are_refused(tmp_path, local):
    unknown = CliRunner().invoke(main, ["settings", "get", "colour"])
    assert unknown.exit_code == 2 and "no setting called 'colour'" in unknown.output
    internal = CliRunner().invoke(main, ["settings", "set", "demo_anchor", "x", "--db", str(tmp_path / "w.db")])
    assert internal.exit_code == 2 and "kept by the app itself" in internal.output
