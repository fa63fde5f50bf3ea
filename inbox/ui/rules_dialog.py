"""The Rules dialog: edit rules with a live preview of what they match.

The preview (count and newest rows) is computed on a worker thread with a read-only
connection, a moment after the last edit, and a stale answer is dropped, so typing stays
smooth on a big inbox. "Apply to existing items" runs the same SQL as the on-arrival hook
(`inbox.services.rules`) and can be undone until the dialog closes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from inbox.domain import parse_time, utcnow
from inbox.domain.times import date_text
from inbox.domain.wording import plural
from inbox.services import rules
from inbox.services.rules import Actions, ApplyResult, Conditions, Rule, RuleError
from inbox.store import Store, StoreError
from inbox.ui import local_time
from inbox.ui.plain import plain_question

RunInWorker = Callable[..., None]   # (fn(reader_store), on_done, on_error) -> None
Confirm = Callable[[str, str], bool]
PREVIEW_ROWS = 12
PREVIEW_DELAY_MS = 300


class RulesDialog(QDialog):
    rules_changed = Signal()   # a rule was saved or deleted
    items_changed = Signal()   # "Apply to existing" (or its undo) changed items

    def __init__(self, store: Store, parent: QWidget | None = None, *,
                 run_in_worker: RunInWorker, confirm: Confirm | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.run_in_worker = run_in_worker
        self._confirm = confirm
        self.rule: Rule | None = None
        self.last_apply: ApplyResult | None = None
        self.preview_generation = 0
        self.preview_result: rules.Preview | None = None
        self.setWindowTitle("Rules")
        self.resize(940, 640)

        # left: the rules
        self.list = QListWidget()
        self.list.setMinimumWidth(220)
        self.list.setSpacing(2)
        self.empty_hint = QLabel("No rules yet.\n\nA rule tags, mutes or marks read the new items "
                                 "that match it, as they arrive. Fill in the form and save.")
        self.empty_hint.setWordWrap(True)
        self.empty_hint.setStyleSheet("color: palette(placeholder-text); padding: 8px;")
        self.new_button = QPushButton("New rule")
        self.delete_button = QPushButton("Delete…")
        left = QVBoxLayout()
        left.addWidget(self.list, 1)
        left.addWidget(self.empty_hint)
        row = QHBoxLayout()
        row.addWidget(self.new_button)
        row.addWidget(self.delete_button)
        left.addLayout(row)

        # right: one rule
        self.name = QLineEdit()
        self.name.setPlaceholderText("e.g. Cold coffee complaints")
        self.enabled = QCheckBox("Enabled")
        self.enabled.setChecked(True)
        head = QHBoxLayout()
        head.addWidget(QLabel("Name"))
        head.addWidget(self.name, 1)
        head.addWidget(self.enabled)

        when = QGroupBox("When a new item matches all of these")
        wf = QFormLayout(when)
        self.sources = QListWidget()
        self.sources.setMaximumHeight(84)
        self.sources.setToolTip("Tick sources to limit the rule to them; none ticked means any source.")
        self.whose = QComboBox()
        for label, value in (("Any business", None), ("My business", "own"), ("Competitors", "competitor")):
            self.whose.addItem(label, value)
        self.rating_min = self._rating_box()
        self.rating_max = self._rating_box()
        self.rating_min.setAccessibleName("Rating from")
        self.rating_max.setAccessibleName("Rating to")
        rating = QHBoxLayout()
        rating.addWidget(self.rating_min)
        rating.addWidget(QLabel("to"))
        rating.addWidget(self.rating_max)
        rating.addStretch(1)
        self.keyword = QLineEdit()
        self.keyword.setPlaceholderText("words in the title or text")
        self.keyword_mode = QComboBox()
        self.keyword_mode.addItem("contains", "substring")
        self.keyword_mode.addItem("full-text search", "fts")
        self.keyword_mode.setToolTip("“contains” finds the text anywhere (case-insensitive); full-text "
                                     "search matches whole words and understands \"phrases\", crois*, OR, NOT.")
        kw = QHBoxLayout()
        kw.addWidget(self.keyword, 1)
        kw.addWidget(self.keyword_mode)
        self.author = QLineEdit()
        self.author.setPlaceholderText("part of the author's name or handle")
        wf.addRow("Sources", self.sources)
        wf.addRow("Business", self.whose)
        wf.addRow("Rating", rating)
        wf.addRow("Keyword", kw)
        wf.addRow("Author", self.author)

        then = QGroupBox("Then")
        tf = QHBoxLayout(then)
        self.tag = QComboBox()
        self.tag.setEditable(True)
        self.tag.setMinimumWidth(160)
        self.tag.lineEdit().setPlaceholderText("no tag")
        self.tag.setAccessibleName("Tag")
        self.mark_read = QCheckBox("Mark read")
        self.mute = QCheckBox("Mute (mark done)")
        tf.addWidget(QLabel("Tag"))
        tf.addWidget(self.tag)
        tf.addSpacing(12)
        tf.addWidget(self.mark_read)
        tf.addWidget(self.mute)
        tf.addStretch(1)

        self.preview_label = QLabel("…")
        self.preview_label.setObjectName("previewCount")
        self.preview_label.setTextFormat(Qt.TextFormat.PlainText)
        self.preview_table = QTableWidget(0, 4)
        self.preview_table.setHorizontalHeaderLabels(["Date", "Source", "Rating", "Text"])
        self.preview_table.setAccessibleName("Existing items the rule matches")
        self.preview_table.verticalHeader().hide()
        self.preview_table.setWordWrap(False)
        self.preview_table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.preview_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.preview_table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        header = self.preview_table.horizontalHeader()
        for col in range(3):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)

        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.save_button = QPushButton("Save rule")
        self.save_button.setDefault(True)
        self.apply_button = QPushButton("Apply to existing items…")
        self.undo_button = QPushButton("Undo apply")
        self.undo_button.setEnabled(False)
        buttons = QHBoxLayout()
        buttons.addWidget(self.apply_button)
        buttons.addWidget(self.undo_button)
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)

        right = QVBoxLayout()
        right.addLayout(head)
        right.addWidget(when)
        right.addWidget(then)
        right.addWidget(self.preview_label)
        right.addWidget(self.preview_table, 1)
        right.addWidget(self.message)
        right.addLayout(buttons)

        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        left_box = QWidget()
        left_box.setLayout(left)
        left.setContentsMargins(0, 0, 0, 0)
        left_box.setFixedWidth(240)
        body = QHBoxLayout()
        body.addWidget(left_box)
        body.addLayout(right, 1)
        outer = QVBoxLayout(self)
        outer.addLayout(body, 1)
        outer.addWidget(close)

        self.preview_timer = QTimer(self)
        self.preview_timer.setSingleShot(True)
        self.preview_timer.setInterval(PREVIEW_DELAY_MS)
        self.preview_timer.timeout.connect(self.refresh_preview)
        for signal in (self.name.textChanged, self.keyword.textChanged, self.author.textChanged):
            signal.connect(self._edited)
        for box in (self.whose, self.keyword_mode):
            box.currentIndexChanged.connect(self._edited)
        for spin in (self.rating_min, self.rating_max):
            spin.valueChanged.connect(self._edited)
        self.sources.itemChanged.connect(self._edited)
        self.list.currentItemChanged.connect(lambda cur, _prev: self._select(cur))
        self.new_button.clicked.connect(self.new_rule)
        self.delete_button.clicked.connect(self.delete_selected)
        self.save_button.clicked.connect(self.save)
        self.apply_button.clicked.connect(self.apply_to_existing)
        self.undo_button.clicked.connect(self.undo_apply)

        self._fill_sources_and_tags()
        self.reload()

    @staticmethod
    def _rating_box() -> QSpinBox:
        box = QSpinBox()
        box.setRange(0, 5)
        box.setSpecialValueText("any")
        box.setSuffix(" ★")
        return box

    def _fill_sources_and_tags(self) -> None:
        self.sources.blockSignals(True)
        self.sources.clear()
        for s in self.store.list_sources():
            item = QListWidgetItem(s.name)
            item.setData(Qt.ItemDataRole.UserRole, s.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.sources.addItem(item)
        self.sources.blockSignals(False)
        self.tag.clear()
        self.tag.addItem("")
        for t in self.store.list_tags():
            self.tag.addItem(t.name)

    # -- the list -------------------------------------------------------------------------

    def reload(self, select_id: int | None = None) -> None:
        self.list.blockSignals(True)
        self.list.clear()
        for r in rules.list_rules(self.store):
            item = QListWidgetItem(f"{r.name}\n→ {r.actions.describe()}" + ("" if r.enabled else "  (off)"))
            item.setData(Qt.ItemDataRole.UserRole, r.id)
            if not r.enabled:
                item.setForeground(self.palette().placeholderText())
            self.list.addItem(item)
            if r.id == select_id:
                self.list.setCurrentItem(item)
        self.list.blockSignals(False)
        self.list.setVisible(self.list.count() > 0)
        self.empty_hint.setVisible(self.list.count() == 0)
        if self.list.currentItem() is not None:
            self._select(self.list.currentItem())
        elif self.list.count() and select_id is None:
            self.list.setCurrentRow(0)
        else:
            self.new_rule()

    def _select(self, item: QListWidgetItem | None) -> None:
        if item is None:
            return
        try:
            rule = rules.get_rule(self.store, int(item.data(Qt.ItemDataRole.UserRole)))
        except StoreError:
            return
        self.load(rule)

    def new_rule(self) -> None:
        self.list.blockSignals(True)
        self.list.setCurrentItem(None)
        self.list.clearSelection()
        self.list.blockSignals(False)
        self.load(None)
        self.name.setFocus()

    def load(self, rule: Rule | None) -> None:
        self.rule = rule
        r = rule or Rule("")
        c, a = r.conditions, r.actions
        self.name.setText(r.name)
        self.enabled.setChecked(r.enabled)
        for i in range(self.sources.count()):
            it = self.sources.item(i)
            on = it.data(Qt.ItemDataRole.UserRole) in c.source_ids
            it.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)
        self.whose.setCurrentIndex(max(0, self.whose.findData(c.whose)))
        self.rating_min.setValue(c.rating_min or 0)
        self.rating_max.setValue(c.rating_max or 0)
        self.keyword.setText(c.keyword)
        self.keyword_mode.setCurrentIndex(max(0, self.keyword_mode.findData(c.keyword_mode)))
        self.author.setText(c.author)
        self.tag.setEditText(a.tag)
        self.mark_read.setChecked(a.mark_read)
        self.mute.setChecked(a.mute)
        self.delete_button.setEnabled(rule is not None)
        self.show_message("")
        self.refresh_preview()

    def prefill(self, conditions: Conditions) -> None:
        """Start an unsaved rule from these conditions (name and actions left to the user)."""
        self.load(Rule("", conditions))
        self.rule = None  # not saved yet: Save adds it
        self.delete_button.setEnabled(False)
        self.name.setFocus()

    def current_rule(self) -> Rule:
        """The rule as the form shows it (not saved)."""
        checked = [self.sources.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.sources.count())
                   if self.sources.item(i).checkState() == Qt.CheckState.Checked]
        cond = Conditions(source_ids=checked, whose=self.whose.currentData(),
                          rating_min=self.rating_min.value() or None,
                          rating_max=self.rating_max.value() or None,
                          keyword=self.keyword.text().strip(), keyword_mode=self.keyword_mode.currentData(),
                          author=self.author.text().strip())
        act = Actions(tag=self.tag.currentText().strip(), mark_read=self.mark_read.isChecked(),
                      mute=self.mute.isChecked())
        return Rule(self.name.text().strip(), cond, act, enabled=self.enabled.isChecked(),
                    id=self.rule.id if self.rule else None, position=self.rule.position if self.rule else 0)

    def show_message(self, text: str, ok: bool | None = None) -> None:
        colour = {True: "#1a7f37", False: "#c62828", None: ""}[ok]
        self.message.setStyleSheet(f"color: {colour};" if colour else "")
        self.message.setText(text)

    def confirm(self, title: str, text: str) -> bool:
        if self._confirm is not None:
            return self._confirm(title, text)
        return plain_question(self, title, text)

    # -- preview --------------------------------------------------------------------------

    def _edited(self, *_args: Any) -> None:
        self.preview_timer.start()

    def refresh_preview(self) -> None:
        """Recount on a worker thread; only the newest request's answer is shown."""
        self.preview_timer.stop()
        self.preview_generation += 1
        generation = self.preview_generation
        conditions = self.current_rule().conditions
        self.preview_label.setText("Counting matching items…")

        def done(result: rules.Preview) -> None:
            if generation == self.preview_generation:
                self._show_preview(result)

        def failed(exc: Exception) -> None:
            if generation == self.preview_generation:
                self.preview_result = None
                self.preview_label.setText(str(exc) if isinstance(exc, RuleError | StoreError)
                                           else f"Preview failed: {type(exc).__name__}")
                self.preview_table.setRowCount(0)

        self.run_in_worker(lambda reader: rules.preview(reader, conditions, PREVIEW_ROWS), done, failed)

    def _show_preview(self, result: rules.Preview) -> None:
        self.preview_result = result
        n = result.count
        shown = f" (newest {len(result.rows)} below)" if n > len(result.rows) else ""
        self.preview_label.setText(f"{n} existing item{'s' if n != 1 else ''} match{'es' if n == 1 else ''}"
                                   f"{shown}")
        self.preview_table.setRowCount(len(result.rows))
        for row, item in enumerate(result.rows):
            dt = parse_time(item.created_at)
            cells = [date_text(dt.astimezone(local_time.zone()).date(), utcnow().astimezone(local_time.zone()).date())
                     if dt else "", item.source_name,
                     "★" * (item.rating or 0), f"{item.author_name}: {item.first_line}"]
            for col, text in enumerate(cells):
                cell = QTableWidgetItem(text)
                cell.setToolTip(text if col == 3 else "")
                self.preview_table.setItem(row, col, cell)

    # -- save, delete, apply --------------------------------------------------------------

    def save(self) -> bool:
        rule = self.current_rule()
        try:
            saved = rules.save_rule(self.store, rule)
        except (RuleError, StoreError) as exc:
            self.show_message(f"Not saved: {exc}.", ok=False)
            return False
        self.reload(select_id=saved.id)
        self.show_message(f"Saved. New items that match will be: {saved.actions.describe()}.", ok=True)
        self.rules_changed.emit()
        return True

    def delete_selected(self) -> None:
        if self.rule is None or self.rule.id is None:
            return
        if not self.confirm("Delete rule", f"Delete the rule “{self.rule.name}”? Items it already "
                            "changed keep their tags and status."):
            return
        rules.delete_rule(self.store, self.rule.id)
        self.rule = None
        self.reload()
        self.rules_changed.emit()

    def apply_to_existing(self) -> ApplyResult | None:
        rule = self.current_rule()
        try:
            rules.validate(self.store, rule)
        except (RuleError, StoreError) as exc:
            self.show_message(f"Can't apply: {exc}.", ok=False)
            return None
        count = self.preview_result.count if self.preview_result else None
        what = f"{count} existing items" if count is not None else "the existing items it matches"
        if not self.confirm("Apply rule", f"{rule.actions.describe().capitalize()} for {what}?"):
            return None
        result = rules.apply_to_existing(self.store, rule)
        self.last_apply = result
        self.undo_button.setEnabled(bool(result.changed))
        self.show_message(f"Applied to {plural(result.matched, 'item')} ({result.changed} changed).", ok=True)
        self.items_changed.emit()
        self._fill_tags_keep_text()
        return result

    def undo_apply(self) -> None:
        if self.last_apply is None:
            return
        rules.undo_apply(self.store, self.last_apply.undo)
        self.last_apply = None
        self.undo_button.setEnabled(False)
        self.show_message("Undone.", ok=True)
        self.items_changed.emit()

    def _fill_tags_keep_text(self) -> None:
        text = self.tag.currentText()
        self.tag.blockSignals(True)
        self.tag.clear()
        self.tag.addItem("")
        for t in self.store.list_tags():
            self.tag.addItem(t.name)
        self.tag.setEditText(text)
        self.tag.blockSignals(False)


def install(window: Any) -> None:
    """Tools → Rules… (rules run on arrival as a step of the sync's ingest pipeline)."""
    def open_dialog() -> RulesDialog:
        dialog = window.extensions.get(RulesDialog)
        if dialog is None:
            dialog = RulesDialog(window.store, window, run_in_worker=window.run_in_worker,
                                 confirm=window.confirm)
            dialog.items_changed.connect(window.data_changed)
            window.extensions.add(dialog)
        else:  # sources and tags may have changed since it was last open
            dialog._fill_sources_and_tags()
            dialog.reload(select_id=dialog.rule.id if dialog.rule else None)
        dialog.show()
        dialog.raise_()
        dialog.activateWindow()
        return dialog

    def rule_from_item() -> RulesDialog | None:
        item = window.current_item()
        if item is None:
            window.status_message("Open an item first: the new rule starts from its source and author.")
            return None
        dialog = open_dialog()
        dialog.new_rule()
        dialog.prefill(Conditions(source_ids=[item.source_id], author=item.author_name
                                  if item.author_name != "Anonymous" else ""))
        return dialog

    window.register_command("rules.manage", "Rules…", open_dialog, menu="Tools")
    window.register_command("rules.from_item", "New rule from this item…", rule_from_item, menu="Item")
