"""Why a run failed is a field: the HTTP client's errors map to kinds by type, and the
engine records the kind on the summary and in `sync_runs`."""

from __future__ import annotations

import pytest

from inbox.domain.sync_errors import SyncErrorKind
from inbox.secrets import NoKeyring, SecretsError
from inbox.sources.base import (
    BadPayload,
    CredentialsRejected,
    NetworkError,
    RateLimited,
    ServerError,
    SourceError,
    SourceNotFound,
)
from inbox.store import DiskFull, NotFound, ReadOnlyDatabase
from inbox.sync.errors import error_kind
from inbox.sync.http import HttpClient
from tests.replay import Reply
from tests.sync_helpers import run_sync


@pytest.mark.parametrize(("exc", "kind"), [
    (NetworkError("could not reach example.org"), SyncErrorKind.OFFLINE),
    (CredentialsRejected("401"), SyncErrorKind.AUTH),
    (RateLimited(30), SyncErrorKind.RATE_LIMITED),
    (SourceNotFound("gone"), SyncErrorKind.NOT_FOUND),
    (ServerError("502"), SyncErrorKind.SERVER),
    (BadPayload("not JSON"), SyncErrorKind.BAD_DATA),
    (SourceError("request refused"), SyncErrorKind.REFUSED),
    (NoKeyring("no keyring"), SyncErrorKind.CREDENTIALS),
    (SecretsError("locked"), SyncErrorKind.CREDENTIALS),
    (NotFound("no source"), SyncErrorKind.REMOVED),
    (DiskFull("database or disk is full"), SyncErrorKind.DISK),
    (ReadOnlyDatabase("attempt to write a readonly database"), SyncErrorKind.DISK),
    (KeyError("a connector bug"), SyncErrorKind.INTERNAL),
])
def test_each_failure_has_its_kind(exc: BaseException, kind: SyncErrorKind) -> None:
    assert error_kind(exc) == kind


def test_a_kind_does_not_depend_on_the_message() -> None:
    assert error_kind(SourceError("could not reach example.org: timed out (ReadTimeout)")) == SyncErrorKind.REFUSED
    assert error_kind(NetworkError("credentials rejected")) == SyncErrorKind.OFFLINE


@pytest.mark.parametrize(("status", "cls"), [(404, SourceNotFound), (410, SourceNotFound), (500, ServerError),
                                             (400, SourceError)])
async def test_the_http_client_raises_by_status(replay, status: int, cls: type) -> None:
    replay.add("GET", r"/x", Reply(status=status, json={}))
    async with HttpClient(retries=0) as http:
        with pytest.raises(SourceError) as exc:
            await http.request("GET", replay.base_url + "/x")
    assert type(exc.value) is cls
    assert f"answered {status}" in str(exc.value)  # the message is as before


def test_the_engine_records_the_kind_on_the_summary_and_the_run(store, replay) -> None:
    replay.add("GET", r"/gone\.xml", Reply(status=404, body="no such feed"))
    replay.add("GET", r"/broken\.xml", Reply(status=503, body="down"))
    gone = store.add_source("rss", "Gone", settings={"url": replay.base_url + "/gone.xml"})
    broken = store.add_source("rss", "Broken", settings={"url": replay.base_url + "/broken.xml"})
    by = {s.source_name: s for s in run_sync(store, http={"retries": 0})}
    assert by["Gone"].error_kind == SyncErrorKind.NOT_FOUND and not by["Gone"].ok
    assert by["Broken"].error_kind == SyncErrorKind.SERVER
    assert store.sync_runs(gone.id)[0]["error_kind"] == "not_found"
    assert store.sync_runs(broken.id)[0]["error_kind"] == "server"
    assert by["Gone"].to_dict()["error_kind"] == "not_found"


def test_a_run_that_worked_has_no_kind(store, replay) -> None:
    from tests.replay.feeds import FakeFeed

    feed = FakeFeed(n=2).install(replay)
    src = store.add_source("rss", "Alerts", settings={"url": replay.base_url + feed.path})
    [summary] = run_sync(store)
    assert summary.ok and summary.error_kind is None
    assert store.sync_runs(src.id)[0]["error_kind"] is None
