"""On-arrival processing (rules, sentiment) run inside each ingest transaction.

The store knows nothing of services; whoever ingests (the sync engine, the demo, file
import) calls `install()` once so that the hooks of the features present are registered.
A hook module exposes `on_ingest(store, source_id, result)`, may expose `on_new_rows(rows)`
(fills derived columns of new rows before they are inserted), and may expose `warm_up()`
(load lexicons, compile patterns) which `install()` calls, so a caller that installs from a
worker thread (the sync engine does) keeps that one-off cost off the event loop.
"""

from __future__ import annotations

import importlib

from inbox.store import INGEST_HOOKS, ROW_HOOKS

HOOK_MODULES = ["inbox.services.sentiment", "inbox.services.rules"]


def install() -> None:
    for name in HOOK_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:
                continue
            raise
        hook = getattr(module, "on_ingest", None)
        if hook is not None and hook not in INGEST_HOOKS:
            warm_up = getattr(module, "warm_up", None)
            if callable(warm_up):
                warm_up()
            INGEST_HOOKS.append(hook)
            row_hook = getattr(module, "on_new_rows", None)
            if row_hook is not None and row_hook not in ROW_HOOKS:
                ROW_HOOKS.append(row_hook)
