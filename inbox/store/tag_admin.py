"""What renaming, merging and deleting a tag needs besides `TriageMixin`'s operations:
which items carry it (a deletion's undo tags them again; a merge tags them with the other)."""

from __future__ import annotations

from typing import Any


class TagAdminMixin:
    conn: Any  # Store

    def tagged_item_ids(self, tag_id: int) -> list[int]:
        """Every item carrying the tag (messages too, not only conversations), in id order."""
        return [r[0] for r in self.conn.execute(
            "SELECT item_id FROM item_tags WHERE tag_id = ? ORDER BY item_id", (tag_id,))]
