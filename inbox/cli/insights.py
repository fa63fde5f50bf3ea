"""`inbox insights`: the dashboard's figures as text or JSON, and scoring of older items."""

from __future__ import annotations

import click

from inbox.cli.common import db_option, echo_json, fail, open_store


def register(group: click.Group) -> None:
    @group.command("insights")
    @db_option
    @click.option("--days", type=click.IntRange(1, 36500), default=90, show_default=True,
                  help="The period: this many days up to today.")
    @click.option("--since", help="Start of a custom period (YYYY-MM-DD); with --until.")
    @click.option("--until", help="End of a custom period (YYYY-MM-DD).")
    @click.option("--rescore", is_flag=True, help="First score every item that has no sentiment yet.")
    @click.option("--aspects", is_flag=True,
                  help="Read every review not yet read for themes by aspect, and print them per business.")
    @click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
    @click.pass_context
    def insights_cmd(ctx: click.Context, db_path: str | None, days: int, since: str | None, until: str | None,
                     rescore: bool, aspects: bool, as_json: bool) -> None:
        """Rating, volume, sentiment, response rate and themes per business."""
        from datetime import date

        from inbox.domain import utcnow
        from inbox.domain.times import system_zone
        from inbox.services import insights, sentiment
        from inbox.services.themes import Period

        if bool(since) != bool(until):
            fail("give both --since and --until, or neither")
        try:
            period = Period(since, until) if since and until else Period.last(days, utcnow().astimezone(system_zone()).date().isoformat())  # today here
            date.fromisoformat(period.since), date.fromisoformat(period.until)
        except ValueError:
            fail("dates must look like 2026-03-31")
        with open_store(ctx, db_path) as store:
            if rescore:
                total = 0
                while n := sentiment.backfill(store):
                    total += n
                if not as_json:
                    click.echo(f"Scored {total:,} items.")
            fig = insights.compute(store, period)
            by_aspect = _aspects(store, fig, period, quiet=as_json) if aspects else {}
        rows = [{
            "business": b.business.label, "whose": b.business.whose, "items": b.volume,
            "rating": round(b.rating, 2) if b.rating else None, "sentiment": b.sentiment,
            "response_rate": round(b.response_rate, 3) if b.response_rate is not None else None,
            "median_reply_hours": round(b.median_reply_hours, 1) if b.median_reply_hours is not None else None,
            "praise": [{"phrase": t.phrase, "items": t.count, "trend": t.trend} for t in b.praise],
            "complaints": [{"phrase": t.phrase, "items": t.count, "trend": t.trend} for t in b.complaints],
            **({"aspects": by_aspect[b.business.key]} if b.business.key in by_aspect else {}),
        } for b in fig.businesses]
        if as_json:
            echo_json({"since": period.since, "until": period.until, "businesses": rows})
            return
        click.echo(f"{period.since} – {period.until}")
        for r in rows:
            rating = f"{r['rating']:.2f}★" if r["rating"] else "—"
            rate = f"{r['response_rate']:.0%}" if r["response_rate"] is not None else "—"
            reply = f"{r['median_reply_hours']} h" if r["median_reply_hours"] is not None else "—"
            s = r["sentiment"]
            click.echo(f"\n{r['business']} ({r['whose']}): {r['items']:,} items, rating {rating}, "
                       f"+{s['positive']} ={s['neutral']} -{s['negative']} ?{s['unknown']}, "
                       f"replied to {rate}, median reply {reply}")
            for key, title in (("praise", "Praise"), ("complaints", "Complaints")):
                if r[key]:
                    marks = {"up": " ▲", "down": " ▼"}
                    click.echo(f"  {title}: " + ", ".join(
                        f"{t['phrase']} ({t['items']}){marks.get(t['trend'], '')}" for t in r[key][:8]))
            if "aspects" in r:
                a = r["aspects"]
                for key, title in (("complaints", "Complaints that stand out"), ("praise", "Praise that stands out")):
                    if a[key]:
                        click.echo(f"  {title}: " + ", ".join(
                            f"{t['aspect']} ({t['count']} of {t['mentions']})" for t in a[key][:8]))
                click.echo("  By category: " + ", ".join(
                    f"{c['category']} {c['mentions']} ({c['complaints']:.0%} complaints)" for c in a["categories"]))


def _aspects(store, fig, period, *, quiet: bool) -> dict[str, dict]:
    """Themes by aspect per business (reading any review not read yet, newest first)."""
    from inbox.services import aspect_themes
    from inbox.services.text_signals import words

    n = aspect_themes.backfill_all(store)
    if n and not quiet:
        click.echo(f"Read {n:,} reviews for themes.")
    names = frozenset(w for b in fig.businesses for w in words(b.business.label))
    out = {}
    for b in fig.businesses:
        f = aspect_themes.figures(store, b.business.source_ids, period, exclude=names)
        out[b.business.key] = {
            "complaints": [{"aspect": s.term, "count": s.count, "mentions": s.total} for s in f.complaints],
            "praise": [{"aspect": s.term, "count": s.count, "mentions": s.total} for s in f.praise],
            "categories": [{"category": c.label, "mentions": c.count.total, "praise": round(c.positive_share, 3),
                            "complaints": round(c.negative_share, 3)} for c in f.categories],
            "languages_read": f.analysed, "languages_not_read": f.not_analysed,
        }
    return out
