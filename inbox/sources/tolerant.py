"""Small helpers for reading API payloads tolerantly, shared by the connectors.

APIs drift: every helper here accepts missing keys, `null`s and wrong types and answers with an
empty value rather than raising, so one odd entry costs that entry, never the page.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from inbox.sources.base import BadPayload


def as_list(value: Any) -> list[Any]:
    """A list from a value that may be a list, one object, or absent (Apple's `entry`)."""
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def listed(value: Any) -> list[Any]:
    """`value` if it is a list, else an empty one (a drifted API may send null or an object)."""
    return value if isinstance(value, list) else []


def dig(obj: Any, *path: str | int) -> Any:
    """obj[a][b][c], or None where any step is missing or of the wrong type."""
    for key in path:
        if isinstance(key, int):
            if not isinstance(obj, list) or not -len(obj) <= key < len(obj):
                return None
        elif not isinstance(obj, dict):
            return None
        obj = obj[key] if isinstance(key, int) else obj.get(key)
    return obj


def text(value: Any) -> str:
    """Plain text from a payload value (None and non-strings become '' / str)."""
    if value is None or isinstance(value, dict | list):
        return ""
    return str(value).strip()


def stable_id(*parts: Any) -> str:
    """A short stable hash for entries that carry no id of their own."""
    blob = json.dumps(parts, ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(blob.encode()).hexdigest()[:20]


def error_body(response: Any) -> Any:
    """The JSON of an error answer, or {} when it has none (an HTML error page): the
    status alone then decides which error to raise."""
    try:
        return response.json()
    except (ValueError, UnicodeDecodeError):
        return {}


def require_dict(payload: Any, what: str) -> dict[str, Any]:
    if not isinstance(payload, dict):
        raise BadPayload(f"{what} answered with JSON of an unexpected shape ({type(payload).__name__})")
    return payload


def counted(n: int, noun: str) -> str:
    """'1 review', '3 reviews' (for verdicts users read)."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"
