"""Grab the reply editor and the saved-replies dialog to PNG (offscreen), over the demo data.

    QT_QPA_PLATFORM=offscreen python scripts/screenshot_replies.py OUT_DIR
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

from inbox.services.demo import build_demo
from inbox.store import Store
from inbox.ui.main_window import MainWindow
from inbox.ui.replies import install


def main(out: Path) -> None:
    app = QApplication.instance() or QApplication(sys.argv)
    tmp = Path(tempfile.mkdtemp())
    store = Store(tmp / "demo.db")
    build_demo(store)
    store.set_setting("owner_name", "Maria")
    store.set_setting("business_name", "Harbour Street Café")
    window = MainWindow(store, settings=QSettings(str(tmp / "s.ini"), QSettings.Format.IniFormat),
                        background_pages=False)
    replies = install(window)
    window.resize(1400, 900)
    window.show()
    row = store.conn.execute(
        "SELECT i.id FROM items i JOIN sources s ON s.id = i.source_id WHERE s.kind = 'google' "
        "AND s.whose = 'own' AND i.rating <= 2 AND i.is_owner_reply = 0 AND length(i.text) > 60 "
        "AND NOT EXISTS (SELECT 1 FROM items o WHERE o.thread_id = i.thread_id AND o.is_owner_reply) "
        "ORDER BY i.created_at DESC LIMIT 1").fetchone()
    for _ in range(20):
        app.processEvents()
    window.open_item(row[0])
    item = window.current_item()
    first = item.author_name.split()[0] if item.author_name else "there"
    replies.editor.editor.setPlainText(
        f"Dear valued customer, we value your feedback and apologize for any inconvenience!! "
        f"Hi {first}, — {{owner_name}}")
    replies.editor.run_tone_check()
    for _ in range(20):
        app.processEvents()
    out.mkdir(parents=True, exist_ok=True)
    window.grab().save(str(out / "screenshot-reply-window.png"))
    replies.editor.grab().save(str(out / "screenshot-reply.png"))
    replies.editor.editor.setPlainText(
        f"Hi {first}, I'm really sorry the visit let you down. Next time your coffee is on me — ask for Maria.")
    replies.editor.run_tone_check()
    for _ in range(20):
        app.processEvents()
    window.grab().save(str(out / "screenshot-reply-good.png"))
    dialog = replies.manage_saved_replies()
    dialog.list.setCurrentRow(1)
    for _ in range(10):
        app.processEvents()
    dialog.grab().save(str(out / "screenshot-saved-replies.png"))
    picker = replies.show_picker()
    picker.filter.setText("sorry")
    app.processEvents()
    picker.grab().save(str(out / "screenshot-picker.png"))
    window.shutdown()
    store.close()


if __name__ == "__main__":
    main(Path(sys.argv[1]))
