"""The new-user run, timed: from the demo a first-time owner adds their Google Alert (an RSS
feed) and their App Store app through File ▸ Add a source…, against local fakes (this
machine has no internet), until both sources' items are in their own inbox's list, with no
restart. Each step a person does is counted (clicks, fields typed or pasted) and the time
the app makes them wait is measured; `NEW_USER_RUN_OUT=path.json` writes the figures
(docs/setup/new-user-run.md quotes them)."""

from __future__ import annotations

import json
import os
import time
from dataclasses import asdict, dataclass, field

from PySide6.QtWidgets import QApplication, QWizard

from inbox.ui import add_source_wizard
from inbox.ui.add_source_wizard import CHECK, CONNECT, NEEDS
from tests.qt_async import aloop, run_until, window  # noqa: F401 (fixtures)
from tests.replay.feeds import FakeFeed
from tests.ui.test_add_source_wizard import mem, start  # noqa: F401 (fixture)
from tests.ui.test_sync_window import AppStore


@dataclass
class Step:
    what: str
    clicks: int = 0
    fields: int = 0
    wait_s: float = 0.0  # the app working while the person waits


@dataclass
class Run:
    steps: list[Step] = field(default_factory=list)

    def step(self, what: str, *, clicks: int = 0, fields: int = 0, until=None, aloop=None) -> Step:  # noqa: F811
        started = time.perf_counter()
        if until is not None:
            run_until(aloop, until, 30, what)
        done = Step(what, clicks, fields, round(time.perf_counter() - started, 3))
        self.steps.append(done)
        return done


def own_window(demo):
    from inbox.ui.main_window import MainWindow

    return next((w for w in QApplication.topLevelWidgets()
                 if isinstance(w, MainWindow) and w is not demo and w.isVisible()), None)


def pick(wizard, kind: str) -> None:
    platforms = wizard.pages[0].list
    platforms.setCurrentRow(next(r for r in range(platforms.count()) if platforms.item(r).data(256) == kind))
    wizard.next()
    assert wizard.currentId() == NEEDS


def test_a_new_owner_adds_a_feed_and_an_app_without_a_terminal(qtbot, window, aloop, store, mem, replay,  # noqa: F811
                                                               monkeypatch):
    feed = FakeFeed(n=5).install(replay)
    AppStore(replay)
    monkeypatch.setattr(window, "is_demo", True)
    run = Run()
    began = time.perf_counter()

    # 1. the Google Alert's feed, from the demo
    wizard = start(window, mem)
    run.step("File ▸ Add a source…", clicks=2)
    pick(wizard, "rss")
    run.step("Choose “A news feed or Google Alert”, Next", clicks=2)
    wizard.next()
    run.step("Read what you will need, Next", clicks=1)
    wizard.pages[CONNECT].edits["url"].setText(replay.base_url + feed.path)
    wizard.next()
    check = wizard.pages[CHECK]
    run.step("Paste the feed's address, Next; the check reads it", clicks=1, fields=1,
             until=lambda: check.found.text().startswith("Found"), aloop=aloop)
    check.name.setText("Google Alerts")
    finish = wizard.button(QWizard.WizardButton.FinishButton)
    finish.click()
    run.step("Name it, Save and fetch; the window opens the owner's inbox", clicks=1, fields=1,
             until=lambda: own_window(window) is not None, aloop=aloop)
    own = own_window(window)
    run.step("The feed's items in the list", until=lambda: len(own.model.rows) == 5, aloop=aloop)

    # 2. the App Store app, in the owner's inbox
    own.sources_secrets = mem
    wizard = add_source_wizard.open_wizard(own, secrets=mem)
    run.step("File ▸ Add a source…", clicks=2)
    pick(wizard, "appstore")
    run.step("Choose “Apple App Store”, Next", clicks=2)
    wizard.next()
    run.step("Read what you will need, Next", clicks=1)
    connect = wizard.pages[CONNECT]
    connect.edits["link"].setText("https://apps.apple.com/gb/app/harbour-cafe-order-ahead/id1611223344")
    connect.advanced_edits["base_url"].setText(replay.base_url)  # the fake App Store (not a person's step)
    wizard.next()
    check = wizard.pages[CHECK]
    run.step("Paste the app's App Store link, Next; the check reads it", clicks=1, fields=1,
             until=lambda: check.found.text().startswith("Found"), aloop=aloop)
    assert check.found.text().startswith("Found 2 reviews")
    check.name.setText("Order-ahead app")
    wizard.button(QWizard.WizardButton.FinishButton).click()
    run.step("Name it, Save and fetch", clicks=1, fields=1, until=lambda: wizard.saved is not None, aloop=aloop)
    run.step("The app's reviews in the list", until=lambda: len(own.model.rows) == 7, aloop=aloop)

    total = time.perf_counter() - began
    clicks, fields = sum(s.clicks for s in run.steps), sum(s.fields for s in run.steps)
    waited = sum(s.wait_s for s in run.steps)
    assert (clicks, fields) == (14, 4)
    assert waited < 20  # the app's share of the three minutes
    out = os.environ.get("NEW_USER_RUN_OUT")
    if out:
        with open(out, "w", encoding="utf-8") as f:
            json.dump({"steps": [asdict(s) for s in run.steps], "clicks": clicks, "fields": fields,
                       "app_wait_s": round(waited, 3), "driven_s": round(total, 3)}, f, indent=1, ensure_ascii=False)
    own.close()
