"""Run one outbox flush in its own process (the crash test kills it mid-request).

    python -m tests.replies.flush_outbox DB_PATH SECRETS_JSON
"""

from __future__ import annotations

import asyncio
import json
import sys

from inbox.services.outbox import Outbox
from inbox.store import Store
from tests.replies.support import PlainHttp, factory


async def main(db: str, secrets: dict[str, str]) -> None:
    http = PlainHttp(timeout=60)
    with Store(db) as store:
        results = await Outbox(store, factory(http, secrets)).flush()
    print(json.dumps([r.state for r in results]))


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], json.loads(sys.argv[2])))
