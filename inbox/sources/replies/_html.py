"""Plain text from the HTML a site sends back for our own reply (Mastodon's `content`)."""

from __future__ import annotations

import html
import re

import nh3


def html_to_text(value: str) -> str:
    value = re.sub(r"(?i)<br\s*/?>|</p>\s*<p[^>]*>", "\n", value)
    return html.unescape(nh3.clean(value, tags=set())).strip()
