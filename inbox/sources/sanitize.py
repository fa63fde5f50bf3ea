"""The one HTML allow-list for text from the internet (connectors, UI, exports).

nh3's defaults keep `<img src="/home/...">` and relative links; we allow only simple
formatting and absolute http/https/mailto links, and drop scripts and styles with their
content. `to_text` gives the plain text a list row, search and exports use.
"""

from __future__ import annotations

import html as htmllib
import re

import nh3

ALLOWED_TAGS = {"p", "br", "a", "b", "i", "em", "strong", "ul", "ol", "li", "blockquote", "code", "pre"}
ALLOWED_ATTRIBUTES = {"a": {"href"}}
URL_SCHEMES = {"http", "https", "mailto"}
_DROPPED_WITH_CONTENT = {"script", "style", "iframe", "object", "embed", "noscript", "template",
                         "textarea", "select", "svg", "math"}
_ABSOLUTE = re.compile(r"^(https?://[^\s/]|mailto:)", re.IGNORECASE)
_SURROGATE = re.compile("[\ud800-\udfff]")  # half a character: nh3 (Rust) cannot take it
_BREAKS = re.compile(r"<\s*br\s*/?\s*>|</\s*(p|div|li|blockquote|pre|h[1-6]|tr)\s*>", re.IGNORECASE)


def _keep_absolute_links(tag: str, attr: str, value: str) -> str | None:
    if tag == "a" and attr == "href":
        return value if _ABSOLUTE.match(value.strip()) else None
    return value


# Built once: building a cleaner costs more than cleaning a typical post.
_SAFE = nh3.Cleaner(tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes=URL_SCHEMES,
                    clean_content_tags=_DROPPED_WITH_CONTENT, strip_comments=True,
                    link_rel="noopener noreferrer nofollow", attribute_filter=_keep_absolute_links)
_BARE = nh3.Cleaner(tags=set(), clean_content_tags=_DROPPED_WITH_CONTENT, strip_comments=True)


def _clean(cleaner: nh3.Cleaner, html: str) -> str:
    """`cleaner.clean(html)`; a lone surrogate (a JSON `\\ud83d` escape without its pair, half
    an emoji) becomes U+FFFD first: nh3 refused the whole text, and the connector's page with it."""
    try:
        return cleaner.clean(html)
    except UnicodeEncodeError:
        return cleaner.clean(_SURROGATE.sub("\ufffd", html))


def sanitize_html(html: str | None) -> str:
    """Safe HTML to display: the allow-list above, links absolute and `rel`-guarded."""
    if not html:
        return ""
    return _clean(_SAFE, html)


def to_text(html: str | None) -> str:
    """Plain text of an HTML fragment: tags gone, entities decoded, paragraphs kept as
    line breaks, runs of spaces collapsed."""
    if not html:
        return ""
    if "<" not in html and "&" not in html:
        text = html
    else:
        text = htmllib.unescape(_clean(_BARE, _BREAKS.sub("\n", html))).replace("\xa0", " ")
    lines = [" ".join(line.split()) for line in text.splitlines()]
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip()
