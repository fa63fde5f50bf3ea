"""The desktop app with replies installed, driven by QTest (for the draft-survives-a-kill test).

    python -m tests.replies.draft_app DB type EXTERNAL_ID TEXT   # types, prints TYPED, runs on
    python -m tests.replies.draft_app DB show EXTERNAL_ID        # prints the editor's text as JSON

It builds the window exactly as inbox.ui.application.run() does, on the real qasync loop.
"""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

import qasync
from PySide6.QtCore import QTimer
from PySide6.QtTest import QTest

from inbox.store import Store
from inbox.ui.application import install_extensions, make_app
from inbox.ui.main_window import MainWindow
from inbox.ui.replies import RepliesController


def main(db: str, mode: str, external_id: str, text: str = "") -> int:
    app = make_app()
    store = Store(db)
    window = MainWindow(store, db_path=Path(db))
    install_extensions(window, ["inbox.ui.replies"])
    window.show()
    item_id = store.conn.execute("SELECT id FROM items WHERE external_id = ?", (external_id,)).fetchone()[0]

    def act() -> None:
        window.open_item(item_id)
        editor = window.extensions.require(RepliesController).editor.editor
        if mode == "show":
            print(json.dumps(editor.toPlainText()), flush=True)
            app.exit(0)
            return
        editor.setFocus()
        QTest.keyClicks(editor, text)  # real key events, one by one
        print("TYPED", flush=True)

    QTimer.singleShot(200, act)
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    with loop:
        code = loop.run_forever()
    window.shutdown()
    store.close()
    return int(code or 0)


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
