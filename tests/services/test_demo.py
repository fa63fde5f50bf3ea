"""The demo workspace reads like real feedback: no sentence said twice in a review, no
joining word repeated ("Also… Also…"), one reply from the owner per conversation, and a
reply to a complaint that answers that complaint."""

from __future__ import annotations

import re

import pytest

from inbox.services import demo_text as T
from inbox.services.demo import build_demo
from inbox.store import Store


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Store:
    store = Store(tmp_path_factory.mktemp("demo") / "demo.db")
    build_demo(store, seed=7)
    yield store
    store.close()


def test_no_sentence_or_joining_word_twice(demo: Store) -> None:
    for (text,) in demo.conn.execute("SELECT text FROM items WHERE is_owner_reply = 0"):
        sentences = [s.strip().casefold() for s in re.split(r"[.!?]+", text) if s.strip()]
        assert len(sentences) == len(set(sentences)), text
        assert text.count("Also,") <= 1 and text.count("On top of that") <= 1, text
        fragments = [f for a in T.ASPECTS.values() for side in a.values() for f in side if f.casefold() in text.casefold()]
        assert len(fragments) == len(set(fragments)), text


def test_one_owner_reply_per_conversation_and_no_reply_repeated(demo: Store) -> None:
    per_thread = demo.conn.execute(
        "SELECT thread_id, count(*), count(DISTINCT text) FROM items WHERE is_owner_reply = 1 GROUP BY thread_id"
    ).fetchall()
    assert per_thread and all(n == 1 == distinct for _, n, distinct in per_thread)
    for (thread_id,) in demo.conn.execute("SELECT DISTINCT thread_id FROM items WHERE kind != 'review'"):
        texts = [r[0] for r in demo.conn.execute(
            "SELECT text FROM items WHERE thread_id = ? AND is_owner_reply = 0", (thread_id,))]
        assert len(texts) == len(set(texts))


def test_a_reply_to_a_complaint_answers_that_complaint(demo: Store) -> None:
    answered = 0
    for review, reply in demo.conn.execute(
            "SELECT h.text, r.text FROM items r JOIN items h ON h.thread_id = r.thread_id AND h.is_head = 1 "
            "WHERE r.is_owner_reply = 1 AND h.rating <= 2"):
        said = [f for f in T.COMPLAINT_FIXES if f.casefold() in review.casefold()]
        fixes = [fix for f, fix in T.COMPLAINT_FIXES.items() if fix in reply]
        if fixes:
            answered += 1
            assert any(T.COMPLAINT_FIXES[f] in reply for f in said), (review, reply)
        assert "eggs" not in reply or "eggs" in review, (review, reply)
    assert answered >= 5
