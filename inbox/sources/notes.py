"""What a source wants its user to know that is not an error: a part of the source it had
to skip (Facebook ratings on Graph API v22+, mentions without permission) or rows of an
import file it could not read. Connectors leave these in the cursor they save (`note`, a
sentence; `notes`, a list of lines); the sources dialog and `inbox sources list` show them
next to the source's state."""

from __future__ import annotations

from typing import Any

from inbox.domain import Source

MAX_SHOWN = 20


def source_notes(source: Source | dict[str, Any]) -> list[str]:
    """The notes of a source (or of a cursor dict), newest sync's, at most MAX_SHOWN."""
    cursor = source.cursor if isinstance(source, Source) else source
    if not isinstance(cursor, dict):
        return []
    found: list[str] = []
    note = cursor.get("note")
    if isinstance(note, str) and note.strip():
        found.append(note.strip())
    lines = cursor.get("notes")
    if isinstance(lines, list):
        skipped = cursor.get("skipped")
        if isinstance(skipped, int) and skipped > 0:
            found.append(f"{skipped} rows skipped in the last import" +
                         (f"; the first {min(len(lines), MAX_SHOWN)}:" if lines else ""))
        found += [str(line) for line in lines if str(line).strip()]
    return found[:MAX_SHOWN + 1]
