"""The main window's parts as controllers (list, triage, sidebar, reading; replies plugs in
as an extension), and the typed registry through which extensions find each other."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

T = TypeVar("T")


class Registry:
    """Features plugged into the window, one per type: `window.extensions.get(SyncController)`
    replaces attributes set on the window and found with getattr, which a type checker and a
    rename can't follow. Holding the object also keeps a non-modal dialog alive while open."""

    def __init__(self) -> None:
        self._by_type: dict[type, Any] = {}

    def add(self, obj: T, key: type | None = None) -> T:
        """Register `obj` under its type (or `key`), replacing an earlier one."""
        self._by_type[key or type(obj)] = obj
        return obj

    def get(self, kind: type[T]) -> T | None:
        return cast("T | None", self._by_type.get(kind))

    def require(self, kind: type[T]) -> T:
        obj = self.get(kind)
        if obj is None:
            raise LookupError(f"{kind.__name__} is not installed in this window")
        return obj

    def setdefault(self, kind: type[T], make: Callable[[], T]) -> T:
        obj = self.get(kind)
        return obj if obj is not None else self.add(make(), kind)

    def remove(self, kind: type) -> None:
        self._by_type.pop(kind, None)

    def items(self) -> list[tuple[type, Any]]:
        """(type, feature) pairs, in the order they were added."""
        return [*self._by_type.items()]  # (`list` here is the sibling module)

    def __contains__(self, kind: type) -> bool:
        return kind in self._by_type
