"""The sidebar's entry keys, "<family>:<value>" ("view:inbox", "source:3", "tag:urgent"),
made and read here only, so the window, the sync controller and extensions agree.

A key names what an entry shows; the window selects, updates and removes entries by it."""

from __future__ import annotations

VIEW = "view"        # a built-in view: value is a `View` name
WHOSE = "whose"      # own business or competitors
SOURCE = "source"    # one source: value is its id
TAG = "tag"          # one tag: value is its name (which may itself hold ':')
SAVED = "saved"      # a saved search: value is its id


def make(family: str, value: object) -> str:
    """The key of `value` in `family`; extensions use their own family ("replies")."""
    if not family or ":" in family:
        raise ValueError(f"a sidebar key family is one word without ':', not {family!r}")
    return f"{family}:{value}"


def view(name: str) -> str:
    return make(VIEW, name)


def whose(value: str) -> str:
    return make(WHOSE, value)


def source(source_id: int) -> str:
    return make(SOURCE, source_id)


def tag(name: str) -> str:
    return make(TAG, name)


def saved(view_id: int) -> str:
    return make(SAVED, view_id)


def parse(key: str | None) -> tuple[str, str]:
    """(family, value) of a key; ("", "") for no key or one without a family."""
    family, sep, value = (key or "").partition(":")
    return (family, value) if sep else ("", "")


def family(key: str | None) -> str:
    return parse(key)[0]


def _id_in(key: str | None, wanted: str) -> int | None:
    fam, value = parse(key)
    return int(value) if fam == wanted and value.isdigit() else None


def source_id(key: str | None) -> int | None:
    """The source id of a source's key, else None."""
    return _id_in(key, SOURCE)


def saved_id(key: str | None) -> int | None:
    """The saved search's id of its key, else None."""
    return _id_in(key, SAVED)
