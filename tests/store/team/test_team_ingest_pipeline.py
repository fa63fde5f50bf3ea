"""A run of pages written two at a time (`TeamStore.save_pages`): the inbox ends exactly as
when the pages are saved one by one, pages commit in order, and a failing page keeps the
pages before it and none after it."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest

from inbox.domain import Author, InboxFilter, Item, parse_time
from inbox.store.team import TeamStore

T0 = parse_time("2026-02-01T09:00:00Z")
WORDS = ("flat", "white", "croissant", "queue", "friendly", "slow", "oat", "milk", "cardamom", "bun")


def run_of_pages(seed: int, pages: int = 14, size: int = 18) -> list[list[Item]]:
    """Pages as a source sends them: mostly new reviews, with replies to items of the same
    page, of earlier pages and of pages still to come (chains arriving backwards), owner
    replies, items sent again with an edit, and authors renamed."""
    rng = random.Random(seed)
    out: list[list[Item]] = []
    n = 0
    sent: list[Item] = []
    for p in range(pages):
        page: list[Item] = []
        plain = p % 4 != 0  # three pages in four hold only new reviews and replies to each other
        for _ in range(size):
            n += 1
            who = rng.randrange(12)
            name = f"Guest {who}" if rng.random() > 0.05 else f"Renamed {who} {p}"
            author = Author(f"a{who}", name)
            at = T0 + timedelta(minutes=n)
            text = " ".join(rng.choices(WORDS, k=6))
            roll = rng.random()
            if plain:
                if roll < 0.2 and page:
                    parent = rng.choice(page)
                    page.append(Item(f"c{n}", "comment", text=text, author=author, created_at=at,
                                     parent_external_id=parent.external_id, is_owner_reply=rng.random() < 0.4))
                    continue
                roll = 1.0
            if roll < 0.08 and sent:  # the same item again, edited
                old = rng.choice(sent)
                page.append(Item(old.external_id, old.kind, text=f"{old.text} edited {n}", author=old.author,
                                 created_at=old.created_at, parent_external_id=old.parent_external_id))
                continue
            if roll < 0.2 and (page or sent):  # a reply to this page's item or an earlier one
                parent = rng.choice(page or sent)
                page.append(Item(f"c{n}", "comment", text=text, author=author, created_at=at,
                                 parent_external_id=parent.external_id, is_owner_reply=rng.random() < 0.4))
            elif roll < 0.26:  # a reply to an item that arrives later (or never)
                page.append(Item(f"c{n}", "comment", text=text, author=author, created_at=at,
                                 parent_external_id=f"r{n + rng.randrange(5, 60)}"))
            else:
                page.append(Item(f"r{n}", "review", title=rng.choice(WORDS), text=text, rating=rng.randint(1, 5),
                                 author=author, created_at=at))
        sent += page
        out.append(page)
    return out


def snapshot(team: TeamStore, source_id: int) -> list[tuple]:
    """Every message of a source as a member sees it: its conversation (by its messages'
    external ids), head, status, latest activity, author and text."""
    rows = team.list_items(InboxFilter(source_ids=[source_id], include_owner_replies=True, conversations=False),
                           limit=10_000)[0]
    threads: dict[int | None, list[str]] = {}
    for r in rows:
        threads.setdefault(r.thread_id, []).append(r.external_id)
    with team.cursor() as cur:
        heads = {r[0]: (r[1], r[2]) for r in cur.execute(
            "SELECT external_id, is_head, active_at FROM items WHERE source_id = %s", (source_id,))}
    return sorted((r.external_id, tuple(sorted(threads[r.thread_id])), heads[r.external_id], r.status,
                   r.author_name, r.text) for r in rows)


@pytest.mark.parametrize(("seed", "sessions"), [(1, 2), (2, 2), (3, 2), (4, 3)])
def test_two_sessions_leave_the_inbox_as_one_by_one(team, seed, sessions):
    # two platforms: each run has its own authors (an author is one per platform)
    one, two = team.add_source("facebook", "One by one"), team.add_source("mastodon", "Two at a time")
    pages = run_of_pages(seed)
    for k, page in enumerate(pages):
        team.save_page(one.id, page, {"page": k})
    results = team.save_pages(two.id, [(page, {"page": k}) for k, page in enumerate(pages)], sessions=sessions)
    assert len(results) == len(pages)
    assert team.run_stats is not None and team.run_stats.beside > 0  # pages did go two at a time
    assert snapshot(team, two.id) == snapshot(team, one.id)
    assert sum(r.new for r in results) == len(snapshot(team, one.id))
    assert team.get_source(two.id).cursor == {"page": len(pages) - 1}  # the last page's, written last
    team.fold_counts()
    assert team.counts() == team.recounted()
    # an author renamed on a later page is found by the new name on earlier pages' items too
    for name in sorted({i.author.display_name for page in pages for i in page}):
        found = [r.source_id for r in team.search(f'author:"{name}"', limit=1000)]
        assert found.count(one.id) == found.count(two.id), name


def test_each_new_item_has_one_change_in_commit_order(team):
    source = team.add_source("google", "Shop")
    pages = [[Item(f"r{p}-{k}", "review", text=f"latte {p} {k}", author=Author(f"a{k}", f"Guest {k}"),
                   created_at=T0 + timedelta(minutes=p * 50 + k)) for k in range(40)] for p in range(10)]
    team.save_pages(source.id, [(page, None) for page in pages])
    changes = team.changes_since(0, limit=10_000)
    assert len([c for c in changes if c.what == "new"]) == 400
    assert len({c.item_id for c in changes}) == 400


def test_a_failing_page_keeps_the_pages_before_it_and_none_after(team):
    source = team.add_source("google", "Shop")

    def page(p: int, text: str = "") -> list[Item]:
        return [Item(f"r{p}-{k}", "review", text=text or f"cake {p} {k}", author=Author(f"a{p}", f"Guest {p}"),
                     created_at=T0 + timedelta(minutes=p * 50 + k)) for k in range(25)]

    pages = [(page(p, "bad \x00 text" if p == 4 else ""), {"page": p}) for p in range(8)]
    with pytest.raises(Exception):  # noqa: B017  # PostgreSQL refuses the NUL byte: whatever psycopg calls it
        team.save_pages(source.id, pages)
    stored = {r.external_id.split("-")[0] for r in team.list_items(InboxFilter(source_ids=[source.id]),
                                                                  limit=1000)[0]}
    assert stored == {"r0", "r1", "r2", "r3"}
    assert team.get_source(source.id).cursor == {"page": 3}
    team.fold_counts()
    assert team.counts() == team.recounted()
    # the run can be taken up again from the failed page once it is fixed
    pages[4] = (page(4), {"page": 4})
    team.save_pages(source.id, pages[4:])
    assert team.stats()["items"] == 200 and team.get_source(source.id).cursor == {"page": 7}


def test_a_rename_on_the_next_page_reaches_the_page_written_beside_it(team):
    """Page 2 renames the author of page 1's many items while page 1 is still being written:
    the rename waits for page 1's commit, so search finds all of them by the new name."""
    source = team.add_source("google", "Shop")
    ana = Author("a1", "Ana")

    def review(n: int, who: Author) -> Item:
        return Item(f"r{n}", "review", text=f"cardamom bun {n}", author=who, created_at=T0 + timedelta(minutes=n))

    team.save_page(source.id, [review(0, ana)])
    big = [review(n, ana) for n in range(1, 2001)]
    team.save_pages(source.id, [(big, None), ([review(3000, Author("a1", "Ana Lopez"))], None)])
    assert team.run_stats is not None and team.run_stats.beside == 1
    assert len(team.search('author:"Ana Lopez"', limit=5000)) == 2002


def test_a_reply_to_the_previous_page_waits_for_it_and_joins_its_conversation(team):
    """Page 2 answers a reply of page 1: it starts after page 1 committed (the reply's
    thread is then visible), and the three messages are one conversation."""
    source = team.add_source("facebook", "Page")
    first = [Item(f"p{n}", "post", text=f"oat milk {n}", author=Author("u1", "Ana"),
                  created_at=T0 + timedelta(minutes=n)) for n in range(1500)]
    first.append(Item("c1", "comment", text="agreed", parent_external_id="p7", author=Author("u2", "Ben"),
                      created_at=T0 + timedelta(days=2)))
    second = [Item("c2", "comment", text="me too", parent_external_id="c1", author=Author("u3", "Cy"),
                   created_at=T0 + timedelta(days=3))]
    team.save_pages(source.id, [(first, None), (second, None)])
    rows = {r.external_id: r.thread_id for r in team.list_items(
        InboxFilter(include_owner_replies=True, conversations=False), limit=5000)[0]}
    assert rows["p7"] == rows["c1"] == rows["c2"]
    assert team.run_stats is not None and (team.run_stats.beside, team.run_stats.after) == (0, 2)
