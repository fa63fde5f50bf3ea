"""The list model pages with keyset cursors and passes qtmodeltester."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from inbox.domain import Author, InboxFilter, Item, View, format_time
from inbox.ui.list_model import IdRole, ItemListModel, ItemRole, sync_loader

NOW = datetime(2026, 3, 2, 12, tzinfo=UTC)


def fill(store, n: int) -> None:
    source = store.add_source("google", "Cafe")
    store.save_page(source.id, [
        Item(external_id=f"i{k}", text=f"item {k}", rating=k % 5 + 1,
             author=Author(external_id=f"a{k % 7}", display_name=f"Author {k % 7}"),
             created_at=NOW - timedelta(minutes=k)) for k in range(n)])


class CountingLoader:
    def __init__(self, store):
        self.inner = sync_loader(store)
        self.calls: list[tuple] = []

    def __call__(self, flt, after, limit, now, on_page, on_error):
        self.calls.append((after, limit))
        self.inner(flt, after, limit, now, on_page, on_error)


def make_model(store, page_size=10):
    loader = CountingLoader(store)
    model = ItemListModel(loader, lambda: format_time(NOW), page_size=page_size)
    return model, loader


def test_model_pages_with_keyset_cursors_and_never_loads_everything(store):
    fill(store, 35)
    model, loader = make_model(store)
    model.set_filter(InboxFilter(view=View.ALL))
    assert model.rowCount() == 10
    assert model.canFetchMore()
    model.fetchMore()
    model.fetchMore()
    assert model.rowCount() == 30
    model.fetchMore()
    assert model.rowCount() == 35 and not model.canFetchMore()
    assert [limit for _, limit in loader.calls] == [10, 10, 10, 10]
    assert loader.calls[0][0] is None
    assert loader.calls[1][0].id == model.rows[9].id  # the cursor is the last row seen
    texts = [model.index(r).data(ItemRole).text for r in range(35)]
    assert texts == [f"item {k}" for k in range(35)]
    assert model.index(0).data(IdRole) == model.rows[0].id


def test_reload_keeps_the_loaded_rows(store):
    fill(store, 35)
    model, loader = make_model(store)
    model.set_filter(InboxFilter(view=View.ALL))
    model.fetchMore()
    model.reload()
    assert model.rowCount() == 20
    assert loader.calls[-1] == (None, 20)


def test_refresh_items_drops_rows_that_left_the_filter(store):
    fill(store, 12)
    model, _ = make_model(store)
    model.set_filter(InboxFilter(view=View.INBOX))
    ids = [model.rows[1].id, model.rows[2].id, model.rows[5].id]
    store.set_status(ids[:2], "done")
    store.set_status(ids[2:], "read")
    model.refresh_items(store, ids)
    assert ids[0] not in model.row_of and ids[1] not in model.row_of
    assert model.rows[model.row_of[ids[2]]].status == "read"
    assert model.rowCount() == 8
    assert all(model.rows[i].id == item_id for item_id, i in model.row_of.items())


def test_stale_pages_are_dropped(store):
    fill(store, 5)
    pending = []
    model = ItemListModel(lambda *args: pending.append(args), lambda: format_time(NOW), page_size=10)
    model.set_filter(InboxFilter(view=View.ALL))
    model.set_filter(InboxFilter(view=View.ALL, rating_min=5))
    first, second = pending
    second[4](store.list_items(second[0], limit=10))
    first[4](store.list_items(first[0], limit=10))  # arrives late: ignored
    assert model.rowCount() == 1 and model.rows[0].rating == 5


def test_qtmodeltester(store, qtmodeltester):
    fill(store, 25)
    model, _ = make_model(store, page_size=7)
    model.set_filter(InboxFilter(view=View.ALL))
    qtmodeltester.check(model, force_py=True)  # stays connected: every later change is checked
    model.fetchMore()
    assert model.rowCount() >= 14
    store.set_status([model.rows[0].id, model.rows[3].id], "done")
    model.set_filter(InboxFilter(view=View.INBOX))
    done = [model.rows[1].id, model.rows[2].id, model.rows[5].id]
    store.set_status(done, "done")
    model.refresh_items(store, [*done, model.rows[6].id])
    assert not set(done) & {r.id for r in model.rows}
    model.reload()
