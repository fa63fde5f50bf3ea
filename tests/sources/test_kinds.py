"""The setting and secret names of these connectors are a contract: users' scripts pass them
to `inbox sources add KIND`. Renaming one breaks those scripts, so they are pinned here."""

from __future__ import annotations

import pytest

from inbox.sources.base import ReplyNotSupported
from inbox.sources.registry import connector_class

CONTRACT = {
    "yelp": ({"base_url", "business_id"}, ["api_key"], False),
    "trustpilot": ({"base_url", "business_unit_id"}, ["api_key", "api_secret"], True),
    "facebook": ({"base_url", "page_id"}, ["page_token"], True),
    "appstore": ({"base_url", "app_id", "country"}, [], False),
    "googleplay": ({"base_url", "package_name"}, ["service_account_json"], True),
    "file": ({"path", "mapping"}, [], False),
}


@pytest.mark.parametrize("kind", sorted(CONTRACT))
def test_settings_and_secrets_keep_their_names(kind):
    cls = connector_class(kind)
    settings, secrets, can_reply = CONTRACT[kind]
    names = {s.name for s in cls.settings}
    assert settings <= names
    assert cls.secrets == secrets and cls.can_reply is can_reply and cls.kind == kind
    assert all(s.help.strip() for s in cls.settings)  # the help text of `sources add KIND --help`
    if "base_url" in names:
        assert cls.default_base_url.startswith("https://")


@pytest.mark.parametrize("kind", ["yelp", "appstore", "file"])
async def test_sources_without_a_reply_api_say_copy_and_open(kind, store):
    source = store.add_source(kind, f"{kind} x")
    with pytest.raises(ReplyNotSupported, match="copy the reply"):
        await connector_class(kind)(source, {}, None).post_reply(None, "thanks", "k1")  # type: ignore[arg-type]
