"""`inbox outbox` lists queued and failed replies; `flush` sends what is due."""

from __future__ import annotations

import json

from click.testing import CliRunner

from inbox.cli import main
from inbox.secrets import MemorySecrets
from inbox.services.outbox import Outbox
from tests.replay import Reply
from tests.replies.support import add_item

TEXT = "Hi Jane, sorry the soup was cold — lunch is on us next time."


def test_outbox_list_flush_and_json(store, replay, monkeypatch) -> None:
    replay.add("PUT", r"/v4/accounts/1/locations/2/reviews/3/reply", [Reply(status=503), Reply(json={"comment": TEXT})])
    replay.add("GET", r"/v4/accounts/1/locations/2/reviews/3", Reply(json={"name": "accounts/1/locations/2/reviews/3"}))
    item = add_item(store, "google", replay.base_url + "/v4", "accounts/1/locations/2/reviews/3")
    Outbox(store).queue(item.id, TEXT, undo_seconds=0)
    secrets = MemorySecrets({item.source_name: {"access_token": "tok"}})
    monkeypatch.setattr("inbox.sources.registry.connector_class",
                        lambda kind: __import__("tests.replies.support", fromlist=["x"]).reply_connector(kind))
    db = str(store.path)
    runner = CliRunner()

    listed = runner.invoke(main, ["--db", db, "outbox"])
    assert listed.exit_code == 0 and "queued" in listed.output and "Jane Smith" in listed.output

    flushed = runner.invoke(main, ["--db", db, "outbox", "flush"], obj={"secrets": secrets})
    assert flushed.exit_code == 0, flushed.output
    assert "Sent 0 of 1 due." in flushed.output and "queued: server error:" in flushed.output and "answered 503" in flushed.output

    [entry] = json.loads(runner.invoke(main, ["--db", db, "outbox", "--json"]).output)
    assert entry["state"] == "queued" and entry["attempts"] == 1 and "503" in entry["last_error"]
    assert entry["text"] == TEXT and entry["source_kind"] == "google"

    assert runner.invoke(main, ["--db", db, "outbox", "retry", str(entry["id"])]).exit_code == 0
    flushed = runner.invoke(main, ["--db", db, "outbox", "flush"], obj={"secrets": secrets})
    assert "Sent 1 of 1 due." in flushed.output
    assert "The outbox is empty." in runner.invoke(main, ["--db", db, "outbox"]).output
    assert replay.count("PUT", r".*/reply") == 2
    assert replay.count("GET", r".*/reviews/3") == 1  # looked for an earlier reply before retrying


def test_cancel_from_the_cli_restores_the_draft(store) -> None:
    item = add_item(store, "reddit", "http://127.0.0.1:9", "t3_x")
    entry = Outbox(store).queue(item.id, TEXT)
    result = CliRunner().invoke(main, ["--db", str(store.path), "outbox", "cancel", str(entry.id)])
    assert result.exit_code == 0 and "back in the item's draft" in result.output
    assert store.get_draft(item.id).text == TEXT
    missing = CliRunner().invoke(main, ["--db", str(store.path), "outbox", "cancel", "999"])
    assert missing.exit_code == 2 and "no outbox entry #999" in missing.output
