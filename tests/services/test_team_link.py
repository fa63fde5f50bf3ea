"""A laptop's replica of a team inbox and its link (issue 20), against a real PostgreSQL
(tests/pg.py): the replica catches up and matches the server; what a member does offline
(the server unreachable) waits in order and is sent on reconnect, nothing lost; a conflict
keeps the later change with both in the history; a catch-up killed with SIGKILL resumes
without loss or duplicates; a replica of another database is refused; read state is each
member's own."""

from __future__ import annotations

import gc
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import warnings
from datetime import timedelta
from pathlib import Path

import pytest

from inbox.domain import Author, InboxFilter, Item, View, parse_time
from inbox.services.team_link import TeamLink, connect_replica, replica_path
from inbox.store import CannotOpen, Store, StoreError
from inbox.store.identity import is_held
from inbox.store.team import TeamStore, init_team
from tests.store.team.conftest import roles  # noqa: F401 - the ana/ben fixture

ROOT = Path(__file__).resolve().parents[2]
T0 = parse_time("2026-02-01T09:00:00Z")


def with_password(url: str, password: str) -> str:
    user, rest = url.removeprefix("postgresql://").split("@", 1)
    return f"postgresql://{user}:{password}@{rest}"


def reviews(first: int, n: int) -> list[Item]:
    return [Item(f"r{k}", "review", text=f"The croissant number {k} was {'lovely' if k % 2 else 'stale'}",
                 rating=k % 5 + 1, author=Author(f"g{k % 7}", f"Guest {k % 7}"),
                 created_at=T0 + timedelta(minutes=k)) for k in range(first, first + n)]


class Proxy:
    """A TCP relay in front of the server: stopping it is the laptop losing its network."""

    def __init__(self, port: int) -> None:
        self.target = ("127.0.0.1", port)
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self._conns: list[socket.socket] = []
        self._server: socket.socket | None = None
        self._lock = threading.Lock()  # a pair accepted while stop() runs is closed, never leaked

    def start(self) -> None:
        server = socket.socket()
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        server.bind(("127.0.0.1", self.port))
        server.listen(16)
        self._server = server
        threading.Thread(target=self._accept, args=(server,), daemon=True).start()

    def _accept(self, server: socket.socket) -> None:
        while True:
            try:
                client, _ = server.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(self.target)
            except OSError:
                client.close()
                continue
            with self._lock:
                if self._server is not server:  # stopped meanwhile
                    _close(client, upstream)
                    return
                self._conns += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(a: socket.socket, b: socket.socket) -> None:
        try:
            while data := a.recv(65536):
                b.sendall(data)
        except OSError:
            pass
        finally:
            for s in (a, b):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def stop(self) -> None:
        with self._lock:
            server, self._server = self._server, None
            conns, self._conns = self._conns, []
        if server is not None:
            try:  # wakes the thread blocked in accept(), which otherwise keeps the port
                server.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            server.close()
        _close(*conns)


def _close(*sockets: socket.socket) -> None:
    for s in sockets:
        try:
            s.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        s.close()


@pytest.fixture
def shop(pg_server, roles):  # noqa: F811
    """A team inbox owned by ana, with ben as a member: 40 reviews, a conversation with a
    reply, tags, done items and an assignment. (ana's store, ana's URL, ben's URL, names)"""
    urls, ana, ben = roles
    init_team(*urls[ana])
    owner = TeamStore(urls[ana][0], password=urls[ana][1])
    owner.grant_member(ben)
    source = owner.add_source("google", "Café on Main")
    owner.save_page(source.id, reviews(0, 40))
    owner.save_page(source.id, [Item("reply-r3", "reply", text="Thank you!", parent_external_id="r3",
                                     is_owner_reply=True, created_at=T0 + timedelta(hours=5))])
    ids = sorted(r.id for r in owner.iter_items())
    owner.tag_items(ids[:6], "Pastry")
    owner.set_status(ids[6:10], "done")
    owner.assign([ids[3]], ben)
    yield owner, with_password(*urls[ana]), with_password(*urls[ben]), ana, ben
    owner.close()


def server_view(team: TeamStore, member_reads: dict[int, str] | None = None) -> dict[int, tuple]:
    """Each item as a member's replica should show it: done is shared; read is theirs."""
    rows = list(team.iter_items(InboxFilter(include_owner_replies=True, conversations=False)))
    assigned = {i: m.role for m in team.members() for i in team.assigned_to(m.role, limit=10_000)}
    reads = member_reads or {}
    return {r.id: ("done" if r.status == "done" else ("read" if r.is_owner_reply else reads.get(r.id, "unread")),
                   r.snoozed_until, sorted(t[0] for t in r.tags), assigned.get(r.id), r.thread_id, r.text)
            for r in rows}


def replica_view(store: Store) -> dict[int, tuple]:
    rows = list(store.iter_items(InboxFilter(include_owner_replies=True, conversations=False)))
    assigned = dict(store.conn.execute("SELECT id, assigned_to FROM items WHERE assigned_to IS NOT NULL").fetchall())
    return {r.id: (r.status, r.snoozed_until, sorted(t[0] for t in r.tags), assigned.get(r.id), r.thread_id, r.text)
            for r in rows}


def histories(team: TeamStore, store: Store) -> tuple[list, list]:
    threads = sorted({r.thread_id for r in team.iter_items(InboxFilter(include_owner_replies=True,
                                                                       conversations=False))})
    server = [(c.seq, c.who, c.what, c.detail) for t in threads for c in team.conversation_history(t)]
    local = [(c.seq, c.who, c.what, c.detail) for t in threads for c in store.conversation_history(t)]
    return server, local


def test_a_replica_catches_up_and_matches_the_server(shop, tmp_path):
    owner, _ana_url, ben_url, ana, ben = shop
    seen: list[tuple[int, int]] = []
    path = connect_replica(ben_url, None, tmp_path, progress=lambda done, total: seen.append((done, total)))
    assert path == replica_path(ben_url, tmp_path) and seen and seen[-1][0] == seen[-1][1]
    with Store(path) as replica:
        info = replica.team_link_info()
        assert (info.member, info.waiting, set(info.members)) == (ben, 0, {ana, ben})
        assert replica_view(replica) == server_view(owner)
        server, local = histories(owner, replica)
        assert local == server and (ana, "assigned", ben) in [c[1:] for c in local]
        assert replica.counts() == replica.recounted()
        assert {r.id for r in replica.search("croissant lovely", limit=100)} == \
            {r.id for r in owner.search("croissant lovely", limit=100)}
        assert [r.id for r in replica.list_items(InboxFilter(assignee=ben))[0]] == owner.assigned_to(ben)

        # the team goes on working: new items, edits, done, tags, assignment, snoozes
        source = owner.list_sources()[0]
        owner.save_page(source.id, reviews(40, 5))
        owner.save_page(source.id, [Item("r1", "review", text="Edited: the croissant was lovely after all",
                                         rating=5, author=Author("g1", "Guest 1"), created_at=T0 + timedelta(minutes=1))])
        ids = sorted(r.id for r in owner.iter_items())
        owner.set_status(ids[40:42], "done")
        owner.untag_items(ids[:2], "Pastry")
        owner.tag_items(ids[41:44], "Complaint")
        owner.assign([ids[3]], None)
        owner.assign([ids[44]], ana)
        owner.snooze([ids[20]], T0 + timedelta(days=900))
        with TeamLink(path, ben_url, None) as link:
            assert link.catch_up() > 0 and link.online
            assert link.catch_up() == 0  # nothing new: nothing applied twice
        assert replica_view(replica) == server_view(owner)
        server, local = histories(owner, replica)
        assert local == server
        assert replica.counts() == replica.recounted()
        assert replica.get_item(ids[1]).text.startswith("Edited")


def test_read_state_is_each_members_own(shop, tmp_path):
    owner, ana_url, ben_url, _ana, _ben = shop
    ana_path = connect_replica(ana_url, None, tmp_path / "ana")
    ben_path = connect_replica(ben_url, None, tmp_path / "ben")
    with Store(ana_path) as anas, Store(ben_path) as bens, \
            TeamLink(anas, ana_url, None) as ana_link, TeamLink(bens, ben_url, None) as ben_link:
        item = anas.list_items(InboxFilter(view=View.UNREAD))[0][0]
        anas.set_status([item.id], "read")
        assert ana_link.push().sent == 1
        ben_link.catch_up()
        ana_link.catch_up()
        assert anas.get_item(item.id).status == "read"
        assert bens.get_item(item.id).status == "unread"  # Ana reading it did not read it for Ben
        assert bens.count_items(InboxFilter(view=View.UNREAD)) == anas.count_items(InboxFilter(view=View.UNREAD)) + 1
        anas.set_status([item.id], "done")  # done is shared
        ana_link.push()
        ben_link.catch_up()
        assert bens.get_item(item.id).status == "done"
        # Ben reads another; a new message from the customer makes it unread for everyone
        other = bens.list_items(InboxFilter(view=View.UNREAD))[0][0]
        bens.set_status([other.id], "read")
        ben_link.push()
        ben_link.catch_up()
        assert bens.get_item(other.id).status == "read"
        owner.save_page(other.source_id, [Item("follow-up", "comment", text="Still waiting for an answer",
                                               parent_external_id=other.external_id, author=Author("g9", "Zed"),
                                               created_at=T0 + timedelta(days=2))])
        ben_link.catch_up()
        assert bens.get_item(other.id).status == "unread"


def test_a_catch_up_holds_back_only_what_waits_to_be_sent(shop, tmp_path):
    """Ben opens a conversation (its read waits to be sent) and tags it; meanwhile Ana assigns
    it to herself, snoozes it and tags it too. Ben's catch-up brings all of Ana's triage and
    keeps Ben's read and tag: those changes are in the copy's history by then, so a catch-up
    that kept the old assignment would never bring it again."""
    owner, _ana_url, ben_url, ana, ben = shop
    path = connect_replica(ben_url, None, tmp_path)
    with Store(path) as replica, TeamLink(replica, ben_url, None) as link:
        item = next(r for r in replica.list_items(InboxFilter(view=View.UNREAD))[0]
                    if r.thread_id == r.id and r.id not in owner.assigned_to(ben))
        replica.set_status([item.id], "read")        # opening it: queued, not sent yet
        replica.tag_items([item.id], "Ben's tag")
        until = T0 + timedelta(days=900)
        owner.assign([item.id], ana)
        owner.snooze([item.id], until)
        owner.tag_items([item.id], "Ana's tag")
        assert link.catch_up() > 0
        assert replica.assignees([item.id]) == {item.id: ana}       # the server's assignment
        now = replica.get_item(item.id)
        assert parse_time(now.snoozed_until) == until                # the server's snooze
        assert {"Ana's tag", "Ben's tag"} <= {t[0] for t in now.tags}
        assert now.status == "read"                                  # Ben's read, still waiting
        assert [op.op for op in replica.queued_ops()] == ["status", "tag"]
        assert link.push().sent == 2
        link.catch_up()
        assert replica_view(replica) == server_view(owner, {item.id: "read"})
        assert replica.counts() == replica.recounted()


def test_an_offline_queue_is_sent_in_order_on_reconnect_and_nothing_is_lost(shop, tmp_path, pg_server):
    owner, _ana_url, ben_url, _ana, ben = shop
    proxy = Proxy(pg_server.port)
    proxy.start()
    via_proxy = ben_url.replace(f":{pg_server.port}/", f":{proxy.port}/")
    path = connect_replica(via_proxy, None, tmp_path)
    try:
        with Store(path) as replica, TeamLink(replica, via_proxy, None) as link:
            link.catch_up()
            ids = sorted(r.id for r in replica.iter_items())
            proxy.stop()  # the network goes
            assert link.push().sent == 0 and link.catch_up() == 0 and not link.online
            assert not link.reach()
            assert "team inbox" in link.last_error and "password" not in link.last_error.lower()
            assert connect_replica(via_proxy, None, tmp_path, offline_ok=True) == path  # opens as it is
            with pytest.raises(CannotOpen, match="not answering"):
                connect_replica(via_proxy, None, tmp_path)
            replica.set_status(ids[11:13], "done")
            replica.tag_items([ids[12]], "Call back")
            replica.untag_items([ids[12]], "Call back")  # in order: the tag ends removed
            replica.tag_items([ids[13]], "Call back")
            before = replica.set_status([ids[14]], "done")
            replica.restore_triage(before)               # undone: ends not done
            replica.assign([ids[15]], ben)
            replica.snooze([ids[16]], T0 + timedelta(days=900))
            replica.save_draft(ids[17], "Thanks Guest, we will bake more tomorrow.")
            replica.queue_reply(ids[18], replica.get_item(ids[18]).source_id, "Sorry, we'll do better",
                                idempotency_key="offline-reply-1", not_before="2026-02-01T09:00:00Z",
                                mark_done=False, created_at="2026-02-01T09:00:00Z")
            assert replica.team_link_info().waiting == 11
            assert link.push().sent == 0 and replica.team_link_info().waiting == 11
            ops = replica.queued_ops()
            proxy.start()  # back online
            assert link.reach() and link.online
            result = link.push()
            assert (result.sent, result.conflicts) == (11, 0) and link.online
            assert replica.team_link_info().waiting == 0
            link.catch_up()
            assert replica_view(replica) == server_view(owner, {ids[14]: "unread"})
            assert owner.get_item(ids[11]).status == "done" and owner.get_item(ids[14]).status != "done"
            assert [t[0] for t in owner.get_item(ids[12]).tags] == []
            assert [t[0] for t in owner.get_item(ids[13]).tags] == ["Call back"]
            assert owner.assigned_to(ben) == sorted([ids[15], ids[3]], reverse=True)
            assert owner.get_draft(ids[17]).text == "Thanks Guest, we will bake more tomorrow."
            thread = owner.get_item(ids[12]).thread_id
            assert [(c.who, c.what, c.detail) for c in owner.conversation_history(thread)][-2:] == [
                (ben, "tag", "Call back"), (ben, "untag", "Call back")]
            assert histories(owner, replica)[0] == histories(owner, replica)[1]
            assert [(e.item_id, e.text) for e in owner.list_outbox(["queued"])] == [(ids[18], "Sorry, we'll do better")]
            assert (ben, "reply") in [(c.who, c.what) for c in owner.conversation_history(
                owner.get_item(ids[18]).thread_id)]
            # sent again (the laptop died before it noted them sent): the same end, one reply
            view = server_view(owner)
            with TeamStore(ben_url) as member:
                assert {o.result for o in member.apply_ops(ops)} == {"sent"}
            assert server_view(owner) == view and len(owner.list_outbox(["queued"])) == 1
    finally:
        proxy.stop()


def test_a_conflict_keeps_the_later_change_and_both_are_in_the_history(shop, tmp_path, pg_server):
    owner, _ana_url, ben_url, ana, ben = shop
    proxy = Proxy(pg_server.port)
    proxy.start()
    via_proxy = ben_url.replace(f":{pg_server.port}/", f":{proxy.port}/")
    path = connect_replica(via_proxy, None, tmp_path)
    try:
        with Store(path) as replica, TeamLink(replica, via_proxy, None) as link:
            ids = sorted(r.id for r in replica.list_items(InboxFilter(), limit=100)[0])
            a, b, c = ids[20], ids[21], ids[22]
            proxy.stop()
            owner.assign([b], ana)                  # Ana first...
            time.sleep(1.1)
            replica.assign([a], ben)                # ...Ben offline, later on b; earlier on a
            replica.assign([b], ben)
            replica.save_draft(c, "Ben's offline answer")
            time.sleep(1.1)
            owner.assign([a], ana)                  # Ana, later than Ben, on a
            owner.save_draft(c, "Ana's answer")
            proxy.start()
            result = link.push()
            assert (result.sent, result.conflicts, result.lost) == (3, 3, 2)
            assert owner.assigned_to(ana) == [a]    # Ana's later change holds on a
            assert b in owner.assigned_to(ben)      # Ben's later change holds on b
            assert owner.get_draft(c).text == "Ana's answer"
            link.catch_up()
            for conversation, later in ((a, ana), (b, ben)):
                history = [(h.who, h.detail, h.kept) for h in replica.conversation_history(
                    replica.get_item(conversation).thread_id) if h.what == "assigned"]
                assert {(ana, ana), (ben, ben)} <= {(who, detail) for who, detail, _ in history}
                assert replica.assignees([conversation]) == {conversation: later}
            assert (ben, ben, False) in [(h.who, h.detail, h.kept) for h in replica.conversation_history(
                replica.get_item(a).thread_id)]
            # Ben's overruled draft is neither lost on his laptop nor hidden from the team
            assert [op.args["text"] for op in replica.lost_ops() if op.op == "draft"] == ["Ben's offline answer"]
            assert ("draft", "Ben's offline answer", False) in [
                (h.what, h.detail, h.kept) for h in replica.conversation_history(replica.get_item(c).thread_id)]
            assert replica.get_draft(c).text == "Ana's answer"
    finally:
        proxy.stop()


CATCH_UP = """
import sys
from inbox.services import team_link
team_link.COPY_PAGE = team_link.CHANGES_PAGE = 50
def progress(done, total):
    print(done, total, flush=True)
team_link.connect_replica(sys.argv[1], None, __import__("pathlib").Path(sys.argv[2]), progress=progress)
print("finished", flush=True)
"""


def _catch_up_killed(url: str, data: Path, after_lines: int) -> bool:
    """Run a catch-up in another process; SIGKILL it after some progress. True if it was
    killed before it finished."""
    proc = subprocess.Popen([sys.executable, "-c", CATCH_UP, url, str(data)], stdout=subprocess.PIPE,
                            text=True, env={**os.environ, "PYTHONPATH": str(ROOT)}, cwd=ROOT)
    lines, killed = 0, False
    with proc.stdout:  # type: ignore[union-attr]
        for line in proc.stdout:  # type: ignore[union-attr]
            if line.startswith("finished"):
                break
            lines += 1
            if lines >= after_lines:
                os.kill(proc.pid, signal.SIGKILL)
                killed = True
                break
    proc.wait()
    return killed


def test_a_catch_up_killed_with_sigkill_resumes_without_loss_or_duplicates(shop, tmp_path):
    owner, _ana_url, ben_url, _ana, _ben = shop
    source = owner.list_sources()[0]
    for first in range(100, 1300, 300):
        owner.save_page(source.id, reviews(first, 300))
    assert _catch_up_killed(ben_url, tmp_path, after_lines=6)  # killed in the first copy
    ids = sorted(r.id for r in owner.iter_items())
    for k in range(0, 600, 20):  # 600 changes to catch up
        owner.tag_items(ids[k:k + 20], "Seen")
    owner.set_status(ids[:400:2], "done")
    assert _catch_up_killed(ben_url, tmp_path, after_lines=25)  # killed catching up (past the copy's end)
    assert not _catch_up_killed(ben_url, tmp_path, after_lines=10_000)  # runs to its end
    with Store(replica_path(ben_url, tmp_path)) as replica:
        assert replica_view(replica) == server_view(owner)
        server, local = histories(owner, replica)
        assert local == server and len({s[0] for s in local}) == len(local)
        assert replica.counts() == replica.recounted()
        fts = replica.conn.execute("SELECT count(*) FROM items_fts").fetchone()[0]
        assert fts == len(ids) + 1  # every item once in the search index (the owner's reply too)


def test_a_replica_of_another_database_is_refused(shop, tmp_path, pg_server, roles):  # noqa: F811
    owner, ana_url, ben_url, ana, ben = shop
    path = connect_replica(ben_url, None, tmp_path)
    with Store(path) as replica:
        before = replica_view(replica)
    database = owner.path.rsplit("/", 1)[1]
    owner.close()
    with pg_server.connect() as conn:  # the same address now holds another team inbox
        conn.execute(f'DROP DATABASE "{database}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{database}" OWNER {ana} TEMPLATE template0')
    init_team(ana_url, None)
    with TeamStore(ana_url) as other:
        other.grant_member(ben)
        other.save_page(other.add_source("google", "Another shop").id, reviews(0, 3))
    with pytest.raises(StoreError, match="another team inbox"):
        connect_replica(ben_url, None, tmp_path)
    with Store(path) as replica:
        assert replica_view(replica) == before  # left unchanged
        with TeamLink(replica, ben_url, None) as link:
            assert link.catch_up() == 0 and not link.online
            assert "not the one this copy was made from" in link.last_error
        assert replica_view(replica) == before
    with pytest.raises(StoreError, match="copy of"):
        TeamLink(path, ana_url, None)


def test_a_server_lost_while_the_link_opens_it_is_offline_not_an_error(shop, tmp_path, monkeypatch):
    """The connection can drop between connecting and the link's first question (psycopg's
    own error, not the store's): the link says offline, as for any call; closing a window
    says "left" this way, then closes its copy."""
    import psycopg

    _owner, _ana_url, ben_url, _ana, _ben = shop
    path = connect_replica(ben_url, None, tmp_path)

    def lost(self):
        raise psycopg.OperationalError("consuming input failed: server closed the connection unexpectedly")
    monkeypatch.setattr(TeamStore, "database_id", lost)
    with Store(path) as replica, TeamLink(replica, ben_url, None) as link:
        assert link.announce(1, "left") is None and not link.online
        assert link.catch_up() == 0 and not link.reach()
        assert "connection was lost" in link.last_error
        monkeypatch.undo()
        assert link.reach() and link.online  # back: the next call opens it again


def _wait_for(condition, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.05)
    return condition()


def test_listen_reports_changes_and_presence_and_reconnects(shop, tmp_path, pg_server):
    owner, _ana_url, ben_url, ana, _ben = shop
    proxy = Proxy(pg_server.port)
    proxy.start()
    via_proxy = ben_url.replace(f":{pg_server.port}/", f":{proxy.port}/")
    path = connect_replica(via_proxy, None, tmp_path)
    heard: list = []
    stop = threading.Event()
    try:
        with TeamLink(path, via_proxy, None) as link:
            worker = threading.Thread(target=link.listen, args=(heard.append, stop), daemon=True)
            worker.start()
            assert _wait_for(lambda: heard)
            assert (heard[0].kind, heard[0].seq) == ("changes", 0)  # connected: catch up on what was missed
            item = owner.list_items()[0][0]
            owner.announce(item.id, "replying")
            owner.set_status([item.id], "done")
            assert _wait_for(lambda: any(n.kind == "changes" and n.seq > 0 for n in heard)
                             and any(n.kind == "presence" for n in heard))
            assert ("presence", ana, item.id, "replying") in [(n.kind, n.who, n.item_id, n.activity) for n in heard]
            proxy.stop()  # the network goes...
            assert _wait_for(lambda: not link.online)
            heard.clear()
            proxy.start()  # ...and comes back: the listener reconnects by itself
            assert _wait_for(lambda: any(n.kind == "changes" and n.seq == 0 for n in heard), timeout=15)
            assert link.online
            stop.set()
            worker.join(5)
            assert not worker.is_alive()
    finally:
        stop.set()
        proxy.stop()


def test_the_copy_keeps_the_connection_options_but_never_the_password(shop, tmp_path):
    """A certificate check asked for once (sslmode=verify-full) must hold for every later
    connection the window and Open Recent make from the copy's address."""
    from inbox.services.team_recent import recent_teams

    _owner, _ana_url, ben_url, _ana, ben = shop
    password = ben_url.split(":", 2)[2].split("@", 1)[0]
    url = f"{ben_url}?sslmode=disable&connect_timeout=7"
    path = connect_replica(url, None, tmp_path)
    with Store(path) as store:
        kept = store.team_link_info().url
    assert "sslmode=disable" in kept and "connect_timeout=7" in kept
    assert password not in kept and password.encode() not in path.read_bytes()
    link = TeamLink(path, kept.replace("@", f":{password}@", 1), None)  # as the window reopens it
    try:
        link.catch_up()
        assert link.online
    finally:
        link.close()
    [recent] = recent_teams(tmp_path)
    assert recent.label == kept.removeprefix("postgresql://").split("?")[0] and ben in recent.label


def test_a_replica_whose_link_cannot_be_read_is_an_error_and_its_file_is_closed(tmp_path):
    """A damaged replica: the link's own Store is closed, not left open (unclosed, it kept
    the file held and, on Python 3.13, warned "unclosed database" when freed)."""
    url = "postgresql://ben@db.example.org:5432/shop"
    path = tmp_path / "replica.db"
    with Store(path) as replica:
        replica.link_team(url, "ben", "a-team-inbox")
        page = replica.conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'team_link'").fetchone()[0]
        page_size = replica.conn.execute("PRAGMA page_size").fetchone()[0]
        replica.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    with path.open("r+b") as fh:  # a bad sector on the link's page
        fh.seek((page - 1) * page_size)
        fh.write(b"\xa5" * page_size)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ResourceWarning)
        with pytest.raises(sqlite3.DatabaseError, match="malformed") as raised:
            TeamLink(path, url, None)
        assert not is_held(path)  # closed at once, not when the traceback is freed
        del raised
        gc.collect()
