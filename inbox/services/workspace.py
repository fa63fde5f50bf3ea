"""Which database the app opens: the user's, or the demo workspace when none is set up."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from inbox.paths import data_dir, default_db_path
from inbox.store import Store
from inbox.store import insights as insights_data


@dataclass(slots=True)
class Workspace:
    path: Path
    is_demo: bool


def choose_workspace(db_path: Path | None = None) -> Workspace:
    """An explicit path is used as it is. Otherwise the default database, unless it has no
    sources yet: then the demo workspace (built on first use) so the app is never empty."""
    if db_path is not None:
        return Workspace(Path(db_path), is_demo=False)
    path = default_db_path()
    if path.exists():
        with Store(path) as store:
            if store.list_sources():
                return Workspace(path, is_demo=False)
    return demo_workspace()


def own_workspace() -> Workspace:
    """The owner's own database (where sources added from the demo go)."""
    return Workspace(default_db_path(), is_demo=False)


def demo_workspace() -> Workspace:
    """The demo café's database, built on first use."""
    demo = data_dir() / "demo.db"
    with Store(demo) as store:
        if not store.list_sources():
            from inbox.services.demo import build_demo

            build_demo(store)
    return Workspace(demo, is_demo=True)


def open_store(path: str | Path) -> Store:
    """Open a workspace's database for writing (migrating it), then run what the services
    owe a database after a migration: the sentiment of items stored before sentiment
    existed (marked by migration 5; runs once)."""
    store = Store(path)
    try:
        if insights_data.backfill_pending(store):  # rare: sentiment (VADER) is imported only then
            from inbox.services import sentiment

            sentiment.backfill_marked(store)
    except BaseException:
        store.close()
        raise
    return store
