"""A package's names imported on first use (PEP 562), for the packages a quick command
(`inbox search`) passes through: importing `inbox.store.X` or `inbox.domain.X` runs the
package's `__init__` first, which must not import every module of it (docs/benchmarks.md,
issue 19). No imports beyond importlib: this runs on that path."""

from __future__ import annotations

import sys
from importlib import import_module

TYPE_CHECKING = False  # not typing's: importing typing costs a sixth of a quick command
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping
    from typing import Any


def lazy_names(package: str, homes: Mapping[str, str],
               names: Iterable[str]) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """The `__getattr__` and `__dir__` of `package`: a name in `homes` is imported from its
    module (`package.homes[name]`) when first asked for, then kept in the package."""
    namespace = sys.modules[package].__dict__
    listed = set(names)

    def __getattr__(name: str) -> Any:
        home = homes.get(name)
        if home is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(import_module(f"{package}.{home}"), name)
        namespace[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted({*namespace, *listed})

    return __getattr__, __dir__
