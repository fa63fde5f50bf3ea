"""Colours that may reach a style sheet or rich text: `#rrggbb` only.

Why: a tag colour is stored text; `red; background-image: url(file:///...)` placed in a
`style` attribute would load a local file. Nothing but six hex digits passes."""

from __future__ import annotations

import re

_HEX = re.compile(r"#[0-9a-fA-F]{6}")
FALLBACK = "#888888"


def is_hex_colour(value: object) -> bool:
    return isinstance(value, str) and _HEX.fullmatch(value) is not None


def safe_colour(value: object, fallback: str = FALLBACK) -> str:
    """`value` when it is `#rrggbb`, else `fallback`."""
    return value if is_hex_colour(value) else fallback  # type: ignore[return-value]
