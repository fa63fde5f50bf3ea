"""The sidebar key format, declared once: what the makers build the readers read back."""

from __future__ import annotations

import pytest

from inbox.domain import View
from inbox.ui import sidebar_keys as keys
from tests.qt_async import aloop, window  # noqa: F401 (fixtures)


def test_keys_are_family_colon_value() -> None:
    assert keys.view(View.INBOX) == "view:inbox"
    assert keys.whose("competitor") == "whose:competitor"
    assert keys.source(3) == "source:3"
    assert keys.tag("urgent") == "tag:urgent"
    assert keys.saved(12) == "saved:12"
    assert keys.make("replies", "drafts") == "replies:drafts"


def test_reading_a_key_back() -> None:
    assert keys.parse(keys.source(3)) == ("source", "3")
    assert keys.source_id(keys.source(3)) == 3 and keys.source_id(keys.saved(3)) is None
    assert keys.saved_id(keys.saved(12)) == 12 and keys.saved_id(keys.view("inbox")) is None
    assert keys.family(keys.tag("a:b")) == "tag" and keys.parse(keys.tag("a:b")) == ("tag", "a:b")
    assert keys.parse(None) == ("", "") and keys.parse("no-family") == ("", "")
    assert keys.source_id("source:x") is None


def test_a_family_is_one_word() -> None:
    with pytest.raises(ValueError):
        keys.make("a:b", 1)
    with pytest.raises(ValueError):
        keys.make("", 1)


def test_the_sync_controller_and_the_window_agree_on_a_sources_key(qtbot, window, store) -> None:  # noqa: F811
    """The window's "Sources" entries are found under the key the sync controller updates."""
    source = store.add_source("rss", "Alerts", settings={"url": "http://127.0.0.1:9/feed"})
    window.data_changed()
    qtbot.waitUntil(lambda: keys.source(source.id) in window.sidebar.entries, timeout=5000)
