"""Every command group is registered on `inbox`: a renamed module fails at import, and a
module left out of the list fails here."""

from __future__ import annotations

from pathlib import Path

import inbox.cli as cli

EXPECTED = {"demo", "stats", "search", "sources", "sync", "export", "author", "outbox", "backup",
            "insights", "settings", "about"}


def test_every_command_module_registers_its_commands():
    assert set(cli.main.commands) >= EXPECTED
    modules = {p.stem for p in Path(cli.__file__).parent.glob("*.py") if p.stem not in ("__init__", "common", "guard")}
    assert modules == {m.__name__.rsplit(".", 1)[1] for m in cli.COMMAND_MODULES}
