"""The sources service over a real SQLite store and in-memory secrets: add, edit, rename,
remove and test, and the rollback when the secrets or the store refuse."""

from __future__ import annotations

import pytest

from inbox.secrets import MemorySecrets, NoKeyring, SecretsError
from inbox.services.sources import SourceDraft, SourceExists, SourcesService
from inbox.sources.base import SourceError
from inbox.store import StoreError
from inbox.sync.http import HttpClient
from tests.replay.mastodon import FakeMastodon

TOKEN = "masto-token-for-service-tests"


@pytest.fixture
def mem() -> MemorySecrets:
    return MemorySecrets()


@pytest.fixture
def service(store, mem) -> SourcesService:
    return SourcesService(store, mem, timeout=5)


def key(store, name: str) -> str:
    """Where the keyring files a saved source's secrets: by database and id, not name."""
    return store.get_source(name).secret_key


def masto(name: str = "Masto", base_url: str = "http://127.0.0.1:9", **secrets: str) -> SourceDraft:
    return SourceDraft("mastodon", name, settings={"base_url": base_url}, secrets=secrets)


async def test_add_saves_the_row_and_the_secrets(service, store, mem) -> None:
    source = await service.add(masto(" Masto ", token=TOKEN))
    assert (source.name, source.kind, source.enabled) == ("Masto", "mastodon", True)
    assert store.get_source("Masto").settings == {"base_url": "http://127.0.0.1:9"}
    assert mem.get(key(store, "Masto")) == {"token": TOKEN} and "Masto" not in mem.entries
    assert key(store, "Masto") == f"{store.database_id()}/{source.id}"
    off = await service.add(SourceDraft("rss", "Feed", whose="competitor", settings={"url": "http://x"},
                                        enabled=False))
    assert (off.whose, off.enabled) == ("competitor", False)
    assert not [c for c in mem.calls if c[0] == "set" and c[1] == off.secret_key]  # no secrets, no keyring call


async def test_add_never_overwrites_another_sources_secrets(service, store, mem) -> None:
    await service.add(masto(token=TOKEN))
    with pytest.raises(SourceExists) as err:
        await service.add(masto("masto", token="other"))  # names are unique ignoring case
    assert err.value.name == "masto"
    assert mem.get(key(store, "Masto")) == {"token": TOKEN} and len(store.list_sources()) == 1


async def test_without_a_keyring_nothing_is_created(service, store, mem) -> None:
    mem.keyring = False
    with pytest.raises(NoKeyring):
        await service.add(masto(token=TOKEN))
    assert store.list_sources() == []
    mem.keyring = True
    mem.fail("set")
    with pytest.raises(SecretsError):
        await service.add(masto(token=TOKEN))
    assert store.list_sources() == [] and mem.entries == {}


async def test_a_store_failure_after_the_secrets_takes_them_back(service, store, mem) -> None:
    with pytest.raises(ValueError):
        await service.add(SourceDraft("no-such-kind", "Odd", secrets={"token": "t0ken-odd"}))
    assert mem.entries == {} and store.list_sources() == []


async def test_rename_keeps_the_secrets_where_they_are(service, store, mem) -> None:
    source = await service.add(masto(token=TOKEN))
    renamed = await service.rename(source.id, "Masto (main)")
    assert renamed.name == "Masto (main)" and renamed.settings == source.settings
    assert renamed.secret_key == source.secret_key
    assert mem.entries == {source.secret_key: {"token": TOKEN}}
    assert not [c for c in mem.calls if c[0] in ("set", "delete")][1:]  # the rename wrote nothing


async def test_secrets_filed_by_name_move_to_the_key_on_upgrade(service, store, mem) -> None:
    """Entries saved by an older version under the source's name are found and moved."""
    source = store.add_source("mastodon", "Masto", settings={"base_url": "http://127.0.0.1:9"})
    mem.entries["Masto"] = {"token": TOKEN}
    renamed = await service.rename(source.id, "Masto (main)")  # the old name must not be lost
    assert mem.entries == {renamed.secret_key: {"token": TOKEN}}
    other = store.add_source("mastodon", "Other", settings={"base_url": "http://127.0.0.1:9"})
    mem.entries["Other"] = {"token": "t2"}
    from inbox.secrets import read_source

    assert read_source(mem, other) == {"token": "t2"}
    assert mem.entries[other.secret_key] == {"token": "t2"} and "Other" not in mem.entries


async def test_two_databases_never_share_secrets(tmp_path, mem) -> None:
    from inbox.store import Store

    with Store(tmp_path / "a.db") as a, Store(tmp_path / "b.db") as b:
        one = await SourcesService(a, mem).add(masto(token="token-a"))
        two = await SourcesService(b, mem).add(masto(token="token-b"))
        assert one.id == two.id and one.secret_key != two.secret_key
        assert mem.get(one.secret_key) == {"token": "token-a"} and mem.get(two.secret_key) == {"token": "token-b"}
        database_id = a.database_id()
    with Store(tmp_path / "a.db") as again:
        assert again.database_id() == database_id  # kept in the file


async def test_edit_merges_typed_secrets_into_saved_ones(service, store, mem) -> None:
    reddit = SourceDraft("reddit", "Reddit", settings={"query": "cafe"},
                         secrets={"client_id": "cid", "client_secret": "csecret", "username": "owner",
                                  "password": "old-password"})
    source = await service.add(reddit)
    edited = await service.edit(source.id, SourceDraft("reddit", "Reddit", settings={"query": "coffee"},
                                                       secrets={"password": "new-password"}, enabled=False))
    assert edited.settings == {"query": "coffee"} and edited.enabled is False
    assert mem.get(source.secret_key) == {"client_id": "cid", "client_secret": "csecret", "username": "owner",
                                          "password": "new-password"}
    # renamed and a secret typed at once: the typed value wins, nothing moves
    await service.edit(source.id, SourceDraft("reddit", "Reddit r/cafe", settings={"query": "coffee"},
                                              secrets={"username": "new-owner"}))
    assert mem.get(source.secret_key)["username"] == "new-owner" and list(mem.entries) == [source.secret_key]


async def test_a_failing_secrets_write_leaves_the_source_as_it_was(service, store, mem) -> None:
    source = await service.add(masto(token=TOKEN))
    mem.fail("set")
    with pytest.raises(SecretsError):
        await service.edit(source.id, masto("Renamed", base_url="http://changed", token="new"))
    with pytest.raises(SecretsError):
        await service.edit(source.id, masto(base_url="http://changed", token="new"))
    assert store.get_source(source.id) == source
    assert mem.entries == {source.secret_key: {"token": TOKEN}}


async def test_a_refused_store_change_restores_the_secrets(service, store, mem) -> None:
    source = await service.add(masto(token=TOKEN))
    await service.add(SourceDraft("rss", "Taken", settings={"url": "http://x"}))
    with pytest.raises(SourceExists):  # caught before any secret is touched
        await service.edit(source.id, masto("taken", token="new"))

    def refuse(*args, **kwargs):
        raise StoreError("the disk is full")

    store.update_source = refuse  # type: ignore[method-assign]
    with pytest.raises(StoreError):
        await service.edit(source.id, masto(token="new-token"))
    assert mem.entries == {source.secret_key: {"token": TOKEN}}
    with pytest.raises(StoreError):
        await service.rename(source.id, "Masto 2")
    assert mem.entries == {source.secret_key: {"token": TOKEN}}


async def test_remove_deletes_the_secrets_and_reports_a_failure(service, store, mem) -> None:
    source = await service.add(masto(token=TOKEN))
    removed = await service.remove(source.id)
    assert removed.secrets_error is None and store.list_sources() == [] and mem.entries == {}

    source = await service.add(masto(token=TOKEN))
    mem.fail("delete")
    removed = await service.remove(source.id)
    assert removed.secrets_error == "the system keyring failed: simulated"
    assert store.list_sources() == []  # the source goes anyway

    calls = len(mem.calls)
    feed = await service.add(SourceDraft("rss", "Feed", settings={"url": "http://x"}))
    await service.remove(feed.id)
    assert mem.calls[calls:] == []  # a kind without secrets never asks the keyring


async def test_a_new_source_never_inherits_a_removed_ones_leftover_secrets(service, store, mem) -> None:
    gone = await service.add(masto(token=TOKEN))
    mem.fail("delete")
    await service.remove(gone.id)  # the keyring refused: the entry is left behind
    mem.failures.clear()
    again = await service.add(masto("Another"))  # SQLite gives the same id again
    assert again.secret_key == gone.secret_key and mem.get(again.secret_key) == {}


async def test_test_reports_what_it_found_with_saved_and_typed_secrets(service, store, mem, replay) -> None:
    FakeMastodon(n=3, token=TOKEN).install(replay)
    source = await service.add(masto(base_url=replay.base_url, token=TOKEN))
    async with HttpClient(retries=0) as http:
        verdict = await service.test(SourceDraft.of(source), http=http, saved=source)
    assert verdict == "OK: signed in as @harbourcafe"
    async with HttpClient(retries=0) as http:  # a typed value wins over the saved one
        with pytest.raises(SourceError, match="credentials rejected") as err:
            await service.test(masto(base_url=replay.base_url, token="typed-wrong-token"), http=http,
                               saved=source)
    assert "typed-wrong-token" not in str(err.value)
    assert store.count_source_items(source.id) == 0  # testing saves nothing
    mem.fail("get")
    async with HttpClient(retries=0) as http:  # the saved secrets cannot be read: say so
        with pytest.raises(SecretsError, match="simulated"):
            await service.test(SourceDraft.of(source), http=http, saved=source)
    assert replay.count("GET", r"/api/v1/accounts/verify_credentials") == 2
    async with HttpClient(retries=0) as http:
        with pytest.raises(SourceError, match="not available"):
            await service.test(SourceDraft("no-such-kind", "x"), http=http)


async def test_a_hanging_secrets_call_times_out(store) -> None:
    import threading

    release = threading.Event()

    class Hanging(MemorySecrets):
        def set(self, *args, **kwargs):
            release.wait(5)

    service = SourcesService(store, Hanging(), timeout=0.2)
    with pytest.raises(SecretsError, match="did not answer"):
        await service.add(masto(token=TOKEN))
    release.set()
    assert store.list_sources() == []


def test_count_items_counts_every_item_of_the_source(store) -> None:
    from inbox.domain import Item

    source = store.add_source("rss", "Feed")
    other = store.add_source("rss", "Other")
    store.save_page(source.id, [Item("a", text="one"), Item("b", text="two")])
    store.save_page(other.id, [Item("c", text="three")])
    assert SourcesService(store, MemorySecrets()).count_items(source.id) == 2
