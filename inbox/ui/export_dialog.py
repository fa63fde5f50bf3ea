"""File ▸ Export… (Ctrl+E): the current view or the selected items to CSV or XLSX.

The export runs on its own thread with its own read-only connection (`Store.open_reader`),
so the window stays responsive on 100,000 rows; progress and the outcome come back as
queued signals. Cancel stops it between batches and leaves no file behind.
"""

from __future__ import annotations

import logging
import threading
import weakref
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QSettings, QStandardPaths, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from inbox.domain import InboxFilter, View
from inbox.services import settings as app_settings
from inbox.services.export import ExportCancelled, ExportError, ExportResult, export_view
from inbox.store import Store, StoreError

if TYPE_CHECKING:
    from inbox.ui.main_window import MainWindow

log = logging.getLogger(__name__)
VIEW_NAMES = {View.INBOX: "Inbox", View.UNREAD: "Unread", View.SNOOZED: "Snoozed", View.DONE: "Done",
              View.ALL: "All"}
FORMAT_CHOICES = (("csv", "CSV (.csv), for any spreadsheet"), ("xlsx", "Excel workbook (.xlsx)"))


class ExportJob(QObject):
    """One export on a worker thread; every signal arrives on the GUI thread."""

    progress = Signal(int, int)     # rows written, rows in total
    succeeded = Signal(object)      # ExportResult
    failed = Signal(str)            # a message for the user
    cancelled = Signal()

    def __init__(self, db_path: Path, flt: InboxFilter, fmt: str, target: Path, bom: bool) -> None:
        super().__init__()
        self.args = (db_path, flt, fmt, target, bom)
        self.cancel_event = threading.Event()
        self.thread: threading.Thread | None = None

    def start(self) -> None:
        self.thread = threading.Thread(target=self._run, name="inbox-export", daemon=True)
        _RUNNING.add(self)
        self.thread.start()

    def cancel(self) -> None:
        self.cancel_event.set()

    @property
    def running(self) -> bool:
        return self.thread is not None and self.thread.is_alive()

    def _run(self) -> None:
        db_path, flt, fmt, target, bom = self.args
        try:
            with Store.open_reader(db_path) as reader:
                result = export_view(reader, flt, fmt, target, bom=bom, progress=self.progress.emit,
                                     should_cancel=self.cancel_event.is_set)
        except ExportCancelled:
            self.cancelled.emit()
        except (ExportError, StoreError) as exc:
            self.failed.emit(str(exc))
        except Exception as exc:  # a bug or the disk: say so, keep the app alive
            log.exception("export failed")
            self.failed.emit(f"The export failed: {exc}")
        else:
            self.succeeded.emit(result)


_RUNNING: weakref.WeakSet[ExportJob] = weakref.WeakSet()


def stop_running_exports(timeout: float = 5.0) -> None:
    """Cancel exports still running when the app quits and wait for them to remove their
    partial files (the thread is a daemon: it would otherwise die mid-write)."""
    jobs = [job for job in list(_RUNNING) if job.running]
    for job in jobs:
        job.cancel()
    for job in jobs:
        if job.thread is not None:
            job.thread.join(timeout)


def describe_filter(flt: InboxFilter, source_names: dict[int, str]) -> str:
    """The view in words, e.g. 'Inbox · Café Google · tags Coffee · since 2026-03-01'."""
    parts = [VIEW_NAMES.get(flt.view, flt.view.capitalize())]
    if flt.whose:
        parts.append("own business" if flt.whose == "own" else "competitors")
    if flt.source_ids:
        parts.append(", ".join(source_names.get(s, f"source {s}") for s in flt.source_ids))
    if flt.tags:
        parts.append("tag" + "s" * (len(flt.tags) > 1) + " " + ", ".join(flt.tags))
    if flt.rating_min is not None or flt.rating_max is not None:
        parts.append(f"rating {flt.rating_min or 1}–{flt.rating_max or 5}")
    if flt.since:
        parts.append(f"since {flt.since}")
    if flt.until:
        parts.append(f"until {flt.until}")
    if flt.author_id is not None:
        parts.append("one author")
    if flt.query.strip():
        parts.append(f"search “{flt.query.strip()}”")
    return " · ".join(parts)


def default_folder() -> Path:
    docs = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    folder = Path(docs) if docs else Path.home()
    return folder if folder.is_dir() else Path.home()


class ExportDialog(QDialog):
    """Format, byte-order mark, target file; then a progress bar, Cancel and the outcome."""

    def __init__(self, db_path: Path, flt: InboxFilter, selected_ids: list[int], *,
                 view_label: str = "", source_names: dict[int, str] | None = None,
                 folder: Path | None = None, settings: QSettings | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export")
        self.setMinimumWidth(520)
        self.db_path = Path(db_path)
        self.flt = flt
        self.selected_ids = list(selected_ids)
        self.job: ExportJob | None = None
        self.result: ExportResult | None = None
        self.on_finished: list = []   # callables(message) for the window's status bar
        self._closing = False         # Cancel pressed while running: close once stopped

        layout = QVBoxLayout(self)
        what = describe_filter(flt, source_names or {})
        self.view_choice = QRadioButton(f"The current view: {view_label or what}")
        self.view_choice.setToolTip(what)
        self.view_choice.setAccessibleName("Export the current view")
        self.selected_choice = QRadioButton(
            f"The {len(self.selected_ids)} selected item{'s' * (len(self.selected_ids) != 1)}")
        self.selected_choice.setAccessibleName("Export the selected items")
        self.selected_choice.setEnabled(bool(self.selected_ids))
        (self.selected_choice if len(self.selected_ids) > 1 else self.view_choice).setChecked(True)
        layout.addWidget(QLabel("<b>Export</b>"))
        layout.addWidget(self.view_choice)
        if view_label and view_label != what:
            detail = QLabel(what)
            detail.setIndent(24)
            detail.setStyleSheet("color: palette(mid);")
            layout.addWidget(detail)
        layout.addWidget(self.selected_choice)

        form = QFormLayout()
        self.format_box = QComboBox()
        self.format_box.setAccessibleName("File format")
        for key, label in FORMAT_CHOICES:
            self.format_box.addItem(label, key)
        form.addRow("Format:", self.format_box)
        self.bom_box = QCheckBox("Add a byte-order mark (Excel on Windows reads accents right)")
        self.bom_box.setAccessibleName("Add a byte-order mark")
        form.addRow("", self.bom_box)
        target_row = QHBoxLayout()
        self.target_edit = QLineEdit(str((folder or default_folder()) / f"feedback-{date.today().isoformat()}.csv"))
        self.target_edit.setAccessibleName("File to write")
        self.choose_button = QPushButton("Choose…")
        self.choose_button.clicked.connect(self.choose_file)
        target_row.addWidget(self.target_edit, 1)
        target_row.addWidget(self.choose_button)
        form.addRow("File:", target_row)
        layout.addLayout(form)

        self.progress = QProgressBar()
        self.progress.setAccessibleName("Export progress")
        self.progress.setVisible(False)
        layout.addWidget(self.progress)
        self.message = QLabel("")
        self.message.setWordWrap(True)
        self.message.setAccessibleName("Export status")
        layout.addWidget(self.message)

        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.open_folder_button = QPushButton("Open folder")
        self.open_folder_button.setVisible(False)
        self.open_folder_button.clicked.connect(self.open_folder)
        self.export_button = QPushButton("Export")
        self.export_button.setDefault(True)
        self.export_button.clicked.connect(self.start)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(self.reject)
        for b in (self.open_folder_button, self.export_button, self.cancel_button):
            buttons.addWidget(b)
        layout.addLayout(buttons)
        self.format_box.currentIndexChanged.connect(self._format_changed)
        self._inputs = (self.view_choice, self.selected_choice, self.format_box, self.bom_box,
                        self.target_edit, self.choose_button)
        self.settings = settings
        self._restore_choices(folder)

    # -- choices ---------------------------------------------------------------------------

    def _restore_choices(self, folder: Path | None) -> None:
        """The last export's folder, format and byte-order mark (a new file name each day)."""
        if self.settings is None:
            return
        last = app_settings.get("export.folder", local=self.settings)
        if folder is None and last and Path(last).is_dir():
            self.target_edit.setText(str(Path(last) / Path(self.target_edit.text()).name))
        self.bom_box.setChecked(app_settings.get("export.bom", local=self.settings))
        self.set_format(app_settings.get("export.format", local=self.settings))

    def _remember_choices(self, target: Path) -> None:
        if self.settings is not None:
            app_settings.set("export.folder", str(target.parent), local=self.settings)
            app_settings.set("export.format", self.fmt, local=self.settings)
            app_settings.set("export.bom", self.bom_box.isChecked(), local=self.settings)

    @property
    def fmt(self) -> str:
        return self.format_box.currentData()

    def set_format(self, fmt: str) -> None:
        self.format_box.setCurrentIndex(self.format_box.findData(fmt))

    def _format_changed(self) -> None:
        self.bom_box.setEnabled(self.fmt == "csv")
        text = self.target_edit.text().strip()
        if text:
            path = Path(text)
            if path.suffix.lower() in (".csv", ".xlsx", ""):
                self.target_edit.setText(str(path.with_suffix("." + self.fmt)))

    def choose_file(self) -> QFileDialog:
        """A non-blocking save dialog (open(), never exec())."""
        dialog = QFileDialog(self, "Export to", self.target_edit.text())
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setDefaultSuffix(self.fmt)
        dialog.setNameFilter("CSV (*.csv)" if self.fmt == "csv" else "Excel workbook (*.xlsx)")
        dialog.fileSelected.connect(self.target_edit.setText)
        dialog.open()
        return dialog

    def export_filter(self) -> InboxFilter:
        if self.selected_choice.isChecked():
            return InboxFilter(item_ids=list(self.selected_ids))
        return self.flt

    # -- running ---------------------------------------------------------------------------

    def start(self) -> None:
        text = self.target_edit.text().strip()
        if not text:
            self._say("Choose a file to write.", error=True)
            return
        target = Path(text).expanduser()
        if target.suffix.lower() != "." + self.fmt:
            target = target.with_name(target.name + "." + self.fmt)
            self.target_edit.setText(str(target))
        self._remember_choices(target)
        self.job = ExportJob(self.db_path, self.export_filter(), self.fmt, target,
                             self.bom_box.isChecked() and self.fmt == "csv")
        self.job.progress.connect(self._progress)
        self.job.succeeded.connect(self._succeeded)
        self.job.failed.connect(self._failed)
        self.job.cancelled.connect(self._cancelled)
        for w in self._inputs:
            w.setEnabled(False)
        self.export_button.setEnabled(False)
        self.open_folder_button.setVisible(False)
        self.progress.setRange(0, 0)      # busy until the count arrives
        self.progress.setVisible(True)
        self._say("Counting items…")
        self.job.start()

    def _progress(self, done: int, total: int) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)
        self._say(f"Writing {done:,} of {total:,} items…")

    def _succeeded(self, result: ExportResult) -> None:
        self.result = result
        self.progress.setRange(0, max(result.rows, 1))
        self.progress.setValue(max(result.rows, 1))
        message = f"Exported {result.rows:,} item{'s' * (result.rows != 1)} to {result.path}"
        if getattr(result, "cut_cells", 0):
            message += (f" ({result.cut_cells:,} cell{'s' * (result.cut_cells != 1)} cut at Excel's "
                        "32,767-character limit, marked in the cell)")
        self._say(message)
        self.export_button.setVisible(False)
        self.open_folder_button.setVisible(True)
        self.cancel_button.setText("Close")
        self._notify(message)

    def _failed(self, message: str) -> None:
        self._say(message + " Nothing was written.", error=True)
        self._ready_again()
        self._notify("Export failed.")

    def _cancelled(self) -> None:
        self._say("Export cancelled; no file was written.")
        self._ready_again()
        self._notify("Export cancelled.")
        if self._closing:
            super().reject()

    def _ready_again(self) -> None:
        self.progress.setVisible(False)
        for w in self._inputs:
            w.setEnabled(True)
        self.bom_box.setEnabled(self.fmt == "csv")
        self.selected_choice.setEnabled(bool(self.selected_ids))
        self.export_button.setEnabled(True)

    def reject(self) -> None:
        """Cancel a running export (the dialog closes once it has stopped), else close."""
        if self.job is not None and self.job.running and not self.job.cancel_event.is_set():
            self._closing = True
            self._say("Cancelling…")
            self.cancel_button.setEnabled(False)
            self.job.cancel()
            return
        if self.job is not None and self.job.running:
            return
        super().reject()

    def open_folder(self) -> None:
        if self.result is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.result.path.parent)))

    def _say(self, text: str, error: bool = False) -> None:
        self.message.setText(text)
        self.message.setStyleSheet("color: #c62828;" if error else "")

    def _notify(self, text: str) -> None:
        for callback in self.on_finished:
            callback(text)


def open_export_dialog(window: MainWindow) -> ExportDialog:
    """Show the dialog for the window's current view and selection."""
    names = {s.id: s.name for s in window.store.list_sources()}
    dialog = ExportDialog(window.db_path, window.current_filter(), window.selected_item_ids(),
                          view_label=window.view_title, source_names=names,
                          settings=window.settings, parent=window)
    dialog.on_finished.append(window.status_message)
    window.extensions.add(dialog)  # keeps it alive while open
    dialog.open()
    return dialog


def install(window: MainWindow) -> None:
    window.register_command("file.export", "Export…", lambda: open_export_dialog(window), menu="File")
