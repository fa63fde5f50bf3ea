"""Schema of the erasure records (migration M013) and the one-way digest they hold.

An erasure keeps out a customer's platform identities and the ids of the items that were
theirs, so that a later sync, an owner reply arriving on a later page, a restored backup
or a re-imported file cannot bring them back. It stores only HMAC-SHA256 digests keyed
with a random salt of this database: the id itself cannot be read back from the file,
yet an id arriving again gives the same digest. Each digest keeps the salt it was made
with, so that records carried into a restored copy (which may have another salt) still
match.
"""

from __future__ import annotations

import sqlite3

# hashlib/hmac (OpenSSL) and secrets (random) are imported where used: a command that
# erases and ingests nothing (`inbox search`) does not load them

# What a writable connection keeps `secure_delete` at (connection.connect), and what an
# erasure, which turns it ON (freed pages too), sets it back to: deleted rows, and what a page
# split leaves behind in the old page, are overwritten with zeros when the page is written
# anyway, so a customer's words do not linger in unused space (a later erasure cannot find them).
SECURE_DELETE = "FAST"

AUTHOR = "author"
ITEM = "item"


def digest(salt: str, kind: str, platform: str, external_id: str) -> str:
    """The record of one identity (`kind` author) or one item id on a platform."""
    import hashlib
    import hmac

    message = f"{kind}\0{platform}\0{external_id}".encode()
    return hmac.new(bytes.fromhex(salt), message, hashlib.sha256).hexdigest()


def new_salt() -> str:
    import secrets

    return secrets.token_hex(32)


def create(conn: sqlite3.Connection) -> None:
    """The tables, this database's salt, and the old tombstones turned into digests (the
    table that held plain ids is dropped)."""
    conn.execute("""
        CREATE TABLE erasure_salt (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            salt TEXT NOT NULL
        )""")
    conn.execute("INSERT INTO erasure_salt (id, salt) VALUES (1, ?)", (new_salt(),))
    # One row per erasure: when, and counts only (what the restore reports re-applying).
    conn.execute("""
        CREATE TABLE erasures (
            id INTEGER PRIMARY KEY,
            erased_at TEXT NOT NULL,
            counts TEXT NOT NULL DEFAULT '{}'
        )""")
    conn.execute("""
        CREATE TABLE erasure_digests (
            digest TEXT PRIMARY KEY,
            kind TEXT NOT NULL CHECK (kind IN ('author', 'item')),
            salt TEXT NOT NULL,
            erasure_id INTEGER NOT NULL REFERENCES erasures(id) ON DELETE CASCADE
        ) WITHOUT ROWID""")
    old = conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'tombstones'").fetchone()
    if old:
        salt = conn.execute("SELECT salt FROM erasure_salt").fetchone()[0]
        for platform, external_id, erased_at in conn.execute(
                "SELECT platform, author_external_id, erased_at FROM tombstones ORDER BY erased_at").fetchall():
            erasure_id = conn.execute("INSERT INTO erasures (erased_at, counts) VALUES (?, '{}')",
                                      (erased_at,)).lastrowid
            conn.execute("INSERT OR IGNORE INTO erasure_digests VALUES (?, ?, ?, ?)",
                         (digest(salt, AUTHOR, platform, external_id), AUTHOR, salt, erasure_id))
        conn.execute("PRAGMA secure_delete = ON")  # the dropped pages held plain ids
        conn.execute("DROP TABLE tombstones")
        conn.execute(f"PRAGMA secure_delete = {SECURE_DELETE}")
