"""Opening a team inbox: the URL, the password given separately (from the keyring, never
written into PostgreSQL or the log), and the driver's errors as the store's own.

Why the password is a separate argument: the URL is shown in messages and kept in settings;
a password inside it would travel with it. `where()` is the URL as it may be shown."""

from __future__ import annotations

from typing import Any

from inbox.store.errors import CannotOpen, DatabaseError, StoreError

SCHEMES = ("postgresql://", "postgres://")
CONNECT_TIMEOUT_S = 10


def is_team_url(text: str | None) -> bool:
    """Whether a `--db` value names a team inbox rather than a local file."""
    return bool(text) and str(text).lower().startswith(SCHEMES)


def conninfo(url: str) -> dict[str, Any]:
    """The URL's parts (host, port, user, dbname, sslmode, ...); raises StoreError for one
    that cannot be read."""
    from psycopg.conninfo import conninfo_to_dict

    try:
        return conninfo_to_dict(url)
    except Exception as exc:  # psycopg.ProgrammingError: its message quotes the URL
        raise StoreError(f"The team inbox address is not a PostgreSQL URL ({type(exc).__name__}); "
                         "write it as postgresql://USER@HOST/DATABASE.") from None


def where(url: str) -> str:
    """The URL without a password: what messages and settings may show."""
    info = conninfo(url)
    user = f"{info['user']}@" if info.get("user") else ""
    port = f":{info['port']}" if info.get("port") else ""
    return f"postgresql://{user}{info.get('host', 'localhost')}{port}/{info.get('dbname', '')}"


# What the address names; every other parameter (sslmode, sslrootcert, …) is an option.
_ADDRESS = ("user", "password", "host", "port", "dbname")


def without_password(url: str) -> str:
    """The URL a laptop keeps to reach the server again: `where()` plus its options, so a
    `sslmode=verify-full` given once is kept for every later connection."""
    from urllib.parse import urlencode

    options = {k: v for k, v in conninfo(url).items() if k not in _ADDRESS}
    return where(url) + (f"?{urlencode(sorted(options.items()))}" if options else "")


def secret_name(url: str) -> str:
    """The keyring entry of a team inbox's password: one per user, server and database."""
    return "team:" + where(url).removeprefix("postgresql://")


def connect_kwargs(url: str, password: str | None) -> dict[str, Any]:
    info = conninfo(url)
    if password is not None:
        info["password"] = password
    info.setdefault("connect_timeout", CONNECT_TIMEOUT_S)
    info.setdefault("application_name", "feedback-inbox")
    return info


def connect(url: str, password: str | None, **options: Any) -> Any:
    """One connection (autocommit: transactions are explicit), or a store error in words."""
    import psycopg

    try:
        return psycopg.connect(**connect_kwargs(url, password), autocommit=True, **options)
    except psycopg.OperationalError as exc:
        raise explain_connect_error(exc, url) from None


class PasswordRefused(DatabaseError):
    """The server refused the user name or password."""


def explain_connect_error(exc: Exception, url: str) -> DatabaseError:
    """The store's error for a connection that failed, in words (never the password)."""
    text = str(exc)
    shown = where(url)
    if "password authentication failed" in text or "no password supplied" in text:
        return PasswordRefused(f"The server refused the password for {shown}. Save the right one with "
                               "`inbox team password URL` and try again.")
    if "certificate" in text or "SSL" in text:
        return CannotOpen(f"Can't open the team inbox at {shown}: the server could not prove who it is (its TLS "
                          "certificate is not signed by the authority in sslrootcert, or names another host). "
                          "No password was sent; check the address and the certificate.")
    if "does not exist" in text and "database" in text:
        return CannotOpen(f"There is no database at {shown}; ask the server's owner to create it.")
    if "Connection refused" in text or "timeout" in text.lower() or "could not translate" in text:
        return CannotOpen(f"Can't reach the team inbox at {shown}: the server is not answering. Check "
                          "the address and your network, then try again.")
    return CannotOpen(f"Can't open the team inbox at {shown}: {text.strip().splitlines()[0] if text else 'error'}")
