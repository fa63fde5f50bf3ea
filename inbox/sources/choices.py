"""What a platform lists for the owner to choose from (their Google locations, the Yelp
businesses matching a search, the Trustpilot business of a domain), so nobody types an id
the API can list. The connectors' `list_*` calls return these; the set-up flow shows them."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Choice:
    label: str                                         # "Harbour Street Café"
    settings: dict[str, str] = field(default_factory=dict)  # what choosing it sets
    detail: str = ""                                   # "12 Harbour St, Brighton · 212 reviews"
    secrets: dict[str, str] = field(default_factory=dict)  # what choosing it signs in with (a Page token)
