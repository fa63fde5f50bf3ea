"""Run fake source APIs in their own process (for the sync benchmark):

    python -m tests.replay.serve --mastodon 49000 --google 20000 --bluesky 20000 --rss 5000 --reddit 1000

Prints one JSON line {"base_url": ..., "expected": {kind: items}} and serves until stdin closes.
"""

from __future__ import annotations

import argparse
import json
import sys

from tests.replay.bluesky import FakeBluesky
from tests.replay.feeds import FakeFeed, alerts_entry
from tests.replay.google import FakeGoogle
from tests.replay.mastodon import FakeMastodon
from tests.replay.reddit import FakeReddit
from tests.replay.server import ReplayServer


def main() -> None:
    ap = argparse.ArgumentParser()
    for kind in ("mastodon", "google", "bluesky", "rss", "reddit"):
        ap.add_argument(f"--{kind}", type=int, default=0)
    args = ap.parse_args()
    server = ReplayServer()
    expected: dict[str, int] = {}
    if args.mastodon:
        FakeMastodon(n=args.mastodon, token="bench-token").install(server)
        expected["mastodon"] = args.mastodon
    if args.google:
        g = FakeGoogle(n=args.google).install(server)
        expected["google"] = args.google + sum(1 for r in g.reviews if "reviewReply" in r)
    if args.bluesky:
        FakeBluesky(n=args.bluesky).install(server)
        expected["bluesky"] = args.bluesky
    if args.rss:
        feed = FakeFeed(n=0)
        feed.entries = [alerts_entry(i) for i in range(args.rss)]
        feed.install(server)
        expected["rss"] = args.rss
    if args.reddit:
        FakeReddit(n=args.reddit).install(server)
        expected["reddit"] = args.reddit
    server.start()
    print(json.dumps({"base_url": server.base_url, "expected": expected}), flush=True)
    sys.stdin.read()
    server.stop()


if __name__ == "__main__":
    main()
