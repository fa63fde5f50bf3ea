"""What a failed test or sync means for the owner, in their words, with the next step.

Why here: the sources dialog, the sidebar, the empty list and the command line all say the
same thing about the same failure. The wording is chosen from the error *kind* (set by type
in `inbox.sync.errors`), never by reading the technical message, which stays one click away
as `detail` (and in the log)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from inbox.domain.sync_errors import SyncErrorKind

# What the settings of each kind name, so "removed or you lost access" names the right thing.
_THING: dict[str, str] = {
    "google": "location", "googleplay": "app", "appstore": "app", "facebook": "Page",
    "trustpilot": "business", "yelp": "business", "rss": "feed", "mastodon": "account",
    "bluesky": "search", "reddit": "subreddit", "file": "file",
}
# Sign-in words: OAuth platforms sign in again, key platforms paste a new key.
_SIGN_IN_KINDS = {"google", "googleplay", "facebook", "reddit"}

# Actions the window offers as a button next to the sentence.
SIGN_IN = "sign_in"
EDIT = "edit"
RETRY = "retry"
REPORT = "report"


@dataclass(frozen=True, slots=True)
class PlainError:
    """A failure as the owner reads it: `headline` and `next_step` on screen, `detail` (the
    technical message) behind a "Details" click and in the log; `action` names the button."""

    headline: str
    next_step: str
    detail: str = ""
    action: str | None = None

    @property
    def text(self) -> str:
        return f"{self.headline} {self.next_step}".strip()


def desktop_of(env: Mapping[str, str]) -> str:
    """Which desktop the app runs on, from the environment (XDG_CURRENT_DESKTOP and co.):
    "gnome", "kde", "xfce", "other", or "none" without a graphical session."""
    current = (env.get("XDG_CURRENT_DESKTOP") or env.get("DESKTOP_SESSION") or "").lower()
    if "kde" in current or "plasma" in current:
        return "kde"
    if any(d in current for d in ("gnome", "unity", "cinnamon", "budgie", "pantheon", "mate")):
        return "gnome"
    if "xfce" in current or "lxqt" in current or "lxde" in current:
        return "xfce"
    if current:
        return "other"
    return "none" if not (env.get("DISPLAY") or env.get("WAYLAND_DISPLAY")) else "other"


def keyring_help(desktop: str, platform: str = "linux") -> str:
    """What to install or switch on so Feedback Inbox can keep sign-ins, per desktop."""
    if platform == "darwin":
        return "Open Keychain Access and make sure your login keychain is unlocked, then try again."
    if platform.startswith("win"):
        return "Windows Credential Manager is needed; sign in to Windows with your own account and try again."
    return {
        "gnome": "Install GNOME Keyring (the package gnome-keyring), log out and in again, and unlock it "
                 "if it asks.",
        "kde": "Switch on KDE Wallet in System Settings ▸ KDE Wallet (package kwalletmanager), "
               "or install GNOME Keyring (gnome-keyring); then log out and in again.",
        "xfce": "Install GNOME Keyring (gnome-keyring) and tick “Launch GNOME services on startup” in "
                "Session and Startup ▸ Advanced, or switch on KeePassXC's Secret Service "
                "integration; then log out and in again.",
        "none": "There is no desktop session here: start Feedback Inbox from your desktop, not over "
                "a remote terminal.",
    }.get(desktop, "Install GNOME Keyring (gnome-keyring) or switch on KeePassXC's Secret Service "
                   "integration, then log out and in again.")


def _when(retry_at: datetime | None, now: datetime | None) -> str:
    if retry_at is None or now is None:
        return "Feedback Inbox tries again at the next sync."
    wait = retry_at - now
    if wait <= timedelta(minutes=1):
        return "Feedback Inbox tries again in a minute."
    if wait < timedelta(hours=1):
        return f"Feedback Inbox tries again in about {round(wait.total_seconds() / 60)} minutes."
    return f"Feedback Inbox tries again at {retry_at.astimezone().strftime('%H:%M')}."


def explain(kind: SyncErrorKind | str | None, *, source_kind: str, platform: str, detail: str = "",
            retry_at: datetime | None = None, now: datetime | None = None,
            desktop: str = "other", os_platform: str = "linux", keyring: str = "unknown") -> PlainError:
    """The owner's sentence for a failure of `kind` on `platform` (e.g. "Google").

    `retry_at`/`now` (aware datetimes) say when a rate-limited source is tried again;
    `desktop` (see `desktop_of`) picks the keyring advice; `keyring` is "missing" (no
    backend), "locked" (it refused or did not answer) or "unknown"."""
    thing = _THING.get(source_kind, "source")
    oauth = source_kind in _SIGN_IN_KINDS
    try:
        k = SyncErrorKind(kind) if kind else SyncErrorKind.INTERNAL
    except ValueError:
        k = SyncErrorKind.INTERNAL
    if k is SyncErrorKind.OFFLINE:
        return PlainError(f"Can't reach {platform}.", "Check that you're online.", detail, RETRY)
    if k is SyncErrorKind.AUTH:
        if oauth:
            return PlainError(f"{platform} no longer accepts the saved sign-in.", "Sign in again.",
                              detail, SIGN_IN)
        return PlainError(f"{platform} no longer accepts the saved key.",
                          f"Paste a new key from your {platform} account.", detail, SIGN_IN)
    if k is SyncErrorKind.NOT_FOUND:
        if source_kind in ("rss", "file"):
            return PlainError(f"This {thing} is no longer there.",
                              "Check its address in the source's settings.", detail, EDIT)
        return PlainError(f"This {thing} was removed or you lost access to it.",
                          f"Check on {platform} that it still exists and that your account manages "
                          f"it, then choose it again.", detail, EDIT)
    if k is SyncErrorKind.RATE_LIMITED:
        return PlainError(f"{platform} asked Feedback Inbox to slow down.", _when(retry_at, now), detail)
    if k is SyncErrorKind.CREDENTIALS:
        if keyring == "locked":
            return PlainError("The system keyring, where sign-ins are kept, is locked or did not answer.",
                              "Unlock it (it usually asks for your login password) and try again.",
                              detail, RETRY)
        step = keyring_help(desktop, os_platform)
        if keyring != "missing":
            step = "If your keyring is locked, unlock it and try again. If there is none: " + step
        return PlainError("Feedback Inbox can't open the system keyring, where sign-ins are kept.",
                          step, detail)
    if k is SyncErrorKind.SERVER:
        return PlainError(f"{platform} is having trouble on its side.", _when(retry_at, now), detail, RETRY)
    if k is SyncErrorKind.BAD_DATA:
        return PlainError(f"{platform} sent an answer Feedback Inbox can't read.",
                          "It tries again at the next sync; if this keeps happening, send the "
                          "details with Help ▸ Report a problem.", detail, REPORT)
    if k is SyncErrorKind.REFUSED:
        return PlainError(f"{platform} refused the request.",
                          "Check the source's settings; Details shows what it said.", detail, EDIT)
    if k is SyncErrorKind.REMOVED:
        return PlainError("This source was removed while it synced.", "", detail)
    if k is SyncErrorKind.DISK:
        return PlainError(f"Feedback Inbox couldn't save everything it read from {platform}: the disk "
                          "is full or the inbox can't be written.",
                          "Free some space, then sync again; what was saved is kept.", detail, RETRY)
    if k is SyncErrorKind.CANCELLED:
        return PlainError("You stopped this sync.", "Press Sync to run it again.", detail, RETRY)
    return PlainError(f"Something went wrong inside Feedback Inbox while reading {platform}.",
                      "Please send the details with Help ▸ Report a problem.", detail, REPORT)
