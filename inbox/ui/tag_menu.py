"""The sidebar's menu on a tag: Rename…, Change colour…, Delete… (inbox/services/tags.py),
each undone with Ctrl+Z like triage. A rename onto another tag's name says it merges them
first; a deletion says how many conversations carry the tag."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QColor
from PySide6.QtWidgets import QColorDialog, QMenu

from inbox.domain import InboxFilter, View
from inbox.services.tags import TagAdmin, TagError, delete_question, find_tag, merge_question, plan_rename
from inbox.store import StoreError
from inbox.ui import sidebar_keys

if TYPE_CHECKING:
    from inbox.domain import Tag
    from inbox.services.operations import ChangeSet
    from inbox.ui.main_window import MainWindow

UNDO_HINT = " (Ctrl+Z undoes it)"


def add_actions(menu: QMenu, window: MainWindow, name: str) -> None:
    """The tag's actions, for the sidebar's context menu."""
    menu.addAction("Rename…", lambda: rename(window, name))
    menu.addAction("Change colour…", lambda: choose_colour(window, name))
    menu.addSeparator()
    menu.addAction("Delete…", lambda: delete(window, name))


def _tag(window: MainWindow, name: str) -> Tag | None:
    try:
        return find_tag(window.store.list_tags(), name)
    except TagError as exc:  # deleted meanwhile (another member, another window)
        window.status_message(str(exc))
        return None


def _done(window: MainWindow, changes: ChangeSet, message: str, old: str, new: str | None) -> None:
    lst = window.list_ctl
    if lst.view_key == sidebar_keys.tag(old):  # the list showed this tag: follow it (or leave it)
        if new is None:
            lst.show_view(View.INBOX)
        else:
            lst.show(InboxFilter(view=View.ALL, tags=[new]), f"Tag: {new}", sidebar_keys.tag(new))
    window.data_changed(changes)
    window.status_message(message + UNDO_HINT)


def rename(window: MainWindow, name: str, new_name: str | None = None) -> None:
    tag = _tag(window, name)
    if tag is None:
        return
    if new_name is None:
        new_name = window.prompt_text("Rename tag", f"New name for “{tag.name}”:", tag.name)
    if new_name is None or new_name == tag.name:
        return
    try:
        plan = plan_rename(window.store.list_tags(), tag, new_name)
        if plan.into is not None and not window.confirm("Merge tags", merge_question(plan)):
            return
        changes = TagAdmin(window.ops).rename(plan)
    except (TagError, StoreError) as exc:
        window.status_message(f"Could not rename the tag: {exc}")
        return
    said = (f"Merged “{tag.name}” into “{plan.into.name}”." if plan.into is not None
            else f"Renamed “{tag.name}” to “{plan.name}”.")
    _done(window, changes, said, tag.name, plan.name)


def choose_colour(window: MainWindow, name: str) -> QColorDialog | None:
    tag = _tag(window, name)
    if tag is None:
        return None
    dialog = QColorDialog(QColor(tag.colour), window)
    dialog.setWindowTitle(f"Colour of “{tag.name}”")
    dialog.colorSelected.connect(lambda colour: recolour(window, tag.name, colour.name()))
    window.present(dialog)
    return dialog


def recolour(window: MainWindow, name: str, colour: str) -> None:
    tag = _tag(window, name)
    if tag is None or colour == tag.colour:
        return
    try:
        changes = TagAdmin(window.ops).recolour(tag, colour)
    except (TagError, StoreError) as exc:
        window.status_message(f"Could not change the colour: {exc}")
        return
    window.data_changed(changes)
    window.status_message(f"Changed the colour of “{tag.name}”." + UNDO_HINT)


def delete(window: MainWindow, name: str) -> None:
    tag = _tag(window, name)
    if tag is None or not window.confirm("Delete tag", delete_question(tag)):
        return
    try:
        changes = TagAdmin(window.ops).delete(tag)
    except StoreError as exc:
        window.status_message(f"Could not delete the tag: {exc}")
        return
    _done(window, changes, f"Deleted the tag “{tag.name}”.", tag.name, None)
