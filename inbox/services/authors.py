"""One customer's data: find an author, export everything about them, or erase them.

Erasure removes every identity of the person, their items, the owner's replies to those
items and all that hangs on them, and records one-way digests that keep them out of later
syncs, imports and restored backups; the store overwrites what it deletes, so their text
is not left in the file (`Store.erase_author`, `inbox/store/erasures.py`). This module decides what is exported, in which format, and that
the business's own account is never erased.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from inbox import APP_NAME, __version__
from inbox.domain import format_time, utcnow
from inbox.domain.authors import AuthorSummary, ErasureReport
from inbox.domain.times import from_db, full_when, system_zone
from inbox.services.export import ExportError, atomic_target, check_target, records, write_csv
from inbox.store import NotFound, Store, StoreError

__all__ = ["AuthorSummary", "ErasePlan", "author_data", "erase_author", "erase_plan", "export_author",
           "get_author", "list_authors"]


@dataclass(slots=True)
class ErasePlan:
    """What erasing an author removes (shown before asking) or removed (after), per kind,
    and what is kept out from then on."""

    author: AuthorSummary
    report: ErasureReport

    @property
    def items(self) -> int:
        return self.report.items

    def who(self) -> str:
        """The person as the owner knows them: name and platforms, no ids."""
        platforms = ", ".join(dict.fromkeys(p.capitalize() for p in self.report.identities)) or \
            self.author.platform.capitalize()
        return f"{self.author.name} ({platforms})"

    def describe(self) -> str:
        """One line for the command line: who (with the id it was asked by), and each kind
        that has anything to remove."""
        lines = self.report.removed_lines(nonzero=True) or ["nothing stored"]
        accounts = len(self.report.identities)
        who = f"{self.author.name} ({self.author.platform}, id {self.author.id})"
        if accounts > 1:
            who += f" and {accounts - 1} linked account{'s' * (accounts > 2)}"
        return f"{who}: " + ", ".join(lines)

    def details(self) -> str:
        """Every kind on its own line, then what is kept out: for the window and the CLI."""
        return "\n".join([*(f"  {line}" for line in self.report.removed_lines()), "",
                          self.report.kept_out_line()])


def list_authors(store: Store, query: str = "", limit: int = 200) -> list[AuthorSummary]:
    """Authors whose name, handle or platform id contains `query`: customers first,
    busiest first; the business's own accounts last."""
    return store.find_authors(query, limit)


def get_author(store: Store, author_id: int) -> AuthorSummary:
    """One author's summary; the NotFound says how to find a valid id."""
    try:
        return store.author_summary(author_id)
    except NotFound:
        raise NotFound(f"No author with id {author_id}. "
                       f"Find one with `inbox author list --query NAME`.") from None


def author_data(store: Store, author_id: int) -> dict[str, Any]:
    """Everything the inbox holds about one author and the accounts linked to them as the
    same person (what an erasure would remove), as plain JSON-ready data."""
    group = store.erasure_group(author_id)
    records = [store.author_records(aid) for aid in [author_id, *(a for a in group if a != author_id)]]
    items: list[dict[str, Any]] = []
    for rec in records:
        items += _items_of(rec)
    items.sort(key=lambda i: (i["created_at"] or "", i["id"]))
    fields = ("id", "platform", "external_id", "display_name", "handle", "profile_url")
    return {
        "exported_at": format_time(utcnow()),
        "exported_by": f"{APP_NAME} {__version__}",
        "author": {k: records[0].author[k] for k in fields},
        "linked_accounts": [{k: rec.author[k] for k in fields} for rec in records[1:]],
        "items": items,
    }


def _items_of(rec: Any) -> list[dict[str, Any]]:
    """One account's items, each with the owner's replies to it, its draft and outbox."""
    extra = rec.extras
    # An owner reply belongs under the item it answers: its direct parent when that is one
    # of theirs, else the conversation's first item.
    replies: dict[int | None, list[dict[str, Any]]] = {}
    parents = {(it.source_id, extra[it.id]["external_id"]): it.id for it in rec.items}
    for r in rec.owner_replies:
        answered = parents.get((r["source_id"], r["parent_external_id"])) or r["root_item_id"]
        replies.setdefault(answered, []).append(
            {"text": r["text"], "created_at": r["created_at"], "url": r["url"]})

    def item_dict(it: Any) -> dict[str, Any]:
        x = extra[it.id]
        draft = rec.drafts.get(it.id)
        return {
            "id": it.id, "source": it.source_name, "platform": it.source_kind, "whose": it.whose,
            "kind": it.kind, "external_id": x["external_id"], "url": it.url, "rating": it.rating,
            "title": it.title, "text": it.text, "language": x["language"],
            "created_at": it.created_at, "updated_at": it.updated_at,
            "deleted_at": x["deleted_at"], "status": it.status, "snoozed_until": it.snoozed_until,
            "tags": [name for name, _ in it.tags], "thread_id": it.thread_id,
            "in_reply_to": x["parent_external_id"],
            "sentiment": x["sentiment"], "sentiment_label": it.sentiment,  # the owner's correction wins
            "owner_replies": replies.get(it.id, []),
            "draft_reply": {k: draft[k] for k in ("text", "created_at", "updated_at")} if draft else None,
            "outbox": rec.outbox.get(it.id, []),
            "raw": json.loads(x["raw"]) if x["raw"] else None,
        }

    return [item_dict(it) for it in rec.items]


def export_author(store: Store, author_id: int, target: str | Path) -> tuple[Path, Path, Path]:
    """Write `<target>` (.json), and beside it the same name with .html (a page the customer
    can read) and .csv (their items); returns the three paths."""
    json_path = check_target(target)
    if json_path.suffix.lower() != ".json":
        json_path = json_path.with_name(json_path.name + ".json")
    csv_path = json_path.with_suffix(".csv")
    html_path = json_path.with_suffix(".html")
    data = author_data(store, author_id)
    now = format_time(utcnow())
    try:
        with atomic_target(json_path) as tmp:
            tmp.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
        with atomic_target(html_path) as tmp:
            tmp.write_text(author_html(data), encoding="utf-8")
        with atomic_target(csv_path) as tmp, open(tmp, "w", encoding="utf-8", newline="") as out:
            rows = [row for aid in [author_id, *(a for a in store.erasure_group(author_id) if a != author_id)]
                    for row in store.author_export_rows(aid)]
            write_csv(out, records(store, rows, now))
    except OSError as exc:
        raise ExportError(f"Could not write the author's data: {exc.strerror or exc}.") from None
    return json_path, csv_path, html_path


def author_html(data: dict[str, Any]) -> str:
    """`author_data` as one self-contained page a person can read. Every value is escaped:
    the text is other people's (a review can hold `<script>`), and the page has no script,
    no remote resource and a policy that forbids both."""
    e = html.escape
    a = data["author"]
    name = a["display_name"] or a["handle"] or "Anonymous"

    def when(text: str | None) -> str | None:
        """A stored time as a person reads it: this computer's zone, in words (the JSON
        file keeps the exact UTC value)."""
        then = from_db(text) if text and len(text) >= 19 else None
        return full_when(then, system_zone()) if then else text

    def row(label: str, value: Any) -> str:
        return f"<tr><th>{e(label)}</th><td>{e('' if value is None else str(value))}</td></tr>" if value not in (
            None, "", []) else ""

    parts = [
        "<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; style-src \'unsafe-inline\'">',
        f"<title>Data held about {e(name)}</title>",
        "<style>body{font:15px/1.5 system-ui,sans-serif;max-width:50em;margin:2em auto;padding:0 1em}"
        "th{text-align:left;padding-right:1em;vertical-align:top;color:#555;font-weight:normal}"
        "section{border-top:1px solid #ccc;padding:.5em 0}.text{white-space:pre-wrap}"
        "blockquote{margin:.5em 0 .5em 1em;padding-left:1em;border-left:3px solid #ccc}</style>",
        "</head><body>",
        f"<h1>Data held about {e(name)}</h1>",
        f"<p>Exported {e(when(data['exported_at']) or '')} by {e(data['exported_by'])}: "
        f"{len(data['items'])} item{'s' * (len(data['items']) != 1)}.</p>",
        "<table>", row("Platform", a["platform"]), row("Id on the platform", a["external_id"]),
        row("Name", a["display_name"]), row("Handle", a["handle"]), row("Profile", a["profile_url"]), "</table>",
    ]
    for other in data.get("linked_accounts") or []:
        parts += ["<h3>Also their account</h3>", "<table>", row("Platform", other["platform"]),
                  row("Id on the platform", other["external_id"]), row("Name", other["display_name"]),
                  row("Handle", other["handle"]), "</table>"]
    for it in data["items"]:
        parts += ["<section>", f"<h2>{e(it['title'] or it['kind'].capitalize())}</h2>", "<table>",
                  row("Source", it["source"]), row("Written", when(it["created_at"])), row("Edited", when(it["updated_at"])),
                  row("Rating", it["rating"]), row("Link", it["url"]), row("Tags", ", ".join(it["tags"])),
                  row("Sentiment", it["sentiment_label"]), row("Status in our inbox", it["status"]), "</table>",
                  f'<p class="text">{e(it["text"])}</p>']
        for r in it["owner_replies"]:
            parts.append(f'<blockquote><p>Our reply, {e(when(r["created_at"]) or "")}:</p>'
                         f'<p class="text">{e(r["text"])}</p></blockquote>')
        if it["draft_reply"]:
            parts.append(f'<blockquote><p>Our unsent draft reply:</p>'
                         f'<p class="text">{e(it["draft_reply"]["text"])}</p></blockquote>')
        for o in it["outbox"]:
            parts.append(f'<blockquote><p>Our reply ({e(o["state"])}):</p>'
                         f'<p class="text">{e(o["text"])}</p></blockquote>')
        parts.append("</section>")
    parts.append("</body></html>")
    return "\n".join(p for p in parts if p)


# -- erasure -------------------------------------------------------------------------------

def erase_plan(store: Store, author_id: int) -> ErasePlan:
    """What erasing would remove; StoreError for the business's own account, whose erasure
    would delete the owner's replies and make every later sync skip them."""
    author = get_author(store, author_id)
    if author.is_owner:
        raise StoreError(f"{author.name} ({author.platform}, id {author.id}) is your own account: "
                         f"its items are your replies. It cannot be erased.")
    return ErasePlan(author=author, report=store.erasure_counts(author_id))


def erase_author(store: Store, author_id: int) -> ErasePlan:
    """Erase an author for good (see the module docstring); returns what was removed."""
    plan = erase_plan(store, author_id)
    return ErasePlan(author=plan.author, report=store.erase_author(author_id))
