"""Members' display names in a team inbox ("Ana López" for the role `ana`): kept on the
server (team migration M011), remembered in this computer's copy so that the window shows
them offline too.

Why in the copy's settings and not fetched each time: assignment, presence and history
are drawn offline as well; the names change rarely, and each start asks the server again."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from inbox.secrets import Secrets
from inbox.services import settings
from inbox.services.team import open_team

if TYPE_CHECKING:
    from inbox.store import Store

KEY = "team.display_names"  # in the copy's settings (services/settings.py): {role: name} as JSON


def saved_names(replica: Store) -> dict[str, str]:
    """The names this computer last heard from the server ({} before the first time)."""
    try:
        names = json.loads(settings.get(KEY, replica) or "{}")
    except ValueError:
        return {}
    return {str(k): str(v) for k, v in names.items()} if isinstance(names, dict) else {}


def keep_names(replica: Store, names: dict[str, str]) -> None:
    """Remember the team's names in the copy (for the window offline)."""
    if names != saved_names(replica):
        settings.set(KEY, json.dumps(names, ensure_ascii=False, sort_keys=True), replica)


def fetch_names(url: str, secrets: Secrets | None) -> dict[str, str]:
    """The team's names from the server (blocking: a worker thread). Raises the store's
    errors when the server does not answer."""
    with open_team(url, secrets) as team:
        return team.display_names()


def set_my_name(url: str, secrets: Secrets | None, name: str) -> dict[str, str]:
    """Set how the team sees this member (empty: their user name again); the team's names
    afterwards. Blocking; raises the store's errors (offline: nothing changed)."""
    with open_team(url, secrets) as team:
        team.set_display_name(name)
        return team.display_names()
