"""The demo workspace: a fictional harbour-side café and two competitors, ~600 items over
18 months across nine source kinds, so that a new user sees a lived-in inbox.

Deterministic for a seed, and idempotent: external ids are stable and the time anchor is
stored, so running it twice changes nothing.
"""

from __future__ import annotations

import html
import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from inbox.domain import Author, Item, Source, format_time, parse_time, utcnow
from inbox.services import demo_text as T
from inbox.services import settings
from inbox.services.pipeline import Pipeline, default_pipeline
from inbox.store import Store

BUSINESS = "Harbour Street Café"
OWNER = "Ellie"

TAG_COLOURS = {
    "praise": "#46a758", "complaint": "#e5484d", "follow up": "#f76b15", "coffee": "#8e4ec6",
    "pastries": "#ffc53d", "service": "#0090ff", "queue": "#d6409f", "pricing": "#12a594",
    "atmosphere": "#6e56cf", "food": "#ad7f58",
}
ASPECT_TAG = {"coffee": "coffee", "pastries": "pastries", "service": "service", "queue": "queue",
              "prices": "pricing", "space": "atmosphere", "food": "food"}


@dataclass(frozen=True)
class DemoSource:
    key: str
    kind: str
    name: str
    whose: str
    count: int
    praise: tuple[str, ...] = ()
    complaints: tuple[str, ...] = ()
    reply_rate: float = 0.0
    url: str = ""


SOURCES = [
    DemoSource("g", "google", f"{BUSINESS} · Google", "own", 150, ("coffee", "pastries", "service"),
               ("queue", "prices"), 0.6, "https://maps.google.com/?cid=4417&review="),
    DemoSource("y", "yelp", f"{BUSINESS} · Yelp", "own", 20, ("pastries", "space"), ("queue",),
               url="https://www.yelp.com/biz/harbour-street-cafe?hrid="),
    DemoSource("f", "facebook", f"{BUSINESS} · Facebook", "own", 30, ("service", "food"), ("prices",), 0.35,
               "https://www.facebook.com/harbourstreetcafe/posts/"),
    DemoSource("m", "mastodon", "Mastodon mentions", "own", 15, url="https://mastodon.social/@"),
    DemoSource("b", "bluesky", "Bluesky mentions", "own", 12, url="https://bsky.app/profile/"),
    DemoSource("r", "reddit", "Reddit: Harbour Street", "own", 6, url="https://www.reddit.com/r/brighton/comments/"),
    DemoSource("a", "rss", "Google Alerts: Harbour Street Café", "own", 12),
    DemoSource("i", "appstore", "Order-ahead app · App Store", "own", 20,
               url="https://apps.apple.com/gb/app/harbour-street/id1555000001?see-all=reviews#"),
    DemoSource("p", "googleplay", "Order-ahead app · Google Play", "own", 20, reply_rate=0.4,
               url="https://play.google.com/store/apps/details?id=cafe.harbourstreet.order&reviewId="),
    DemoSource("bg", "google", "Bean & Gone · Google", "competitor", 60, ("prices", "space"), ("coffee", "service"),
               0.1, "https://maps.google.com/?cid=5521&review="),
    DemoSource("by", "yelp", "Bean & Gone · Yelp", "competitor", 15, ("prices", "food"), ("coffee",),
               url="https://www.yelp.com/biz/bean-and-gone?hrid="),
    DemoSource("dg", "google", "The Daily Grind · Google", "competitor", 50, ("food", "space"), ("service", "queue"),
               0.3, "https://maps.google.com/?cid=6630&review="),
]
RATING_WEIGHTS = {"own": [13, 10, 12, 25, 40], "competitor": [12, 12, 16, 28, 32]}
APP_ASPECTS = {
    "pos": ["Ordering ahead saves me ten minutes every morning", "Loyalty stamps work perfectly",
            "Clean app, pays with Apple Pay in two taps", "Love that I can save my usual order"],
    "neg": ["The app crashed at checkout and charged me twice", "Login code never arrives",
            "My order said ready but it wasn't made", "Keeps logging me out after the update"],
}
ALERT_TITLES = [
    "Harbour Street Café named among the best brunch spots by the sea",
    "New bakery counter opens at <b>Harbour Street Café</b>",
    "Local cafés rally for harbour clean-up day",
    "Harbour Street Café extends opening hours for summer",
    "Where to get a proper flat white in town: our guide",
    "Bean & Gone and <b>Harbour Street Café</b> among shortlisted independents",
]


class _Gen:
    def __init__(self, seed: int, anchor: datetime) -> None:
        self.rng = random.Random(seed)
        self.anchor = anchor
        self.people = [f"{f} {ln}" for f in T.FIRST_NAMES for ln in T.LAST_NAMES]
        self.rng.shuffle(self.people)
        self.regulars = self.people[:25]  # people who also post on social media
        self.said: list[str] = []            # the last review's fragments, and whether each praised
        self.mood_of: dict[str, str] = {}

    def when(self, max_days: int = 540) -> datetime:
        # More feedback recently: the square root skews toward the present.
        days = max_days * (self.rng.random() ** 1.6)
        return self.anchor - timedelta(days=days, minutes=self.rng.randint(0, 1440))

    def person(self, platform: str, regular_share: float = 0.15) -> Author:
        name = self.rng.choice(self.regulars) if self.rng.random() < regular_share else self.rng.choice(self.people)
        first, last = name.split(" ", 1)
        handle = f"{first.lower()}{last[0].lower()}"
        if platform == "mastodon":
            return Author(f"{handle}@mastodon.social", name, f"@{handle}@mastodon.social",
                          f"https://mastodon.social/@{handle}")
        if platform == "bluesky":
            return Author(f"did:plc:{handle}{len(name)}", name, f"{handle}.bsky.social",
                          f"https://bsky.app/profile/{handle}.bsky.social")
        if platform == "reddit":
            return Author(f"t2_{handle}", handle + str(self.rng.randint(1, 99)), f"u/{handle}",
                          f"https://www.reddit.com/user/{handle}")
        if platform in ("google", "googleplay"):
            return Author(name, name)  # these sources give no stable author id
        shown = f"{first} {last[0]}." if platform in ("yelp", "appstore") else name
        return Author(f"{platform}-{handle}", shown, handle)

    def rating(self, whose: str) -> int:
        return self.rng.choices([1, 2, 3, 4, 5], RATING_WEIGHTS[whose])[0]

    def review(self, src: DemoSource, rating: int) -> tuple[str, str, list[str], str]:
        """(title, text, aspects, mood) composed from fragments."""
        mood = "pos" if rating >= 4 else "neg" if rating <= 2 else "mid"
        praise = list(src.praise or T.ASPECTS)
        complaints = list(src.complaints or T.ASPECTS)
        n = 1 + (self.rng.random() < 0.5) + (self.rng.random() < 0.15) * 2
        aspects: list[str] = []
        parts: list[str] = []
        for i in range(n):
            side = mood if mood != "mid" else ("pos" if i % 2 == 0 else "neg")
            pool = [a for a in (praise if side == "pos" else complaints) if a not in aspects]
            if self.rng.random() < 0.3 or not pool:
                pool = [a for a in T.ASPECTS if a not in aspects]
            aspect = self.rng.choice(pool)  # each aspect once: no sentence said twice
            aspects.append(aspect)
            parts.append(self.rng.choice(T.ASPECTS[aspect][side]))
        self.said = parts
        self.mood_of = {p: ("pos" if p in T.ASPECTS[a]["pos"] else "neg") for p, a in zip(parts, aspects, strict=True)}
        opener = self.rng.choice(T.OPENERS[mood]).format(day=self.rng.choice(T.DAYS), who=self.rng.choice(T.WHO))
        body = _join(parts, mood)
        if opener.endswith((".", "!", ":")):
            body = body[0].upper() + body[1:]
        text = f"{opener} {body}."
        if n >= 3:  # a long one, as some people write
            text += (" I come here a lot, usually with my laptop for a couple of hours, and I have seen the place"
                     " change over the last year.")
        closer = self.rng.choice(T.CLOSERS[mood])
        text = " ".join((text + " " + closer).split())
        text = text[0].upper() + text[1:]
        return self.rng.choice(T.TITLES[mood]), text, aspects, mood

    def owner_reply(self, name: str, aspects: list[str], mood: str, said: list[str] | None = None) -> str:
        """A reply that answers what the review said: its praise echoed, its complaint's own fix."""
        said = said or []
        praised = [p for p in said if self.mood_of.get(p) == "pos"]
        complained = [p for p in said if self.mood_of.get(p) == "neg"]
        aspect = aspects[0] if aspects else "visit"
        if complained:
            aspect = aspects[said.index(complained[0])]
        template = self.rng.choice(T.OWNER_REPLIES[mood])
        echo = praised[0] if praised else "glad you enjoyed it"
        fix = T.COMPLAINT_FIXES.get(complained[0], "We're on it.") if complained else "We're on it."
        return template.format(name=name.split(" ")[0], aspect=aspect, echo=echo[0].upper() + echo[1:],
                               fix=fix) + f" — {OWNER}"


def _join(parts: list[str], mood: str) -> str:
    """Fragments as one sentence or a few, each joining word used once ("Also… Also…" reads
    as a machine's)."""
    if len(parts) == 1:
        return parts[0]
    if mood == "pos":
        return ", ".join(parts[:-1]) + " and " + parts[-1]
    if mood == "mid":
        return ", but ".join(parts[:2]) + ("" if len(parts) < 3 else ". And " + ", ".join(parts[2:]))
    joiners = [". Also, ", ". On top of that, ", ", and "]
    out = parts[0]
    for joiner, part in zip(joiners, parts[1:], strict=False):
        out += joiner + part
    return out


def build_demo(store: Store, seed: int = 7, *, pipeline: Pipeline | None = None) -> dict[str, int]:
    """Fill `store` with the demo workspace through `pipeline` (by default the one a sync
    uses: sentiment, rules); return counts of what was added."""
    pipeline = pipeline or default_pipeline()
    anchor = parse_time(settings.get("demo_anchor", store)) or utcnow()
    settings.set("demo_anchor", format_time(anchor), store)
    for key, value in (("business_name", BUSINESS), ("owner_name", OWNER)):
        if not settings.get(key, store):
            settings.set(key, value, store)
    gen = _Gen(seed, anchor)
    added: dict[str, int] = {}
    tags_for: dict[int, set[str]] = {}
    new_ids: list[int] = []
    for spec in SOURCES:
        source = _ensure_source(store, spec)
        items, item_tags = _items_for(gen, spec)
        result = store.save_page(source.id, items, {"demo": True}, pipeline=pipeline)
        added[spec.name] = result.new
        new_ids += result.new_ids
        if result.new_ids:
            ids = store.item_ids_by_external(source.id)
            for ext, tags in item_tags.items():
                if ids.get(ext) in result.new_ids:
                    tags_for.setdefault(ids[ext], set()).update(tags)
        store.update_source(source.id, last_synced_at=format_time(anchor))
    if new_ids:
        _triage(store, gen, new_ids, tags_for)
    return added


def _ensure_source(store: Store, spec: DemoSource) -> Source:
    for source in store.list_sources():
        if source.name == spec.name:
            return source
    return store.add_source(spec.kind, spec.name, whose=spec.whose, settings={"demo": "true"})


def _items_for(gen: _Gen, spec: DemoSource) -> tuple[list[Item], dict[str, set[str]]]:
    if spec.kind in ("mastodon", "bluesky", "reddit"):
        return _social(gen, spec), {}
    if spec.kind == "rss":
        return _alerts(gen, spec), {}
    items: list[Item] = []
    tags: dict[str, set[str]] = {}
    for n in range(spec.count):
        ext = f"demo-{spec.key}-{n}"
        rating = gen.rating(spec.whose)
        created = gen.when()
        author = gen.person(spec.kind)
        language = "en"
        said: list[str] = []
        if spec.kind in ("appstore", "googleplay"):
            mood = "pos" if rating >= 4 else "neg" if rating <= 2 else "mid"
            side = "neg" if mood == "neg" else "pos"
            title = gen.rng.choice(T.TITLES[mood])
            text = gen.rng.choice(APP_ASPECTS[side]) + ". " + gen.rng.choice(T.CLOSERS[mood])
            aspects: list[str] = []
        elif gen.rng.random() < 0.07:
            language, rating, text = gen.rng.choice(T.FOREIGN)
            title, aspects, mood = "", [], "pos" if rating >= 4 else "neg" if rating <= 2 else "mid"
        else:
            title, text, aspects, mood = gen.review(spec, rating)
            said = list(gen.said)
        if spec.kind in ("google", "facebook", "googleplay"):
            title = ""  # these sources have no review titles
        items.append(Item(ext, "review", text=text.strip(), title=title, url=spec.url + ext, author=author,
                          rating=rating, language=language, created_at=created,
                          raw={"demo": True, "rating": rating}))
        item_tags = {ASPECT_TAG[a] for a in aspects}
        if rating == 5 and aspects:
            item_tags.add("praise")
        if rating <= 2:
            item_tags.add("complaint")
        tags[ext] = item_tags
        if gen.rng.random() < spec.reply_rate and language == "en":
            reply_at = created + timedelta(hours=gen.rng.randint(1, 72))
            if reply_at < gen.anchor:
                items.append(Item(f"{ext}#reply", "reply", text=gen.owner_reply(author.label, aspects, mood, said),
                                  url=spec.url + ext, author=Author("owner", f"{BUSINESS} (owner)"),
                                  created_at=reply_at, is_owner_reply=True, parent_external_id=ext))
    return items, tags


def _social(gen: _Gen, spec: DemoSource) -> list[Item]:
    items: list[Item] = []
    for n in range(spec.count):
        root = f"demo-{spec.key}-{n}"
        created = gen.when(420)
        author = gen.person(spec.kind, regular_share=0.5)
        text = gen.rng.choice(T.SOCIAL_MENTIONS).format(day=gen.rng.choice(T.DAYS))
        title = ""
        if spec.kind == "reddit":
            title, text = text.split(" — ")[0][:80], text + " Curious what everyone thinks."
        items.append(Item(root, "mention", text=text, title=title, url=spec.url + root, author=author,
                          created_at=created, language="en",
                          html=f"<p>{html.escape(text)}</p>" if spec.kind in ("mastodon", "reddit") else None))
        parents = [root]
        answered = False
        said: list[str] = []
        for k in range(gen.rng.randint(1, 4 if spec.kind == "reddit" else 3)):
            created += timedelta(minutes=gen.rng.randint(5, 600))
            if created >= gen.anchor:
                break
            ext = f"{root}-r{k}"
            owner = k > 0 and not answered and gen.rng.random() < 0.3  # the owner answers a thread once
            answered = answered or owner
            unsaid = [r for r in T.SOCIAL_REPLIES if r not in said]  # nobody says the same thing twice
            body = (f"Thanks for the mention, {author.label.split(' ')[0]}! Come say hi — {OWNER}"
                    if owner else gen.rng.choice(unsaid))
            said.append(body)
            items.append(Item(ext, "comment" if spec.kind == "reddit" else "reply", text=body,
                              url=spec.url + ext, author=Author("owner", BUSINESS) if owner else gen.person(spec.kind),
                              created_at=created, language="en", is_owner_reply=owner,
                              parent_external_id=gen.rng.choice(parents), root_external_id=root,
                              html=f"<p>{html.escape(body)}</p>" if spec.kind in ("mastodon", "reddit") else None))
            parents.append(ext)
    return items


def _alerts(gen: _Gen, spec: DemoSource) -> list[Item]:
    items = []
    for n in range(spec.count):
        title_html = gen.rng.choice(ALERT_TITLES)
        title = title_html.replace("<b>", "").replace("</b>", "")
        ext = f"demo-{spec.key}-{n}"
        text = f"{title}. Read the full story on the Harbour Gazette website."
        items.append(Item(ext, "mention", title=title, text=text, html=f"<p>{title_html}</p>",
                          url=f"https://harbourgazette.example/news/{n}", created_at=gen.when(), language="en"))
    return items


def _triage(store: Store, gen: _Gen, new_ids: list[int], tags_for: dict[int, set[str]]) -> None:
    """Older items mostly done, recent ones unread, a few snoozed, tags and drafts."""
    rows = store.item_briefs(new_ids)
    replied = store.replied_thread_ids()
    done, read, snoozed, drafts = [], [], [], []
    heads = set(store.conversation_heads(new_ids))
    for item_id, created, rating, owner, thread_id in rows:
        if owner or item_id not in heads:
            continue
        age = (gen.anchor - parse_time(created)).days
        if age > 21 and (thread_id in replied or gen.rng.random() < 0.85):
            done.append(item_id)
        elif age > 5 or gen.rng.random() < 0.3:
            read.append(item_id)
        if age <= 30 and rating in (1, 2, 3) and thread_id not in replied and len(drafts) < 4:
            drafts.append(item_id)
        elif age <= 10 and len(snoozed) < 4 and gen.rng.random() < 0.15:
            snoozed.append(item_id)
    # as the owner would: a conversation at a time, every message of it
    store.set_status(store.conversation_item_ids(done), "done")
    store.set_status(store.conversation_item_ids(read), "read")
    for i, item_id in enumerate(snoozed):
        store.snooze(store.conversation_item_ids([item_id]), gen.anchor + timedelta(days=2 + i))
    for name, colour in TAG_COLOURS.items():
        store.ensure_tag(name, colour)
    by_tag: dict[str, list[int]] = {}
    for item_id, tags in tags_for.items():
        for tag in tags:
            by_tag.setdefault(tag, []).append(item_id)
    by_tag.setdefault("follow up", []).extend(drafts + snoozed)
    for tag, ids in by_tag.items():
        store.tag_items(ids, tag)
    for item_id in drafts:
        if store.get_draft(item_id) is None:
            item = store.get_item(item_id)
            first = item.author_name.split(" ")[0]
            store.save_draft(item_id, f"Hi {first}, I'm sorry about your visit. ")
