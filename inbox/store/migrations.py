"""Schema migrations: registered functions, each run in its own transaction on open.

`PRAGMA user_version` records how many have run. Append new migrations at the end of
MIGRATIONS; never edit one that has shipped.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from inbox.store.identity import APPLICATION_ID

# A migration is SQL text (run as one script inside the transaction) or a function that
# uses conn.execute only: executescript() would commit the surrounding transaction.
Migration = str | Callable[[sqlite3.Connection], None]


# Sources, authors, threads, items, tags, triage, drafts, sync runs, settings.
M001_CORE = """
        CREATE TABLE sources (
            id INTEGER PRIMARY KEY,
            kind TEXT NOT NULL,
            name TEXT NOT NULL UNIQUE COLLATE NOCASE,
            whose TEXT NOT NULL DEFAULT 'own' CHECK (whose IN ('own', 'competitor')),
            settings TEXT NOT NULL DEFAULT '{}',
            cursor TEXT NOT NULL DEFAULT '{}',
            stats TEXT NOT NULL DEFAULT '{}',
            enabled INTEGER NOT NULL DEFAULT 1,
            created_at TEXT NOT NULL,
            last_synced_at TEXT,
            last_error TEXT
        );
        CREATE TABLE authors (
            id INTEGER PRIMARY KEY,
            platform TEXT NOT NULL,
            external_id TEXT NOT NULL,
            handle TEXT NOT NULL DEFAULT '',
            display_name TEXT NOT NULL DEFAULT '',
            profile_url TEXT NOT NULL DEFAULT '',
            person_id INTEGER,
            UNIQUE (platform, external_id)
        );
        CREATE TABLE threads (
            id INTEGER PRIMARY KEY,
            source_id INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
            root_external_id TEXT NOT NULL,
            root_item_id INTEGER,
            last_activity_at TEXT,
            UNIQUE (source_id, root_external_id)
        );
        CREATE TABLE items (
            id INTEGER PRIMARY KEY,
            source_id INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
            external_id TEXT NOT NULL,
            kind TEXT NOT NULL,
            url TEXT NOT NULL DEFAULT '',
            author_id INTEGER REFERENCES authors(id) ON DELETE SET NULL,
            rating INTEGER CHECK (rating IS NULL OR rating BETWEEN 1 AND 5),
            title TEXT NOT NULL DEFAULT '',
            text TEXT NOT NULL DEFAULT '',
            html TEXT,
            language TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL,
            updated_at TEXT,
            is_owner_reply INTEGER NOT NULL DEFAULT 0,
            parent_external_id TEXT,
            root_external_id TEXT,
            thread_id INTEGER REFERENCES threads(id) ON DELETE SET NULL,
            status TEXT NOT NULL DEFAULT 'unread' CHECK (status IN ('unread', 'read', 'done')),
            snoozed_until TEXT,
            deleted_at TEXT,
            fetched_at TEXT NOT NULL,
            raw TEXT,
            UNIQUE (source_id, external_id)
        );
        CREATE INDEX items_by_time ON items (created_at, id);
        CREATE INDEX items_by_source_time ON items (source_id, created_at, id);
        CREATE INDEX items_by_thread ON items (thread_id, created_at);
        CREATE INDEX items_by_author ON items (author_id, created_at);
        CREATE INDEX items_snoozed ON items (snoozed_until) WHERE snoozed_until IS NOT NULL;

        CREATE TABLE tags (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE COLLATE NOCASE,
            colour TEXT NOT NULL DEFAULT '#888888'
        );
        CREATE TABLE item_tags (
            item_id INTEGER NOT NULL REFERENCES items(id) ON DELETE CASCADE,
            tag_id INTEGER NOT NULL REFERENCES tags(id) ON DELETE CASCADE,
            PRIMARY KEY (item_id, tag_id)
        ) WITHOUT ROWID;
        CREATE INDEX item_tags_by_tag ON item_tags (tag_id, item_id);

        CREATE TABLE drafts (
            item_id INTEGER PRIMARY KEY REFERENCES items(id) ON DELETE CASCADE,
            text TEXT NOT NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE TABLE sync_runs (
            id INTEGER PRIMARY KEY,
            source_id INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
            started_at TEXT NOT NULL,
            finished_at TEXT,
            fetched INTEGER NOT NULL DEFAULT 0,
            new INTEGER NOT NULL DEFAULT 0,
            updated INTEGER NOT NULL DEFAULT 0,
            skipped INTEGER NOT NULL DEFAULT 0,
            error TEXT
        );
        CREATE INDEX sync_runs_by_source ON sync_runs (source_id, started_at);
        CREATE TABLE settings (
            key TEXT PRIMARY KEY,
            value TEXT
        );
        """


# Full-text index over title, text and author name, kept in step by triggers.
def time_key_sql(row: str) -> str:
    """SQL for the search index's rowid of an item: its time, then its id, in one integer
    ((seconds since 2000) << 32 | id). Full-text matches then come out newest first
    straight from the index, so a search for a common word stops after one page instead
    of sorting every match. `search_key` in queries.py is the same formula."""
    return f"(((unixepoch({row}.created_at) - 946684800) << 32) + {row}.id)"


_AUTHOR = "(SELECT display_name || ' ' || handle FROM authors WHERE id = {row}.author_id)"

# Full-text index over title, text and author name, kept in step by triggers.
M002_SEARCH = f"""
        CREATE VIRTUAL TABLE items_fts USING fts5(
            title, text, author, tokenize = 'unicode61 remove_diacritics 2'
        );
        INSERT INTO items_fts (rowid, title, text, author)
            SELECT {time_key_sql("i")}, i.title, i.text, {_AUTHOR.format(row="i")} FROM items i;
        -- Ingest indexes a whole page at once (much faster than row by row): it sets the
        -- flag row below inside its transaction, and the trigger stands aside meanwhile.
        CREATE TRIGGER items_fts_insert AFTER INSERT ON items
        WHEN NOT EXISTS (SELECT 1 FROM settings WHERE key = 'ingest.bulk_fts') BEGIN
            INSERT INTO items_fts (rowid, title, text, author)
            VALUES ({time_key_sql("new")}, new.title, new.text, {_AUTHOR.format(row="new")});
        END;
        CREATE TRIGGER items_fts_delete AFTER DELETE ON items BEGIN
            DELETE FROM items_fts WHERE rowid = {time_key_sql("old")};
        END;
        CREATE TRIGGER items_fts_update AFTER UPDATE OF title, text, author_id, created_at ON items BEGIN
            DELETE FROM items_fts WHERE rowid = {time_key_sql("old")};
            INSERT INTO items_fts (rowid, title, text, author)
            VALUES ({time_key_sql("new")}, new.title, new.text, {_AUTHOR.format(row="new")});
        END;
        CREATE TRIGGER authors_fts_update AFTER UPDATE OF display_name, handle ON authors BEGIN
            UPDATE items_fts SET author = new.display_name || ' ' || new.handle
            WHERE rowid IN (SELECT {time_key_sql("items")} FROM items WHERE author_id = new.id);
        END;
        """


# Tables the later features fill: saved views, rules, saved replies, outbox, erasure
# tombstones, sentiment; created now so that features land without schema races.
M003_WORKFLOW = """
        CREATE TABLE saved_views (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE COLLATE NOCASE,
            filter TEXT NOT NULL,
            created_at TEXT NOT NULL
        );
        CREATE TABLE rules (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            enabled INTEGER NOT NULL DEFAULT 1,
            conditions TEXT NOT NULL DEFAULT '{}',
            actions TEXT NOT NULL DEFAULT '{}',
            position INTEGER NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL
        );
        CREATE TABLE saved_replies (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE COLLATE NOCASE,
            body TEXT NOT NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE TABLE outbox (
            id INTEGER PRIMARY KEY,
            item_id INTEGER NOT NULL REFERENCES items(id) ON DELETE CASCADE,
            source_id INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
            text TEXT NOT NULL,
            state TEXT NOT NULL DEFAULT 'queued'
                CHECK (state IN ('queued', 'sending', 'sent', 'failed', 'cancelled')),
            idempotency_key TEXT NOT NULL UNIQUE,
            attempts INTEGER NOT NULL DEFAULT 0,
            last_error TEXT,
            not_before TEXT,
            mark_done INTEGER NOT NULL DEFAULT 0,
            remote_id TEXT,
            created_at TEXT NOT NULL,
            sent_at TEXT
        );
        CREATE INDEX outbox_by_state ON outbox (state, not_before);
        CREATE TABLE tombstones (
            platform TEXT NOT NULL,
            author_external_id TEXT NOT NULL,
            erased_at TEXT NOT NULL,
            PRIMARY KEY (platform, author_external_id)
        ) WITHOUT ROWID;
        ALTER TABLE items ADD COLUMN sentiment REAL;
        ALTER TABLE items ADD COLUMN sentiment_label TEXT;
        ALTER TABLE items ADD COLUMN sentiment_override TEXT;
        """


# The `feedback` view: one readable row per item for other SQLite tools (docs/database.md).
# `replied`/`reply_text` use the export's rule: the owner's latest reply in the item's thread.
M004_FEEDBACK_VIEW = """
        CREATE VIEW IF NOT EXISTS feedback AS
        SELECT i.id,
               s.name AS source,
               s.whose,
               i.kind,
               coalesce(nullif(a.display_name, ''), nullif(a.handle, ''), 'Anonymous') AS author,
               i.rating,
               i.title,
               i.text,
               i.created_at,
               i.status,
               i.snoozed_until,
               (SELECT group_concat(name, ', ') FROM (
                    SELECT t.name FROM item_tags it JOIN tags t ON t.id = it.tag_id
                    WHERE it.item_id = i.id ORDER BY t.name COLLATE NOCASE)) AS tags,
               i.url,
               i.thread_id,
               EXISTS (SELECT 1 FROM items r WHERE r.thread_id = i.thread_id
                       AND r.is_owner_reply = 1 AND r.deleted_at IS NULL) AS replied,
               (SELECT r.text FROM items r WHERE r.thread_id = i.thread_id
                AND r.is_owner_reply = 1 AND r.deleted_at IS NULL
                ORDER BY r.created_at DESC, r.id DESC LIMIT 1) AS reply_text
        FROM items i
        JOIN sources s ON s.id = i.source_id
        LEFT JOIN authors a ON a.id = i.author_id
        WHERE i.deleted_at IS NULL AND i.is_owner_reply = 0;
        """


def m005_insights(conn: sqlite3.Connection) -> None:
    """Insights: phrases, reply times, the per-day aggregate. Items stored before have no
    sentiment: the mark tells the services to score them after opening (a migration only
    changes the schema; scoring is the services' business)."""
    from inbox.store import insights, insights_schema

    insights_schema.create(conn)
    conn.execute("INSERT OR REPLACE INTO settings (key, value) SELECT ?, '1' WHERE EXISTS (SELECT 1 FROM items)",
                 (insights.BACKFILL_MARK,))


# Ingest maintains, a page at a time, what the insert triggers did row by row (the search
# index, the per-day figures, reply times): a trigger made each insert cost twice as much.
# Search-index segments are merged 8 at a time, not 4: less rewriting per insert.
M006_NO_INSERT_TRIGGERS = """
        DROP TRIGGER items_fts_insert;
        DROP TRIGGER items_reply_time_insert;
        DROP TRIGGER items_reply_time_root;
        DROP TRIGGER insight_days_insert;
        INSERT INTO items_fts (items_fts, rank) VALUES ('automerge', 8);
        """


# Early databases have an index `items_by_parent` that nothing queries and every insert
# pays for (migration 1 no longer creates it): this removes it there too.
M007_NO_PARENT_INDEX = "DROP INDEX IF EXISTS items_by_parent;"


# Why a run failed, as a field (offline, auth, ...): the window must not parse the message.
M008_SYNC_ERROR_KIND = "ALTER TABLE sync_runs ADD COLUMN error_kind TEXT;"


# Search finds what people mean: "croissant" finds "croissants". The index is built again
# with the Porter stemmer in front of the same tokenizer; the triggers name the table, not
# its tokenizer, so they stay.
M009_STEMMED_SEARCH = f"""
        DROP TABLE items_fts;
        CREATE VIRTUAL TABLE items_fts USING fts5(
            title, text, author, tokenize = 'porter unicode61 remove_diacritics 2'
        );
        INSERT INTO items_fts (items_fts, rank) VALUES ('automerge', 8);
        INSERT INTO items_fts (rowid, title, text, author)
            SELECT {time_key_sql("i")}, i.title, i.text, a.display_name || ' ' || a.handle
            FROM items i LEFT JOIN authors a ON a.id = i.author_id ORDER BY 1;
        """


def m010_conversations(conn: sqlite3.Connection) -> None:
    """One row per conversation: the head flag and the maintained conversation counts
    (inbox/store/conversations.py holds the schema, next to the code that keeps it)."""
    from inbox.store import conversations

    conversations.migrate(conn)


# Our mark in the file's header, so that another program's SQLite file is never taken for an
# inbox (checked by `identity.check_identity` before any write). New files get it here too.
M011_APPLICATION_ID = f"PRAGMA application_id = {APPLICATION_ID};"


def m013_erasure_records(conn: sqlite3.Connection) -> None:
    """Erasure records hold one-way digests, not the plain platform ids the tombstones
    kept: an erased customer's id is personal data too (docs/database.md)."""
    from inbox.store import erasure_schema

    erasure_schema.create(conn)


# Aspects (issue 18): each customer item's aspect mentions with their clause, whether the
# item has been analysed (NULL = not yet: a background pass fills it), the owner's
# polarity corrections per mention and category moves/hides per aspect.
M012_ASPECTS = """
        ALTER TABLE items ADD COLUMN aspects_version INTEGER;
        CREATE INDEX items_aspects_pending ON items (created_at)
            WHERE aspects_version IS NULL AND is_owner_reply = 0;
        CREATE TABLE aspect_mentions (
            item_id INTEGER NOT NULL REFERENCES items(id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            term TEXT NOT NULL,
            surface TEXT NOT NULL,
            category TEXT NOT NULL,
            polarity TEXT NOT NULL,
            by_stars INTEGER NOT NULL DEFAULT 0,
            clause TEXT NOT NULL,
            term_start INTEGER NOT NULL,
            term_end INTEGER NOT NULL,
            PRIMARY KEY (item_id, position)
        ) WITHOUT ROWID;
        CREATE INDEX aspect_mentions_by_term ON aspect_mentions (term);
        CREATE TABLE aspect_corrections (
            item_id INTEGER NOT NULL REFERENCES items(id) ON DELETE CASCADE,
            term TEXT NOT NULL,
            polarity TEXT NOT NULL CHECK (polarity IN ('positive', 'neutral', 'negative')),
            PRIMARY KEY (item_id, term)
        ) WITHOUT ROWID;
        CREATE TABLE aspect_choices (
            term TEXT PRIMARY KEY,
            category TEXT,
            hidden INTEGER NOT NULL DEFAULT 0
        ) WITHOUT ROWID;
        CREATE TRIGGER items_aspects_stale AFTER UPDATE OF title, text, rating ON items
            WHEN new.aspects_version IS NOT NULL AND (old.title IS NOT new.title OR
                 old.text IS NOT new.text OR old.rating IS NOT new.rating)
        BEGIN
            DELETE FROM aspect_mentions WHERE item_id = new.id;
            UPDATE items SET aspects_version = NULL WHERE id = new.id;
        END;
"""


# Items written without their analysis (a big sync or import leaves sentiment and phrases to a
# background pass): the pass finds the next batch, and counts what is left, through this index
# alone instead of scanning every item. An item leaves the index when it is analysed. Keyed
# by id, not time: new rows are appended at its end, the cheapest insert an index has.
M015_PENDING_ANALYSIS = """
        CREATE INDEX IF NOT EXISTS items_pending_analysis ON items (id)
            WHERE sentiment_label IS NULL AND is_owner_reply = 0;
        """


def m016_conversation_activity(conn: sqlite3.Connection) -> None:
    """Conversation lists ordered by latest activity (the schema is in conversations.py)."""
    from inbox.store import conversations

    conversations.migrate_activity(conn)


# The aspect analysis reads reviews better (aspect_themes.VERSION 2): every item read by an
# older version goes back to the background pass; the owner's corrections are kept apart
# and still win.
M018_REREAD_ASPECTS = """
        UPDATE items SET aspects_version = NULL WHERE aspects_version IS NOT NULL;
        """

# Aspects read again by analysis version 3 (the models learnt from MAMS, issue 18); the
# owner's corrections are kept, as in M018.
M019_REREAD_ASPECTS = """
        UPDATE items SET aspects_version = NULL WHERE aspects_version IS NOT NULL; -- version 3
        """


def m017_team_replica(conn: sqlite3.Connection) -> None:
    """A team inbox's local replica (issue 20): who a conversation is assigned to, the link,
    the operations waiting to be sent and the server's history (inbox/store/team_replica.py)."""
    from inbox.store import team_replica

    team_replica.migrate(conn)


def m020_team_shared(conn: sqlite3.Connection) -> None:
    """What a team inbox's replica shares besides triage: tag edits, team settings, saved
    searches and replies queued, tags matched by the server's id, the member's read state's
    sequence (inbox/store/team_replica_shared.py)."""
    from inbox.store import team_replica_shared

    team_replica_shared.migrate(conn)


def m021_no_ingest_guard(conn: sqlite3.Connection) -> None:
    """An ordinary inbox loses the team replica's per-row insert trigger (issue 19: it
    cost every imported row a query); a replica keeps it (`team_replica.link_team`)."""
    from inbox.store import team_replica

    team_replica.drop_unlinked_guard(conn)


def m022_team_rules(conn: sqlite3.Connection) -> None:
    """Rules made on a team inbox's copy are sent to the server, by an identity of their
    own (inbox/store/team_replica_rules.py)."""
    from inbox.store import team_replica_rules

    team_replica_rules.migrate(conn)


MIGRATIONS: list[Migration] = [M001_CORE, M002_SEARCH, M003_WORKFLOW, M004_FEEDBACK_VIEW, m005_insights,
                               M006_NO_INSERT_TRIGGERS, M007_NO_PARENT_INDEX, M008_SYNC_ERROR_KIND,
                               M009_STEMMED_SEARCH, m010_conversations,
                               M011_APPLICATION_ID, M012_ASPECTS, m013_erasure_records,
                               M015_PENDING_ANALYSIS, m016_conversation_activity, M018_REREAD_ASPECTS,
                               M019_REREAD_ASPECTS, m017_team_replica, m020_team_shared,
                               m021_no_ingest_guard, m022_team_rules]
SCHEMA_VERSION = len(MIGRATIONS)


def migrate(conn: sqlite3.Connection, target: int | None = None) -> int:
    """Run every migration above the file's `user_version` (up to `target`), each in its
    own IMMEDIATE transaction; return the version reached."""
    target = SCHEMA_VERSION if target is None else target
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise RuntimeError(
            f"this database was written by a newer Feedback Inbox (schema {version}, "
            f"this version knows {SCHEMA_VERSION}); update the app to open it")
    while version < target:
        migration = MIGRATIONS[version]
        try:
            if isinstance(migration, str):
                conn.executescript(
                    f"BEGIN IMMEDIATE;\n{migration}\nPRAGMA user_version = {version + 1};\nCOMMIT;")
            else:
                conn.execute("BEGIN IMMEDIATE")
                migration(conn)
                conn.execute(f"PRAGMA user_version = {version + 1}")
                conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        version += 1
    return version
