"""Yelp, Trustpilot, Facebook, App Store, Google Play and file import through the sync
engine (`inbox.sync.engine.sync`), secrets in memory, over real HTTP."""

from __future__ import annotations

from pathlib import Path

from tests.replay import appstore, facebook, googleplay, trustpilot, yelp
from tests.replay.harness import stored, thread_ids
from tests.sync_helpers import add_source, forget_test_secrets, run_sync  # noqa: F401


def add_all(store, replay, tmp_path: Path, *, yelp_key: str = yelp.API_KEY) -> dict[str, int]:
    """One source of each kind, set up as `inbox sources add` would."""
    yelp.install(replay)
    trustpilot.install(replay, trustpilot.sample())
    facebook.install(replay, facebook.Graph(ratings=None))
    appstore.install(replay, {"gb": appstore.sample()})
    googleplay.install(replay, googleplay.sample())
    export = tmp_path / "export.csv"
    export.write_text("id,text,rating\nf1,From the comment cards,4\nf2,,\n", encoding="utf-8")
    base = replay.base_url
    return {
        "yelp": add_source(store, "yelp", "Yelp café", {"base_url": base, "business_id": yelp.BUSINESS},
                           {"api_key": yelp_key}).id,
        "trustpilot": add_source(store, "trustpilot", "Trustpilot", {"base_url": base + "/v1",
                                 "business_unit_id": trustpilot.UNIT}, {"api_key": trustpilot.API_KEY}).id,
        "facebook": add_source(store, "facebook", "Facebook", {"base_url": f"{base}/{facebook.VERSION}",
                               "page_id": facebook.PAGE}, {"page_token": facebook.TOKEN}).id,
        "appstore": add_source(store, "appstore", "iOS app", {"base_url": base, "app_id": appstore.APP,
                                                              "country": "gb"}).id,
        "googleplay": add_source(store, "googleplay", "Android app", {
            "base_url": f"{base}/androidpublisher/v3", "package_name": googleplay.PACKAGE},
            {"service_account_json": googleplay.service_account_json(f"{base}/token")}).id,
        "file": add_source(store, "file", "Comment cards", {"path": str(export)}).id,
    }


def test_every_kind_syncs_through_the_engine_and_again_adds_nothing(store, replay, tmp_path):
    ids = add_all(store, replay, tmp_path)
    summaries = {s.kind: s for s in run_sync(store)}
    assert all(s.ok for s in summaries.values()), {k: s.error for k, s in summaries.items()}
    assert {k: s.new for k, s in summaries.items()} == {
        "yelp": 2, "trustpilot": 3, "facebook": 5, "appstore": 2, "googleplay": 3, "file": 1}
    assert summaries["file"].skipped == 1
    assert store.get_source(ids["file"]).cursor["notes"] == ["line 3: no text and no rating"]
    assert store.get_source(ids["facebook"]).cursor["note"].startswith("Facebook ratings are not available")
    reply = stored(store, ids["trustpilot"])["6a11c0de93f2bb0012e4a7f1:reply"]
    assert thread_ids(store, reply) == ["6a11c0de93f2bb0012e4a7f1", reply.external_id]

    again = run_sync(store)
    assert all(s.ok and s.new == 0 and s.updated == 0 for s in again), [s.to_dict() for s in again]


def test_one_failing_source_leaves_the_others_working(store, replay, tmp_path):
    ids = add_all(store, replay, tmp_path, yelp_key="yelp-wrong-key-123")
    summaries = {s.kind: s for s in run_sync(store)}
    failed = summaries.pop("yelp")
    assert not failed.ok and "credentials rejected" in failed.error
    assert "yelp-wrong-key-123" not in failed.error
    assert store.get_source(ids["yelp"]).last_error == failed.error
    assert all(s.ok and s.new > 0 for s in summaries.values())
