"""The sync HTTP client against the local replay server: retries, rate limits, limits on
size, bad payloads, and no secret in any message."""

from __future__ import annotations

import asyncio
import time
from email.utils import formatdate

import httpx
import pytest

from inbox.sources.base import BadPayload, CredentialsRejected, NetworkError, RateLimited, SourceError
from inbox.sources.sanitize import sanitize_html, to_text
from inbox.sync.http import HttpClient, retry_after, scrub
from tests.replay import Reply


class Sleeps:
    """Records the waits the client asks for instead of sleeping."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


def client(sleeps: Sleeps, **kw) -> HttpClient:
    kw.setdefault("read_timeout", 2.0)
    return HttpClient(sleep=sleeps, **kw)


async def test_user_agent_and_json(replay, sleeps):
    replay.add("GET", r"/ok", Reply(json={"a": "caf\u00e9 \U0001f600"}))
    async with client(sleeps) as http:
        assert await http.get_json(replay.base_url + "/ok") == {"a": "caf\u00e9 \U0001f600"}
    assert replay.requests[0].headers["user-agent"].startswith("FeedbackInbox/")


async def test_500_then_success_backs_off_with_jitter(replay, sleeps):
    replay.add("GET", r"/flaky", [Reply(status=500), Reply(status=503), Reply(json=[1])])
    async with client(sleeps, backoff_base=1.0) as http:
        assert await http.get_json(replay.base_url + "/flaky") == [1]
    assert replay.count("GET", r"/flaky") == 3
    assert len(sleeps.waits) == 2
    assert 0.5 <= sleeps.waits[0] <= 1.0 and 1.0 <= sleeps.waits[1] <= 2.0  # exponential


async def test_persistent_500_gives_up_with_status(replay, sleeps):
    replay.add("GET", r"/down", Reply(status=502))
    async with client(sleeps, retries=2) as http:
        with pytest.raises(SourceError, match="502"):
            await http.get_json(replay.base_url + "/down")
    assert replay.count("GET", r"/down") == 3


async def test_429_waits_retry_after_seconds(replay, sleeps):
    replay.add("GET", r"/lim", [Reply(status=429, headers={"Retry-After": "7"}), Reply(json={})])
    async with client(sleeps) as http:
        assert await http.get_json(replay.base_url + "/lim") == {}
    assert sleeps.waits == [7.0]


async def test_429_http_date_and_cap(replay, sleeps):
    later = formatdate(time.time() + 3600, usegmt=True)
    replay.add("GET", r"/lim", [Reply(status=429, headers={"Retry-After": later}), Reply(json={})])
    async with client(sleeps, max_wait=5) as http:
        await http.get_json(replay.base_url + "/lim")
    assert sleeps.waits == [5]  # capped, not an hour


async def test_429_mastodon_reset_iso_and_give_up(replay, sleeps):
    reset = time.strftime("%Y-%m-%dT%H:%M:%S.000000Z", time.gmtime(time.time() + 30))
    replay.add("GET", r"/lim", Reply(status=429, json={"error": "Too many requests"},
                                     headers={"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": reset}))
    async with client(sleeps, rate_limit_tries=3) as http:
        with pytest.raises(RateLimited) as info:
            await http.get_json(replay.base_url + "/lim")
    assert replay.count("GET", r"/lim") == 3
    assert len(sleeps.waits) == 2 and all(25 <= w <= 31 for w in sleeps.waits)
    assert info.value.retry_after and info.value.retry_after > 20


def test_reset_header_dialects():
    now = 1_800_000_000.0
    assert retry_after(httpx.Headers({"RateLimit-Reset": str(int(now) + 40)}), now) == 40  # epoch (Bluesky)
    assert retry_after(httpx.Headers({"X-Ratelimit-Reset": "412"}), now) == 412  # seconds (Reddit)
    yelp = httpx.Headers({"RateLimit-ResetTime": "2027-01-15T08:00:20+00:00"})
    assert retry_after(yelp, 1_800_000_000.0) == pytest.approx(20, abs=1)
    assert retry_after(httpx.Headers({}), now) is None


async def test_remaining_zero_waits_before_next_request(replay, sleeps):
    replay.add("GET", r"/a", Reply(json=[], headers={"X-Ratelimit-Remaining": "0.0",
                                                     "X-Ratelimit-Reset": "12"}))
    async with client(sleeps) as http:
        await http.get_json(replay.base_url + "/a")
        assert sleeps.waits == []
        await http.get_json(replay.base_url + "/a")
    assert len(sleeps.waits) == 1 and 10 < sleeps.waits[0] <= 12


async def test_read_timeout_retries_then_network_error(replay, sleeps):
    replay.add("GET", r"/slow", Reply(json={}, delay=1.0))
    async with client(sleeps, read_timeout=0.2, retries=1) as http:
        with pytest.raises(NetworkError, match="timed out"):
            await http.get_json(replay.base_url + "/slow")
    assert replay.count("GET", r"/slow") == 2


async def test_timeout_then_success(replay, sleeps):
    replay.add("GET", r"/slow", [Reply(json={}, delay=1.0), Reply(json={"ok": 1})])
    async with client(sleeps, read_timeout=0.2) as http:
        assert await http.get_json(replay.base_url + "/slow") == {"ok": 1}


async def test_connection_refused_is_network_error(sleeps):
    async with client(sleeps, retries=1) as http:
        with pytest.raises(NetworkError, match="could not reach"):
            await http.get_json("http://127.0.0.1:9/nothing")


async def test_401_and_403_are_credentials_rejected(replay, sleeps):
    replay.add("GET", r"/a", Reply(status=401, json={"error": "The access token is invalid"}))
    replay.add("GET", r"/b", Reply(status=403, json={"error": {"code": 403, "status": "PERMISSION_DENIED"}}))
    async with client(sleeps) as http:
        with pytest.raises(CredentialsRejected, match=r"credentials rejected.*access token is invalid"):
            await http.get_json(replay.base_url + "/a")
        with pytest.raises(CredentialsRejected, match="PERMISSION_DENIED"):
            await http.get_json(replay.base_url + "/b")
    assert replay.count("GET", r"/a") == 1  # not retried


async def test_404_is_source_error_with_status_unless_allowed(replay, sleeps):
    replay.add("GET", r"/gone", Reply(status=404, json={"error": "Record not found"}))
    async with client(sleeps) as http:
        with pytest.raises(SourceError, match="404"):
            await http.get_json(replay.base_url + "/gone")
        response = await http.request("GET", replay.base_url + "/gone", ok_statuses=(404,))
        assert response.status_code == 404
    assert replay.count("GET", r"/gone") == 2


@pytest.mark.parametrize(("reply", "message"), [
    (Reply(body=b'{"reviews": [', content_type="application/json"), "truncated JSON"),
    (Reply(body=b"<!DOCTYPE html><html><body>Oops, try later</body></html>",
           content_type="text/html"), "HTML page"),
    (Reply(body=b'{"a": "\xff\xfe"}', content_type="application/json"), "not valid UTF-8"),
])
async def test_bad_payloads(replay, sleeps, reply, message):
    replay.add("GET", r"/bad", reply)
    async with client(sleeps) as http:
        with pytest.raises(BadPayload, match=message):
            await http.get_json(replay.base_url + "/bad")


async def test_body_over_limit_is_refused(replay, sleeps):
    replay.add("GET", r"/huge", Reply(body=b"[" + b"1," * (5 * 1024 * 1024) + b"1]",
                                      content_type="application/json"))
    async with client(sleeps) as http:
        with pytest.raises(BadPayload, match="response too large"):
            await http.get_json(replay.base_url + "/huge")
    async with client(sleeps, max_bytes=20 * 1024 * 1024) as http:
        assert len(await http.get_json(replay.base_url + "/huge")) > 5_000_000


async def test_no_secret_in_messages(replay, sleeps):
    replay.add("GET", r"/secret", Reply(status=400, json={"error": "bad token s3cr3t-T0KEN-value"}))
    async with client(sleeps) as http:
        http.add_secrets({"token": "s3cr3t-T0KEN-value"})
        with pytest.raises(SourceError) as info:
            await http.get_json(replay.base_url + "/secret?access_token=s3cr3t-T0KEN-value&x=1",
                                headers={"Authorization": "Bearer s3cr3t-T0KEN-value"})
    assert "s3cr3t" not in str(info.value)
    assert "400" in str(info.value)


def test_scrub_patterns():
    text = "GET /x?access_token=abc123&client_secret=zzz Authorization: Bearer eyJhbGciOi.xyz"
    out = scrub(text)
    assert "abc123" not in out and "zzz" not in out and "eyJhbGciOi" not in out


def test_sanitize_allow_list():
    dirty = ('<p onclick="x()">Hi <a href="javascript:alert(1)">j</a> <a href="/etc/passwd">r</a> '
             '<a href="https://ok.example/">ok</a><script>alert(1)</script><img src="/home/me/x.png"></p>')
    clean = sanitize_html(dirty)
    assert "script" not in clean and "javascript" not in clean and "img" not in clean
    assert "onclick" not in clean and "/etc/passwd" not in clean
    assert 'href="https://ok.example/"' in clean
    assert to_text(dirty) == "Hi j r ok"
    assert to_text("<p>a &amp; b</p><p>c<br>d</p>") == "a & b\nc\nd"


async def test_503_with_retry_after_waits_as_told(replay, sleeps):
    replay.add("GET", r"/feed", [Reply(status=503, headers={"Retry-After": "4"}), Reply(json=[])])
    async with client(sleeps) as http:
        assert await http.get_json(replay.base_url + "/feed") == []
    assert sleeps.waits == [4.0]


async def test_the_connections_are_made_by_the_first_requests_once_and_never_for_a_sync_of_files(
        replay, sleeps, monkeypatch):
    built: list[httpx.AsyncClient] = []
    real = httpx.AsyncClient

    def counted(*args, **kwargs) -> httpx.AsyncClient:
        built.append(real(*args, **kwargs))
        return built[-1]

    monkeypatch.setattr(httpx, "AsyncClient", counted)
    async with client(sleeps):  # a sync with nothing to fetch over the network
        pass
    assert built == []
    replay.add("GET", r"/one", Reply(json=[1]))
    replay.add("GET", r"/two", Reply(json=[2]))
    async with client(sleeps) as http:
        assert await asyncio.gather(http.get_json(replay.base_url + "/one"),
                                    http.get_json(replay.base_url + "/two")) == [[1], [2]]
        assert await http.get_json(replay.base_url + "/one") == [1]
    assert len(built) == 1 and built[0].is_closed
