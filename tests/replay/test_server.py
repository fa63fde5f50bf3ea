"""The replay server itself: routes, sequences and the request log work as tests expect."""

import httpx

from tests.replay import Reply


def test_sequence_then_last_repeats_and_requests_are_logged(replay):
    replay.add("GET", r"/x", [Reply(status=500), Reply(json={"ok": 1})])
    with httpx.Client(base_url=replay.base_url) as client:
        assert client.get("/x").status_code == 500
        assert client.get("/x", params={"a": "1"}).json() == {"ok": 1}
        assert client.get("/x").json() == {"ok": 1}
        assert client.get("/nope").status_code == 404
    assert replay.count("GET", r"/x") == 3
    assert replay.requests[1].arg("a") == "1"
