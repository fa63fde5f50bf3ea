"""The guided set-up of a source: what each platform needs, the guide's steps, reading ids
from pasted store links, listing what the owner can choose, and a test that says what it
found. The window's Add-source flow (inbox/ui/add_source_wizard.py) only asks and redraws;
saving goes through `SourcesService` like everything else.

Why a plan per platform: an owner should never type an id an API can list or a link
already holds; the plan says which of sign in / paste / choose / pick a file applies."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from inbox.domain import Source, utcnow
from inbox.secrets import Secrets, key_of, read_source
from inbox.services.sources import SourceDraft
from inbox.sources.base import CredentialsRejected, Http, SourceError
from inbox.sources.choices import Choice
from inbox.sources.reddit_oauth import REDIRECT_URI as REDDIT_REDIRECT
from inbox.sources.registry import connector_class

NO_SIGN_IN = "No sign-in needed: these reviews are public."
# Typed only to list choices, never saved (a Facebook user token: each Page has its own).
TRANSIENT_SECRETS = {"user_token"}
NOUNS = {"rss": "article", "mastodon": "mention", "bluesky": "post", "reddit": "post"}
# How the check links what it found to the name: "Found 40 posts matching “Harbour Street”".
LINKS = {"bluesky": "mentioning", "reddit": "matching"}
APP_PASSWORDS_URL = "https://bsky.app/settings/app-passwords"
REDDIT_APPS_URL = "https://www.reddit.com/prefs/apps"


@dataclass(frozen=True, slots=True)
class Plan:
    """How the flow sets up one platform."""

    kind: str
    title: str
    needs: str                     # what you will need, in plain words
    connect: str                   # "oauth", "key", "url", "link", "file"
    choose: str = ""               # "list" (the API lists), "search" (a name and a place), "domain"
    guide_heading: str = ""        # the docs/sources.md section shown inline
    secret_fields: tuple[str, ...] = ()
    advanced: tuple[str, ...] = ()  # settings behind "Advanced"
    no_sign_in: bool = False
    advanced_secrets: tuple[str, ...] = ()  # secrets one may paste instead of signing in


PLANS: dict[str, Plan] = {p.kind: p for p in (
    Plan("google", "Google Business Profile",
         "Your Google account that manages the business, and an OAuth client (a small file you "
         "download once from Google Cloud; the guide shows where).",
         "oauth", "list", "Google Business Profile", advanced=("base_url", "token_url", "accounts_url",
                                                                "locations_url")),
    Plan("rss", "A news feed or Google Alert", "The feed's address (for a Google Alert: “Deliver to: RSS feed”).",
         "url", guide_heading="RSS / Atom, Google Alerts", no_sign_in=True),
    Plan("appstore", "Apple App Store", "Your app's App Store link.", "link",
         guide_heading="Apple App Store", no_sign_in=True, advanced=("base_url",)),
    Plan("yelp", "Yelp", "A free Yelp API key (the guide shows where to create it).", "key", "search",
         "Yelp", secret_fields=("api_key",), advanced=("base_url", "timezone")),
    Plan("trustpilot", "Trustpilot (API)", "A Trustpilot API key and your website's address.", "key",
         "domain", "Trustpilot", secret_fields=("api_key",), advanced=("base_url",)),
    Plan("facebook", "Facebook Page",
         "A Facebook access token from the Graph API Explorer with the permissions pages_show_list, "
         "pages_read_engagement and pages_read_user_content (the guide shows how).", "key", "list",
         "Facebook Page", secret_fields=("user_token",), advanced=("base_url",)),
    Plan("googleplay", "Google Play (API)",
         "Your app's Play Store link, and either a service account's key file that Play Console lets "
         "read reviews, or an OAuth client file to sign in with your own Google account (the guide "
         "shows both). No developer account? Use the monthly review report file.",
         "play", guide_heading="Google Play", advanced=("base_url", "token_url")),
    Plan("mastodon", "Mastodon",
         "Your Mastodon server's address (for example mastodon.social). You sign in there through "
         "your browser; there is nothing to create first.", "mastodon", guide_heading="Mastodon",
         advanced=("base_url",), advanced_secrets=("token",)),
    Plan("bluesky", "Bluesky",
         f"Your Bluesky handle and an app password: in Bluesky open Settings ▸ Privacy and security ▸ "
         f"App passwords ▸ Add ({APP_PASSWORDS_URL}). Never your main password.", "bluesky",
         guide_heading="Bluesky", secret_fields=("app_password",), advanced=("base_url",)),
    Plan("reddit", "Reddit",
         f"The words to search Reddit for, and your own Reddit app's client id: at {REDDIT_APPS_URL} "
         f"choose “create another app…”, type “installed app”, redirect uri {REDDIT_REDIRECT} "
         "(the guide shows each field).", "reddit",
         guide_heading="Reddit", advanced=("base_url", "token_url", "auth_url")),
    Plan("file", "A review export file (Trustpilot, Google Play, any CSV)",
         "The file you downloaded: Trustpilot Business ▸ Reviews ▸ Export, or Google Play Console ▸ "
         "Download reports ▸ Reviews.", "file", guide_heading="CSV / JSON file import", no_sign_in=True),
)}


def guide_section(markdown: str, heading: str) -> str:
    """The part of the set-up guide under `## heading…`, up to the next `## ` or its
    "### On the command line" (the app shows the steps in the app, not the commands)."""
    lines = markdown.splitlines()
    out: list[str] = []
    inside = False
    for line in lines:
        if inside and line.startswith("### On the command line"):
            break
        if line.startswith("## "):
            if inside:
                break
            inside = line[3:].strip().startswith(heading)
        if inside:
            out.append(line)
    return "\n".join(out).strip()


def settings_from_link(kind: str, link: str) -> dict[str, str]:
    """An App Store or Google Play link → the settings it holds; ValueError in plain words."""
    text = link.strip()
    if kind == "appstore":
        found = re.search(r"apps\.apple\.com/(?:([a-z]{2})/)?app/(?:[^/?#]+/)?id(\d+)", text) or \
            re.fullmatch(r"()(\d{6,})", text)
        if not found:
            raise ValueError("That is not an App Store link. Open your app on apps.apple.com and copy "
                             "the address; it ends in id and digits.")
        return {"app_id": found.group(2), "country": found.group(1) or "us"}
    if kind == "googleplay":
        query = parse_qs(urlsplit(text).query)
        package = (query.get("id") or [""])[0] if "play.google.com" in text else text
        if not re.fullmatch(r"[A-Za-z][\w]*(\.[A-Za-z_][\w]*)+", package):
            raise ValueError("That is not a Google Play link. Open your app on play.google.com and copy "
                             "the address; it contains id=com.….")
        return {"package_name": package}
    raise ValueError(f"{kind} sources are not set up from a link")


def server_address(text: str) -> str:
    """What an owner types for their Mastodon server (mastodon.social, a link, or their
    @name@server) → https://server; ValueError in plain words."""
    value = text.strip()
    if "@" in value and "/" not in value:  # @name@server or name@server
        value = value.rsplit("@", 1)[-1]
    parts = urlsplit(value if "://" in value else f"https://{value}")
    host = parts.netloc
    if not host or any(c.isspace() for c in host) or ("." not in host.split(":")[0] and not host.startswith(("127.0.0.1", "localhost"))):
        raise ValueError("That is not a server address. Type the part after the second @ of your "
                         "Mastodon address, for example mastodon.social.")
    return f"{parts.scheme or 'https'}://{host}"


def bluesky_handle(text: str) -> str:
    """@name, name.bsky.social, or a bsky.app profile link → the handle; a bare name is on
    bsky.social."""
    value = text.strip()
    found = re.search(r"bsky\.app/profile/([^/?#]+)", value)
    value = (found.group(1) if found else value).lstrip("@").lower()
    if not re.fullmatch(r"[a-z0-9][a-z0-9.-]*", value) and not value.startswith("did:"):
        raise ValueError("That is not a Bluesky handle. It looks like name.bsky.social (shown under "
                         "your name on your profile).")
    return value if "." in value or value.startswith("did:") else f"{value}.bsky.social"


def read_client_file(path: str | Path) -> dict[str, str]:
    """The OAuth client file downloaded from Google Cloud ("installed" or "web" client) →
    client id and secret (and its endpoints when not Google's), so nothing is typed."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise ValueError("That file can't be read as a Google OAuth client file (client_secret_….json).") from None
    client = (data.get("installed") or data.get("web")) if isinstance(data, dict) else None
    if not isinstance(client, dict) or not client.get("client_id") or not client.get("client_secret"):
        raise ValueError("That file is not an OAuth client file: in Google Cloud create an OAuth client "
                         "of type Desktop app and download its JSON.")
    out = {"client_id": str(client["client_id"]), "client_secret": str(client["client_secret"])}
    for ours, theirs in (("auth_url", "auth_uri"), ("token_url", "token_uri")):
        if client.get(theirs):
            out[ours] = str(client[theirs])
    return out


def read_service_account_file(path: str | Path) -> str:
    """A Google service account's downloaded key file → its JSON on one line (the Google Play
    source's secret), so nothing is pasted or converted by hand."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise ValueError("That file can't be read as a service account key file (….json).") from None
    if not isinstance(data, dict) or data.get("type") != "service_account" or not data.get("private_key") \
            or not data.get("client_email"):
        raise ValueError("That is not a service account key file: in Google Cloud open the service "
                         "account ▸ Keys ▸ Add key ▸ JSON, and choose the file it downloads.")
    return json.dumps(data, separators=(",", ":"))


@dataclass(slots=True)
class Preview:
    """What a test read from the platform: the first page of reviews."""

    count: int
    total: int | None = None
    newest: datetime | None = None
    name: str = ""
    stats: dict[str, Any] = field(default_factory=dict)
    more: bool = False  # another page follows the first
    noun: str = "review"  # what the platform's items are called
    link: str = "of"  # "Found 40 posts matching “Harbour Street”"

    def sentence(self, now: datetime | None = None) -> str:
        """"Found 212 reviews of Harbour Street Café, newest from yesterday"."""
        n = self.total if self.total is not None else self.count
        what = f"{n} {self.noun}{'s' if n != 1 else ''}" + ("" if self.total is not None or not self.more
                                                         else " or more")
        of = f" {self.link} {self.name}" if self.name else ""
        if not n:
            return f"Connected{' to ' + self.name if self.name else ''}, but there are no {self.noun}s yet."
        when = f", newest from {relative_day(self.newest, now or utcnow())}" if self.newest else ""
        return f"Found {what}{of}{when}."


def relative_day(when: datetime, now: datetime) -> str:
    """"today", "yesterday", "3 days ago", or the local date."""
    days = (now.astimezone().date() - when.astimezone().date()).days
    if days <= 0:
        return "today"
    if days == 1:
        return "yesterday"
    if days < 14:
        return f"{days} days ago"
    return when.astimezone().strftime("%-d %B %Y")


def connector_for(draft: SourceDraft, http: Http, secret_values: dict[str, str] | None = None) -> Any:
    """The draft's connector (not saved), to list choices or read a first page."""
    try:
        cls = connector_class(draft.kind)
    except SourceError:
        raise SourceError("this kind of source is not available in this version") from None
    values = {**draft.secrets, **(secret_values or {})}
    add_secrets = getattr(http, "add_secrets", None)
    if add_secrets is not None:
        add_secrets(values)
    source = Source(id=0, kind=draft.kind, name=draft.name or "new source", whose=draft.whose,
                    settings=dict(draft.settings))
    return cls(source, values, http)


async def choices(draft: SourceDraft, http: Http, *, term: str = "", place: str = "") -> list[Choice]:
    """What the platform lists for this sign-in or key: Google locations, Yelp businesses
    named `term` near `place`, the Trustpilot business of the website `term`."""
    connector = connector_for(draft, http)
    if draft.kind == "google":
        return await connector.list_locations()
    if draft.kind == "yelp":
        return await connector.search(term, place)
    if draft.kind == "trustpilot":
        return await connector.find(term)
    if draft.kind == "facebook":
        return await connector.list_pages()
    return []


async def preview(draft: SourceDraft, http: Http, *, name: str = "") -> Preview:
    """Read the first page as a sync would (nothing is saved) and say what is there."""
    connector = connector_for(draft, http)
    pages = connector.pages({})
    try:
        page = await anext(pages, None)
        more = page is not None and bool(page.items) and await anext(pages, None) is not None
    finally:
        await pages.aclose()
    items = [i for i in (page.items if page else []) if not i.is_owner_reply]
    stats = {**((page.cursor or {}) if page else {}), **(getattr(connector, "last_stats", None) or {})}
    total = None
    for key in ("totalReviewCount", "total", "review_count", "totalNumberOfReviews"):
        if isinstance(stats.get(key), int):
            total = stats[key]
            break
    newest = max((i.created_at for i in items if i.created_at), default=None)
    return Preview(len(items), total, newest, name, stats, more, NOUNS.get(draft.kind, "review"),
                   LINKS.get(draft.kind, "of"))


class NoBrowserSignIn(SourceError):
    """This source signs in with a pasted key or password, not through the browser."""


BROWSER_SIGN_IN = {"google", "googleplay", "mastodon", "reddit"}


async def sign_in_again(source: Source, secrets: Secrets, http: Http, *,
                        open_browser: Callable[[str], object] | None = None,
                        reddit_port: int | None = None) -> None:
    """"Sign in again" for a source whose saved sign-in was refused: the browser consent
    with what it already has (Google's or Google Play's OAuth client, the Mastodon server,
    the Reddit app), the new token into the keyring. NoBrowserSignIn for a source that
    was set up with a key (a Play service account, a Reddit script app, Bluesky, Yelp…)."""
    from inbox.sources import mastodon_oauth, reddit_oauth
    from inbox.sources.google import TOKEN_URL
    from inbox.sources.google_oauth import AUTH_URL, SCOPE, authorize
    from inbox.sources.googleplay import SCOPE as PLAY_SCOPE

    if source.kind not in BROWSER_SIGN_IN:
        raise NoBrowserSignIn(f"{source.kind} sources sign in with a key; paste a new one in File ▸ Sources…")
    values = await asyncio.to_thread(read_source, secrets, source)
    add_secrets = getattr(http, "add_secrets", None)
    if add_secrets is not None:
        add_secrets(values)
    extra: dict[str, Any] = {"open_browser": open_browser} if open_browser is not None else {}
    fresh: dict[str, str]
    if source.kind == "mastodon":
        fresh = {"token": await mastodon_oauth.sign_in(str(source.settings.get("base_url") or
                                                          "https://mastodon.social"), http, **extra)}
    elif source.kind == "reddit":
        if not values.get("refresh_token") or not values.get("client_id"):
            raise NoBrowserSignIn("this Reddit source uses a script app's password; type the new one in "
                                  "File ▸ Sources…")
        settings = source.settings
        got = await reddit_oauth.sign_in(
            values["client_id"], http, auth_url=str(settings.get("auth_url") or reddit_oauth.AUTH_URL),
            token_url=str(settings.get("token_url") or reddit_oauth.TOKEN_URL),
            api_url=str(settings.get("base_url") or reddit_oauth.API_URL),
            port=reddit_port or reddit_oauth.REDIRECT_PORT, **extra)
        fresh = {"refresh_token": got.refresh_token, **({"username": got.username} if got.username else {})}
    else:
        if not values.get("client_id") or not values.get("client_secret"):
            if source.kind == "googleplay":
                raise NoBrowserSignIn("this Google Play source uses a service account's key file; choose "
                                      "a new key in File ▸ Sources…")
            raise CredentialsRejected("the source has no OAuth client saved; add it again with File ▸ Add a source…")
        fresh = {"refresh_token": await authorize(
            values["client_id"], values["client_secret"], http,
            auth_url=str(source.settings.get("auth_url") or AUTH_URL),
            token_url=str(source.settings.get("token_url") or TOKEN_URL),
            scope=PLAY_SCOPE if source.kind == "googleplay" else SCOPE, **extra)}
    await asyncio.to_thread(secrets.set, key_of(source), fresh)
