"""Rules made, changed and deleted on a laptop's copy of a team inbox (offline too) reach
the server and the other laptops; the server's come back on catch-up; a rule waiting to be
sent keeps the laptop's; the server's sync runs a rule a laptop made. Real PostgreSQL
(tests/pg.py), through `TeamLink` as the window uses it."""

from __future__ import annotations

from datetime import timedelta

from inbox.domain import Author, InboxFilter, Item
from inbox.domain.rules import Actions, Conditions, Rule
from inbox.services import rules
from inbox.services.pipeline import Pipeline
from inbox.services.team_link import TeamLink, connect_replica
from inbox.store import Store
from tests.services.test_team_link import T0, shop  # noqa: F401 - the team inbox of ana and ben
from tests.store.team.conftest import roles  # noqa: F401 - the ana/ben fixture


def _rules(store) -> list[tuple[str, bool, str, str]]:
    return [(r.name, r.enabled, r.conditions.keyword, r.actions.tag) for r in store.list_rules()]


def test_rules_made_on_a_laptop_reach_the_server_and_the_other_laptops(shop, tmp_path):  # noqa: F811
    owner, ana_url, ben_url, _ana, _ben = shop
    owner.insert_rule(Rule("Refunds", Conditions(keyword="refund"), Actions(tag="Money")))
    ana_path = connect_replica(ana_url, None, tmp_path / "ana")
    ben_path = connect_replica(ben_url, None, tmp_path / "ben")
    with Store(ana_path) as anas, Store(ben_path) as bens, \
            TeamLink(anas, ana_url, None) as ana_link, TeamLink(bens, ben_url, None) as ben_link:
        assert _rules(bens) == [("Refunds", True, "refund", "Money")]  # the server's, in the first copy
        # Ben, offline: a new rule, the server's one changed, then one made and deleted
        burnt = bens.insert_rule(Rule("Burnt", Conditions(keyword="burnt", rating_max=2), Actions(tag="Kitchen")))
        refunds = bens.list_rules()[0]
        refunds.enabled, refunds.actions = False, Actions(tag="Money", mute=True)
        bens.update_rule(refunds)
        gone = bens.insert_rule(Rule("Typo", Conditions(keyword="tpyo")))
        bens.delete_rule(gone.id)
        assert [op.op for op in bens.queued_ops()] == ["rule", "rule", "rule"]
        ben_link.catch_up()  # the server's rules do not overwrite Ben's waiting ones
        assert _rules(bens) == [("Refunds", False, "refund", "Money"), ("Burnt", True, "burnt", "Kitchen")]

        assert ben_link.push().sent == 3
        assert _rules(owner) == [("Refunds", False, "refund", "Money"), ("Burnt", True, "burnt", "Kitchen")]
        assert owner.list_rules()[0].actions.mute and owner.list_rules()[1].conditions.rating_max == 2
        assert bens.queued_ops() == []
        ben_link.push()  # sent twice: still one of each
        assert len(owner.list_rules()) == 2

        assert ana_link.catch_up() > 0
        assert _rules(anas) == _rules(owner)
        assert anas.queued_ops() == []  # what the link wrote is not sent back

        # made on the server (another member's app): renamed there, deleted there
        server_burnt = next(r for r in owner.list_rules() if r.name == "Burnt")
        server_burnt.name = "Burnt or cold"
        owner.update_rule(server_burnt)
        owner.delete_rule(next(r.id for r in owner.list_rules() if r.name == "Refunds"))
        ben_link.catch_up()
        assert _rules(bens) == [("Burnt or cold", True, "burnt", "Kitchen")]
        assert bens.list_rules()[0].id == burnt.id  # the same rule, kept by its identity

        # the server's sync runs the rule Ben made
        source = owner.list_sources()[0]
        owner.save_page(source.id, [Item("burnt-1", "review", text="The toast was burnt.", rating=1,
                                         author=Author("cold", "Cold Toast"), created_at=T0 + timedelta(days=3))],
                        pipeline=Pipeline(page_steps=(rules.on_ingest,)))  # a sync's page steps
        new = owner.list_items(InboxFilter(query="toast"))[0]
        assert [t[0] for t in new[0].tags] == ["Kitchen"]
