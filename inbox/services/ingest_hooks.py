"""On-arrival processing (rules, sentiment) run inside each ingest transaction.

The store knows nothing of services; whoever ingests (the sync engine, the demo, file
import) calls `install()` once so that the hooks of the features present are registered.
A hook module exposes `on_ingest(store, source_id, result)`.
"""

from __future__ import annotations

import importlib

from inbox.store import INGEST_HOOKS

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
            INGEST_HOOKS.append(hook)
