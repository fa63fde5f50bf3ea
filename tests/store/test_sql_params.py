"""SQL parameters stay bindable on newer Pythons.

A numbered placeholder (`?1`) counts as a named one to the sqlite3 module; bound with a
sequence it warns on Python 3.12 and raises `ProgrammingError` from 3.14. The suite runs
on 3.11, where nothing warns, so the source is checked instead: use `?` with a sequence
or `:name` with a mapping.
"""

from __future__ import annotations

import re
from pathlib import Path

import inbox

NUMBERED = re.compile(r"\?\d")


def test_no_numbered_sql_placeholders_in_the_package() -> None:
    root = Path(inbox.__file__).parent
    found = [f"{path.relative_to(root.parent)}:{n}"
             for path in sorted(root.rglob("*.py"))
             for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             if NUMBERED.search(line)]
    assert found == []
