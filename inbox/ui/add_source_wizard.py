"""File ▸ Add a source…: a step-by-step flow per platform, for an owner who is not a developer.

Steps: where (the platform) → what you will need (the guide's own steps, inline) → connect
(sign in through the browser, paste a key, a feed address, a store link, or a file) → choose
which business/location (from the list the platform returns) → check (a first read that
says what it found) → save, and the window fetches it at once.

The flow's logic is `inbox.services.setup` and saving is `SourcesService.add`; this module
only asks and redraws. Network and keyring calls run as coroutines on the window's loop."""

from __future__ import annotations

import asyncio
import logging
import webbrowser
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QButtonGroup,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from inbox.domain import Source, Whose
from inbox.secrets import Secrets
from inbox.services.setup import (
    NO_SIGN_IN,
    NOUNS,
    PLANS,
    TRANSIENT_SECRETS,
    Plan,
    bluesky_handle,
    choices,
    guide_section,
    preview,
    read_client_file,
    read_service_account_file,
    server_address,
    settings_from_link,
)
from inbox.services.sources import SourceDraft, SourceExists, SourcesService
from inbox.sources.base import CredentialsRejected, SourceError
from inbox.sources.choices import Choice
from inbox.sources.reddit_oauth import REDIRECT_PORT as REDDIT_PORT
from inbox.store import Store
from inbox.sync.errors import explain_exception
from inbox.ui.first_run import guide_path
from inbox.ui.plain import plain_question
from inbox.ui.reading_pane import SafeBrowser
from inbox.ui.whose_choice import whose_choice

log = logging.getLogger(__name__)
RunTask = Callable[[Coroutine[Any, Any, Any]], "asyncio.Future[Any]"]
WHERE, NEEDS, CONNECT, CHOOSE, CHECK = range(5)
KEY_LABELS = {"api_key": "API key", "user_token": "Access token", "app_password": "App password",
              "token": "Access token"}
OPTIONAL = {"query"}  # fields that may stay empty
# What the platform refused, when the check is refused: "Bluesky did not accept this app password."
REFUSED = {"bluesky": "this handle and app password", "google": "this sign-in", "mastodon": "this sign-in",
           "reddit": "this sign-in", "googleplay": "this key file or sign-in", "facebook": "this access token"}
SIGN_IN_TOKENS = {"oauth": "refresh_token", "mastodon": "token", "reddit": "refresh_token"}
STEP_TIMEOUT_S = 60.0


def _label(text: str = "", *, name: str = "") -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)  # platforms' answers are shown as text
    if name:
        label.setObjectName(name)
    return label


class _Page(QWizardPage):
    """A page whose "Next" waits for `ready`."""

    def __init__(self, flow: AddSourceWizard, title: str) -> None:
        super().__init__()
        self.flow = flow
        self.setTitle(title)
        self.ready = True

    def set_ready(self, ready: bool) -> None:
        self.ready = ready
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return self.ready


class WherePage(_Page):
    def __init__(self, flow: AddSourceWizard) -> None:
        super().__init__(flow, "Where do your customers talk about you?")
        self.list = QListWidget()
        self.list.setObjectName("platforms")
        self.list.setSpacing(5)
        font = self.list.font()
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.list.setFont(font)
        for plan in PLANS.values():
            item = QListWidgetItem(plan.title + ("   · no sign-in needed" if plan.no_sign_in else ""))
            item.setData(Qt.ItemDataRole.UserRole, plan.kind)
            self.list.addItem(item)
        self.list.setCurrentRow(0)
        more = _label("Every source can be changed or removed later in File ▸ Sources…")
        more.setStyleSheet("color: palette(placeholder-text);")
        layout = QVBoxLayout(self)
        layout.addWidget(self.list, 1)
        layout.addWidget(more)
        self.list.itemDoubleClicked.connect(lambda _item: flow.next())

    def validatePage(self) -> bool:
        self.flow.choose_plan(PLANS[self.list.currentItem().data(Qt.ItemDataRole.UserRole)])
        return True


class NeedsPage(_Page):
    def __init__(self, flow: AddSourceWizard) -> None:
        super().__init__(flow, "What you will need")
        self.needs = _label(name="needs")
        self.no_sign_in = _label(NO_SIGN_IN, name="noSignIn")
        self.no_sign_in.setStyleSheet("color: #1a7f37; font-weight: 600;")
        self.guide = SafeBrowser()
        self.guide.setObjectName("guide")
        self.guide.link_requested.connect(self._link)
        layout = QVBoxLayout(self)
        layout.addWidget(self.needs)
        layout.addWidget(self.no_sign_in)
        layout.addWidget(_label("The steps, from the set-up guide:"))
        layout.addWidget(self.guide, 1)

    def initializePage(self) -> None:
        plan = self.flow.plan
        self.setSubTitle(plan.title)
        self.needs.setText(plan.needs)
        self.no_sign_in.setVisible(plan.no_sign_in)
        self.guide.setMarkdown(self.flow.guide_text(plan))

    def _link(self, url: QUrl) -> None:
        """Links open in the browser only on a click, and only after a yes."""
        if url.scheme() in ("http", "https") and self.flow.confirm(
                "Open in your browser?", f"Open {url.toString()}?"):
            QDesktopServices.openUrl(url)


class ConnectPage(_Page):
    def __init__(self, flow: AddSourceWizard) -> None:
        super().__init__(flow, "Connect")
        self.form = QFormLayout()
        self.status = _label(name="connectStatus")
        self.advanced_button = QPushButton("Advanced ▸")
        self.advanced_button.setFlat(True)
        self.advanced_button.setObjectName("advanced")
        self.advanced_box = QWidget()
        self.advanced_form = QFormLayout(self.advanced_box)
        self.advanced_box.setVisible(False)
        self.advanced_button.clicked.connect(self._toggle_advanced)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.status)
        layout.addStretch(1)
        layout.addWidget(self.advanced_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.advanced_box)
        self.edits: dict[str, QLineEdit] = {}
        self.advanced_edits: dict[str, QLineEdit] = {}
        self.sign_in_button: QPushButton | None = None

    def _toggle_advanced(self) -> None:
        shown = not self.advanced_box.isVisible()
        self.advanced_box.setVisible(shown)
        self.advanced_button.setText("Advanced ▾" if shown else "Advanced ▸")

    def _clear(self, form: QFormLayout) -> None:
        while form.rowCount():
            form.removeRow(0)

    def _edit(self, name: str, label: str, placeholder: str = "", *, secret: bool = False,
              form: QFormLayout | None = None) -> QLineEdit:
        edit = QLineEdit()
        edit.setObjectName(name)
        edit.setPlaceholderText(placeholder)
        if secret:
            edit.setEchoMode(QLineEdit.EchoMode.Password)
        edit.textChanged.connect(lambda _t: self._changed())
        if form is None:
            self.edits[name] = edit
            self.form.addRow(label, edit)
        else:
            self.advanced_edits[name] = edit
            form.addRow(label, edit)
        return edit

    def _sign_in_row(self, text: str, *, client_file: bool = False) -> None:
        """The sign-in button (and the OAuth client file's, where the owner brings one)."""
        row = QHBoxLayout()
        if client_file:
            choose = QPushButton("Choose the client file…")
            choose.setObjectName("chooseClientFile")
            choose.clicked.connect(self._choose_client_file)
            row.addWidget(choose)
        self.sign_in_button = QPushButton(text)
        self.sign_in_button.setObjectName("signIn")
        self.sign_in_button.clicked.connect(lambda: self.flow.launch(self.flow.sign_in()))
        row.addWidget(self.sign_in_button)
        row.addStretch(1)
        self.form.addRow(row)
        if client_file:
            self.client_label = _label(name="clientFile")
            self.form.addRow(self.client_label)

    def _play_way(self) -> None:
        """Google Play: the service account's key file, or a Google sign-in."""
        oauth = self.play_oauth.isChecked()
        for name in ("key_file",):
            edit = self.edits[name]
            edit.setVisible(not oauth)
            self.form.labelForField(edit).setVisible(not oauth)
        self.key_browse.setVisible(not oauth)
        for w in self.oauth_widgets:
            w.setVisible(oauth)
        self._changed()

    def initializePage(self) -> None:
        plan = self.flow.plan
        self._clear(self.form)
        self._clear(self.advanced_form)
        self.edits.clear()
        self.advanced_edits.clear()
        self.sign_in_button = None
        self.status.setText("")
        self.setSubTitle({"oauth": "Sign in through your browser.", "key": "Paste your key.",
                          "play": "Paste your app's link, then choose the key file or sign in with Google.",
                          "mastodon": "Your server, then sign in through your browser.",
                          "bluesky": "Your handle and an app password.",
                          "reddit": "What to search for, then sign in through your browser.",
                          "url": "Paste the feed's address.", "link": "Paste your app's store link.",
                          "file": "Choose the file you downloaded."}[plan.connect])
        if plan.connect == "oauth":
            self.form.addRow(_label("The OAuth client file you downloaded from Google Cloud "
                                    "(client_secret_….json), then sign in."))
            self._sign_in_row(f"Sign in with {plan.title.split()[0]}", client_file=True)
        elif plan.connect == "mastodon":
            self._edit("server", "Your server", "mastodon.social")
            self._sign_in_row("Sign in with Mastodon")
        elif plan.connect == "bluesky":
            self._edit("handle", "Your handle", "harbourcafe.bsky.social")
            self._edit("app_password", "App password", "xxxx-xxxx-xxxx-xxxx", secret=True)
            self.form.addRow("", _label("Make one in Bluesky: Settings ▸ Privacy and security ▸ App "
                                        "passwords ▸ Add."))
            self._edit("query", "Also collect posts with", "optional: Harbour Street Café")
        elif plan.connect == "reddit":
            self._edit("query", "Search Reddit for", "\"Harbour Street Cafe\" (quotes for a phrase)")
            self._edit("client_id", "Your app's client id", "the code under your app's name")
            self.form.addRow("", _label("At reddit.com/prefs/apps: create another app… ▸ installed app ▸ "
                                        "redirect uri http://127.0.0.1:65010/reddit_callback."))
            self._sign_in_row("Sign in with Reddit")
        elif plan.connect == "key":
            for name in plan.secret_fields:
                self._edit(name, KEY_LABELS.get(name, "API key"), "paste it here", secret=True)
        elif plan.connect == "url":
            self._edit("url", "Feed address", "https://www.google.com/alerts/feeds/…")
        elif plan.connect == "link":
            self._edit("link", "Store link", "https://apps.apple.com/gb/app/…/id1611223344")
        elif plan.connect == "file":
            edit = self._edit("path", "File", "the CSV or JSON file")
            browse = QPushButton("Choose file…")
            browse.clicked.connect(lambda: self._choose_file(edit))
            self.form.addRow("", browse)
        elif plan.connect == "play":
            self._edit("link", "Play Store link", "https://play.google.com/store/apps/details?id=…")
            self.play_key = QRadioButton("A service account's key file")
            self.play_oauth = QRadioButton("Sign in with my Google account (an OAuth client file)")
            self.play_oauth.setObjectName("playOAuth")
            self.play_key.setChecked(True)
            ways = QButtonGroup(self)
            ways.addButton(self.play_key)
            ways.addButton(self.play_oauth)
            self.form.addRow("", self.play_key)
            self.form.addRow("", self.play_oauth)
            key = self._edit("key_file", "Key file", "the service account's .json key")
            self.key_browse = QPushButton("Choose the key file…")
            self.key_browse.clicked.connect(lambda: self._choose_file(key))
            self.form.addRow("", self.key_browse)
            before = self.form.rowCount()
            self._sign_in_row("Sign in with Google", client_file=True)
            self.oauth_widgets = [w for r in range(before, self.form.rowCount())
                                  for w in _row_widgets(self.form, r)]
            self.play_oauth.toggled.connect(lambda _on: self._play_way())
            self._play_way()
        for name in plan.advanced_secrets:
            self._edit(name, KEY_LABELS.get(name, name), "or paste an access token instead of signing in",
                       secret=True, form=self.advanced_form)
        for name in plan.advanced:
            edit = QLineEdit()
            edit.setObjectName(f"advanced_{name}")
            edit.textChanged.connect(lambda _t: self._changed())
            self.advanced_edits[name] = edit
            self.advanced_form.addRow(name.replace("_", " ").capitalize().replace("url", "URL"), edit)
        self.advanced_button.setVisible(bool(plan.advanced or plan.advanced_secrets))
        self.advanced_box.setVisible(False)
        self._changed()

    def _choose_client_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "The OAuth client file", str(Path.home() / "Downloads"),
                                              "JSON files (*.json)")
        if path:
            self.flow.use_client_file(path)

    def _choose_file(self, edit: QLineEdit) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "The review export", str(Path.home() / "Downloads"),
                                              "Exports (*.csv *.json *.jsonl *.ndjson);;All files (*)")
        if path:
            edit.setText(path)

    def _changed(self) -> None:
        plan = self.flow.plan
        optional = OPTIONAL if plan.kind != "reddit" else set()
        typed = all(e.text().strip() for n, e in self.edits.items() if n not in optional and not e.isHidden())
        token = SIGN_IN_TOKENS.get(plan.connect)
        if plan.connect == "play" and self.play_oauth.isChecked():
            token = "refresh_token"
        if token:
            pasted = any(self.advanced_edits[n].text().strip() for n in plan.advanced_secrets
                         if n in self.advanced_edits)
            self.set_ready(typed and (bool(self.flow.secrets_typed.get(token)) or pasted))
        else:
            self.set_ready(typed)

    def validatePage(self) -> bool:
        plan = self.flow.plan
        settings = {k: e.text().strip() for k, e in self.advanced_edits.items()
                    if e.text().strip() and k not in plan.advanced_secrets}
        try:
            if plan.connect in ("link", "play"):
                settings.update(settings_from_link(plan.kind, self.edits["link"].text()))
            if plan.connect == "play" and self.play_oauth.isChecked():
                self.flow.secrets_typed.pop("service_account_json", None)
            elif plan.connect == "play":
                for name in ("refresh_token", "client_id", "client_secret"):
                    self.flow.secrets_typed.pop(name, None)
                self.flow.client = {}
                self.flow.secrets_typed["service_account_json"] = read_service_account_file(
                    self.edits["key_file"].text().strip())
            elif plan.connect == "mastodon":
                settings["base_url"] = settings.get("base_url") or server_address(self.edits["server"].text())
                for name in plan.advanced_secrets:
                    if self.advanced_edits[name].text().strip():
                        self.flow.secrets_typed[name] = self.advanced_edits[name].text().strip()
            elif plan.connect == "bluesky":
                settings["handle"] = bluesky_handle(self.edits["handle"].text())
                self.flow.chosen_name = f"@{settings['handle']}"
            if plan.connect in ("bluesky", "reddit", "mastodon") and "query" in self.edits:
                settings.pop("query", None)
                if self.edits["query"].text().strip():
                    settings["query"] = " ".join(self.edits["query"].text().split())
            if plan.connect == "reddit":
                self.flow.chosen_name = f"Reddit: {settings['query']}"
            elif plan.connect in ("url", "file"):
                key = "url" if plan.connect == "url" else "path"
                settings[key] = self.edits[key].text().strip()
        except ValueError as exc:
            self.status.setText(str(exc))
            return False
        for name in plan.secret_fields:
            self.flow.secrets_typed[name] = self.edits[name].text().strip()
        self.flow.settings.update(settings)
        return True


class ChoosePage(_Page):
    def __init__(self, flow: AddSourceWizard) -> None:
        super().__init__(flow, "Which one is yours?")
        self.term = QLineEdit()
        self.term.setObjectName("term")
        self.place = QLineEdit()
        self.place.setObjectName("place")
        self.search = QPushButton("Search")
        self.search.setObjectName("search")
        self.search.clicked.connect(lambda: flow.launch(flow.load_choices()))
        self.list = QListWidget()
        self.list.setObjectName("choices")
        self.list.currentItemChanged.connect(lambda cur, _prev: self.set_ready(cur is not None))
        self.status = _label(name="chooseStatus")
        self.query = QFormLayout()
        layout = QVBoxLayout(self)
        layout.addLayout(self.query)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.status)

    def initializePage(self) -> None:
        plan = self.flow.plan
        while self.query.rowCount():
            self.query.takeRow(0)
        self.list.clear()
        self.status.setText("")
        self.set_ready(False)
        if plan.choose == "search":
            self.setSubTitle("Your business's name and town, as on Yelp.")
            self.query.addRow("Name", self.term)
            self.query.addRow("Town or postcode", self.place)
            self.query.addRow("", self.search)
        elif plan.choose == "domain":
            self.setSubTitle("Your website's address, as on your Trustpilot page.")
            self.query.addRow("Website", self.term)
            self.query.addRow("", self.search)
        else:
            self.setSubTitle("The Pages your account manages." if plan.kind == "facebook"
                             else "The locations your Google account manages.")
            self.flow.launch(self.flow.load_choices())
        for w in (self.term, self.place, self.search):
            w.setVisible(plan.choose in ("search", "domain") and (w is not self.place or plan.choose == "search"))

    def show_choices(self, found: list[Choice]) -> None:
        self.list.clear()
        for choice in found:
            item = QListWidgetItem(choice.label + (f"\n{choice.detail}" if choice.detail else ""))
            item.setData(Qt.ItemDataRole.UserRole, choice)
            self.list.addItem(item)
        if found:
            self.list.setCurrentRow(0)
            self.status.setText(f"Found {len(found)}. Choose yours.")
        else:
            self.status.setText("Nothing found. Check the spelling, or the account you signed in with.")

    def validatePage(self) -> bool:
        choice: Choice = self.list.currentItem().data(Qt.ItemDataRole.UserRole)
        self.flow.settings.update(choice.settings)
        self.flow.secrets_typed.update(choice.secrets)
        self.flow.chosen_name = choice.label
        return True


class CheckPage(_Page):
    def __init__(self, flow: AddSourceWizard) -> None:
        super().__init__(flow, "Check and save")
        self.found = _label(name="found")
        font = self.found.font()
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.found.setFont(font)
        self.details = QPushButton("Details…")
        self.details.setObjectName("details")
        self.details.setFlat(True)
        self.details.setVisible(False)
        self.details.clicked.connect(self._details)
        self.detail_text = ""
        self.name = QLineEdit()
        self.name.setObjectName("name")
        self.name.textChanged.connect(lambda _t: self._changed())
        whose, self.own, self.competitor = whose_choice(self)
        form = QFormLayout()
        form.addRow("Name in your inbox", self.name)
        form.addRow("Whose", whose)
        layout = QVBoxLayout(self)
        layout.addWidget(self.found)
        layout.addWidget(self.details, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addLayout(form)
        layout.addStretch(1)
        self.checked = False

    def initializePage(self) -> None:
        self.setSubTitle("Reading the first reviews (nothing is saved yet)…")
        self.found.setText("Checking…")
        self.details.setVisible(False)
        self.checked = False
        if not self.name.text():
            self.name.setText(self.flow.chosen_name or self.flow.plan.title)
        self._changed()
        self.flow.launch(self.flow.check())

    def show_result(self, text: str, ok: bool, detail: str = "") -> None:
        self.found.setText(text)
        self.found.setStyleSheet("" if ok else "color: #c62828;")
        self.detail_text = detail
        self.details.setVisible(bool(detail))
        noun = NOUNS.get(self.flow.plan.kind, "review")
        self.setSubTitle(f"Looks right? Name it and press Save and fetch; your {noun}s arrive at once." if ok
                         else "Go Back to change what you entered, or try again later.")
        self.checked = ok
        self._changed()

    def _details(self) -> None:
        box = QMessageBox(QMessageBox.Icon.Information, "Details", self.detail_text,
                          QMessageBox.StandardButton.Close, self)
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.open()

    def _changed(self) -> None:
        self.set_ready(self.checked and bool(self.name.text().strip()))

    def validatePage(self) -> bool:
        self.flow.launch(self.flow.save())
        return False  # the wizard closes itself once saved


class AddSourceWizard(QWizard):
    """The guided Add-source flow. `source_added` carries the saved Source."""

    source_added = Signal(object)

    def __init__(self, store: Store, secrets: Secrets, parent: QWidget | None = None, *,
                 run_task: RunTask | None = None, http_factory: Callable[[], Any] | None = None,
                 open_browser: Callable[[str], object] = webbrowser.open,
                 confirm: Callable[[str, str], bool] | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Add a source")
        self.setObjectName("add_source_wizard")
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.resize(720, 560)
        self.service = SourcesService(store, secrets)
        self.run_task = run_task or (lambda coro: asyncio.ensure_future(coro))
        self.http_factory = http_factory or _default_http
        self.open_browser = open_browser
        self._confirm = confirm
        self.plan: Plan = next(iter(PLANS.values()))
        self.settings: dict[str, str] = {}
        self.secrets_typed: dict[str, str] = {}
        self.client: dict[str, str] = {}
        self.chosen_name = ""
        self.reddit_port = REDDIT_PORT  # fixed: Reddit matches the redirect address exactly
        self.saved: Source | None = None
        self.busy: asyncio.Future[Any] | None = None
        self._guide = ""
        path = guide_path()
        if path is not None:
            self._guide = path.read_text(encoding="utf-8")
        self.pages = {WHERE: WherePage(self), NEEDS: NeedsPage(self), CONNECT: ConnectPage(self),
                      CHOOSE: ChoosePage(self), CHECK: CheckPage(self)}
        for page_id, page in self.pages.items():
            self.setPage(page_id, page)
        self.setButtonText(QWizard.WizardButton.FinishButton, "Save and fetch")
        self.setOption(QWizard.WizardOption.HaveFinishButtonOnEarlyPages, False)

    def done(self, result: int) -> None:
        """Closing stops a sign-in still waiting for the browser, so its loopback port is
        free again at once (Reddit's is fixed)."""
        busy = self.busy
        try:
            current = asyncio.current_task()
        except RuntimeError:
            current = None
        if busy is not None and not busy.done() and busy is not current:
            busy.cancel()
        super().done(result)

    # -- navigation ------------------------------------------------------------------------

    def nextId(self) -> int:
        current = self.currentId()
        if current == CONNECT and not self.plan.choose:
            return CHECK
        if current == CHECK:
            return -1
        return current + 1

    def choose_plan(self, plan: Plan) -> None:
        if plan.kind != self.plan.kind:
            self.settings, self.secrets_typed, self.client, self.chosen_name = {}, {}, {}, ""
            self.pages[CHECK].name.clear()
        self.plan = plan

    def guide_text(self, plan: Plan) -> str:
        section = guide_section(self._guide, plan.guide_heading or plan.title) if self._guide else ""
        return section or f"## {plan.title}\n\n{plan.needs}"

    def confirm(self, title: str, text: str) -> bool:
        if self._confirm is not None:
            return self._confirm(title, text)
        return plain_question(self, title, text)  # it may quote a business name a platform sent

    def launch(self, coro: Coroutine[Any, Any, Any]) -> asyncio.Future[Any]:
        self.busy = self.run_task(coro)
        return self.busy

    def draft(self, *, saving: bool = False) -> SourceDraft:
        """The source as entered so far; `saving` leaves out what was only typed to list
        choices (a Facebook user token)."""
        check = self.pages[CHECK]
        typed = {k: v for k, v in self.secrets_typed.items() if not (saving and k in TRANSIENT_SECRETS)}
        return SourceDraft(
            kind=self.plan.kind, name=" ".join(check.name.text().split()) or self.plan.title,
            whose=Whose.COMPETITOR.value if check.competitor.isChecked() else Whose.OWN.value,
            settings=dict(self.settings), secrets={**self.client_secrets(), **typed})

    def client_secrets(self) -> dict[str, str]:
        return {k: v for k, v in self.client.items() if k in ("client_id", "client_secret")}

    # -- steps that talk to the platform ---------------------------------------------------

    def use_client_file(self, path: str) -> bool:
        page: ConnectPage = self.pages[CONNECT]
        try:
            self.client = read_client_file(path)
        except ValueError as exc:
            page.client_label.setText(str(exc))
            return False
        for ours in ("auth_url", "token_url"):
            google_default = "google.com" in self.client.get(ours, "") or "googleapis.com" in self.client.get(ours, "")
            if ours in self.client and not google_default:
                self.settings[ours] = self.client[ours]
        page.client_label.setText(f"Client file read: {Path(path).name}. Now sign in.")
        return True

    async def sign_in(self) -> None:
        """The browser consent (loopback on 127.0.0.1); what it gives stays in memory until
        Save puts it in the keyring with the rest."""
        page: ConnectPage = self.pages[CONNECT]
        if self.plan.kind in ("mastodon", "reddit"):
            await self._sign_in_app(page)
            return
        from inbox.sources.google import TOKEN_URL
        from inbox.sources.google_oauth import AUTH_URL, SCOPE, authorize
        from inbox.sources.googleplay import SCOPE as PLAY_SCOPE

        if not self.client:
            page.status.setText("Choose the client file first (the guide above shows where to get it).")
            return
        advanced = {k: e.text().strip() for k, e in page.advanced_edits.items() if e.text().strip()}
        self.settings.update(advanced)
        page.status.setText("Your browser opened: sign in there and allow access…")
        try:
            async with self.http_factory() as http:
                token = await authorize(self.client["client_id"], self.client["client_secret"], http,
                                        open_browser=self.open_browser,
                                        auth_url=self.settings.get("auth_url") or AUTH_URL,
                                        token_url=self.settings.get("token_url") or TOKEN_URL,
                                        scope=PLAY_SCOPE if self.plan.kind == "googleplay" else SCOPE)
        except SourceError as exc:
            log.info("sign-in failed: %s", exc)
            page.status.setText(explain_exception(exc, self.plan.kind).text)
            return
        self.secrets_typed["refresh_token"] = token
        page.status.setText("Signed in ✓  Press Next to choose your location." if self.plan.kind == "google"
                            else "Signed in ✓  Press Next to check.")
        page._changed()

    async def _sign_in_app(self, page: ConnectPage) -> None:
        """Mastodon (the app registered on the owner's server) or Reddit (the owner's own
        installed app): the browser consent, then who signed in."""
        from inbox.sources import mastodon_oauth, reddit_oauth

        advanced = {k: e.text().strip() for k, e in page.advanced_edits.items()
                    if e.text().strip() and k not in self.plan.advanced_secrets}
        try:
            if self.plan.kind == "mastodon":
                server = advanced.get("base_url") or server_address(page.edits["server"].text())
            else:
                client_id = page.edits["client_id"].text().strip()
                if not client_id:
                    page.status.setText("Paste your Reddit app's client id first (the guide above shows where).")
                    return
        except ValueError as exc:
            page.status.setText(str(exc))
            return
        page.status.setText("Your browser opened: sign in there and allow access…")
        try:
            async with self.http_factory() as http:
                if self.plan.kind == "mastodon":
                    token = await mastodon_oauth.sign_in(server, http, open_browser=self.open_browser)
                    me = await http.get_json(f"{server}/api/v1/accounts/verify_credentials",
                                             headers={"Authorization": f"Bearer {token}"})
                    who = f"@{me.get('acct')}@{urlsplit(server).hostname}" if isinstance(me, dict) else ""
                    self.secrets_typed["token"] = token
                else:
                    got = await reddit_oauth.sign_in(
                        client_id, http, open_browser=self.open_browser, port=self.reddit_port,
                        auth_url=advanced.get("auth_url") or reddit_oauth.AUTH_URL,
                        token_url=advanced.get("token_url") or reddit_oauth.TOKEN_URL,
                        api_url=advanced.get("base_url") or reddit_oauth.API_URL)
                    self.secrets_typed.update(client_id=client_id, refresh_token=got.refresh_token,
                                              username=got.username)
                    who = f"u/{got.username}" if got.username else ""
        except SourceError as exc:
            log.info("sign-in failed: %s", exc)
            page.status.setText(explain_exception(exc, self.plan.kind).text)
            return
        if self.plan.kind == "mastodon":
            self.chosen_name = who or self.chosen_name
        page.status.setText(f"Signed in{' as ' + who if who else ''} ✓  Press Next to check.")
        page._changed()

    async def load_choices(self) -> None:
        page: ChoosePage = self.pages[CHOOSE]
        page.status.setText("Asking…")
        try:
            async with self.http_factory() as http:
                found = await asyncio.wait_for(
                    choices(self.draft(), http, term=page.term.text(), place=page.place.text()), STEP_TIMEOUT_S)
        except (SourceError, TimeoutError) as exc:
            page.status.setText(explain_exception(exc, self.plan.kind).text)
            return
        page.show_choices(found)

    def check_name(self) -> str:
        """Whom the check's sentence names: the business, the account, or the search words."""
        if self.plan.kind == "reddit":
            return f"“{self.settings.get('query', '').strip(chr(34))}”"
        return self.chosen_name

    async def check(self) -> None:
        page: CheckPage = self.pages[CHECK]
        try:
            async with self.http_factory() as http:
                found = await asyncio.wait_for(
                    preview(self.draft(), http, name=self.check_name()), STEP_TIMEOUT_S)
        except CredentialsRejected as exc:  # nothing is saved yet: say what to check
            plain = explain_exception(exc, self.plan.kind)
            log.info("set-up check refused: %s", plain.detail)
            page.show_result(f"{self.plan.title.split(' (')[0]} did not accept {REFUSED.get(self.plan.kind, 'this key')}. "
                             "Go Back and check what you entered.", False, plain.detail)
            return
        except (SourceError, TimeoutError) as exc:
            plain = explain_exception(exc, self.plan.kind)
            log.info("set-up check failed: %s", plain.detail)
            page.show_result(plain.text, False, plain.detail)
            return
        except Exception as exc:  # a connector bug must not take the flow down
            log.exception("set-up check failed")
            plain = explain_exception(exc, self.plan.kind)
            page.show_result(plain.text, False, plain.detail)
            return
        page.show_result(found.sentence(), True)

    async def save(self) -> Source | None:
        page: CheckPage = self.pages[CHECK]
        try:
            source = await self.service.add(self.draft(saving=True))
        except SourceExists as exc:
            page.show_result(f"You already have a source named “{exc.name}”. Choose another name.", False)
            page.checked = True
            page._changed()
            return None
        except Exception as exc:  # the keyring said no, the disk is full
            plain = explain_exception(exc, self.plan.kind)
            page.show_result(f"Not saved. {plain.text}", False, plain.detail)
            return None
        self.saved = source
        self.source_added.emit(source)
        self.accept()
        return source


def _row_widgets(form: QFormLayout, row: int) -> list[QWidget]:
    """The widgets of one form row (a layout's too), to show or hide the row."""
    out: list[QWidget] = []
    for role in (QFormLayout.ItemRole.LabelRole, QFormLayout.ItemRole.FieldRole, QFormLayout.ItemRole.SpanningRole):
        item = form.itemAt(row, role)
        if item is None:
            continue
        if item.widget() is not None:
            out.append(item.widget())
        elif item.layout() is not None:
            layout = item.layout()
            out += [layout.itemAt(i).widget() for i in range(layout.count()) if layout.itemAt(i).widget()]
    return out


def _default_http() -> Any:
    from inbox.sync.http import HttpClient

    return HttpClient()


def open_wizard(window: Any, *, secrets: Secrets | None = None,
                open_browser: Callable[[str], object] = webbrowser.open) -> AddSourceWizard:
    """The flow over the owner's inbox (from the demo too: sources always go to their own),
    non-modal; a saved source is fetched at once, and the demo switches to the owner's inbox."""
    from inbox.paths import default_db_path
    from inbox.secrets import from_environment
    from inbox.ui import sources_dialog

    chosen = secrets if secrets is not None else getattr(window, "sources_secrets", None) or from_environment()
    store = Store(default_db_path()) if window.is_demo else window.store
    wizard = AddSourceWizard(store, chosen, window, run_task=lambda coro: window.run_task(coro),
                             open_browser=open_browser, confirm=window.confirm)
    if window.is_demo:
        wizard.destroyed.connect(store.close)
        wizard.source_added.connect(lambda source: sources_dialog._open_own(window, source))
    else:
        wizard.source_added.connect(lambda _s: window.data_changed())
        wizard.source_added.connect(lambda source: sources_dialog._sync_new(window, source))
    wizard.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    window.extensions.add(wizard)
    wizard.show()
    return wizard


def sign_in_again(window: Any, source: Source, *, secrets: Secrets | None = None,
                  open_browser: Callable[[str], object] | None = None) -> asyncio.Future[Any]:
    """"Sign in again…" for a source that signs in through the browser (Google, Google Play,
    Mastodon, Reddit): the consent, then a sync; said in the status bar in plain words either
    way. A source set up with a key opens its settings instead."""
    from inbox.secrets import from_environment
    from inbox.services import setup

    chosen = secrets if secrets is not None else getattr(window, "sources_secrets", None) or from_environment()

    async def run() -> None:
        window.status_message("Your browser opened: sign in there and allow access…", 60_000)
        try:
            async with _default_http() as http:
                await setup.sign_in_again(source, chosen, http, open_browser=open_browser or webbrowser.open)
        except setup.NoBrowserSignIn:
            window.status_message("", 1)
            if "sources.manage" in window.commands.commands:
                dialog = window.run_command("sources.manage")
                if dialog is not None:
                    dialog.reload(select_id=source.id)  # its key field is right there
            return
        except Exception as exc:
            window.status_message(explain_exception(exc, source.kind).text, 20_000)
            return
        window.status_message(f"Signed in again. Fetching “{source.name}”…", 10_000)
        from inbox.ui import sources_dialog

        sources_dialog._sync_new(window, window.store.get_source(source.id))
    return window.run_task(run())


def install(window: Any) -> None:
    window.register_command("sources.add", "Add a source…", lambda: open_wizard(window), menu="File")
