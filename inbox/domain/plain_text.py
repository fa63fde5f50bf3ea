"""Text from sources, made safe for a terminal.

Why: a review's author can put ESC sequences (recolour, retitle, hide lines), carriage
returns or bidi overrides (reverse what follows) in a name; printed raw they act on the
user's terminal. Each such character is shown as its `\\uXXXX` escape instead, the same on
a terminal and in a pipe, and the same escape JSON uses, so JSON output stays exact."""

from __future__ import annotations

import re

# C0 controls but tab and newline, DEL and C1, the bidi embeddings/overrides/isolates and
# marks, and the Unicode line/paragraph separators.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
                     "\u2028\u2029]")


def terminal_safe(text: str) -> str:
    """`text` with every control, bidi or separator character shown as `\\uXXXX`."""
    return _UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def first_line(title: str, text: str) -> str:
    """An item's title and text as one line, for lists (`ItemRow.first_line`, `inbox search`)."""
    body = (title + " — " + text) if title and text else (title or text)
    return " ".join(body.split())[:200]
