"""Untrusted text to safe HTML for the reading pane.

The `html` column was sanitised at ingest; it gets a second, strict nh3 pass here anyway
(defence in depth: the DB is readable and writable by any SQLite tool). Anything else is
plain text, escaped. No Qt here, so the rules can be tested on their own.
"""

from __future__ import annotations

import html as _html
from urllib.parse import urlsplit

import nh3

ALLOWED_TAGS = {"p", "br", "a", "b", "i", "em", "strong", "ul", "ol", "li", "blockquote", "code", "pre"}
ALLOWED_ATTRIBUTES = {"a": {"href"}}
ALLOWED_SCHEMES = {"http", "https", "mailto"}
OPENABLE_SCHEMES = ALLOWED_SCHEMES


def clean_html(markup: str) -> str:
    """The strict allow-list pass: no images, no scripts, no styles, links http/https/mailto
    only, no relative URLs; the text of removed tags is kept, script bodies are dropped."""
    return nh3.clean(markup, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
                     url_schemes=ALLOWED_SCHEMES, link_rel="noopener noreferrer nofollow",
                     clean_content_tags={"script", "style"}, strip_comments=True,
                     attribute_filter=_absolute_links_only)


def _absolute_links_only(tag: str, attribute: str, value: str) -> str | None:
    """nh3 keeps relative hrefs (`/etc/passwd`, `../x`); drop every href we would not open."""
    if attribute == "href":
        return value if is_openable(value) else None
    return value


def text_to_html(text: str) -> str:
    """Plain text as HTML: escaped, paragraphs and line breaks kept."""
    paras = [p for p in text.replace("\r\n", "\n").split("\n\n") if p.strip()]
    return "".join("<p>" + _html.escape(p).replace("\n", "<br>") + "</p>" for p in paras)


def body_html(text: str, markup: str | None) -> str:
    """The body of one item: its sanitised HTML when it has some, else its text."""
    if markup and markup.strip():
        cleaned = clean_html(markup)
        if cleaned.strip():
            return cleaned
    return text_to_html(text or "")


def is_openable(url: str) -> bool:
    """Links the app will offer to open in the browser (never file:, javascript:, data:)."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return False
    if parts.scheme.lower() not in OPENABLE_SCHEMES:
        return False
    return parts.scheme.lower() == "mailto" or bool(parts.netloc)


def escape(text: str) -> str:
    return _html.escape(text or "", quote=True)
