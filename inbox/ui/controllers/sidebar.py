"""The sidebar: views, businesses, sources, tags and saved searches with their counts
(counted on a worker, a moment after the writes that move them)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QMenu

from inbox.domain import InboxFilter, Source, View, parse_time, utcnow
from inbox.domain.businesses import group_sources, short_name
from inbox.domain.models import SOURCE_LABELS
from inbox.domain.plain_errors import PlainError
from inbox.domain.wording import plural
from inbox.services import settings
from inbox.services.saved_views import delete_saved_view, list_saved_views, save_view
from inbox.store import Store, StoreError
from inbox.sync.errors import explain_failure
from inbox.ui import local_time, sidebar_keys
from inbox.ui.delegate import source_pixmap
from inbox.ui.failures import failure_tip, source_warning
from inbox.ui.search_bar import VIEW_LABELS
from inbox.ui.sidebar import Sidebar, dot_icon

if TYPE_CHECKING:
    from inbox.ui.main_window import MainWindow

log = logging.getLogger(__name__)
COUNTS_DELAY_MS = 120
BUSINESS = "business"  # sidebar key family: a business's sources together


class SidebarController(QObject):
    """Fills the sidebar and keeps its counts current; saved searches live here too."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.store = window.store
        self._counts_gen = 0
        self.saved_views: dict[int, Any] = {}
        self.sources_known: list = []
        self.tags_known: list = []
        self.failures: dict[int, tuple[str, str | None]] = {}  # source id: (error, kind) of its last run
        self.sidebar = Sidebar()
        self.sidebar.setMinimumWidth(150)  # names are cut at the end, whole in their tooltips
        self.sidebar.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.sidebar.customContextMenuRequested.connect(self._menu)
        self.counts_timer = QTimer(self)
        self.counts_timer.setSingleShot(True)
        self.counts_timer.setInterval(COUNTS_DELAY_MS)
        self.counts_timer.timeout.connect(self.refresh_counts)

    def add_entry(self, section: str, key: str, label: str, on_activate: Callable[[], object], *,
                  count: int | None = None, icon: QIcon | None = None, tooltip: str = "",
                  parent_key: str | None = None) -> None:
        self.sidebar.add_entry(section, key, label, on_activate, count=count, icon=icon, tooltip=tooltip,
                               parent_key=parent_key)

    def populate(self) -> None:
        show = self.window.list_ctl.show
        for view in View.ALL_VIEWS:
            self.add_entry("Views", sidebar_keys.view(view), VIEW_LABELS[view],
                           lambda v=view: self.window.list_ctl.show_view(v))
        self.add_entry("Businesses", sidebar_keys.whose("own"), "Own business",
                       lambda: show(InboxFilter(view=View.ALL, whose="own"), "Own business", sidebar_keys.whose("own")))
        self.add_entry("Businesses", sidebar_keys.whose("competitor"), "Competitors",
                       lambda: show(InboxFilter(view=View.ALL, whose="competitor"), "Competitors",
                                    sidebar_keys.whose("competitor")))
        self.failures = self.store.last_failures()
        sources = self.store.list_sources()
        self.refresh_sources(sources, {})
        warnings = [f"“{s.name}”: {w}" for s in sources if s.enabled and (w := source_warning(s))]
        if warnings and not self.window.is_demo:  # said once at start (not of the demo's sample sources)
            QTimer.singleShot(0, lambda: self.window.status_message(warnings[0], 20_000))
        # tags (with their counts) arrive with the first counts
        self.refresh_saved_views()

    # -- counts --------------------------------------------------------------------------

    def schedule_counts(self) -> None:
        self.counts_timer.start()

    def refresh_counts(self) -> None:
        now = self.window.list_ctl.now_text()
        self._counts_gen += 1
        gen = self._counts_gen

        def query(s: Store):
            if gen != self._counts_gen:
                return None  # a newer request is queued behind this one
            return s.counts(now), s.list_sources(), s.list_tags(), s.last_failures()

        self.window.run_in_worker(query, self._apply_counts, lambda exc: log.warning("counts failed: %s", exc))

    def _apply_counts(self, result) -> None:
        if result is None:
            return
        counts, sources, tags, failures = result
        self.failures = failures
        for view, n in counts["views"].items():
            self.sidebar.update_entry(sidebar_keys.view(view), count=n)
        for whose, n in counts["whose"].items():
            self.sidebar.update_entry(sidebar_keys.whose(whose), count=n)
        self.refresh_sources(sources, counts["sources"])
        self.refresh_tags(tags, counts["tags"])
        search_bar = self.window.list_ctl.search_bar
        search_bar.set_choices(sources, tags)
        search_bar.show_filter(self.window.list_ctl.flt)
        self.window.list_ctl.update_empty()  # a failure that arrived explains an empty list

    def refresh_sources(self, sources, counts: dict[int, int]) -> None:
        """Sources under their business: the own business's first, then each competitor's,
        each business an entry of its own that lists all its sources."""
        self.sources_known = sources
        groups = group_sources(sources, settings.get("business_name", self.store))
        group_keys = {sidebar_keys.make(BUSINESS, g.key): g for g in groups}
        keys = {sidebar_keys.source(s.id) for s in sources} | set(group_keys)
        if any(self._parent_of(sidebar_keys.source(s.id)) != sidebar_keys.make(BUSINESS, g.key)
               for g in groups for s in g.sources if sidebar_keys.source(s.id) in self.sidebar.entries):
            keys = set()  # a source moved to another business (renamed): lay the section out again
        self.sidebar.remove_section_entries("Sources", keep=keys | {
            k for k, e in self.sidebar.entries.items()
            if e.section == "Sources" and sidebar_keys.family(k) not in (sidebar_keys.SOURCE, BUSINESS)})
        show = self.window.list_ctl.show
        for gkey, group in group_keys.items():
            ids = [s.id for s in group.sources]
            label = group.label
            if gkey not in self.sidebar.entries:
                self.add_entry("Sources", gkey, label,
                               lambda ids=ids, label=label, key=gkey: show(
                                   InboxFilter(view=View.ALL, source_ids=list(ids)), label, key),
                               tooltip=f"{label}: all {plural(len(ids), 'source')}"
                                       + (" (a competitor)" if group.whose == "competitor" else ""))
            total = sum(counts.get(i, 0) for i in ids)
            self.sidebar.update_entry(gkey, label=label, count=total or None)
            for s in group.sources:
                self._source_entry(s, short_name(s, group), gkey, counts)

    def _parent_of(self, key: str) -> str | None:
        entry = self.sidebar.entries.get(key)
        parent = entry.item.parent() if entry is not None else None
        return parent.data(0, Qt.ItemDataRole.UserRole + 10) if parent is not None else None

    def _source_entry(self, s, short: str, parent_key: str, counts: dict[int, int]) -> None:
        key = sidebar_keys.source(s.id)
        synced = "never synced"
        if s.last_synced_at:
            then = parse_time(s.last_synced_at)
            synced = f"last synced {local_time.when(then, utcnow())}" if then else "never synced"
        tip = f"{s.name} ({SOURCE_LABELS.get(s.kind, s.kind)}, {'competitor' if s.whose == 'competitor' else 'own'}) — {synced}"
        if not s.enabled:
            tip += " — paused"
        if s.last_error:
            tip += "\n" + failure_tip(self.plain_failure(s))
        warning = source_warning(s)
        if warning:
            tip += "\n⚠ " + warning
        label = short + ("" if s.enabled else " (paused)")
        if key not in self.sidebar.entries:
            self.add_entry(
                "Sources", key, label,
                lambda sid=s.id, name=s.name: self.window.list_ctl.show(
                    InboxFilter(view=View.ALL, source_ids=[sid]), name, sidebar_keys.source(sid)),
                icon=QIcon(source_pixmap(s.kind, 16)), tooltip=tip, parent_key=parent_key)
        entry = self.sidebar.entries[key]
        state = None if entry.state == "syncing" else ("error" if s.last_error else "")
        self.sidebar.update_entry(key, label=label, count=counts.get(s.id, entry.count or 0),
                                  tooltip=tip, state=state)

    def plain_failure(self, source) -> PlainError:
        """Why `source`'s last sync failed, in the owner's words (detail: the technical text)."""
        error, kind = self.failures.get(source.id, (source.last_error or "", None))
        return explain_failure(source.kind, kind, error,
                               interval_minutes=settings.get("sync.interval_minutes", self.store))

    def failed_sources(self, source_ids: list[int] | None = None) -> list[tuple[Source, PlainError]]:
        """Enabled sources (of `source_ids`, or all) whose last sync failed, with the reason."""
        return [(s, self.plain_failure(s)) for s in self.sources_known
                if s.enabled and s.last_error and (not source_ids or s.id in source_ids)]

    def refresh_tags(self, tags, counts: dict[int, int]) -> None:
        self.tags_known = tags
        self.sidebar.remove_section_entries("Tags", keep={sidebar_keys.tag(t.name) for t in tags})
        for t in tags:
            key = sidebar_keys.tag(t.name)
            if key not in self.sidebar.entries:
                self.add_entry("Tags", key, t.name,
                               lambda name=t.name: self.window.list_ctl.show(
                                   InboxFilter(view=View.ALL, tags=[name]), f"Tag: {name}", sidebar_keys.tag(name)),
                               icon=dot_icon(t.colour),
                               tooltip=f"Items tagged “{t.name}” (right-click to rename, recolour or delete)")
            self.sidebar.update_entry(key, count=counts.get(t.id, t.count), icon=dot_icon(t.colour))
        self.sidebar.select_key(self.window.list_ctl.highlighted_key())

    # -- saved searches ------------------------------------------------------------------

    def refresh_saved_views(self) -> None:
        views = list_saved_views(self.store)
        self.saved_views = {v.id: v for v in views}
        self.sidebar.remove_section_entries("Saved searches", keep={sidebar_keys.saved(v.id) for v in views})
        for v in views:
            self.add_entry("Saved searches", sidebar_keys.saved(v.id), v.name,
                           lambda v=v: self.window.list_ctl.show(v.filter, v.name, sidebar_keys.saved(v.id)),
                           tooltip=f"Saved search: {v.filter.query or 'filters'} (right-click to delete)")
        self.sidebar.select_key(self.window.list_ctl.highlighted_key())

    def save_current_search(self) -> None:
        lst = self.window.list_ctl
        default = lst.flt.query.strip() or lst.view_title
        name = self.window.prompt_text("Save search", "Name of the saved search:", default)
        if not name or not name.strip():
            return
        try:
            view = save_view(self.store, name, lst.flt)
        except StoreError as exc:
            self.window.status_message(str(exc))
            return
        self.refresh_saved_views()
        lst.view_key = sidebar_keys.saved(view.id)
        self.sidebar.select_key(lst.highlighted_key())
        self.window.status_message(f"Saved search “{view.name}”.")

    def delete_saved_search(self, view_id: int | None = None) -> None:
        lst = self.window.list_ctl
        if view_id is None:
            view_id = sidebar_keys.saved_id(lst.view_key)
            if view_id is None:
                self.window.status_message("Open a saved search first.")
                return
        view = self.saved_views.get(view_id)
        if view is None:
            return
        if not self.window.confirm("Delete saved search", f"Delete the saved search “{view.name}”?"):
            return
        delete_saved_view(self.store, view_id)
        if lst.view_key == sidebar_keys.saved(view_id):
            lst.view_key = None
        self.refresh_saved_views()
        self.window.status_message(f"Deleted saved search “{view.name}”.")

    def _menu(self, pos) -> None:
        item = self.sidebar.itemAt(pos)
        if item is None:
            return
        key = item.data(0, Qt.ItemDataRole.UserRole + 10) or ""
        family, value = sidebar_keys.parse(key)
        if family == sidebar_keys.TAG:
            from inbox.ui import tag_menu

            menu = QMenu(self.window)
            tag_menu.add_actions(menu, self.window, value)
            menu.popup(self.sidebar.viewport().mapToGlobal(pos))
            return
        view_id = sidebar_keys.saved_id(key)
        if view_id is not None:
            menu = QMenu(self.window)
            menu.addAction("Delete saved search", lambda: self.delete_saved_search(view_id))
            menu.popup(self.sidebar.viewport().mapToGlobal(pos))
