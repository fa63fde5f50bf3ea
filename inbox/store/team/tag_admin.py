"""The team store's side of renaming, merging and deleting a tag (as inbox/store/tag_admin.py)."""

from __future__ import annotations

from typing import Any


class TeamTagAdminMixin:
    def cursor(self) -> Any: ...  # TeamStore

    def tagged_item_ids(self, tag_id: int) -> list[int]:
        """Every item carrying the tag (messages too, not only conversations), in id order."""
        with self.cursor() as cur:
            return [r[0] for r in cur.execute(
                "SELECT item_id FROM item_tags WHERE tag_id = %s ORDER BY item_id", (tag_id,))]
