"""A tag renamed or deleted is in the history of each conversation that carries it ("Ana
renamed the tag “late” to “running late”", "Ana deleted the tag “late”"), as adding and
removing one already are (M003). Team migration M014, with the others of that slot.

Why a trigger on the tags: a rename changes no item, so the items' triggers never see it;
a deletion takes the items' tags by a foreign-key cascade after the tag is gone, so the
removal trigger could not say which tag it was: it now leaves those rows to this one."""

from __future__ import annotations

M014_TAG_HISTORY = """
CREATE OR REPLACE FUNCTION changes_tag_renamed() RETURNS trigger LANGUAGE plpgsql
SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    INSERT INTO changes (item_id, thread_id, what, detail)
    SELECT it.item_id, i.thread_id, 'tag_renamed', json_build_array(o.name, n.name)::text
    FROM old_rows o JOIN new_rows n ON n.id = o.id JOIN item_tags it ON it.tag_id = n.id
    JOIN items i ON i.id = it.item_id WHERE o.name IS DISTINCT FROM n.name ORDER BY it.item_id;
    IF FOUND THEN
        PERFORM changes_notify();
    END IF;
    RETURN NULL;
END $$;
DROP TRIGGER IF EXISTS changes_tags_renamed ON tags;
CREATE TRIGGER changes_tags_renamed AFTER UPDATE ON tags REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION changes_tag_renamed();
CREATE OR REPLACE FUNCTION changes_tag_deleted() RETURNS trigger LANGUAGE plpgsql
SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    INSERT INTO changes (item_id, thread_id, what, detail)
    SELECT it.item_id, i.thread_id, 'tag_deleted', OLD.name FROM item_tags it JOIN items i ON i.id = it.item_id
    WHERE it.tag_id = OLD.id ORDER BY it.item_id;
    IF FOUND THEN
        PERFORM changes_notify();
    END IF;
    RETURN OLD;
END $$;
DROP TRIGGER IF EXISTS changes_tags_deleted ON tags;
CREATE TRIGGER changes_tags_deleted BEFORE DELETE ON tags FOR EACH ROW EXECUTE FUNCTION changes_tag_deleted();
-- The removal of an item's tag, except by the tag's own deletion (said above, with its name).
CREATE OR REPLACE FUNCTION changes_tags_removed() RETURNS trigger LANGUAGE plpgsql
SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    INSERT INTO changes (item_id, thread_id, what, detail)
    SELECT r.item_id, i.thread_id, 'untag', t.name FROM old_rows r
    LEFT JOIN items i ON i.id = r.item_id JOIN tags t ON t.id = r.tag_id ORDER BY r.item_id;
    PERFORM changes_notify();
    RETURN NULL;
END $$;
"""
