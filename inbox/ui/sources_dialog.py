"""The Sources dialog: add, edit, test and remove sources.

The form for each kind is generated from its connector's declarations (`settings` as line
edits, `secrets` as password fields), so a new connector needs no UI code. Saving,
removing and testing are `inbox.services.sources` operations, run as coroutines on the
qasync loop (their keyring calls go to a worker thread with a timeout, as a locked keyring
may wait on a D-Bus prompt); nothing here blocks the window.
"""

from __future__ import annotations

import asyncio
import logging
import textwrap
from collections.abc import Callable, Coroutine
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from inbox.domain import Source, Whose
from inbox.domain.models import SOURCE_LABELS
from inbox.domain.wording import plural
from inbox.paths import default_db_path
from inbox.secrets import Secrets, SecretsError, from_environment
from inbox.services import settings as app_settings
from inbox.services.sources import SECRETS_TIMEOUT_S, SourceDraft, SourceExists, SourcesService
from inbox.sources.base import Connector, Setting, SourceError
from inbox.sources.registry import available_kinds, connector_class
from inbox.store import NotFound, Store, StoreError
from inbox.sync.errors import explain_exception, explain_failure
from inbox.ui.failures import failure_tip
from inbox.ui.plain import plain_question, plain_tooltip
from inbox.ui.whose_choice import whose_choice

log = logging.getLogger(__name__)

KEYRING_TIMEOUT_S = SECRETS_TIMEOUT_S
TEST_TIMEOUT_S = 60.0
_BASE_URL = Setting("base_url", "API address (leave empty for the service's own)")
# Settings an owner never needs (addresses for testing, endpoints): behind "Advanced".
ADVANCED_SETTINGS = {"base_url", "token_url", "auth_url", "accounts_url", "locations_url", "timezone"}

RunTask = Callable[[Coroutine[Any, Any, Any]], "asyncio.Task[Any]"]
Confirm = Callable[[str, str], bool]


def sync_interval(store: Store) -> int:
    """Minutes between automatic syncs (0 = off)."""
    return app_settings.get("sync.interval_minutes", store)


def kind_label(kind: str) -> str:
    try:
        return connector_class(kind).title or SOURCE_LABELS.get(kind, kind)
    except SourceError:
        return SOURCE_LABELS.get(kind, kind)


_WORDS = {"api": "API", "id": "ID", "url": "URL", "oauth": "OAuth", "json": "JSON"}


def _pretty(name: str) -> str:
    """`business_unit_id` → "Business unit ID"."""
    if name == "base_url":
        return "API address"
    words = [_WORDS.get(w, w) for w in name.split("_")]
    text = " ".join(words)
    return text[:1].upper() + text[1:]


def _default_run_task(owner: QWidget) -> RunTask:
    """Outside the main window (tests, tools): keep strong references to running tasks."""
    tasks: set[asyncio.Task[Any]] = set()

    def run(coro: Coroutine[Any, Any, Any]) -> asyncio.Task[Any]:
        task = asyncio.ensure_future(coro)
        tasks.add(task)
        task.add_done_callback(tasks.discard)
        return task
    return run


class SourceForm(QWidget):
    """The fields of one source; rebuilt when the kind changes."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.form = QFormLayout(self)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        self.kind = QComboBox()
        for k in available_kinds():
            self.kind.addItem(kind_label(k), k)
        self.name = QLineEdit()
        self.name.setPlaceholderText("e.g. Harbour Street Café on Yelp")
        whose, self.own, self.competitor = whose_choice(self)
        self.form.addRow("Kind", self.kind)
        self.form.addRow("Name", self.name)
        self.form.addRow("Whose", whose)
        self.enabled = QCheckBox("Include in Sync now and automatic syncs")
        self.enabled.setChecked(True)
        self.form.addRow("Sync", self.enabled)
        self._fixed_rows = self.form.rowCount()
        self.setting_edits: dict[str, QLineEdit] = {}
        self.secret_edits: dict[str, QLineEdit] = {}
        self.advanced_first = self.advanced_end = 0  # the rows behind "Advanced"
        self.required: set[str] = set()
        self.source: Source | None = None
        self.kind.currentIndexChanged.connect(lambda _i: self._build_fields())
        self.kind.currentIndexChanged.connect(lambda _i: self._name_hint())
        self._build_fields()

    def _name_hint(self) -> None:
        self.name.setPlaceholderText(f"e.g. Harbour Street Café on {self.kind.currentText()}")

    @property
    def connector(self) -> type[Connector] | None:
        kind = self.kind.currentData()
        try:
            return connector_class(kind) if kind else None
        except SourceError:
            return None

    def _build_fields(self) -> None:
        while self.form.rowCount() > self._fixed_rows:
            self.form.removeRow(self._fixed_rows)
        self.setting_edits.clear()
        self.secret_edits.clear()
        self.required.clear()
        self.advanced_first = self.advanced_end = 0
        cls = self.connector
        if cls is None:
            return
        settings = list(cls.settings)
        if cls.default_base_url and not any(s.name == "base_url" for s in settings):
            settings.append(_BASE_URL)
        advanced = [s for s in settings if s.name in ADVANCED_SETTINGS]
        settings = [s for s in settings if s.name not in ADVANCED_SETTINGS] + advanced
        for s in settings:
            if advanced and s is advanced[0]:  # API addresses and the like: out of the way
                toggle = QPushButton("Advanced ▸")
                toggle.setObjectName("advancedSettings")
                toggle.setFlat(True)
                toggle.setCheckable(True)
                toggle.toggled.connect(self._show_advanced)
                self.form.addRow(toggle)
                self.advanced_first = self.form.rowCount()
            edit = QLineEdit()
            edit.setObjectName(f"setting_{s.name}")
            default = s.default or (cls.default_base_url if s.name == "base_url" else None)
            if default:
                edit.setPlaceholderText(str(default))
            edit.setToolTip(s.help)
            if s.required:
                self.required.add(s.name)
            self.setting_edits[s.name] = edit
            self.form.addRow(_pretty(s.name) + (" *" if s.required else ""), edit)
            if s.help:
                self.form.addRow("", self._help_label(s.help))
        self.advanced_end = self.form.rowCount()
        self._show_advanced(False)
        if cls.secrets:
            line = QFrame()
            line.setFrameShape(QFrame.Shape.HLine)
            line.setFrameShadow(QFrame.Shadow.Sunken)
            self.form.addRow(line)
            note = QLabel("Credentials are kept in your system keyring, never in the inbox file.")
            note.setWordWrap(True)
            note.setStyleSheet("color: palette(placeholder-text);")
            self.form.addRow(note)
        for name in cls.secrets:
            edit = QLineEdit()
            edit.setObjectName(f"secret_{name}")
            edit.setEchoMode(QLineEdit.EchoMode.Password)
            if self.source is not None:
                edit.setPlaceholderText("leave empty to keep the saved value")
            self.secret_edits[name] = edit
            self.form.addRow(_pretty(name), edit)

    def _show_advanced(self, shown: bool) -> None:
        for row in range(self.advanced_first, self.advanced_end):
            self.form.setRowVisible(row, shown)
        toggle = self.findChild(QPushButton, "advancedSettings")
        if toggle is not None:
            toggle.setText("Advanced ▾" if shown else "Advanced ▸")

    @staticmethod
    def _help_label(text: str) -> QLabel:
        # Wrapped by hand: a word-wrapped QLabel in a QFormLayout gets a wrong height.
        label = QLabel(textwrap.fill(text, 78))
        label.setStyleSheet("color: palette(placeholder-text);")
        font = label.font()
        font.setPointSizeF(font.pointSizeF() * 0.9)
        label.setFont(font)
        return label

    def load(self, source: Source | None, kind: str | None = None) -> None:
        """Show a saved source (kind fixed), or an empty form for a new one."""
        self.source = source
        kind = source.kind if source else (kind or self.kind.currentData())
        index = self.kind.findData(kind)
        if index < 0 and source is not None:  # connector missing in this build: still editable
            self.kind.addItem(kind_label(kind), kind)
            index = self.kind.count() - 1
        self.kind.blockSignals(True)
        self.kind.setCurrentIndex(max(index, 0))
        self.kind.blockSignals(False)
        self.kind.setEnabled(source is None)
        self._build_fields()
        self._name_hint()
        self.name.setText(source.name if source else "")
        (self.competitor if source and source.whose == Whose.COMPETITOR else self.own).setChecked(True)
        self.enabled.setChecked(source.enabled if source else True)
        for name, edit in self.setting_edits.items():
            edit.setText(str(source.settings.get(name) or "") if source else "")

    def values(self) -> SourceDraft:
        return SourceDraft(
            kind=self.kind.currentData() or "",
            name=" ".join(self.name.text().split()),
            whose=Whose.COMPETITOR.value if self.competitor.isChecked() else Whose.OWN.value,
            enabled=self.enabled.isChecked(),
            settings={k: e.text().strip() for k, e in self.setting_edits.items() if e.text().strip()},
            secrets={k: e.text() for k, e in self.secret_edits.items() if e.text()},
        )

    def problem(self) -> str | None:
        """What must be fixed before saving, or None."""
        v = self.values()
        if not v.kind:
            return "choose a kind of source"
        if not v.name:
            return "give the source a name"
        missing = [_pretty(n) for n in sorted(self.required) if n not in v.settings]
        if missing:
            return "fill in: " + ", ".join(missing)
        return None


class SourcesDialog(QDialog):
    """Sources: the list on the left, the selected source's form on the right."""

    sources_changed = Signal()        # a source was added, edited or removed
    source_added = Signal(object)     # the new Source (the window syncs it at once)
    interval_changed = Signal(int)    # minutes between automatic syncs (0 = off)

    def __init__(self, store: Store, parent: QWidget | None = None, *,
                 run_task: RunTask | None = None, confirm: Confirm | None = None,
                 http_factory: Callable[[], Any] | None = None, for_demo: bool = False,
                 secrets: Secrets | None = None, add_flow: Callable[[], Any] | None = None) -> None:
        super().__init__(parent)
        self.add_flow = add_flow  # "Add source" opens the guided flow; the form is for editing
        self.store = store
        self.service = SourcesService(store, secrets if secrets is not None else from_environment(),
                                      timeout=KEYRING_TIMEOUT_S)
        self.for_demo = for_demo  # editing the user's own inbox from the demo window
        self.run_task = run_task or _default_run_task(self)
        self._confirm = confirm
        self.http_factory = http_factory or default_http
        self.setWindowTitle("Sources")
        self.resize(820, 560)

        self.list = QListWidget()
        self.list.setMinimumWidth(240)
        self.list.setAccessibleName("Sources")
        self.list.setSpacing(2)
        self.add_button = QPushButton("Add source")
        self.remove_button = QPushButton("Remove…")
        self.empty_hint = QLabel("No sources yet.\n\nFile ▸ Add a source… walks you through it "
                                 "step by step. Or choose a kind on the right, fill in its "
                                 "fields and Save. Your own business and competitors can both "
                                 "be followed.")
        self.empty_hint.setWordWrap(True)
        self.empty_hint.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.empty_hint.setStyleSheet("color: palette(placeholder-text); padding: 8px;")
        left = QVBoxLayout()
        left.addWidget(self.list, 1)
        left.addWidget(self.empty_hint, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        left.addLayout(buttons)

        self.form = SourceForm()
        self.test_button = QPushButton("Test connection")
        self.save_button = QPushButton("Save")
        self.save_button.setDefault(True)
        self.verdict = QLabel()
        self.verdict.setWordWrap(True)
        self.verdict.setTextFormat(Qt.TextFormat.PlainText)  # errors may quote a server's text
        self.verdict.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.verdict.setObjectName("verdict")
        self.verdict_detail = ""
        self.details_button = QPushButton("Details…")
        self.details_button.setObjectName("verdictDetails")
        self.details_button.setFlat(True)
        self.details_button.setVisible(False)
        self.details_button.clicked.connect(self.show_details)
        actions = QHBoxLayout()
        actions.addWidget(self.test_button)
        actions.addWidget(self.details_button)
        actions.addStretch(1)
        actions.addWidget(self.save_button)
        right = QVBoxLayout()
        self.heading = QLabel()
        self.heading.setTextFormat(Qt.TextFormat.PlainText)
        self.heading.setStyleSheet("font-weight: bold; font-size: large;")
        right.addWidget(self.heading)
        scroll = QScrollArea()  # Reddit and Google ask for many fields
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        holder = QWidget()
        holder_layout = QVBoxLayout(holder)
        holder_layout.setContentsMargins(0, 0, 0, 0)
        holder_layout.addWidget(self.form)
        holder_layout.addStretch(1)
        scroll.setWidget(holder)
        right.addWidget(scroll, 1)
        right.addWidget(self.verdict)
        right.addLayout(actions)

        interval = app_settings.spec("sync.interval_minutes")
        self.interval = QSpinBox()
        self.interval.setRange(interval.minimum or 0, interval.maximum or 0)
        self.interval.setSuffix(" min")
        self.interval.setSpecialValueText(interval.zero_text)
        self.interval.setValue(sync_interval(store))
        self.interval.setAccessibleName("Sync automatically every")
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        bottom = QHBoxLayout()
        bottom.addWidget(QLabel("Sync automatically every"))
        bottom.addWidget(self.interval)
        bottom.addStretch(1)
        bottom.addWidget(close)

        left_box = QWidget()
        left_box.setLayout(left)
        left.setContentsMargins(0, 0, 0, 0)
        left_box.setFixedWidth(250)
        body = QHBoxLayout()
        body.addWidget(left_box)
        body.addLayout(right, 1)
        outer = QVBoxLayout(self)
        if for_demo:
            note = QLabel(DEMO_NOTE)
            note.setWordWrap(True)
            note.setObjectName("demoNote")
            note.setStyleSheet("QLabel { background: #fff3cd; color: #664d03; padding: 6px 8px;"
                               " border-radius: 3px; }")
            outer.addWidget(note)
        outer.addLayout(body, 1)
        outer.addLayout(bottom)

        self.list.currentItemChanged.connect(lambda cur, _prev: self._select(cur))
        self.add_button.clicked.connect(self.add_source)
        self.remove_button.clicked.connect(self.remove_selected)
        self.save_button.clicked.connect(lambda: self._launch(self._save, "Saving…"))
        self.test_button.clicked.connect(lambda: self._launch(self._test, "Testing…"))
        self.interval.valueChanged.connect(self._interval_edited)
        self.busy = False
        self.reload()

    # -- list -----------------------------------------------------------------------------

    def reload(self, select_id: int | None = None) -> None:
        self.list.blockSignals(True)
        self.list.clear()
        heading = None
        failures = self.store.last_failures()  # why each failed, in the owner's words
        for s in self.store.list_sources():
            group = "Competitors" if s.whose == Whose.COMPETITOR else "My business"
            if group != heading:
                heading = group
                head = QListWidgetItem(group.upper())
                head.setFlags(Qt.ItemFlag.NoItemFlags)
                font = head.font()
                font.setBold(True)
                font.setPointSizeF(font.pointSizeF() * 0.85)
                head.setFont(font)
                self.list.addItem(head)
            item = QListWidgetItem(f"{s.name}\n{kind_label(s.kind)}" + ("  ⚠" if s.last_error else ""))
            item.setData(Qt.ItemDataRole.UserRole, s.id)
            if s.last_error:
                error, kind = failures.get(s.id, (s.last_error, None))
                item.setToolTip(plain_tooltip(failure_tip(explain_failure(s.kind, kind, error))))
            self.list.addItem(item)
            if s.id == select_id:
                self.list.setCurrentItem(item)
        self.list.blockSignals(False)
        self.list.setVisible(self.list.count() > 0)
        self.empty_hint.setVisible(self.list.count() == 0)
        if self.list.currentItem() is not None:
            self._select(self.list.currentItem())
        elif self.list.count() and select_id is None:
            self.list.setCurrentRow(1)
        else:
            self.new_source()

    def selected_source(self) -> Source | None:
        item = self.list.currentItem()
        if item is None or item.data(Qt.ItemDataRole.UserRole) is None:
            return None
        try:
            return self.store.get_source(int(item.data(Qt.ItemDataRole.UserRole)))
        except NotFound:
            return None

    def _select(self, item: QListWidgetItem | None) -> None:
        source = self.selected_source() if item is not None else None
        if source is None:
            return
        self.form.load(source)
        self.heading.setText(source.name)
        self.remove_button.setEnabled(True)
        self.show_verdict("")

    def add_source(self) -> None:
        """The guided flow where the window gave one, else the empty form."""
        if self.add_flow is not None:
            self.add_flow()
        else:
            self.new_source()

    def new_source(self, kind: str | None = None) -> None:
        self.list.blockSignals(True)
        self.list.setCurrentItem(None)
        self.list.clearSelection()
        self.list.blockSignals(False)
        self.form.load(None, kind)
        self.heading.setText("New source")
        self.remove_button.setEnabled(False)
        self.show_verdict("")
        self.form.name.setFocus()

    def show_verdict(self, text: str, *, ok: bool | None = None, detail: str = "") -> None:
        colour = {True: "#1a7f37", False: "#c62828", None: ""}[ok]
        self.verdict.setStyleSheet(f"color: {colour};" if colour else "")
        self.verdict.setText(text)
        self.verdict_detail = detail  # the technical message, one click away
        self.details_button.setVisible(bool(detail))
        if detail:
            log.info("source test or save failed: %s", detail)

    def show_details(self) -> QMessageBox:
        box = QMessageBox(QMessageBox.Icon.Information, "Details", self.verdict_detail,
                          QMessageBox.StandardButton.Close, self)
        box.setTextFormat(Qt.TextFormat.PlainText)  # it may quote what a server sent
        box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        box.open()
        return box

    def _set_busy(self, busy: bool, text: str = "") -> None:
        self.busy = busy
        for w in (self.save_button, self.test_button, self.add_button, self.remove_button, self.list):
            w.setEnabled(not busy)
        if busy:
            self.show_verdict(text)

    def _interval_edited(self, minutes: int) -> None:
        app_settings.set("sync.interval_minutes", minutes, self.store)
        self.interval_changed.emit(minutes)

    def confirm(self, title: str, text: str) -> bool:
        if self._confirm is not None:
            return self._confirm(title, text)
        return plain_question(self, title, text)  # it may quote a name a platform sent

    # -- save -----------------------------------------------------------------------------

    def _launch(self, coro_fn: Callable[[], Coroutine[Any, Any, Any]], text: str) -> None:
        """Start a coroutine from a button: busy at once, so a second click does nothing."""
        if self.busy:
            return
        self._set_busy(True, text)
        self.run_task(coro_fn())

    async def save(self) -> bool:
        """Add or update the source in the form. Returns True when it was saved."""
        if self.busy:
            return False
        self._set_busy(True, "Saving…")
        return await self._save()

    async def _save(self) -> bool:
        try:
            saved = await self._save_form()
        finally:
            self._set_busy(False)
        if saved is None:
            return False
        added = self.form.source is None
        self.reload(select_id=saved.id)
        self.show_verdict(f"Saved “{saved.name}” in your own inbox, which opens now."
                          if self.for_demo else f"Saved “{saved.name}”.", ok=True)
        self.sources_changed.emit()
        if added:
            self.source_added.emit(saved)
        return True

    async def _save_form(self) -> Source | None:
        problem = self.form.problem()
        if problem:
            self.show_verdict(f"Not saved: {problem}.", ok=False)
            return None
        v = self.form.values()
        old = self.form.source
        try:
            if old is None:
                return await self.service.add(v)
            # Settings the form doesn't show (set from the command line, or by an older
            # connector) are kept; the ones it shows are as the user left them.
            kept = {k: val for k, val in old.settings.items() if k not in self.form.setting_edits}
            v.settings = {**kept, **v.settings}
            return await self.service.edit(old.id, v)
        except SourceExists as exc:
            self.show_verdict(f"Not saved: a source named “{exc.name}” already exists.", ok=False)
        except SecretsError as exc:
            plain = explain_exception(exc, v.kind)
            self.show_verdict(f"Not saved. {plain.text}", ok=False, detail=plain.detail)
        except StoreError as exc:
            self.show_verdict(f"Not saved: {exc}.", ok=False)
        except Exception as exc:  # never leave the dialog silent (and never echo values)
            self.show_verdict(f"Not saved: unexpected {type(exc).__name__}.", ok=False)
            raise
        return None

    # -- remove ---------------------------------------------------------------------------

    def remove_selected(self) -> None:
        source = self.selected_source()
        if source is None or self.busy:
            return
        n = self.service.count_items(source.id)
        if not self.confirm("Remove source",
                            f"Remove “{source.name}” and the {plural(n, 'item')} synced from it? "
                            "Its saved credentials are deleted from the keyring. This cannot be undone."):
            return
        self._launch(lambda: self._remove(source), "Removing…")

    async def _remove(self, source: Source) -> None:
        try:
            removed = await self.service.remove(source.id)
        finally:
            self._set_busy(False)
        note = (f" Its credentials could not be deleted from the keyring ({removed.secrets_error})."
                if removed.secrets_error else "")
        self.reload()
        self.show_verdict(f"Removed “{source.name}”.{note}", ok=not note)
        self.sources_changed.emit()

    # -- test connection ------------------------------------------------------------------

    async def test_connection(self) -> str:
        """Run the connector's test() with the form's values; show and return the verdict."""
        if self.busy:
            return ""
        self._set_busy(True, "Testing…")
        return await self._test()

    async def _test(self) -> str:
        try:
            async with self.http_factory() as http:
                verdict = await asyncio.wait_for(
                    self.service.test(self.form.values(), http=http, saved=self.form.source), TEST_TIMEOUT_S)
        except TimeoutError:
            text, ok = f"No answer within {TEST_TIMEOUT_S:.0f} seconds.", False
        except (SourceError, SecretsError) as exc:
            plain = explain_exception(exc, self.form.values().kind)
            text, ok, detail = plain.text, False, plain.detail
        except Exception as exc:  # a connector bug must not take the dialog down
            log.exception("testing a source failed")
            plain = explain_exception(exc, self.form.values().kind)
            text, ok, detail = plain.text, False, plain.detail
        else:
            text, ok, detail = verdict, True, ""
        finally:
            self._set_busy(False)
        self.show_verdict(text, ok=ok, detail=detail)
        return text


def default_http() -> Any:
    """The sync engine's HTTP client (timeouts, retries, size limit)."""
    from inbox.sync.http import HttpClient

    return HttpClient()


DEMO_NOTE = ("You are looking at the demo café. Sources you add here go into your own inbox "
             "(not the demo), which opens as soon as you save one. The demo stays under File.")


def install(window: Any, *, secrets: Secrets | None = None) -> None:
    """File ▸ Sources…: one dialog per window, non-modal. `secrets`: the OS keyring unless
    given (tests give MemorySecrets).

    In the demo workspace the dialog edits the user's own database instead, so that a
    source added while exploring the demo is not lost inside the demo file."""

    def open_dialog() -> SourcesDialog:
        dialog = window.extensions.get(SourcesDialog)
        if dialog is None:
            demo = window.is_demo
            store = Store(default_db_path()) if demo else window.store
            dialog = SourcesDialog(store, window, run_task=lambda coro: window.run_task(coro),
                                   confirm=window.confirm, for_demo=demo, secrets=secrets,
                                   add_flow=lambda: _add_with_wizard(window, dialog, secrets))
            if demo:
                dialog.destroyed.connect(store.close)
                # the first own source: the window leaves the demo for the owner's inbox, live
                dialog.source_added.connect(lambda source: QTimer.singleShot(0, lambda: _open_own(window, source)))
            else:
                dialog.sources_changed.connect(window.data_changed)
                dialog.source_added.connect(lambda source: _sync_new(window, source))
            dialog.interval_changed.connect(lambda minutes: _set_interval(window, minutes))
            window.extensions.add(dialog)
        else:
            dialog.reload(select_id=dialog.form.source.id if dialog.form.source else None)
        dialog.show()
        dialog.raise_()
        dialog.activateWindow()
        return dialog

    window.register_command("sources.manage", "Sources…", open_dialog, menu="File")


def _add_with_wizard(window: Any, dialog: SourcesDialog, secrets: Secrets | None) -> Any:
    """The dialog's "Add source": the guided flow (File ▸ Add a source…); once it saves, the
    list shows the new source selected."""
    from inbox.ui.add_source_wizard import AddSourceWizard, open_wizard  # it imports this module

    wizard = window.extensions.get(AddSourceWizard)
    try:
        if wizard is not None and wizard.isVisible():  # one flow at a time
            wizard.raise_()
            wizard.activateWindow()
            return wizard
    except RuntimeError:  # closed: Qt has deleted it
        pass
    wizard = open_wizard(window, secrets=secrets if secrets is not None else dialog.service.secrets)
    if not window.is_demo:
        wizard.source_added.connect(lambda source: dialog.reload(select_id=source.id))
    return wizard


def _sync_new(window: Any, source: Source) -> None:
    """A source just added: fetch its items now rather than at the next interval."""
    from inbox.ui.sync_controller import SyncController  # it imports this module

    controller = window.extensions.get(SyncController)
    if controller is not None and not controller.running:
        controller.sync_now(sources=[source])


def _open_own(window: Any, source: Source) -> None:
    from inbox.ui.workspace_switch import open_own_inbox  # it imports this module

    open_own_inbox(window, source)
    dialog = window.extensions.get(SourcesDialog)
    if dialog is not None:  # the new window has its own; this one closes the store it opened
        window.extensions.remove(SourcesDialog)
        dialog.close()
        dialog.deleteLater()


def _set_interval(window: Any, minutes: int) -> None:
    from inbox.ui.sync_controller import SyncController  # it imports this module

    controller = window.extensions.get(SyncController)
    if controller is not None:
        controller.set_interval(minutes)
