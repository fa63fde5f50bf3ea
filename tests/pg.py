"""A real PostgreSQL server for the team-inbox tests: Debian's binaries, a cluster made by
initdb in a temporary folder, listening on 127.0.0.1 on a free port, removed afterwards.

Why an unprivileged user: initdb and postgres refuse to run as root, and CI (and the
helpers' machine) run as root; there the server runs as `nobody` through `runuser`.
Password authentication (scram) on TCP, as a real server has it, so the tests go through
the same path as `inbox --db postgresql://...` with the password from the keyring.

Tests that need the server ask for the `pg_server` (session) or `team_url` (a new, empty
database per test) fixture; without the binaries they are skipped, saying so. `.ci/run`
installs the `postgresql` package, so CI runs them."""

from __future__ import annotations

import contextlib
import glob
import itertools
import os
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

SUPERUSER = "postgres"
# Settings for a throwaway cluster: durability is worth nothing here, speed is.
FAST = ("fsync=off", "synchronous_commit=off", "full_page_writes=off", "shared_buffers=64MB",
        "max_connections=60")


def find_bindir() -> Path | None:
    """Debian puts the binaries in /usr/lib/postgresql/<major>/bin (newest wins); a PATH
    with `pg_config` or `initdb` (another distribution, a developer's machine) works too."""
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin"),
                        key=lambda p: int(p.split("/")[-2]) if p.split("/")[-2].isdigit() else 0)
    for cand in reversed(candidates):
        if (Path(cand) / "initdb").exists() and (Path(cand) / "postgres").exists():
            return Path(cand)
    initdb = shutil.which("initdb")
    if initdb:
        return Path(os.path.realpath(initdb)).parent
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_server_user() -> list[str]:
    """The command prefix that runs the server unprivileged (nothing when we are not root)."""
    if os.geteuid() != 0:
        return []
    runuser = shutil.which("runuser")
    if runuser is None:
        pytest.skip("PostgreSQL tests run as root need `runuser` (util-linux) to start the server as nobody")
    return [runuser, "-u", "nobody", "--"]


@dataclass
class PgServer:
    """A running cluster: its address, the superuser's password, and new databases on demand."""

    root: Path
    port: int
    password: str
    process: subprocess.Popen
    host: str = "127.0.0.1"
    _names: itertools.count = field(default_factory=lambda: itertools.count(1))

    def url(self, dbname: str, *, user: str = SUPERUSER, password: bool = False) -> str:
        """A URL as `inbox --db` takes it: without the password unless asked (the app reads
        it from the keyring)."""
        secret = f":{self.password}" if password else ""
        return f"postgresql://{user}{secret}@{self.host}:{self.port}/{dbname}"

    def connect(self, dbname: str = "postgres"):
        import psycopg

        return psycopg.connect(host=self.host, port=self.port, user=SUPERUSER, password=self.password,
                               dbname=dbname, autocommit=True)

    def create_database(self) -> str:
        name = f"t{os.getpid()}_{next(self._names)}"
        with self.connect() as conn:
            conn.execute(f'CREATE DATABASE "{name}" TEMPLATE template0 ENCODING \'UTF8\'')
        return name

    def drop_database(self, name: str) -> None:
        with self.connect() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def stop(self) -> None:
        """Fast shutdown (ends sessions, no waiting for them), then the folder goes. The
        signal goes to the whole process group: `runuser` does not pass it on."""
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGINT)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        shutil.rmtree(self.root, ignore_errors=True)


def start_server(settings: tuple[str, ...] = FAST, *, tls: tuple[bytes, bytes] | None = None) -> PgServer:
    """initdb into a new temporary folder and start postgres there; raises RuntimeError with
    the server's own log when it does not come up. `tls`: (certificate PEM, key PEM) for a
    server that takes TLS connections."""
    bindir = find_bindir()
    if bindir is None:
        pytest.skip("PostgreSQL server binaries not found (Debian: apt-get install postgresql); "
                    ".ci/run installs them")
    prefix = _as_server_user()
    root = Path(tempfile.mkdtemp(prefix="inbox-pg-"))
    data = root / "data"
    password = secrets.token_urlsafe(16)
    pwfile = root / "pw"
    pwfile.write_text(password)
    if prefix:
        os.chmod(root, 0o700)
        shutil.chown(root, "nobody")
        shutil.chown(pwfile, "nobody")
    init = subprocess.run(
        [*prefix, str(bindir / "initdb"), "-D", str(data), "-U", SUPERUSER, "--pwfile", str(pwfile),
         "--auth-local=scram-sha-256", "--auth-host=scram-sha-256", "-E", "UTF8", "--locale=C.UTF-8", "-N"],
        capture_output=True, text=True, cwd=root)
    pwfile.unlink()
    if init.returncode != 0:
        shutil.rmtree(root, ignore_errors=True)
        raise RuntimeError(f"initdb failed:\n{init.stdout}\n{init.stderr}")
    port = free_port()
    log = open(root / "server.log", "wb")  # noqa: SIM115 - the server writes it while it runs
    if prefix:
        shutil.chown(root / "server.log", "nobody")
    options = ["-c", "listen_addresses=127.0.0.1", "-c", f"port={port}",
               "-c", f"unix_socket_directories={root}"]
    if tls is not None:
        for name, pem in zip(("server.crt", "server.key"), tls, strict=True):
            (root / name).write_bytes(pem)
            os.chmod(root / name, 0o600)
            if prefix:
                shutil.chown(root / name, "nobody")
        options += ["-c", "ssl=on", "-c", f"ssl_cert_file={root / 'server.crt'}",
                    "-c", f"ssl_key_file={root / 'server.key'}"]
    for setting in settings:
        options += ["-c", setting]
    process = subprocess.Popen([*prefix, str(bindir / "postgres"), "-D", str(data), *options],
                               stdout=log, stderr=subprocess.STDOUT, cwd=root, start_new_session=True)
    log.close()
    server = PgServer(root, port, password, process)
    deadline = time.monotonic() + 30
    while True:
        try:
            server.connect().close()
            return server
        except Exception:
            if process.poll() is not None or time.monotonic() > deadline:
                text = (root / "server.log").read_text(errors="replace")
                server.stop()
                raise RuntimeError(f"PostgreSQL did not start:\n{text}") from None
            time.sleep(0.1)


@pytest.fixture(scope="session")
def pg_server():
    """One PostgreSQL server for the whole test session."""
    try:
        import psycopg  # noqa: F401
    except ImportError:
        pytest.skip("psycopg is not installed (pip install 'psycopg[binary]' psycopg_pool)")
    server = start_server()
    yield server
    server.stop()


@pytest.fixture
def team_db(pg_server: PgServer):
    """The name of a new, empty database on the test server (dropped afterwards)."""
    name = pg_server.create_database()
    yield name
    with contextlib.suppress(Exception):
        pg_server.drop_database(name)


@pytest.fixture
def team_url(pg_server: PgServer, team_db: str) -> str:
    """The URL of a new, empty database, without its password."""
    return pg_server.url(team_db)
