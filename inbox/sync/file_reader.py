"""The entry of the process that reads a big file beside the sync (`inbox.sources.file_child`):
`python -m inbox.sync.file_reader`, the frozen app with `file_child.FLAG`.

Why here, in the sync layer: besides reading the rows (the sources' work) it makes each
batch ready for ingest (`prepare_items`, the store's), so that the sync's process, where the
writer's thread is the critical path of an import, spends no time on it (docs/benchmarks.md,
issue 19, h19csv3). The sources may not import the store; this layer may use both.
"""

from __future__ import annotations

import functools
import sys

from inbox.sources import file_child
from inbox.store.ingest_prep import prepare_items


def main() -> int:
    # the reader's items passed `unstorable` already (FileConnector.read checks every row)
    return file_child.main(functools.partial(prepare_items, checked=True))


if __name__ == "__main__":
    sys.exit(main())
