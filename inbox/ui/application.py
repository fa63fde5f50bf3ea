"""QApplication set-up and the event loop (qasync). The UI issue grows the real window."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QLabel, QListWidget, QMainWindow, QVBoxLayout, QWidget

from inbox import APP_NAME
from inbox.domain import InboxFilter, View
from inbox.services.workspace import choose_workspace
from inbox.store import Store


class MainWindow(QMainWindow):
    def __init__(self, store: Store, is_demo: bool) -> None:
        super().__init__()
        self.store = store
        self.setWindowTitle(APP_NAME + (" — demo workspace" if is_demo else ""))
        body = QWidget()
        layout = QVBoxLayout(body)
        if is_demo:
            layout.addWidget(QLabel("This is a demo workspace. Add a source to see your own feedback."))
        self.list = QListWidget()
        layout.addWidget(self.list)
        self.setCentralWidget(body)
        rows, _ = store.list_items(InboxFilter(view=View.INBOX), limit=50)
        for r in rows:
            self.list.addItem(f"{r.source_name} · {r.author_name}: {r.first_line[:90]}")
        self.resize(1000, 700)


def run(db_path: Path | None = None, smoke_test: bool = False) -> int:
    app = QApplication.instance() or QApplication(sys.argv)
    workspace = choose_workspace(db_path)
    store = Store(workspace.path)
    window = MainWindow(store, workspace.is_demo)
    window.show()
    if smoke_test:
        QTimer.singleShot(0, lambda: (window.grab(), app.quit()))
    code = app.exec()
    store.close()
    return code
