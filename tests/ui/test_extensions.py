"""Every feature module with `install(window)` is in the extension list, imported by name:
a renamed module fails at import, a forgotten one fails here."""

from __future__ import annotations

from pathlib import Path

import pytest

from inbox.ui import application

UI = Path(application.__file__).resolve().parent


def test_every_feature_module_is_an_extension():
    features = {f"inbox.ui.{p.stem}" for p in UI.glob("*.py")
                if "\ndef install(" in p.read_text(encoding="utf-8")}
    assert features == set(application.EXTENSIONS)
    assert all(callable(m.install) for m in application.EXTENSIONS.values())


def test_an_unknown_extension_name_is_an_error(window):
    with pytest.raises(KeyError):
        application.install_extensions(window, ["inbox.ui.not_there"])
