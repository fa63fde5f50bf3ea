"""What the server checks for each statement of ingest, made cheaper (team migration M009,
issue 20's ingest of 10,000 items/s), with the same guarantees.

- Items' references to their author and thread are checked once per statement instead of
  once per row. A foreign key checks each inserted row with a query of its own (an executor
  started, the referenced row looked up and locked): a tenth of the server's time per item
  on a page of ingest. Here the authors and threads a statement's rows name are locked as a
  foreign key locks them (`FOR KEY SHARE`: a deletion waits for the statement's transaction,
  or the statement finds the row gone and fails), and a missing one is a
  `foreign_key_violation`, as before. An update checks only rows whose author or thread
  changes (a row trigger with a condition: triage pays nothing). Deleting an author or a
  thread sets its items' reference to NULL, as `ON DELETE SET NULL` did.
- A new message reopens its conversation for every member (M008) only when the
  conversation was there before: a new conversation's head has no read state yet.
"""

from __future__ import annotations

M009_INGEST_CHECKS = """
ALTER TABLE items DROP CONSTRAINT items_author_id_fkey;
ALTER TABLE items DROP CONSTRAINT items_thread_id_fkey;
-- (one lookup by id per referenced row, as a foreign key does: a join or `= ANY(array)` let the
-- planner read the whole table)
CREATE FUNCTION items_refs_inserted() RETURNS trigger LANGUAGE plpgsql
SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE wanted BIGINT; found BIGINT;
BEGIN
    SELECT count(DISTINCT author_id) INTO wanted FROM new_rows;
    IF wanted > 0 THEN
        SELECT count(*) INTO found FROM (SELECT DISTINCT author_id FROM new_rows) n,
            LATERAL (SELECT 1 FROM authors WHERE id = n.author_id FOR KEY SHARE) x;
        IF found < wanted THEN
            RAISE foreign_key_violation USING MESSAGE = 'items name an author that does not exist';
        END IF;
    END IF;
    SELECT count(DISTINCT thread_id) INTO wanted FROM new_rows;
    IF wanted > 0 THEN
        SELECT count(*) INTO found FROM (SELECT DISTINCT thread_id FROM new_rows) n,
            LATERAL (SELECT 1 FROM threads WHERE id = n.thread_id FOR KEY SHARE) x;
        IF found < wanted THEN
            RAISE foreign_key_violation USING MESSAGE = 'items name a thread that does not exist';
        END IF;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER items_refs_insert AFTER INSERT ON items REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION items_refs_inserted();
CREATE FUNCTION items_refs_changed() RETURNS trigger LANGUAGE plpgsql
SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    IF NEW.author_id IS DISTINCT FROM OLD.author_id AND NEW.author_id IS NOT NULL
       AND NOT EXISTS (SELECT 1 FROM authors WHERE id = NEW.author_id FOR KEY SHARE) THEN
        RAISE foreign_key_violation USING MESSAGE = 'an item names an author that does not exist';
    END IF;
    IF NEW.thread_id IS DISTINCT FROM OLD.thread_id AND NEW.thread_id IS NOT NULL
       AND NOT EXISTS (SELECT 1 FROM threads WHERE id = NEW.thread_id FOR KEY SHARE) THEN
        RAISE foreign_key_violation USING MESSAGE = 'an item names a thread that does not exist';
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER items_refs_update AFTER UPDATE OF author_id, thread_id ON items FOR EACH ROW
    WHEN (NEW.author_id IS DISTINCT FROM OLD.author_id OR NEW.thread_id IS DISTINCT FROM OLD.thread_id)
    EXECUTE FUNCTION items_refs_changed();
CREATE FUNCTION items_refs_author_gone() RETURNS trigger LANGUAGE plpgsql
SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    UPDATE items SET author_id = NULL WHERE author_id = OLD.id;
    RETURN NULL;
END $$;
CREATE TRIGGER authors_delete AFTER DELETE ON authors FOR EACH ROW EXECUTE FUNCTION items_refs_author_gone();
CREATE FUNCTION items_refs_thread_gone() RETURNS trigger LANGUAGE plpgsql
SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    UPDATE items SET thread_id = NULL WHERE thread_id = OLD.id;
    RETURN NULL;
END $$;
CREATE TRIGGER threads_delete AFTER DELETE ON threads FOR EACH ROW EXECUTE FUNCTION items_refs_thread_gone();
-- A customer's message that is its conversation's head as it arrives started that
-- conversation (ingest marks a head only in a thread the page made): nobody has read it
-- yet, so only the others reopen a conversation (a page of new reviews pays nothing here).
CREATE OR REPLACE FUNCTION member_reads_reopen() RETURNS trigger LANGUAGE plpgsql
SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    DELETE FROM member_reads WHERE item_id IN (
        SELECT h.id FROM items h WHERE h.is_head AND h.thread_id IN (
            SELECT n.thread_id FROM new_rows n WHERE NOT n.is_owner_reply AND NOT n.is_head
            AND n.thread_id IS NOT NULL));
    RETURN NULL;
END $$;
"""
