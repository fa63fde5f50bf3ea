"""Every command group is registered on `inbox`: a module left out of the table, or one that
registers another name than its own, fails here; commands load only when they run."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import click

import inbox.cli as cli

ROOT = Path(__file__).resolve().parents[2]
EXPECTED = {"demo", "stats", "search", "sources", "sync", "export", "author", "outbox", "backup",
            "insights", "settings", "about", "team", "tag"}


def test_every_command_module_registers_its_commands():
    ctx = click.Context(cli.main)
    assert set(cli.main.list_commands(ctx)) >= EXPECTED
    for name in cli.COMMAND_MODULES:
        command = cli.main.get_command(ctx, name)
        assert command is not None and command.name == name
    modules = {p.stem for p in Path(cli.__file__).parent.glob("*.py") if p.stem not in ("__init__", "common", "guard")}
    assert modules == set(cli.COMMAND_MODULES)


def test_a_command_imports_only_what_it_needs():
    """`inbox search` neither imports the sync engine, Qt, httpx nor the keyring."""
    probe = ("import sys; from inbox.cli import main; "
             "sys.argv = ['inbox', 'search', '--help']\n"
             "try:\n    main()\nexcept SystemExit:\n    pass\n"
             "print('LOADED=' + ' '.join(m for m in ('inbox.sync.engine', 'PySide6', 'httpx', 'keyring', 'sqlite_utils') "
             "if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True,
                          env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}, check=True)
    assert done.stdout.splitlines()[-1] == "LOADED=", done.stdout


def test_a_sync_loads_httpx_without_its_command_line_client():
    """httpx's own CLI (rich, pygments) is ~10 MB and 0.1 s of every sync and window start;
    httpx itself still works (every connector test talks HTTP through it)."""
    probe = ("import sys, inbox.sync.engine, httpx; assert callable(httpx.AsyncClient)\n"
             "print('LOADED=' + ' '.join(m for m in ('rich', 'pygments') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True,
                          env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}, check=True)
    assert done.stdout.splitlines()[-1] == "LOADED=", done.stdout
