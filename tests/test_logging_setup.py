"""The log file: in the platform log dir, rotated, and never holding a secret."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from inbox import logging_setup
from inbox.logging_setup import register_secret, setup_logging, shutdown_logging

TOKEN = "ya29.A0ARrdaM-very-secret-token_123"


@pytest.fixture
def logfile(tmp_path: Path) -> Iterator[Path]:
    path = setup_logging(tmp_path / "logs")
    yield path
    shutdown_logging()


def _read(path: Path) -> str:
    for handler in logging.getLogger().handlers:
        handler.flush()
    return path.read_text(encoding="utf-8")


def test_default_log_file_is_in_the_platform_log_dir() -> None:
    try:
        path = setup_logging()
        logging.getLogger("inbox.test").warning("hello from the test")
        assert path.parent.parts[-2:] == ("feedback-inbox", "log")
        assert "hello from the test" in _read(path)
    finally:
        shutdown_logging()


def test_tokens_never_reach_the_log_file(logfile: Path) -> None:
    log = logging.getLogger("inbox.sources.google")
    log.info("GET https://example.test/v4/reviews?pageSize=50&access_token=%s&x=1", TOKEN)
    log.info("headers %s", {"Authorization": f"Bearer {TOKEN}", "Accept": "application/json"})
    log.warning("Authorization: Bearer %s", TOKEN)
    log.info('bluesky login {"identifier": "cafe.bsky.social", "app_password": "%s"}', TOKEN)
    log.info("reddit form grant_type=password&username=cafe&password=%s", TOKEN)
    logging.getLogger("httpx").warning("HTTP Request: POST https://x.test/token?client_secret=%s", TOKEN)
    text = _read(logfile)
    assert TOKEN not in text
    assert text.count("[redacted]") >= 6
    # what is not secret stays readable, so the log is still useful
    assert "pageSize=50" in text and "cafe.bsky.social" in text and "application/json" in text


def test_a_traceback_with_a_secret_is_scrubbed(logfile: Path) -> None:
    try:
        raise RuntimeError(f"login failed for password={TOKEN}")
    except RuntimeError:
        logging.getLogger("inbox.sync").exception("sync crashed")
    text = _read(logfile)
    assert "Traceback (most recent call last)" in text and "RuntimeError" in text
    assert TOKEN not in text


def test_keyring_values_are_scrubbed_wherever_they_appear(logfile: Path) -> None:
    odd_secret = "correct horse battery staple"  # no recognisable shape at all
    register_secret(odd_secret, "abc")  # too-short values are ignored, not redacted everywhere
    logging.getLogger("inbox").error("unexpected reply mentioning %s in its body", odd_secret)
    logging.getLogger("inbox").info("abc is an ordinary word")
    text = _read(logfile)
    assert odd_secret not in text
    assert "abc is an ordinary word" in text


def test_values_from_the_real_keyring_are_scrubbed(logfile: Path) -> None:
    """A secret with no recognisable shape, saved and read through the Secret Service, is
    redacted from the log from then on."""
    import uuid

    from inbox import secrets

    if not secrets.KeyringSecrets().available():
        if os.environ.get("CI"):
            pytest.fail("CI must provide the Secret Service (see .ci/run)")
        pytest.skip("no Secret Service here; run under dbus-run-session with gnome-keyring")
    name, value = f"test-{uuid.uuid4().hex[:8]}", f"plain words {uuid.uuid4().hex[:10]}"
    try:
        secrets.KeyringSecrets().set(name, {"api_key": value})
        assert secrets.KeyringSecrets().get(name) == {"api_key": value}
        logging.getLogger("inbox.sources.yelp").error("Yelp answered 401 for key %s", value)
    finally:
        secrets.KeyringSecrets().delete(name)
    text = _read(logfile)
    assert "Yelp answered 401 for key [redacted]" in text
    assert value not in text


def test_the_log_rotates(logfile: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    handler = logging_setup._handler
    assert handler is not None
    monkeypatch.setattr(handler, "maxBytes", 2000)
    for n in range(200):
        logging.getLogger("inbox").info("line %d %s", n, "x" * 40)
    files = sorted(p.name for p in logfile.parent.iterdir())
    assert "inbox.log.1" in files
    assert len(files) <= logging_setup.BACKUP_COUNT + 1


def test_setup_twice_keeps_one_handler(logfile: Path) -> None:
    setup_logging(logfile.parent)
    logging.getLogger("inbox").warning("once")
    assert _read(logfile).count("once") == 1


def test_a_command_makes_its_log_file_on_the_first_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Commands set the log up lazily (issue 19: a quick command must not pay for it):
    nothing is made until a line is logged; then the line is in the file once, scrubbed,
    and a handler beside it (a test's capture, say) still gets it too."""
    folder = tmp_path / "logs"
    monkeypatch.setattr(logging_setup, "log_dir", lambda: folder)
    beside = None
    try:
        logging_setup.setup_logging_on_first_record()
        logging_setup.setup_logging_on_first_record()  # twice: still one
        assert not folder.exists()
        import logging.handlers

        beside = logging.handlers.MemoryHandler(capacity=100)
        logging.getLogger().addHandler(beside)
        logging.getLogger("inbox.cli").error("first line, token=%s", TOKEN)
        logging.getLogger("inbox.cli").error("second line")
        text = _read(folder / logging_setup.LOG_FILE)
        assert text.count("first line, token=[redacted]") == 1 and text.count("second line") == 1
        assert TOKEN not in text
        assert [r.getMessage() for r in beside.buffer][-2:] == ["first line, token=[redacted]", "second line"]
    finally:
        if beside is not None:
            logging.getLogger().removeHandler(beside)
        shutdown_logging()
    assert not any(isinstance(h, logging_setup._OnFirstRecord) for h in logging.getLogger().handlers)
