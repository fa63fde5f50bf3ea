"""Edit ▸ Settings… (Ctrl+,): generated from the settings table; saving writes through it and
the features that keep a setting in memory follow."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QComboBox, QLabel, QLineEdit, QSpinBox

from inbox.services import settings
from inbox.ui import replies, settings_dialog, sync_controller


def open_dialog(window) -> settings_dialog.SettingsDialog:
    return window.run_command("app.settings")


def test_one_row_per_visible_setting_with_its_description(window):
    settings_dialog.install(window)
    assert window.commands.key_for("app.settings") == "Ctrl+,"
    assert window.actions_by_id["app.settings"] in window.menus["Edit"].actions()
    dialog = open_dialog(window)
    kinds = {bool: QCheckBox, int: QSpinBox, str: QLineEdit}
    assert set(dialog.editors) == {s.name for s in settings.visible()}
    shown = {label.text() for label in dialog.findChildren(QLabel)}
    for s in settings.visible():
        editor = dialog.editors[s.name]
        wanted = QComboBox if s.choices or s.name == "display.time_zone" else kinds[s.type]
        assert isinstance(editor, wanted), s.name
        assert s.description in shown, s.name
    assert dialog.editors["sync.interval_minutes"].specialValueText() == "never"
    dialog.reject()


def test_saving_writes_through_the_table_and_features_follow(window, workspace_store):
    replies.install(window)
    sync_controller.install(window).startup_timer.stop()  # no sync in this test
    settings_dialog.install(window)
    dialog = open_dialog(window)
    assert dialog.value("replies.undo_seconds") == 5
    dialog.editors["replies.undo_seconds"].setValue(12)
    dialog.editors["sync.interval_minutes"].setValue(45)
    dialog.editors["business_name"].setText("  Harbour   Café ")
    dialog.editors["reading.mark_read_on_open"].setChecked(False)
    dialog.editors["export.format"].setCurrentIndex(1)
    dialog.save()
    assert not dialog.isVisible()
    assert workspace_store.get_setting("reply_undo_seconds") == "12"
    assert settings.get("business_name", workspace_store) == "Harbour Café"
    assert settings.get("export.format", local=window.settings) == "xlsx"
    assert window.extensions.get(replies.RepliesController).undo_seconds == 12
    assert not window.reading_ctl.mark_read_on_open
    assert not window.actions_by_id["settings.mark_read_on_open"].isChecked()
    assert window.extensions.get(sync_controller.SyncController).timer.interval() == 45 * 60_000
    window.extensions.get(sync_controller.SyncController).stop()

    window.actions_by_id["settings.mark_read_on_open"].trigger()  # the View menu's toggle
    again = open_dialog(window)
    assert again is dialog and again.value("reading.mark_read_on_open") is True
    assert again.value("sync.interval_minutes") == 45 and again.value("business_name") == "Harbour Café"
    again.restore_defaults()
    assert again.changes() == {"replies.undo_seconds": 5, "sync.interval_minutes": 30, "business_name": "",
                               "export.format": "csv"}
    again.reject()
    assert settings.get("sync.interval_minutes", workspace_store) == 45  # cancel keeps what was saved


def test_time_zone_and_appearance_from_the_settings_window(window, qtbot):
    from inbox.ui import appearance, local_time

    appearance.install(window)
    settings_dialog.install(window)
    try:
        dialog = open_dialog(window)
        zone = dialog.editors["display.time_zone"]
        assert zone.currentText() == settings_dialog.THIS_COMPUTER_ZONE and dialog.value("display.time_zone") == ""
        zone.setEditText("Atlantis/Capital")
        dialog.save()
        assert dialog.isVisible() and "Europe/London" in dialog.error.text()  # refused, window stays open
        zone.setCurrentIndex(zone.findData("Asia/Tokyo"))
        dialog.editors["display.theme"].setCurrentIndex(dialog.editors["display.theme"].findData("dark"))
        dialog.save()
        assert not dialog.isVisible()
        assert str(local_time.zone()) == "Asia/Tokyo"
        from PySide6.QtWidgets import QApplication
        assert QApplication.palette().color(QApplication.palette().ColorRole.Window).lightness() < 100
    finally:
        window.extensions.get(appearance.Appearance).apply("system")
        local_time.set_zone("")


def test_local_settings_scope_is_the_windows():
    from inbox.ui.main_window import SETTINGS_APP, SETTINGS_ORG

    assert settings.LOCAL_SCOPE == (SETTINGS_ORG, SETTINGS_APP)
