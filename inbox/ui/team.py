"""The team inbox's features in the window: File ▸ Connect to a team inbox… everywhere, and,
in a team inbox's copy, the team controller (assignment, Mine, presence, history, the
link's state, the warning before a second answer)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer

from inbox.ui import team_connect
from inbox.ui.controllers.team import TeamController

if TYPE_CHECKING:
    from inbox.ui.main_window import MainWindow


def install(window: MainWindow) -> TeamController | None:
    connect = team_connect.install_connect(window)
    info = window.store.team_link_info()
    if info is None:  # an ordinary inbox shows nothing of the team
        return None
    controller = window.extensions.add(TeamController(window, info, connect.secrets))
    from inbox.ui.replies import RepliesController

    replies = window.extensions.get(RepliesController)
    if replies is not None:
        replies.posts_replies = False  # the team's outbox on the server sends them, once
        replies.send_guards.append(controller.before_send)
        replies.editor.editor.textChanged.connect(
            lambda: controller.replying() if replies.editor.editor.hasFocus() else None)
    controller.take_over_sync()
    from inbox.ui.workspace_switch import open_own_inbox

    # back to this computer's own inbox (the team inbox's copy stays for next time)
    window.register_command("workspace.own", "Open my inbox", lambda: open_own_inbox(window), menu="File")
    # started once every feature is in and a workspace switch has carried the keyring over
    QTimer.singleShot(0, lambda: _start(window, controller, connect))
    return controller


def _start(window: MainWindow, controller: TeamController, connect: team_connect.TeamConnect) -> None:
    if window.extensions.get(TeamController) is controller and not controller.calls.closed:
        controller.secrets = connect.secrets
        controller.start()
