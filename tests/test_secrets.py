"""Credentials live only in the OS keyring; with no keyring the user is told, never downgraded.
Also the in-memory and test-file backends, and that only an explicit test setting picks the file."""

from __future__ import annotations

import os
import uuid

import keyring
import keyring.backends.fail
import pytest

from inbox import secrets

KEYRING = secrets.KeyringSecrets()


@pytest.fixture
def real_keyring():
    if not KEYRING.available():
        if os.environ.get("CI"):
            pytest.fail("CI must provide the Secret Service (see .ci/run)")
        pytest.skip("no Secret Service here; run under dbus-run-session with gnome-keyring")
    name = f"test-{uuid.uuid4().hex[:8]}"
    yield name
    KEYRING.delete(name)


@pytest.fixture
def no_keyring():
    previous = keyring.get_keyring()
    keyring.set_keyring(keyring.backends.fail.Keyring())
    yield
    keyring.set_keyring(previous)


def test_secrets_round_trip_through_the_secret_service(real_keyring):
    assert "SecretService" in type(keyring.get_keyring()).__module__ + type(keyring.get_keyring()).__name__
    KEYRING.set(real_keyring, {"client_id": "abc", "password": "hunter2 ✓"})
    KEYRING.set(real_keyring, {"username": "cafe"})
    assert KEYRING.get(real_keyring) == {"client_id": "abc", "password": "hunter2 ✓", "username": "cafe"}
    assert keyring.get_password(secrets.SERVICE, f"source:{real_keyring}") is not None
    KEYRING.delete(real_keyring)
    assert KEYRING.get(real_keyring) == {}


def test_no_keyring_is_a_clear_catchable_error(no_keyring):
    assert not KEYRING.available()
    with pytest.raises(secrets.NoKeyring) as err:
        KEYRING.set("Café", {"api_key": "sk-live-SECRET"})
    assert str(err.value).startswith("credentials not saved: no system keyring")
    assert "SECRET" not in str(err.value) and err.value.__cause__ is None
    with pytest.raises(secrets.NoKeyring):
        KEYRING.get("Café")


def test_plaintext_backends_are_refused(no_keyring):
    class PlaintextKeyring(keyring.backend.KeyringBackend):
        priority = 1

        def get_password(self, service, username):
            return None

        def set_password(self, service, username, password):
            raise AssertionError("a secret reached a plaintext backend")

        def delete_password(self, service, username):
            pass

    keyring.set_keyring(PlaintextKeyring())
    with pytest.raises(secrets.NoKeyring):
        KEYRING.set("Café", {"api_key": "x"})


def test_a_hung_keyring_times_out_with_a_clear_message(no_keyring, monkeypatch):
    import threading
    import time

    release = threading.Event()

    class HangingKeyring(keyring.backend.KeyringBackend):
        priority = 1

        def get_password(self, service, username):
            release.wait(30)  # a D-Bus prompt nobody answers

        def set_password(self, service, username, password):
            pass

        def delete_password(self, service, username):
            pass

    keyring.set_keyring(HangingKeyring())
    monkeypatch.setattr(secrets, "TIMEOUT_S", 0.3)
    started = time.monotonic()
    with pytest.raises(secrets.SecretsError, match="did not answer"):
        KEYRING.get("Café")
    assert time.monotonic() - started < 2
    release.set()


def test_keyring_calls_from_several_threads_reach_the_keyring_one_at_a_time(no_keyring):
    """A sync reads the secrets of four sources at once; GNOME Keyring answers overlapping
    calls with errors (and once died)."""
    import threading
    import time
    from concurrent.futures import ThreadPoolExecutor

    class CountingKeyring(keyring.backend.KeyringBackend):
        """Slow calls that note how many run at once."""

        priority = 1

        def __init__(self) -> None:
            super().__init__()
            self.lock, self.running, self.most, self.stored = threading.Lock(), 0, 0, {}

        def _one(self, fn):
            with self.lock:
                self.running += 1
                self.most = max(self.most, self.running)
            time.sleep(0.02)
            try:
                return fn()
            finally:
                with self.lock:
                    self.running -= 1

        def get_password(self, service, username):
            return self._one(lambda: self.stored.get(username))

        def set_password(self, service, username, password):
            self._one(lambda: self.stored.__setitem__(username, password))

        def delete_password(self, service, username):
            self._one(lambda: self.stored.pop(username, None))

    backend = CountingKeyring()
    keyring.set_keyring(backend)
    with ThreadPoolExecutor(4) as pool:
        list(pool.map(lambda i: KEYRING.set(f"source {i}", {"token": f"t{i}"}), range(8)))
        found = list(pool.map(lambda i: KEYRING.get(f"source {i}"), range(8)))
    assert found == [{"token": f"t{i}"} for i in range(8)]
    assert backend.most == 1


def test_a_call_that_gave_up_waiting_for_a_hung_one_never_runs_later(no_keyring, monkeypatch):
    import threading
    import time

    release = threading.Event()
    writes: list[str] = []

    class HangsOnRead(keyring.backend.KeyringBackend):
        priority = 1

        def get_password(self, service, username):
            if username == "source:first":
                release.wait(30)  # a prompt nobody answers

        def set_password(self, service, username, password):
            writes.append(username)

        def delete_password(self, service, username):
            pass

    keyring.set_keyring(HangsOnRead())
    monkeypatch.setattr(secrets, "TIMEOUT_S", 0.3)
    with pytest.raises(secrets.SecretsError, match="did not answer"):
        KEYRING.get("first")
    with pytest.raises(secrets.SecretsError, match="did not answer"):
        KEYRING.set("second", {"token": "t"}, merge=False)  # waits behind the hung read
    release.set()
    time.sleep(0.3)
    assert writes == []  # the user was told "not saved", and nothing was saved


def test_threads_sharing_the_secret_service_all_succeed(real_keyring):
    from concurrent.futures import ThreadPoolExecutor

    def round_trip(i: int) -> dict[str, str]:
        name = f"{real_keyring}-{i}"
        KEYRING.set(name, {"token": f"t{i}"})
        try:
            return KEYRING.get(name)
        finally:
            KEYRING.delete(name)

    with ThreadPoolExecutor(4) as pool:
        assert list(pool.map(round_trip, range(24))) == [{"token": f"t{i}"} for i in range(24)]


def test_memory_secrets_merge_replace_delete_and_scrub_the_log() -> None:
    from inbox import logging_setup

    mem = secrets.MemorySecrets()
    mem.set("Café", {"client_id": "abc123", "password": "memory-only-pw-77"})
    mem.set("Café", {"username": "cafe-owner"})
    assert mem.get("Café") == {"client_id": "abc123", "password": "memory-only-pw-77", "username": "cafe-owner"}
    mem.set("Café", {"token": "t0ken-value"}, merge=False)
    assert mem.get("Café") == {"token": "t0ken-value"}
    assert "memory-only-pw-77" in logging_setup._known  # the log scrubs what passed through
    mem.delete("Café")
    mem.delete("never saved")  # no error, as with the keyring
    assert mem.get("Café") == {} and mem.available()


def test_memory_secrets_pretend_no_keyring_and_failures() -> None:
    mem = secrets.MemorySecrets({"A": {"token": "x"}}, keyring=False)
    assert not mem.available()
    with pytest.raises(secrets.NoKeyring, match="credentials not saved: no system keyring"):
        mem.get("A")
    mem.keyring = True
    mem.fail("set")
    with pytest.raises(secrets.SecretsError, match="simulated"):
        mem.set("A", {"token": "y"})
    assert mem.get("A") == {"token": "x"}  # a failed write changed nothing


def test_the_test_file_backend_only_when_asked(tmp_path, monkeypatch) -> None:
    monkeypatch.delenv(secrets.TEST_FILE_ENV, raising=False)
    assert isinstance(secrets.from_environment(), secrets.KeyringSecrets)  # never chosen on its own
    path = tmp_path / "secrets.json"
    monkeypatch.setenv(secrets.TEST_FILE_ENV, str(path))
    first = secrets.from_environment()
    assert isinstance(first, secrets.JsonFileSecrets)
    first.set("Feed", {"token": "file-token-1"})
    assert secrets.from_environment().get("Feed") == {"token": "file-token-1"}  # as another process sees it
    assert (path.stat().st_mode & 0o777) == 0o600
    secrets.JsonFileSecrets(path).delete("Feed")
    assert first.get("Feed") == {}  # re-read: the other writer's change is seen
