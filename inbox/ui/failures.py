"""How a source's failed sync is said on screen: the owner's sentence first, the technical
message after it (one hover or click away), for the sidebar and the empty list."""

from __future__ import annotations

import html
from datetime import date

from inbox.domain import Source
from inbox.domain.plain_errors import EDIT, REPORT, RETRY, SIGN_IN, PlainError
from inbox.sources.facebook_versions import version_warning


def failure_tip(plain: PlainError, name: str = "") -> str:
    """A tooltip: "Harbour Café: Can't reach Google. Check that you're online." then the detail."""
    head = f"{name}: {plain.text}" if name else f"Last sync failed. {plain.text}"
    return head + (f"\n\nDetails: {plain.detail}" if plain.detail else "")


def empty_list_text(failures: list[tuple[str, PlainError]]) -> str:
    """What the empty list says when sources failed: never "Inbox zero"; the reason instead."""
    if not failures:
        return ""
    name, plain = failures[0]
    more = len(failures) - 1
    tail = f"\n\n{more} other source{'s' if more != 1 else ''} failed too; hover over them in the sidebar." if more else ""
    return f"Nothing new from “{name}”: its last sync failed.\n{plain.text}{tail}"


FIX_LINK, DETAILS_LINK = "inbox:fix", "inbox:details"
_FIX_WORDS = {SIGN_IN: "Sign in again…", EDIT: "Open its settings…", RETRY: "Try again", REPORT: ""}


def empty_list_html(failures: list[tuple[str, PlainError]]) -> str:
    """`empty_list_text` as rich text (every word escaped) with the next step as a link
    ("Sign in again…", "Try again") and the technical detail one click away."""
    text = empty_list_text(failures)
    if not text:
        return ""
    plain = failures[0][1]
    links = [f'<a href="{DETAILS_LINK}">Details…</a>']
    fix = _FIX_WORDS.get(plain.action or "", "")
    if fix:
        links.insert(0, f'<a href="{FIX_LINK}">{html.escape(fix)}</a>')
    return ("<p>" + html.escape(text).replace("\n", "<br>") + "</p><p>" + " &nbsp; ".join(links) + "</p>")


def source_warning(source: Source, today: date | None = None) -> str | None:
    """A warning ahead of trouble: the Facebook Graph version it pins ends soon."""
    if source.kind != "facebook":
        return None
    from inbox.sources.registry import connector_class

    base = str(source.settings.get("base_url") or connector_class("facebook").default_base_url)
    return version_warning(base, today or date.today())
