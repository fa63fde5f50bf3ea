"""The layers hold: import contracts (pyproject's [tool.importlinter]) and no SQL outside the
store. A change that breaks either fails `make test`, not a later review."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "inbox"
STORE = PACKAGE / "store"
DB_CALLS = {"execute", "executemany", "executescript", "backup"}
CONNECTION_ATTRIBUTES = {"conn", "db"}
SQL_TEXT = re.compile(r"^\s*(SELECT\b.*\bFROM|INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|"
                      r"CREATE\s+(TABLE|INDEX|VIEW|TRIGGER)|DROP\s+|ALTER\s+TABLE|PRAGMA\s|BEGIN\b|"
                      r"WITH\s+\w+\s+AS)", re.S)


def test_import_contracts_are_kept() -> None:
    # its own process: import-linter sets up logging of its own, which later tests would inherit
    done = subprocess.run([str(Path(sys.executable).parent / "lint-imports"), "--no-cache",
                           "--config", str(ROOT / "pyproject.toml")],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr


def sql_in(source: str, label: str) -> list[str]:
    """Where a module runs SQL, holds a connection or spells a statement."""
    found = []
    for node in ast.walk(ast.parse(source, filename=label)):
        where = f"{label}:{getattr(node, 'lineno', '?')}"
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                and node.func.attr in DB_CALLS and _on_a_connection(node.func.value):
            found.append(f"{where} calls .{node.func.attr}()")
        elif isinstance(node, ast.Attribute) and node.attr in CONNECTION_ATTRIBUTES \
                and _names_a_store(node.value):
            found.append(f"{where} reaches into .{node.attr}")
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and SQL_TEXT.match(node.value):
            found.append(f"{where} spells SQL: {node.value.strip()[:40]!r}")
    return sorted(found)


def _names_a_store(node: ast.expr) -> bool:
    name = node.attr if isinstance(node, ast.Attribute) else getattr(node, "id", "")
    return any(word in name.lower() for word in ("store", "reader", "writer", "self"))


def _on_a_connection(node: ast.expr) -> bool:
    """`.execute()` on something that may be a database connection (not, say, a command)."""
    name = node.attr if isinstance(node, ast.Attribute) else getattr(node, "id", "")
    return name.lower() in {"conn", "connection", "db", "cursor", "cur", "dst", "src", "store", "reader"}


def test_no_sql_outside_the_store() -> None:
    offenders = [hit for path in sorted(PACKAGE.rglob("*.py")) if STORE not in path.parents
                 for hit in sql_in(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))]
    assert offenders == [], "SQL belongs in inbox/store/:\n" + "\n".join(offenders)


def test_the_check_finds_sql() -> None:
    """The check itself can fail: each way of running SQL outside the store is caught, and a
    plain sentence or a dialog's exec() is not."""
    hits = sql_in("def f(store, conn, dialog):\n"
                  "    store.conn.execute('x')\n"
                  "    conn.execute('y')\n"
                  "    q = 'SELECT id FROM items'\n"
                  "    dialog.exec()\n"
                  "    note = 'Select the items from the list'\n", "sample.py")
    assert sorted(hits) == ["sample.py:2 calls .execute()", "sample.py:2 reaches into .conn",
                            "sample.py:3 calls .execute()", "sample.py:4 spells SQL: 'SELECT id FROM items'"]
