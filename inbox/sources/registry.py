"""Source kind → connector class. Each kind's module `inbox.sources.<kind>` exposes
`CONNECTOR`; modules are imported on first use so that a broken one affects only its kind."""

from __future__ import annotations

import importlib

from inbox.domain import SourceKind
from inbox.sources.base import Connector, SourceError

KINDS: list[str] = [k.value for k in SourceKind]


def connector_class(kind: str) -> type[Connector]:
    if kind not in KINDS:
        raise SourceError(f"unknown source kind {kind!r}; known kinds: {', '.join(KINDS)}")
    try:
        module = importlib.import_module(f"inbox.sources.{kind}")
    except ModuleNotFoundError as exc:
        if exc.name == f"inbox.sources.{kind}":
            raise SourceError(f"the {kind} connector is not available in this version") from None
        raise
    return module.CONNECTOR


def available_kinds() -> list[str]:
    """Kinds whose connector module is present."""
    found = []
    for kind in KINDS:
        try:
            connector_class(kind)
        except SourceError:
            continue
        found.append(kind)
    return found
