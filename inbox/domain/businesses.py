"""Sources grouped under the business they belong to (no Qt, no I/O): the own business's
sources, then each competitor's. A competitor is the source setting 'business', else the
name before " · " ("Bean & Gone · Google" -> "Bean & Gone"), as the insights service does."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from inbox.domain.models import Source


@dataclass(slots=True)
class SourceGroup:
    key: str            # "own" or "c:<label casefolded>"
    label: str
    whose: str          # "own" | "competitor"
    sources: list[Source] = field(default_factory=list)


def competitor_label(source: Source) -> str:
    return (str(source.settings.get("business") or "") or source.name.split(" · ")[0]).strip() or source.name


def group_sources(sources: Sequence[Source], own_name: str) -> list[SourceGroup]:
    """The own business first (when it has sources), then competitors by name; sources by name."""
    own = SourceGroup("own", own_name or "Your business", "own")
    others: dict[str, SourceGroup] = {}
    for source in sorted(sources, key=lambda s: s.name.casefold()):
        if source.whose != "competitor":
            own.sources.append(source)
            continue
        label = competitor_label(source)
        others.setdefault(label.casefold(), SourceGroup("c:" + label.casefold(), label, "competitor")
                          ).sources.append(source)
    groups = [own] if own.sources else []
    return groups + sorted(others.values(), key=lambda g: g.label.casefold())


def short_name(source: Source, group: SourceGroup) -> str:
    """The source's name under its business: "Bean & Gone · Google" -> "Google"."""
    head, sep, tail = source.name.partition(" · ")
    if sep and tail.strip() and head.strip().casefold() == group.label.casefold():
        return tail.strip()
    return source.name
