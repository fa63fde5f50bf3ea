"""Every source kind has its connector, every connector that can reply has its reply module,
and nothing is left out quietly: a renamed or unlisted module fails here."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

from inbox.domain import SourceKind
from inbox.sources import registry
from inbox.sources.base import Connector, SourceError
from inbox.sources.replies import REPLY_MODULES

SOURCES = Path(registry.__file__).resolve().parent


@pytest.mark.parametrize("kind", [k.value for k in SourceKind])
def test_every_kind_has_its_connector(kind):
    cls = registry.connector_class(kind)
    assert issubclass(cls, Connector) and cls.kind == kind
    assert kind in registry.available_kinds()


def test_an_unknown_kind_is_refused():
    with pytest.raises(SourceError, match="unknown source kind 'fax'"):
        registry.connector_class("fax")


def test_every_connector_module_is_registered():
    with_connector = {f"inbox.sources.{p.stem}" for p in SOURCES.glob("*.py")
                      if "\nCONNECTOR = " in p.read_text(encoding="utf-8")}
    assert with_connector == set(registry.CONNECTOR_MODULES.values())


def test_the_kinds_that_reply_are_the_listed_reply_modules():
    replying = {k.value for k in SourceKind if registry.connector_class(k.value).can_reply}
    assert replying == set(REPLY_MODULES)
    modules = {f"inbox.sources.replies.{p.stem}" for p in (SOURCES / "replies").glob("*.py")
               if not p.stem.startswith("_")}
    assert modules == set(REPLY_MODULES.values())
    for name in REPLY_MODULES.values():
        assert callable(importlib.import_module(name).post_reply), name
